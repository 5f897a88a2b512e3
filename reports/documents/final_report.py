"""The final report (laporan akhir): the narrative the participant wrote when submitting the
report, joined with the plan, the evidence, the consultations and the results.

Laid out as PKN II practice has it: executive summary; chapter I the plan; chapter II the
implementation; chapter III lessons learned and conclusion; the control form as an appendix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from mentoring.models import SeminarGrade
from reports.documents.base import (
    Document,
    Field,
    FieldGroup,
    Kind,
    Letterhead,
    Section,
    Table,
    load_project,
    person_line,
    project_identity,
    project_letterhead,
    project_subject,
)
from reports.documents.control_form import checklist_table, consultation_table
from reports.documents.project_report import (
    _indicator_table,
    _milestone_table,
    _proposal_seminar_table,
    _results_table,
)
from reports.documents.proposal import activity_table
from tracker.models import ChangeProject, ReportNarrative


@dataclass(frozen=True)
class FinalReport(Document):
    """The laporan akhir: narrative, plan, implementation, lessons, results and the control form."""

    kind: ClassVar[str] = Kind.FINAL_REPORT
    template_name: ClassVar[str] = "reports/final_report.html"
    csv_name: ClassVar[str] = "laporan-akhir.csv"

    project_id: int
    letterhead: Letterhead
    document_title: str
    project_label: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    identity: FieldGroup
    summary: FieldGroup
    plan: FieldGroup
    plan_table: Table
    implementation: FieldGroup
    milestones: Table
    indicators: Table
    lessons: FieldGroup
    results: tuple[Table, ...]
    sessions: Table
    checklist: Table

    @property
    def sections(self) -> list[Section]:
        return [
            self.identity,
            self.summary,
            self.plan,
            self.plan_table,
            self.implementation,
            self.milestones,
            self.indicators,
            self.lessons,
            *self.results,
            self.sessions,
            self.checklist,
        ]


def latest_narrative(project: ChangeProject) -> ReportNarrative | None:
    """The narrative of the participant's latest report submission, if they wrote one."""
    return project.report_narratives.order_by("-written_at", "-pk").first()


def final_report_data(project: ChangeProject) -> FinalReport | None:
    """The final report's content, or None until a report was submitted with its narrative."""
    narrative = latest_narrative(project)
    if narrative is None:
        return None
    project = load_project(project)
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
        Field("diajukan", _("Laporan diajukan"), narrative.written_at, "datetime"),
        *graded,
    )
    summary = FieldGroup(
        key="ringkasan",
        title=_("Ringkasan eksekutif"),
        fields=(
            Field("ringkasan", _("Ringkasan eksekutif"), narrative.executive_summary, "longtext"),
        ),
    )
    plan = FieldGroup(
        key="bab_1_rencana",
        title=_("Bab I Rancangan"),
        fields=(
            Field(
                "masalah", _("Latar belakang dan masalah"), project.problem_statement, "longtext"
            ),
            Field("inovasi", _("Terobosan inovasi"), project.innovation_summary, "longtext"),
            Field("tujuan_pendek", _("Tujuan jangka pendek"), project.goal_short_term, "longtext"),
            Field(
                "tujuan_menengah", _("Tujuan jangka menengah"), project.goal_medium_term, "longtext"
            ),
            Field("tujuan_panjang", _("Tujuan jangka panjang"), project.goal_long_term, "longtext"),
            Field("pemangku", _("Pemangku kepentingan"), project.stakeholders, "longtext"),
            Field("tim_efektif", _("Tim efektif"), project.effective_team, "longtext"),
        ),
    )
    implementation = FieldGroup(
        key="bab_2_pelaksanaan",
        title=_("Bab II Pelaksanaan"),
        fields=(Field("pelaksanaan", _("Pelaksanaan"), narrative.implementation, "longtext"),),
    )
    lessons = FieldGroup(
        key="bab_3_pelajaran",
        title=_("Bab III Pelajaran dan kesimpulan"),
        fields=(
            Field("pelajaran", _("Pelajaran yang dipetik"), narrative.lessons_learned, "longtext"),
            Field(
                "kesimpulan", _("Kesimpulan dan tindak lanjut"), narrative.conclusion, "longtext"
            ),
        ),
    )
    return FinalReport(
        project_id=project.pk,
        letterhead=project_letterhead(project),
        document_title=_("Laporan akhir %(label)s") % {"label": project.project_label},
        project_label=project.project_label,
        project_title=project.title,
        authors=(project.participant.get_full_name(),),
        subject=project_subject(project),
        identity=identity,
        summary=summary,
        plan=plan,
        plan_table=activity_table(project, key="rencana_kegiatan"),
        implementation=implementation,
        milestones=_milestone_table(project),
        indicators=_indicator_table(project),
        lessons=lessons,
        results=(_proposal_seminar_table(project), _results_table(project)),
        sessions=consultation_table(project, key="lampiran_konsultasi"),
        checklist=checklist_table(project, key="lampiran_daftar_periksa"),
    )
