"""Races on PostgreSQL: simultaneous "send again" clicks send one email."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tests.tracker.test_concurrency import _race
from tracker import accounts
from tracker.models import Invitation, User

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite serialises all writes",
    ),
]


def _invited(world) -> Invitation:
    person = User(username="199001012015031001", full_name="Citra", email="citra@jejak.example")
    person.set_unusable_password()
    person.save()
    accounts.invite(user=person, by=world.organiser, role="participant", cohort=world.cohort)
    return Invitation.objects.get(user=person)


def test_ten_simultaneous_resends_send_one_email(world, run_tasks):
    invitation = _invited(world)
    run_tasks()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        sent, _refused = _race(
            [lambda: accounts.invitation_resend(invitation=invitation, by=world.organiser)] * 10
        )
    assert sorted(sent) == [False] * 9 + [True]
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert run_tasks() == 1


def test_two_simultaneous_resend_alls_send_each_once(world, run_tasks):
    invitation = _invited(world)
    run_tasks()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
        counts, _refused = _race(
            [lambda: accounts.cohort_resend_invitations(cohort=world.cohort, by=world.organiser)]
            * 2
        )
    assert sorted(counts) == [0, 1]
    invitation.refresh_from_db()
    assert invitation.send_count == 2
