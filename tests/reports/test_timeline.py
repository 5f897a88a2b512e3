"""Consultations in the project timeline (built by reports from every app's records)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from mentoring.models import Comment, Consultation
from reports.timeline import Event, project_timeline
from tests.mentoring.factories import CommentFactory, ConsultationFactory


def _consultation_events(project) -> list[Event]:
    return [event for event in project_timeline(project) if event.kind == "consultation"]


def test_recorded_and_decided_consultations_appear_in_order(world):
    recorded_at = timezone.now() - datetime.timedelta(days=2)
    ConsultationFactory(
        project=world.project,
        consultant=world.mentor,
        topic="Pelibatan pemangku kepentingan",
        created_at=recorded_at,
        status=Consultation.Status.CONFIRMED,
        decided_at=recorded_at + datetime.timedelta(hours=5),
    )
    ConsultationFactory(project=world.project, consultant=world.mentor, topic="Masih menunggu")
    CommentFactory(project=world.project, visibility=Comment.Visibility.EVERYONE)
    events = _consultation_events(world.project)
    assert [str(event.title) for event in events] == [
        "Konsultasi dicatat",
        "Konsultasi: Dikonfirmasi",
        "Konsultasi dicatat",
    ]
    assert {event.kind for event in project_timeline(world.project)} == {
        "seminar",
        "consultation",
    }
    assert events[0].actor == world.participant
    assert events[1].actor == world.mentor
    assert events[1].role == "Mentor"
    assert "Pelibatan pemangku kepentingan" in events[0].detail


def test_other_projects_consultations_stay_out(world):
    ConsultationFactory(project=world.other_project)
    assert _consultation_events(world.project) == []
