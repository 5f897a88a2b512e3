"""The participant writes the proposal's texts on their own page while it is a draft."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.conftest import PERSONAS
from tests.milestones.factories import put_project_in
from tracker import services
from tracker.models import ChangeProject

S = ChangeProject.State

FILLED = {
    "title": "Rujukan Daring Puskesmas ke RSUD",
    "problem_statement": "Rujukan masih lewat telepon dan kertas; pasien menunggu lama.",
    "goal_short_term": "Rujukan daring di 10 puskesmas.",
    "goal_medium_term": "Seluruh puskesmas kota.",
    "goal_long_term": "Standar pelayanan provinsi.",
    "stakeholders": "RSUD, puskesmas, Diskominfo.",
    "innovation_summary": "Aplikasi rujukan dengan jadwal kamar terbuka.",
}

IN_SCOPE_NOT_PARTICIPANT = {"coach", "mentor", "examiner", "organiser", "agency_head", "admin"}


def _url(project) -> str:
    return reverse("tracker:proposal-edit", args=[project.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_participant_opens_the_proposal_form(client, world, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(_url(world.project))
    if persona == "participant":
        assert response.status_code == 200
        page = response.content.decode()
        assert 'name="problem_statement"' in page
        assert world.project.title in page
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona in IN_SCOPE_NOT_PARTICIPANT:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_participant_saves_the_proposal_and_returns_to_the_project(client, world):
    client.force_login(world.participant)
    response = client.post(_url(world.project), FILLED)
    assert response.status_code == 302
    assert response["Location"] == world.project.get_absolute_url()
    world.project.refresh_from_db()
    for name, value in FILLED.items():
        assert getattr(world.project, name) == value
    assert world.project.state == S.DRAFT
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Rancangan tersimpan."]


@pytest.mark.parametrize("persona", ["coach", "mentor", "organiser", "admin"])
def test_others_in_scope_cannot_change_the_proposal(client, world, persona):
    before = world.project.title
    client.force_login(world.persona(persona))
    assert client.post(_url(world.project), FILLED).status_code == 403
    world.project.refresh_from_db()
    assert world.project.title == before


def test_someone_outside_the_project_gets_404_and_changes_nothing(client, world):
    client.force_login(world.other_participant)
    assert client.post(_url(world.project), FILLED).status_code == 404
    world.project.refresh_from_db()
    assert world.project.title != FILLED["title"]


def test_a_missing_title_is_refused_with_a_message_and_nothing_changes(client, world):
    before = world.project.problem_statement
    client.force_login(world.participant)
    response = client.post(_url(world.project), {**FILLED, "title": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Periksa isian formulir di bawah." in page
    assert 'aria-invalid="true"' in page
    world.project.refresh_from_db()
    assert world.project.problem_statement == before


def test_a_submitted_proposal_is_no_longer_editable(client, world):
    put_project_in(world.project, S.PROPOSAL_REVIEW)
    before = world.project.title
    client.force_login(world.participant)
    response = client.post(_url(world.project), FILLED)
    assert response.status_code == 400
    assert "tidak dapat diubah lagi" in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.title == before
    page = client.get(_url(world.project)).content.decode()
    assert 'name="problem_statement"' not in page
    assert "tidak dapat diubah lagi" in page


def test_a_proposal_sent_back_for_revision_is_editable_again(client, world):
    put_project_in(world.project, S.PROPOSAL_REVISION)
    client.force_login(world.participant)
    assert client.post(_url(world.project), FILLED).status_code == 302
    world.project.refresh_from_db()
    assert world.project.title == FILLED["title"]


def test_the_form_says_what_is_still_missing_for_submission(client, world):
    client.force_login(world.participant)
    page = client.get(_url(world.project)).content.decode()
    assert "minimal satu tonggak jangka pendek" in page


@pytest.mark.parametrize(
    ("persona", "state", "shown"),
    [
        ("participant", S.DRAFT, True),
        ("participant", S.PROPOSAL_REVISION, True),
        ("participant", S.IMPLEMENTATION, False),
        ("coach", S.DRAFT, False),
        ("mentor", S.DRAFT, False),
    ],
)
def test_project_page_links_to_the_form_only_when_the_participant_may_edit(
    client, world, persona, state, shown
):
    put_project_in(world.project, state)
    client.force_login(world.persona(persona))
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert (_url(world.project) in page) is shown


def test_service_refuses_anyone_but_the_participant(world):
    with pytest.raises(services.Forbidden):
        services.project_update_proposal(project=world.project, by=world.coach, data=FILLED)
    world.project.refresh_from_db()
    assert world.project.title != FILLED["title"]
