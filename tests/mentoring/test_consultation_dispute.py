"""The coach or mentor a session names disputes it, with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Consultation
from tests.mentoring.factories import HTMX, ConsultationFactory
from tracker.models import Role


@pytest.fixture
def consultation(world):
    return ConsultationFactory(
        project=world.project, consultant=world.coach, consultant_role=Role.COACH
    )


def _post(client, world, user, consultation, data, *, htmx=False):
    client.force_login(user)
    url = reverse("mentoring:consultation-dispute", args=[world.project.pk, consultation.pk])
    data = {"expected_state": Consultation.Status.RECORDED, **data}
    return client.post(url, data, headers=HTMX if htmx else {})


def test_coach_disputes_consultation_with_a_reason(client, world, consultation):
    response = _post(client, world, world.coach, consultation, {"comment": "Sesi itu batal."})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.DISPUTED
    assert consultation.dispute_reason == "Sesi itu batal."
    assert consultation.decided_at is not None


def test_participant_is_told_why(client, world, consultation, mailoutbox, run_tasks):
    _post(client, world, world.coach, consultation, {"comment": "Sesi itu batal."})
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [[world.participant.email]]
    assert "menyanggah" in mailoutbox[0].body
    assert "Sesi itu batal." in mailoutbox[0].body


def test_reason_is_required(client, world, consultation):
    response = _post(client, world, world.coach, consultation, {"comment": "  "})
    assert response.status_code == 400
    assert "Alasan sanggahan wajib diisi" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED


def test_missing_reason_over_htmx_is_shown_in_the_fragment(client, world, consultation):
    response = _post(client, world, world.coach, consultation, {}, htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in fragment
    assert "Alasan sanggahan wajib diisi" in fragment
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED


def test_htmx_dispute_shows_the_reason_in_the_panel(client, world, consultation):
    response = _post(
        client, world, world.coach, consultation, {"comment": "Tanggalnya keliru."}, htmx=True
    )
    fragment = response.content.decode()
    assert "Konsultasi disanggah; peserta diberi tahu." in fragment
    assert "Tanggalnya keliru." in fragment


def test_confirmed_consultation_cannot_be_disputed_later(client, world, consultation):
    client.force_login(world.coach)
    client.post(
        reverse("mentoring:consultation-confirm", args=[world.project.pk, consultation.pk]),
        {"expected_state": Consultation.Status.RECORDED},
    )
    response = _post(client, world, world.coach, consultation, {"comment": "Berubah pikiran."})
    assert response.status_code == 409
    assert "Tidak ada yang diubah." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CONFIRMED
    assert consultation.dispute_reason == ""


def test_mentor_cannot_dispute_the_coachs_consultation(client, world, consultation):
    response = _post(client, world, world.mentor, consultation, {"comment": "Tidak hadir."})
    assert response.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED


@pytest.mark.parametrize("persona", ["participant", "examiner", "organiser", "agency_head"])
def test_nobody_but_coach_and_mentor_may_dispute(client, world, consultation, persona):
    response = _post(client, world, world.persona(persona), consultation, {"comment": "x"})
    assert response.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED
