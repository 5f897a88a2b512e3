"""The project page: everything waiting on this person, sections to jump to, queries bounded."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import JournalEntry
from milestones.models import IndicatorMeasurement, Milestone, MilestoneLog, Term
from tests.factories import SeminarFactory
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
    print("COUNT", persona, one, fifty)
    assert one == fifty
    assert one <= 20
