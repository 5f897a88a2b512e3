"""The project list as a table of plain values, written as CSV or XLSX.

Both formats take the same rows from the same filtered queryset as the page, so a download always
holds what the person sees in the list (all pages of it). reports/spreadsheet.py writes them, as
it writes the CSV attached to every document, so text never runs as a formula.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Generator, Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.spreadsheet import write_csv, xlsx_cell
from tracker.models import ChangeProject, ImpactIndicator, Programme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from reports.filters import ListedProject

Value = str | int | Decimal | datetime.date | datetime.datetime | None


def _person(user) -> str:
    return user.get_full_name() if user else ""


# Read from the project list's rows: its summary columns and `reports.filters.annotated`. Labels
# come from the choices' members: `get_FOO_display` hashes every lazy label of the field's
# choices on each call, twenty translations a row.
COLUMNS: list[tuple[StrOrPromise, Callable[[ListedProject], Value]]] = [
    (_("ID"), lambda p: p.pk),
    (_("Judul"), lambda p: p.title),
    (_("Peserta"), lambda p: _person(p.participant)),
    (_("NIP"), lambda p: p.participant.nip or ""),
    (_("Instansi"), lambda p: p.agency.name),
    (_("Kode instansi"), lambda p: p.agency.code),
    (_("Angkatan"), lambda p: str(p.cohort)),
    (_("Program"), lambda p: str(Programme(p.cohort.programme).label)),
    (_("Status"), lambda p: str(ChangeProject.State(p.state).label)),
    (_("Coach"), lambda p: _person(p.coach)),
    (_("Mentor"), lambda p: _person(p.mentor)),
    (_("Tonggak diterima"), lambda p: p.milestones_accepted),
    (_("Jumlah tonggak"), lambda p: p.milestones_total),
    (_("Progres (%)"), lambda p: p.progress),
    (_("Tonggak terlambat"), lambda p: p.milestones_overdue),
    (_("Tonggak tersendat"), lambda p: p.milestones_stuck),
    (_("Predikat"), lambda p: p.predikat),
    (_("Diperbarui"), lambda p: timezone.localtime(p.updated_at).replace(tzinfo=None)),
]


if TYPE_CHECKING:
    Columns = list[tuple[StrOrPromise, Callable[[Any], Value]]]


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


# The other lists, each exported with the rows its page (or the project list's filters) shows.
MILESTONE_COLUMNS: Columns = [
    (_("ID proyek"), lambda m: m.project_id),
    (_("Proyek"), lambda m: m.project.title),
    (_("Peserta"), lambda m: _person(m.project.participant)),
    (_("Angkatan"), lambda m: str(m.project.cohort)),
    (_("Jangka"), lambda m: m.get_term_display()),
    (_("Kegiatan"), lambda m: m.activity),
    (_("Pelaksana"), lambda m: m.implementer),
    (_("Mulai"), lambda m: m.start_date),
    (_("Tenggat"), lambda m: m.due_date),
    (_("Keluaran"), lambda m: m.expected_output),
    (_("Status"), lambda m: m.get_state_display()),
]
CONSULTATION_COLUMNS: Columns = [
    (_("ID proyek"), lambda c: c.project_id),
    (_("Proyek"), lambda c: c.project.title),
    (_("Peserta"), lambda c: _person(c.project.participant)),
    (_("Tanggal"), lambda c: c.held_on),
    (_("Dengan"), lambda c: _person(c.consultant)),
    (_("Sebagai"), lambda c: c.get_consultant_role_display()),
    (_("Cara"), lambda c: c.get_mode_display()),
    (_("Tahap"), lambda c: c.get_stage_display()),
    (_("Topik"), lambda c: c.topic),
    (_("Hasil"), lambda c: c.outcome),
    (_("Tindak lanjut"), lambda c: c.follow_up),
    (_("Status"), lambda c: c.get_status_display()),
    (_("Diputuskan pada"), lambda c: _local(c.decided_at)),
]
GRADE_COLUMNS: Columns = [
    (_("ID proyek"), lambda g: g.project_id),
    (_("Proyek"), lambda g: g.project.title),
    (_("Peserta"), lambda g: _person(g.project.participant)),
    (_("Angkatan"), lambda g: str(g.project.cohort)),
    (_("Seminar"), lambda g: _local(g.seminar.starts_at)),
    (_("Nilai akhir"), lambda g: g.score),
    (_("Predikat"), lambda g: g.predikat),
    (_("Hasil"), lambda g: g.get_outcome_display()),
    (_("Ditetapkan pada"), lambda g: _local(g.decided_at)),
]
SEMINAR_COLUMNS: Columns = [
    (_("ID"), lambda s: s.pk),
    (_("Jenis"), lambda s: s.get_kind_display()),
    (_("Angkatan"), lambda s: str(s.cohort)),
    (_("Waktu"), lambda s: _local(s.starts_at)),
    (_("Tempat"), lambda s: s.place),
    (_("Tautan daring"), lambda s: s.online_link),
    (_("Penguji"), lambda s: ", ".join(_person(person) for person in s.examiners.all())),
    (_("Jumlah proyek"), lambda s: s.project_count),
]


def header(columns: Columns | None = None) -> list[str]:
    return [str(label) for label, _value in (columns or COLUMNS)]


# The columns COLUMNS reads, and only those: ten thousand rows of every column of a project and
# its five related rows cost more to turn into objects than to read.
PEOPLE = ("participant", "coach", "mentor")
ROW_FIELDS = (
    "title",
    "state",
    "updated_at",
    "milestones_total",
    "milestones_accepted",
    "progress",
    "predikat",
    *(f"{person}__{name}" for person in PEOPLE for name in ("full_name", "username")),
    "participant__nip",
    "agency__name",
    "agency__code",
    "cohort__programme",
    "cohort__number",
    "cohort__year",
)


def rows(projects: QuerySet[ListedProject]) -> Generator[list[Value], None, None]:
    """One list of values per project, in the queryset's order, read in chunks."""
    for project in projects.only(*ROW_FIELDS).iterator(chunk_size=500):
        yield [value(project) for _label, value in COLUMNS]


def table_rows(objects: Iterable[Any], columns: Columns) -> Iterator[list[Value]]:
    """One list of values per object of another list, in its order."""
    for item in objects:
        yield [value(item) for _label, value in columns]


def csv_bytes(
    table: Iterable[list[Value]],
    columns: Columns | None = None,
    *,
    head: list[str] | None = None,
) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian names right."""
    return write_csv(head or header(columns), table).encode("utf-8")


def xlsx_bytes(
    table: Iterable[list[Value]],
    *,
    title: str,
    columns: Columns | None = None,
    head: list[str] | None = None,
) -> bytes:
    """One sheet: a bold header row, then the values with their types (numbers, dates, text)."""
    head = head or header(columns)
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
