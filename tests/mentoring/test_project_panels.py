"""The mentoring panels on the project page, as each persona sees them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import Comment, Consultation, JournalEntry
from tests.html import element
from tests.mentoring.factories import (
    CommentFactory,
    ConsultationFactory,
    JournalEntryFactory,
)
from tracker.models import Role


@pytest.fixture
def notes(world):
    CommentFactory(project=world.project, body="Komentar terbuka untuk semua")
    CommentFactory(
        project=world.project,
        author=world.examiner,
        author_role=Role.EXAMINER,
        body="Komentar rahasia penguji",
        visibility=Comment.Visibility.REVIEWERS,
    )
    ConsultationFactory(project=world.project, consultant=world.mentor, topic="Topik sesi uji")
    JournalEntryFactory(project=world.project, happened="Refleksi pribadi peserta")
    JournalEntryFactory(
        project=world.project,
        happened="Refleksi yang dibagikan",
        sharing=JournalEntry.Sharing.SHARED,
    )


def _page(client, world, persona) -> str:
    client.force_login(world.persona(persona))
    response = client.get(world.project.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_participant_project_page_never_shows_reviewer_comments(client, world, notes):
    page = _page(client, world, "participant")
    assert "Komentar terbuka untuk semua" in page
    assert "Komentar rahasia penguji" not in page
    assert "Topik sesi uji" in page
    assert "Refleksi pribadi peserta" in page
    assert "Refleksi yang dibagikan" in page


def test_coach_project_page_shows_reviewer_comments_and_shared_reflections_only(
    client, world, notes
):
    page = _page(client, world, "coach")
    assert "Komentar rahasia penguji" in page
    assert "Refleksi yang dibagikan" in page
    assert "Refleksi pribadi peserta" not in page


@pytest.mark.parametrize("persona", ["examiner", "organiser", "agency_head", "admin"])
def test_journal_panel_is_absent_for_everyone_else(client, world, notes, persona):
    page = _page(client, world, persona)
    assert 'id="journal"' not in page
    assert "Refleksi" not in page
    assert "Topik sesi uji" in page


def test_agency_head_reads_without_forms(client, world, notes):
    page = _page(client, world, "agency_head")
    assert "Komentar terbuka untuk semua" in page
    assert "Komentar rahasia penguji" not in page
    assert 'name="body"' not in page


def test_panels_render_once_and_the_title_stays_plain(client, world, notes):
    page = _page(client, world, "participant")
    assert page.count('id="comments"') == 1
    assert page.count('id="timeline-heading"') == 1
    title = element(page, tag="title").text
    assert "<" not in title


def test_timeline_lists_consultations_but_not_comments(client, world, notes):
    consultation = Consultation.objects.get()
    client.force_login(world.mentor)
    client.post(
        f"/proyek/{world.project.pk}/konsultasi/{consultation.pk}/sanggah/",
        {"expected_state": "recorded", "comment": "Sesi ditunda ke pekan depan."},
    )
    page = _page(client, world, "participant")
    timeline = element(page, "timeline").text
    assert "Konsultasi dicatat" in timeline
    assert "Konsultasi: Disanggah" in timeline
    assert "Sesi ditunda ke pekan depan." in timeline
    assert "Komentar terbuka untuk semua" not in timeline


def test_empty_panels_say_what_to_do_next(client, world):
    page = _page(client, world, "participant")
    assert "Tulis pertanyaan atau masukan pertama di bawah." in page
    assert "Catat setiap sesi dengan coach atau mentor" in page
    assert "Belum ada catatan refleksi." in page
    coach_page = _page(client, world, "coach")
    assert "Peserta belum membagikan catatan refleksi." in coach_page


def test_project_page_queries_do_not_grow_with_comments_and_consultations(
    client, world, django_assert_num_queries
):
    client.force_login(world.mentor)
    CommentFactory(project=world.project)
    ConsultationFactory(project=world.project, consultant=world.mentor)
    JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)
    with CaptureQueriesContext(connection) as one_row:
        client.get(world.project.get_absolute_url())
    for index in range(10):
        CommentFactory(
            project=world.project,
            author=world.coach,
            author_role=Role.COACH,
            visibility=list(Comment.Visibility)[index % 2],
        )
        ConsultationFactory(project=world.project, consultant=world.mentor)
        JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)
    with django_assert_num_queries(len(one_row.captured_queries)):
        page = client.get(world.project.get_absolute_url()).content.decode()
    assert page.count('<li class="note consultation--') == 11
