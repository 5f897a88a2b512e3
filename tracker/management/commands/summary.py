from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker import summary
from tracker.models import ChangeProject

SHOWN = 20
BATCH = 1000


class Command(BaseCommand):
    help = (
        "Compare the projects' summary columns (milestones, progress, predikat) with a fresh "
        "count: --check lists the projects that drifted and fails if any did; --repair stores "
        "the fresh figures."
    )

    def add_arguments(self, parser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="Report drift; change nothing.")
        action.add_argument("--repair", action="store_true", help="Store the fresh figures.")

    def handle(self, *args, check: bool, repair: bool, **options) -> None:
        if check:
            self._check()
        else:
            self._repair()

    def _check(self) -> None:
        drifted = summary.drifted()
        count = drifted.count()
        for project in drifted.values("pk", *summary.COLUMNS, *_fresh())[:SHOWN]:
            stored = ", ".join(f"{name}={project[name]!r}" for name in summary.COLUMNS)
            fresh = ", ".join(f"{name}={project['fresh_' + name]!r}" for name in summary.COLUMNS)
            self.stdout.write(f"#{project['pk']}: {stored} / fresh: {fresh}")
        if count > SHOWN:
            self.stdout.write(f"... and {count - SHOWN} more / dan {count - SHOWN} lainnya")
        if count:
            raise CommandError(
                f"{count} proyek menyimpang; jalankan --repair. "
                f"{count} projects drifted; run --repair.",
                returncode=1,
            )
        self.stdout.write("0 proyek menyimpang. 0 projects drifted.")

    def _repair(self) -> None:
        repaired = 0
        while True:
            # Each batch under the rows' locks, like the services that keep the columns.
            with transaction.atomic():
                keys = list(summary.drifted().values_list("pk", flat=True)[:BATCH])
                if not keys:
                    break
                locked = ChangeProject.objects.select_for_update().filter(pk__in=keys)
                list(locked.values_list("pk", flat=True))
                repaired += summary.refresh_many(ChangeProject.objects.filter(pk__in=keys))
        self.stdout.write(f"{repaired} proyek diperbaiki. {repaired} projects repaired.")


def _fresh() -> list[str]:
    return [f"fresh_{name}" for name in summary.COLUMNS]
