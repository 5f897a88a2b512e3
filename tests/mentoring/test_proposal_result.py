from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import ProposalSeminarResult
from tests.factories import SeminarFactory
from tracker.models import ChangeProject, TransitionLog

S = ChangeProject.State


def _url(seminar, project) -> str:
    return reverse("mentoring:record-proposal-result", args=[seminar.pk, project.pk])


def _post(client, seminar, project, **data):
    payload = {"decision": "accepted", "notes": "", "expected_state": S.PROPOSAL_SEMINAR}
    return client.post(_url(seminar, project), {**payload, **data})


def _unchanged(project) -> None:
    project.refresh_from_db()
    assert project.state == S.PROPOSAL_SEMINAR
    assert not ProposalSeminarResult.objects.exists()
    assert not TransitionLog.objects.filter(project=project).exists()


def test_examiner_sees_the_form(client, world, proposal_seminar):
    client.force_login(world.examiner)
    page = client.get(_url(proposal_seminar, world.project)).content.decode()
    assert "Catat hasil seminar" in page
    assert 'value="revise"' in page


def test_examiner_accepts_the_proposal_and_implementation_starts(
    client, world, proposal_seminar, mailoutbox, run_tasks
):
    client.force_login(world.examiner)
    response = _post(client, proposal_seminar, world.project, notes="Rancangan kuat.")
    run_tasks()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:seminar-detail", args=[proposal_seminar.pk])
    world.project.refresh_from_db()
    assert world.project.state == S.IMPLEMENTATION
    result = ProposalSeminarResult.objects.get()
    assert (result.seminar, result.examiner, result.accepted) == (
        proposal_seminar,
        world.examiner,
        True,
    )
    assert result.notes == "Rancangan kuat."
    log = TransitionLog.objects.get(project=world.project)
    assert (log.transition, log.to_state, log.role) == (
        "record_proposal_seminar",
        S.IMPLEMENTATION,
        "examiner",
    )
    assert log.comment == "Rancangan kuat."
    assert world.participant.email in [mail.to[0] for mail in mailoutbox]


def test_examiner_sends_the_proposal_back_for_revision_with_notes(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = _post(
        client, proposal_seminar, world.project, decision="revise", notes="Perjelas indikator."
    )
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.PROPOSAL_REVISION
    assert ProposalSeminarResult.objects.get().accepted is False


def test_revise_without_notes_is_refused_and_changes_nothing(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = _post(client, proposal_seminar, world.project, decision="revise", notes="  ")
    assert response.status_code == 400
    assert "Catatan wajib diisi bila rancangan perlu direvisi." in response.content.decode()
    _unchanged(world.project)


def test_missing_decision_is_refused(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = _post(client, proposal_seminar, world.project, decision="")
    assert response.status_code == 400
    assert "Pilih keputusan" in response.content.decode()
    _unchanged(world.project)


def test_a_second_decision_on_a_moved_project_is_stale(client, world, proposal_seminar):
    client.force_login(world.examiner)
    _post(client, proposal_seminar, world.project)
    response = _post(client, proposal_seminar, world.project, decision="revise", notes="Terlambat")
    assert response.status_code == 409
    assert "sudah memindahkan proyek ini" in response.content.decode()
    assert ProposalSeminarResult.objects.count() == 1
    assert TransitionLog.objects.filter(project=world.project).count() == 1


def test_project_not_waiting_shows_no_form(client, world, proposal_seminar):
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
    client.force_login(world.persona(persona))
    assert _post(client, proposal_seminar, world.project).status_code == status
    _unchanged(world.project)


def test_examiner_of_another_seminar_gets_404(client, world, proposal_seminar, second_examiner):
    other = SeminarFactory(cohort=world.cohort)
    other.examiners.add(second_examiner)
    client.force_login(second_examiner)
    assert _post(client, proposal_seminar, world.project).status_code == 404
    _unchanged(world.project)


def test_a_project_not_on_the_seminar_is_404(client, world, proposal_seminar):
    client.force_login(world.examiner)
    assert _post(client, proposal_seminar, world.other_project).status_code == 404


def test_results_seminar_has_no_proposal_outcome(client, world, results_seminar):
    client.force_login(world.examiner)
    assert client.get(_url(results_seminar, world.project)).status_code == 404


def test_htmx_gets_the_fragment_with_the_outcome(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = client.post(
        _url(proposal_seminar, world.project),
        {"decision": "accepted", "notes": "", "expected_state": S.PROPOSAL_SEMINAR},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="proposal-result"')
    assert "Hasil seminar rancangan tercatat" in page
    assert "<html" not in page


def test_htmx_refusal_travels_in_the_fragment(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = client.post(
        _url(proposal_seminar, world.project),
        {"decision": "revise", "notes": "", "expected_state": S.PROPOSAL_SEMINAR},
        headers={"HX-Request": "true"},
    )
    assert "Catatan wajib diisi" in response.content.decode()
    _unchanged(world.project)
