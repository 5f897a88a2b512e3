"""Guards the services keep on their own, whatever view (or export, or shell) calls them."""

from __future__ import annotations

import datetime

import pytest

from mentoring import services
from mentoring.models import Comment, Consultation, JournalEntry, JournalReply
from tests.mentoring.factories import ConsultationFactory, JournalEntryFactory


def test_agency_head_may_not_comment(world):
    with pytest.raises(services.Forbidden):
        services.comment_post(
            project=world.project, by=world.agency_head, body="Bagus", visibility="everyone"
        )
    assert not Comment.objects.exists()


def test_unknown_visibility_is_refused(world):
    with pytest.raises(services.Refused, match="Pilih siapa"):
        services.comment_post(project=world.project, by=world.coach, body="x", visibility="all")
    assert not Comment.objects.exists()


def test_comment_recipients_skip_whoever_may_not_read_it(world):
    comment = Comment.objects.create(
        project=world.project,
        author=world.examiner,
        author_role="examiner",
        body="Catatan penguji",
        visibility=Comment.Visibility.REVIEWERS,
    )
    assert services.comment_recipients(comment) == [world.coach, world.mentor]


def test_only_the_participant_records_a_consultation(world):
    with pytest.raises(services.Forbidden):
        services.consultation_record(
            project=world.project,
            by=world.mentor,
            held_on=datetime.date(2020, 1, 1),
            consultant_role="mentor",
            mode="online",
            topic="x",
            outcome="y",
        )
    assert not Consultation.objects.exists()


def test_dispute_without_reason_is_refused_by_the_service_too(world):
    consultation = ConsultationFactory(project=world.project, consultant=world.mentor)
    with pytest.raises(services.Refused, match="Alasan sanggahan wajib diisi"):
        services.consultation_dispute(consultation=consultation, by=world.mentor, comment=" ")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RECORDED


def test_reply_to_a_private_entry_is_refused_by_the_service(world):
    entry = JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.PRIVATE)
    with pytest.raises(services.Refused):
        services.journal_reply(entry=entry, by=world.coach, body="Saya baca.")
    assert not JournalReply.objects.exists()


def test_someone_else_may_not_write_the_participants_journal(world):
    with pytest.raises(services.Forbidden):
        services.journal_write(
            project=world.project,
            by=world.coach,
            happened="a",
            learned="b",
            next_steps="c",
            sharing="private",
        )
    assert not JournalEntry.objects.exists()
