from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from milestones.selectors import reminder_digests
from milestones.services import send_reminder


class Command(BaseCommand):
    help = (
        "Email participants about milestones due within 7 days or overdue, and coaches and "
        "mentors about items waiting on them; at most one email per person per day."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        sent = skipped = 0
        for digest in reminder_digests(now):
            if send_reminder(digest, today=today):
                sent += 1
            else:
                skipped += 1
        self.stdout.write(
            f"Pengingat terkirim / reminders sent: {sent}; "
            f"sudah dikirim hari ini / already sent today: {skipped}."
        )
