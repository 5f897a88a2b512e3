"""The cohort recap: one cohort at a glance for its organisers, where every project stands."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Count
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
    Value,
)
from reports.documents.project_lines import (
    PASSED_STATES,
    MonthCount,
    ProjectLine,
    State,
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
from tracker.models import ChangeProject, Cohort, Seminar


@dataclass(frozen=True)
class CohortRecap(Document):
    """One cohort at a glance for its organisers: where every project stands."""

    kind: ClassVar[str] = Kind.COHORT_RECAP
    template_name: ClassVar[str] = "reports/cohort_recap.html"
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
    trend: tuple[MonthCount, ...]
    seminars: Table
    lines: tuple[ProjectLine, ...]
    impact: ImpactSection

    @property
    def accepted_lately(self) -> int:
        return sum(row.accepted for row in self.trend)

    @property
    def sections(self) -> list[Section]:
        lines = list(self.lines)
        return [
            self.identity,
            self.figures,
            self.states,
            self.grades,
            term_table(list(self.terms)),
            month_table(list(self.trend)),
            self.seminars,
            _recap_lines_table(lines),
            *self.impact.sections,
        ]


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
    projects = ChangeProject.objects.filter(cohort=cohort)
    lines = project_lines(projects, today=today)
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
        states=count_table(
            "status", _("Status proyek"), _("Status"), state_counts(lines), _("Belum ada proyek.")
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
        seminars=_seminars_table(cohort),
        lines=tuple(lines),
        # Organisers read free-text answers too.
        impact=impact_section(projects, today=today, free_text=True),
    )
