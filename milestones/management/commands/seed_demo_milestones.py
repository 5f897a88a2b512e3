from __future__ import annotations

from django.core.management.base import BaseCommand

from milestones import demo
from tracker.models import ChangeProject


class Command(BaseCommand):
    help = "Load demo milestone plans for the demo projects (run seed_demo first); idempotent."

    def handle(self, *args, **options) -> None:
        if not ChangeProject.objects.filter(participant__username__in=demo.PLANS).exists():
            self.stdout.write("Jalankan seed_demo dulu. / Run seed_demo first.")
            return
        created = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Data demo tonggak siap ({created} baris baru). "
                f"Demo milestones ready ({created} new rows)."
            )
        )
