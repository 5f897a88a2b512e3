from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from milestones.selectors import reminder_digests
from milestones.services import send_reminder
from tracker.locks import held_alone
from tracker.services import lapse_deferrals


class Command(BaseCommand):
    help = (
        "Remind participants about milestones due within 7 days or overdue, and coaches and "
        "mentors about items waiting on them; at most one reminder per person per day. The "
        "emails are sent by the background worker (manage.py db_worker); one it gave up on is "
        "queued again by the next run. First it closes the deferrals whose window lapsed, as "
        "the programme's rules say (failed, or the remedial exam the organiser records). Runs "
        "once at a time across every server: a run that finds another in progress stops at once."
    )

    def handle(self, *args, **options) -> None:
        with held_alone("send_reminders") as mine:
            if not mine:
                self.stdout.write(
                    "Pengingat sedang dikirim oleh proses lain; tidak ada yang dikirim dua kali. / "
                    "Another run is sending the reminders; nothing was sent twice."
                )
                return
            self._send()

    def _send(self) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        lapsed = len(lapse_deferrals())
        sent = skipped = 0
        for digest in reminder_digests(now):
            if send_reminder(digest, today=today):
                sent += 1
            else:
                skipped += 1
        self.stdout.write(
            f"Penundaan yang lewat ditutup / lapsed deferrals closed: {lapsed}; "
            f"pengingat diantrekan / reminders queued: {sent}; "
            f"sudah dikirim hari ini / already sent today: {skipped}."
        )
