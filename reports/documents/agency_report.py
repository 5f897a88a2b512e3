"""The agency impact report: every project of an agency and its units (optionally of one cohort
or year), with figures, charts' data, and one section per project."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.documents.base import (
    Column,
    Document,
    Field,
    FieldGroup,
    Kind,
    Letterhead,
    Section,
    Table,
)
from reports.documents.project_lines import (
    PASSED_STATES,
    MonthCount,
    ProjectLine,
    TermCount,
    accepted_trend,
    count_table,
    grade_counts,
    mean_score,
    month_table,
    project_lines,
    state_counts,
    term_table,
    term_totals,
)
from reports.impact import ImpactSection, impact_section
from tracker.models import Agency, ChangeProject, Cohort
from tracker.selectors import agency_subtree_ids


@dataclass(frozen=True)
class AgencyReport(Document):
    """Every project of an agency and its units (optionally one cohort or year): figures,
    charts' data, and one section per project."""

    kind: ClassVar[str] = Kind.AGENCY_REPORT
    template_name: ClassVar[str] = "reports/agency_report.html"
    csv_name: ClassVar[str] = "laporan-dampak-instansi.csv"

    agency_id: int
    letterhead: Letterhead
    document_title: str
    scope_title: str
    scope_note: str
    authors: tuple[str, ...]
    subject: str
    as_of: datetime.date
    figures: FieldGroup
    states: Table
    grades: Table
    terms: tuple[TermCount, ...]
    trend: tuple[MonthCount, ...]
    lines: tuple[ProjectLine, ...]
    impact: ImpactSection

    @property
    def accepted_lately(self) -> int:
        return sum(row.accepted for row in self.trend)

    @property
    def sections(self) -> list[Section]:
        lines = list(self.lines)
        return [
            self.figures,
            self.states,
            self.grades,
            term_table(list(self.terms)),
            month_table(list(self.trend)),
            _projects_table(lines),
            _project_terms_table(lines),
            _overdue_table(lines),
            _indicators_table(lines),
            *self.impact.sections,
        ]


def _projects_table(lines: list[ProjectLine]) -> Table:
    return Table(
        key="proyek",
        title=_("Proyek"),
        columns=(
            Column("judul", _("Judul")),
            Column("peserta", _("Peserta")),
            Column("nip", _("NIP"), "nip"),
            Column("jabatan", _("Jabatan")),
            Column("unit", _("Unit kerja")),
            Column("angkatan", _("Angkatan")),
            Column("coach", _("Coach")),
            Column("mentor", _("Mentor")),
            Column("status", _("Status")),
            Column("nilai", _("Nilai akhir"), "score"),
            Column("predikat", _("Predikat")),
            Column("tonggak_diterima", _("Tonggak diterima"), "number"),
            Column("tonggak_jumlah", _("Jumlah tonggak"), "number"),
            Column("inovasi", _("Ringkasan inovasi"), "longtext"),
            Column("tujuan_pendek", _("Tujuan jangka pendek"), "longtext"),
        ),
        rows=tuple(
            (
                line.title,
                line.participant,
                line.nip,
                line.position,
                line.unit,
                line.cohort,
                line.coach,
                line.mentor,
                line.state_label,
                line.score,
                line.predikat,
                line.milestones_accepted,
                line.milestones_total,
                line.innovation,
                line.goal_short_term,
            )
            for line in lines
        ),
    )


def _project_terms_table(lines: list[ProjectLine]) -> Table:
    return Table(
        key="tonggak_proyek",
        title=_("Tonggak per proyek"),
        columns=(
            Column("proyek", _("Proyek no."), "number"),
            Column("jangka", _("Jangka")),
            Column("diterima", _("Diterima"), "number"),
            Column("dalam_proses", _("Dalam proses"), "number"),
            Column("direncanakan", _("Direncanakan"), "number"),
        ),
        rows=tuple(
            (line.number, term.label, term.accepted, term.under_way, term.planned)
            for line in lines
            for term in line.terms
            if term.total
        ),
    )


def _overdue_table(lines: list[ProjectLine]) -> Table:
    return Table(
        key="tonggak_terlambat",
        title=_("Tonggak melewati tenggat"),
        columns=(
            Column("proyek", _("Proyek no."), "number"),
            Column("kegiatan", _("Kegiatan")),
            Column("tenggat", _("Tenggat"), "date"),
        ),
        rows=tuple(
            (line.number, activity, due) for line in lines for activity, due in line.overdue
        ),
    )


def _indicators_table(lines: list[ProjectLine]) -> Table:
    return Table(
        key="indikator",
        title=_("Indikator dampak"),
        columns=(
            Column("proyek", _("Proyek no."), "number"),
            Column("indikator", _("Indikator")),
            Column("satuan", _("Satuan")),
            Column("nilai_awal", _("Nilai awal"), "number"),
            Column("target", _("Target"), "number"),
            Column("capaian_terakhir", _("Capaian terakhir"), "number"),
            Column("tanggal_ukur", _("Tanggal pengukuran"), "date"),
        ),
        rows=tuple(
            (
                line.number,
                item.name,
                item.unit,
                item.baseline,
                item.target,
                item.latest,
                item.measured_on,
            )
            for line in lines
            for item in line.indicators
        ),
    )


def agency_projects(
    agency: Agency, *, cohort: Cohort | None = None, year: int | None = None
) -> QuerySet[ChangeProject]:
    """The projects an agency report covers: the agency's and its units', optionally filtered."""
    projects = ChangeProject.objects.filter(agency_id__in=agency_subtree_ids([agency.pk]))
    if cohort is not None:
        projects = projects.filter(cohort=cohort)
    if year is not None:
        projects = projects.filter(cohort__year=year)
    return projects


def agency_scope_note(cohort: Cohort | None, year: int | None) -> str:
    """Which projects the report covers, in words."""
    if cohort is not None:
        return str(cohort)
    if year is not None:
        return _("Semua angkatan tahun %(year)s") % {"year": year}
    return _("Semua angkatan")


def agency_report_data(
    agency: Agency,
    *,
    cohort: Cohort | None = None,
    year: int | None = None,
    today: datetime.date | None = None,
) -> AgencyReport:
    """The agency impact report's content as of today (overdue milestones depend on the day)."""
    today = today or timezone.localdate()
    projects = agency_projects(agency, cohort=cohort, year=year)
    lines = project_lines(projects, today=today)
    ancestors = agency.ancestors()
    scope_note = agency_scope_note(cohort, year)
    indicators = [item for line in lines for item in line.indicators]
    measured = [item for item in indicators if item.latest is not None]
    milestones = sum(line.milestones_total for line in lines)
    accepted = sum(line.milestones_accepted for line in lines)
    score = mean_score(lines)
    figures = FieldGroup(
        key="ringkasan",
        title=_("Ringkasan"),
        fields=(
            Field("instansi", _("Instansi"), agency.name),
            Field("cakupan", _("Cakupan"), scope_note),
            Field("keadaan_per", _("Keadaan per"), today, "date"),
            Field("proyek", _("Jumlah proyek"), len(lines), "number"),
            Field("unit_kerja", _("Unit kerja"), len({line.unit for line in lines}), "number"),
            Field(
                "lulus",
                _("Lulus seminar laporan"),
                sum(1 for line in lines if line.state in PASSED_STATES),
                "number",
            ),
            Field("rata_rata_nilai", _("Rata-rata nilai akhir"), score, "score"),
            Field("tonggak_diterima", _("Tonggak diterima"), accepted, "number"),
            Field("tonggak_jumlah", _("Jumlah tonggak"), milestones, "number"),
            Field(
                "tonggak_terlambat",
                _("Tonggak melewati tenggat"),
                sum(len(line.overdue) for line in lines),
                "number",
            ),
            Field("indikator", _("Indikator dampak"), len(indicators), "number"),
            Field("indikator_diukur", _("Indikator yang sudah diukur"), len(measured), "number"),
            Field(
                "indikator_tercapai",
                _("Indikator yang mencapai target"),
                sum(1 for item in measured if item.reached),
                "number",
            ),
        ),
    )
    return AgencyReport(
        agency_id=agency.pk,
        letterhead=Letterhead(
            agency=agency.name,
            parent_agency=ancestors[0].name if ancestors else "",
            programme=_("Laporan dampak proyek perubahan"),
            institution=scope_note,
        ),
        document_title=_("Laporan dampak proyek perubahan"),
        scope_title=_("%(agency)s dan unit di bawahnya") % {"agency": agency.name},
        scope_note=scope_note,
        authors=(agency.name,),
        subject=_("%(agency)s dan unit di bawahnya · %(scope)s")
        % {"agency": agency.name, "scope": scope_note},
        as_of=today,
        figures=figures,
        states=count_table(
            "status",
            _("Status proyek"),
            _("Status"),
            state_counts(lines),
            _("Belum ada proyek."),
        ),
        grades=count_table(
            "predikat",
            _("Sebaran predikat"),
            _("Predikat"),
            grade_counts(lines),
            _("Belum ada proyek."),
        ),
        terms=tuple(term_totals(lines)),
        trend=tuple(accepted_trend(projects, today=today)),
        lines=tuple(lines),
        # Agency heads read the figures and the answers, but not free text.
        impact=impact_section(projects, today=today, free_text=False),
    )


def cohort_years(projects: QuerySet[ChangeProject]) -> list[int]:
    """The cohort years the projects span, newest first (for the report's year filter)."""
    return sorted(set(projects.values_list("cohort__year", flat=True)), reverse=True)


def agency_cohorts(projects: QuerySet[ChangeProject]) -> QuerySet[Cohort]:
    """The cohorts the projects belong to (for the report's cohort filter)."""
    return Cohort.objects.filter(pk__in=projects.values("cohort")).order_by(
        "-year", "programme", "number"
    )
