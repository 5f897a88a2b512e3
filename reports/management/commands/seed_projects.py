from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reports.seeding import seed_projects


class Command(BaseCommand):
    help = (
        "Add generated projects (with participants, reviewers, cohorts, agencies and three "
        "milestones each) for load tests and benchmarks, in bulk; never on a real installation."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=10_000, help="Projects in all.")
        parser.add_argument(
            "--under", default=None, help="Code of an agency to put a share of them under."
        )
        parser.add_argument("--share", type=float, default=0.1, help="That share (0 to 1).")

    def handle(self, *args, count: int, under: str | None, share: float, **options) -> None:
        if count < 1 or not 0 <= share <= 1:
            raise CommandError("--count must be at least 1 and --share between 0 and 1.")
        added = seed_projects(count, under=under, share=share)
        self.stdout.write(f"Generated projects added: {added}.")
