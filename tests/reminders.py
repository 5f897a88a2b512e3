"""The morning's reminders run at a fixed hour in Jakarta, for the reminder tests of every app."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tracker.models import Notification

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=JAKARTA)


def ago(days: int, hours: int = 0) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def remind(run_tasks, mailoutbox):
    """Run the morning's reminders; what the test's set-up itself told people is cleared first."""
    runs = []

    def run() -> str:
        if not runs:
            with time_machine.travel(NOW, tick=False):
                run_tasks()
            mailoutbox.clear()
            Notification.objects.all().delete()
        runs.append(1)
        out = StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("send_reminders", stdout=out)
            run_tasks()
        return out.getvalue()

    return run
