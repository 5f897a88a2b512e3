from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mentoring.models import RubricScore
from mentoring.selectors import rubric_for
from tests.mentoring.conftest import fill_scores, put_in_state
from tracker.models import ChangeProject

S = ChangeProject.State


def _url(seminar, project) -> str:
    return reverse("mentoring:score-project", args=[seminar.pk, project.pk])


def _criteria(seminar):
    return list(rubric_for(seminar).criteria.all())


def _data(seminar, value="80", **overrides) -> dict:
    data = {f"criterion_{c.pk}": value for c in _criteria(seminar)}
    data.update(overrides)
    return data


def test_examiner_sees_the_criteria_table_with_the_default_mark(client, world, results_seminar):
    client.force_login(world.examiner)
    page = client.get(_url(results_seminar, world.project)).content.decode()
    for criterion in _criteria(results_seminar):
        assert criterion.name in page
    assert "nilai bawaan, dapat diubah penyelenggara" in page
    assert "0 dari 2 penguji sudah mengisi semua kriteria." in page


def test_examiner_enters_one_score_per_criterion(client, world, results_seminar):
    client.force_login(world.examiner)
    response = client.post(_url(results_seminar, world.project), _data(results_seminar, "85.5"))
    assert response.status_code == 302
    scores = RubricScore.objects.filter(seminar=results_seminar, examiner=world.examiner)
    assert scores.count() == len(_criteria(results_seminar))
    assert {score.score for score in scores} == {Decimal("85.5")}


def test_examiner_corrects_their_scores_until_the_grade(client, world, results_seminar):
    client.force_login(world.examiner)
    client.post(_url(results_seminar, world.project), _data(results_seminar, "70"))
    client.post(_url(results_seminar, world.project), _data(results_seminar, "75"))
    scores = RubricScore.objects.filter(seminar=results_seminar, examiner=world.examiner)
    assert scores.count() == len(_criteria(results_seminar))
    assert {score.score for score in scores} == {Decimal(75)}
    page = client.get(_url(results_seminar, world.project)).content.decode()
    assert 'value="75.00"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("100.01", "harus antara 0 dan 100."),
        ("-1", "harus antara 0 dan 100."),
        ("sembilan", "harus antara 0 dan 100."),
        ("", "Isi nilai “"),
        ("80.123", "paling banyak dua angka di belakang koma"),
    ],
)
def test_a_score_out_of_range_is_refused_with_a_clear_message(
    client, world, results_seminar, value, message
):
    first = _criteria(results_seminar)[0]
    client.force_login(world.examiner)
    response = client.post(
        _url(results_seminar, world.project),
        _data(results_seminar, **{f"criterion_{first.pk}": value}),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert first.name in page
    assert not RubricScore.objects.exists()


def test_criterion_maximum_comes_from_the_rubric(client, world, results_seminar):
    first = _criteria(results_seminar)[0]
    first.max_score = Decimal(10)
    first.save()
    client.force_login(world.examiner)
    response = client.post(_url(results_seminar, world.project), _data(results_seminar, "9"))
    assert response.status_code == 302
    response = client.post(
        _url(results_seminar, world.project),
        _data(results_seminar, **{f"criterion_{first.pk}": "11"}),
    )
    assert "harus antara 0 dan 10." in response.content.decode()


def test_scores_are_closed_once_graded(client, world, results_seminar, second_examiner):
    fill_scores(results_seminar, world.project, world.examiner, 85)
    fill_scores(results_seminar, world.project, second_examiner, 85)
    client.force_login(world.examiner)
    client.post(
        reverse("mentoring:grade-project", args=[results_seminar.pk, world.project.pk]),
        {"expected_state": S.RESULTS_SEMINAR},
    )
    put_in_state(world.project, S.RESULTS_SEMINAR)  # even if the project came back
    response = client.post(_url(results_seminar, world.project), _data(results_seminar, "10"))
    assert response.status_code == 400
    assert "sudah ditetapkan" in response.content.decode()
    assert set(
        RubricScore.objects.filter(examiner=world.examiner).values_list("score", flat=True)
    ) == {Decimal(85)}


def test_a_project_not_waiting_for_its_results_seminar_cannot_be_scored(
    client, world, results_seminar
):
    put_in_state(world.project, S.IMPLEMENTATION)
    client.force_login(world.examiner)
    page = client.get(_url(results_seminar, world.project)).content.decode()
    assert "tidak sedang menunggu penilaian seminar laporan" in page
    response = client.post(_url(results_seminar, world.project), _data(results_seminar))
    assert response.status_code == 400
    assert not RubricScore.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("organiser", 403), ("admin", 403), ("participant", 404), ("coach", 404), ("stranger", 404)],
)
def test_only_an_examiner_of_this_seminar_may_score(
    client, world, results_seminar, persona, status
):
    client.force_login(world.persona(persona))
    response = client.post(_url(results_seminar, world.project), _data(results_seminar))
    assert response.status_code == status
    assert not RubricScore.objects.exists()


def test_proposal_seminar_is_scored_with_its_own_rubric(client, world, proposal_seminar):
    client.force_login(world.examiner)
    page = client.get(_url(proposal_seminar, world.project)).content.decode()
    assert "Penilaian seminar rancangan" in page
    assert "Terobosan inovatif dan jangkauan manfaat" in page
    assert "Keterkaitan dengan mata pelatihan pilihan" not in page


def test_htmx_gets_the_score_fragment(client, world, results_seminar):
    client.force_login(world.examiner)
    response = client.post(
        _url(results_seminar, world.project),
        _data(results_seminar, "90"),
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="score-form"')
    assert "tersimpan" in page
    assert "1 dari 2 penguji sudah mengisi semua kriteria." in page
