"""The project page: everything waiting on this person, sections to jump to, queries bounded."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import JournalEntry
from milestones.models import IndicatorMeasurement, Milestone, MilestoneLog, Term
from tests.factories import SeminarFactory
from tests.html import element, ids
from tests.mentoring.conftest import fill_scores
from tests.mentoring.factories import (
    CommentFactory,
    ConsultationFactory,
    JournalEntryFactory,
    JournalReplyFactory,
)
from tests.milestones.factories import (
    LinkEvidenceFactory,
    MilestoneFactory,
    RescheduleFactory,
    put_project_in,
)
from tracker.models import ChangeProject, ImpactIndicator, Role, Seminar, TransitionLog

S = ChangeProject.State
PAGE_PERSONAS = ["participant", "coach", "mentor", "examiner", "organiser", "agency_head", "admin"]


def at_results_seminar(world) -> ChangeProject:
    """The world's project at its results seminar, after a proposal seminar."""
    project = put_project_in(world.project, S.RESULTS_SEMINAR)
    Seminar.objects.filter(projects=project).update(kind=Seminar.Kind.RESULTS)
    proposal = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.PROPOSAL)
    proposal.examiners.add(world.examiner)
    proposal.projects.add(project)
    return project


def fill(world, project: ChangeProject, items: int) -> ChangeProject:
    """`items` more rows in every panel of the project page."""
    for index in range(items):
        milestone = MilestoneFactory(
            project=project,
            term=[Term.SHORT, Term.MEDIUM, Term.LONG][index % 3],
            state=Milestone.State.SUBMITTED,
        )
        evidence = LinkEvidenceFactory(milestone=milestone)
        MilestoneLog.objects.create(
            project=project,
            milestone=milestone,
            actor=world.participant,
            role=Role.PARTICIPANT,
            action="submit",
            from_state="in_progress",
            to_state="submitted",
        )
        RescheduleFactory(milestone=milestone)
        CommentFactory(project=project)
        CommentFactory(
            project=project, author=world.coach, author_role=Role.COACH, visibility="reviewers"
        )
        ConsultationFactory(project=project, consultant=world.mentor)
        entry = JournalEntryFactory(project=project, sharing=JournalEntry.Sharing.SHARED)
        JournalReplyFactory(entry=entry, author=world.mentor, author_role=Role.MENTOR)
        indicator = ImpactIndicator.objects.create(
            project=project, name=f"Indikator {index}", unit="menit", baseline=60, target=15
        )
        IndicatorMeasurement.objects.create(
            indicator=indicator,
            value=30,
            measured_on=datetime.date(2026, 11, 1),
            evidence=evidence,
            recorded_by=world.participant,
        )
        TransitionLog.objects.create(
            project=project,
            actor=world.participant,
            role=Role.PARTICIPANT,
            transition="submit_report",
            from_state=S.IMPLEMENTATION,
            to_state=S.REPORT_REVIEW,
        )
    fill_scores(project.seminars.get(kind=Seminar.Kind.RESULTS), project, world.examiner, 80)
    return project


def _queries(client, user, project) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", PAGE_PERSONAS)
def test_project_page_queries_are_few_and_do_not_grow(client, world, persona):
    user = world.persona(persona)
    project = fill(world, at_results_seminar(world), 1)
    one = _queries(client, user, project)
    fill(world, project, 49)
    fifty = _queries(client, user, project)
    print(persona, one, fifty)
    assert one == fifty
    assert one <= 20


# --- "Tindakan Anda": everything waiting on this person here ---------------------------------


def _actions(client, user, project):
    client.force_login(user)
    return element(client.get(project.get_absolute_url()).content.decode(), "actions")


def test_the_mentor_sees_the_milestone_the_change_and_the_session_waiting_on_them(client, world):
    project = put_project_in(world.project, S.IMPLEMENTATION)
    milestone = MilestoneFactory(project=project, state=Milestone.State.SUBMITTED)
    RescheduleFactory(milestone=MilestoneFactory(project=project, activity="Uji coba layanan"))
    session = ConsultationFactory(project=project, consultant=world.mentor, topic="Data dasar")
    actions = _actions(client, world.mentor, project)
    assert ("Periksa tonggak", milestone.get_absolute_url()) in actions.links
    assert "Putuskan usulan perubahan jadwal" in actions.text
    assert "Uji coba layanan" in actions.text
    assert ("Konfirmasi konsultasi", f"{project.get_absolute_url()}#consultation-{session.pk}") in (
        actions.links
    )
    assert "Tidak ada tindakan" not in actions.text


def test_the_coach_does_not_decide_the_mentors_change_or_session(client, world):
    project = put_project_in(world.project, S.IMPLEMENTATION)
    RescheduleFactory(milestone=MilestoneFactory(project=project))
    ConsultationFactory(project=project, consultant=world.mentor)
    actions = _actions(client, world.coach, project)
    assert "Putuskan usulan" not in actions.text
    assert "Konfirmasi konsultasi" not in actions.text


def test_the_participant_is_sent_to_a_returned_milestone(client, world):
    project = put_project_in(world.project, S.IMPLEMENTATION)
    returned = MilestoneFactory(project=project, state=Milestone.State.RETURNED)
    actions = _actions(client, world.participant, project)
    assert ("Perbaiki tonggak yang dikembalikan", returned.get_absolute_url()) in actions.links
    # The participant's own transition is there too, with why it is not open yet.
    assert "Ajukan laporan" in actions.text


def test_an_examiner_is_asked_to_score_then_to_grade(client, world):
    project = at_results_seminar(world)
    seminar = project.seminars.get(kind=Seminar.Kind.RESULTS)
    actions = _actions(client, world.examiner, project)
    assert "Isi nilai seminar laporan" in actions.text
    fill_scores(seminar, project, world.examiner, 85)
    actions = _actions(client, world.examiner, project)
    assert "Isi nilai" not in actions.text
    assert "Tetapkan hasil seminar laporan" in actions.text


def test_the_organiser_is_asked_to_schedule_a_seminar_that_is_missing(client, world):
    project = put_project_in(world.project, S.RESULTS_SEMINAR)
    Seminar.objects.filter(projects=project).delete()
    actions = _actions(client, world.organiser, project)
    assert "Jadwalkan seminar" in actions.text


def test_someone_with_nothing_to_do_is_told_so(client, world):
    actions = _actions(client, world.agency_head, world.project)
    assert "Tidak ada tindakan yang menunggu Anda pada proyek ini saat ini." in actions.text


def test_every_section_link_leads_to_a_section_of_the_page(client, world):
    client.force_login(world.mentor)
    page = client.get(fill(world, at_results_seminar(world), 1).get_absolute_url()).content.decode()
    nav = element(page, "page-nav")
    targets = [href.removeprefix("#") for _text, href in nav.links]
    assert "journal" in targets
    assert set(targets) <= ids(page)
