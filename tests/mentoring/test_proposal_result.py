"""The proposal seminar's combined decision, recorded by an examiner once every sheet is in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mentoring.models import DecisionRule, ProposalSeminarResult, RevisionItem, Rubric
from mentoring.selectors import rubric_for
from mentoring.services import seminar_record_proposal_result
from tests.factories import CohortFactory, SeminarFactory
from tests.mentoring.conftest import score_proposal
from tracker.models import ChangeProject, ProposalDecision, TransitionLog
from tracker.services import run_transition
from tracker.workflow import Refused

S = ChangeProject.State


def _url(seminar, project) -> str:
    return reverse("mentoring:record-proposal-result", args=[seminar.pk, project.pk])


def _post(client, seminar, project, **data):
    payload = {"notes": "", "expected_state": S.PROPOSAL_SEMINAR}
    return client.post(_url(seminar, project), {**payload, **data})


def _unchanged(project) -> None:
    project.refresh_from_db()
    assert project.state == S.PROPOSAL_SEMINAR
    assert not ProposalSeminarResult.objects.exists()
    assert not TransitionLog.objects.filter(project=project).exists()


@pytest.fixture
def two_examiners(world, proposal_seminar, second_examiner):
    proposal_seminar.examiners.add(second_examiner)
    return proposal_seminar


def test_the_decision_waits_for_every_examiner(client, world, two_examiners):
    score_proposal(two_examiners, world.project, world.examiner, 90)
    client.force_login(world.examiner)
    page = client.get(_url(two_examiners, world.project)).content.decode()
    assert "Dewi Penguji Kedua belum mengisi semua kriteria dan keputusannya" in page
    assert "Catat hasil seminar</button>" not in page
    response = _post(client, two_examiners, world.project)
    assert response.status_code == 400
    _unchanged(world.project)


def test_the_transition_itself_refuses_an_unscored_seminar(world, two_examiners):
    score_proposal(two_examiners, world.project, world.examiner, 90)
    with pytest.raises(Refused) as refused:
        run_transition(
            project=world.project,
            by=world.examiner,
            name="record_proposal_seminar",
            arguments=(ProposalDecision.ACCEPTED,),
        )
    assert "Dewi Penguji Kedua" in str(refused.value.message)
    _unchanged(world.project)


def test_mean_above_the_threshold_accepts_and_implementation_starts(
    client, world, two_examiners, second_examiner, mailoutbox, run_tasks
):
    score_proposal(two_examiners, world.project, world.examiner, 90)
    score_proposal(two_examiners, world.project, second_examiner, 70, "revision")
    client.force_login(world.examiner)
    response = _post(client, two_examiners, world.project, notes="Rancangan kuat.")
    run_tasks()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:seminar-detail", args=[two_examiners.pk])
    world.project.refresh_from_db()
    assert world.project.state == S.IMPLEMENTATION
    result = ProposalSeminarResult.objects.get()
    assert (result.decision, result.score, result.accepted) == ("accepted", Decimal(80), True)
    assert "diterima bila ≥ 80" in result.rule
    assert result.notes == "Rancangan kuat."
    assert not result.needs_commitment
    log = TransitionLog.objects.get(project=world.project)
    assert (log.transition, log.to_state, log.role) == (
        "record_proposal_seminar",
        S.IMPLEMENTATION,
        "examiner",
    )
    assert world.participant.email in [mail.to[0] for mail in mailoutbox]


def test_mean_between_thresholds_accepts_with_revision(world, two_examiners, second_examiner):
    score_proposal(two_examiners, world.project, world.examiner, 79.99, "accepted")
    score_proposal(two_examiners, world.project, second_examiner, 79.99, "accepted")
    result = seminar_record_proposal_result(
        seminar=two_examiners, project=world.project, by=world.examiner
    )
    assert (result.decision, result.score) == ("revision", Decimal("79.99"))
    assert result.needs_commitment
    world.project.refresh_from_db()
    assert world.project.state == S.IMPLEMENTATION


def test_mean_below_the_revision_threshold_rejects(world, two_examiners, second_examiner):
    score_proposal(two_examiners, world.project, world.examiner, 60, "revision")
    score_proposal(two_examiners, world.project, second_examiner, 59.98, "revision")
    result = seminar_record_proposal_result(
        seminar=two_examiners, project=world.project, by=world.examiner
    )
    assert (result.decision, result.score, result.accepted) == ("rejected", Decimal("59.99"), False)
    world.project.refresh_from_db()
    assert world.project.state == S.PROPOSAL_REVISION


def test_the_rule_is_the_rubrics_data(world, two_examiners, second_examiner):
    rubric = rubric_for(two_examiners)
    Rubric.objects.filter(pk=rubric.pk).update(decision_rule=DecisionRule.STRICTEST)
    score_proposal(two_examiners, world.project, world.examiner, 95, "accepted")
    score_proposal(two_examiners, world.project, second_examiner, 95, "revision")
    result = seminar_record_proposal_result(
        seminar=two_examiners, project=world.project, by=world.examiner
    )
    assert result.decision == "revision"
    assert result.rule == "Keputusan penguji yang paling ketat"


def test_the_proposal_rubric_is_not_the_results_rubric(world, proposal_seminar):
    rubric = rubric_for(proposal_seminar)
    assert rubric.kind == "proposal"
    assert [c.name for c in rubric.criteria.all()] == [
        "Kesesuaian dengan kebutuhan organisasi yang adaptif",
        "Terobosan inovatif dan jangkauan manfaat",
        "Tahapan dan strategi perubahan",
        "Strategi pemangku kepentingan (peta dan sumber daya)",
        "Rencana pengembangan kompetensi",
    ]


def test_a_decision_without_revisions_is_refused(world, proposal_seminar):
    with pytest.raises(Refused) as refused:
        score_proposal(proposal_seminar, world.project, world.examiner, 70, "revision", [" "])
    assert "Tulis perbaikan yang Anda minta" in str(refused.value.message)
    assert not RevisionItem.objects.exists()


def test_a_second_decision_on_a_moved_project_is_stale(client, world, proposal_seminar):
    score_proposal(proposal_seminar, world.project, world.examiner, 85)
    client.force_login(world.examiner)
    _post(client, proposal_seminar, world.project)
    response = _post(client, proposal_seminar, world.project, notes="Terlambat")
    assert response.status_code == 409
    assert "sudah memindahkan proyek ini" in response.content.decode()
    assert ProposalSeminarResult.objects.count() == 1
    assert TransitionLog.objects.filter(project=world.project).count() == 1


def test_project_not_waiting_shows_no_form(client, world, proposal_seminar):
    score_proposal(proposal_seminar, world.project, world.examiner, 85)
    client.force_login(world.examiner)
    _post(client, proposal_seminar, world.project)
    page = client.get(_url(proposal_seminar, world.project)).content.decode()
    assert "tidak sedang menunggu hasil seminar rancangan" in page
    assert "Diterima" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 403),
        ("admin", 403),
        ("participant", 404),
        ("coach", 404),
        ("mentor", 404),
        ("agency_head", 404),
        ("stranger", 404),
    ],
)
def test_only_an_examiner_of_this_seminar_may_record(
    client, world, proposal_seminar, persona, status
):
    score_proposal(proposal_seminar, world.project, world.examiner, 85)
    client.force_login(world.persona(persona))
    assert _post(client, proposal_seminar, world.project).status_code == status
    _unchanged(world.project)


def test_examiner_of_another_seminar_gets_404(client, world, proposal_seminar, second_examiner):
    other = SeminarFactory(cohort=world.cohort)
    other.examiners.add(second_examiner)
    client.force_login(second_examiner)
    assert _post(client, proposal_seminar, world.project).status_code == 404
    _unchanged(world.project)


def test_another_institutions_seminar_is_404(client, world, proposal_seminar):
    theirs = SeminarFactory(cohort=CohortFactory(institution="Pusdiklat Lain"))
    theirs.projects.add(world.project)
    client.force_login(world.examiner)
    assert _post(client, theirs, world.project).status_code == 404
    score = reverse("mentoring:score-project", args=[theirs.pk, world.project.pk])
    assert client.get(score).status_code == 404


def test_a_project_not_on_the_seminar_is_404(client, world, proposal_seminar):
    client.force_login(world.examiner)
    assert _post(client, proposal_seminar, world.other_project).status_code == 404


def test_results_seminar_has_no_proposal_outcome(client, world, results_seminar):
    client.force_login(world.examiner)
    assert client.get(_url(results_seminar, world.project)).status_code == 404


def test_htmx_gets_the_fragment_with_the_outcome(client, world, proposal_seminar):
    score_proposal(proposal_seminar, world.project, world.examiner, 85)
    client.force_login(world.examiner)
    response = client.post(
        _url(proposal_seminar, world.project),
        {"notes": "", "expected_state": S.PROPOSAL_SEMINAR},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="proposal-result"')
    assert "Hasil seminar rancangan tercatat: Diterima" in page
    assert "<html" not in page


def test_htmx_refusal_travels_in_the_fragment(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = client.post(
        _url(proposal_seminar, world.project),
        {"notes": "", "expected_state": S.PROPOSAL_SEMINAR},
        headers={"HX-Request": "true"},
    )
    assert "belum mengisi semua kriteria dan keputusannya" in response.content.decode()
    _unchanged(world.project)
