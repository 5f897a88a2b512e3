"""Once a seminar was held, every examiner who has not scored a project on it is reminded each
morning, then, once all have, every examiner is reminded to record the result or the grade; past
the programme's escalation delay after the seminar, the cohort's organisers hear of it."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from mentoring.services import seminar_grade, seminar_record_proposal_result
from milestones.models import Reminder
from tests.factories import SeminarFactory
from tests.mentoring.conftest import fill_scores, put_in_state, score_proposal
from tests.reminders import NOW
from tests.reminders import ago as _ago
from tracker.models import ChangeProject, Notification, Seminar

S = ChangeProject.State


def _held(seminar: Seminar, *, days: int, hours: int = 0) -> Seminar:
    Seminar.objects.filter(pk=seminar.pk).update(starts_at=_ago(days, hours))
    seminar.refresh_from_db()
    return seminar


@pytest.fixture
def proposal_held(world, proposal_seminar, second_examiner) -> Seminar:
    """The world's proposal seminar, held two days ago, with two examiners."""
    proposal_seminar.examiners.add(second_examiner)
    return _held(proposal_seminar, days=2)


def _mail(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message.body for message in mailoutbox}


def _score_url(seminar, project) -> str:
    return reverse("mentoring:score-project", args=[seminar.pk, project.pk])


SHEET = "Penilaian seminar rancangan “{title}” dari Budi Peserta belum diisi"
RECORD = "Hasil seminar rancangan “{title}” dari Budi Peserta belum dicatat"
RESULTS_SHEET = "Penilaian seminar laporan “{title}” dari Budi Peserta belum diisi"
GRADE = "Predikat seminar laporan “{title}” dari Budi Peserta belum ditetapkan"


def test_a_seminar_not_yet_held_reminds_nobody(world, proposal_seminar, mailoutbox, remind):
    Seminar.objects.filter(pk=proposal_seminar.pk).update(starts_at=NOW + datetime.timedelta(1))

    remind()

    assert mailoutbox == []


def test_every_examiner_yet_to_score_is_reminded_with_a_link_to_the_sheet(
    world, proposal_held, second_examiner, mailoutbox, remind
):
    project = world.project

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.examiner.email, second_examiner.email}
    url = _score_url(proposal_held, project)
    for body in mail.values():
        assert SHEET.format(title=project.title) in body
        assert url in body
    notice = Notification.objects.get(recipient=second_examiner)
    assert notice.message == f"Satu hal menunggu Anda: {SHEET.format(title=project.title)}."
    assert notice.url == url


def test_who_has_scored_and_decided_is_not_reminded(
    world, proposal_held, second_examiner, mailoutbox, remind
):
    with time_machine.travel(_ago(1), tick=False):
        score_proposal(proposal_held, world.project, world.examiner)

    remind()

    assert set(_mail(mailoutbox)) == {second_examiner.email}


def test_once_all_have_scored_each_examiner_is_reminded_to_record_the_result(
    world, proposal_held, second_examiner, mailoutbox, remind
):
    project = world.project
    with time_machine.travel(_ago(1), tick=False):
        score_proposal(proposal_held, project, world.examiner)
        score_proposal(proposal_held, project, second_examiner)

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.examiner.email, second_examiner.email}
    url = reverse("mentoring:record-proposal-result", args=[proposal_held.pk, project.pk])
    for body in mail.values():
        assert RECORD.format(title=project.title) in body
        assert url in body
        assert SHEET.format(title=project.title) not in body
    notice = Notification.objects.get(recipient=world.examiner)
    assert notice.message == f"Satu hal menunggu Anda: {RECORD.format(title=project.title)}."
    assert notice.url == url


def test_a_recorded_result_reminds_nobody(
    world, proposal_held, second_examiner, mailoutbox, remind
):
    with time_machine.travel(_ago(1), tick=False):
        score_proposal(proposal_held, world.project, world.examiner)
        score_proposal(proposal_held, world.project, second_examiner)
        seminar_record_proposal_result(
            seminar=proposal_held, project=world.project, by=world.examiner
        )

    remind()

    assert mailoutbox == []


def test_a_withdrawn_project_waits_on_no_examiner(world, proposal_held, mailoutbox, remind):
    put_in_state(world.project, S.WITHDRAWN)

    remind()

    assert mailoutbox == []


def test_a_project_moved_to_a_later_seminar_waits_there_only(
    world, proposal_held, second_examiner, mailoutbox, remind
):
    later = SeminarFactory(cohort=world.cohort, starts_at=NOW + datetime.timedelta(days=3))
    later.examiners.add(second_examiner)
    later.projects.add(world.project)

    remind()
    assert mailoutbox == []

    _held(later, days=0, hours=1)
    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {second_examiner.email}
    assert _score_url(later, world.project) in mail[second_examiner.email]
    assert _score_url(proposal_held, world.project) not in mail[second_examiner.email]


@pytest.fixture
def results_held(world, results_seminar) -> Seminar:
    """The world's results seminar (two examiners), held two days ago."""
    return _held(results_seminar, days=2)


def test_an_examiner_yet_to_score_a_report_is_reminded(
    world, results_held, second_examiner, mailoutbox, remind
):
    with time_machine.travel(_ago(1), tick=False):
        fill_scores(results_held, world.project, world.examiner, 85)

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {second_examiner.email}
    assert RESULTS_SHEET.format(title=world.project.title) in mail[second_examiner.email]
    assert _score_url(results_held, world.project) in mail[second_examiner.email]


def test_once_the_report_is_scored_each_examiner_is_reminded_to_grade_it(
    world, results_held, second_examiner, mailoutbox, remind
):
    project = world.project
    with time_machine.travel(_ago(1), tick=False):
        fill_scores(results_held, project, world.examiner, 85)
        fill_scores(results_held, project, second_examiner, 85)

    remind()

    mail = _mail(mailoutbox)
    assert set(mail) == {world.examiner.email, second_examiner.email}
    url = reverse("mentoring:grade-project", args=[results_held.pk, project.pk])
    for body in mail.values():
        assert GRADE.format(title=project.title) in body
        assert url in body
    assert Notification.objects.get(recipient=second_examiner).url == url


def test_a_graded_report_reminds_nobody(world, results_held, second_examiner, mailoutbox, remind):
    with time_machine.travel(_ago(1), tick=False):
        fill_scores(results_held, world.project, world.examiner, 85)
        fill_scores(results_held, world.project, second_examiner, 85)
        seminar_grade(seminar=results_held, project=world.project, by=world.examiner)

    remind()

    assert mailoutbox == []


def test_nothing_is_sent_twice_on_one_day(world, proposal_held, mailoutbox, remind):
    _held(proposal_held, days=9)

    remind()
    first = len(mailoutbox)
    output = remind()

    assert first == 3  # both examiners, and the organiser past the escalation delay
    assert len(mailoutbox) == first
    assert "reminders queued: 0" in output
    assert Reminder.objects.filter(recipient=world.examiner).count() == 1
    assert Notification.objects.filter(recipient=world.examiner).count() == 1


@pytest.mark.parametrize(("hours", "escalated"), [(-1, False), (1, True)])
def test_past_the_escalation_delay_the_organiser_hears_of_it(
    world, proposal_held, mailoutbox, remind, hours, escalated
):
    # The programme's delay is 7 days: the seminar began an hour short of it, or an hour past.
    _held(proposal_held, days=7, hours=hours)

    remind()

    mail = _mail(mailoutbox)
    assert (world.organiser.email in mail) is escalated
    if escalated:
        body = mail[world.organiser.email]
        assert SHEET.format(title=world.project.title) in body
        assert "menunggu Bambang Penguji sejak" in body
        assert "menunggu Dewi Penguji Kedua sejak" in body
        assert reverse("mentoring:seminar-detail", args=[proposal_held.pk]) in body
        assert _score_url(proposal_held, world.project) not in body


@pytest.mark.parametrize(("hours", "escalated"), [(-1, False), (1, True)])
def test_an_unrecorded_result_is_escalated_from_the_seminar_on(
    world, results_held, second_examiner, mailoutbox, remind, hours, escalated
):
    _held(results_held, days=7, hours=hours)
    with time_machine.travel(_ago(1), tick=False):
        fill_scores(results_held, world.project, world.examiner, 85)
        fill_scores(results_held, world.project, second_examiner, 85)

    remind()

    mail = _mail(mailoutbox)
    assert (world.organiser.email in mail) is escalated
    if escalated:
        assert GRADE.format(title=world.project.title) in mail[world.organiser.email]
