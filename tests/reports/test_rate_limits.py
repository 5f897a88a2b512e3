"""Rate limits that hold: counted in the shared cache, keyed on the address a trusted proxy saw."""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from reports import limits, views
from reports.models import GeneratedDocument
from reports.services import RateLimited, issue_project_report
from tests.factories import ChangeProjectFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
VERIFY = reverse("reports:verify", args=["ZZZZZZZZZZZZ"])  # well formed, issued to no one
PROXY = "10.0.0.2"


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    """Python code in a fresh interpreter of this checkout, with the given environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TRUSTED_PROXIES"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- configuration ------------------------------------------------------------------------------

SHOW = "import tracker.settings as s; print(s.CACHES['default']['BACKEND']); print(s.CACHES['default'].get('LOCATION')); print(s.TRUSTED_PROXIES)"  # noqa: E501


def test_cache_is_the_database_table_unless_redis_url_is_set():
    database = _run(SHOW)
    redis = _run(SHOW, REDIS_URL="redis://127.0.0.1:6379/3", TRUSTED_PROXIES="10.0.0.0/8, ::1")

    assert database.returncode == 0, database.stderr
    assert database.stdout.splitlines() == [
        "django.core.cache.backends.db.DatabaseCache",
        "jejak_cache",
        "()",
    ]
    assert redis.returncode == 0, redis.stderr
    assert redis.stdout.splitlines() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "(IPv4Network('10.0.0.0/8'), IPv6Network('::1/128'))",
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must be a URL such as redis://"),
        ({"REDIS_URL": "http://:secret@cache:6379"}, "got one starting with 'http:'"),
        ({"REDIS_URL": "redis://127.0.0.1:port/0"}, "REDIS_URL must be a URL"),
        ({"TRUSTED_PROXIES": "10.0.0.1,nginx"}, "TRUSTED_PROXIES must list IP addresses"),
        ({"TRUSTED_PROXIES": "10.0.0.0/33"}, "got '10.0.0.0/33'"),
    ],
)
def test_malformed_cache_or_proxy_settings_stop_start_up(overrides, message):
    result = _run("import tracker.settings", **overrides)

    assert result.returncode != 0
    assert message in result.stderr
    assert "secret" not in result.stderr


def test_a_fresh_migrate_makes_the_cache_table(tmp_path):
    database = tmp_path / "fresh.sqlite3"

    migrated = _run(
        "import django; django.setup()\n"
        "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
        "from django.db import connection\n"
        "print('jejak_cache' in connection.introspection.table_names())",
        DATABASE_URL=f"sqlite:///{database}",
    )

    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == "True"


# --- the client address -------------------------------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("remote", "forwarded", "address"),
    [
        # No proxy in between: what the client writes is ignored.
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),
        # Through our proxy: the address it was reached from, whatever the client prepended.
        (PROXY, "198.51.100.7", "198.51.100.7"),
        (PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two proxies of ours in a row (the inner one in the trusted range).
        (PROXY, "198.51.100.7, 192.168.10.4", "198.51.100.7"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
        # A proxy that sent nothing, or something that is no address: the proxy itself.
        (PROXY, None, PROXY),
        (PROXY, "198.51.100.7, bukan-alamat", PROXY),
        (PROXY, "192.168.10.4", PROXY),
    ],
)
def test_client_address_comes_from_trusted_proxies_only(settings, remote, forwarded, address):
    settings.TRUSTED_PROXIES = (
        _network(f"{PROXY}/32"),
        _network("192.168.10.0/24"),
    )

    assert limits.client_address(_request(remote, forwarded)) == address


def _network(text: str):
    return ipaddress.ip_network(text)


def test_behind_the_proxy_one_client_over_the_limit_locks_out_only_itself(
    client, db, settings, monkeypatch
):
    settings.TRUSTED_PROXIES = (_network(f"{PROXY}/32"),)
    monkeypatch.setattr(views, "VERIFY_LIMIT", 3)

    def get(address):
        return client.get(VERIFY, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address).status_code

    assert [get("203.0.113.5") for _ in range(4)] == [404, 404, 404, 429]
    assert get("198.51.100.7") == 404
    assert get("9.9.9.9, 203.0.113.5") == 429  # a made-up left part changes nothing


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_limit(client, db, monkeypatch):
    monkeypatch.setattr(views, "VERIFY_LIMIT", 2)

    statuses = [
        client.get(VERIFY, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}")
        for n in range(3)
    ]

    assert [response.status_code for response in statuses] == [404, 404, 429]


# --- counting -----------------------------------------------------------------------------------


def test_take_counts_per_scope_and_person_and_starts_again_next_window(db):
    start = datetime.datetime(2026, 10, 5, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert [limits.take("a", 1, limit=2, window=600) for _ in range(3)] == [True, True, False]
        assert limits.take("a", 2, limit=2, window=600)  # someone else
        assert limits.take("b", 1, limit=2, window=600)  # another limit
    with time_machine.travel(start + datetime.timedelta(seconds=599), tick=False):
        assert not limits.take("a", 1, limit=2, window=600)
    with time_machine.travel(start + datetime.timedelta(seconds=600), tick=False):
        assert limits.take("a", 1, limit=2, window=600)


def test_a_refused_request_claims_nothing(db):
    for _ in range(5):
        limits.take("refused", 1, limit=1, window=600)

    # One key for the one counted request (and one for the hint): the refusals left none.
    now = int(time.time())
    prefix = f"limit:refused:1:{now - now % 600}"
    assert cache.get_many([f"{prefix}:{n}" for n in range(5)]) == {f"{prefix}:0": True}


# --- exports of large lists ---------------------------------------------------------------------


def test_large_exports_are_throttled_per_person_with_a_clear_429(client, world, monkeypatch):
    monkeypatch.setattr(views, "MAX_PER_PAGE", 2)
    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    for _ in range(2):
        ChangeProjectFactory(cohort=world.cohort)  # the organiser now sees three projects
    client.force_login(world.organiser)
    csv_url = reverse("reports:project-export-csv")
    xlsx_url = reverse("reports:project-export-xlsx")

    first, second, refused = client.get(csv_url), client.get(xlsx_url), client.get(csv_url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert refused.status_code == 429
    assert "Anda sudah mengunduh 2 daftar besar dalam 10 menit terakhir" in (
        refused.content.decode()
    )
    assert refused["Retry-After"] == "600"
    assert "Content-Disposition" not in refused
    small = client.get(f"{csv_url}?q={world.project.title}")  # one page's worth: not counted
    assert small.status_code == 200
    client.force_login(world.admin)
    assert client.get(csv_url).status_code == 200  # another person's own limit


# --- across threads and processes ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
def test_ten_concurrent_report_requests_under_a_limit_of_three_make_three_documents(settings):
    settings.REPORT_RATE_LIMIT = 3
    admin = UserFactory(is_superuser=True, is_staff=True)
    projects = [ChangeProjectFactory() for _ in range(10)]
    barrier = threading.Barrier(len(projects))
    issued, refused, failed = [], [], []

    def ask(project):
        try:
            barrier.wait()
            issued.append(issue_project_report(project=project, by=admin))
        except RateLimited as limited:
            refused.append(limited)
        except Exception as error:  # pragma: no cover - shown by the assertion below
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(project,)) for project in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert failed == []
    assert (len(issued), len(refused)) == (3, 7)
    assert GeneratedDocument.objects.filter(generated_by=admin).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrency")
def test_twenty_threads_take_exactly_the_limit_from_the_database_cache():
    barrier = threading.Barrier(20)
    taken = []

    def attempt():
        try:
            barrier.wait()
            taken.append(limits.take("threads", "one-person", limit=5, window=600))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(taken) == [False] * 15 + [True] * 5


VERIFY_TWENTY_TIMES = """
import sys, time
import django
django.setup()
from django.test import Client
url, address, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
client = Client()
while time.time() < start:
    time.sleep(0.005)
statuses = [client.get(url, REMOTE_ADDR=address).status_code for _ in range(20)]
print(statuses.count(404), statuses.count(429))
"""


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_the_verification_limit_holds_across_two_processes(tmp_path, backend):
    if backend == "redis" and not _redis_reachable():
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}
    migrated = _run(
        "import django; django.setup()\n"
        "from django.core.management import call_command; call_command('migrate', verbosity=0)",
        **env,
    )
    assert migrated.returncode == 0, migrated.stderr
    if backend == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/11"
    # An address of this run alone, so no earlier run's count in Redis can interfere.
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    start = str(time.time() + 4)  # both interpreters are ready by then
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "TRUSTED_PROXIES"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="tracker.settings", **env)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", VERIFY_TWENTY_TIMES, VERIFY, address, start],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]

    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    counts = [tuple(map(int, out.split())) for out, _err in outputs]
    assert sum(found for found, _limited in counts) == views.VERIFY_LIMIT == 30
    assert sum(limited for _found, limited in counts) == 10
