"""Reads for documents: who may download what, and each document's data as a plain object.

A document's data is built here, apart from its formatting (templates) and rendering (pdf.py), so
it can be tested without a PDF. The same object gives the CSV attached inside the PDF.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mentoring.models import Consultation, RubricScore, SeminarGrade, SignOff
from mentoring.selectors import score_summaries
from milestones.models import Evidence, IndicatorMeasurement, MilestoneRating
from reports.models import GeneratedDocument, ReportJob
from tracker.models import Agency, ChangeProject, Cohort, Role, Seminar, TransitionLog, User
from tracker.selectors import headed_agency_ids

Kind = GeneratedDocument.Kind

# Who may download which document of a project. Examiners may take the approval page (it is what
# clears the project for the seminar they examine), not the whole project report.
DOWNLOADERS = {
    Kind.PROJECT_REPORT: frozenset(
        {Role.PARTICIPANT, Role.COACH, Role.MENTOR, Role.ORGANISER, Role.AGENCY_HEAD, Role.ADMIN}
    ),
    Kind.APPROVAL_PAGE: frozenset(
        {
            Role.PARTICIPANT,
            Role.COACH,
            Role.MENTOR,
            Role.EXAMINER,
            Role.ORGANISER,
            Role.AGENCY_HEAD,
            Role.ADMIN,
        }
    ),
}


def may_download(project: ChangeProject, user: User, kind: str, roles=None) -> bool:
    """Whether the user's relation to the project lets them download this kind of document."""
    roles = project.roles_of(user) if roles is None else roles
    return bool(set(roles) & DOWNLOADERS[Kind(kind)])


def may_read_agency(agency: Agency, user: User) -> bool:
    """Whether the user heads the agency or one above it (or is the admin)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or agency.pk in headed_agency_ids(user)


def may_read_cohort(cohort: Cohort, user: User) -> bool:
    """Whether the user organises the cohort (or is the admin)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or cohort.organisers.filter(pk=user.pk).exists()


def jobs_of(user: User, kind: str, **parameters) -> QuerySet[ReportJob]:
    """The user's report jobs of a kind for these parameters (agency, cohort), newest first."""
    filters = {f"parameters__{name}": value for name, value in parameters.items()}
    return (
        ReportJob.objects.filter(requested_by=user, kind=kind, **filters)
        .select_related("document")
        .order_by("-created_at", "-pk")
    )


# --- verification codes -------------------------------------------------------------------------

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 12  # 60 bits: not guessable at the verification page's rate limit
CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
_READ_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalise_code(raw: str) -> str:
    """A typed code in canonical form: upper case, no separators, look-alike letters mapped."""
    return re.sub(r"[\s-]", "", raw).upper().translate(_READ_ALIKES)


def document_for_code(raw: str) -> GeneratedDocument | None:
    """The document a verification code names, or None for a malformed or unknown code."""
    code = normalise_code(raw)
    if not CODE_PATTERN.fullmatch(code):
        return None
    return GeneratedDocument.objects.filter(code=code).first()


# --- the data objects ---------------------------------------------------------------------------

Value = str | int | Decimal | datetime.datetime | datetime.date | None


@dataclass(frozen=True)
class Person:
    name: str
    nip: str
    position: str

    @classmethod
    def of(cls, user: User | None) -> Person | None:
        if user is None:
            return None
        return cls(name=user.get_full_name(), nip=user.nip or "", position=user.position)


@dataclass(frozen=True)
class Field:
    """One labelled value; `key` names it in the CSV, `kind` says how the document formats it."""

    key: str
    label: str
    value: Value
    kind: str = "text"  # text | longtext | number | score | date | datetime | nip


@dataclass(frozen=True)
class FieldGroup:
    key: str
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    width: str = ""  # CSS width in the printed table; a table's widths add up to 94%


@dataclass(frozen=True)
class Table:
    """A section printed as a table and attached as CSV rows (one CSV row per cell)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    empty_text: str = ""
    hide_when_empty: bool = False

    @property
    def cell_rows(self) -> list[list[tuple[Value, Column]]]:
        return [list(zip(row, self.columns, strict=True)) for row in self.rows]

    @property
    def shown(self) -> bool:
        return bool(self.rows) or not self.hide_when_empty


@dataclass(frozen=True)
class Letterhead:
    """What the running header of every page names: the agency and the programme."""

    agency: str
    parent_agency: str
    programme: str
    institution: str


CSV_HEADER = ("bagian", "no", "butir", "nilai")


def machine_value(value: Value) -> str:
    """A value as the CSV carries it: ISO dates in Jakarta time, a dot before decimals."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_rows(sections: Iterable[FieldGroup | Table]) -> list[tuple[str, str, str, str]]:
    """The data in long form: (section, row number, item, value), one line per value."""
    rows = []
    for section in sections:
        if isinstance(section, FieldGroup):
            rows += [
                (section.key, "", item.key, machine_value(item.value)) for item in section.fields
            ]
            continue
        for number, row in enumerate(section.rows, start=1):
            rows += [
                (section.key, str(number), column.key, machine_value(value))
                for column, value in zip(section.columns, row, strict=True)
            ]
    return rows


def csv_text(sections: Iterable[FieldGroup | Table]) -> str:
    # The byte-order mark lets spreadsheet programs common in Indonesian offices read UTF-8.
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(sections))
    return out.getvalue()


@dataclass(frozen=True)
class ProjectReport:
    """Everything the project report prints; later sections plug in through REPORT_TABLES."""

    kind: ClassVar[str] = Kind.PROJECT_REPORT
    csv_name: ClassVar[str] = "laporan-proyek.csv"

    project_id: int
    letterhead: Letterhead
    document_title: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    identity: FieldGroup
    narrative: FieldGroup
    tables: tuple[Table, ...] = field(default_factory=tuple)

    @property
    def sections(self) -> list[FieldGroup | Table]:
        return [self.identity, self.narrative, *self.tables]

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        return csv_rows(self.sections)

    def csv_text(self) -> str:
        return csv_text(self.sections)


@dataclass(frozen=True)
class Signature:
    role: str
    person: Person
    wording: str
    signed_at: datetime.datetime


@dataclass(frozen=True)
class ApprovalPage:
    """The lembar persetujuan: the proposal as submitted, and the coach's and mentor's approvals."""

    kind: ClassVar[str] = Kind.APPROVAL_PAGE
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
    def sections(self) -> list[FieldGroup | Table]:
        return [self.identity, self.signature_table]

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        return csv_rows(self.sections)

    def csv_text(self) -> str:
        return csv_text(self.sections)


@dataclass(frozen=True)
class SeminarMinutes:
    """The berita acara of one project at one seminar, from what the examiners recorded."""

    kind: ClassVar[str] = Kind.SEMINAR_MINUTES
    csv_name: ClassVar[str] = "berita-acara-seminar.csv"

    project_id: int
    seminar_id: int
    letterhead: Letterhead
    document_title: str
    heading: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    opening: str
    seminar: FieldGroup
    identity: FieldGroup
    examiners: Table
    results: Table
    outcome: FieldGroup
    ratings: Table
    signatures: tuple[Signature, ...]

    @property
    def sections(self) -> list[FieldGroup | Table]:
        return [
            self.seminar,
            self.identity,
            self.examiners,
            self.results,
            self.outcome,
            self.ratings,
        ]

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        return csv_rows(self.sections)

    def csv_text(self) -> str:
        return csv_text(self.sections)


# A document about one project, issued on demand while the person waits.
ProjectDocument = ProjectReport | ApprovalPage | SeminarMinutes


# --- builders -----------------------------------------------------------------------------------


def _load(project: ChangeProject) -> ChangeProject:
    return ChangeProject.objects.select_related(
        "participant", "coach", "mentor", "cohort", "agency"
    ).get(pk=project.pk)


def _letterhead(project: ChangeProject) -> Letterhead:
    ancestors = project.agency.ancestors()
    return Letterhead(
        agency=project.agency.name,
        parent_agency=ancestors[0].name if ancestors else "",
        programme=str(project.cohort),
        institution=project.cohort.institution,
    )


def _identity(project: ChangeProject, *extra: Field) -> FieldGroup:
    participant = Person.of(project.participant)
    agency_path = " › ".join(a.name for a in [*project.agency.ancestors(), project.agency])
    return FieldGroup(
        key="identitas",
        title=_("Identitas"),
        fields=(
            Field("judul", _("Judul"), project.title),
            Field("peserta", _("Nama peserta"), participant.name),
            Field("nip_peserta", _("NIP"), participant.nip),
            Field("jabatan_peserta", _("Jabatan"), participant.position),
            Field("instansi", _("Instansi"), agency_path),
            Field("program", _("Program"), str(project.cohort)),
            Field("lembaga_pelatihan", _("Lembaga pelatihan"), project.cohort.institution),
            *extra,
        ),
    )


def _subject(project: ChangeProject) -> str:
    return _("“%(title)s” oleh %(name)s") % {
        "title": project.title,
        "name": project.participant.get_full_name(),
    }


def _indicator_table(project: ChangeProject) -> Table:
    indicators = project.indicators.prefetch_related(
        Prefetch(
            "measurements",
            queryset=IndicatorMeasurement.objects.order_by("-measured_on", "-pk"),
            to_attr="newest_first",
        )
    ).order_by("pk")
    rows = []
    for item in indicators:
        latest = item.newest_first[0] if item.newest_first else None
        rows.append(
            (
                item.name,
                item.unit,
                item.baseline,
                item.target,
                latest.value if latest else None,
                latest.measured_on if latest else None,
            )
        )
    return Table(
        key="indikator",
        title=_("Indikator dampak"),
        columns=(
            Column("indikator", _("Indikator"), width="30%"),
            Column("satuan", _("Satuan"), width="12%"),
            Column("nilai_awal", _("Nilai awal"), "number", "12%"),
            Column("target", _("Target"), "number", "12%"),
            Column("capaian_terakhir", _("Capaian terakhir"), "number", "13%"),
            Column("tanggal_ukur", _("Tanggal pengukuran"), "date", "15%"),
        ),
        rows=tuple(rows),
        empty_text=_("Belum ada indikator dampak."),
    )


def _evidence_line(evidence: Evidence) -> str:
    if evidence.kind == Evidence.Kind.FILE:
        return _("%(caption)s (berkas %(name)s)") % {
            "caption": evidence.caption,
            "name": evidence.original_name or _("tanpa nama"),
        }
    return _("%(caption)s (tautan %(url)s)") % {"caption": evidence.caption, "url": evidence.url}


def _milestone_table(project: ChangeProject) -> Table:
    milestones = project.milestones.prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")),
        Prefetch(
            "ratings",
            queryset=MilestoneRating.objects.select_related("examiner").order_by(
                "examiner__full_name", "pk"
            ),
        ),
    )
    return Table(
        key="tonggak",
        title=_("Tonggak, bukti dan capaian"),
        columns=(
            Column("jangka", _("Jangka"), width="12%"),
            Column("kegiatan", _("Kegiatan dan keluaran"), width="22%"),
            Column("tenggat", _("Tenggat"), "date", "12%"),
            Column("status", _("Status"), width="15%"),
            Column("bukti", _("Bukti"), "longtext", "19%"),
            Column("capaian", _("Capaian menurut penguji"), "longtext", "14%"),
        ),
        rows=tuple(
            (
                milestone.get_term_display(),
                _("%(activity)s. Keluaran: %(output)s")
                % {"activity": milestone.activity, "output": milestone.expected_output},
                milestone.due_date,
                milestone.get_state_display(),
                "\n".join(_evidence_line(item) for item in milestone.evidence.all()),
                "\n".join(
                    f"{rating.get_rating_display()} ({rating.examiner.get_full_name()})"
                    for rating in milestone.ratings.all()
                ),
            )
            for milestone in milestones
        ),
        empty_text=_("Belum ada rencana tonggak."),
    )


def _consultation_count_table(project: ChangeProject) -> Table:
    labels = dict(Consultation.Stage.choices)
    counts = (
        project.consultations.values("stage")
        .annotate(
            recorded=Count("pk"),
            confirmed=Count("pk", filter=Q(status=Consultation.Status.CONFIRMED)),
            disputed=Count("pk", filter=Q(status=Consultation.Status.DISPUTED)),
        )
        .order_by()
    )
    by_stage = {row["stage"]: row for row in counts}
    return Table(
        key="konsultasi_per_tahap",
        title=_("Konsultasi per tahap"),
        columns=(
            Column("tahap", _("Tahap"), width="34%"),
            Column("dicatat", _("Dicatat"), "number", "20%"),
            Column("dikonfirmasi", _("Dikonfirmasi"), "number", "20%"),
            Column("disanggah", _("Disanggah"), "number", "20%"),
        ),
        rows=tuple(
            (
                labels[stage],
                by_stage[stage]["recorded"],
                by_stage[stage]["confirmed"],
                by_stage[stage]["disputed"],
            )
            for stage in Consultation.Stage.values
            if stage in by_stage
        ),
        empty_text=_("Belum ada konsultasi yang dicatat."),
    )


def _consultation_table(project: ChangeProject) -> Table:
    sessions = project.consultations.select_related("consultant").order_by("held_on", "pk")
    return Table(
        key="konsultasi",
        title=_("Catatan konsultasi"),
        columns=(
            Column("tanggal", _("Tanggal"), "date", "14%"),
            Column("dengan", _("Dengan"), width="22%"),
            Column("cara", _("Cara"), width="11%"),
            Column("topik", _("Topik dan hasil"), "longtext", "33%"),
            Column("status", _("Status"), width="14%"),
        ),
        rows=tuple(
            (
                session.held_on,
                f"{session.consultant.get_full_name()} ({session.get_consultant_role_display()})",
                session.get_mode_display(),
                f"{session.topic}\n{session.outcome}",
                session.get_status_display(),
            )
            for session in sessions
        ),
        hide_when_empty=True,
    )


def _proposal_seminar_table(project: ChangeProject) -> Table:
    results = project.proposal_seminar_results.select_related("seminar", "examiner").order_by(
        "recorded_at", "pk"
    )
    return Table(
        key="hasil_seminar_rancangan",
        title=_("Hasil seminar rancangan"),
        columns=(
            Column("seminar", _("Waktu seminar"), "datetime", "19%"),
            Column("penguji", _("Penguji"), width="24%"),
            Column("keputusan", _("Keputusan"), width="15%"),
            Column("catatan", _("Catatan"), "longtext", "36%"),
        ),
        rows=tuple(
            (
                result.seminar.starts_at,
                result.examiner.get_full_name(),
                result.get_decision_display(),
                result.notes,
            )
            for result in results
        ),
        hide_when_empty=True,
    )


def _signoff_table(project: ChangeProject) -> Table:
    signoffs = project.signoffs.select_related("signer").order_by("signed_at", "pk")
    return Table(
        key="persetujuan",
        title=_("Persetujuan coach dan mentor"),
        columns=(
            Column("tahap", _("Tahap"), width="13%"),
            Column("peran", _("Peran"), width="10%"),
            Column("nama", _("Nama"), width="18%"),
            Column("nip", _("NIP"), "nip", "19%"),
            Column("pernyataan", _("Pernyataan"), width="15%"),
            Column("waktu", _("Waktu"), "datetime", width="19%"),
        ),
        rows=tuple(
            (
                signoff.get_stage_display(),
                signoff.get_role_display(),
                signoff.signer.get_full_name(),
                signoff.signer.nip or "",
                signoff.wording,
                signoff.signed_at,
            )
            for signoff in signoffs
        ),
        empty_text=_("Belum ada persetujuan."),
    )


def _history_table(project: ChangeProject) -> Table:
    logs = project.transition_logs.select_related("actor").order_by("created_at", "pk")
    return Table(
        key="riwayat",
        title=_("Riwayat status"),
        columns=(
            Column("waktu", _("Waktu"), "datetime", width="19%"),
            Column("tindakan", _("Tindakan"), width="20%"),
            Column("status_baru", _("Status baru"), width="17%"),
            Column("oleh", _("Oleh"), width="19%"),
            Column("catatan", _("Catatan"), width="19%"),
        ),
        rows=tuple(
            (
                log.created_at,
                str(log.transition_label),
                log.get_to_state_display(),
                f"{log.actor.get_full_name()} ({log.get_role_display()})",
                log.comment,
            )
            for log in logs
        ),
        empty_text=_("Proyek belum pernah diajukan."),
    )


def _results_table(project: ChangeProject) -> Table:
    # The outcome of each results seminar as the workflow recorded it, with the score and
    # predikat the examiners' rubric gave when it was graded through a seminar.
    graded = project.transition_logs.filter(transition="grade").select_related("actor")
    grades = {
        grade.decided_at: grade
        for grade in SeminarGrade.objects.filter(project=project).order_by("decided_at", "pk")
    }
    rows = []
    for log in graded.order_by("created_at", "pk"):
        grade = grades.get(log.created_at)
        rows.append(
            (
                log.created_at,
                log.get_to_state_display(),
                grade.score if grade else None,
                grade.predikat if grade else "",
                log.actor.get_full_name(),
                log.comment,
            )
        )
    return Table(
        key="hasil_seminar",
        title=_("Hasil seminar laporan"),
        columns=(
            Column("waktu", _("Waktu"), "datetime", width="18%"),
            Column("hasil", _("Hasil"), width="11%"),
            Column("nilai", _("Nilai akhir"), "score", "10%"),
            Column("predikat", _("Predikat"), width="15%"),
            Column("penguji", _("Ditetapkan oleh"), width="17%"),
            Column("catatan", _("Catatan"), width="23%"),
        ),
        rows=tuple(rows),
        hide_when_empty=True,
    )


# The project report's tables in print order, each a function of the project returning a Table.
# Comments are never printed: some are for reviewers only, and a document travels further than
# the page it came from.
REPORT_TABLES: list[Callable[[ChangeProject], Table]] = [
    _milestone_table,
    _indicator_table,
    _consultation_count_table,
    _consultation_table,
    _signoff_table,
    _proposal_seminar_table,
    _results_table,
    _history_table,
]


def project_report_data(project: ChangeProject) -> ProjectReport:
    """The project report's content: identity, narrative, then REPORT_TABLES in order."""
    project = _load(project)
    status = project.get_state_display()
    if project.state == ChangeProject.State.DEFERRED and project.deferral_deadline:
        status = _("%(state)s, batas pengajuan ulang %(date)s") % {
            "state": status,
            "date": _long_date(project.deferral_deadline),
        }
    grade = SeminarGrade.objects.filter(project=project).order_by("-decided_at", "-pk").first()
    graded = (
        (
            Field("nilai_akhir", _("Nilai akhir"), grade.score, "score"),
            Field("predikat", _("Predikat"), grade.predikat),
        )
        if grade
        else ()
    )
    identity = _identity(
        project,
        Field("coach", _("Coach"), _person_line(project.coach)),
        Field("mentor", _("Mentor"), _person_line(project.mentor)),
        Field("status", _("Status"), status),
        *graded,
    )
    narrative = FieldGroup(
        key="uraian",
        title=_("Uraian"),
        fields=(
            Field(
                "masalah", _("Latar belakang dan masalah"), project.problem_statement, "longtext"
            ),
            Field("inovasi", _("Ringkasan inovasi"), project.innovation_summary, "longtext"),
            Field("tujuan_pendek", _("Tujuan jangka pendek"), project.goal_short_term, "longtext"),
            Field(
                "tujuan_menengah", _("Tujuan jangka menengah"), project.goal_medium_term, "longtext"
            ),
            Field("tujuan_panjang", _("Tujuan jangka panjang"), project.goal_long_term, "longtext"),
            Field("pemangku", _("Pemangku kepentingan"), project.stakeholders, "longtext"),
        ),
    )
    return ProjectReport(
        project_id=project.pk,
        letterhead=_letterhead(project),
        document_title=_("Laporan %(label)s") % {"label": project.project_label},
        project_title=project.title,
        authors=(project.participant.get_full_name(),),
        subject=_subject(project),
        identity=identity,
        narrative=narrative,
        tables=tuple(build(project) for build in REPORT_TABLES),
    )


def approved_proposal_submission(project: ChangeProject) -> TransitionLog | None:
    """The latest proposal submission that both the coach and the mentor signed off."""
    submission_id = (
        SignOff.objects.filter(project=project, stage=SignOff.Stage.PROPOSAL)
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
    project = _load(project)
    order = {Role.COACH: 0, Role.MENTOR: 1}
    signoffs = sorted(
        submission.signoffs.filter(stage=SignOff.Stage.PROPOSAL).select_related("signer"),
        key=lambda signoff: order[signoff.role],
    )
    signatures = tuple(
        Signature(
            role=signoff.get_role_display(),
            person=Person.of(signoff.signer),
            wording=signoff.wording,
            signed_at=signoff.signed_at,
        )
        for signoff in signoffs
    )
    identity = _identity(
        project, Field("diajukan", _("Rancangan diajukan"), submission.created_at, "datetime")
    )
    return ApprovalPage(
        project_id=project.pk,
        letterhead=_letterhead(project),
        document_title=_("Lembar persetujuan rancangan %(label)s")
        % {"label": project.project_label},
        project_label=project.project_label,
        project_title=project.title,
        authors=tuple(signature.person.name for signature in signatures),
        subject=_subject(project),
        identity=identity,
        signatures=signatures,
    )


def _person_line(user: User | None) -> str:
    if user is None:
        return ""
    person = Person.of(user)
    return f"{person.name} (NIP {person.nip})" if person.nip else person.name


def _long_date(value: datetime.date) -> str:
    return date_format(value, "j F Y")


# --- seminar minutes (berita acara) -------------------------------------------------------------


def may_download_minutes(seminar: Seminar, project: ChangeProject, user: User) -> bool:
    """Whether the user may take the minutes of this project at this seminar.

    The project's participant, coach and mentor, the seminar's own examiners, the organisers of
    its cohort and the admin. Reads prefetched examiners and remembers the organisers per cohort,
    so a seminar page with many projects asks once.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.pk in (
        project.participant_id,
        project.coach_id,
        project.mentor_id,
    ):
        return True
    if any(examiner.pk == user.pk for examiner in seminar.examiners.all()):
        return True
    cohort = seminar.cohort
    if "_organiser_ids" not in cohort.__dict__:
        cohort.__dict__["_organiser_ids"] = set(cohort.organisers.values_list("pk", flat=True))
    return user.pk in cohort.__dict__["_organiser_ids"]


def minutes_recorded(seminar: Seminar, project: ChangeProject) -> bool:
    """Whether the seminar's result for the project is recorded, so its minutes can be issued."""
    if seminar.kind == Seminar.Kind.PROPOSAL:
        return seminar.proposal_results.filter(project=project).exists()
    return seminar.grades.filter(project=project).exists()


def _ordinal_examiners(seminar: Seminar) -> list[tuple[str, User]]:
    examiners = sorted(seminar.examiners.all(), key=lambda person: (person.full_name, person.pk))
    return [
        (_("Penguji %(number)s") % {"number": ROMAN[number]}, examiner)
        for number, examiner in enumerate(examiners, start=1)
    ]


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


def seminar_minutes_data(seminar: Seminar, project: ChangeProject) -> SeminarMinutes | None:
    """The minutes of the project at the seminar, or None while its result is not recorded."""
    seminar = (
        Seminar.objects.select_related("cohort").prefetch_related("examiners").get(pk=seminar.pk)
    )
    if not minutes_recorded(seminar, project):
        return None
    project = _load(project)
    ordinals = _ordinal_examiners(seminar)
    label_of = {examiner.pk: label for label, examiner in ordinals}
    if seminar.kind == Seminar.Kind.PROPOSAL:
        results, outcome, signatures = _proposal_minutes(seminar, project, label_of)
        ratings_rows: tuple = ()
    else:
        results, outcome, signatures = _results_minutes(seminar, project, label_of)
        ratings_rows = tuple(
            (
                rating.milestone.activity,
                label_of.get(rating.examiner_id, rating.examiner.get_full_name()),
                rating.get_rating_display(),
                rating.note,
            )
            for rating in MilestoneRating.objects.filter(
                seminar=seminar, milestone__project=project
            )
            .select_related("milestone", "examiner")
            .order_by(
                "milestone__order", "milestone__due_date", "milestone_id", "examiner__full_name"
            )
        )
    starts = timezone.localtime(seminar.starts_at)
    kind_label = seminar.get_kind_display()
    opening = _(
        "Pada hari ini %(weekday)s, tanggal %(date)s, pukul %(time)s, %(where)s telah "
        "dilaksanakan %(seminar)s %(label)s peserta %(cohort)s yang diselenggarakan oleh "
        "%(institution)s, dengan hasil sebagai berikut."
    ) % {
        "weekday": date_format(starts, "l"),
        "date": _long_date(starts.date()),
        "time": date_format(starts, "H.i T"),
        "where": (
            _("bertempat di %(place)s,") % {"place": seminar.place}
            if seminar.place
            else _("secara daring,")
        ),
        "seminar": str(kind_label).lower(),
        "label": project.project_label,
        "cohort": project.cohort,
        "institution": project.cohort.institution,
    }
    where = []
    if seminar.place:
        where.append(Field("tempat", _("Tempat"), seminar.place))
    if seminar.online_link:
        where.append(Field("tautan", _("Tautan daring"), seminar.online_link))
    seminar_fields = FieldGroup(
        key="seminar",
        title=_("Pelaksanaan seminar"),
        fields=(
            Field("jenis", _("Jenis seminar"), kind_label),
            Field("waktu", _("Waktu"), seminar.starts_at, "datetime"),
            *where,
        ),
    )
    participant = Person.of(project.participant)
    identity = FieldGroup(
        key="identitas",
        title=_("Identitas"),
        fields=(
            Field("judul", _("Judul"), project.title),
            Field("peserta", _("Nama peserta"), participant.name),
            Field("nip_peserta", _("NIP"), participant.nip),
            Field("jabatan_peserta", _("Jabatan"), participant.position),
            Field("instansi", _("Instansi"), project.agency.name),
            Field("coach", _("Coach"), _person_line(project.coach)),
            Field("mentor", _("Mentor"), _person_line(project.mentor)),
        ),
    )
    examiners = Table(
        key="penguji",
        title=_("Penguji"),
        columns=(
            Column("sebutan", _("Sebutan"), width="14%"),
            Column("nama", _("Nama"), width="30%"),
            Column("nip", _("NIP"), "nip", "20%"),
            Column("jabatan", _("Jabatan"), width="30%"),
        ),
        rows=tuple(
            (label, examiner.get_full_name(), examiner.nip or "", examiner.position)
            for label, examiner in ordinals
        ),
        empty_text=_("Belum ada penguji yang ditetapkan."),
    )
    ratings = Table(
        key="capaian_tonggak",
        title=_("Capaian tonggak jangka pendek"),
        columns=(
            Column("tonggak", _("Tonggak"), width="38%"),
            Column("penguji", _("Penguji"), width="14%"),
            Column("capaian", _("Capaian"), width="18%"),
            Column("catatan", _("Catatan"), width="24%"),
        ),
        rows=ratings_rows,
        hide_when_empty=True,
    )
    return SeminarMinutes(
        project_id=project.pk,
        seminar_id=seminar.pk,
        letterhead=_letterhead(project),
        document_title=_("Berita acara %(seminar)s") % {"seminar": kind_label.lower()},
        heading=f"{str(kind_label).title()} {project.project_label}",
        project_title=project.title,
        authors=tuple(signature.person.name for signature in signatures),
        subject=_subject(project),
        opening=opening,
        seminar=seminar_fields,
        identity=identity,
        examiners=examiners,
        results=results,
        outcome=outcome,
        ratings=ratings,
        signatures=signatures,
    )


def _proposal_minutes(seminar, project, label_of):
    recorded = list(
        seminar.proposal_results.filter(project=project)
        .select_related("examiner")
        .order_by("recorded_at", "pk")
    )
    results = Table(
        key="hasil",
        title=_("Hasil seminar"),
        columns=(
            Column("penguji", _("Penguji"), width="24%"),
            Column("keputusan", _("Keputusan"), width="15%"),
            Column("catatan", _("Catatan"), "longtext", "36%"),
            Column("waktu", _("Dicatat pada"), "datetime", "19%"),
        ),
        rows=tuple(
            (
                result.examiner.get_full_name(),
                result.get_decision_display(),
                result.notes,
                result.recorded_at,
            )
            for result in recorded
        ),
    )
    final = recorded[-1]
    outcome = FieldGroup(
        key="kesimpulan",
        title=_("Kesimpulan"),
        fields=(
            Field(
                "keputusan",
                _("Rancangan dinyatakan"),
                _("Diterima dan dilanjutkan ke implementasi")
                if final.accepted
                else _("Perlu direvisi sebelum diajukan kembali"),
            ),
            Field("catatan", _("Catatan penguji"), final.notes, "longtext"),
        ),
    )
    signatures = []
    seen = set()
    for result in reversed(recorded):
        if result.examiner_id in seen:
            continue
        seen.add(result.examiner_id)
        signatures.append(
            Signature(
                role=label_of.get(result.examiner_id, str(Role.EXAMINER.label)),
                person=Person.of(result.examiner),
                wording=str(_("Mencatat hasil seminar")),
                signed_at=result.recorded_at,
            )
        )
    return results, outcome, tuple(reversed(signatures))


def _results_minutes(seminar, project, label_of):
    grade = seminar.grades.select_related("decided_by").get(project=project)
    summary = score_summaries(seminar, [project])[project.pk]
    sheets = [sheet for sheet in summary.sheets if sheet.scores]
    examiner_columns = tuple(
        Column(
            f"nilai_penguji_{number}",
            label_of.get(sheet.examiner.pk, sheet.examiner.get_full_name()),
            "number",
            f"{max(10, 44 // max(1, len(sheets)))}%",
        )
        for number, sheet in enumerate(sheets, start=1)
    )
    rows = [
        (criterion.name, criterion.weight, *(sheet.scores.get(criterion.pk) for sheet in sheets))
        for criterion in summary.criteria
    ]
    results = Table(
        key="nilai",
        title=_("Nilai per kriteria"),
        columns=(
            Column("kriteria", _("Kriteria"), width="40%"),
            Column("bobot", _("Bobot"), "number", "10%"),
            *examiner_columns,
        ),
        rows=tuple(rows),
        empty_text=_("Belum ada nilai yang dicatat."),
    )
    outcome = FieldGroup(
        key="kesimpulan",
        title=_("Kesimpulan"),
        fields=(
            *(
                Field(
                    f"total_penguji_{number}",
                    _("Total tertimbang %(examiner)s")
                    % {"examiner": label_of.get(sheet.examiner.pk, sheet.examiner.get_full_name())},
                    sheet.total,
                    "score",
                )
                for number, sheet in enumerate(sheets, start=1)
            ),
            Field("nilai_akhir", _("Nilai akhir (rata-rata penguji)"), grade.score, "score"),
            Field("predikat", _("Predikat"), grade.predikat),
            Field("hasil", _("Hasil"), grade.get_outcome_display()),
            Field("catatan", _("Catatan penguji"), grade.notes, "longtext"),
            Field("ditetapkan_oleh", _("Ditetapkan oleh"), grade.decided_by.get_full_name()),
            Field("ditetapkan_pada", _("Ditetapkan pada"), grade.decided_at, "datetime"),
        ),
    )
    scored_at = dict(
        RubricScore.objects.filter(seminar=seminar, project=project)
        .values("examiner")
        .annotate(last=Max("scored_at"))
        .values_list("examiner", "last")
    )
    signatures = []
    for sheet in sheets:
        examiner = sheet.examiner
        decided = examiner.pk == grade.decided_by_id
        signatures.append(
            Signature(
                role=label_of.get(examiner.pk, str(Role.EXAMINER.label)),
                person=Person.of(examiner),
                wording=str(
                    _("Mengisi nilai dan menetapkan hasil") if decided else _("Mengisi nilai")
                ),
                signed_at=grade.decided_at if decided else scored_at[examiner.pk],
            )
        )
    return results, outcome, tuple(signatures)
