"""Progress, overdue and stuck, computed in the database, with time frozen."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from milestones import selectors
from milestones.models import Milestone, MilestoneLog, Term
from tests.factories import ChangeProjectFactory
from tests.milestones.factories import LinkEvidenceFactory, MilestoneFactory, put_project_in
from tracker.models import ChangeProject, Role

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
M = Milestone.State


def _at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=JAKARTA)


@pytest.fixture
def plan(world, at_work):
    """Four milestones: done, overdue, stuck and not yet due, created well before today."""
    created = _at("2026-10-20")
    done = MilestoneFactory(
        project=at_work, state=M.ACCEPTED, due_date=datetime.date(2026, 11, 10), created_at=created
    )
    late = MilestoneFactory(
        project=at_work,
        state=M.IN_PROGRESS,
        start_date=datetime.date(2026, 11, 1),
        due_date=datetime.date(2026, 11, 25),
        created_at=created,
    )
    quiet = MilestoneFactory(
        project=at_work,
        state=M.IN_PROGRESS,
        start_date=datetime.date(2026, 10, 26),
        due_date=datetime.date(2026, 12, 20),
        created_at=created,
    )
    later = MilestoneFactory(
        project=at_work,
        term=Term.MEDIUM,
        start_date=datetime.date(2027, 1, 5),
        due_date=datetime.date(2027, 6, 30),
        created_at=created,
    )
    # The late one was worked on two days ago; the quiet one last moved on 1 November.
    MilestoneLog.objects.create(
        project=at_work,
        milestone=late,
        actor=world.participant,
        role=Role.PARTICIPANT,
        action="start",
        from_state=M.PLANNED,
        to_state=M.IN_PROGRESS,
        created_at=_at("2026-11-28"),
    )
    MilestoneLog.objects.create(
        project=at_work,
        milestone=quiet,
        actor=world.participant,
        role=Role.PARTICIPANT,
        action="start",
        from_state=M.PLANNED,
        to_state=M.IN_PROGRESS,
        created_at=_at("2026-11-01"),
    )
    return {"done": done, "late": late, "quiet": quiet, "later": later}


def _flags(project):
    return {m.activity: (m.is_overdue, m.is_stuck) for m in selectors.plan_of(project)}


@time_machine.travel(NOW, tick=False)
def test_progress_overdue_and_stuck(world, plan):
    progress = selectors.progress_of(selectors.plan_of(world.project))
    assert (progress.total, progress.accepted, progress.share) == (4, 1, 25)
    assert (progress.overdue, progress.stuck) == (1, 1)
    terms = {term.term: (term.accepted, term.total, term.share) for term in progress.terms}
    assert terms == {"short": (1, 3, 33), "medium": (0, 1, 0), "long": (0, 0, 0)}
    assert _flags(world.project) == {
        plan["done"].activity: (False, False),
        plan["late"].activity: (True, False),
        plan["quiet"].activity: (False, True),
        plan["later"].activity: (False, False),
    }


@time_machine.travel(NOW, tick=False)
def test_new_evidence_unsticks_a_milestone(world, plan):
    LinkEvidenceFactory(milestone=plan["quiet"], uploaded_at=timezone.now())
    assert _flags(world.project)[plan["quiet"].activity] == (False, False)


@time_machine.travel(NOW, tick=False)
def test_stuck_threshold_comes_from_settings(world, plan, settings):
    settings.STUCK_AFTER_DAYS = 30
    assert selectors.progress_of(selectors.plan_of(world.project)).stuck == 0
    settings.STUCK_AFTER_DAYS = 10
    # Now the late milestone's start (29 days ago) also counts, but it moved two days ago.
    assert selectors.progress_of(selectors.plan_of(world.project)).stuck == 1


def test_time_passing_makes_work_overdue_then_stuck(world, plan):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=JAKARTA), tick=False):
        assert selectors.progress_of(selectors.plan_of(world.project)).overdue == 0
    with time_machine.travel(datetime.datetime(2026, 12, 14, 9, 0, tzinfo=JAKARTA), tick=False):
        progress = selectors.progress_of(selectors.plan_of(world.project))
        assert (progress.overdue, progress.stuck) == (1, 2)


@time_machine.travel(NOW, tick=False)
def test_a_plan_still_on_paper_is_neither_overdue_nor_stuck(world, plan):
    put_project_in(world.project, ChangeProject.State.DRAFT)
    progress = selectors.progress_of(selectors.plan_of(world.project))
    assert (progress.overdue, progress.stuck) == (0, 0)


@time_machine.travel(NOW, tick=False)
def test_projects_with_flags_counts_today_and_the_columns_keep_the_totals(world, plan):
    MilestoneFactory(project=world.other_project)
    rows = {
        project.pk: (
            project.milestones_total,
            project.milestones_accepted,
            project.progress,
            project.milestones_overdue,
            project.milestones_stuck,
        )
        for project in selectors.projects_with_flags(ChangeProject.objects.all())
    }
    assert rows == {world.project.pk: (4, 1, 25, 1, 1), world.other_project.pk: (1, 0, 0, 0, 0)}


@time_machine.travel(NOW, tick=False)
def test_project_page_shows_the_progress_summary(client, world, plan):
    client.force_login(world.agency_head)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "25% tonggak diterima (1 dari 4)" in page
    assert 'class="flag flag--overdue">Terlambat' in page
    assert 'class="flag flag--stuck">Tersendat' in page


def _fill(project, count: int) -> None:
    for _ in range(count):
        milestone = MilestoneFactory(project=project, state=M.IN_PROGRESS)
        LinkEvidenceFactory(milestone=milestone)


def test_plan_page_query_count_is_pinned_and_equal_at_1_and_30(client, world, at_work):
    _fill(at_work, 1)
    client.force_login(world.participant)
    url = reverse("milestones:list", args=[at_work.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _fill(at_work, 29)
    with CaptureQueriesContext(connection) as thirty:
        page = client.get(url).content.decode()
    assert page.count('class="badge badge--ms-in_progress"') == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)
    # The plan itself costs two queries (the flagged list, whose counts give the progress, and
    # the change requests); the rest is the session, the user and their roles on the project.
    plan_queries = [q for q in thirty.captured_queries if 'FROM "milestones_' in q["sql"]]
    assert len(plan_queries) == 2
    assert len(thirty.captured_queries) == PLAN_PAGE_QUERIES


# Session, the user (with the header's counts), the project with the user's roles on it, and the
# two of the plan.
PLAN_PAGE_QUERIES = 5


@pytest.mark.parametrize("count", [1, 30])
def test_project_page_panel_does_not_grow_with_milestones(
    client, world, at_work, count, django_assert_max_num_queries
):
    _fill(at_work, 1)
    client.force_login(world.participant)
    with django_assert_max_num_queries(100) as baseline:
        client.get(at_work.get_absolute_url())
    _fill(at_work, count - 1)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(at_work.get_absolute_url())


def test_other_project_is_not_counted(world, plan):
    other = ChangeProjectFactory(cohort=world.cohort)
    assert selectors.progress_of(selectors.plan_of(other)).total == 0
