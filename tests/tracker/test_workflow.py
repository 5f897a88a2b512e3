"""The project workflow: every transition for every persona, guards, comments, stale attempts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import PERSONAS
from tests.factories import ChangeProjectFactory, SeminarFactory, UserFactory
from tests.mentoring.conftest import score_by_every_examiner, score_proposal_by_every_examiner
from tests.mentoring.impact import final_round_settled
from tests.milestones.factories import complete_plan
from tracker.models import ChangeProject, Role, Seminar, TransitionLog
from tracker.services import run_transition
from tracker.workflow import Forbidden, Refused, Stale

S = ChangeProject.State
COMPLETE = {
    "problem_statement": "Antrean layanan panjang.",
    "goal_short_term": "Layanan daring di dua puskesmas.",
    "innovation_summary": "Pendaftaran daring dengan nomor antrean.",
}


def _project_in(world, state: str, participant=None, **fields) -> ChangeProject:
    """A project of the world's participant, in `state`, with everything its guards need."""
    defaults = {"agency": world.dinas, "coach": world.coach, "mentor": world.mentor, **COMPLETE}
    project = ChangeProjectFactory(
        participant=participant or world.participant,
        cohort=world.cohort,
        state=state,
        **{**defaults, **fields},
    )
    complete_plan(project)
    if state == S.MONITORING:
        final_round_settled(project)  # completing the impact review needs the final round in
    for kind in (Seminar.Kind.PROPOSAL, Seminar.Kind.RESULTS):
        seminar = SeminarFactory(cohort=world.cohort, kind=kind)
        seminar.examiners.add(world.examiner)
        seminar.projects.add(project)
    return project


@pytest.fixture
def world(world):
    # One project per participant per cohort: free the slot for the projects made per case.
    world.project.delete()
    return world


# transition: (source state, allowed personas, arguments, target state)
CASES = {
    "submit_proposal": (S.DRAFT, {"participant"}, (), S.PROPOSAL_REVIEW),
    "return_proposal": (S.PROPOSAL_REVIEW, {"coach", "mentor"}, (), S.DRAFT),
    "record_proposal_seminar": (
        S.PROPOSAL_SEMINAR,
        {"examiner"},
        ("accepted",),
        S.IMPLEMENTATION,
    ),
    "submit_revision": (S.PROPOSAL_REVISION, {"participant"}, (), S.PROPOSAL_REVIEW),
    "submit_report": (S.IMPLEMENTATION, {"participant"}, (), S.REPORT_REVIEW),
    "return_report": (S.REPORT_REVIEW, {"coach", "mentor"}, (), S.IMPLEMENTATION),
    "grade": (S.RESULTS_SEMINAR, {"examiner"}, (S.PASSED,), S.PASSED),
    "resubmit": (S.DEFERRED, {"participant"}, (), S.RESULTS_SEMINAR),
    "close_training": (S.PASSED, {"organiser"}, (), S.MONITORING),
    "complete_impact_review": (S.MONITORING, {"organiser"}, (), S.COMPLETED),
    "withdraw": (S.IMPLEMENTATION, {"organiser"}, (), S.WITHDRAWN),
}
LOGGED_IN = [persona for persona in PERSONAS if persona != "anonymous"]


@pytest.mark.parametrize("persona", LOGGED_IN)
@pytest.mark.parametrize("name", sorted(CASES))
def test_transition_for_persona(world, name, persona):
    source, allowed, arguments, target = CASES[name]
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    project = _project_in(world, source, deferral_deadline=deadline)
    user = world.persona(persona)
    if name == "grade":
        score_by_every_examiner(project)
    if name == "record_proposal_seminar":
        score_proposal_by_every_examiner(project)
    if persona in allowed:
        log = run_transition(
            project=project, by=user, name=name, comment="Alasan tercatat.", arguments=arguments
        )
        project.refresh_from_db()
        assert project.state == target
        assert (log.from_state, log.to_state, log.actor, log.transition) == (
            source,
            target,
            user,
            name,
        )
        assert log.role == persona
        assert TransitionLog.objects.filter(project=project).count() == 1
    else:
        with pytest.raises(Forbidden):
            run_transition(
                project=project, by=user, name=name, comment="Alasan.", arguments=arguments
            )
        project.refresh_from_db()
        assert project.state == source
        assert not TransitionLog.objects.filter(project=project).exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_transition_from_a_wrong_state_is_refused_and_changes_nothing(world, name):
    source, allowed, arguments, _target = CASES[name]
    wrong = S.COMPLETED if source != S.COMPLETED else S.DRAFT
    project = _project_in(world, wrong)
    user = world.persona(sorted(allowed)[0])
    with pytest.raises(Stale):
        run_transition(project=project, by=user, name=name, comment="x", arguments=arguments)
    project.refresh_from_db()
    assert project.state == wrong
    assert not TransitionLog.objects.filter(project=project).exists()


@pytest.mark.parametrize("name", ["return_proposal", "return_report", "withdraw"])
def test_comment_is_required(world, name):
    source, allowed, arguments, _target = CASES[name]
    project = _project_in(world, source)
    with pytest.raises(Refused, match="Komentar wajib diisi"):
        run_transition(
            project=project, by=world.persona(sorted(allowed)[0]), name=name, comment=" "
        )
    project.refresh_from_db()
    assert project.state == source


def test_incomplete_proposal_cannot_be_submitted(world):
    project = _project_in(world, S.DRAFT, goal_short_term="", mentor=None)
    with pytest.raises(Refused) as refused:
        run_transition(project=project, by=world.participant, name="submit_proposal")
    assert "tujuan jangka pendek" in str(refused.value.message)
    assert "mentor" in str(refused.value.message)
    project.refresh_from_db()
    assert project.state == S.DRAFT


def test_resubmission_after_the_deferral_deadline_is_refused(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    project = _project_in(world, S.DEFERRED, deferral_deadline=yesterday)
    with pytest.raises(Refused, match="Batas waktu"):
        run_transition(project=project, by=world.participant, name="resubmit")


def test_withdrawal_is_possible_from_every_non_final_state_only(world):
    for state in S:
        project = _project_in(world, state, participant=UserFactory())
        if state in ChangeProject.FINAL_STATES:
            with pytest.raises(Stale):
                run_transition(project=project, by=world.organiser, name="withdraw", comment="x")
        else:
            run_transition(project=project, by=world.organiser, name="withdraw", comment="x")
            project.refresh_from_db()
            assert project.state == S.WITHDRAWN


def test_stale_attempt_names_the_new_state_and_who_moved_it(world):
    project = _project_in(world, S.PROPOSAL_REVIEW)
    run_transition(project=project, by=world.coach, name="return_proposal", comment="Perbaiki.")
    with pytest.raises(Stale) as stale:
        run_transition(
            project=project,
            by=world.mentor,
            name="return_proposal",
            comment="Saya juga.",
            expected_state=S.PROPOSAL_REVIEW,
        )
    assert "Draf" in str(stale.value.message)
    assert world.coach.full_name in str(stale.value.message)
    assert TransitionLog.objects.filter(project=project).count() == 1


def test_proposal_seminar_revision_outcome(world):
    project = _project_in(world, S.PROPOSAL_SEMINAR)
    score_proposal_by_every_examiner(project, percent=40, decision="rejected")
    run_transition(
        project=project, by=world.examiner, name="record_proposal_seminar", arguments=("rejected",)
    )
    project.refresh_from_db()
    assert project.state == S.PROPOSAL_REVISION


def test_grade_deferred_sets_the_deadline_and_passing_clears_it(world):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    project = _project_in(world, S.RESULTS_SEMINAR)
    score_by_every_examiner(project, percent=65)
    run_transition(
        project=project, by=world.examiner, name="grade", arguments=(S.DEFERRED, deadline)
    )
    project.refresh_from_db()
    assert (project.state, project.deferral_deadline) == (S.DEFERRED, deadline)
    run_transition(project=project, by=world.participant, name="resubmit")
    with pytest.raises(Refused, match="Nilai belum lengkap"):
        run_transition(project=project, by=world.examiner, name="grade", arguments=(S.PASSED,))
    score_by_every_examiner(project, percent=90)
    run_transition(project=project, by=world.examiner, name="grade", arguments=(S.PASSED, None))
    project.refresh_from_db()
    assert (project.state, project.deferral_deadline) == (S.PASSED, None)


def test_grade_waits_for_every_examiner(world):
    project = _project_in(world, S.RESULTS_SEMINAR)
    seminar = project.seminars.get(kind=Seminar.Kind.RESULTS)
    late = UserFactory()
    seminar.examiners.add(late)
    from tests.mentoring.conftest import fill_scores

    fill_scores(seminar, project, world.examiner, 90)
    with pytest.raises(Refused, match="Nilai belum lengkap"):
        run_transition(project=project, by=world.examiner, name="grade", arguments=(S.PASSED,))
    fill_scores(seminar, project, late, 80)
    run_transition(project=project, by=world.examiner, name="grade", arguments=(S.PASSED,))
    project.refresh_from_db()
    assert project.state == S.PASSED


def test_examiner_of_another_kind_of_seminar_cannot_grade(world):
    project = _project_in(world, S.RESULTS_SEMINAR)
    project.seminars.filter(kind=Seminar.Kind.RESULTS).delete()
    with pytest.raises(Forbidden):
        run_transition(project=project, by=world.examiner, name="grade", arguments=(S.PASSED,))


def test_log_rows_cannot_be_changed_or_deleted(world):
    project = _project_in(world, S.DRAFT)
    log = run_transition(project=project, by=world.participant, name="submit_proposal")
    log.comment = "diubah"
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        log.delete()
    with pytest.raises(PermissionError):
        TransitionLog.objects.filter(pk=log.pk).update(comment="diubah")
    with pytest.raises(PermissionError):
        TransitionLog.objects.filter(pk=log.pk).delete()
    assert TransitionLog.objects.get(pk=log.pk).comment == ""


def test_acting_role_is_recorded_for_a_person_with_two_relations(world):
    project = _project_in(world, S.PROPOSAL_REVIEW, mentor=world.coach)
    log = run_transition(project=project, by=world.coach, name="return_proposal", comment="x")
    assert log.role == Role.COACH
