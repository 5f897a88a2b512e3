from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS


def _client_for(client, world, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    return client


SEES_PROJECT = {"participant", "coach", "mentor", "examiner", "organiser", "agency_head", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_project_detail_is_shown_in_scope_and_404_outside(client, world, persona):
    response = _client_for(client, world, persona).get(world.project.get_absolute_url())
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona in SEES_PROJECT:
        assert response.status_code == 200
        assert world.project.title in response.content.decode()
    else:
        assert response.status_code == 404


def test_agency_head_reaches_sub_unit_project_but_not_another_agency(client, world):
    client.force_login(world.agency_head)
    assert client.get(world.project.get_absolute_url()).status_code == 200
    assert client.get(world.other_project.get_absolute_url()).status_code == 404


def test_detail_names_the_viewers_roles_and_programme_label(client, world):
    client.force_login(world.coach)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Peran Anda: Coach" in page
    assert "Aksi Perubahan Kinerja Organisasi" in page


def test_participant_sees_next_step_on_detail(client, world):
    client.force_login(world.participant)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Langkah berikutnya" in page
    assert "ajukan kepada coach dan mentor" in page


def test_unknown_project_is_404(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("tracker:project-detail", args=[999999])).status_code == 404


def test_home_redirects_anonymous_to_login(client, db):
    response = client.get(reverse("tracker:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    ("persona", "heading", "shows_project"),
    [
        ("participant", "Proyek saya", True),
        # Nothing waits on coach and mentor yet: they see counts, not the project itself.
        ("coach", "Proyek yang saya dampingi sebagai coach", False),
        ("mentor", "Proyek yang saya bimbing sebagai mentor", False),
        ("examiner", "Seminar yang saya uji", False),
        ("organiser", "Angkatan yang saya selenggarakan", False),
        ("agency_head", "Proyek di instansi saya dan unit di bawahnya", True),
        ("stranger", "belum terhubung dengan proyek perubahan mana pun", False),
    ],
)
def test_home_differs_by_role(client, world, persona, heading, shows_project):
    client.force_login(world.persona(persona))
    page = client.get(reverse("tracker:home")).content.decode()
    assert heading in page
    assert (world.project.title in page) is shows_project
    assert world.other_project.title not in page


def test_home_shows_participant_next_step(client, world):
    client.force_login(world.participant)
    page = client.get(reverse("tracker:home")).content.decode()
    assert "Lengkapi rancangan dan rencana tonggak" in page


# The home page's pinned query counts per role: tests/reports/test_dashboards.py.


def test_home_can_be_read_in_english(client, world):
    client.force_login(world.participant)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("tracker:home")).content.decode()
    assert 'lang="en"' in page


def test_browser_language_does_not_override_indonesian(client, world):
    client.force_login(world.participant)
    page = client.get(reverse("tracker:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="id"' in page.content.decode()
    assert "Proyek saya" in page.content.decode()


def test_switching_language_is_remembered_on_the_account(client, world):
    client.force_login(world.participant)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.participant.refresh_from_db()
    assert world.participant.language == "en"
    page = client.get(reverse("tracker:home")).content.decode()
    assert "My projects" in page


def test_saved_language_applies_on_a_new_device(client, world):
    world.participant.language = "en"
    world.participant.save(update_fields=["language"])
    client.force_login(world.participant)
    assert "My projects" in client.get(reverse("tracker:home")).content.decode()


def test_unknown_language_changes_nothing(client, world):
    client.force_login(world.participant)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    world.participant.refresh_from_db()
    assert world.participant.language == "id"
