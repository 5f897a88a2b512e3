"""Reminders cover sign-offs and sessions to confirm; what waits past the programme's escalation
delay is told to the cohort's organisers; still one email per person per day."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from mentoring.models import Consultation
from mentoring.services import project_sign_off
from milestones.models import Milestone
from tests.mentoring.factories import ConsultationFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.reminders import NOW
from tests.reminders import ago as _ago
from tests.reports.conftest import fill_proposal
from tracker.models import ChangeProject, Notification, ProgrammeRules
from tracker.services import project_submit_proposal


def _in_review(world, days: int):
    project = fill_proposal(world.project)
    with time_machine.travel(_ago(days), tick=False):
        project_submit_proposal(project=project, by=world.participant)
    return project


def _mail(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message.body for message in mailoutbox}


def test_coach_and_mentor_are_reminded_of_a_proposal_waiting_for_them(world, mailoutbox, remind):
    project = _in_review(world, days=5)

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.coach.email, world.mentor.email}
    assert (
        f"Rancangan “{project.title}” dari Budi Peserta menunggu persetujuan"
        in (mail[world.mentor.email])
    )
    notice = Notification.objects.get(recipient=world.mentor)
    assert notice.message.startswith("Satu hal menunggu Anda: Rancangan “")
    assert notice.url == project.get_absolute_url() + "#actions"


def test_who_signed_off_is_not_reminded(world, mailoutbox, remind):
    project = _in_review(world, days=5)
    with time_machine.travel(_ago(4), tick=False):
        project_sign_off(project=project, by=world.coach, stage="proposal")

    remind()

    assert set(_mail(mailoutbox)) == {world.mentor.email}


def test_a_fresh_submission_reminds_nobody(world, mailoutbox, remind):
    _in_review(world, days=2)

    remind()

    assert mailoutbox == []


def test_an_unconfirmed_session_reminds_its_consultant(world, mailoutbox, remind):
    ConsultationFactory(
        project=world.project, topic="Izin uji coba", created_at=_ago(4), consultant=world.mentor
    )
    ConsultationFactory(
        project=world.project,
        topic="Sudah dikonfirmasi",
        created_at=_ago(9),
        status=Consultation.Status.CONFIRMED,
        decided_at=_ago(8),
    )

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.mentor.email}
    assert (
        "Sesi konsultasi “Izin uji coba” dengan Budi Peserta menunggu konfirmasi"
        in (mail[world.mentor.email])
    )
    assert "Sudah dikonfirmasi" not in mail[world.mentor.email]
    assert f"/proyek/{world.project.pk}/konsultasi/" in mail[world.mentor.email]


@pytest.mark.parametrize(("days", "escalated"), [(7, False), (8, True)])
def test_past_the_escalation_delay_the_organiser_hears_what_waits_on_whom(
    world, mailoutbox, remind, days, escalated
):
    project = _in_review(world, days=days)

    remind()

    mail = _mail(mailoutbox)
    assert (world.organiser.email in mail) is escalated
    if escalated:
        body = mail[world.organiser.email]
        assert f"Rancangan “{project.title}”" in body
        assert "menunggu Hendra Coach sejak" in body and "menunggu Siti Mentor sejak" in body


def test_the_escalation_delay_is_the_programmes(world, mailoutbox, remind):
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(escalation_days=3)
    _in_review(world, days=5)

    remind()

    assert world.organiser.email in _mail(mailoutbox)


def test_nothing_is_sent_twice_on_one_day(world, mailoutbox, remind):
    _in_review(world, days=9)
    ConsultationFactory(project=world.project, created_at=_ago(9), consultant=world.mentor)

    remind()
    first = len(mailoutbox)
    output = remind()

    # The mentor has a sign-off and a session waiting: one email all the same.
    assert first == 3  # coach, mentor, organiser
    assert len(mailoutbox) == first
    assert "reminders queued: 0" in output
    assert Notification.objects.filter(recipient=world.mentor).count() == 1


def test_a_stuck_milestone_reminds_its_participant_and_escalates(world, mailoutbox, remind):
    project = put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    with time_machine.travel(_ago(20), tick=False):
        MilestoneFactory(
            project=project,
            activity="Sosialisasi yang terhenti",
            state=Milestone.State.IN_PROGRESS,
            start_date=_ago(20).date(),
            due_date=(NOW + datetime.timedelta(days=30)).date(),
        )

    remind()

    mail = _mail(mailoutbox)
    assert "Tonggak “Sosialisasi yang terhenti”" in mail[world.participant.email]
    assert "belum bergerak" in mail[world.participant.email]
    # Twenty days is past the default escalation delay of seven.
    assert "menunggu Budi Peserta sejak" in mail[world.organiser.email]
