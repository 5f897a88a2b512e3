"""Each milestone's last activity and latest submission are copies the database keeps
(`tracker.summary`): whoever writes a step or evidence, and however, they follow."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from milestones.models import Evidence, Milestone, MilestoneLog
from tests.milestones.factories import LinkEvidenceFactory, MilestoneFactory
from tests.tracker.triggers import drop_triggers
from tracker import summary
from tracker.models import Role

CREATED = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def _kept(milestone: Milestone) -> tuple[datetime.datetime, datetime.datetime | None]:
    return Milestone.objects.values_list("last_activity_at", "submitted_at").get(pk=milestone.pk)


def _step(milestone: Milestone, to_state: str, at: datetime.datetime) -> MilestoneLog:
    # Straight into the table, as an import or SQL by hand would: no service is told.
    return MilestoneLog.objects.create(
        project=milestone.project,
        milestone=milestone,
        actor=milestone.project.participant,
        role=Role.PARTICIPANT,
        action="submit" if to_state == "submitted" else "start",
        to_state=to_state,
        created_at=at,
    )


@pytest.fixture
def milestone(world) -> Milestone:
    with time_machine.travel(CREATED, tick=False):
        return MilestoneFactory(project=world.project)


def _drop_activity_triggers() -> None:
    drop_triggers(summary._milestone_activity())


def test_a_new_milestone_was_last_active_when_it_was_made(milestone):
    assert _kept(milestone) == (CREATED, None)


def test_steps_and_evidence_move_the_activity_and_a_submission_is_remembered(milestone):
    _step(milestone, "in_progress", CREATED + HOUR)
    assert _kept(milestone) == (CREATED + HOUR, None)
    evidence = LinkEvidenceFactory(milestone=milestone, uploaded_at=CREATED + 3 * HOUR)
    assert _kept(milestone) == (CREATED + 3 * HOUR, None)
    _step(milestone, "submitted", CREATED + 2 * HOUR)  # an older step, imported late
    assert _kept(milestone) == (CREATED + 3 * HOUR, CREATED + 2 * HOUR)
    Evidence.objects.filter(pk=evidence.pk).update(uploaded_at=CREATED + 5 * HOUR)
    assert _kept(milestone)[0] == CREATED + 5 * HOUR
    Evidence.objects.filter(pk=evidence.pk).delete()
    assert _kept(milestone) == (CREATED + 2 * HOUR, CREATED + 2 * HOUR)
    assert not summary.drifted_milestones().exists()


def test_evidence_moved_to_another_milestone_moves_both(milestone, world):
    other = MilestoneFactory(project=world.project, created_at=CREATED)
    evidence = LinkEvidenceFactory(milestone=milestone, uploaded_at=CREATED + HOUR)
    Evidence.objects.filter(pk=evidence.pk).update(milestone=other)
    assert _kept(milestone)[0] == CREATED
    assert _kept(other)[0] == CREATED + HOUR


def test_a_milestone_saved_from_a_stale_copy_keeps_the_true_activity(milestone):
    stale = Milestone.objects.get(pk=milestone.pk)
    _step(milestone, "submitted", CREATED + HOUR)
    stale.activity = "Sosialisasi layanan daring"
    stale.save()  # writes every column, the copy's old activity and submission among them
    assert _kept(milestone) == (CREATED + HOUR, CREATED + HOUR)


def test_a_forged_activity_is_put_right_by_the_database(milestone):
    Milestone.objects.filter(pk=milestone.pk).update(
        last_activity_at=CREATED + 100 * HOUR, submitted_at=CREATED
    )
    assert _kept(milestone) == (CREATED, None)


def test_missing_triggers_are_made_again_and_every_milestone_filled_afresh(milestone):
    _drop_activity_triggers()
    _step(milestone, "submitted", CREATED + HOUR)
    assert _kept(milestone) == (CREATED, None)  # unseen: the triggers were gone
    assert list(summary.drifted_milestones()) == [milestone]

    assert summary.ensure_triggers(connection) is True
    assert _kept(milestone) == (CREATED + HOUR, CREATED + HOUR)
    assert not summary.drifted_milestones().exists()
    assert summary.ensure_triggers(connection) is False  # nothing left to make
    _step(milestone, "submitted", CREATED + 2 * HOUR)
    assert _kept(milestone) == (CREATED + 2 * HOUR, CREATED + 2 * HOUR)


def test_the_summary_check_finds_a_drifted_milestone_and_repair_mends_it(milestone):
    _drop_activity_triggers()
    _step(milestone, "submitted", CREATED + HOUR)
    out = io.StringIO()
    with pytest.raises(CommandError, match="0 projects and 1 milestones drifted"):
        call_command("summary", "--check", stdout=out)
    assert f"milestone #{milestone.pk}: last_activity_at=" in out.getvalue()
    out = io.StringIO()
    call_command("summary", "--repair", stdout=out)
    assert "0 projects and 1 milestones repaired" in out.getvalue()
    assert _kept(milestone) == (CREATED + HOUR, CREATED + HOUR)
    summary.ensure_triggers(connection)


def test_no_trigger_is_made_while_a_table_lacks_a_column_the_code_knows(milestone, monkeypatch):
    """As while `migrate milestones 0006` undoes the columns: the triggers would name them."""
    _drop_activity_triggers()
    describe = connection.introspection.get_table_description

    def without_activity(cursor, table):
        columns = describe(cursor, table)
        if table != Milestone._meta.db_table:
            return columns
        return [column for column in columns if column.name != "last_activity_at"]

    monkeypatch.setattr(connection.introspection, "get_table_description", without_activity)
    assert summary.ensure_triggers(connection) is False
    monkeypatch.undo()
    assert summary.ensure_triggers(connection) is True
