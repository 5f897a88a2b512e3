"""Where a home page's time goes at size N: the section's total and its slowest queries.

`benchmarks/pages.py` says how long a dashboard takes; this says why. It seeds the same data as
pages.py (the demo plus N generated projects) into a database it keeps (a SQLite file under
--keep, or with `DATABASE_URL` a PostgreSQL database `<name>_kept_<N>`), so a second run skips
the seeding (about two minutes at N = 100,000), then builds one role's home section in process
and times each of its queries again on its own.

    .venv/bin/python benchmarks/home_queries.py 100000 --role kepala
    .venv/bin/python benchmarks/home_queries.py 10000 --role admin --shown 12
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jejak \
        .venv/bin/python benchmarks/home_queries.py 100000 --role coach
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402  (benchmarks/pages.py: its settings and its seeding)

SECTIONS = {
    "kepala": "agency",
    "penyelenggara": "organiser",
    "coach": "reviewer",
    "mentor": "reviewer",
    "admin": "overview",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="generated projects (N)")
    parser.add_argument("--role", choices=sorted(SECTIONS), default="kepala")
    parser.add_argument("--keep", default="/tmp/jejak-home-queries", help="where the data stays")
    parser.add_argument("--shown", type=int, default=8, help="slowest queries printed")
    options = parser.parse_args()
    pages.setup_kept(options.count, options.keep)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.dashboards import home_dashboard
    from tracker.models import User
    from tracker.selectors import held_roles

    user = User.objects.get(username=options.role)
    section = SECTIONS[options.role]

    def build() -> dict:
        return home_dashboard(user, held_roles(user), pages={})[section]

    build()  # warms the caches; the timed run follows
    connection.queries_log.clear()  # seeding filled it: a full log would capture nothing
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        build()
        total = time.perf_counter() - started
    timed = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            started = time.perf_counter()
            cursor.execute(query["sql"])
            cursor.fetchall()
            timed.append((time.perf_counter() - started, query["sql"]))
    print(f"{section} section at N={options.count}: {total * 1000:.0f} ms, {len(timed)} queries")
    for seconds, sql in sorted(timed, reverse=True)[: options.shown]:
        print(f"{seconds * 1000:8.1f} ms  {sql[:200]}")
    if section in ("agency", "overview"):
        recount = pages.recount_figures()
        print(f"every agency's figures counted afresh (nightly): {recount * 1000:.0f} ms")


if __name__ == "__main__":
    main()
