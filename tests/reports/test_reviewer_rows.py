"""A reviewer's home reads what waits on them and what lags from their projects' rows (the
columns `tracker.summary` keeps), and says the same as counting milestone by milestone."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.conf import settings
from django.utils import timezone

from mentoring.selectors import signoffs_awaiting
from milestones.models import Milestone, MilestoneLog
from milestones.selectors import (
    milestones_awaiting_count,
    milestones_awaiting_review,
    project_stuck,
    with_flags,
)
from tests.factories import ChangeProjectFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker import summary
from tracker.models import ChangeProject, Role, TransitionLog

S = ChangeProject.State
ZONE = timezone.get_default_timezone()
T0 = datetime.datetime(2026, 10, 5, 10, 0, tzinfo=ZONE)
TICK = datetime.timedelta(microseconds=1)


def _submit(milestone: Milestone, at: datetime.datetime) -> None:
    Milestone.objects.filter(pk=milestone.pk).update(state=Milestone.State.SUBMITTED)
    MilestoneLog.objects.create(
        project=milestone.project,
        milestone=milestone,
        actor=milestone.project.participant,
        role=Role.PARTICIPANT,
        action=MilestoneLog.Action.SUBMIT,
        from_state=Milestone.State.IN_PROGRESS,
        to_state=Milestone.State.SUBMITTED,
        created_at=at,
    )
    summary.refresh(milestone.project_id)


@pytest.fixture
def queue(world) -> list[Milestone]:
    """Eight submitted milestones over five projects the coach guides (some two to a project,
    two pairs submitted at the same moment), and one on a project outside their guidance."""
    # Three coached, two mentored: the queue reads each side in its own index's order.
    sides = [{"coach": world.coach}] * 3 + [{"mentor": world.coach}] * 2
    projects = [
        put_project_in(ChangeProjectFactory(cohort=world.cohort, **side), S.IMPLEMENTATION)
        for side in sides
    ]
    hours = [7, 3, 3, 9, 1, 5, 5, 2]  # milestone n's submission, hours after T0
    milestones = []
    for n, (project, hour) in enumerate(zip(itertools.cycle(projects), hours, strict=False)):
        milestone = MilestoneFactory(project=project, activity=f"Tonggak {n}")
        _submit(milestone, T0 + datetime.timedelta(hours=hour))
        milestones.append(milestone)
    elsewhere = put_project_in(ChangeProjectFactory(cohort=world.cohort), S.IMPLEMENTATION)
    _submit(MilestoneFactory(project=elsewhere), T0)
    return milestones


def test_the_oldest_are_read_from_the_projects_that_hold_them(world, queue):
    every = list(milestones_awaiting_review(world.coach))
    assert len(every) == milestones_awaiting_count(world.coach) == 8
    assert [m.waiting_since for m in every] == sorted(m.waiting_since for m in every)
    for oldest in range(1, 10):
        first = list(milestones_awaiting_review(world.coach, oldest=oldest)[:oldest])
        assert first == every[:oldest], oldest


def test_a_decided_milestone_leaves_the_count(world, queue):
    Milestone.objects.filter(pk=queue[0].pk).update(state=Milestone.State.ACCEPTED)
    summary.refresh(queue[0].project_id)
    assert milestones_awaiting_count(world.coach) == 7
    assert queue[0] not in milestones_awaiting_review(world.coach, oldest=8)


@pytest.mark.parametrize("shift", [-TICK, 0 * TICK, TICK])
@pytest.mark.parametrize("edge", ["start date", "last activity"])
def test_stuck_on_the_row_agrees_with_each_milestone_at_the_edges(world, edge, shift):
    """STUCK_AFTER_DAYS after the start date's midnight, or after the last activity: a
    microsecond either side, the project's row and its milestone say the same."""
    project = put_project_in(world.project, S.IMPLEMENTATION)
    days = datetime.timedelta(days=settings.STUCK_AFTER_DAYS)
    start = datetime.date(2026, 10, 1)
    midnight = datetime.datetime.combine(start, datetime.time(), ZONE)
    if edge == "start date":  # quiet long before it was due to start
        created, now = midnight - 3 * days, midnight + days + shift
    else:  # due to start long before it went quiet
        start -= 3 * days
        created = midnight + datetime.timedelta(hours=10, microseconds=7)
        now = created + days + shift
    MilestoneFactory(
        project=project, state=Milestone.State.IN_PROGRESS, start_date=start, created_at=created
    )
    summary.refresh(project.pk)
    by_row = ChangeProject.objects.filter(project_stuck(now), pk=project.pk).exists()
    milestones = with_flags(Milestone.objects.filter(project=project), now=now)
    assert by_row == milestones.filter(is_stuck=True).exists()
    assert by_row == (shift > 0 * TICK if edge == "last activity" else shift >= 0 * TICK)


def test_the_oldest_sign_offs_owed_are_read_side_by_side(world):
    """Reviews opened at different times, some at the same moment, on projects the coach
    coaches and on projects they mentor; one already signed by them."""
    opened = [4, 2, 2, 6, 1, 3]
    for n, hours in enumerate(opened):
        side = {"coach": world.coach} if n % 2 else {"mentor": world.coach}
        project = put_project_in(
            ChangeProjectFactory(cohort=world.cohort, **side), S.PROPOSAL_REVIEW
        )
        TransitionLog.objects.create(
            project=project,
            actor=project.participant,
            role=Role.PARTICIPANT,
            transition="submit_proposal",
            from_state=S.DRAFT,
            to_state=S.PROPOSAL_REVIEW,
            created_at=T0 + datetime.timedelta(hours=hours),
        )
    every = list(signoffs_awaiting(world.coach))
    assert len(every) == signoffs_awaiting(world.coach).count() == 6
    assert [p.submitted_at for p in every] == sorted(p.submitted_at for p in every)
    for oldest in range(1, 8):
        assert list(signoffs_awaiting(world.coach, oldest=oldest)[:oldest]) == every[:oldest]
