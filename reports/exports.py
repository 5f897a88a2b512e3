"""The project list as a table of plain values, written as CSV or XLSX.

Both formats take the same rows from the same filtered queryset as the page, so a download always
holds what the person sees in the list (all pages of it). reports/spreadsheet.py writes them, as
it writes the CSV attached to every document, so text never runs as a formula.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.spreadsheet import write_csv, xlsx_cell
from tracker.models import ChangeProject, ImpactIndicator

Value = str | int | datetime.datetime | None


def _person(user) -> str:
    return user.get_full_name() if user else ""


COLUMNS: list[tuple[str, Callable[[ChangeProject], Value]]] = [
    (_("ID"), lambda p: p.pk),
    (_("Judul"), lambda p: p.title),
    (_("Peserta"), lambda p: _person(p.participant)),
    (_("NIP"), lambda p: p.participant.nip or ""),
    (_("Instansi"), lambda p: p.agency.name),
    (_("Kode instansi"), lambda p: p.agency.code),
    (_("Angkatan"), lambda p: str(p.cohort)),
    (_("Program"), lambda p: p.cohort.get_programme_display()),
    (_("Status"), lambda p: p.get_state_display()),
    (_("Coach"), lambda p: _person(p.coach)),
    (_("Mentor"), lambda p: _person(p.mentor)),
    (_("Tonggak diterima"), lambda p: p.milestone_accepted),
    (_("Jumlah tonggak"), lambda p: p.milestone_total),
    (_("Progres (%)"), lambda p: p.progress),
    (_("Tonggak terlambat"), lambda p: p.milestones_overdue),
    (_("Tonggak macet"), lambda p: p.milestones_stuck),
    (_("Predikat"), lambda p: p.grade or ""),
    (_("Diperbarui"), lambda p: timezone.localtime(p.updated_at).replace(tzinfo=None)),
]


def header() -> list[str]:
    return [str(label) for label, _value in COLUMNS]


def rows(projects: QuerySet[ChangeProject]) -> Iterator[list[Value]]:
    """One list of values per project, in the queryset's order, read in chunks."""
    for project in projects.iterator(chunk_size=500):
        yield [value(project) for _label, value in COLUMNS]


def csv_bytes(table: Iterable[list[Value]], *, head: list[str] | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian names right."""
    return write_csv(head or header(), table).encode("utf-8")


def xlsx_bytes(table: Iterable[list[Value]], *, title: str, head: list[str] | None = None) -> bytes:
    """One sheet: a bold header row, then the values with their types (numbers, dates, text)."""
    head = head or header()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths = [len(label) for label in head]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(width + 2, 10)
    sheet.freeze_panes = "A2"
    cells = []
    for label in head:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for row in table:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the answers of post-training surveys ---------------------------------------------------

SURVEY_COLUMNS = [
    _("ID proyek"),
    _("Judul"),
    _("Instansi"),
    _("Angkatan"),
    _("Putaran"),
    _("Bulan setelah penutupan"),
    _("Sebagai"),
    _("Responden"),
    _("Dikirim"),
    _("Terlambat"),
    _("Pertanyaan"),
    _("Jawaban"),
    _("Jawaban lanjutan"),
]


def survey_header() -> list[str]:
    return [str(label) for label in SURVEY_COLUMNS]


def survey_rows(projects: QuerySet[ChangeProject], user) -> Iterator[list[Value]]:
    """The submitted answers of these projects' rounds that the user may read: per response the
    same rule as the monitoring page (the participant their own and shared ones, free text for
    organisers, coaches and mentors and the respondent only)."""
    from mentoring.models import Question, SurveyAnswer, SurveyResponse
    from mentoring.selectors import answer_text, free_text_visible, response_visible
    from tracker import workflow

    scoped = {
        project.pk: project
        for project in ChangeProject.objects.with_relations(user)
        .filter(pk__in=projects.values("pk"), survey_rounds__isnull=False)
        .select_related("agency", "cohort")
        .distinct()
    }
    indicators = {
        indicator.pk: indicator
        for indicator in ImpactIndicator.objects.filter(project__in=list(scoped))
    }
    answers = (
        SurveyAnswer.objects.filter(
            response__round__project__in=list(scoped),
            response__state=SurveyResponse.State.SUBMITTED,
        )
        .select_related(
            "question", "response__questionnaire", "response__respondent", "response__round"
        )
        .order_by(
            "response__round__project_id",
            "response__round__number",
            "response__role",
            "question__order",
            "question_id",
        )
    )
    for answer in answers.iterator(chunk_size=500):
        response = answer.response
        project = scoped[response.round.project_id]
        roles = workflow.roles(project, user)
        if not response_visible(response, user, roles):
            continue
        free_text = free_text_visible(response, user, roles)
        if answer.question.kind in Question.TEXT_KINDS and not free_text:
            continue
        yield [
            project.pk,
            project.title,
            project.agency.name,
            str(project.cohort),
            response.round.number,
            response.round.months_after,
            response.get_role_display(),
            _person(response.respondent),
            timezone.localtime(response.submitted_at).replace(tzinfo=None),
            str(_("Ya") if response.is_late else _("Tidak")),
            answer.question.text,
            answer_text(answer.question, answer.value, indicators),
            answer.follow_up if free_text else "",
        ]
