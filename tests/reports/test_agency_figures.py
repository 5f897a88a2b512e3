"""The agencies' kept dashboard figures (`reports.figures`): triggers mark every change that
moves one, a reader recomputes exactly the marked and yesterday's rows, a mark written while it
computed survives, and a failed write loses nothing."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import SurveyAnswer, SurveyResponse
from mentoring.services import impact_complete_review, round_excuse
from milestones.models import Milestone
from reports import figures
from reports.impact import figures_from_counts, impact_figures
from reports.models import (
    AgencyFigureCount,
    AgencyFigures,
    AgencyFiguresMark,
    AgencySubtreeCount,
)
from tests.factories import AgencyFactory, ChangeProjectFactory, UserFactory
from tests.mentoring.impact import answer, in_monitoring
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.sql import filters_on_ids
from tracker.models import Agency, ChangeProject
from tracker.selectors import agency_subtree_ids as agency_ids_under
from tracker.summary import PRESENT_TRIGGERS

S = ChangeProject.State
M = Milestone.State
MORNING = datetime.datetime(2026, 11, 10, 2, 0, tzinfo=datetime.UTC)
# Every round of a project that went into monitoring on tests.mentoring.impact.CLOSED_ON is open.
ROUNDS_OPEN = datetime.datetime(2027, 1, 20, 2, 0, tzinfo=datetime.UTC)


def marked() -> list[int]:
    """The agencies marked (an update marks the old row's and the new row's)."""
    return sorted(set(AgencyFiguresMark.objects.values_list("agency", flat=True)))


def kept(agency) -> figures.Figures:
    """The agency's stored figures, read from its count rows."""
    rows = AgencyFigureCount.objects.filter(agency_id=agency.pk).values_list("key", "count")
    return figures.Figures.from_counts(rows)


@pytest.fixture
def counted(world):
    """The world's figures stored, and no mark left."""
    figures.figures_of(None)
    assert marked() == []
    return world


def test_each_change_that_moves_a_figure_marks_its_agency(counted):
    world = counted
    ChangeProject.objects.filter(pk=world.project.pk).update(title="Judul lain")
    assert marked() == []  # not a figure
    ChangeProject.objects.filter(pk=world.project.pk).update(state=S.IMPLEMENTATION)
    assert marked() == [world.dinas.pk]
    AgencyFiguresMark.objects.all().delete()
    ChangeProject.objects.filter(pk=world.project.pk).update(agency=world.other_agency)
    assert marked() == sorted([world.dinas.pk, world.other_agency.pk])
    AgencyFiguresMark.objects.all().delete()
    milestone = MilestoneFactory(project=world.other_project)
    assert world.other_agency.pk in marked()
    AgencyFiguresMark.objects.all().delete()
    Milestone.objects.filter(pk=milestone.pk).update(activity="Rapat lain")
    assert marked() == []
    Milestone.objects.filter(pk=milestone.pk).update(due_date=datetime.date(2026, 12, 24))
    assert marked() == [world.other_agency.pk]
    AgencyFiguresMark.objects.all().delete()
    Milestone.objects.filter(pk=milestone.pk).delete()
    assert marked() == [world.other_agency.pk]


@time_machine.travel(ROUNDS_OPEN, tick=False)
def test_every_survey_change_marks_its_agency_and_its_kept_impact_is_a_fresh_count(counted):
    world = counted
    projects = ChangeProject.objects.filter(agency=world.dinas)

    def kept_is_fresh() -> figures.Figures:
        assert marked() == [world.dinas.pk]
        together = figures.refresh([world.dinas.pk]).together()
        assert marked() == []
        today = datetime.date(2027, 1, 20)
        assert figures_from_counts(together.impact) == impact_figures(projects, today=today)
        return together

    first, final = in_monitoring(world.project)
    # Two rounds, each owed by alumnus and mentor; the first past due with no answer.
    assert kept_is_fresh().impact == {"projects": 1, "expected": 4, "stuck": 1}
    answer(first, world.participant, progress=5, sustainability="stalled", barriers=["funds"])
    kept_is_fresh()
    answer(first, world.mentor, progress=4, barriers=["funds", "leadership"])
    kept_is_fresh()
    scored = SurveyAnswer.objects.filter(
        response__round=first, response__role="participant", question__topic="progress"
    )
    assert scored.update(value=2) == 1
    assert figures_from_counts(kept_is_fresh().impact).means[0].alumni == 2
    answer(final, world.participant, sustainability="expanded")
    kept_is_fresh()
    round_excuse(survey_round=final, by=world.organiser, role="mentor", reason="Mentor pensiun.")
    kept_is_fresh()
    impact_complete_review(
        project=world.project,
        by=world.organiser,
        outcome="partly",
        barriers=["funds"],
        summary="Layanan daring berjalan di dua dari lima puskesmas.",
    )
    shown = figures_from_counts(kept_is_fresh().impact)
    assert (shown.answered, shown.excused, shown.alive, len(shown.conclusions)) == (3, 1, 1, 1)
    SurveyResponse.objects.filter(round=first, role="mentor").delete()
    kept_is_fresh()
    # Without a mentor, a round asks the alumnus alone.
    ChangeProject.objects.filter(pk=world.project.pk).update(mentor=None)
    assert figures_from_counts(kept_is_fresh().impact).expected == 2


@time_machine.travel(MORNING, tick=False)
def test_a_reader_counts_only_the_marked_agencies_again(counted):
    world = counted
    figures.figures_of(None)  # counted on the day travelled to
    put_project_in(world.project, S.IMPLEMENTATION)  # at work: its late milestones are overdue
    MilestoneFactory(project=world.project, state=M.ACCEPTED)
    MilestoneFactory(project=world.project, due_date=datetime.date(2026, 11, 1))
    with CaptureQueriesContext(connection) as queries:
        shown = figures.figures_of(None)
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 4  # by state, per term, per month, and past training
    assert all(filters_on_ids(sql, "agency_id", world.dinas.pk) for sql in grouped), grouped
    plan = shown[world.dinas.pk].plan
    assert (plan.total, plan.accepted, plan.overdue, plan.share) == (2, 1, 1, 50)
    assert kept(world.dinas) == shown[world.dinas.pk]
    assert marked() == []
    # Nothing changed since: the marks, the agencies' rows and their counts read, nothing counted.
    with CaptureQueriesContext(connection) as queries:
        assert figures.figures_of([world.dinas.pk, world.other_agency.pk]) == {
            agency: shown[agency] for agency in (world.dinas.pk, world.other_agency.pk)
        }
    assert len(queries.captured_queries) == 3


def test_yesterdays_rows_are_counted_again_as_milestones_fall_due(counted):
    world = counted
    put_project_in(world.project, S.IMPLEMENTATION)
    MilestoneFactory(project=world.project, due_date=datetime.date(2026, 11, 20))
    with time_machine.travel(datetime.datetime(2026, 11, 20, 5, 0, tzinfo=datetime.UTC)):
        assert figures.figures_of([world.dinas.pk])[world.dinas.pk].plan.overdue == 0
    with time_machine.travel(datetime.datetime(2026, 11, 21, 5, 0, tzinfo=datetime.UTC)):
        assert marked() == []
        assert figures.figures_of([world.dinas.pk])[world.dinas.pk].plan.overdue == 1
        assert AgencyFigures.objects.get(agency=world.dinas).computed_on == datetime.date(
            2026, 11, 21
        )


def test_a_mark_written_while_the_reader_counts_survives(counted, monkeypatch):
    world = counted
    MilestoneFactory(project=world.project)
    count = figures.compute

    def meanwhile(*args, **kwargs):
        result = count(*args, **kwargs)
        MilestoneFactory(project=world.project)  # after the count: this one is not in it
        return result

    monkeypatch.setattr(figures, "compute", meanwhile)
    assert figures.figures_of(None)[world.dinas.pk].plan.total == 1
    assert marked() == [world.dinas.pk]
    monkeypatch.setattr(figures, "compute", count)
    assert figures.figures_of(None)[world.dinas.pk].plan.total == 2
    assert marked() == []


def test_a_failed_write_shows_the_figures_and_leaves_the_marks(counted, monkeypatch, caplog):
    world = counted
    MilestoneFactory(project=world.project)

    def refuse(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(AgencyFigures.objects, "bulk_create", refuse)
    with caplog.at_level(logging.WARNING, logger="reports.figures"):
        assert figures.figures_of(None)[world.dinas.pk].plan.total == 1
    assert "not stored" in caplog.text
    assert marked() == [world.dinas.pk]
    assert kept(world.dinas).plan.total == 0
    assert figures.drifted_sums() == {}  # the sums were not moved either
    monkeypatch.undo()
    assert figures.figures_of(None)[world.dinas.pk].plan.total == 1
    assert kept(world.dinas).plan.total == 1
    assert figures.drifted_sums() == {}


def test_an_agency_left_without_projects_loses_its_row(counted):
    world = counted
    ChangeProject.objects.filter(pk=world.other_project.pk).update(agency=world.dinas)
    shown = figures.figures_of(None)
    assert world.other_agency.pk not in shown
    assert shown[world.dinas.pk].total == 2
    assert not AgencyFigures.objects.filter(agency=world.other_agency).exists()


def test_figures_add_up_across_agencies(counted):
    world = counted
    unit = AgencyFactory(parent=world.province)
    for state in (S.PASSED, S.PASSED, S.IMPLEMENTATION):
        project = ChangeProjectFactory(
            cohort=world.cohort, agency=unit, participant=UserFactory(agency=unit)
        )
        ChangeProject.objects.filter(pk=project.pk).update(state=state, predikat="Memuaskan")
    together = figures.added_up(figures.figures_of(None).values())
    assert together.total == 5
    assert together.states[S.PASSED] == 2
    assert together.grades == {"Memuaskan": 3}
    assert figures.Figures.from_counts(together.counts().items()) == together


def test_missing_triggers_are_made_again_and_mark_every_agency(counted):
    world = counted
    trigger = figures.TRIGGERS[0]
    with connection.cursor() as cursor:
        on = f" ON {trigger.table}" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER {trigger.name}{on}")
    ChangeProjectFactory(cohort=world.cohort, agency=world.other_agency)
    assert marked() == []  # unseen
    assert figures.ensure_triggers(connection)
    # Every agency, and the tree: the sums are added up afresh too.
    everything = {figures.TREE_CHANGED, *Agency.objects.values_list("pk", flat=True)}
    assert set(marked()) == everything
    assert figures.figures_of(None)[world.other_agency.pk].total == 2
    assert figures.Kept({}, {}, everywhere=True).together().total == 3
    assert not figures.ensure_triggers(connection)


def test_the_triggers_go_before_migrations_run_and_come_back_after(counted):
    """They name columns a migration may drop, which SQLite refuses while a trigger names one."""
    reports = apps.get_app_config("reports")
    figures.before_migrate(reports, plan=[])  # nothing to migrate: they stay
    assert not figures.ensure_triggers(connection)
    figures.before_migrate(reports, plan=[("a migration", False)])
    with connection.cursor() as cursor:
        cursor.execute(PRESENT_TRIGGERS[connection.vendor])
        present = {row[0] for row in cursor.fetchall()}
    assert not present & {trigger.name for trigger in figures.TRIGGERS}
    figures.after_migrate(reports)
    everything = {figures.TREE_CHANGED, *Agency.objects.values_list("pk", flat=True)}
    assert set(marked()) == everything
    assert not figures.ensure_triggers(connection)


def test_the_command_counts_everything_and_its_check_finds_drift(counted):
    world = counted
    out = io.StringIO()
    call_command("agency_figures", stdout=out)
    assert "Figures of 2 agencies computed" in out.getvalue()
    call_command("agency_figures", "--check", stdout=(out := io.StringIO()))
    assert "0 agencies drifted, 0 sums" in out.getvalue()
    AgencyFigureCount.objects.filter(agency_id=world.dinas.pk).update(count=7)
    wrong = kept(world.dinas)
    with pytest.raises(CommandError) as failed:
        call_command("agency_figures", "--check", stdout=(out := io.StringIO()))
    assert failed.value.returncode == 1
    # The dinas's own counts, and the sums of the dinas and the province above it.
    assert "Figures of 1 agencies and the sums of 2 agencies" in str(failed.value)
    assert f"#{world.dinas.pk}:" in out.getvalue() and f"#{world.province.pk}+:" in out.getvalue()
    assert kept(world.dinas) == wrong  # a check changes nothing
    call_command("agency_figures", stdout=io.StringIO())
    assert kept(world.dinas).total == 1
    AgencySubtreeCount.objects.filter(agency=world.province).update(count=9)
    with pytest.raises(CommandError) as failed:
        call_command("agency_figures", "--check", stdout=io.StringIO())
    assert "Figures of 0 agencies and the sums of 1 agencies" in str(failed.value)
    call_command("agency_figures", stdout=io.StringIO())
    assert figures.drifted_sums() == {}


def _own_added_up(agencies) -> figures.Figures:
    """The agencies' figures added up from their own count rows (no sums)."""
    return figures.Kept(dict.fromkeys(agencies, 0), {}).together()


def test_the_sums_of_each_subtree_follow_every_change_whoever_reads(counted):
    """Stored by different readers (a unit's head, the province's, the admin), the sums above
    the units always equal the units' own counts added up; after an agency is moved under
    another parent, the next reader adds them all up afresh."""
    world = counted
    unit = AgencyFactory(parent=world.dinas, name="UPTD Uji")
    province = [world.province.pk, world.dinas.pk, unit.pk]

    def read_as(agencies) -> None:
        kept = figures.refresh(agencies)
        assert not kept.unstored
        assert figures.drifted_sums() == {}

    def province_total() -> int:
        kept = figures.refresh(agency_ids_under([world.province.pk]))
        together = kept.together([world.province.pk])
        assert together == _own_added_up(agency_ids_under([world.province.pk]))
        return together.total

    in_unit = ChangeProjectFactory(cohort=world.cohort, agency=unit)
    read_as([unit.pk])  # the unit's head: the unit's, the dinas's and the province's sums move
    assert province_total() == 2
    put_project_in(in_unit, S.IMPLEMENTATION)
    MilestoneFactory(project=in_unit, state=M.ACCEPTED)
    read_as(None)
    ChangeProject.objects.filter(pk=in_unit.pk).update(agency=world.other_agency)
    read_as(province)  # the other agency stays marked: its own counts and sum are unchanged
    assert marked() == [world.other_agency.pk]
    assert province_total() == 1
    read_as([world.other_agency.pk])
    assert figures.refresh(None).together().total == 3
    # The unit, with a project again, moves under the other agency: every sum above it moves.
    ChangeProject.objects.filter(pk=in_unit.pk).update(agency=unit)
    read_as([unit.pk])
    Agency.objects.filter(pk=unit.pk).update(parent=world.other_agency)
    assert figures.TREE_CHANGED in marked()
    read_as([world.dinas.pk])  # whoever reads next adds them up afresh
    assert province_total() == 1
    assert figures.refresh(None).together().total == 3
    ChangeProject.objects.filter(pk=in_unit.pk).delete()
    read_as(None)
    assert figures.refresh(None).together().total == 2
    figures.refresh(None, fresh=True)
    assert figures.drifted_sums() == {}


@pytest.mark.parametrize(
    ("keys", "spans"),
    [
        ([], []),
        ([7], [(7, 7)]),
        ([5, 1, 2, 3, 9, 10], [(1, 3), (5, 5), (9, 10)]),
    ],
)
def test_read_marks_are_deleted_as_runs_of_consecutive_keys(keys, spans):
    assert list(figures._spans(keys)) == spans
