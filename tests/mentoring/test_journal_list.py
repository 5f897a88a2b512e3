"""Reading the reflection journal: private for the participant, shared for coach and mentor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import JournalEntry
from mentoring.selectors import journal_entries_visible_to
from tests.mentoring.factories import HTMX, JournalEntryFactory, JournalReplyFactory


@pytest.fixture
def entries(world):
    private = JournalEntryFactory(project=world.project, happened="Catatan pribadi rahasia")
    shared = JournalEntryFactory(
        project=world.project,
        happened="Catatan yang dibagikan",
        sharing=JournalEntry.Sharing.SHARED,
    )
    return private, shared


def _get(client, world, user, *, htmx=False):
    client.force_login(user)
    url = reverse("mentoring:journal", args=[world.project.pk])
    return client.get(url, headers=HTMX if htmx else {})


def test_participant_reads_private_and_shared_entries(client, world, entries):
    page = _get(client, world, world.participant).content.decode()
    assert "Catatan pribadi rahasia" in page
    assert "Catatan yang dibagikan" in page
    assert "Tulis catatan refleksi" in page


@pytest.mark.parametrize("persona", ["coach", "mentor"])
def test_coach_and_mentor_read_shared_entries_only(client, world, entries, persona):
    page = _get(client, world, world.persona(persona)).content.decode()
    assert "Catatan yang dibagikan" in page
    assert "Catatan pribadi rahasia" not in page
    assert "Tulis catatan refleksi" not in page
    assert "Kirim tanggapan" in page


@pytest.mark.parametrize("persona", ["examiner", "organiser", "agency_head", "admin"])
def test_others_in_scope_are_refused_the_journal(client, world, entries, persona):
    response = _get(client, world, world.persona(persona))
    assert response.status_code == 403
    assert "Catatan" not in response.content.decode()


def test_other_participant_gets_404(client, world, entries):
    assert _get(client, world, world.other_participant).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("participant", 2),
        ("coach", 1),
        ("mentor", 1),
        ("examiner", 0),
        ("organiser", 0),
        ("agency_head", 0),
        ("admin", 0),
        ("other_participant", 0),
    ],
)
def test_selector_gives_each_persona_only_their_entries(world, entries, persona, expected):
    assert journal_entries_visible_to(world.project, world.persona(persona)).count() == expected


def test_htmx_get_returns_only_the_panel(client, world, entries):
    response = _get(client, world, world.coach, htmx=True)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section class="card notes-panel" id="journal"')


# Session, the user (with the header's counts), the project with the viewer's roles, entries,
# replies.
JOURNAL_PAGE_QUERIES = 5


def test_query_count_is_the_same_for_one_and_many_entries(client, world, django_assert_num_queries):
    entry = JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)
    JournalReplyFactory(entry=entry, author=world.coach)
    client.force_login(world.mentor)
    url = reverse("mentoring:journal", args=[world.project.pk])
    with django_assert_num_queries(JOURNAL_PAGE_QUERIES):
        client.get(url)
    for _ in range(8):
        more = JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)
        JournalReplyFactory(entry=more, author=world.mentor)
        JournalReplyFactory(entry=more, author=world.coach)
    with django_assert_num_queries(JOURNAL_PAGE_QUERIES):
        page = client.get(url).content.decode()
    assert page.count('class="note journal-entry"') == 9
