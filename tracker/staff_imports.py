"""Onboarding a cohort's staff without the admin: a list of coaches, examiners and mentors.

The file is read like the participant list (`tracker.imports.read_table`: sizes, hostile files,
headers) and every row is checked before anything is written; confirming checks the stored rows
again. A new person gets an account without a password and an invitation for their role in the
cohort. An existing account is never changed here (staff accounts serve other cohorts too): it
is invited if it still needs a password, and otherwise simply named. A coach must be assignable
in the cohort (`coaches_assignable_in`); nobody on the cohort's participant list is its staff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker import accounts
from tracker.imports import MAX_CELL_CHARS, Columns, coach_not_assignable, normalise_nip
from tracker.models import Agency, Cohort, Invitation, PoolExaminer, Role, User
from tracker.selectors import coaches_assignable_in
from tracker.validators import validate_nip
from tracker.workflow import Forbidden, Refused

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STAFF_ROLE_CHOICES = [
    (Role.COACH, Role.COACH.label),
    (Role.EXAMINER, Role.EXAMINER.label),
    (Role.MENTOR, Role.MENTOR.label),
]
# How the role may be written in the file (lower-cased).
ROLE_SPELLINGS = {
    "coach": Role.COACH,
    "pembimbing": Role.COACH,
    "penguji": Role.EXAMINER,
    "examiner": Role.EXAMINER,
    "mentor": Role.MENTOR,
}

STAFF_COLUMNS = Columns(
    spellings={
        "role": ("peran", "role"),
        "nip": ("nip",),
        "full_name": ("nama lengkap", "nama", "full name", "full_name"),
        "email": ("email", "e-mail", "surel"),
        "agency_code": ("kode instansi", "agency code", "agency_code"),
        "position": ("jabatan", "position"),
    },
    labels={
        "role": _("Peran"),
        "nip": _("NIP"),
        "full_name": _("Nama lengkap"),
        "email": _("Email"),
        "agency_code": _("Kode instansi"),
        "position": _("Jabatan"),
    },
    optional=frozenset({"agency_code", "position"}),
    empty=_("Berkas hanya berisi judul kolom; belum ada staf."),
    too_many=_("Berkas berisi lebih dari %(max)d baris; maksimal %(max)d orang sekali impor."),
)

ACTION_LABELS = {
    "new": _("Akun baru; diundang lewat email"),
    "invite": _("Akun sudah ada tetapi belum pernah masuk; diundang lewat email"),
    "invited": _("Sudah diundang untuk peran ini"),
    "known": _("Sudah punya akun dan dapat masuk; akunnya tidak diubah"),
}


@dataclass
class StaffRow:
    """What importing one staff row would do, or why it cannot."""

    line: int
    values: dict[str, str]
    errors: list[StrOrPromise] = field(default_factory=list)
    notes: list[StrOrPromise] = field(default_factory=list)
    action: str = ""
    role: Role | None = None
    user: User | None = None
    agency: Agency | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, ""))

    @property
    def role_label(self) -> str:
        return str(self.role.label) if self.role else ""


@dataclass
class StaffPreview:
    rows: list[StaffRow]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.error_count

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            if not row.errors:
                counts[row.action] += 1
        return counts


@dataclass
class _Known:
    """What the database says about the people and agencies a staff file names."""

    people: dict[str | None, User]
    usernames: set[str]
    assignable: set[int]
    participants: set[int]
    invited: set[tuple[int, str]]
    agencies: dict[str, Agency]
    # (NIP, role) -> the first line naming them.
    seen: dict[tuple[str, str], int] = field(default_factory=dict)


def check_staff_rows(cohort: Cohort, rows: list[dict[str, str]], *, by: User) -> StaffPreview:
    """Every staff row checked against the file and the database: a fixed number of queries."""
    checks = [
        StaffRow(
            line=int(row["line"]) if str(row.get("line", "")).isdigit() else index,
            values={key: str(row.get(key, ""))[:MAX_CELL_CHARS] for key in STAFF_COLUMNS.spellings},
        )
        for index, row in enumerate(rows, start=2)
    ]
    for check in checks:
        check.values["nip"] = normalise_nip(check.values["nip"])
    nips = {check.values["nip"] for check in checks} - {""}
    codes = {check.values["agency_code"] for check in checks} - {""}
    known = _Known(
        people={user.nip: user for user in User.objects.filter(nip__in=nips)},
        usernames=set(User.objects.filter(username__in=nips).values_list("username", flat=True)),
        assignable=set(
            coaches_assignable_in(cohort).filter(nip__in=nips).values_list("pk", flat=True)
        ),
        participants=set(
            cohort.projects.filter(participant__nip__in=nips).values_list("participant", flat=True)
        ),
        invited=set(cohort.invitations.filter(user__nip__in=nips).values_list("user", "role")),
        agencies={agency.code.lower(): agency for agency in Agency.objects.filter(code__in=codes)},
    )
    for check in checks:
        _check_staff_row(check, cohort, known)
    return StaffPreview(checks)


def _check_staff_row(check: StaffRow, cohort: Cohort, known: _Known) -> None:
    values, errors, seen = check.values, check.errors, known.seen
    check.role = ROLE_SPELLINGS.get(values["role"].strip().lower())
    if check.role is None:
        errors.append(
            _("Peran “%(role)s” tidak dikenal; tulis coach, penguji atau mentor.")
            % {"role": values["role"]}
        )
    nip = values["nip"]
    if not nip:
        errors.append(_("NIP wajib diisi."))
    else:
        try:
            validate_nip(nip)
        except ValidationError as invalid:
            errors.extend(invalid.messages)
        key = (nip, str(check.role))
        if key in seen:
            errors.append(
                _("Orang ini dengan peran ini sudah ada di baris %(line)d.") % {"line": seen[key]}
            )
        else:
            seen[key] = check.line
    if values["agency_code"]:
        check.agency = known.agencies.get(values["agency_code"].lower())
        if check.agency is None:
            errors.append(
                _("Kode instansi “%(code)s” tidak dikenal.") % {"code": values["agency_code"]}
            )
    if len(values["position"]) > 200:
        errors.append(_("Jabatan paling banyak 200 huruf."))
    check.user = known.people.get(nip)
    user = check.user
    if user is None:
        _check_new_person(check, known.usernames)
    elif user.is_staff or user.is_superuser:
        errors.append(
            _("NIP ini milik akun pengelola Jejak; akun itu tidak diimpor sebagai staf angkatan.")
        )
    elif not user.is_active:
        errors.append(_("Akun dengan NIP ini sudah dinonaktifkan; hubungi admin."))
    elif user.pk in known.participants:
        errors.append(
            _("%(name)s peserta angkatan ini; peserta bukan staf angkatannya.") % {"name": user}
        )
    elif check.role == Role.COACH and user.pk not in known.assignable:
        errors.append(coach_not_assignable(user, cohort))
    if errors or check.role is None:
        return
    if user is None:
        check.action = "new"
    elif (user.pk, check.role.value) in known.invited:
        check.action = "invited"
    elif accounts.needs_password(user):
        check.action = "invite"
    else:
        check.action = "known"
    if user is not None and (values["full_name"], values["email"]) != (user.full_name, user.email):
        check.notes.append(
            _("Nama dan email akun ini tetap seperti di Jejak; isian berkas diabaikan.")
        )


def _check_new_person(check: StaffRow, taken: set[str]) -> None:
    values, errors = check.values, check.errors
    if not values["full_name"]:
        errors.append(_("Nama lengkap wajib diisi."))
    elif len(values["full_name"]) > 200:
        errors.append(_("Nama lengkap paling banyak 200 huruf."))
    if not values["email"]:
        errors.append(_("Email wajib diisi: undangan dikirim ke alamat ini."))
    else:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(_("Email “%(email)s” tidak valid.") % {"email": values["email"]})
    if check.role == Role.MENTOR and check.agency is None and not values["agency_code"]:
        errors.append(
            _("Kode instansi wajib diisi untuk mentor baru: mentor bekerja di instansi pesertanya.")
        )
    if values["nip"] in taken:
        errors.append(_("Nama pengguna %(nip)s sudah dipakai akun lain.") % {"nip": values["nip"]})


class StaffImportRefused(Refused):
    """The staff rows cannot be imported as they are; `preview` shows each row's problems."""

    def __init__(self, preview: StaffPreview) -> None:
        super().__init__(
            _("%(count)d baris bermasalah; tidak ada yang disimpan.")
            % {"count": preview.error_count}
        )
        self.preview = preview


def cohort_import_staff(*, cohort: Cohort, by: User, rows: list[dict[str, str]]) -> StaffPreview:
    """Organiser imports staff rows: re-checked now, then all written or none; every account
    that still needs a password is invited to the cohort in its role (once)."""
    if not cohort.organisers.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        preview = check_staff_rows(cohort, rows, by=by)
        if not preview.ok:
            raise StaffImportRefused(preview)
        for check in preview.rows:
            if check.user is None:
                values = check.values
                check.user = User(
                    username=values["nip"],
                    nip=values["nip"],
                    full_name=values["full_name"],
                    email=values["email"],
                    position=values["position"],
                    agency=check.agency,
                )
                check.user.set_unusable_password()
                check.user.save()
            if check.role == Role.EXAMINER:
                # An institution keeps its pool of examiners by importing them.
                PoolExaminer.objects.get_or_create(
                    institution=cohort.institution, person=check.user, defaults={"added_by": by}
                )
            if check.action in ("new", "invite"):
                assert check.role is not None  # every row of an ok preview has its role
                accounts.invite(user=check.user, by=by, role=check.role, cohort=cohort)
            elif check.action == "known":
                # Recorded, so the organiser's list of the cohort's people shows them.
                Invitation.objects.get_or_create(
                    user=check.user,
                    cohort=cohort,
                    role=check.role,
                    defaults={"invited_by": by, "approved_by": by, "accepted_at": timezone.now()},
                )
    return preview
