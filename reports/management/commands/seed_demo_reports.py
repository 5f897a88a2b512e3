from __future__ import annotations

from django.core.management.base import BaseCommand

from reports import demo
from tracker.models import ChangeProject


class Command(BaseCommand):
    help = "Load the demo's seminar results and consultations (run seed_demo first); idempotent."

    def handle(self, *args, **options) -> None:
        if not ChangeProject.objects.filter(
            participant__username__in=demo.PROPOSAL_RESULTS
        ).exists():
            self.stdout.write("Jalankan seed_demo dulu. / Run seed_demo first.")
            return
        created = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo seminar siap ({created} baris baru). "
                f"Demo seminar records ready ({created} new rows)."
            )
        )
