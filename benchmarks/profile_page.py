"""Where one page's Python time goes: cProfile of a request through Django's test client.

`benchmarks/pages.py` says how long a page takes and `benchmarks/home_queries.py` which queries a
home spends it on; this says which functions the rest goes to. It seeds the same data as
pages.py (the demo plus N generated projects) into the database home_queries.py keeps (a SQLite
file under --keep, or the PostgreSQL one beside `DATABASE_URL`), so a second run skips the
seeding, asks for the page once to warm the caches, then profiles --repeat more requests (each
drawn afresh, as pages.py does unless --kept) and prints the heaviest functions.

    .venv/bin/python benchmarks/profile_page.py 10000 /proyek/ --user admin
    .venv/bin/python benchmarks/profile_page.py 10000 / --user kepala --sort tottime --shown 40
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402  (benchmarks/pages.py: its settings and its seeding)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="generated projects (N)")
    parser.add_argument("path", help="the page's address, e.g. /proyek/")
    parser.add_argument("--user", default="admin", help="the demo login that asks for it")
    parser.add_argument("--repeat", type=int, default=20, help="requests profiled")
    parser.add_argument("--kept", action="store_true", help="serve kept page regions")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"])
    parser.add_argument("--shown", type=int, default=30, help="functions printed")
    parser.add_argument("--keep", default="/tmp/jejak-home-queries", help="where the data stays")
    options = parser.parse_args()
    pages.setup_kept(options.count, options.keep)

    from django.test import Client

    from tracker import fragments
    from tracker.models import User

    client = Client()
    client.force_login(User.objects.get(username=options.user))

    def ask() -> int:
        if not options.kept:
            fragments.bump()
        response = client.get(options.path)
        if response.streaming:
            b"".join(response.streaming_content)
        return response.status_code

    status = ask()  # warms templates and caches
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(options.repeat):
        ask()
    profile.disable()
    each = (time.perf_counter() - started) / options.repeat
    print(f"{options.path} as {options.user} at N={options.count}: HTTP {status}, ", end="")
    print(f"{each * 1000:.0f} ms a request under the profiler ({options.repeat} requests)")
    pstats.Stats(profile).strip_dirs().sort_stats(options.sort).print_stats(options.shown)


if __name__ == "__main__":
    main()
