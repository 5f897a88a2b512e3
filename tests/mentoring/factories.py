"""Factories and helpers for the tests of comments, consultations, reflections and grades."""

from __future__ import annotations

import datetime

import factory

from mentoring.models import Comment, Consultation, JournalEntry, JournalReply, SeminarGrade
from tests.factories import ChangeProjectFactory, SeminarFactory, UserFactory
from tracker import summary
from tracker.models import Role, Seminar


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    project = factory.SubFactory(ChangeProjectFactory)
    author = factory.SelfAttribute("project.participant")
    author_role = Role.PARTICIPANT
    body = factory.Sequence(lambda n: f"Komentar uji nomor {n}")
    visibility = Comment.Visibility.EVERYONE


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A recorded session with the project's mentor during implementation."""

    class Meta:
        model = Consultation

    project = factory.SubFactory(ChangeProjectFactory)
    recorded_by = factory.SelfAttribute("project.participant")
    consultant = factory.LazyAttribute(lambda c: c.project.mentor or UserFactory())
    consultant_role = Role.MENTOR
    held_on = datetime.date(2026, 11, 2)
    mode = Consultation.Mode.IN_PERSON
    topic = factory.Sequence(lambda n: f"Pembahasan tonggak {n}")
    outcome = "Jadwal sosialisasi disepakati."
    stage = Consultation.Stage.IMPLEMENTATION


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    project = factory.SubFactory(ChangeProjectFactory)
    author = factory.SelfAttribute("project.participant")
    happened = factory.Sequence(lambda n: f"Rapat koordinasi ke-{n} dengan bidang layanan.")
    learned = "Pemangku kepentingan perlu dilibatkan sejak awal."
    next_steps = "Menjadwalkan sosialisasi kedua."
    sharing = JournalEntry.Sharing.PRIVATE


class JournalReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalReply

    entry = factory.SubFactory(JournalEntryFactory)
    author = factory.LazyAttribute(lambda reply: reply.entry.project.coach or UserFactory())
    author_role = Role.COACH
    body = factory.Sequence(lambda n: f"Tanggapan uji {n}")


HTMX = {"HX-Request": "true"}


def move_project(project, state: str) -> None:
    """Put the project in a state directly (the workflow itself is tested in tracker)."""
    type(project).objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()


class SeminarGradeFactory(factory.django.DjangoModelFactory):
    """A results-seminar grade as `seminar_grade` leaves it, with the project's predikat column
    kept (the scoring that leads to it is tested in tests/mentoring/test_grade.py)."""

    class Meta:
        model = SeminarGrade

    project = factory.SubFactory(ChangeProjectFactory)
    seminar = factory.SubFactory(
        SeminarFactory,
        cohort=factory.SelfAttribute("..project.cohort"),
        kind=Seminar.Kind.RESULTS,
    )
    score = 85
    predikat = "Memuaskan"
    outcome = SeminarGrade.Outcome.PASSED
    decided_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        grade = super()._create(model_class, *args, **kwargs)
        summary.refresh(grade.project_id)
        return grade
