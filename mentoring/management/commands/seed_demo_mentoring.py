from __future__ import annotations

from django.core.management.base import BaseCommand

from mentoring import demo


class Command(BaseCommand):
    help = "Write the demo projects' review history (run seed_demo first); idempotent."

    def handle(self, *args, **options) -> None:
        created = demo.seed()
        demo.seed_impact()
        self.stdout.write(
            self.style.SUCCESS(
                f"Riwayat demo siap ({created} proyek baru). Demo history ready ({created} new)."
            )
        )
