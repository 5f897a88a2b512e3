"""The post-training commitment (komitmen pascapelatihan, PKN II practice): the medium- and
long-term milestones the participant, the mentor and the agency head agreed to carry on, and
each one's agreement as recorded in Jejak."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.models import Commitment
from reports.documents.base import (
    Column,
    Document,
    FieldGroup,
    Kind,
    Letterhead,
    Person,
    Section,
    Signature,
    Table,
    load_project,
    project_identity,
    project_letterhead,
    project_subject,
)
from tracker.models import ChangeProject

TERM_LABELS = {"medium": gettext_lazy("Jangka menengah"), "long": gettext_lazy("Jangka panjang")}


@dataclass(frozen=True)
class CommitmentDocument(Document):
    """The komitmen pascapelatihan: the milestones agreed to and who agreed, when."""

    kind: ClassVar[str] = Kind.COMMITMENT
    template_name: ClassVar[str] = "reports/commitment.html"
    csv_name: ClassVar[str] = "komitmen-pascapelatihan.csv"

    project_id: int
    letterhead: Letterhead
    document_title: str
    project_label: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    identity: FieldGroup
    milestones: Table
    signatures: tuple[Signature, ...]

    @property
    def signature_table(self) -> Table:
        return Table(
            key="komitmen",
            title=_("Komitmen"),
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
        return [self.identity, self.milestones, self.signature_table]


def commitment_data(project: ChangeProject) -> CommitmentDocument | None:
    """The commitment's content, or None while nobody has recorded it."""
    commitments = list(
        Commitment.objects.filter(project=project).select_related("signer").order_by("signed_at")
    )
    if not commitments:
        return None
    project = load_project(project)
    order = {"participant": 0, "mentor": 1, "agency_head": 2}
    commitments.sort(key=lambda commitment: order.get(commitment.role, 9))
    signatures = tuple(
        Signature(
            role=commitment.get_role_display(),
            person=Person.of(commitment.signer),
            wording=commitment.wording,
            signed_at=commitment.signed_at,
        )
        for commitment in commitments
    )
    # What was agreed is what the first signatory saw; later ones agreed to the same plan.
    agreed = commitments[0].milestones
    milestones = Table(
        key="tonggak",
        title=_("Tonggak jangka menengah dan panjang yang disepakati"),
        columns=(
            Column("jangka", _("Jangka"), width="18%"),
            Column("kegiatan", _("Kegiatan"), width="38%"),
            Column("tenggat", _("Tenggat"), "date", width="16%"),
            Column("keluaran", _("Keluaran"), width="22%"),
        ),
        rows=tuple(
            (
                str(TERM_LABELS.get(item["term"], item["term"])),
                item["activity"],
                datetime.date.fromisoformat(item["due_date"]),
                item["expected_output"],
            )
            for item in agreed
        ),
        empty_text=_("Tidak ada tonggak jangka menengah atau panjang dalam rencana."),
    )
    return CommitmentDocument(
        project_id=project.pk,
        letterhead=project_letterhead(project),
        document_title=_("Komitmen pascapelatihan %(label)s") % {"label": project.project_label},
        project_label=project.project_label,
        project_title=project.title,
        authors=tuple(signature.person.name for signature in signatures),
        subject=project_subject(project),
        identity=project_identity(project),
        milestones=milestones,
        signatures=signatures,
    )
