"""Reading a participant list (CSV or XLSX) and checking every row before anything is written.

`read_table` turns an upload into plain rows of text; `check_rows` says, row by row, what an
import would do and what stops it. The confirm step calls `check_rows` again on the stored rows,
so what gets written is always checked against the database as it is at that moment.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from tracker.models import Agency, ChangeProject, Cohort, User
from tracker.validators import validate_nip

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000

# Column key -> accepted header spellings (compared lower-cased, with single spaces).
COLUMNS = {
    "nip": ("nip",),
    "full_name": ("nama lengkap", "nama", "full name", "full_name"),
    "email": ("email", "e-mail", "surel"),
    "agency_code": ("kode instansi", "agency code", "agency_code"),
    "position": ("jabatan", "position"),
    "mentor_nip": ("nip mentor", "mentor nip", "mentor_nip"),
    "coach_username": ("username coach", "coach username", "coach_username"),
}
COLUMN_LABELS = {
    "nip": _("NIP"),
    "full_name": _("Nama lengkap"),
    "email": _("Email"),
    "agency_code": _("Kode instansi"),
    "position": _("Jabatan"),
    "mentor_nip": _("NIP mentor"),
    "coach_username": _("Username coach"),
}


class UnreadableFile(Exception):
    """The upload is not a participant table we can read; `message` says why."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """The upload's rows as {"line": n, column key: text}; refuses wrong types, sizes, headers."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            _("Berkas terlalu besar (maksimal %(size)d KB).") % {"size": MAX_BYTES // 1024}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        table = _xlsx_rows(content)
    elif extension == "csv":
        table = _csv_rows(content)
    else:
        raise UnreadableFile(_("Jenis berkas tidak didukung: unggah berkas .csv atau .xlsx."))
    # Blank lines are skipped, but every row keeps its line number in the file.
    table = [(line, row) for line, row in enumerate(table, start=1) if any(c.strip() for c in row)]
    if not table:
        raise UnreadableFile(_("Berkas kosong: baris pertama harus berisi judul kolom."))
    (_header_line, header), body = table[0], table[1:]
    keys = _column_keys(header)
    if not body:
        raise UnreadableFile(_("Berkas hanya berisi judul kolom; belum ada peserta."))
    if len(body) > MAX_ROWS:
        raise UnreadableFile(
            _("Berkas berisi %(count)d baris; maksimal %(max)d peserta sekali impor.")
            % {"count": len(body), "max": MAX_ROWS}
        )
    return [
        {"line": str(line), **{key: _cell(row, index) for key, index in keys.items()}}
        for line, row in body
    ]


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _column_keys(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        spelled = re.sub(r"\s+", " ", title.strip().lower())
        for key, spellings in COLUMNS.items():
            if spelled in spellings and key not in found:
                found[key] = index
    missing = [str(COLUMN_LABELS[key]) for key in COLUMNS if key not in found]
    if missing:
        raise UnreadableFile(
            _("Kolom wajib tidak ditemukan: %(columns)s. Baris pertama harus berisi judul kolom.")
            % {"columns": ", ".join(missing)}
        )
    return found


def _csv_rows(content: bytes) -> list[list[str]]:
    if b"\x00" in content:
        raise UnreadableFile(_("Berkas ini bukan CSV (teks); unggah .csv atau .xlsx."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheet programs on Windows save CSV in the ANSI code page by default.
        text = content.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(content: bytes) -> list[list[str]]:
    # Imported here: openpyxl is only needed when someone uploads a workbook.
    from openpyxl import load_workbook

    if not content.startswith(b"PK\x03\x04"):
        raise UnreadableFile(_("Berkas ini bukan XLSX; simpan ulang sebagai .xlsx atau .csv."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(
            _("Berkas XLSX tidak dapat dibaca; simpan ulang lalu unggah.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
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


@dataclass
class RowCheck:
    """What importing one row would do, or why it cannot."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "new", "new_project", "update" or "unchanged"
    user: User | None = None
    project: ChangeProject | None = None
    agency: Agency | None = None
    mentor: User | None = None
    coach: User | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, ""))


ACTION_LABELS = {
    "new": _("Akun dan proyek baru"),
    "new_project": _("Akun sudah ada; proyek baru"),
    "update": _("Sudah terdaftar; diperbarui"),
    "unchanged": _("Sudah terdaftar; tidak berubah"),
}


@dataclass
class Preview:
    rows: list[RowCheck]

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


def check_rows(cohort: Cohort, rows: list[dict[str, str]]) -> Preview:
    """Every row checked against the file and the database: a fixed number of queries."""
    checks = [
        RowCheck(
            line=int(row["line"]) if str(row.get("line", "")).isdigit() else index,
            values={key: str(row.get(key, ""))[:300] for key in COLUMNS},
        )
        for index, row in enumerate(rows, start=2)
    ]
    for check in checks:
        check.values["nip"] = normalise_nip(check.values["nip"])
        check.values["mentor_nip"] = normalise_nip(check.values["mentor_nip"])
    nips = {c.values["nip"] for c in checks} | {c.values["mentor_nip"] for c in checks}
    people = {user.nip: user for user in User.objects.filter(nip__in=nips - {""})}
    coaches = {
        user.username.lower(): user
        for user in User.objects.filter(
            username__in={c.values["coach_username"] for c in checks} - {""}
        )
    }
    agencies = {
        agency.code.lower(): agency
        for agency in Agency.objects.filter(
            code__in={c.values["agency_code"] for c in checks} - {""}
        )
    }
    usernames = set(
        User.objects.filter(username__in={c.values["nip"] for c in checks}).values_list(
            "username", flat=True
        )
    )
    projects = {
        project.participant_id: project
        for project in cohort.projects.filter(participant__nip__in=nips - {""})
    }
    first_line: dict[str, int] = {}
    for check in checks:
        _check_row(check, cohort, people, coaches, agencies, usernames, projects, first_line)
    return Preview(checks)


def _check_row(check, cohort, people, coaches, agencies, usernames, projects, first_line):
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
    check.agency = agencies.get(values["agency_code"].lower())
    if not values["agency_code"]:
        errors.append(_("Kode instansi wajib diisi."))
    elif check.agency is None:
        errors.append(
            _("Kode instansi “%(code)s” tidak dikenal.") % {"code": values["agency_code"]}
        )
    check.user = people.get(nip)
    if check.user is not None:
        if check.user.is_staff or check.user.is_superuser:
            errors.append(
                _("NIP ini milik akun pengelola Jejak; akun itu tidak diubah lewat impor.")
            )
        elif not check.user.is_active:
            errors.append(_("Akun dengan NIP ini sudah dinonaktifkan; hubungi admin."))
    elif nip in usernames:
        errors.append(_("Nama pengguna %(nip)s sudah dipakai akun lain.") % {"nip": nip})
    if values["mentor_nip"]:
        check.mentor = people.get(values["mentor_nip"])
        if check.mentor is None or not check.mentor.is_active:
            errors.append(
                _("NIP mentor %(nip)s tidak terdaftar di Jejak.") % {"nip": values["mentor_nip"]}
            )
        elif values["mentor_nip"] == nip:
            errors.append(_("Peserta tidak dapat menjadi mentor proyeknya sendiri."))
    if values["coach_username"]:
        check.coach = coaches.get(values["coach_username"].lower())
        if check.coach is None or not check.coach.is_active:
            errors.append(
                _("Username coach “%(username)s” tidak terdaftar di Jejak.")
                % {"username": values["coach_username"]}
            )
        elif check.user is not None and check.coach.pk == check.user.pk:
            errors.append(_("Peserta tidak dapat menjadi coach proyeknya sendiri."))
    if errors:
        return
    check.project = projects.get(check.user.pk) if check.user else None
    if check.user is None:
        check.action = "new"
    elif check.project is None:
        check.action = "new_project"
    else:
        check.action = "update" if changes(check) else "unchanged"


def changes(check: RowCheck) -> dict[str, dict]:
    """The fields a checked row would change on the existing account and project."""
    values, user, project = check.values, check.user, check.project
    wanted_user = {
        "full_name": values["full_name"],
        "email": values["email"],
        "position": values["position"],
        "agency": check.agency,
    }
    user_changes = {k: v for k, v in wanted_user.items() if getattr(user, k) != v}
    project_changes = {}
    if project is not None and not project.is_final:
        if check.coach is not None and project.coach_id != check.coach.pk:
            project_changes["coach"] = check.coach
        if check.mentor is not None and project.mentor_id != check.mentor.pk:
            project_changes["mentor"] = check.mentor
        if project.state == ChangeProject.State.DRAFT and project.agency_id != check.agency.pk:
            project_changes["agency"] = check.agency
    return (
        {"user": user_changes, "project": project_changes}
        if (user_changes or project_changes)
        else {}
    )
