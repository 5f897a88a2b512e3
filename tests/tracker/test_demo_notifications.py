"""The demo's bell is not empty: its history gave the notices a real run would have given."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from tracker.models import EmailDelivery, Notification, TransitionLog, User

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def seeded(db):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=StringIO())


def _unread(username: str) -> int:
    return Notification.objects.filter(recipient__username=username, read_at__isnull=True).count()


def test_every_reviewing_role_has_notices_and_recent_ones_are_unread(seeded):
    for username in ("coach", "mentor", "penyelenggara", "penguji", "peserta2"):
        assert Notification.objects.filter(recipient__username=username).exists(), username
    for username in ("coach", "mentor", "penyelenggara"):
        assert _unread(username) >= 1, username
    # Old news counts as read, so the bell shows what is recent.
    month_ago = NOW - datetime.timedelta(days=30)
    assert not Notification.objects.filter(created_at__lt=month_ago, read_at__isnull=True).exists()


def test_a_transition_tells_whom_the_real_one_would(seeded):
    log = TransitionLog.objects.filter(transition="submit_proposal").select_related("project")[0]
    told = set(log.notifications.values_list("recipient__username", flat=True))
    assert told == {log.project.coach.username, log.project.mentor.username}
    notice = log.notifications.first()
    assert notice.created_at == log.created_at
    assert notice.url == log.project.get_absolute_url()
    assert notice.message.startswith("[Jejak] ")


def test_the_demo_sends_no_email_for_its_past(seeded):
    # Only the invitation of the participant who has not set a password yet is mailed.
    assert EmailDelivery.objects.count() == 1


def test_the_bell_shows_the_count_to_the_coach_only(seeded, client):
    coach = User.objects.get(username="coach")
    client.force_login(coach)
    page = client.get(reverse("tracker:home")).content.decode()
    assert f'class="bell__count">{_unread("coach")}<' in page
    client.force_login(User.objects.get(username="kepala"))
    assert "bell__count" not in client.get(reverse("tracker:home")).content.decode()


def test_running_the_demo_again_adds_no_notice(seeded):
    before = Notification.objects.count()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        call_command("seed_demo", stdout=StringIO())
    assert Notification.objects.count() == before
