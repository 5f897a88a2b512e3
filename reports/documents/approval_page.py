"""The approval page (lembar persetujuan): the proposal as submitted, and the coach's and the
mentor's approvals of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import SignOff
from reports.documents.base import (
    Column,
    Document,
    Field,
    FieldGroup,
    Kind,
    Letterhead,
    Person,
    Section,
    Signature,
    Table,
    load_project,
    place_and_date,
    project_identity,
    project_letterhead,
    project_subject,
)
from tracker.models import ChangeProject, Programme, Role, TransitionLog


@dataclass(frozen=True)
class ApprovalPage(Document):
    """The lembar persetujuan: the proposal as submitted, and the coach's and mentor's approvals."""

    kind: ClassVar[str] = Kind.APPROVAL_PAGE
    template_name: ClassVar[str] = "reports/approval_page.html"
    csv_name: ClassVar[str] = "lembar-persetujuan.csv"

    project_id: int
    letterhead: Letterhead
    document_title: str
    project_label: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    identity: FieldGroup
    signatures: tuple[Signature, ...]
    place_date: str = ""

    @property
    def signature_table(self) -> Table:
        return Table(
            key="persetujuan",
            title=_("Persetujuan"),
            columns=(
                Column("peran", _("Peran")),
                Column("nama", _("Nama")),
                Column("nip", _("NIP"), "nip"),
                Column("jabatan", _("Jabatan")),
                Column("pernyataan", _("Pernyataan")),
                Column("waktu", _("Waktu"), "datetime"),
            ),
            rows=tuple(
                (s.role, s.person.name, s.person.nip, s.person.position, s.wording, s.signed_at)
                for s in self.signatures
            ),
        )

    @property
    def sections(self) -> list[Section]:
        return [self.identity, self.signature_table]


def approved_proposal_submission(project: ChangeProject) -> TransitionLog | None:
    """The latest proposal submission that both the coach and the mentor signed off."""
    return approved_submission(project, SignOff.Stage.PROPOSAL)


def approved_submission(project: ChangeProject, stage: str) -> TransitionLog | None:
    """The latest submission of the stage (proposal or report) that coach and mentor signed off."""
    submission_id = (
        SignOff.objects.filter(project=project, stage=stage)
        .values("submission")
        .annotate(roles=Count("role", distinct=True))
        .filter(roles__gte=2)
        .order_by("-submission")
        .values_list("submission", flat=True)
        .first()
    )
    return None if submission_id is None else TransitionLog.objects.get(pk=submission_id)


def approval_page_data(project: ChangeProject) -> ApprovalPage | None:
    """The approval page's content, or None while the proposal lacks either sign-off."""
    submission = approved_proposal_submission(project)
    if submission is None:
        return None
    project = load_project(project)
    signatures = submission_signatures(project, submission, SignOff.Stage.PROPOSAL)
    identity = project_identity(
        project, Field("diajukan", _("Rancangan diajukan"), submission.created_at, "datetime")
    )
    return ApprovalPage(
        project_id=project.pk,
        letterhead=project_letterhead(project),
        document_title=_("Lembar persetujuan rancangan %(label)s")
        % {"label": project.project_label},
        project_label=project.project_label,
        project_title=project.title,
        authors=tuple(signature.person.name for signature in signatures),
        subject=project_subject(project),
        identity=identity,
        signatures=signatures,
        place_date=signing_place_date(project, signatures),
    )


def submission_signatures(
    project: ChangeProject, submission: TransitionLog, stage: str
) -> tuple[Signature, ...]:
    """The coach's and the mentor's sign-offs of one submission, in the programme's order."""
    # Latsar's pages name the mentor first; the structural programmes name the coach first.
    first = Role.MENTOR if project.cohort.programme == Programme.LATSAR else Role.COACH
    signoffs = sorted(
        submission.signoffs.filter(stage=stage).select_related("signer"),
        key=lambda signoff: (signoff.role != first, signoff.pk),
    )
    return tuple(
        Signature(
            role=signoff.get_role_display(),
            person=Person.of(signoff.signer),
            wording=signoff.wording,
            signed_at=signoff.signed_at,
        )
        for signoff in signoffs
    )


def signing_place_date(project: ChangeProject, signatures: tuple[Signature, ...]) -> str:
    """The place and the day the page was complete: the day of its last signature."""
    last = max(signature.signed_at for signature in signatures)
    return place_and_date(project, timezone.localtime(last).date())
