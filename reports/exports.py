"""The project list as a table of plain values, written as CSV or XLSX.

Both formats take the same rows from the same filtered queryset as the page, so a download always
holds what the person sees in the list (all pages of it). reports/spreadsheet.py writes them, as
it writes the CSV attached to every document, so text never runs as a formula.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.spreadsheet import write_csv, xlsx_cell

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from reports.filters import ListedProject

Value = str | int | datetime.datetime | None


def _person(user) -> str:
    return user.get_full_name() if user else ""


# Read from the project list's rows (reports.filters.annotated).
COLUMNS: list[tuple[StrOrPromise, Callable[[ListedProject], Value]]] = [
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
    (_("Tonggak tersendat"), lambda p: p.milestones_stuck),
    (_("Predikat"), lambda p: p.grade or ""),
    (_("Diperbarui"), lambda p: timezone.localtime(p.updated_at).replace(tzinfo=None)),
]


def header() -> list[str]:
    return [str(label) for label, _value in COLUMNS]


def rows(projects: QuerySet[ListedProject]) -> Iterator[list[Value]]:
    """One list of values per project, in the queryset's order, read in chunks."""
    for project in projects.iterator(chunk_size=500):
        yield [value(project) for _label, value in COLUMNS]


def csv_bytes(table: Iterable[list[Value]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian names right."""
    return write_csv(header(), table).encode("utf-8")


def xlsx_bytes(table: Iterable[list[Value]], *, title: str) -> bytes:
    """One sheet: a bold header row, then the values with their types (numbers, dates, text)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths = [len(label) for label in header()]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(width + 2, 10)
    sheet.freeze_panes = "A2"
    head = []
    for label in header():
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        head.append(cell)
    sheet.append(head)
    for row in table:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
