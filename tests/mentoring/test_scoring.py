"""The score arithmetic, the seeded default rubrics and their bands at every edge."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mentoring.models import Rubric, project_score, sheet_total
from mentoring.selectors import score_summaries
from tests.mentoring.conftest import fill_scores
from tracker.models import Programme

D = Decimal


def test_sheet_total_weighs_each_criterion_against_its_own_maximum():
    # 80/100 weighted 3 and 5/10 weighted 1: (0.8 * 3 + 0.5 * 1) / 4 = 72.5 %.
    assert sheet_total([(D(80), D(3), D(100)), (D(5), D(1), D(10))]) == D("72.5")


def test_weights_need_not_sum_to_one_hundred():
    assert sheet_total([(D(90), D(1), D(100)), (D(70), D(1), D(100))]) == D(80)
    assert sheet_total([(D(90), D(40), D(100)), (D(70), D(40), D(100))]) == D(80)


def test_score_is_the_mean_of_the_examiners_totals():
    first = [(D(90), D(1), D(100))]
    second = [(D(70), D(1), D(100))]
    assert project_score([first, second]) == D("80.00")


def test_only_the_final_mean_is_rounded_half_up():
    # 69.99 and 70.00 average to 69.995, which rounds up to 70.00; each examiner's total is
    # kept exact until then.
    assert project_score([[(D("69.99"), D(1), D(100))], [(D(70), D(1), D(100))]]) == D("70.00")
    assert project_score([[(D(2), D(1), D(3))]]) == D("66.67")


def test_a_score_needs_at_least_one_sheet_with_weight():
    with pytest.raises(ValueError):
        project_score([])
    with pytest.raises(ValueError):
        sheet_total([])


@pytest.mark.parametrize("programme", Programme.values)
def test_every_programme_has_a_seeded_default_rubric(db, programme):
    # The first default of each programme; Latsar has its own since (test_latsar_rubric.py).
    rubric = (
        Rubric.objects.filter(programme=programme, kind="results", is_default=True)
        .order_by("pk")
        .first()
    )
    assert rubric.regulation.startswith("Peraturan LAN")
    assert rubric.criteria.count() == 6
    assert rubric.criteria.first().name == "Capaian terhadap rencana"
    assert [(b.label, b.is_deferral) for b in rubric.bands.all()] == [
        ("Sangat Memuaskan", False),
        ("Memuaskan", False),
        ("Cukup Memuaskan", False),
        ("Kurang Memuaskan", True),
        ("Tidak Memuaskan", True),
    ]


@pytest.mark.parametrize(
    ("score", "predikat", "deferral"),
    [
        ("0", "Tidak Memuaskan", True),
        ("59.99", "Tidak Memuaskan", True),
        ("60", "Kurang Memuaskan", True),
        ("69.99", "Kurang Memuaskan", True),
        ("70", "Cukup Memuaskan", False),
        ("79.99", "Cukup Memuaskan", False),
        ("80", "Memuaskan", False),
        ("89.99", "Memuaskan", False),
        ("90", "Sangat Memuaskan", False),
        ("100", "Sangat Memuaskan", False),
    ],
)
def test_default_bands_at_every_edge(db, score, predikat, deferral):
    band = Rubric.objects.get(programme=Programme.PKA, kind="results", is_default=True).band_for(
        D(score)
    )
    assert (band.label, band.is_deferral) == (predikat, deferral)


def test_bands_are_data_an_organiser_can_move(db):
    rubric = Rubric.objects.get(programme=Programme.PKA, kind="results", is_default=True)
    assert rubric.band_for(D(62)).label == "Kurang Memuaskan"
    rubric.bands.filter(label="Kurang Memuaskan").update(min_score=D(65))
    assert rubric.band_for(D(62)).label == "Tidak Memuaskan"


def test_no_band_below_the_lowest_minimum(db):
    rubric = Rubric.objects.create(programme=Programme.PKA, regulation="Uji", name="Tanpa dasar")
    rubric.bands.create(label="Lulus", min_score=D(50))
    assert rubric.band_for(D("49.99")) is None


@pytest.mark.parametrize(
    ("first", "second", "score", "predikat"),
    [("59.98", "60", "59.99", "Tidak Memuaskan"), ("60", "60", "60.00", "Kurang Memuaskan")],
)
def test_seminar_score_and_predikat_from_two_examiners(
    world, results_seminar, second_examiner, first, second, score, predikat
):
    fill_scores(results_seminar, world.project, world.examiner, D(first))
    fill_scores(results_seminar, world.project, second_examiner, D(second))
    summary = score_summaries(results_seminar, [world.project])[world.project.pk]
    assert summary.complete
    assert summary.score == D(score)
    assert summary.band.label == predikat


def test_summary_is_incomplete_until_every_examiner_scored_every_criterion(
    world, results_seminar, second_examiner
):
    fill_scores(results_seminar, world.project, world.examiner, 85)
    summary = score_summaries(results_seminar, [world.project])[world.project.pk]
    assert not summary.complete
    assert summary.score is None
    assert summary.missing == [second_examiner]
    assert summary.scored_count == 1
