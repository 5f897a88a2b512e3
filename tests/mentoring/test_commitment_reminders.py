"""A komitmen perbaikan not yet stated reminds its participant every morning (in the one daily
email), and past the programme's escalation delay the cohort's organisers hear of it."""

from __future__ import annotations

import pytest
import time_machine

from mentoring.services import revision_commit, seminar_record_proposal_result
from milestones.models import Reminder
from tests.mentoring.conftest import put_in_state, score_proposal
from tests.reminders import ago as _ago
from tracker.models import ChangeProject, Notification

S = ChangeProject.State


def _decide(world, seminar, *, days: int, decision: str = "revision") -> ChangeProject:
    """The proposal seminar decided `days` ago; the examiner required a revision unless the
    proposal was accepted as it was."""
    with time_machine.travel(_ago(days), tick=False):
        score_proposal(
            seminar, world.project, world.examiner, 70 if decision != "accepted" else 90, decision
        )
        seminar_record_proposal_result(seminar=seminar, project=world.project, by=world.examiner)
    world.project.refresh_from_db()
    return world.project


def _mail(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message.body for message in mailoutbox}


PHRASE = "Komitmen perbaikan untuk “{title}” belum dinyatakan"


def test_the_participant_is_reminded_with_a_link_to_the_commitment(
    world, proposal_seminar, mailoutbox, remind
):
    project = _decide(world, proposal_seminar, days=2)
    assert project.state == S.IMPLEMENTATION

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.participant.email}
    body = mail[world.participant.email]
    assert PHRASE.format(title=project.title) in body
    anchor = f"{project.get_absolute_url()}#revision-commitment"
    assert anchor in body
    notice = Notification.objects.get(recipient=world.participant)
    assert notice.message == f"Satu hal menunggu Anda: {PHRASE.format(title=project.title)}."
    assert notice.url == anchor


def test_a_stated_commitment_reminds_nobody(world, proposal_seminar, mailoutbox, remind):
    project = _decide(world, proposal_seminar, days=9)
    with time_machine.travel(_ago(8), tick=False):
        revision_commit(project=project, by=world.participant)

    remind()

    assert mailoutbox == []


def test_an_accepted_proposal_has_no_commitment_to_remind_of(
    world, proposal_seminar, mailoutbox, remind
):
    _decide(world, proposal_seminar, days=9, decision="accepted")

    remind()

    assert mailoutbox == []


def test_once_graded_a_missing_commitment_no_longer_waits(
    world, proposal_seminar, mailoutbox, remind
):
    project = _decide(world, proposal_seminar, days=30)
    put_in_state(project, S.PASSED)

    remind()

    assert mailoutbox == []


def test_nothing_is_sent_twice_on_one_day(world, proposal_seminar, mailoutbox, remind):
    _decide(world, proposal_seminar, days=9)

    remind()
    first = len(mailoutbox)
    output = remind()

    assert first == 2  # the participant, and the organiser past the escalation delay
    assert len(mailoutbox) == first
    assert "reminders queued: 0" in output
    assert Reminder.objects.filter(recipient=world.participant).count() == 1
    assert Notification.objects.filter(recipient=world.participant).count() == 1


@pytest.mark.parametrize(("days", "escalated"), [(7, False), (8, True)])
def test_past_the_escalation_delay_the_organiser_hears_of_it(
    world, proposal_seminar, mailoutbox, remind, days, escalated
):
    project = _decide(world, proposal_seminar, days=days)

    remind()

    mail = _mail(mailoutbox)
    assert (world.organiser.email in mail) is escalated
    if escalated:
        body = mail[world.organiser.email]
        assert PHRASE.format(title=project.title) in body
        assert "menunggu Budi Peserta sejak" in body
        assert f"{project.get_absolute_url()}#revision-commitment" in body
