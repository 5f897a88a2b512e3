"""Benchmark Jejak's main pages: p50, p95, queries and bytes per page and role, as N grows.

Each N runs in a fresh Python process on a throwaway database: a SQLite file, or, when
`DATABASE_URL` names a PostgreSQL server, a database of its own beside the one named there
(`<name>_pages_bench`, dropped afterwards). It holds the demo data plus N generated projects,
inserted in bulk: 40 per cohort, 4 milestones each, all in cohorts the demo's organiser runs and
in agencies under the demo agency head's, and 1 in 20 coached by `coach` and mentored by
`mentor`. Every page is then asked for through Django's test client, in process, as the role
that sees it (the first answer warms caches and is left out). Each page is drawn afresh, as
after a write (the regions tracker/fragments.py keeps are retired before every request);
`--kept` times them as served from the cache instead.

    .venv/bin/python benchmarks/pages.py                      # N = 1,000, 10,000, 100,000
    .venv/bin/python benchmarks/pages.py --sizes 1000 10000 --repeat 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jejak benchmarks/pages.py --sizes 10000
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PER_COHORT = 40
PER_UNIT = 100
PER_REGION = 10_000
GUIDED_EVERY = 20
MILESTONES = 4
# The export reads the projects of one region: min(N, 10,000) rows.
EXPORT_ROWS = PER_REGION


def setup_django(workdir: Path, *, keep: int | None = None) -> None:
    """Django on the benchmark's own database, made anew; or, for the tools that look into one
    page (home_queries.py, profile_page.py), on one kept for size `keep` and seeded the first
    time only: a SQLite file under `workdir`, or on PostgreSQL `<name>_kept_<N>` (left for the
    next run: drop it when done)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-deployment")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["REPORT_RATE_LIMIT"] = "100000"
    os.environ.pop("REDIS_URL", None)
    # Production settings (DEBUG off) without a collectstatic run: plain static file names.
    os.environ["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    from django.conf import settings

    database = dict(settings.DATABASES["default"])
    if "postgresql" in database["ENGINE"]:
        # Never the developer's database: one of our own beside it.
        suffix = "pages_bench" if keep is None else f"kept_{keep}"
        database["TEST"] = {"NAME": f"{database['NAME']}_{suffix}"}
        kept = keep is not None and _postgres_has(database, database["TEST"]["NAME"])
    else:
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(workdir / "bench.db"),
            "TEST": {"NAME": str(workdir / "bench.db")},
        }
        kept = keep is not None and (workdir / "bench.db").exists()
    if kept:
        database["NAME"] = database["TEST"]["NAME"]
    settings.DATABASES = {"default": database}
    import django

    django.setup()
    from django.db import connection

    if not kept:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        if keep is not None:
            seed(keep)
            recount_figures()
    else:  # a kept database follows the code's migrations
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def recount_figures() -> float:
    """What the nightly `manage.py agency_figures` does, every agency's figures counted afresh;
    its seconds. On PostgreSQL the marks it deleted (one per seeded row) are then vacuumed, as
    autovacuum soon would: left, every reader of the marks scans half a million dead rows."""
    from django.db import connection

    from reports import figures
    from reports.models import AgencyFiguresMark

    started = time.perf_counter()
    figures.refresh(None, fresh=True)
    seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {AgencyFiguresMark._meta.db_table}")
    return seconds


def _postgres_has(database: dict[str, Any], name: str) -> bool:
    import psycopg

    server = {key.lower(): database[key] for key in ("HOST", "PORT", "USER", "PASSWORD")}
    with psycopg.connect(dbname="postgres", **server) as db:
        return (
            db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def setup_kept(count: int, keep: str) -> None:
    """Django on the database kept for size `count` (see setup_django), seeded once."""
    folder = Path(keep) / str(count)
    folder.mkdir(parents=True, exist_ok=True)
    setup_django(folder, keep=count)


def teardown_django() -> None:
    from django.conf import settings
    from django.db import connection

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def seed(count: int) -> dict[str, Any]:
    """The demo data and `count` generated projects in bulk; what the pages need to find."""
    import datetime
    import random

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from milestones.models import Milestone, Term
    from tracker import sqlite_stats, summary
    from tracker.models import (
        Agency,
        AgencyHead,
        ChangeProject,
        Cohort,
        Programme,
        Seminar,
        TransitionLog,
        User,
    )

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    rng = random.Random(14)
    today = timezone.localdate()
    now = timezone.now()
    people = {u.username: u for u in User.objects.filter(username__in=["coach", "mentor"])}
    organiser = User.objects.get(username="penyelenggara")
    home = AgencyHead.objects.select_related("agency").get(user__username="kepala").agency
    states = [value for value in ChangeProject.State.values if value != "withdrawn"]
    with transaction.atomic():
        regions = Agency.objects.bulk_create(
            Agency(code=f"bench-region-{n}", name=f"Wilayah Uji {n + 1}", parent=home)
            for n in range(max(1, -(-count // PER_REGION)))
        )
        units = Agency.objects.bulk_create(
            (
                Agency(
                    code=f"bench-unit-{n}",
                    name=f"UPTD Uji {n + 1:05d}",
                    parent=regions[n * PER_UNIT // PER_REGION],
                )
                for n in range(max(1, -(-count // PER_UNIT)))
            ),
            batch_size=2000,
        )
        cohorts = Cohort.objects.bulk_create(
            (
                Cohort(
                    programme=Programme.values[n % len(Programme.values)],
                    number=f"bench-{n + 1}",
                    year=today.year - n % 3,
                    institution="BPSDM Uji",
                    learning_starts_on=today - datetime.timedelta(days=120),
                    learning_ends_on=today - datetime.timedelta(days=90),
                    implementation_starts_on=today - datetime.timedelta(days=80),
                    implementation_ends_on=today + datetime.timedelta(days=30),
                    closes_on=today + datetime.timedelta(days=60),
                )
                for n in range(max(1, -(-count // PER_COHORT)))
            ),
            batch_size=2000,
        )
        Cohort.organisers.through.objects.bulk_create(
            (Cohort.organisers.through(cohort=c, user=organiser) for c in cohorts),
            batch_size=5000,
        )
        reviewers = User.objects.bulk_create(
            (
                User(
                    username=f"bench-{kind}-{n}",
                    full_name=f"{kind.title()} Uji {n:05d}",
                    password="!",
                    agency=units[n % len(units)],
                )
                for kind, total in (("coach", count // 50), ("mentor", count // 10))
                for n in range(max(1, total))
            ),
            batch_size=5000,
        )
        coaches = [user for user in reviewers if "-coach-" in user.username]
        mentors = [user for user in reviewers if "-mentor-" in user.username]
        participants = User.objects.bulk_create(
            (
                User(
                    username=f"bench-p{n}",
                    full_name=f"Peserta Uji {n:06d}",
                    nip=f"1990010120159{n:05d}",
                    password="!",
                    agency=units[n // PER_UNIT],
                )
                for n in range(count)
            ),
            batch_size=5000,
        )
        topics = [
            "Antrean Daring Puskesmas",
            "Arsip Digital Kepegawaian",
            "Layanan Perizinan Satu Pintu",
            "Dasbor Kinerja Pelayanan",
            "Pengaduan Masyarakat Terpadu",
            "Inventaris Aset Berbasis QR",
        ]
        projects = ChangeProject.objects.bulk_create(
            (
                ChangeProject(
                    participant=participant,
                    cohort=cohorts[n // PER_COHORT],
                    agency=participant.agency,
                    coach=people["coach"] if n % GUIDED_EVERY == 0 else coaches[n % len(coaches)],
                    mentor=people["mentor"] if n % GUIDED_EVERY == 0 else mentors[n % len(mentors)],
                    title=f"{topics[n % len(topics)]} {n}",
                    problem_statement="Layanan masih manual dan antrean panjang.",
                    goal_short_term="Layanan daring berjalan di dua unit.",
                    innovation_summary="Pendaftaran dan antrean daring.",
                    state=states[rng.randrange(len(states))],
                )
                for n, participant in enumerate(participants)
            ),
            batch_size=5000,
        )
        Milestone.objects.bulk_create(
            (
                Milestone(
                    project=project,
                    term=Term.SHORT if order < 3 else Term.MEDIUM,
                    activity=f"Tahap {order}",
                    implementer="Tim pelaksana",
                    start_date=today + datetime.timedelta(days=offset - 30),
                    due_date=today + datetime.timedelta(days=offset),
                    expected_output="Laporan tahap",
                    order=order,
                    state=Milestone.State.values[(project.pk + order) % len(Milestone.State)],
                )
                for project in projects
                for order in range(1, MILESTONES + 1)
                for offset in [rng.randint(-40, 60)]
            ),
            batch_size=10_000,
        )
        summary.refresh_many(ChangeProject.objects.filter(cohort__in=cohorts))
        # The review states were entered by a submission: the queues date items from it.
        TransitionLog.objects.bulk_create(
            (
                TransitionLog(
                    project=project,
                    actor=project.participant,
                    role="participant",
                    from_state="draft",
                    to_state=project.state,
                    transition="submit_proposal",
                    created_at=now - datetime.timedelta(days=project.pk % 30),
                )
                for project in projects
                if project.state in ("proposal_review", "report_review")
            ),
            batch_size=5000,
        )
        seminar = Seminar.objects.create(
            cohort=cohorts[0], kind=Seminar.Kind.PROPOSAL, starts_at=now, place="Aula Uji"
        )
        seminar.examiners.add(User.objects.get(username="penguji"))
        seminar.projects.add(*projects[:PER_COHORT])
    # A live database has statistics after a bulk load (autovacuum on PostgreSQL, the nightly
    # agency_figures on SQLite); without them the planner guesses row counts from empty tables
    # and picks plans no live database would. Autovacuum also vacuums after many inserts: the
    # visibility map that lets an index answer a count alone (172 ms against 10 at N=100,000).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        sqlite_stats.analyze(connection)
    return {
        "project": projects[len(projects) // 2].pk,
        "seminar": seminar.pk,
        "region": regions[0].pk,
        "cohort": cohorts[0].pk,
    }


def _page_200(listing: str, sort: str) -> str:
    """The list's page 200 as its "Berikutnya" links reach it: the cursor of page 199's last
    row (deep pages are sought, not numbered)."""
    from urllib.parse import urlencode

    from reports.filters import filtered_projects, seek_keys
    from reports.paging import SeekPaginator
    from reports.views import DEFAULT_PER_PAGE
    from tracker.models import User

    rows = filtered_projects(User.objects.get(username="admin"), {"sort": sort})
    assert rows.is_valid()
    pager = SeekPaginator(
        rows.qs,
        seek_keys(sort),
        DEFAULT_PER_PAGE,
        scope=f"projects:{sort}",
        counted=0,
        counted_exactly=False,
    )
    boundary = 199 * DEFAULT_PER_PAGE - 1
    found = list(pager.keys_query(beyond=None, backwards=False)[boundary : boundary + 1])
    if not found:  # fewer rows than 200 pages: the last one
        return f"{listing}?{urlencode({'sort': sort, 'page': 'last'})}"
    return f"{listing}?{urlencode({'sort': sort, 'after': pager.cursor(found[0])})}"


def pages(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(page, username, url) for every page measured."""
    from django.urls import reverse

    listing = reverse("reports:project-list")
    home = reverse("tracker:home")
    return [
        ("home: organiser (cohort board)", "penyelenggara", home),
        ("home: agency head", "kepala", home),
        ("home: coach (queue)", "coach", home),
        ("home: mentor (queue)", "mentor", home),
        ("home: participant", "peserta", home),
        ("home: examiner", "penguji", home),
        ("home: admin", "admin", home),
        ("list: admin", "admin", listing),
        ("list: agency head", "kepala", listing),
        ("list: organiser", "penyelenggara", listing),
        ("list: coach", "coach", listing),
        ("list: filtered", "admin", f"{listing}?state=implementation&agency={found['region']}"),
        ("list: by cohort", "kepala", f"{listing}?cohort={found['cohort']}"),
        ("list: sorted by progress", "admin", f"{listing}?sort=-progress"),
        ("list: sorted, page 200", "admin", _page_200(listing, "-progress")),
        ("list: page 200", "admin", _page_200(listing, "participant")),
        ("list: searched", "admin", f"{listing}?q=Arsip+Digital"),
        ("project page", "admin", reverse("tracker:project-detail", args=[found["project"]])),
        ("seminar page", "penguji", reverse("mentoring:seminar-detail", args=[found["seminar"]])),
        (
            "CSV export (<=10k rows)",
            "admin",
            f"{reverse('reports:project-export-csv')}?agency={found['region']}",
        ),
    ]


def measure(repeat: int, count: int, kept: bool = False) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tracker import fragments
    from tracker.models import User

    started = time.perf_counter()
    found = seed(count)
    seeding = time.perf_counter() - started
    recount = recount_figures()
    clients: dict[str, Client] = {}
    rows = []
    for name, username, url in pages(found):
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        times, cpu, queries, size, status = [], [], 0, 0, 0
        # CSV export is heavy: fewer rounds.
        rounds = max(3, repeat // 4) if "CSV" in name else repeat
        for attempt in range(rounds + 1):
            if not kept:
                # Drawn afresh, as after any write: the kept regions (tracker/fragments.py)
                # would otherwise answer every round after the first.
                fragments.bump()
            with CaptureQueriesContext(connection) as captured:
                began, cpu_began = time.perf_counter(), time.process_time()
                response = client.get(url)
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                elapsed = time.perf_counter() - began
                cpu_spent = time.process_time() - cpu_began
            if attempt:  # the first one warms templates and caches
                times.append(elapsed)
                cpu.append(cpu_spent)
            queries, size, status = len(captured), len(body), response.status_code
        times.sort()
        rows.append(
            {
                "page": name,
                "role": username,
                "status": status,
                "p50": statistics.median(times) * 1000,
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000,
                # This process's CPU (with SQLite, the database's work too): steadier than the
                # clock on a machine shared with other work.
                "cpu": statistics.median(cpu) * 1000,
                "queries": queries,
                "bytes": size,
            }
        )
    return {
        "count": count,
        "seeding": seeding,
        "recount": recount,
        "vendor": connection.vendor,
        "kept": kept,
        "rows": rows,
    }


def run(count: int, repeat: int, kept: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="jejak-pages-") as workdir:
        setup_django(Path(workdir))
        try:
            result = measure(repeat, count, kept)
        finally:
            teardown_django()
    print(json.dumps(result))


def child(count: int, repeat: int, kept: bool) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(count), str(repeat)]
        + (["--kept"] if kept else []),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def kib(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000], help="values of N"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--show", help="print the table of results written with --json")
    parser.add_argument(
        "--kept",
        action="store_true",
        help="time the pages as kept in the cache (by default each is drawn afresh)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(int(args.child[0]), int(args.child[1]), args.kept)
        return
    if args.show:
        report(json.loads(Path(args.show).read_text()))
        return
    results = []
    for n in args.sizes:
        results.append(child(n, args.repeat, args.kept))
        if args.json:  # after each N: a long run that is stopped keeps what it measured
            Path(args.json).write_text(json.dumps(results, indent=1))
    report(results)


def report(results: list[dict[str, Any]]) -> None:
    """A Markdown table: per page and role, p50, p95, queries and size at each N."""
    drawn = "kept in the cache" if results[0].get("kept") else "each drawn afresh"
    print(f"Jejak pages on {results[0]['vendor']} (ms, in process, {drawn})\n")
    header = f"| {'page':34} | role |"
    for result in results:
        n = result["count"]
        header += f" N={n:,} p50 | p95 | cpu p50 | queries | size |"
    print(header)
    print("|" + "---|" * (2 + 5 * len(results)))
    by_size = {result["count"]: {row["page"]: row for row in result["rows"]} for result in results}
    for index, first in enumerate(results[0]["rows"]):
        name, username = first["page"], first.get("role", "")
        line = f"| {name:34} | {username} |"
        for result in results:
            row = result["rows"][index]
            flag = "" if row["status"] == 200 else f" ({row['status']})"
            line += (
                f" {row['p50']:.0f} | {row['p95']:.0f}{flag} | {row.get('cpu', 0):.0f} |"
                f" {row['queries']} |"
                f" {kib(row['bytes'])} |"
            )
        print(line)
    print("\nseeding: " + ", ".join(f"N={r['count']:,} {r['seeding']:.0f} s" for r in results))
    print(
        "agency figures counted afresh (the nightly agency_figures): "
        + ", ".join(f"N={r['count']:,} {r['recount'] * 1000:.0f} ms" for r in results)
    )
    sizes = sorted(by_size)
    if len(sizes) >= 2:
        big, small = sizes[-1], sizes[-2]
        print(f"\ngrowth N={big:,} / N={small:,}:\n")
        print("| page | p95 | cpu p50 |\n|---|---|---|")
        for name in by_size[big]:
            before, after = by_size[small][name], by_size[big][name]
            cpu = after.get("cpu", 0) / before["cpu"] if before.get("cpu") else float("nan")
            print(f"| {name:34} | {after['p95'] / before['p95']:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
