"""What every document shares: its data classes, its CSV, and the code that verifies it.

A document's data is a plain object built apart from its formatting (its template) and its
rendering (reports/pdf.py), so it can be tested without a PDF. The same object gives the CSV
attached inside the PDF; the CSV's hash names the document's content (reports/services.py).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, overload

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.models import GeneratedDocument
from reports.spreadsheet import cell_text, write_csv
from tracker.models import ChangeProject, User

Kind = GeneratedDocument.Kind

Value = str | int | Decimal | datetime.datetime | datetime.date | None


@dataclass(frozen=True)
class Person:
    name: str
    nip: str
    position: str

    @overload
    @classmethod
    def of(cls, user: User) -> Person: ...
    @overload
    @classmethod
    def of(cls, user: None) -> None: ...
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


Section = FieldGroup | Table


@dataclass(frozen=True)
class Letterhead:
    """What the running header of every page names: the agency and the programme."""

    agency: str
    parent_agency: str
    programme: str
    institution: str


@dataclass(frozen=True)
class Signature:
    role: str
    person: Person
    wording: str
    signed_at: datetime.datetime


# --- the CSV attached to every document ---------------------------------------------------------

CSV_HEADER = ("bagian", "no", "butir", "nilai")


def long_rows(sections: Iterable[Section]) -> list[tuple[str, int | None, str, Value]]:
    """The data in long form: (section, row number, item, value), one line per value."""
    rows: list[tuple[str, int | None, str, Value]] = []
    for section in sections:
        if isinstance(section, FieldGroup):
            rows += [(section.key, None, item.key, item.value) for item in section.fields]
            continue
        for number, row in enumerate(section.rows, start=1):
            rows += [
                (section.key, number, column.key, value)
                for column, value in zip(section.columns, row, strict=True)
            ]
    return rows


def csv_rows(sections: Iterable[Section]) -> list[tuple[str, str, str, str]]:
    """The long form as the attached CSV carries it: ISO dates in Jakarta time, a dot before
    decimals, text that a spreadsheet would run as a formula defused."""
    return [
        (section, cell_text(number), item, cell_text(value))
        for section, number, item, value in long_rows(sections)
    ]


def csv_text(sections: Iterable[Section]) -> str:
    return write_csv(CSV_HEADER, long_rows(sections))


class Document:
    """The base of every document's data object (a frozen dataclass in each module).

    Each document names its kind, its template and the file name of its attached CSV, and lists
    its sections in print order; the CSV and the content hash follow from the sections.
    """

    kind: ClassVar[str]
    template_name: ClassVar[str]
    csv_name: ClassVar[str]

    @property
    def audience(self) -> str:
        """Who this copy is for when the content depends on the reader, else "". Part of the
        content hash, so the stored document of one audience is never served to another."""
        return ""

    @property
    def sections(self) -> list[Section]:
        raise NotImplementedError

    def csv_rows(self) -> list[tuple[str, str, str, str]]:
        return csv_rows(self.sections)

    def csv_text(self) -> str:
        return csv_text(self.sections)


# --- what the documents about one project share -------------------------------------------------


def load_project(project: ChangeProject) -> ChangeProject:
    return ChangeProject.objects.select_related(
        "participant", "coach", "mentor", "cohort", "agency"
    ).get(pk=project.pk)


def project_letterhead(project: ChangeProject) -> Letterhead:
    ancestors = project.agency.ancestors()
    return Letterhead(
        agency=project.agency.name,
        parent_agency=ancestors[0].name if ancestors else "",
        programme=str(project.cohort),
        institution=project.cohort.institution,
    )


def project_identity(project: ChangeProject, *extra: Field) -> FieldGroup:
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


def project_subject(project: ChangeProject) -> str:
    return _("“%(title)s” oleh %(name)s") % {
        "title": project.title,
        "name": project.participant.get_full_name(),
    }


def person_line(user: User | None) -> str:
    if user is None:
        return ""
    person = Person.of(user)
    return f"{person.name} (NIP {person.nip})" if person.nip else person.name


def long_date(value: datetime.date) -> str:
    return date_format(value)


def place_and_date(project: ChangeProject, when: datetime.date) -> str:
    """The line above the signatures: "Bandung, 2 Oktober 2026" (the date alone without a city)."""
    city = project.cohort.city.strip()
    return f"{city}, {long_date(when)}" if city else long_date(when)


def institution_letterhead(project: ChangeProject) -> Letterhead:
    """The running header of a document the training institution issues (a seminar's minutes)."""
    return Letterhead(
        agency=project.cohort.city,
        parent_agency=project.cohort.institution,
        programme=str(project.cohort),
        institution=project.cohort.institution,
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
