from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from mentoring.selectors import survey_digests
from mentoring.services import invite_open_rounds, send_survey_reminder
from tracker.locks import held_alone


class Command(BaseCommand):
    help = (
        "Invite the alumni and mentors of post-training survey rounds that opened, and remind "
        "those who still owe an answer near or past the due date; at most one reminder per person "
        "per day. The emails are sent by the background worker (manage.py db_worker). Runs once "
        "at a time across every server."
    )

    def handle(self, *args, **options) -> None:
        with held_alone("send_survey_reminders") as mine:
            if not mine:
                self.stdout.write(
                    "Pengingat survei sedang dikirim oleh proses lain; tidak ada yang dikirim dua "
                    "kali. / Another run is sending the survey reminders; nothing was sent twice."
                )
                return
            self._send()

    def _send(self) -> None:
        today = timezone.localdate()
        invited = invite_open_rounds(today)
        sent = skipped = 0
        for digest in survey_digests(today):
            if send_survey_reminder(digest, today=today):
                sent += 1
            else:
                skipped += 1
        self.stdout.write(
            f"Putaran diundang / rounds invited: {invited}; "
            f"pengingat diantrekan / reminders queued: {sent}; "
            f"sudah dikirim hari ini / already sent today: {skipped}."
        )
