"""An examiner's sheet at the proposal seminar: scores, their own decision, the revisions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mentoring.models import ProposalReview, RevisionItem, RubricScore
from mentoring.selectors import rubric_for
from tracker.models import ChangeProject

S = ChangeProject.State


def _url(seminar, project) -> str:
    return reverse("mentoring:score-project", args=[seminar.pk, project.pk])


def _data(seminar, value="80", **overrides) -> dict:
    data = {f"criterion_{c.pk}": value for c in rubric_for(seminar).criteria.all()}
    data.update({"decision": "revision", "revisions": "Perjelas indikator.\n\nTambah peta."})
    data.update(overrides)
    return data


def test_examiner_sees_the_proposal_sheet_with_the_rule(client, world, proposal_seminar):
    client.force_login(world.examiner)
    page = client.get(_url(proposal_seminar, world.project)).content.decode()
    assert "Diterima dengan perbaikan" in page
    assert "Perbaikan yang diminta, satu per baris" in page
    assert "Rata-rata nilai penguji: diterima bila ≥ 80" in page
    assert "nilai bawaan, dapat diubah penyelenggara" in page


def test_examiner_scores_decides_and_lists_revisions(client, world, proposal_seminar):
    client.force_login(world.examiner)
    response = client.post(_url(proposal_seminar, world.project), _data(proposal_seminar, "75"))
    assert response.status_code == 302
    scores = RubricScore.objects.filter(seminar=proposal_seminar, examiner=world.examiner)
    assert {score.score for score in scores} == {Decimal(75)}
    assert ProposalReview.objects.get().decision == "revision"
    assert list(RevisionItem.objects.values_list("text", flat=True)) == [
        "Perjelas indikator.",
        "Tambah peta.",
    ]
    world.project.refresh_from_db()
    assert world.project.state == S.PROPOSAL_SEMINAR  # the decision is recorded separately


def test_correcting_the_sheet_replaces_its_revisions(client, world, proposal_seminar):
    client.force_login(world.examiner)
    client.post(_url(proposal_seminar, world.project), _data(proposal_seminar))
    client.post(
        _url(proposal_seminar, world.project),
        _data(proposal_seminar, "90", decision="accepted", revisions=""),
    )
    assert ProposalReview.objects.get().decision == "accepted"
    assert not RevisionItem.objects.exists()
    page = client.get(_url(proposal_seminar, world.project)).content.decode()
    assert 'value="90.00"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"decision": ""}, "Pilih keputusan Anda atas rancangan ini."),
        ({"revisions": "  \n "}, "Tulis perbaikan yang Anda minta"),
        ({"revisions": "x" * 501}, "Satu butir perbaikan paling panjang 500 karakter."),
    ],
)
def test_a_bad_sheet_is_refused_and_changes_nothing(
    client, world, proposal_seminar, overrides, message
):
    client.force_login(world.examiner)
    response = client.post(
        _url(proposal_seminar, world.project), _data(proposal_seminar, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RubricScore.objects.exists()
    assert not ProposalReview.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 403),
        ("admin", 403),
        ("participant", 404),
        ("coach", 404),
        ("mentor", 404),
        ("stranger", 404),
    ],
)
def test_a_non_examiner_cannot_score(client, world, proposal_seminar, persona, status):
    client.force_login(world.persona(persona))
    response = client.post(_url(proposal_seminar, world.project), _data(proposal_seminar))
    assert response.status_code == status
    assert not RubricScore.objects.exists()
    assert not ProposalReview.objects.exists()


def test_examiner_task_moves_from_score_to_record(client, world, proposal_seminar):
    from mentoring.selectors import examiner_tasks

    assert [task.action for task in examiner_tasks(world.examiner)] == ["score"]
    client.force_login(world.examiner)
    client.post(_url(proposal_seminar, world.project), _data(proposal_seminar))
    tasks = examiner_tasks(world.examiner)
    assert [task.action for task in tasks] == ["record"]
    assert tasks[0].url == reverse(
        "mentoring:record-proposal-result", args=[proposal_seminar.pk, world.project.pk]
    )
