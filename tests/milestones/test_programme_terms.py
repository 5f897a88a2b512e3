"""Which milestone terms apply is the programme's rule: Latsar has short-term milestones only."""

from __future__ import annotations

import datetime

import pytest

from milestones.models import Milestone, Term
from milestones.services import milestone_create
from reports.documents.proposal import proposal_data
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


def test_latsar_takes_short_term_activities_naming_their_core_values(world, latsar):
    data = {**_data(Term.SHORT), "core_values": ["kolaboratif", "berorientasi_pelayanan", "x"]}

    milestone = milestone_create(project=latsar, by=world.participant, data=data)

    assert milestone.term == Term.SHORT
    # BerAKHLAK order; an unknown code is dropped.
    assert milestone.core_values == ["berorientasi_pelayanan", "kolaboratif"]


def test_a_latsar_activity_without_core_values_is_refused(world, latsar):
    with pytest.raises(Refused) as refused:
        milestone_create(project=latsar, by=world.participant, data=_data(Term.SHORT))

    assert "nilai dasar BerAKHLAK" in str(refused.value.message)
    assert not Milestone.objects.filter(project=latsar).exists()


def test_other_programmes_may_leave_the_core_values_empty(world):
    milestone = milestone_create(
        project=world.project, by=world.participant, data=_data(Term.SHORT)
    )

    assert milestone.core_values == []


def test_the_latsar_proposal_lists_each_activitys_core_values(world, latsar):
    data = {**_data(Term.SHORT), "core_values": ["akuntabel", "adaptif"]}
    milestone_create(project=latsar, by=world.participant, data=data)

    table = proposal_data(latsar).activities

    assert table.title == "Kegiatan aktualisasi dan nilai dasar BerAKHLAK"
    (row,) = table.rows
    assert row[:2] == (
        "Habituasi nilai Berorientasi Pelayanan di loket layanan",
        "Akuntabel, Adaptif",
    )


def test_the_rule_is_data_a_structural_programme_may_drop_a_term(world):
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(uses_long_term=False)

    milestone_create(project=world.project, by=world.participant, data=_data(Term.MEDIUM))
    with pytest.raises(Refused):
        milestone_create(project=world.project, by=world.participant, data=_data(Term.LONG))
