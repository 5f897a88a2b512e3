"""Data of the documents about many projects: the agency impact report and the cohort recap.

Like the project documents in selectors.py, each is a plain object built apart from its layout;
everything it prints is also in its CSV, so the CSV's hash names the document's content. The
builders ask a fixed number of queries whatever the number of projects.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.models import SeminarGrade
from milestones.models import WORK_STATES, IndicatorMeasurement, Milestone, Term
from reports.models import GeneratedDocument
from reports.selectors import (
    Column,
    Field,
    FieldGroup,
    Letterhead,
    Table,
    Value,
    csv_rows,
    csv_text,
)
from tracker.models import Agency, ChangeProject, Cohort, ImpactIndicator, Seminar, User
from tracker.selectors import agency_subtree_ids

Kind = GeneratedDocument.Kind
State = ChangeProject.State
CENT = Decimal("0.01")
# A project that passed its results seminar stays "passed" through monitoring and completion.
PASSED_STATES = frozenset({State.PASSED, State.MONITORING, State.COMPLETED})
UNDER_WAY = frozenset(
    {Milestone.State.IN_PROGRESS, Milestone.State.SUBMITTED, Milestone.State.RETURNED}
)


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None
    measured_on: datetime.date | None

    @property
    def reached(self) -> bool | None:
        """Whether the latest value reached the target, in the direction the target lies."""
        if self.latest is None:
            return None
        if self.target >= self.baseline:
            return self.latest >= self.target
        return self.latest <= self.target


@dataclass(frozen=True)
class TermCount:
    term: str
    label: str
    accepted: int
    under_way: int
    planned: int

    @property
    def total(self) -> int:
        return self.accepted + self.under_way + self.planned


@dataclass(frozen=True)
class ProjectLine:
    """One project as the multi-project documents print it."""

    number: int
    project_id: int
    title: str
    participant: str
    nip: str
    position: str
    unit: str
    cohort: str
    coach: str
    mentor: str
    state: str
    state_label: str
    score: Decimal | None
    predikat: str
    innovation: str
    goal_short_term: str
    terms: tuple[TermCount, ...]
    overdue: tuple[tuple[str, datetime.date], ...]
    indicators: tuple[IndicatorLine, ...]

    @property
    def anchor(self) -> str:
        return f"proyek-{self.project_id}"

    @property
    def milestones_total(self) -> int:
        return sum(term.total for term in self.terms)

    @property
    def milestones_accepted(self) -> int:
        return sum(term.accepted for term in self.terms)

    @property
    def term_summary(self) -> str:
        """Accepted of planned per term that has milestones: "Jangka pendek 2/3; ..."."""
        return "; ".join(
            f"{term.label} {term.accepted}/{term.total}" for term in self.terms if term.total
        )

    @property
    def milestone_share(self) -> int:
        total = self.milestones_total
        return self.milestones_accepted * 100 // total if total else 0


def _name(user: User | None) -> str:
    return user.get_full_name() if user else ""


def project_lines(projects: QuerySet[ChangeProject], *, today: datetime.date) -> list[ProjectLine]:
    """Every project of the queryset as a ProjectLine, numbered in print order: six queries."""
    projects = projects.select_related(
        "participant", "agency", "cohort", "coach", "mentor"
    ).order_by("agency__name", "cohort__year", "cohort_id", "participant__full_name", "pk")
    chosen = projects.values("pk")
    grades: dict[int, SeminarGrade] = {}
    for grade in SeminarGrade.objects.filter(project__in=chosen).order_by("decided_at", "pk"):
        grades[grade.project_id] = grade  # the latest one wins
    counts: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for project_id, term, state, total in (
        Milestone.objects.filter(project__in=chosen)
        .values_list("project_id", "term", "state")
        .annotate(total=Count("pk"))
        .order_by()
    ):
        counts[project_id][term][state] = total
    overdue: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for project_id, activity, due in (
        Milestone.objects.filter(
            project__in=chosen, due_date__lt=today, project__state__in=WORK_STATES
        )
        .exclude(state=Milestone.State.ACCEPTED)
        .order_by("due_date", "pk")
        .values_list("project_id", "activity", "due_date")
    ):
        overdue[project_id].append((activity, due))
    newest = IndicatorMeasurement.objects.filter(indicator=OuterRef("pk")).order_by(
        "-measured_on", "-pk"
    )
    indicators: dict[int, list[IndicatorLine]] = defaultdict(list)
    for project_id, name, unit, baseline, target, latest, measured_on in (
        ImpactIndicator.objects.filter(project__in=chosen)
        .annotate(
            latest=Subquery(newest.values("value")[:1]),
            measured_on=Subquery(newest.values("measured_on")[:1]),
        )
        .order_by("project_id", "pk")
        .values_list("project_id", "name", "unit", "baseline", "target", "latest", "measured_on")
    ):
        # A subquery's decimal comes back unscaled on SQLite: give it the field's two places.
        latest = None if latest is None else Decimal(latest).quantize(CENT)
        indicators[project_id].append(
            IndicatorLine(name, unit, baseline, target, latest, measured_on)
        )
    # Labels are translated once, not once per project (a hundred projects, thousands of calls).
    state_labels = {value: str(label) for value, label in State.choices}
    term_labels = [(term.value, str(term.label)) for term in Term]
    lines = []
    for number, project in enumerate(projects, start=1):
        grade = grades.get(project.pk)
        by_term = counts[project.pk]
        lines.append(
            ProjectLine(
                number=number,
                project_id=project.pk,
                title=project.title,
                participant=_name(project.participant),
                nip=project.participant.nip or "",
                position=project.participant.position,
                unit=project.agency.name,
                cohort=str(project.cohort),
                coach=_name(project.coach),
                mentor=_name(project.mentor),
                state=project.state,
                state_label=state_labels[project.state],
                score=grade.score if grade else None,
                predikat=grade.predikat if grade else "",
                innovation=project.innovation_summary,
                goal_short_term=project.goal_short_term,
                terms=tuple(
                    TermCount(
                        term=term,
                        label=label,
                        accepted=by_term[term][Milestone.State.ACCEPTED],
                        under_way=sum(by_term[term][state] for state in UNDER_WAY),
                        planned=by_term[term][Milestone.State.PLANNED],
                    )
                    for term, label in term_labels
                ),
                overdue=tuple(overdue[project.pk]),
                indicators=tuple(indicators[project.pk]),
            )
        )
    return lines


# --- what both documents count ------------------------------------------------------------------


def state_counts(lines: list[ProjectLine]) -> list[tuple[str, int]]:
    """(state label, projects) in workflow order, leaving out states no project is in."""
    counted = Counter(line.state for line in lines)
    return [(str(label), counted[value]) for value, label in State.choices if counted[value]]


def grade_counts(lines: list[ProjectLine]) -> list[tuple[str, int]]:
    """(predikat, projects), best predikat first, then the projects not graded yet."""
    graded = [line for line in lines if line.predikat]
    best = defaultdict(Decimal)
    for line in graded:
        best[line.predikat] = max(best[line.predikat], line.score)
    counted = Counter(line.predikat for line in graded)
    rows = [(label, counted[label]) for label in sorted(counted, key=lambda p: -best[p])]
    ungraded = len(lines) - len(graded)
    if ungraded:
        rows.append((_("Belum dinilai"), ungraded))
    return rows


def term_totals(lines: list[ProjectLine]) -> list[TermCount]:
    """Milestones of all the projects per term: accepted, under way, planned."""
    totals = []
    for index, term in enumerate(Term):
        totals.append(
            TermCount(
                term=term.value,
                label=str(term.label),
                accepted=sum(line.terms[index].accepted for line in lines),
                under_way=sum(line.terms[index].under_way for line in lines),
                planned=sum(line.terms[index].planned for line in lines),
            )
        )
    return totals


def mean_score(lines: list[ProjectLine]) -> Decimal | None:
    scores = [line.score for line in lines if line.score is not None]
    if not scores:
        return None
    return (sum(scores) / len(scores)).quantize(CENT, ROUND_HALF_UP)


def _count_table(key: str, title: str, label: str, rows: list[tuple[str, int]], empty: str):
    return Table(
        key=key,
        title=title,
        columns=(Column("label", label, width="70%"), Column("jumlah", _("Jumlah"), "number")),
        rows=tuple(rows),
        empty_text=empty,
    )


def _term_table(terms: list[TermCount]) -> Table:
    return Table(
        key="tonggak",
        title=_("Kemajuan tonggak"),
        columns=(
            Column("jangka", _("Jangka"), width="30%"),
            Column("diterima", _("Diterima"), "number", "16%"),
            Column("dalam_proses", _("Dalam proses"), "number", "16%"),
            Column("direncanakan", _("Direncanakan"), "number", "16%"),
            Column("jumlah", _("Jumlah"), "number", "16%"),
        ),
        rows=tuple(
            (term.label, term.accepted, term.under_way, term.planned, term.total) for term in terms
        ),
    )


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


# --- the agency impact report -------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyReport:
    """Every project of an agency and its units (optionally one cohort or year): figures,
    charts' data, and one section per project."""

    kind: ClassVar[str] = Kind.AGENCY_REPORT
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
    lines: tuple[ProjectLine, ...]

    @property
    def sections(self) -> list[FieldGroup | Table]:
        lines = list(self.lines)
        return [
            self.figures,
            self.states,
            self.grades,
            _term_table(list(self.terms)),
            _projects_table(lines),
            _project_terms_table(lines),
            _overdue_table(lines),
            _indicators_table(lines),
        ]

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        return csv_rows(self.sections)

    def csv_text(self) -> str:
        return csv_text(self.sections)


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
    lines = project_lines(agency_projects(agency, cohort=cohort, year=year), today=today)
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
        states=_count_table(
            "status",
            _("Status proyek"),
            _("Status"),
            state_counts(lines),
            _("Belum ada proyek."),
        ),
        grades=_count_table(
            "predikat",
            _("Sebaran predikat"),
            _("Predikat"),
            grade_counts(lines),
            _("Belum ada proyek."),
        ),
        terms=tuple(term_totals(lines)),
        lines=tuple(lines),
    )


# --- the cohort recap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRecap:
    """One cohort at a glance for its organisers: where every project stands."""

    kind: ClassVar[str] = Kind.COHORT_RECAP
    csv_name: ClassVar[str] = "rekapitulasi-angkatan.csv"

    cohort_id: int
    letterhead: Letterhead
    document_title: str
    scope_title: str
    scope_note: str
    authors: tuple[str, ...]
    subject: str
    as_of: datetime.date
    identity: FieldGroup
    figures: FieldGroup
    states: Table
    grades: Table
    terms: tuple[TermCount, ...]
    seminars: Table
    lines: tuple[ProjectLine, ...]

    @property
    def sections(self) -> list[FieldGroup | Table]:
        lines = list(self.lines)
        return [
            self.identity,
            self.figures,
            self.states,
            self.grades,
            _term_table(list(self.terms)),
            self.seminars,
            _recap_lines_table(lines),
        ]

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        return csv_rows(self.sections)

    def csv_text(self) -> str:
        return csv_text(self.sections)


def _recap_lines_table(lines: list[ProjectLine]) -> Table:
    return Table(
        key="proyek",
        title=_("Proyek"),
        columns=(
            Column("peserta", _("Peserta")),
            Column("nip", _("NIP"), "nip"),
            Column("unit", _("Instansi")),
            Column("judul", _("Judul")),
            Column("coach", _("Coach")),
            Column("mentor", _("Mentor")),
            Column("status", _("Status")),
            Column("tonggak_diterima", _("Tonggak diterima"), "number"),
            Column("tonggak_jumlah", _("Jumlah tonggak"), "number"),
            Column("nilai", _("Nilai akhir"), "score"),
            Column("predikat", _("Predikat")),
        ),
        rows=tuple(
            (
                line.participant,
                line.nip,
                line.unit,
                line.title,
                line.coach,
                line.mentor,
                line.state_label,
                line.milestones_accepted,
                line.milestones_total,
                line.score,
                line.predikat,
            )
            for line in lines
        ),
    )


def _seminars_table(cohort: Cohort) -> Table:
    seminars = (
        Seminar.objects.filter(cohort=cohort)
        .prefetch_related("examiners")
        .annotate(
            project_count=Count("projects", distinct=True),
            proposal_recorded=Count("proposal_results__project", distinct=True),
            graded=Count("grades__project", distinct=True),
        )
        .order_by("starts_at", "pk")
    )
    rows: list[tuple[Value, ...]] = []
    for seminar in seminars:
        recorded = (
            seminar.proposal_recorded if seminar.kind == Seminar.Kind.PROPOSAL else seminar.graded
        )
        examiners = sorted(
            seminar.examiners.all(), key=lambda person: (person.full_name, person.pk)
        )
        rows.append(
            (
                seminar.get_kind_display(),
                seminar.starts_at,
                seminar.place or seminar.online_link,
                "\n".join(person.get_full_name() for person in examiners),
                seminar.project_count,
                recorded,
            )
        )
    return Table(
        key="seminar",
        title=_("Seminar"),
        columns=(
            Column("jenis", _("Jenis"), width="15%"),
            Column("waktu", _("Waktu"), "datetime", "17%"),
            Column("tempat", _("Tempat"), width="22%"),
            Column("penguji", _("Penguji"), "longtext", "20%"),
            Column("proyek", _("Proyek"), "number", "10%"),
            Column("hasil_dicatat", _("Hasil dicatat"), "number", "10%"),
        ),
        rows=tuple(rows),
        empty_text=_("Belum ada seminar yang dijadwalkan."),
    )


def cohort_recap_data(cohort: Cohort, *, today: datetime.date | None = None) -> CohortRecap:
    """The cohort recap's content as of today."""
    today = today or timezone.localdate()
    lines = project_lines(ChangeProject.objects.filter(cohort=cohort), today=today)
    organisers = list(cohort.organisers.order_by("full_name", "pk"))
    dates = [
        ("pembelajaran", _("Mulai pembelajaran klasikal"), cohort.learning_starts_on),
        ("selesai_pembelajaran", _("Selesai pembelajaran klasikal"), cohort.learning_ends_on),
        ("seminar_rancangan", _("Seminar rancangan"), cohort.proposal_seminar_on),
        ("implementasi", _("Mulai implementasi"), cohort.implementation_starts_on),
        ("selesai_implementasi", _("Selesai implementasi"), cohort.implementation_ends_on),
        ("seminar_laporan", _("Seminar laporan"), cohort.results_seminar_on),
        ("penutupan", _("Penutupan"), cohort.closes_on),
    ]
    identity = FieldGroup(
        key="angkatan",
        title=_("Angkatan"),
        fields=(
            Field("angkatan", _("Angkatan"), str(cohort)),
            Field("program", _("Program"), str(cohort.get_programme_display())),
            Field("lembaga", _("Lembaga pelatihan"), cohort.institution),
            Field(
                "penyelenggara",
                _("Penyelenggara"),
                ", ".join(person.get_full_name() for person in organisers),
            ),
            *(Field(key, label, value, "date") for key, label, value in dates),
        ),
    )
    counted = Counter(line.state for line in lines)
    figures = FieldGroup(
        key="ringkasan",
        title=_("Ringkasan"),
        fields=(
            Field("keadaan_per", _("Keadaan per"), today, "date"),
            Field("proyek", _("Jumlah proyek"), len(lines), "number"),
            Field(
                "lulus",
                _("Lulus seminar laporan"),
                sum(counted[state] for state in PASSED_STATES),
                "number",
            ),
            Field("ditunda", _("Ditunda"), counted[State.DEFERRED], "number"),
            Field("tidak_lulus", _("Tidak lulus"), counted[State.FAILED], "number"),
            Field("mundur", _("Mengundurkan diri"), counted[State.WITHDRAWN], "number"),
            Field("rata_rata_nilai", _("Rata-rata nilai akhir"), mean_score(lines), "score"),
        ),
    )
    return CohortRecap(
        cohort_id=cohort.pk,
        letterhead=Letterhead(
            agency=cohort.institution,
            parent_agency="",
            programme=_("Rekapitulasi angkatan"),
            institution=str(cohort),
        ),
        document_title=_("Rekapitulasi angkatan"),
        scope_title=str(cohort),
        scope_note=cohort.institution,
        authors=(cohort.institution,),
        subject=_("%(cohort)s · %(institution)s")
        % {"cohort": cohort, "institution": cohort.institution},
        as_of=today,
        identity=identity,
        figures=figures,
        states=_count_table(
            "status", _("Status proyek"), _("Status"), state_counts(lines), _("Belum ada proyek.")
        ),
        grades=_count_table(
            "predikat",
            _("Sebaran predikat"),
            _("Predikat"),
            grade_counts(lines),
            _("Belum ada proyek."),
        ),
        terms=tuple(term_totals(lines)),
        seminars=_seminars_table(cohort),
        lines=tuple(lines),
    )


def cohort_years(projects: QuerySet[ChangeProject]) -> list[int]:
    """The cohort years the projects span, newest first (for the report's year filter)."""
    return sorted(set(projects.values_list("cohort__year", flat=True)), reverse=True)


def agency_cohorts(projects: QuerySet[ChangeProject]) -> QuerySet[Cohort]:
    """The cohorts the projects belong to (for the report's cohort filter)."""
    return Cohort.objects.filter(pk__in=projects.values("cohort")).order_by(
        "-year", "programme", "number"
    )
