"""Seminar fixtures on top of the personas: the world's project on a proposal or results seminar."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mentoring.selectors import rubric_for
from mentoring.services import seminar_record_scores
from tests.factories import SeminarFactory, UserFactory
from tracker.models import ChangeProject, PoolExaminer, Seminar


def put_in_state(project: ChangeProject, state: str) -> ChangeProject:
    """Place a project in a state for a test, without the transition that would lead there."""
    ChangeProject.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    return project


def fill_scores(seminar: Seminar, project: ChangeProject, examiner, percent) -> None:
    """Score every criterion at `percent` of its maximum, so the examiner's total is `percent`."""
    rubric = rubric_for(seminar)
    seminar_record_scores(
        seminar=seminar,
        project=project,
        by=examiner,
        scores={c.pk: c.max_score * Decimal(percent) / 100 for c in rubric.criteria.all()},
    )


def score_proposal(
    seminar: Seminar,
    project: ChangeProject,
    examiner,
    percent=85,
    decision="accepted",
    revisions=None,
) -> None:
    """An examiner's proposal sheet: every criterion at `percent`, their decision, and (unless
    they accept) one revision they require."""
    rubric = rubric_for(seminar)
    if revisions is None:
        revisions = [] if decision == "accepted" else [f"Perjelas indikator ({examiner})."]
    seminar_record_scores(
        seminar=seminar,
        project=project,
        by=examiner,
        scores={c.pk: c.max_score * Decimal(percent) / 100 for c in rubric.criteria.all()},
        decision=decision,
        revisions=revisions,
    )


def score_proposal_by_every_examiner(
    project: ChangeProject, percent=85, decision="accepted"
) -> Seminar:
    """Every examiner of the project's latest proposal seminar scores and decides on it."""
    seminar = project.seminars.filter(kind=Seminar.Kind.PROPOSAL).latest("starts_at", "pk")
    for examiner in seminar.examiners.all():
        score_proposal(seminar, project, examiner, percent, decision)
    return seminar


def score_by_every_examiner(project: ChangeProject, percent=85) -> Seminar:
    """Every examiner of the project's latest results seminar scores it at `percent`."""
    seminar = project.seminars.filter(kind=Seminar.Kind.RESULTS).latest("starts_at", "pk")
    for examiner in seminar.examiners.all():
        fill_scores(seminar, project, examiner, percent)
    return seminar


@pytest.fixture
def proposal_seminar(world) -> Seminar:
    """The world's seminar (examiner: world.examiner) with the project waiting on it."""
    put_in_state(world.project, ChangeProject.State.PROPOSAL_SEMINAR)
    return Seminar.objects.get(projects=world.project)


@pytest.fixture
def second_examiner(world):
    examiner = UserFactory(username="examiner2", full_name="Dewi Penguji Kedua")
    PoolExaminer.objects.create(institution=world.cohort.institution, person=examiner)
    return examiner


@pytest.fixture
def results_seminar(world, second_examiner) -> Seminar:
    """A results seminar of the world's cohort, two examiners, the project waiting on it."""
    put_in_state(world.project, ChangeProject.State.RESULTS_SEMINAR)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS, place="Ruang Kelas 2")
    seminar.examiners.add(world.examiner, second_examiner)
    seminar.projects.add(world.project)
    return seminar
