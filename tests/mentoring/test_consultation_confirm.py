"""The coach or mentor a session names confirms it; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Consultation
from tests.mentoring.factories import HTMX, ConsultationFactory
from tracker.models import Notification


@pytest.fixture
def consultation(world):
    return ConsultationFactory(project=world.project, consultant=world.mentor, topic="Jadwal uji")


def _url(world, consultation):
    return reverse("mentoring:consultation-confirm", args=[world.project.pk, consultation.pk])


def _post(client, world, user, consultation, *, htmx=False):
    client.force_login(user)
    data = {"expected_state": Consultation.Status.RECORDED}
    return client.post(_url(world, consultation), data, headers=HTMX if htmx else {})


def test_mentor_confirms_consultation(client, world, consultation):
    response = _post(client, world, world.mentor, consultation)
    assert response.status_code == 302
    assert response["Location"] == f"{world.project.get_absolute_url()}#consultations"
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CONFIRMED
    assert consultation.decided_at is not None


def test_participant_is_told_of_the_confirmation(
    client, world, consultation, mailoutbox, run_tasks
):
    _post(client, world, world.mentor, consultation)
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [[world.participant.email]]
    assert "Siti Mentor mengonfirmasi catatan konsultasi" in mailoutbox[0].body
    assert "dikonfirmasi" in mailoutbox[0].subject
    assert Notification.objects.filter(recipient=world.participant).count() == 1


def test_htmx_confirmation_replaces_the_panel(client, world, consultation):
    response = _post(client, world, world.mentor, consultation, htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Konsultasi dikonfirmasi." in fragment
    assert 'badge--confirmed">Dikonfirmasi' in fragment
    # Nothing is left for the mentor to decide.
    assert "consultation-confirm" not in fragment
    assert "/konfirmasi/" not in fragment


def test_confirming_twice_is_refused_and_changes_nothing(
    client, world, consultation, mailoutbox, run_tasks
):
    _post(client, world, world.mentor, consultation)
    run_tasks()
    consultation.refresh_from_db()
    first_decision = consultation.decided_at
    response = _post(client, world, world.mentor, consultation)
    run_tasks()
    assert response.status_code == 409
    assert "Konsultasi ini sudah “Dikonfirmasi”" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.decided_at == first_decision
    assert len(mailoutbox) == 1


def test_coach_cannot_confirm_the_mentors_consultation(client, world, consultation):
    response = _post(client, world, world.coach, consultation)
    assert response.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED
    assert consultation.decided_at is None


def test_refusal_over_htmx_is_shown_in_the_fragment(client, world, consultation):
    _post(client, world, world.mentor, consultation)
    response = _post(client, world, world.mentor, consultation, htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 409
    assert "<html" not in fragment
    assert "Konsultasi ini sudah “Dikonfirmasi”" in fragment


def test_confirmation_is_logged(client, world, consultation):
    _post(client, world, world.mentor, consultation)
    log = consultation.logs.get()
    assert (log.action, log.from_state, log.to_state) == ("confirm", "recorded", "confirmed")
    assert (log.actor, log.role) == (world.mentor, "mentor")


@pytest.mark.parametrize(
    "persona", ["participant", "examiner", "organiser", "agency_head", "admin"]
)
def test_nobody_but_coach_and_mentor_may_confirm(client, world, consultation, persona):
    response = _post(client, world, world.persona(persona), consultation)
    assert response.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED


def test_other_participant_gets_404(client, world, consultation):
    assert _post(client, world, world.other_participant, consultation).status_code == 404


def test_consultation_of_another_project_is_404(client, world):
    elsewhere = ConsultationFactory(project=world.other_project, consultant=world.mentor)
    response = _post(client, world, world.mentor, elsewhere)
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Consultation.Status.RECORDED
