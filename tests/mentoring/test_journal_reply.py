"""Coach and mentor answer shared reflections; the participant hears of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import JournalEntry, JournalReply
from tests.mentoring.factories import HTMX, JournalEntryFactory
from tracker.models import Notification, Role


@pytest.fixture
def shared(world):
    return JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)


@pytest.fixture
def private(world):
    return JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.PRIVATE)


def _post(client, world, user, entry, data, *, htmx=False):
    client.force_login(user)
    url = reverse("mentoring:journal-reply", args=[world.project.pk, entry.pk])
    return client.post(url, data, headers=HTMX if htmx else {})


def test_coach_can_reply_to_shared_entry(client, world, shared):
    response = _post(client, world, world.coach, shared, {"body": "Refleksi yang jujur."})
    assert response.status_code == 302
    assert response["Location"] == f"{world.project.get_absolute_url()}#journal"
    reply = JournalReply.objects.get()
    assert (reply.entry, reply.author, reply.author_role) == (shared, world.coach, Role.COACH)


def test_mentor_replies_as_mentor(client, world, shared):
    _post(client, world, world.mentor, shared, {"body": "Saya dukung."})
    assert JournalReply.objects.get().author_role == Role.MENTOR


def test_reply_notifies_the_participant(client, world, shared, mailoutbox, run_tasks):
    _post(client, world, world.coach, shared, {"body": "Coba libatkan camat."})
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [[world.participant.email]]
    assert "Coba libatkan camat." in mailoutbox[0].body
    assert "Hendra Coach menanggapi catatan refleksi Anda" in mailoutbox[0].subject
    notification = Notification.objects.get(recipient=world.participant)
    assert notification.url == f"{world.project.get_absolute_url()}#journal"


def test_htmx_reply_shows_up_in_the_panel(client, world, shared):
    response = _post(client, world, world.coach, shared, {"body": "Catatan bagus."}, htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Catatan bagus." in fragment
    assert "Tanggapan terkirim; peserta diberi tahu." in fragment


def test_coach_cannot_see_or_reply_to_a_private_entry(client, world, private, mailoutbox):
    response = _post(client, world, world.coach, private, {"body": "Saya baca."})
    assert response.status_code == 404
    assert not JournalReply.objects.exists()
    assert mailoutbox == []


def test_empty_reply_is_refused(client, world, shared):
    response = _post(client, world, world.coach, shared, {"body": " "})
    assert response.status_code == 400
    assert "Tanggapan tidak boleh kosong." in response.content.decode()
    assert not JournalReply.objects.exists()


@pytest.mark.parametrize("persona", ["participant", "examiner", "organiser", "agency_head"])
def test_nobody_but_coach_and_mentor_replies(client, world, shared, persona):
    assert _post(client, world, world.persona(persona), shared, {"body": "x"}).status_code == 403
    assert not JournalReply.objects.exists()


def test_other_participant_gets_404(client, world, shared):
    response = _post(client, world, world.other_participant, shared, {"body": "x"})
    assert response.status_code == 404
