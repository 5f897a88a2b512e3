from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports import figures
from tracker import sqlite_stats

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Recompute every agency's dashboard figures (run it after midnight, so the day's first "
        "reader waits for nothing); --check compares the stored figures with a fresh count and "
        "fails if any drifted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Report drift; change nothing.")

    def handle(self, *args, check: bool, **options) -> None:
        if check:
            self._check()
            return
        count = len(figures.refresh(None, fresh=True).projects)
        self.stdout.write(f"Angka {count} instansi dihitung. Figures of {count} agencies computed.")
        # The night's other bookkeeping: SQLite's planner statistics (PostgreSQL keeps its own).
        if sqlite_stats.analyze(connection):
            self.stdout.write("Statistik SQLite diperbarui. SQLite statistics gathered.")

    def _check(self) -> None:
        drifted = figures.drifted()
        for agency, (stored, fresh) in list(drifted.items())[:SHOWN]:
            self.stdout.write(f"#{agency}: {stored.counts()} / fresh: {fresh.counts()}")
        # The sums are checked against the stored counts, which a reader may trust only when
        # they are today's and unmarked: on a quiet system, right after the night's recount.
        sums = figures.drifted_sums()
        for agency, (stored_sum, added_up) in list(sums.items())[:SHOWN]:
            self.stdout.write(f"#{agency}+: {dict(stored_sum)} / added up: {dict(added_up)}")
        for shown in (drifted, sums):
            if len(shown) > SHOWN:
                more = len(shown) - SHOWN
                self.stdout.write(f"... and {more} more / dan {more} lainnya")
        if drifted or sums:
            raise CommandError(
                f"Angka {len(drifted)} instansi dan jumlah {len(sums)} instansi beserta unitnya "
                f"menyimpang; jalankan agency_figures. Figures of {len(drifted)} agencies and "
                f"the sums of {len(sums)} agencies with their units drifted; run agency_figures.",
                returncode=1,
            )
        self.stdout.write(
            "0 instansi menyimpang, 0 jumlah beserta unit. 0 agencies drifted, 0 sums."
        )
