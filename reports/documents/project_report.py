"""The project report: identity, problem, goals, milestones and their evidence, consultations,
sign-offs, seminar results, indicators and the transition history of one project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from mentoring.models import Consultation, SeminarGrade
from milestones.models import Evidence, IndicatorMeasurement, MilestoneRating
from reports.documents.base import (
    Column,
    Document,
    Field,
    FieldGroup,
    Kind,
    Letterhead,
    Section,
    Table,
    load_project,
    long_date,
    person_line,
    project_identity,
    project_letterhead,
    project_subject,
)
from tracker.models import ChangeProject


@dataclass(frozen=True)
class ProjectReport(Document):
    """Everything the project report prints; later sections plug in through REPORT_TABLES."""

    kind: ClassVar[str] = Kind.PROJECT_REPORT
    template_name: ClassVar[str] = "reports/project_report.html"
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
    def sections(self) -> list[Section]:
        return [self.identity, self.narrative, *self.tables]


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
    labels = {value: str(label) for value, label in Consultation.Stage.choices}
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
    project = load_project(project)
    status = project.get_state_display()
    if project.state == ChangeProject.State.DEFERRED and project.deferral_deadline:
        status = _("%(state)s, batas pengajuan ulang %(date)s") % {
            "state": status,
            "date": long_date(project.deferral_deadline),
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
    identity = project_identity(
        project,
        Field("coach", _("Coach"), person_line(project.coach)),
        Field("mentor", _("Mentor"), person_line(project.mentor)),
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
        letterhead=project_letterhead(project),
        document_title=_("Laporan %(label)s") % {"label": project.project_label},
        project_title=project.title,
        authors=(project.participant.get_full_name(),),
        subject=project_subject(project),
        identity=identity,
        narrative=narrative,
        tables=tuple(build(project) for build in REPORT_TABLES),
    )
