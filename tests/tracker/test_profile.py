"""The profile page: what a person changes about themselves, what only organisers change."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

URL = "/profil/"


@pytest.fixture
def participant(client, world):
    client.force_login(world.participant)
    return client


def _data(world, **changes) -> dict:
    person = world.participant
    return {
        "full_name": person.full_name,
        "email": person.email,
        "position": person.position,
        "language": person.language,
        **changes,
    }


def test_url_is_the_profile():
    assert reverse("tracker:profile") == URL


def test_the_page_shows_read_only_nip_and_agency_and_the_roles_held(participant, world):
    page = participant.get(URL).content.decode()
    assert world.participant.nip in page
    assert "Dinas Kesehatan Uji" in page
    assert 'name="nip"' not in page
    assert 'name="agency"' not in page
    assert "Peserta" in page
    assert reverse("reports:project-list") in page


def test_organiser_sees_their_role_with_its_link(client, world):
    client.force_login(world.organiser)
    page = client.get(URL).content.decode()
    assert "Penyelenggara" in page
    assert "Angkatan yang saya selenggarakan" in page


def test_name_position_and_language_are_saved(participant, world):
    response = participant.post(
        URL, _data(world, full_name="Budi Peserta, S.T.", position="Kepala Seksi", language="en")
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    world.participant.refresh_from_db()
    assert (world.participant.full_name, world.participant.position) == (
        "Budi Peserta, S.T.",
        "Kepala Seksi",
    )
    assert world.participant.language == "en"


def test_nip_and_agency_posted_anyway_are_ignored(participant, world):
    nip, agency = world.participant.nip, world.participant.agency
    participant.post(
        URL, _data(world, nip="199999999999999999", agency=world.other_agency.pk, position="X")
    )
    world.participant.refresh_from_db()
    assert (world.participant.nip, world.participant.agency) == (nip, agency)
    assert world.participant.position == "X"


def test_changing_the_email_takes_the_current_password(participant, world):
    old = world.participant.email
    refused = participant.post(URL, _data(world, email="baru@jejak.example"))
    assert refused.status_code == 400
    assert "tulis kata sandi Anda saat ini" in refused.content.decode()
    world.participant.refresh_from_db()
    assert world.participant.email == old
    accepted = participant.post(
        URL, _data(world, email="baru@jejak.example", current_password="demo12345")
    )
    assert accepted.status_code == 302
    world.participant.refresh_from_db()
    assert world.participant.email == "baru@jejak.example"


def test_bad_input_changes_nothing(participant, world):
    response = participant.post(URL, _data(world, full_name="  ", language="fr"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Isi nama lengkap Anda." in page
    world.participant.refresh_from_db()
    assert world.participant.full_name == "Budi Peserta"
    assert world.participant.language == "id"
