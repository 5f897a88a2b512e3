"""Whose sign-off a project in review awaits, and since when, are copies the database keeps on
the project's row (`tracker.summary`): whoever writes a submission, a sign-off or the state."""

from __future__ import annotations

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from mentoring.models import SignOff
from mentoring.selectors import signoffs_awaiting
from mentoring.services import project_sign_off
from tests.milestones.factories import complete_plan, put_project_in
from tests.tracker.triggers import drop_triggers
from tracker import summary
from tracker.models import ChangeProject, Role, TransitionLog
from tracker.services import run_transition

S = ChangeProject.State
OPENED = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC)


def _kept(project: ChangeProject) -> tuple:
    return ChangeProject.objects.values_list(*summary.REVIEW_COLUMNS).get(pk=project.pk)


@pytest.fixture
def submitted(world) -> ChangeProject:
    """The world's project, complete and submitted for proposal review by the service."""
    ChangeProject.objects.filter(pk=world.project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    world.project.refresh_from_db()
    complete_plan(world.project)
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    return world.project


def _opening(project: ChangeProject) -> TransitionLog:
    return TransitionLog.objects.filter(project=project, to_state=project.state).latest("pk")


def test_a_project_outside_review_awaits_nobody(world):
    assert _kept(world.project) == (None, False, False)


def test_a_submission_awaits_both_until_each_signs_and_the_review_closes(world, submitted):
    opened_at = _opening(submitted).created_at
    assert _kept(submitted) == (opened_at, True, True)
    assert list(signoffs_awaiting(world.coach)) == [submitted]
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    assert _kept(submitted) == (opened_at, False, True)
    assert not signoffs_awaiting(world.coach).exists()
    assert signoffs_awaiting(world.mentor).get().awaiting_role == Role.MENTOR
    project_sign_off(project=submitted, by=world.mentor, stage="proposal")
    submitted.refresh_from_db()
    assert submitted.state == S.PROPOSAL_SEMINAR
    assert _kept(submitted) == (None, False, False)


def test_a_resubmission_awaits_both_again(world, submitted):
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    run_transition(project=submitted, by=world.mentor, name="return_proposal", comment="Revisi.")
    assert _kept(submitted) == (None, False, False)
    run_transition(project=submitted, by=world.participant, name="submit_proposal")
    assert _kept(submitted) == (_opening(submitted).created_at, True, True)


def test_writes_no_service_sees_are_followed(world):
    # Into review by hand, then its submission, then a sign-off taken back: SQL, an import.
    project = put_project_in(world.project, S.REPORT_REVIEW)
    # In review with no submission found: waiting since the project was made.
    assert _kept(project) == (project.created_at, True, True)
    opening = TransitionLog.objects.create(
        project=project,
        actor=project.participant,
        role=Role.PARTICIPANT,
        transition="submit_report",
        from_state=S.IMPLEMENTATION,
        to_state=S.REPORT_REVIEW,
        created_at=OPENED,
    )
    assert _kept(project) == (OPENED, True, True)
    signoff = SignOff.objects.create(
        project=project,
        submission=opening,
        stage=SignOff.Stage.REPORT,
        role=Role.MENTOR,
        signer=world.mentor,
        wording="Disetujui untuk diseminarkan",
    )
    assert _kept(project) == (OPENED, True, False)
    SignOff.objects.filter(pk=signoff.pk).update(role=Role.COACH)
    assert _kept(project) == (OPENED, False, True)
    SignOff.objects.filter(pk=signoff.pk).delete()
    assert _kept(project) == (OPENED, True, True)


def test_a_stale_copy_or_a_forged_value_is_put_right(world, submitted):
    stale = ChangeProject.objects.get(pk=submitted.pk)
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    stale.title = "Judul baru"
    stale.save()  # writes every column, the copy's old sign-off flags among them
    assert _kept(submitted)[1:] == (False, True)
    ChangeProject.objects.filter(pk=submitted.pk).update(
        awaits_mentor_signoff=False, review_opened_at=OPENED
    )
    assert _kept(submitted) == (_opening(submitted).created_at, False, True)


def test_missing_triggers_are_made_again_and_the_check_finds_what_they_missed(world, submitted):
    drop_triggers(summary._review_signoffs())
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    assert _kept(submitted)[1] is True  # unseen: the triggers were gone
    with pytest.raises(CommandError, match="1 projects and 0 milestones drifted"):
        call_command("summary", "--check", stdout=io.StringIO())

    assert summary.ensure_triggers(connection) is True
    assert _kept(submitted)[1:] == (False, True)
    assert not summary.drifted().exists()
    assert summary.ensure_triggers(connection) is False


def test_every_kept_trigger_goes_before_migrations_run_and_comes_back_after(world, submitted):
    """They name columns a migration may drop, which SQLite refuses while a trigger names one;
    what was written meanwhile (a deploy's old workers) is filled in afterwards."""
    tracker = apps.get_app_config("tracker")
    summary.before_migrate(tracker, plan=[])  # nothing to migrate: they stay
    assert not summary.ensure_triggers(connection)
    summary.before_migrate(tracker, plan=[("a migration", False)])
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    assert _kept(submitted)[1] is True  # unseen meanwhile
    summary.after_migrate(tracker)
    assert _kept(submitted)[1:] == (False, True)
    assert not summary.drifted().exists() and not summary.drifted_milestones().exists()
    assert not summary.ensure_triggers(connection)
