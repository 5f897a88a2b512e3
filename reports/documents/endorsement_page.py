"""The endorsement page (lembar pengesahan) of the final report: "Mengesahkan", signed by the
coach and the mentor with place and date, from their sign-offs of the report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from mentoring.models import SignOff
from reports.documents.approval_page import (
    ApprovalPage,
    approved_submission,
    signing_place_date,
    submission_signatures,
)
from reports.documents.base import (
    Column,
    Field,
    Kind,
    Table,
    load_project,
    project_identity,
    project_letterhead,
    project_subject,
)
from tracker.models import ChangeProject


@dataclass(frozen=True)
class EndorsementPage(ApprovalPage):
    """The lembar pengesahan: the report as submitted, endorsed by coach and mentor."""

    kind: ClassVar[str] = Kind.ENDORSEMENT_PAGE
    template_name: ClassVar[str] = "reports/endorsement_page.html"
    csv_name: ClassVar[str] = "lembar-pengesahan.csv"

    @property
    def signature_table(self) -> Table:
        return Table(
            key="pengesahan",
            title=_("Pengesahan"),
            columns=(
                Column("peran", _("Peran")),
                Column("nama", _("Nama")),
                Column("nip", _("NIP"), "nip"),
                Column("jabatan", _("Jabatan")),
                Column("waktu", _("Waktu"), "datetime"),
            ),
            rows=tuple(
                (s.role, s.person.name, s.person.nip, s.person.position, s.signed_at)
                for s in self.signatures
            ),
        )


def endorsement_page_data(project: ChangeProject) -> EndorsementPage | None:
    """The endorsement page's content, or None while the report lacks either sign-off."""
    submission = approved_submission(project, SignOff.Stage.REPORT)
    if submission is None:
        return None
    project = load_project(project)
    signatures = submission_signatures(project, submission, SignOff.Stage.REPORT)
    identity = project_identity(
        project, Field("diajukan", _("Laporan diajukan"), submission.created_at, "datetime")
    )
    return EndorsementPage(
        project_id=project.pk,
        letterhead=project_letterhead(project),
        document_title=_("Lembar pengesahan laporan %(label)s") % {"label": project.project_label},
        project_label=project.project_label,
        project_title=project.title,
        authors=tuple(signature.person.name for signature in signatures),
        subject=project_subject(project),
        identity=identity,
        signatures=signatures,
        place_date=signing_place_date(project, signatures),
    )
