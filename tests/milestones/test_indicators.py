"""Impact indicators measured over time: baseline -> target -> latest actual."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from milestones.models import IndicatorMeasurement
from tests.milestones.factories import LinkEvidenceFactory, MilestoneFactory
from tracker.models import ImpactIndicator


@pytest.fixture
def indicator(at_work):
    return ImpactIndicator.objects.create(
        project=at_work,
        name="Waktu tunggu kepastian rujukan",
        unit="menit",
        baseline=Decimal(180),
        target=Decimal(30),
    )


def _record(client, indicator, **data):
    return client.post(
        reverse("milestones:record-measurement", args=[indicator.pk]),
        {"value": "95", "measured_on": "2026-11-20", "note": "", **data},
    )


@time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False)
def test_participant_records_values_and_the_latest_shows(client, world, indicator, milestone):
    evidence = LinkEvidenceFactory(milestone=milestone, caption="Dasbor rujukan")
    client.force_login(world.participant)
    response = _record(client, indicator, value="120", measured_on="2026-11-01")
    assert response.status_code == 302
    _record(client, indicator, value="95", measured_on="2026-11-20", evidence=evidence.pk)
    _record(client, indicator, value="140", measured_on="2026-10-28", note="Sebelum uji coba")
    assert indicator.measurements.count() == 3
    page = client.get(reverse("milestones:indicators", args=[indicator.project_id]))
    page = page.content.decode()
    assert "Nilai awal <strong>180</strong>" in page
    assert "Target <strong>30</strong>" in page
    assert "Capaian terakhir <strong>95</strong>" in page
    assert "Dasbor rujukan" in page
    project_page = client.get(indicator.project.get_absolute_url()).content.decode()
    assert '95 <span class="muted">(20 November 2026)</span>' in project_page


@time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False)
def test_future_dates_are_refused(client, world, indicator):
    client.force_login(world.participant)
    response = _record(client, indicator, measured_on="2026-12-05")
    assert response.status_code == 400
    assert "tidak boleh di masa depan" in response.content.decode()
    assert not IndicatorMeasurement.objects.exists()


def test_evidence_of_another_project_is_not_accepted(client, world, indicator):
    foreign = LinkEvidenceFactory(milestone=MilestoneFactory(project=world.other_project))
    client.force_login(world.participant)
    response = _record(client, indicator, evidence=foreign.pk)
    assert response.status_code == 400
    assert not IndicatorMeasurement.objects.exists()


def test_measurements_start_with_implementation(client, world):
    indicator = ImpactIndicator.objects.create(
        project=world.project, name="Rujukan ditolak", unit="persen", baseline=18, target=5
    )
    client.force_login(world.participant)
    response = _record(client, indicator)
    assert response.status_code == 400
    assert "sejak implementasi" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("mentor", 403), ("organiser", 403), ("other_participant", 404)]
)
def test_only_the_participant_records(client, world, indicator, persona, status):
    client.force_login(world.persona(persona))
    assert _record(client, indicator).status_code == status
    assert not IndicatorMeasurement.objects.exists()
