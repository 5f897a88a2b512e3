from __future__ import annotations

import datetime
import hashlib

import factory
from django.core.files.base import ContentFile

from milestones.models import ChangeRequest, Evidence, Milestone, Term
from tests.factories import ChangeProjectFactory
from tests.milestones.files import make_pdf
from tracker import summary
from tracker.models import ChangeProject


def put_project_in(project: ChangeProject, state: str) -> ChangeProject:
    """Move a test project straight to a state (the workflow itself is tested elsewhere)."""
    ChangeProject.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    return project


def complete_plan(project: ChangeProject) -> Milestone:
    """One accepted short-term milestone: plan enough for the proposal and the report guards."""
    return MilestoneFactory(project=project, term=Term.SHORT, state=Milestone.State.ACCEPTED)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ChangeProjectFactory)
    term = Term.SHORT
    activity = factory.Sequence(lambda n: f"Sosialisasi layanan tahap {n + 1}")
    implementer = "Peserta dan tim efektif"
    start_date = datetime.date(2026, 10, 26)
    due_date = datetime.date(2026, 11, 20)
    expected_output = "Daftar hadir dan notulen"
    order = factory.Sequence(lambda n: n + 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A milestone made here stands in for the plan services, which keep the project's
        # summary columns (`tracker.summary`) with the plan.
        milestone = super()._create(model_class, *args, **kwargs)
        summary.refresh(milestone.project_id)
        return milestone


class LinkEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    milestone = factory.SubFactory(MilestoneFactory)
    kind = Evidence.Kind.LINK
    caption = "Berita kegiatan di laman dinas"
    url = "https://dinkes.example.go.id/berita/sosialisasi"
    uploaded_by = factory.LazyAttribute(lambda evidence: evidence.milestone.project.participant)


def file_evidence(milestone: Milestone, content: bytes | None = None, name="notulen.pdf"):
    """A stored PDF evidence row, as if uploaded (bypasses the upload checks on purpose)."""
    content = content or make_pdf()
    evidence = Evidence(
        milestone=milestone,
        kind=Evidence.Kind.FILE,
        caption="Notulen rapat koordinasi",
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=milestone.project.participant,
    )
    evidence.file.save(name, ContentFile(content), save=True)
    return evidence


class RescheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    milestone = factory.SubFactory(MilestoneFactory)
    project = factory.LazyAttribute(lambda change: change.milestone.project)
    kind = ChangeRequest.Kind.RESCHEDULE
    reason = "Narasumber dari Kominfo berhalangan hadir pada tanggal semula."
    old_due_date = factory.LazyAttribute(lambda change: change.milestone.due_date)
    new_due_date = factory.LazyAttribute(
        lambda change: change.milestone.due_date + datetime.timedelta(days=14)
    )
    requested_by = factory.LazyAttribute(lambda change: change.milestone.project.participant)
