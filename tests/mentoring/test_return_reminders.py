"""A proposal or report returned to its participant (by a sign-off's return or a proposal
seminar's rejection) reminds them every morning until they submit it again; past the
programme's escalation delay after the return, the cohort's organisers hear of it."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from mentoring.services import seminar_record_proposal_result
from milestones.models import Reminder
from tests.mentoring.conftest import put_in_state, score_proposal
from tests.reminders import NOW
from tests.reminders import ago as _ago
from tests.reports.conftest import fill_proposal
from tracker.models import ChangeProject, Notification
from tracker.services import (
    project_return_proposal,
    project_return_report,
    project_submit_proposal,
    project_submit_report,
    project_withdraw,
)

S = ChangeProject.State


def _mail(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message.body for message in mailoutbox}


def _proposal_returned(world, *, days: int, hours: int = 0) -> ChangeProject:
    project = fill_proposal(world.project)
    with time_machine.travel(_ago(days + 1), tick=False):
        project_submit_proposal(project=project, by=world.participant)
    with time_machine.travel(_ago(days, hours), tick=False):
        project_return_proposal(project=project, by=world.coach, comment="Perjelas masalahnya.")
    project.refresh_from_db()
    assert project.state == S.DRAFT
    return project


def _report_returned(world, *, days: int) -> ChangeProject:
    project = put_in_state(fill_proposal(world.project), S.REPORT_REVIEW)
    with time_machine.travel(_ago(days), tick=False):
        project_return_report(project=project, by=world.mentor, comment="Lengkapi buktinya.")
    project.refresh_from_db()
    assert project.state == S.IMPLEMENTATION
    return project


PROPOSAL = "Rancangan “{title}” yang dikembalikan belum diajukan lagi"
REJECTED = "Revisi rancangan “{title}” yang ditolak di seminar rancangan belum diajukan"
REPORT = "Laporan “{title}” yang dikembalikan belum diajukan lagi"


def test_a_returned_proposal_reminds_its_participant_with_a_link_to_the_project(
    world, mailoutbox, remind
):
    project = _proposal_returned(world, days=2)

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.participant.email}
    body = mail[world.participant.email]
    assert PROPOSAL.format(title=project.title) in body
    assert f"{project.get_absolute_url()}\n" in body
    notice = Notification.objects.get(recipient=world.participant)
    assert notice.message == f"Satu hal menunggu Anda: {PROPOSAL.format(title=project.title)}."
    assert notice.url == project.get_absolute_url()


def test_a_resubmitted_proposal_no_longer_waits_on_its_participant(world, mailoutbox, remind):
    project = _proposal_returned(world, days=9)
    with time_machine.travel(_ago(1), tick=False):
        project_submit_proposal(project=project, by=world.participant)

    remind()

    assert world.participant.email not in _mail(mailoutbox)
    assert PROPOSAL.format(title=project.title) not in "".join(_mail(mailoutbox).values())


def test_a_returned_report_reminds_its_participant_until_resubmitted(world, mailoutbox, remind):
    project = _report_returned(world, days=2)

    remind()

    body = _mail(mailoutbox)[world.participant.email]
    assert REPORT.format(title=project.title) in body
    assert Notification.objects.get(recipient=world.participant).url == project.get_absolute_url()

    mailoutbox.clear()
    Reminder.objects.all().delete()
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        project_submit_report(project=project, by=world.participant)
    remind()
    assert REPORT.format(title=project.title) not in "".join(_mail(mailoutbox).values())


def test_a_proposal_rejected_at_its_seminar_waits_for_the_revision(
    world, proposal_seminar, mailoutbox, remind
):
    with time_machine.travel(_ago(2), tick=False):
        score_proposal(proposal_seminar, world.project, world.examiner, 40, "rejected")
        seminar_record_proposal_result(
            seminar=proposal_seminar, project=world.project, by=world.examiner
        )
    project = world.project
    project.refresh_from_db()
    assert project.state == S.PROPOSAL_REVISION

    remind()

    body = _mail(mailoutbox)[world.participant.email]
    assert REJECTED.format(title=project.title) in body
    assert f"{project.get_absolute_url()}\n" in body


def test_a_proposal_sent_to_implementation_waits_on_nobody_for_a_return(
    world, proposal_seminar, mailoutbox, remind
):
    with time_machine.travel(_ago(2), tick=False):
        score_proposal(proposal_seminar, world.project, world.examiner, 90, "accepted")
        seminar_record_proposal_result(
            seminar=proposal_seminar, project=world.project, by=world.examiner
        )

    remind()

    assert mailoutbox == []


def test_a_withdrawn_project_no_longer_waits(world, mailoutbox, remind):
    project = _proposal_returned(world, days=9)
    with time_machine.travel(_ago(1), tick=False):
        project_withdraw(project=project, by=world.organiser, comment="Pindah tugas.")

    remind()

    assert mailoutbox == []


def test_a_deferral_is_left_to_its_own_window(world, mailoutbox, remind):
    project = _report_returned(world, days=20)
    # Resubmitted, seminar held, deferred: the deferral window closes it, not this reminder.
    put_in_state(project, S.DEFERRED)
    ChangeProject.objects.filter(pk=project.pk).update(
        deferral_deadline=NOW.date() + datetime.timedelta(days=10)
    )

    remind()

    assert REPORT.format(title=project.title) not in "".join(_mail(mailoutbox).values())


def test_nothing_is_sent_twice_on_one_day(world, mailoutbox, remind):
    _proposal_returned(world, days=9)

    remind()
    first = len(mailoutbox)
    output = remind()

    assert first == 2  # the participant, and the organiser past the escalation delay
    assert len(mailoutbox) == first
    assert "reminders queued: 0" in output
    assert Reminder.objects.filter(recipient=world.participant).count() == 1
    assert Notification.objects.filter(recipient=world.participant).count() == 1


@pytest.mark.parametrize(("hours", "escalated"), [(-1, False), (1, True)])
def test_past_the_escalation_delay_the_organiser_hears_of_it(
    world, mailoutbox, remind, hours, escalated
):
    # The programme's delay is 7 days: returned an hour short of it, or an hour past.
    project = _proposal_returned(world, days=7, hours=hours)

    remind()

    mail = _mail(mailoutbox)
    assert (world.organiser.email in mail) is escalated
    if escalated:
        body = mail[world.organiser.email]
        assert PROPOSAL.format(title=project.title) in body
        assert "menunggu Budi Peserta sejak" in body
        assert f"{project.get_absolute_url()}\n" in body
