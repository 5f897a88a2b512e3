"""Latsar is scored with its own default rubric: no elective-course criterion."""

from __future__ import annotations

from decimal import Decimal

from mentoring.models import Rubric
from mentoring.selectors import current_rubric
from tests.factories import CohortFactory
from tracker.models import Programme


def test_a_latsar_cohort_gets_the_latsar_rubric_without_the_elective_criterion(db):
    cohort = CohortFactory(programme=Programme.LATSAR)

    rubric = current_rubric(Rubric.objects.all(), cohort)

    names = list(rubric.criteria.order_by("order").values_list("name", flat=True))
    assert rubric.is_default
    assert rubric.regulation == "Peraturan LAN 1/2021"
    assert "Keterkaitan dengan mata pelatihan pilihan" not in names
    assert "Penerapan nilai dasar BerAKHLAK pada setiap kegiatan" in names
    assert sum(rubric.criteria.values_list("weight", flat=True)) == Decimal(100)


def test_pkn_keeps_its_elective_course_criterion(db):
    cohort = CohortFactory(programme=Programme.PKN_II)

    rubric = current_rubric(Rubric.objects.all(), cohort)

    assert "Keterkaitan dengan mata pelatihan pilihan" in set(
        rubric.criteria.values_list("name", flat=True)
    )
