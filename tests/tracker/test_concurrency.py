"""Races on PostgreSQL: the row lock lets exactly one of several simultaneous actions through."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import ChangeProjectFactory, UserFactory
from tracker.models import ChangeProject, TransitionLog
from tracker.services import run_transition
from tracker.workflow import Refused

S = ChangeProject.State

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite serialises all writes",
    ),
]


def _race(attempts) -> tuple[list, list]:
    """Start every attempt at the same moment from its own thread; return (successes, refusals)."""
    barrier = threading.Barrier(len(attempts))
    successes, refusals = [], []

    def run(attempt):
        try:
            barrier.wait()
            successes.append(attempt())
        except Refused as refused:
            refusals.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return successes, refusals


def test_same_transition_from_ten_threads_succeeds_once(world, run_tasks):
    project = ChangeProjectFactory(
        participant=UserFactory(),
        cohort=world.cohort,
        coach=world.coach,
        mentor=world.mentor,
        state=S.PROPOSAL_REVIEW,
    )
    mail.outbox = []

    def attempt():
        return run_transition(
            project=project,
            by=world.coach,
            name="return_proposal",
            comment="Perbaiki latar belakang.",
            expected_state=S.PROPOSAL_REVIEW,
        )

    successes, refusals = _race([attempt] * 10)
    assert (len(successes), len(refusals)) == (1, 9)
    assert TransitionLog.objects.filter(project=project).count() == 1
    # return_proposal tells only the participant, once.
    run_tasks()
    assert [message.to for message in mail.outbox] == [[project.participant.email]]
    project.refresh_from_db()
    assert project.state == S.DRAFT


def test_two_different_transitions_from_one_state_one_wins(world):
    # Both people act on the page they saw in proposal_review (the form carries that state).
    project = ChangeProjectFactory(
        participant=UserFactory(),
        cohort=world.cohort,
        coach=world.coach,
        mentor=world.mentor,
        state=S.PROPOSAL_REVIEW,
    )

    def give_back():
        return run_transition(
            project=project,
            by=world.coach,
            name="return_proposal",
            comment="Perbaiki.",
            expected_state=S.PROPOSAL_REVIEW,
        )

    def withdraw():
        return run_transition(
            project=project,
            by=world.organiser,
            name="withdraw",
            comment="Mutasi jabatan.",
            expected_state=S.PROPOSAL_REVIEW,
        )

    successes, refusals = _race([give_back, withdraw])
    assert (len(successes), len(refusals)) == (1, 1)
    logs = list(TransitionLog.objects.filter(project=project))
    assert len(logs) == 1
    project.refresh_from_db()
    assert project.state == logs[0].to_state


def _post_together(posts) -> list[int]:
    """POST from separate threads and clients at the same moment; every answer's status.

    An exception in a view is counted as the 500 a person would have seen.
    """
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = []

    def run(user, url, data):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception:  # noqa: BLE001 - a crash in the view is exactly what we count
            statuses.append(500)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=post) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _in_review(world) -> ChangeProject:
    return ChangeProjectFactory(
        participant=UserFactory(),
        cohort=world.cohort,
        coach=world.coach,
        mentor=world.mentor,
        state=S.PROPOSAL_REVIEW,
    )


def test_ten_transitions_on_ten_projects_all_succeed_without_a_500(world):
    projects = [_in_review(world) for _ in range(10)]
    statuses = _post_together(
        [
            (
                world.coach,
                reverse("tracker:return-proposal", args=[project.pk]),
                {"expected_state": S.PROPOSAL_REVIEW, "comment": "Perbaiki latar belakang."},
            )
            for project in projects
        ]
    )
    assert sorted(statuses) == [302] * 10
    for project in projects:
        project.refresh_from_db()
        assert project.state == S.DRAFT
        assert TransitionLog.objects.filter(project=project).count() == 1


def test_ten_transitions_on_one_project_one_wins_and_the_rest_are_told(world):
    project = _in_review(world)
    url = reverse("tracker:return-proposal", args=[project.pk])
    data = {"expected_state": S.PROPOSAL_REVIEW, "comment": "Perbaiki latar belakang."}
    statuses = _post_together([(world.coach, url, data)] * 10)
    assert sorted(statuses) == [302] + [409] * 9
    project.refresh_from_db()
    assert project.state == S.DRAFT
    assert TransitionLog.objects.filter(project=project).count() == 1
