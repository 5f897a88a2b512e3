from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import QuerySet

from tracker import summary
from tracker.models import ChangeProject

SHOWN = 20
BATCH = 1000


class Command(BaseCommand):
    help = (
        "Compare the kept columns (each project's milestones, progress, predikat and name; each "
        "milestone's last activity and submission) with a fresh count: --check lists the rows "
        "that drifted and fails if any did; --repair stores the fresh figures."
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
        projects = self._show(summary.drifted(), summary.COLUMNS)
        milestones = self._show(summary.drifted_milestones(), summary.MILESTONE_COLUMNS)
        if projects or milestones:
            raise CommandError(
                f"{projects} proyek dan {milestones} tonggak menyimpang; jalankan --repair. "
                f"{projects} projects and {milestones} milestones drifted; run --repair.",
                returncode=1,
            )
        self.stdout.write("0 proyek dan 0 tonggak menyimpang. 0 projects and 0 milestones drifted.")

    def _show(self, drifted: QuerySet, columns: tuple[str, ...]) -> int:
        count = drifted.count()
        label = drifted.model._meta.model_name
        for row in drifted.values("pk", *columns, *(f"fresh_{name}" for name in columns))[:SHOWN]:
            stored = ", ".join(f"{name}={row[name]!r}" for name in columns)
            fresh = ", ".join(f"{name}={row['fresh_' + name]!r}" for name in columns)
            self.stdout.write(f"{label} #{row['pk']}: {stored} / fresh: {fresh}")
        if count > SHOWN:
            self.stdout.write(f"... and {count - SHOWN} more / dan {count - SHOWN} lainnya")
        return count

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
        # The database keeps these itself (its triggers check each UPDATE too): one pass.
        drifted = list(summary.drifted_milestones().values_list("pk", flat=True))
        milestones = summary.drifted_milestones().model._default_manager
        mended = 0
        for start in range(0, len(drifted), BATCH):
            batch = milestones.filter(pk__in=drifted[start : start + BATCH])
            mended += summary.refresh_milestones(batch)
        self.stdout.write(
            f"{repaired} proyek dan {mended} tonggak diperbaiki. "
            f"{repaired} projects and {mended} milestones repaired."
        )
