"""Rubrics are data: the organiser edits criteria and bands in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from mentoring.models import Rubric
from tracker.models import Programme, User


@pytest.fixture
def organiser(db) -> User:
    call_command("seed_demo", stdout=StringIO())
    return User.objects.get(username="penyelenggara")


def test_organiser_opens_a_default_rubric_with_its_criteria_and_bands(client, organiser):
    rubric = Rubric.objects.get(programme=Programme.PKP, is_default=True)
    client.force_login(organiser)
    response = client.get(reverse("admin:mentoring_rubric_change", args=[rubric.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Capaian terhadap rencana" in page
    assert "Kurang Memuaskan" in page
    assert "belum disesuaikan dengan ketentuan resmi" in page


def test_organiser_moves_a_band_and_marks_the_rubric_as_checked(client, organiser):
    rubric = Rubric.objects.get(programme=Programme.PKP, is_default=True)
    criteria = list(rubric.criteria.all())
    bands = list(rubric.bands.all())
    data = {
        "programme": rubric.programme,
        "regulation": rubric.regulation,
        "name": "Rubrik seminar laporan PKP",
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "bands-TOTAL_FORMS": len(bands),
        "bands-INITIAL_FORMS": len(bands),
    }
    for n, criterion in enumerate(criteria):
        data |= {
            f"criteria-{n}-id": criterion.pk,
            f"criteria-{n}-rubric": rubric.pk,
            f"criteria-{n}-name": criterion.name,
            f"criteria-{n}-weight": criterion.weight,
            f"criteria-{n}-max_score": criterion.max_score,
            f"criteria-{n}-order": criterion.order,
        }
    for n, band in enumerate(bands):
        minimum = "65" if band.label == "Kurang Memuaskan" else band.min_score
        data |= {
            f"bands-{n}-id": band.pk,
            f"bands-{n}-rubric": rubric.pk,
            f"bands-{n}-label": band.label,
            f"bands-{n}-min_score": minimum,
            f"bands-{n}-is_deferral": "on" if band.is_deferral else "",
        }
    client.force_login(organiser)
    response = client.post(reverse("admin:mentoring_rubric_change", args=[rubric.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rubric.refresh_from_db()
    assert rubric.is_default is False
    assert rubric.band_for(62).label == "Tidak Memuaskan"


def test_a_participant_cannot_reach_the_rubric_admin(client, organiser):
    client.force_login(User.objects.get(username="peserta"))
    response = client.get(reverse("admin:mentoring_rubric_changelist"))
    assert response.status_code == 302
