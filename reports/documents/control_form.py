"""The control form (kartu kendali) of the coach's and the mentor's consultations: every session
with its date, topic, outcome, follow-up and confirmation, a checklist and signature lines.

Printable at any time; the final report carries it as an appendix, as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from mentoring.models import Consultation
from reports.documents.base import (
    Column,
    Document,
    Field,
    FieldGroup,
    Kind,
    Letterhead,
    Person,
    Section,
    Table,
    load_project,
    person_line,
    project_identity,
    project_letterhead,
    project_subject,
)
from tracker.models import ChangeProject, Programme, Role

# The stages whose sessions the checklist asks about, each with the coach and with the mentor.
CHECKED_STAGES = (
    Consultation.Stage.PROPOSAL,
    Consultation.Stage.IMPLEMENTATION,
    Consultation.Stage.REPORT,
)


@dataclass(frozen=True)
class SignatureLine:
    """A line for a wet signature on a printed form: who signs, and in which role."""

    role: str
    person: Person | None


@dataclass(frozen=True)
class ControlForm(Document):
    """The kartu kendali: the sessions, the checklist, and lines to sign."""

    kind: ClassVar[str] = Kind.CONTROL_FORM
    template_name: ClassVar[str] = "reports/control_form.html"
    csv_name: ClassVar[str] = "kartu-kendali.csv"

    project_id: int
    letterhead: Letterhead
    document_title: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    identity: FieldGroup
    sessions: Table
    checklist: Table
    signature_lines: tuple[SignatureLine, ...]

    @property
    def sections(self) -> list[Section]:
        return [self.identity, self.sessions, self.checklist]


def consultation_table(project: ChangeProject, *, key: str = "konsultasi") -> Table:
    """Every session of the project, oldest first, with what was agreed and its confirmation."""
    sessions = project.consultations.select_related("consultant").order_by("held_on", "pk")
    return Table(
        key=key,
        title=_("Catatan konsultasi"),
        columns=(
            Column("tanggal", _("Tanggal"), "date", "11%"),
            Column("dengan", _("Dengan"), width="14%"),
            Column("topik", _("Topik"), width="13%"),
            Column("hasil", _("Hasil"), "longtext", "16%"),
            Column("tindak_lanjut", _("Tindak lanjut"), "longtext", "12%"),
            Column("konfirmasi", _("Konfirmasi"), width="15%"),
            Column("waktu_konfirmasi", _("Diputuskan pada"), "datetime", "13%"),
        ),
        rows=tuple(
            (
                session.held_on,
                f"{session.consultant.get_full_name()} ({session.get_consultant_role_display()})",
                session.topic,
                session.outcome,
                session.follow_up,
                _confirmation(session),
                session.decided_at,
            )
            for session in sessions
        ),
        empty_text=_("Belum ada konsultasi yang dicatat."),
    )


def _confirmation(session: Consultation) -> str:
    if session.status == Consultation.Status.DISPUTED and session.dispute_reason:
        return _("%(status)s: %(reason)s") % {
            "status": session.get_status_display(),
            "reason": session.dispute_reason,
        }
    return str(session.get_status_display())


def checklist_table(project: ChangeProject, *, key: str = "daftar_periksa") -> Table:
    """Whether each stage had a confirmed session with the coach and one with the mentor, and
    whether any session still waits for its confirmation."""
    confirmed: dict[tuple[str, str], int] = {}
    waiting = 0
    for stage, role, status in project.consultations.values_list(
        "stage", "consultant_role", "status"
    ):
        if status == Consultation.Status.CONFIRMED:
            confirmed[(stage, role)] = confirmed.get((stage, role), 0) + 1
        elif status == Consultation.Status.RECORDED:
            waiting += 1
    yes, no = _("Ya"), _("Belum")
    stages = dict(Consultation.Stage.choices)
    # Latsar's form is the mentor's (form pengendalian aktualisasi mentor): mentor first.
    order = (Role.MENTOR, Role.COACH)
    if project.cohort.programme != Programme.LATSAR:
        order = (Role.COACH, Role.MENTOR)
    rows: list[tuple] = []
    for stage in CHECKED_STAGES:
        for role in order:
            count = confirmed.get((stage, role), 0)
            rows.append(
                (
                    _("Konsultasi dengan %(role)s pada tahap %(stage)s")
                    % {"role": str(Role(role).label).lower(), "stage": str(stages[stage]).lower()},
                    yes if count else no,
                    _("%(count)d sesi dikonfirmasi") % {"count": count},
                )
            )
    rows.append(
        (
            _("Setiap sesi sudah dikonfirmasi atau disanggah"),
            no if waiting else yes,
            _("%(count)d sesi menunggu konfirmasi") % {"count": waiting},
        )
    )
    return Table(
        key=key,
        title=_("Daftar periksa"),
        columns=(
            Column("butir", _("Butir"), width="58%"),
            Column("terpenuhi", _("Terpenuhi"), width="14%"),
            Column("keterangan", _("Keterangan"), width="22%"),
        ),
        rows=tuple(rows),
    )


def control_form_data(project: ChangeProject) -> ControlForm:
    """The control form's content as the sessions stand now."""
    project = load_project(project)
    identity = project_identity(
        project,
        Field("coach", _("Coach"), person_line(project.coach)),
        Field("mentor", _("Mentor"), person_line(project.mentor)),
    )
    lines = [
        SignatureLine(str(Role.PARTICIPANT.label), Person.of(project.participant)),
        SignatureLine(str(Role.COACH.label), Person.of(project.coach)),
        SignatureLine(str(Role.MENTOR.label), Person.of(project.mentor)),
    ]
    if project.cohort.programme == Programme.LATSAR:
        lines[1], lines[2] = lines[2], lines[1]
    return ControlForm(
        project_id=project.pk,
        letterhead=project_letterhead(project),
        document_title=_("Kartu kendali konsultasi %(label)s") % {"label": project.project_label},
        project_title=project.title,
        authors=(project.participant.get_full_name(),),
        subject=project_subject(project),
        identity=identity,
        sessions=consultation_table(project),
        checklist=checklist_table(project),
        signature_lines=tuple(lines),
    )
