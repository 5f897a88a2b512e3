"""The rest of the workflow through the API: sign-offs, seminar results, grades, the impact
conclusion and the organiser's deferral decisions, each with the page's service and words."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from api.models import ApiToken
from mentoring.models import ImpactConclusion, ProposalSeminarResult, SeminarGrade, SignOff
from tests.factories import SeminarFactory, UserFactory
from tests.mentoring.conftest import fill_scores, score_proposal
from tests.mentoring.impact import final_round_settled
from tests.milestones.factories import complete_plan, put_project_in
from tracker.models import ChangeProject, PoolExaminer, Role, Seminar, TransitionLog, User
from tracker.services import run_transition

S = ChangeProject.State
TODAY = datetime.datetime(2027, 1, 7, 10, 0, tzinfo=datetime.UTC)


def _transition(client, project, headers, **body):
    return client.post(
        f"/api/v1/projects/{project.pk}/transitions",
        body,
        content_type="application/json",
        headers=headers,
    )


def _state(project) -> str:
    project.refresh_from_db()
    return project.state


# --- sign-offs ----------------------------------------------------------------------------------


@pytest.fixture
def submitted(world) -> ChangeProject:
    """The world's project, complete and submitted for proposal review."""
    project = world.project
    ChangeProject.objects.filter(pk=project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    project.refresh_from_db()
    complete_plan(project)
    run_transition(project=project, by=world.participant, name="submit_proposal")
    return project


def _approve(client, project, headers, name="approve_proposal", expected="proposal_review"):
    return _transition(client, project, headers, name=name, expected_state=expected)


def test_the_first_signoff_is_recorded_and_waits_for_the_other(client, world, bearer, submitted):
    response = _approve(client, submitted, bearer(world.coach))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == S.PROPOSAL_REVIEW
    assert body["transition"] is None
    assert body["signoff"]["role"] == Role.COACH
    assert body["signoff"]["signer"]["id"] == world.coach.pk
    signoff = SignOff.objects.get(project=submitted)
    assert (signoff.signer, signoff.stage) == (world.coach, SignOff.Stage.PROPOSAL)
    assert _state(submitted) == S.PROPOSAL_REVIEW


def test_the_second_signoff_moves_the_project_to_its_seminar(client, world, bearer, submitted):
    assert _approve(client, submitted, bearer(world.mentor)).status_code == 200
    response = _approve(client, submitted, bearer(world.coach))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == S.PROPOSAL_SEMINAR
    assert body["transition"]["transition"] == "approve_proposal"
    assert body["transition"]["actor"]["id"] == world.coach.pk
    assert _state(submitted) == S.PROPOSAL_SEMINAR
    log = TransitionLog.objects.get(project=submitted, transition="approve_proposal")
    assert (log.actor, log.role) == (world.coach, Role.COACH)


def test_signing_twice_is_refused_in_the_pages_words(client, world, bearer, submitted):
    headers = bearer(world.coach)
    _approve(client, submitted, headers)
    response = _approve(client, submitted, headers)
    assert response.status_code == 400
    assert response.json()["detail"] == "Anda sudah menyetujui pengajuan ini."
    assert SignOff.objects.filter(project=submitted).count() == 1


def test_a_signoff_of_a_project_that_moved_on_gets_409(client, world, bearer, submitted):
    response = _approve(client, submitted, bearer(world.coach), expected="draft")
    assert response.status_code == 409
    assert not SignOff.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coach", 200),
        ("mentor", 200),
        ("participant", 403),
        ("examiner", 403),
        ("organiser", 403),
        ("agency_head", 403),
        ("admin", 403),
        ("other_participant", 404),
        ("stranger", 404),
    ],
)
def test_who_may_sign_off_through_the_api(client, world, bearer, submitted, persona, status):
    response = _approve(client, submitted, bearer(world.persona(persona)))
    assert response.status_code == status
    assert SignOff.objects.filter(project=submitted).count() == (status == 200)
    if status == 403:
        assert (
            response.json()["detail"] == "Hanya coach dan mentor proyek ini yang dapat menyetujui."
        )


def test_a_read_only_token_cannot_sign(client, world, bearer, submitted):
    response = _approve(client, submitted, bearer(world.coach, ApiToken.Scope.READ))
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_the_report_is_approved_by_both_then_goes_to_its_seminar(client, world, bearer):
    complete_plan(world.project)
    put_project_in(world.project, S.IMPLEMENTATION)
    run_transition(project=world.project, by=world.participant, name="submit_report")
    for persona in ("coach", "mentor"):
        response = _approve(
            client,
            world.project,
            bearer(world.persona(persona)),
            name="approve_report",
            expected="report_review",
        )
        assert response.status_code == 200, response.json()
    assert _state(world.project) == S.RESULTS_SEMINAR


def test_returning_the_proposal_needs_the_comment(client, world, bearer, submitted):
    headers = bearer(world.mentor)
    missing = _transition(
        client, submitted, headers, name="return_proposal", expected_state="proposal_review"
    )
    assert missing.status_code == 400
    assert missing.json()["detail"] == "Komentar wajib diisi untuk tindakan ini."
    done = _transition(
        client,
        submitted,
        headers,
        name="return_proposal",
        expected_state="proposal_review",
        comment="Perjelas pemangku kepentingan.",
    )
    assert done.status_code == 200
    assert _state(submitted) == S.DRAFT


# --- the proposal seminar's result ------------------------------------------------------------


@pytest.fixture
def proposal_seminar(world) -> Seminar:
    put_project_in(world.project, S.PROPOSAL_SEMINAR)
    return Seminar.objects.get(projects=world.project)


def _result(client, world, seminar, headers, **body):
    return _transition(
        client,
        world.project,
        headers,
        name="record_proposal_seminar",
        expected_state="proposal_seminar",
        seminar=seminar.pk,
        **body,
    )


def test_the_examiner_records_the_combined_decision(client, world, bearer, proposal_seminar):
    score_proposal(proposal_seminar, world.project, world.examiner, decision="accepted")
    response = _result(client, world, proposal_seminar, bearer(world.examiner))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == S.IMPLEMENTATION
    assert (body["proposal_result"]["decision"], body["proposal_result"]["accepted"]) == (
        "accepted",
        True,
    )
    assert body["transition"]["transition"] == "record_proposal_seminar"
    result = ProposalSeminarResult.objects.get(project=world.project)
    assert (result.examiner, result.seminar, result.decision) == (
        world.examiner,
        proposal_seminar,
        "accepted",
    )
    assert _state(world.project) == S.IMPLEMENTATION


def test_a_rejection_sends_the_proposal_back_with_its_revisions(
    client, world, bearer, proposal_seminar
):
    score_proposal(proposal_seminar, world.project, world.examiner, 40, decision="rejected")
    response = _result(
        client, world, proposal_seminar, bearer(world.examiner), comment="Perbaiki tonggak."
    )
    assert response.status_code == 200, response.json()
    assert response.json()["proposal_result"]["decision"] == "rejected"
    assert _state(world.project) == S.PROPOSAL_REVISION


def test_no_decision_before_every_examiner_scored(client, world, bearer, proposal_seminar):
    response = _result(client, world, proposal_seminar, bearer(world.examiner))
    assert response.status_code == 400
    assert "menilai" in response.json()["detail"]
    assert not ProposalSeminarResult.objects.exists()
    assert _state(world.project) == S.PROPOSAL_SEMINAR


def test_the_seminar_must_be_given(client, world, bearer, proposal_seminar):
    score_proposal(proposal_seminar, world.project, world.examiner)
    no_seminar = _transition(
        client,
        world.project,
        bearer(world.examiner),
        name="record_proposal_seminar",
        expected_state="proposal_seminar",
    )
    assert no_seminar.status_code == 400
    assert "seminar" in no_seminar.json()["detail"]
    assert _state(world.project) == S.PROPOSAL_SEMINAR


def test_a_seminar_the_examiner_does_not_sit_on_is_not_found(
    client, world, bearer, proposal_seminar
):
    elsewhere = SeminarFactory(cohort=world.cohort)
    elsewhere.projects.add(world.project)
    response = _result(client, world, elsewhere, bearer(world.examiner))
    assert response.status_code == 404
    assert _state(world.project) == S.PROPOSAL_SEMINAR


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("examiner", 200),
        ("participant", 403),
        ("coach", 403),
        ("mentor", 403),
        ("organiser", 403),
        ("admin", 403),
        ("other_participant", 404),
        ("stranger", 404),
    ],
)
def test_who_may_record_the_proposal_result(
    client, world, bearer, proposal_seminar, persona, status
):
    score_proposal(proposal_seminar, world.project, world.examiner)
    response = _result(client, world, proposal_seminar, bearer(world.persona(persona)))
    assert response.status_code == status
    assert ProposalSeminarResult.objects.filter(project=world.project).count() == (status == 200)


def test_a_stale_proposal_result_gets_409(client, world, bearer, proposal_seminar):
    headers = bearer(world.examiner)
    score_proposal(proposal_seminar, world.project, world.examiner)
    _result(client, world, proposal_seminar, headers)
    again = _result(client, world, proposal_seminar, headers)
    assert again.status_code == 409
    assert ProposalSeminarResult.objects.count() == 1


# --- the results seminar's grade --------------------------------------------------------------


@pytest.fixture
def second_examiner(world) -> User:
    examiner = UserFactory(username="examiner2", full_name="Dewi Penguji Kedua")
    PoolExaminer.objects.create(institution=world.cohort.institution, person=examiner)
    return examiner


@pytest.fixture
def results_seminar(world, second_examiner) -> Seminar:
    """A results seminar of the world's cohort, two examiners, the project waiting on it."""
    put_project_in(world.project, S.RESULTS_SEMINAR)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner, second_examiner)
    seminar.projects.add(world.project)
    return seminar


@pytest.fixture
def scored(world, results_seminar, second_examiner):
    def score(first, second):
        fill_scores(results_seminar, world.project, world.examiner, first)
        fill_scores(results_seminar, world.project, second_examiner, second)

    return score


def _grade(client, world, seminar, headers, **body):
    return _transition(
        client,
        world.project,
        headers,
        name="grade",
        expected_state="results_seminar",
        seminar=seminar.pk,
        **body,
    )


@time_machine.travel(TODAY, tick=False)
def test_the_examiner_grades_a_fully_scored_project(client, world, bearer, results_seminar, scored):
    scored(80, 90)
    response = _grade(client, world, results_seminar, bearer(world.examiner))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == S.PASSED
    assert body["grade"]["outcome"] == SeminarGrade.Outcome.PASSED
    assert body["grade"]["predikat"] == "Memuaskan"
    grade = SeminarGrade.objects.get(project=world.project)
    assert (grade.decided_by, grade.score) == (world.examiner, 85)
    assert _state(world.project) == S.PASSED


def test_grading_before_every_examiner_scored_is_refused(client, world, bearer, results_seminar):
    fill_scores(results_seminar, world.project, world.examiner, 90)
    response = _grade(client, world, results_seminar, bearer(world.examiner))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Nilai belum lengkap: Dewi Penguji Kedua")
    assert not SeminarGrade.objects.exists()
    assert _state(world.project) == S.RESULTS_SEMINAR


@time_machine.travel(TODAY, tick=False)
def test_failing_needs_a_reason_as_on_the_page(client, world, bearer, results_seminar, scored):
    scored(80, 90)
    headers = bearer(world.examiner)
    response = _grade(client, world, results_seminar, headers, fail=True)
    assert response.status_code == 400
    assert response.json()["detail"] == "Alasan wajib diisi bila proyek dinyatakan tidak lulus."
    done = _grade(client, world, results_seminar, headers, fail=True, comment="Plagiat.")
    assert done.status_code == 200
    assert _state(world.project) == S.FAILED


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("examiner", 200),
        ("participant", 403),
        ("coach", 403),
        ("mentor", 403),
        ("organiser", 403),
        ("other_participant", 404),
        ("stranger", 404),
    ],
)
def test_who_may_grade(client, world, bearer, results_seminar, scored, persona, status):
    scored(80, 90)
    response = _grade(client, world, results_seminar, bearer(world.persona(persona)))
    assert response.status_code == status
    assert SeminarGrade.objects.filter(project=world.project).count() == (status == 200)


# --- the impact review's conclusion -----------------------------------------------------------


@pytest.fixture
def monitoring(world) -> ChangeProject:
    put_project_in(world.project, S.MONITORING)
    final_round_settled(world.project)
    return world.project


def _conclude(client, project, headers, **body):
    return _transition(
        client,
        project,
        headers,
        name="complete_impact_review",
        expected_state="monitoring",
        **{
            "outcome": "partly",
            "barriers": ["funds", "rotation"],
            "summary": "Layanan daring berjalan di dua dari lima puskesmas.",
            **body,
        },
    )


def test_the_organiser_completes_the_review_with_its_conclusion(client, world, bearer, monitoring):
    response = _conclude(client, monitoring, bearer(world.organiser))
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == S.COMPLETED
    conclusion = ImpactConclusion.objects.get(project=monitoring)
    assert (conclusion.outcome, conclusion.barriers, conclusion.written_by) == (
        "partly",
        ["rotation", "funds"],
        world.organiser,
    )
    log = TransitionLog.objects.get(project=monitoring, transition="complete_impact_review")
    assert log.comment.startswith("Berkelanjutan sebagian. Hambatan:")
    assert response.json()["transition"]["comment"] == log.comment


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"outcome": ""}, "Pilih kesimpulan evaluasi dampak."),
        ({"outcome": "maybe"}, "maybe"),
        ({"summary": ""}, "Tulis ringkasan kesimpulan evaluasi dampak."),
        ({"summary": "x" * 2001}, "2000"),
        ({"barriers": ["weather"]}, "weather"),
    ],
)
def test_the_conclusion_is_checked_like_the_pages_form(
    client, world, bearer, monitoring, body, message
):
    response = _conclude(client, monitoring, bearer(world.organiser), **body)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ImpactConclusion.objects.exists()
    assert _state(monitoring) == S.MONITORING


def test_the_review_waits_for_the_final_round(client, world, bearer):
    put_project_in(world.project, S.MONITORING)
    response = _conclude(client, world.project, bearer(world.organiser))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Belum ada putaran survei pascapelatihan akhir")
    assert _state(world.project) == S.MONITORING


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 200),
        ("participant", 403),
        ("mentor", 403),
        ("coach", 403),
        ("agency_head", 403),
        ("admin", 403),
        ("other_participant", 404),
        ("stranger", 404),
    ],
)
def test_who_may_complete_the_review(client, world, bearer, monitoring, persona, status):
    response = _conclude(client, monitoring, bearer(world.persona(persona)))
    assert response.status_code == status
    assert ImpactConclusion.objects.filter(project=monitoring).count() == (status == 200)


def test_a_cohort_token_completes_the_review_of_its_cohort(client, world, bearer, monitoring):
    headers = bearer(world.organiser, cohort=world.cohort)
    assert _conclude(client, monitoring, headers).status_code == 200


# --- the organiser's decisions after a deferral ----------------------------------------------


def test_the_organiser_records_the_remedial_exam_through_the_api(client, world, bearer):
    put_project_in(world.project, S.REMEDIAL_EXAM)
    headers = bearer(world.organiser)
    missing = _transition(
        client, world.project, headers, name="fail_remedial_exam", expected_state="remedial_exam"
    )
    assert missing.status_code == 400
    assert missing.json()["detail"] == (
        "Catatan hasil ujian susulan wajib diisi untuk tindakan ini."
    )
    passed = _transition(
        client,
        world.project,
        headers,
        name="pass_remedial_exam",
        expected_state="remedial_exam",
        comment="Lulus ujian susulan.",
    )
    assert passed.status_code == 200, passed.json()
    assert _state(world.project) == S.PASSED


def test_the_project_offers_the_sign_off_to_coach_and_mentor(client, world, bearer, submitted):
    response = client.get(f"/api/v1/projects/{submitted.pk}", headers=bearer(world.coach))
    assert "approve_proposal" in response.json()["transitions_available"]
    response = client.get(f"/api/v1/projects/{submitted.pk}", headers=bearer(world.participant))
    assert "approve_proposal" not in response.json()["transitions_available"]


@pytest.mark.parametrize(
    ("persona", "name", "state"),
    [
        ("coach", "approve_report", "report_review"),
        ("examiner", "record_proposal_seminar", "proposal_seminar"),
        ("examiner", "grade", "results_seminar"),
        ("organiser", "complete_impact_review", "monitoring"),
        ("organiser", "pass_remedial_exam", "remedial_exam"),
        ("organiser", "lapse_deferral", "deferred"),
    ],
)
def test_a_read_only_token_runs_no_action(client, world, bearer, persona, name, state):
    put_project_in(world.project, state)
    response = _transition(
        client,
        world.project,
        bearer(world.persona(persona), ApiToken.Scope.READ),
        name=name,
        expected_state=state,
        seminar=Seminar.objects.get(projects=world.project).pk,
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Token ini hanya untuk membaca")
    assert _state(world.project) == state
    assert not TransitionLog.objects.filter(project=world.project).exists()


def test_a_cohort_token_of_another_cohort_does_not_reach_the_project(
    client, world, bearer, monitoring
):
    from tests.factories import CohortFactory

    elsewhere = CohortFactory()
    elsewhere.organisers.add(world.organiser)
    response = _conclude(client, monitoring, bearer(world.organiser, cohort=elsewhere))
    assert response.status_code == 404
    assert _state(monitoring) == S.MONITORING
