"""/healthz: database, cache, storage, static files and worker, as JSON naming what failed."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from tracker import health
from tracker.models import WorkerHeartbeat

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture
def worker_alive(db):
    return WorkerHeartbeat.objects.create(worker_id="w-1", host="web-1", pid=4242)


def test_healthz_answers_ok_when_everything_answers(client, worker_alive):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "static": "ok",
        "worker": "ok",
        "failed": [],
    }


def test_healthz_answers_503_when_the_database_does_not(client, worker_alive):
    with mock.patch("tracker.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "database" in response.json()["failed"]
    assert response.json()["status"] == "unavailable"


def test_healthz_names_a_cache_that_loses_what_it_was_given(client, worker_alive):
    with mock.patch("tracker.health.cache.get", return_value=None):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["cache"] == "written value not read back"


def test_healthz_names_storage_it_cannot_write(client, worker_alive):
    with mock.patch("tracker.health.default_storage.save", side_effect=OSError("read-only")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_storage_probe_leaves_nothing_behind(client, worker_alive, settings):
    client.get(reverse("healthz"))
    probes = settings.MEDIA_ROOT / "healthz"
    assert not probes.exists() or list(probes.iterdir()) == []


def test_healthz_needs_no_login_and_is_not_cached(client, db):
    response = client.get(reverse("healthz"))
    assert "no-cache" in response["Cache-Control"]


# --- the worker: a late worker degrades, it does not take every web node out ------------------


def test_no_worker_heartbeat_is_degraded_but_still_served(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["worker"]
    assert "no worker heartbeat" in response.json()["worker"]


def test_a_silent_worker_is_named_with_how_long_it_has_been_silent(client, worker_alive):
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(seconds=600))
    body = client.get(reverse("healthz")).json()
    assert body["failed"] == ["worker"]
    assert body["worker"].startswith("no worker heartbeat for 6")


@task()
def _nothing() -> None:
    return None


def test_a_job_waiting_too_long_is_named(client, worker_alive, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _nothing.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=900))
    body = client.get(reverse("healthz")).json()
    assert body["failed"] == ["worker"]
    assert body["worker"].startswith("oldest queued job waiting 9")


def test_a_fresh_job_or_one_due_later_is_no_problem(
    client, worker_alive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _nothing.enqueue()
        later = _nothing.using(run_after=timezone.now() + datetime.timedelta(hours=2)).enqueue()
    assert DBTaskResult.objects.count() == 2
    long_ago = timezone.now() - datetime.timedelta(seconds=900)
    DBTaskResult.objects.filter(pk=later.id).update(enqueued_at=long_ago)
    assert client.get(reverse("healthz")).json()["worker"] == "ok"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_command_records_its_heartbeat_while_it_runs_and_removes_it_after():
    seen = []
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.Worker.run",
        side_effect=lambda: seen.extend(WorkerHeartbeat.objects.values_list("worker_id", "pid")),
    ):
        call_command("worker", "--batch", "--no-reload", "--worker-id", "web-1-w1")

    assert [worker for worker, _pid in seen] == ["web-1-w1"]
    assert not WorkerHeartbeat.objects.exists()


# --- static files: with DEBUG off, pages 500 until collectstatic ran --------------------------


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    return settings


def test_uncollected_static_files_fail_health_the_deploy_check_and_start_up(
    client, worker_alive, manifest_storage
):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["failed"] == ["static"]
    assert "run manage.py collectstatic" in response.json()["static"]
    errors = [m for m in run_checks(include_deployment_checks=True) if m.id == "jejak.E001"]
    assert len(errors) == 1
    manifest_storage.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        health.require_collected_static()


def test_collected_static_files_pass(client, worker_alive, manifest_storage):
    call_command("collectstatic", "--no-input", verbosity=0)

    assert client.get(reverse("healthz")).json()["static"] == "ok"
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "jejak.E001"]
    manifest_storage.DEBUG = False
    health.require_collected_static()


# --- a load balancer's plain-HTTP probe, by address --------------------------------------------


@pytest.fixture
def production_security(settings):
    settings.ALLOWED_HOSTS = ["jejak.example.go.id"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_a_local_plain_http_probe_on_any_host_is_answered_without_redirect(
    client, worker_alive, production_security, address
):
    response = client.get("/healthz", HTTP_HOST="10.20.30.40", REMOTE_ADDR=address)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_a_probe_from_elsewhere_keeps_host_validation(client, worker_alive, production_security):
    response = client.get("/healthz", HTTP_HOST="10.20.30.40", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 400


def test_the_exemption_covers_healthz_alone(client, worker_alive, production_security):
    local = {"HTTP_HOST": "10.20.30.40", "REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/masuk/", **local).status_code == 400
    assert client.get("/healthz/x", **local).status_code == 400
    assert client.post("/healthz", **local).status_code == 400


def test_a_plain_http_probe_with_the_site_name_is_not_redirected(
    client, worker_alive, production_security
):
    response = client.get("/healthz", HTTP_HOST="jejak.example.go.id", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert client.get("/masuk/", HTTP_HOST="jejak.example.go.id").status_code == 301
