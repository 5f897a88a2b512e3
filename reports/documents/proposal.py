"""The proposal (rancangan) itself: identity, background and problem, goals, the milestone
activity table, stakeholders and the effective team, and the mentor's agreement as sponsor.

The participant may take it at any state: a draft prints as a draft, marked so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import SignOff
from milestones.models import core_value_labels
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
    Value,
    load_project,
    person_line,
    place_and_date,
    project_identity,
    project_letterhead,
    project_subject,
)
from tracker.models import ChangeProject, Programme, Role

# States in which the printed proposal is still a working draft, not the text that was agreed.
DRAFT_STATES = frozenset(
    {
        ChangeProject.State.DRAFT,
        ChangeProject.State.PROPOSAL_REVIEW,
        ChangeProject.State.PROPOSAL_REVISION,
    }
)


@dataclass(frozen=True)
class Proposal(Document):
    """The rancangan as it stands: its texts, its activity plan and the sponsor's agreement."""

    kind: ClassVar[str] = Kind.PROPOSAL
    template_name: ClassVar[str] = "reports/proposal.html"
    csv_name: ClassVar[str] = "rancangan.csv"

    project_id: int
    letterhead: Letterhead
    document_title: str
    project_label: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    is_draft: bool
    identity: FieldGroup
    background: FieldGroup
    goals: FieldGroup
    activities: Table
    people: FieldGroup
    sponsor: Signature | None
    place_date: str

    @property
    def sponsor_table(self) -> Table:
        rows: tuple[tuple[Value, ...], ...] = ()
        if self.sponsor is not None:
            sponsor = self.sponsor
            rows = (
                (
                    sponsor.role,
                    sponsor.person.name,
                    sponsor.person.nip,
                    sponsor.person.position,
                    sponsor.wording,
                    sponsor.signed_at,
                ),
            )
        return Table(
            key="persetujuan_mentor",
            title=_("Persetujuan mentor sebagai sponsor proyek"),
            columns=(
                Column("peran", _("Peran")),
                Column("nama", _("Nama")),
                Column("nip", _("NIP"), "nip"),
                Column("jabatan", _("Jabatan")),
                Column("pernyataan", _("Pernyataan")),
                Column("waktu", _("Waktu"), "datetime"),
            ),
            rows=rows,
            empty_text=_("Mentor belum menyetujui rancangan ini."),
        )

    @property
    def sections(self) -> list[Section]:
        return [
            self.identity,
            self.background,
            self.goals,
            self.activities,
            self.people,
            self.sponsor_table,
        ]


def activity_table(project: ChangeProject, *, key: str = "kegiatan") -> Table:
    """The milestone plan as the proposal's activity table: activity, implementer, dates, output;
    for Latsar's habituation activities, the core values each applies instead of the term."""
    milestones = project.milestones.all()
    if project.cohort.programme == Programme.LATSAR:
        return Table(
            key=key,
            title=_("Kegiatan aktualisasi dan nilai dasar BerAKHLAK"),
            columns=(
                Column("kegiatan", _("Kegiatan"), width="24%"),
                Column("nilai_dasar", _("Nilai dasar"), width="18%"),
                Column("pelaksana", _("Pelaksana"), width="12%"),
                Column("mulai", _("Mulai"), "date", "12%"),
                Column("tenggat", _("Target selesai"), "date", "12%"),
                Column("keluaran", _("Keluaran"), width="16%"),
            ),
            rows=tuple(
                (
                    milestone.activity,
                    core_value_labels(milestone.core_values),
                    milestone.implementer,
                    milestone.start_date,
                    milestone.due_date,
                    milestone.expected_output,
                )
                for milestone in milestones
            ),
            empty_text=_("Belum ada rencana kegiatan."),
        )
    return Table(
        key=key,
        title=_("Tahapan kegiatan dan tonggak"),
        columns=(
            Column("jangka", _("Jangka"), width="11%"),
            Column("kegiatan", _("Kegiatan"), width="27%"),
            Column("pelaksana", _("Pelaksana"), width="16%"),
            Column("mulai", _("Mulai"), "date", "12%"),
            Column("tenggat", _("Target selesai"), "date", "12%"),
            Column("keluaran", _("Keluaran"), width="16%"),
        ),
        rows=tuple(
            (
                milestone.get_term_display(),
                milestone.activity,
                milestone.implementer,
                milestone.start_date,
                milestone.due_date,
                milestone.expected_output,
            )
            for milestone in milestones
        ),
        empty_text=_("Belum ada rencana tonggak."),
    )


def sponsor_signoff(project: ChangeProject) -> SignOff | None:
    """The mentor's latest approval of a proposal submission (the sponsor's agreement)."""
    return (
        SignOff.objects.filter(project=project, stage=SignOff.Stage.PROPOSAL, role=Role.MENTOR)
        .select_related("signer")
        .order_by("-signed_at", "-pk")
        .first()
    )


def proposal_data(project: ChangeProject) -> Proposal:
    """The rancangan's content as it stands now, whatever the project's state."""
    project = load_project(project)
    is_draft = project.state in DRAFT_STATES
    identity = project_identity(
        project,
        Field("coach", _("Coach"), person_line(project.coach)),
        Field("mentor", _("Mentor (sponsor proyek)"), person_line(project.mentor)),
        Field("status", _("Status"), project.get_state_display()),
    )
    background = FieldGroup(
        key="latar_belakang",
        title=_("Latar belakang dan masalah"),
        fields=(
            Field(
                "masalah", _("Latar belakang dan masalah"), project.problem_statement, "longtext"
            ),
            Field("inovasi", _("Terobosan inovasi"), project.innovation_summary, "longtext"),
        ),
    )
    goals = FieldGroup(
        key="tujuan",
        title=_("Tujuan"),
        fields=(
            Field("tujuan_pendek", _("Jangka pendek"), project.goal_short_term, "longtext"),
            Field("tujuan_menengah", _("Jangka menengah"), project.goal_medium_term, "longtext"),
            Field("tujuan_panjang", _("Jangka panjang"), project.goal_long_term, "longtext"),
        ),
    )
    people = FieldGroup(
        key="pemangku_dan_tim",
        title=_("Pemangku kepentingan dan tim efektif"),
        fields=(
            Field("pemangku", _("Pemangku kepentingan"), project.stakeholders, "longtext"),
            Field("tim_efektif", _("Tim efektif"), project.effective_team, "longtext"),
        ),
    )
    signoff = sponsor_signoff(project)
    signer = Person.of(signoff.signer) if signoff is not None else None
    sponsor = (
        Signature(
            role=signoff.get_role_display(),
            person=signer,
            wording=signoff.wording,
            signed_at=signoff.signed_at,
        )
        if signoff is not None and signer is not None
        else None
    )
    return Proposal(
        project_id=project.pk,
        letterhead=project_letterhead(project),
        document_title=_("Rancangan %(label)s") % {"label": project.project_label},
        project_label=project.project_label,
        project_title=project.title,
        authors=(project.participant.get_full_name(),),
        subject=project_subject(project),
        is_draft=is_draft,
        identity=identity,
        background=background,
        goals=goals,
        activities=activity_table(project),
        people=people,
        sponsor=sponsor,
        place_date=(
            place_and_date(project, timezone.localtime(signoff.signed_at).date()) if signoff else ""
        ),
    )
