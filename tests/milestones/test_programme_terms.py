"""Which milestone terms apply is the programme's rule: Latsar has short-term milestones only."""

from __future__ import annotations

import datetime

import pytest

from milestones.models import Milestone, Term
from milestones.services import milestone_create
from tracker.models import Cohort, Programme, ProgrammeRules
from tracker.workflow import Refused


def _data(term: str) -> dict:
    return {
        "term": term,
        "activity": "Habituasi nilai Berorientasi Pelayanan di loket layanan",
        "implementer": "Peserta",
        "start_date": datetime.date(2026, 10, 5),
        "due_date": datetime.date(2026, 10, 30),
        "expected_output": "Daftar hadir dan foto kegiatan",
        "form_token": None,
    }


@pytest.fixture
def latsar(world):
    Cohort.objects.filter(pk=world.cohort.pk).update(programme=Programme.LATSAR)
    world.project.refresh_from_db()
    return world.project


@pytest.mark.parametrize("term", [Term.MEDIUM, Term.LONG])
def test_latsar_refuses_medium_and_long_term_milestones(world, latsar, term):
    with pytest.raises(Refused) as refused:
        milestone_create(project=latsar, by=world.participant, data=_data(term))

    assert "Latsar CPNS tidak memakai tonggak jangka" in str(refused.value.message)
    assert not Milestone.objects.filter(project=latsar).exists()


def test_latsar_takes_short_term_milestones(world, latsar):
    milestone = milestone_create(project=latsar, by=world.participant, data=_data(Term.SHORT))

    assert milestone.term == Term.SHORT


def test_the_rule_is_data_a_structural_programme_may_drop_a_term(world):
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(uses_long_term=False)

    milestone_create(project=world.project, by=world.participant, data=_data(Term.MEDIUM))
    with pytest.raises(Refused):
        milestone_create(project=world.project, by=world.participant, data=_data(Term.LONG))
