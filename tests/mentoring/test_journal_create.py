"""The participant writes a reflection."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import JournalEntry
from tests.mentoring.factories import HTMX

ENTRY = {
    "happened": "Sosialisasi pertama sepi peserta.",
    "learned": "Undangan harus lewat kepala bidang.",
    "next_steps": "Mengirim undangan resmi.",
    "sharing": "private",
}


def _post(client, world, user, data, *, htmx=False):
    client.force_login(user)
    url = reverse("mentoring:journal-create", args=[world.project.pk])
    return client.post(url, data, headers=HTMX if htmx else {})


def test_participant_writes_a_private_entry(client, world, mailoutbox):
    response = _post(client, world, world.participant, ENTRY)
    assert response.status_code == 302
    assert response["Location"] == f"{world.project.get_absolute_url()}#journal"
    entry = JournalEntry.objects.get()
    assert (entry.author, entry.sharing) == (world.participant, JournalEntry.Sharing.PRIVATE)
    assert entry.learned == "Undangan harus lewat kepala bidang."
    assert mailoutbox == []


def test_participant_shares_an_entry_over_htmx(client, world):
    response = _post(client, world, world.participant, {**ENTRY, "sharing": "shared"}, htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Catatan refleksi tersimpan." in fragment
    assert "Sosialisasi pertama sepi peserta." in fragment
    assert JournalEntry.objects.get().sharing == JournalEntry.Sharing.SHARED


def test_incomplete_entry_is_refused_with_messages(client, world):
    response = _post(client, world, world.participant, {**ENTRY, "learned": "", "sharing": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tuliskan apa yang Anda pelajari." in page
    assert "Pilih apakah catatan ini pribadi atau dibagikan." in page
    # What was typed stays.
    assert "Sosialisasi pertama sepi peserta." in page
    assert not JournalEntry.objects.exists()


def test_incomplete_entry_over_htmx_keeps_the_fragment(client, world):
    response = _post(client, world, world.participant, {**ENTRY, "happened": ""}, htmx=True)
    assert response.status_code == 400
    assert "Ceritakan apa yang terjadi." in response.content.decode()
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("persona", ["coach", "mentor", "examiner", "organiser", "admin"])
def test_nobody_but_the_participant_writes_the_journal(client, world, persona):
    assert _post(client, world, world.persona(persona), ENTRY).status_code == 403
    assert not JournalEntry.objects.exists()


def test_other_participant_gets_404(client, world):
    assert _post(client, world, world.other_participant, ENTRY).status_code == 404
    assert not JournalEntry.objects.exists()
