"""Files that people open in spreadsheet programs: the one CSV writer, and the XLSX cell.

Both guard against formula injection (CSV injection, as OWASP describes it): a cell whose text
starts with `=`, `+`, `-`, `@`, a tab or a carriage return runs as a formula when a spreadsheet
opens the file. In CSV such text gets a leading apostrophe, which spreadsheet programs read as
"this cell is text" and do not show; in XLSX the cell is typed as text. Numbers are not text:
they are written as they are, so a negative amount keeps its minus sign and stays a number.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell

Cell = str | int | float | Decimal | datetime.datetime | datetime.date | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """Text that a spreadsheet shows as typed instead of running it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell_text(value: Cell) -> str:
    """One value as a CSV cell.

    Empty for None; numbers as written; dates in ISO 8601; a time with its zone (the documents'
    data) in Jakarta time with the offset, to the second; a wall-clock time without a zone (the
    exports carry local times, as spreadsheets have no zones) to the minute; text defused.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return defuse(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).isoformat(timespec="seconds")
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def write_csv(header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> str:
    """The CSV text of a header and rows of values, each cell through `cell_text`.

    It starts with a byte-order mark, so the spreadsheet programs common in Indonesian offices
    read UTF-8 (names, the › of agency paths) right, and ends lines with CRLF.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell_text(label) for label in header])
    writer.writerows([cell_text(value) for value in row] for row in rows)
    return out.getvalue()


def xlsx_cell(sheet, value: Cell) -> WriteOnlyCell:
    """One value as a cell of a write-only sheet, with its type: text stays text."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl would store text starting with "=" as a formula.
        cell.data_type = "s"
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell
