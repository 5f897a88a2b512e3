"""Reading a participant list (CSV or XLSX) and checking every row before anything is written.

`read_table` turns an upload into plain rows of text; `check_rows` says, row by row, what an
import would do and what stops it. The confirm step calls `check_rows` again on the stored rows,
so what gets written is always checked against the database as it is at that moment.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from tracker import untrusted
from tracker.models import Agency, ChangeProject, Cohort, User
from tracker.selectors import accounts_managed_by, coaches_assignable_in
from tracker.validators import validate_nip

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_BYTES = settings.PARTICIPANT_IMPORT_MAX_BYTES
MAX_ROWS = 1000
# A workbook may inflate to this much XML in all: a full list of 1,000 rows needs about 1 MiB.
XLSX_MAX_UNCOMPRESSED = 10 * 1024 * 1024
# Only the first columns and lines of a sheet are read, so a sheet that declares itself
# 16,384 columns wide or a million rows long costs nothing.
XLSX_MAX_COLUMNS = 50
MAX_LINES = 10 * MAX_ROWS
# Longer cells are cut here (every limit on a value is far below it), keeping the rows kept
# between preview and confirmation small.
MAX_CELL_CHARS = 300
# Control characters other than tab, line feed and carriage return never occur in a text list.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")


@dataclass(frozen=True)
class Columns:
    """The columns of one kind of list: key -> accepted header spellings (compared lower-cased,
    with single spaces), the keys a file may leave out, and what each is called on the page."""

    spellings: dict[str, tuple[str, ...]]
    labels: Mapping[str, StrOrPromise]
    optional: frozenset[str] = frozenset()
    # Said when the file has a header and no rows, and when it has too many.
    empty: StrOrPromise = ""
    too_many: StrOrPromise = ""

    @property
    def required(self) -> list[str]:
        return [key for key in self.spellings if key not in self.optional]


# Column key -> accepted header spellings (compared lower-cased, with single spaces).
COLUMNS = {
    "nip": ("nip",),
    "full_name": ("nama lengkap", "nama", "full name", "full_name"),
    "email": ("email", "e-mail", "surel"),
    "agency_code": ("kode instansi", "agency code", "agency_code"),
    "position": ("jabatan", "position"),
    "mentor_nip": ("nip mentor", "mentor nip", "mentor_nip"),
    "coach_username": ("username coach", "coach username", "coach_username"),
    # Optional: a mentor without an account yet is created and invited from these.
    "mentor_name": ("nama mentor", "mentor name", "mentor_name"),
    "mentor_email": ("email mentor", "mentor email", "mentor_email"),
}
COLUMN_LABELS = {
    "nip": _("NIP"),
    "full_name": _("Nama lengkap"),
    "email": _("Email"),
    "agency_code": _("Kode instansi"),
    "position": _("Jabatan"),
    "mentor_nip": _("NIP mentor"),
    "coach_username": _("Username coach"),
    "mentor_name": _("Nama mentor"),
    "mentor_email": _("Email mentor"),
}
PARTICIPANT_COLUMNS = Columns(
    spellings=COLUMNS,
    labels=COLUMN_LABELS,
    optional=frozenset({"mentor_name", "mentor_email"}),
    empty=_("Berkas hanya berisi judul kolom; belum ada peserta."),
    too_many=_("Berkas berisi lebih dari %(max)d baris; maksimal %(max)d peserta sekali impor."),
)


class UnreadableFile(Exception):
    """The upload is not a participant table we can read; `message` says why."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def read_table(
    name: str, content: bytes, *, columns: Columns = PARTICIPANT_COLUMNS
) -> list[dict[str, str]]:
    """The upload's rows as {"line": n, column key: text}; refuses wrong types, sizes, headers.

    A column the file leaves out (only optional ones may be) reads as empty in every row.
    """
    if not content:
        raise UnreadableFile(_("Berkas kosong: baris pertama harus berisi judul kolom."))
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            _("Berkas terlalu besar (maksimal %(size)d KB).") % {"size": MAX_BYTES // 1024}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        table = _xlsx_rows(content, columns)
    elif extension == "csv":
        table = _csv_rows(content)
    else:
        raise UnreadableFile(_("Jenis berkas tidak didukung: unggah berkas .csv atau .xlsx."))
    # Blank lines are skipped, but every row keeps its line number in the file.
    table = [(line, row) for line, row in table if any(c.strip() for c in row)]
    if not table:
        raise UnreadableFile(_("Berkas kosong: baris pertama harus berisi judul kolom."))
    (_header_line, header), body = table[0], table[1:]
    keys = _column_keys(header, columns)
    if not body:
        raise UnreadableFile(columns.empty)
    if len(body) > MAX_ROWS:
        raise _too_many_rows(columns)
    return [
        {
            "line": str(line),
            **{key: _cell(row, keys[key]) if key in keys else "" for key in columns.spellings},
        }
        for line, row in body
    ]


def _too_many_rows(columns: Columns) -> UnreadableFile:
    return UnreadableFile(columns.too_many % {"max": MAX_ROWS})


def _cell(row: list[str], index: int) -> str:
    return row[index].strip()[:MAX_CELL_CHARS] if index < len(row) else ""


def _column_keys(header: list[str], columns: Columns) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        spelled = re.sub(r"\s+", " ", title.strip().lower())
        for key, spellings in columns.spellings.items():
            if spelled in spellings and key not in found:
                found[key] = index
    missing = [str(columns.labels[key]) for key in columns.required if key not in found]
    if missing:
        raise UnreadableFile(
            _("Kolom wajib tidak ditemukan: %(columns)s. Baris pertama harus berisi judul kolom.")
            % {"columns": ", ".join(missing)}
        )
    return found


def _not_text() -> UnreadableFile:
    return UnreadableFile(_("Berkas ini bukan CSV (teks); unggah .csv atau .xlsx."))


def _csv_rows(content: bytes) -> list[tuple[int, list[str]]]:
    if content.startswith(BINARY_SIGNATURES):
        raise _not_text()
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text() from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheet programs on Windows save CSV in the ANSI code page by default.
            text = content.decode("cp1252", errors="replace")
    if CONTROL_CHARACTERS.search(text):
        raise _not_text()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": the reader itself splits lines, so CR-only files (old Mac exports) and line
    # breaks inside quoted cells both read right.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows, previous = [], 0
    try:
        for row in reader:
            # A record may span lines (a quoted line break); it is named by its first line.
            rows.append((previous + 1, row))
            previous = reader.line_num
    except csv.Error as error:
        if "field limit" in str(error):
            message = _(
                "Baris %(line)d berisi isian yang terlalu panjang (lebih dari %(limit)s huruf); "
                "periksa tanda kutipnya."
            ) % {"line": reader.line_num, "limit": intcomma(csv.field_size_limit())}
        else:
            message = _(
                "Berkas CSV tidak dapat dibaca mulai baris %(line)d; periksa tanda kutipnya, "
                "atau simpan ulang sebagai CSV."
            ) % {"line": reader.line_num}
        raise UnreadableFile(message) from None
    return rows


def _unreadable_xlsx() -> UnreadableFile:
    return UnreadableFile(_("Berkas XLSX tidak dapat dibaca; simpan ulang lalu unggah."))


def _xlsx_rows(content: bytes, columns: Columns) -> list[tuple[int, list[str]]]:
    # Imported here: openpyxl is only needed when someone uploads a workbook.
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise UnreadableFile(_("Berkas ini bukan XLSX; simpan ulang sebagai .xlsx atau .csv."))
    source = io.BytesIO(content)
    try:
        # Sizes, ratio and macros first: openpyxl reads whole parts into memory.
        untrusted.inspect_ooxml(source, max_uncompressed=XLSX_MAX_UNCOMPRESSED)
    except untrusted.DamagedFile:
        raise _unreadable_xlsx() from None
    except untrusted.UnsafeFile as unsafe:
        raise UnreadableFile(unsafe.message) from None
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        # openpyxl's errors on malformed parts are not a closed set (ParseError, KeyError,
        # ValueError, TypeError, ...): whatever it cannot open is refused.
        raise _unreadable_xlsx() from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("Berkas XLSX ini tidak berisi lembar kerja."))
        rows = []
        sheet = workbook.worksheets[0]
        for line, values in enumerate(
            sheet.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True), start=1
        ):
            if line > MAX_LINES:
                raise UnreadableFile(
                    _(
                        "Lembar kerja ini lebih panjang dari %(max)d baris (baris kosong ikut "
                        "dihitung); hapus baris kosongnya, atau bagi daftarnya."
                    )
                    % {"max": MAX_LINES}
                )
            if any(value not in (None, "") for value in values):
                rows.append((line, [_cell_text(value) for value in values]))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_many_rows(columns)
        return rows
    except UnreadableFile:
        raise
    except Exception:
        # Sheets are parsed while they are read: malformed sheet XML fails here, not above.
        raise _unreadable_xlsx() from None
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # An 18-digit NIP typed as a number has lost its last digits; make that visible.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


# --- checking the rows ---------------------------------------------------------------------
#
# Tenancy: an import creates accounts, and updates only accounts the organiser manages
# (`accounts_managed_by`: people who are only participants of their cohorts). Anyone else found
# by NIP gets a project here, linked to the account as it is. Staff and the admin are never
# imported. A coach must be assignable in the cohort (`coaches_assignable_in`); a mentor, the
# participant's direct superior, must work in the row's agency or one of its parent agencies.


@dataclass
class RowCheck:
    """What importing one row would do, or why it cannot."""

    line: int
    values: dict[str, str]
    errors: list[StrOrPromise] = field(default_factory=list)
    notes: list[StrOrPromise] = field(default_factory=list)
    action: str = ""  # "new", "new_project", "link", "update" or "unchanged"
    user: User | None = None
    may_update_account: bool = False
    project: ChangeProject | None = None
    agency: Agency | None = None
    mentor: User | None = None
    # The mentor has no account yet: one is made from the row's mentor columns, and invited.
    new_mentor: bool = False
    coach: User | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, ""))


ACTION_LABELS = {
    "new": _("Akun dan proyek baru"),
    "new_project": _("Akun sudah ada; proyek baru"),
    "link": _("Akun orang lain sudah ada; proyek baru, akunnya tidak diubah"),
    "update": _("Sudah terdaftar; diperbarui"),
    "unchanged": _("Sudah terdaftar; tidak berubah"),
}


@dataclass
class Preview:
    rows: list[RowCheck]
    # How many invitations saving the import sent (set when it is saved).
    invited: int = 0

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_count

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTION_LABELS}


def normalise_nip(raw: str) -> str:
    """NIPs are often typed with spaces or dots between their parts."""
    return re.sub(r"[\s.\-]", "", raw)


@dataclass
class _Known:
    """What the database says about the people, coaches and agencies a file names."""

    people: dict[str | None, User]
    managed: set[int]
    coaches: dict[str, User]
    assignable: set[int]
    agencies: dict[str, Agency]
    parents: dict[int, int | None]
    usernames: set[str]
    projects: dict[int, ChangeProject]
    # Participants' NIPs in the file -> first line; new mentors' NIP -> the row that names them.
    participant_lines: dict[str, int] = field(default_factory=dict)
    new_mentors: dict[str, RowCheck] = field(default_factory=dict)


def check_rows(cohort: Cohort, rows: list[dict[str, str]], *, by: User) -> Preview:
    """Every row checked against the file and the database: a fixed number of queries.

    `by` is the organiser importing: whose accounts they manage decides what may be updated.
    """
    checks = [
        RowCheck(
            line=int(row["line"]) if str(row.get("line", "")).isdigit() else index,
            values={key: str(row.get(key, ""))[:MAX_CELL_CHARS] for key in COLUMNS},
        )
        for index, row in enumerate(rows, start=2)
    ]
    for check in checks:
        check.values["nip"] = normalise_nip(check.values["nip"])
        check.values["mentor_nip"] = normalise_nip(check.values["mentor_nip"])
    nips = {c.values["nip"] for c in checks} | {c.values["mentor_nip"] for c in checks}
    nips.discard("")
    usernames = {c.values["coach_username"] for c in checks} - {""}
    known = _Known(
        people={
            user.nip: user
            for user in User.objects.filter(nip__in=nips).annotate(
                organises_cohort=Exists(cohort.organisers.filter(pk=OuterRef("pk")))
            )
        },
        managed=set(accounts_managed_by(by).filter(nip__in=nips).values_list("pk", flat=True)),
        coaches={
            user.username.lower(): user for user in User.objects.filter(username__in=usernames)
        },
        assignable=set(
            coaches_assignable_in(cohort)
            .filter(username__in=usernames)
            .values_list("pk", flat=True)
        ),
        agencies={
            agency.code.lower(): agency
            for agency in Agency.objects.filter(
                code__in={c.values["agency_code"] for c in checks} - {""}
            )
        },
        # The whole tree as id -> parent id: one small query, whatever the depth.
        parents=dict(Agency.objects.values_list("pk", "parent_id")),
        usernames=set(User.objects.filter(username__in=nips).values_list("username", flat=True)),
        projects={
            project.participant_id: project
            for project in cohort.projects.filter(participant__nip__in=nips)
        },
    )
    for check in checks:
        if check.values["nip"]:
            known.participant_lines.setdefault(check.values["nip"], check.line)
    first_line: dict[str, int] = {}
    for check in checks:
        _check_row(check, cohort, known, first_line)
    return Preview(checks)


def _lineage(agency_id: int | None, parents: dict[int, int | None]) -> set[int]:
    chain: set[int] = set()
    while agency_id is not None and agency_id not in chain:
        chain.add(agency_id)
        agency_id = parents.get(agency_id)
    return chain


def _check_row(check: RowCheck, cohort: Cohort, known: _Known, first_line: dict) -> None:
    values, errors = check.values, check.errors
    nip = values["nip"]
    if not nip:
        errors.append(_("NIP wajib diisi."))
    else:
        try:
            validate_nip(nip)
        except ValidationError as invalid:
            errors.extend(invalid.messages)
        if nip in first_line:
            errors.append(
                _("NIP ini sudah ada di baris %(line)d; setiap peserta cukup satu baris.")
                % {"line": first_line[nip]}
            )
        else:
            first_line[nip] = check.line
    if not values["full_name"]:
        errors.append(_("Nama lengkap wajib diisi."))
    elif len(values["full_name"]) > 200:
        errors.append(_("Nama lengkap paling banyak 200 huruf."))
    if not values["email"]:
        errors.append(_("Email wajib diisi."))
    else:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(_("Email “%(email)s” tidak valid.") % {"email": values["email"]})
    if len(values["position"]) > 200:
        errors.append(_("Jabatan paling banyak 200 huruf."))
    check.agency = known.agencies.get(values["agency_code"].lower())
    if not values["agency_code"]:
        errors.append(_("Kode instansi wajib diisi."))
    elif check.agency is None:
        errors.append(
            _("Kode instansi “%(code)s” tidak dikenal.") % {"code": values["agency_code"]}
        )
    check.user = known.people.get(nip)
    if check.user is not None:
        if check.user.is_staff or check.user.is_superuser:
            errors.append(
                _(
                    "NIP ini milik akun pengelola Jejak; akun itu tidak diimpor sebagai peserta "
                    "dan tidak diubah lewat impor."
                )
            )
        elif not check.user.is_active:
            errors.append(_("Akun dengan NIP ini sudah dinonaktifkan; hubungi admin."))
        check.may_update_account = check.user.pk in known.managed
    elif nip in known.usernames:
        errors.append(_("Nama pengguna %(nip)s sudah dipakai akun lain.") % {"nip": nip})
    _check_mentor(check, known)
    _check_coach(check, cohort, known)
    if errors:
        return
    check.project = known.projects.get(check.user.pk) if check.user else None
    if check.user is None:
        check.action = "new"
    elif check.project is None:
        check.action = "new_project" if check.may_update_account else "link"
    else:
        check.action = "update" if changes(check) else "unchanged"
    if check.user is not None and not check.may_update_account and account_changes(check):
        check.notes.append(
            _(
                "Akun ini juga dipakai di luar angkatan Anda: nama, email, jabatan dan "
                "instansinya tetap seperti di Jejak; isian berkas untuk akun ini diabaikan."
            )
        )


def _check_mentor(check: RowCheck, known: _Known) -> None:
    values = check.values
    if not values["mentor_nip"]:
        return
    check.mentor = known.people.get(values["mentor_nip"])
    mentor = check.mentor
    if mentor is None:
        _check_new_mentor(check, known)
    elif not mentor.is_active:
        check.errors.append(
            _("NIP mentor %(nip)s tidak terdaftar di Jejak.") % {"nip": values["mentor_nip"]}
        )
    else:
        refusal = mentor_refusal(
            mentor,
            is_participant=values["mentor_nip"] == values["nip"],
            agency=check.agency,
            lineage=_lineage(check.agency.pk, known.parents) if check.agency else set(),
            in_cohort=mentor.pk in known.projects
            or values["mentor_nip"] in known.participant_lines,
            organises_cohort=mentor.organises_cohort,  # type: ignore[attr-defined]  # annotated by the known-facts query
        )
        if refusal:
            check.errors.append(refusal)


def mentor_refusal(
    mentor: User,
    *,
    is_participant: bool,
    agency: Agency | None,
    lineage: set[int],
    in_cohort: bool,
    organises_cohort: bool,
) -> StrOrPromise | None:
    """Why this person cannot mentor the project, or None: the import's and the admin's rule.

    `lineage` is the project's agency with every agency above it; `in_cohort` says whether
    the person is a participant of the project's cohort, `organises_cohort` an organiser of it.
    """
    if is_participant:
        return _("Peserta tidak dapat menjadi mentor proyeknya sendiri.")
    if mentor.is_superuser:
        return _("Akun admin Jejak tidak dapat menjadi mentor.")
    if organises_cohort:
        # The organiser closes and withdraws the cohort's projects: never one they approve.
        return _("Penyelenggara angkatan ini tidak dapat menjadi mentor di angkatannya.")
    if in_cohort:
        return _("Peserta angkatan ini tidak dapat menjadi mentor di angkatannya.")
    if agency is not None and mentor.agency_id not in lineage:
        # The mentor is the participant's direct superior: same agency, or one above it.
        return _(
            "Mentor %(name)s tidak bekerja di %(agency)s atau instansi induknya; mentor "
            "adalah atasan langsung peserta."
        ) % {"name": mentor, "agency": agency}
    return None


def _check_new_mentor(check: RowCheck, known: _Known) -> None:
    """A mentor named by NIP, name and email, with no account yet: made and invited."""
    values, errors = check.values, check.errors
    nip, name, email = values["mentor_nip"], values["mentor_name"], values["mentor_email"]
    if not (name and email):
        errors.append(
            _(
                "NIP mentor %(nip)s tidak terdaftar di Jejak. Isi juga nama dan email mentor "
                "agar akunnya dibuat dan diundang."
            )
            % {"nip": nip}
        )
        return
    problems: list[StrOrPromise] = []
    try:
        validate_nip(nip)
    except ValidationError:
        problems.append(_("NIP mentor harus terdiri dari 18 angka."))
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("Email mentor “%(email)s” tidak valid.") % {"email": email})
    if len(name) > 200:
        problems.append(_("Nama mentor paling banyak 200 huruf."))
    if nip == values["nip"]:
        problems.append(_("Peserta tidak dapat menjadi mentor proyeknya sendiri."))
    elif nip in known.participant_lines:
        problems.append(
            _(
                "NIP mentor ini juga peserta di baris %(line)d; mentor adalah atasan langsung "
                "peserta, bukan peserta angkatan yang sama."
            )
            % {"line": known.participant_lines[nip]}
        )
    elif nip in known.usernames:
        problems.append(_("Nama pengguna %(nip)s sudah dipakai akun lain.") % {"nip": nip})
    errors.extend(problems)
    if problems:
        return
    first = known.new_mentors.setdefault(nip, check)
    if (first.values["mentor_name"], first.values["mentor_email"]) != (name, email):
        errors.append(
            _(
                "Mentor %(nip)s ditulis dengan nama atau email lain di baris %(line)d; "
                "samakan keduanya."
            )
            % {"nip": nip, "line": first.line}
        )
        return
    if (
        first is not check
        and first.agency is not None
        and check.agency is not None
        and first.agency.pk not in _lineage(check.agency.pk, known.parents)
    ):
        errors.append(
            _(
                "Mentor baru %(name)s dicatat di %(agency)s (baris %(line)d), bukan di instansi "
                "peserta ini atau instansi induknya; mentor adalah atasan langsung peserta."
            )
            % {"name": name, "agency": first.agency, "line": first.line}
        )
        return
    check.new_mentor = True
    check.notes.append(
        _("Mentor %(name)s belum punya akun: akunnya dibuat dan ia diundang lewat email.")
        % {"name": name}
    )


def _check_coach(check: RowCheck, cohort: Cohort, known: _Known) -> None:
    username = check.values["coach_username"]
    if not username:
        return
    check.coach = known.coaches.get(username.lower())
    coach = check.coach
    if coach is None or not coach.is_active:
        check.errors.append(
            _("Username coach “%(username)s” tidak terdaftar di Jejak.") % {"username": username}
        )
    elif check.user is not None and coach.pk == check.user.pk:
        check.errors.append(_("Peserta tidak dapat menjadi coach proyeknya sendiri."))
    elif coach.pk not in known.assignable:
        check.errors.append(coach_not_assignable(coach, cohort))


def coach_not_assignable(coach: User, cohort: Cohort):
    """Why someone outside `coaches_assignable_in(cohort)` cannot coach there."""
    return _(
        "%(name)s tidak dapat menjadi coach di angkatan ini: coach adalah orang %(institution)s, "
        "bukan admin Jejak, peserta angkatan ini, atau orang lembaga pelatihan lain."
    ) % {"name": coach, "institution": cohort.institution}


def account_changes(check: RowCheck) -> dict:
    """The account fields the file gives differently from the account as it is."""
    values, user = check.values, check.user
    wanted = {
        "full_name": values["full_name"],
        "email": values["email"],
        "position": values["position"],
        "agency": check.agency,
    }
    return {name: value for name, value in wanted.items() if getattr(user, name) != value}


def changes(check: RowCheck) -> dict[str, dict]:
    """The fields a checked row would change: on the account only if the organiser manages it."""
    project = check.project
    user_changes = account_changes(check) if check.may_update_account else {}
    project_changes: dict[str, User | Agency | None] = {}
    if project is not None and not project.is_final:
        if check.coach is not None and project.coach_id != check.coach.pk:
            project_changes["coach"] = check.coach
        if check.new_mentor or (check.mentor is not None and project.mentor_id != check.mentor.pk):
            # A new mentor's account is made when the import is saved; until then, None.
            project_changes["mentor"] = check.mentor
        if (
            project.state == ChangeProject.State.DRAFT
            and check.agency is not None
            and project.agency_id != check.agency.pk
        ):
            project_changes["agency"] = check.agency
    return (
        {"user": user_changes, "project": project_changes}
        if (user_changes or project_changes)
        else {}
    )
