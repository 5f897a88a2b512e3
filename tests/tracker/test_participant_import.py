"""Importing participants into a cohort: preview with every row's errors, confirm, re-run."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    AgencyFactory,
    AgencyHeadFactory,
    ChangeProjectFactory,
    CohortFactory,
    SeminarFactory,
    UserFactory,
    made_by_import,
)
from tests.html import element
from tests.milestones.files import bomb_member, make_xlsm, member, zip_of
from tracker.imports import MAX_BYTES, UnreadableFile, read_table
from tracker.models import ChangeProject, User

HEADER = [
    "NIP",
    "Nama lengkap",
    "Email",
    "Kode instansi",
    "Jabatan",
    "NIP mentor",
    "Username coach",
]
NEW_NIP = "199001012015031001"
SECOND_NIP = "199202022016042002"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(world) -> str:
    return reverse("tracker:participant-import", args=[world.cohort.pk])


def _confirm_url(world) -> str:
    return reverse("tracker:participant-import-confirm", args=[world.cohort.pk])


def _csv(rows, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(world, nip=NEW_NIP, name="Citra Peserta Baru", email="citra@jejak.example", **extra):
    values = {
        "agency": "DINAS",
        "position": "Kepala Seksi Pelayanan",
        "mentor": world.mentor.nip,
        "coach": "coach",
        **extra,
    }
    return [
        nip,
        name,
        email,
        values["agency"],
        values["position"],
        values["mentor"],
        values["coach"],
    ]


def _upload(client, world, content: bytes, name="peserta.csv", **headers):
    return client.post(
        _url(world), {"file": SimpleUploadedFile(name, content, "text/csv")}, **headers
    )


def _token(response) -> str:
    page = response.content.decode()
    return page.split('name="token" value="', 1)[1].split('"', 1)[0]


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


def _counts():
    return User.objects.count(), ChangeProject.objects.count()


# --- preview -------------------------------------------------------------------------------


def test_preview_shows_what_would_happen_and_writes_nothing(organiser, world):
    before = _counts()
    response = _upload(organiser, world, _csv([_row(world)]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Citra Peserta Baru" in page
    assert "Akun dan proyek baru" in page
    assert "Simpan impor" in page
    assert _counts() == before


def test_confirm_creates_account_and_draft_project_with_coach_and_mentor(organiser, world):
    preview = _upload(organiser, world, _csv([_row(world)]))
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reports:project-list')}?cohort={world.cohort.pk}"
    person = User.objects.get(nip=NEW_NIP)
    assert (person.username, person.full_name, person.email) == (
        NEW_NIP,
        "Citra Peserta Baru",
        "citra@jejak.example",
    )
    assert person.agency == world.dinas
    assert not person.has_usable_password()
    project = ChangeProject.objects.get(participant=person, cohort=world.cohort)
    assert project.state == ChangeProject.State.DRAFT
    assert (project.coach, project.mentor, project.agency) == (
        world.coach,
        world.mentor,
        world.dinas,
    )
    assert "Citra Peserta Baru" in project.title
    page = organiser.get(response["Location"]).content.decode()
    assert "Impor selesai: 1 akun baru" in page


def test_rerunning_the_same_file_creates_no_duplicates(organiser, world):
    content = _csv([_row(world), _row(world, nip=SECOND_NIP, name="Dodi", email="d@x.example")])
    organiser.post(_confirm_url(world), {"token": _token(_upload(organiser, world, content))})
    after_first = _counts()
    again = _upload(organiser, world, content)
    assert again.content.decode().count("Sudah terdaftar; tidak berubah") == 2
    organiser.post(_confirm_url(world), {"token": _token(again)})
    assert _counts() == after_first


def test_rerun_updates_a_participant_already_in_the_cohort(organiser, world):
    made_by_import(world.participant, world.cohort, world.organiser)
    content = _csv([_row(world, world.participant.nip, "Budi Peserta, S.T.", "budi@baru.example")])
    preview = _upload(organiser, world, content)
    assert "Sudah terdaftar; diperbarui" in preview.content.decode()
    before = _counts()
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    world.participant.refresh_from_db()
    assert world.participant.full_name == "Budi Peserta, S.T."
    assert world.participant.email == "budi@baru.example"
    assert _counts() == before


def test_participant_of_the_organisers_other_cohort_gets_a_project_here_and_is_updated(
    organiser, world
):
    earlier = CohortFactory(number="I", year=2024)
    earlier.organisers.add(world.organiser)
    person = UserFactory(nip="198801012010011001", agency=world.dinas)
    ChangeProjectFactory(participant=person, cohort=earlier)
    made_by_import(person, earlier, world.organiser)
    row = _row(world, person.nip, "Nama Baru", "baru@jejak.example")
    preview = _upload(organiser, world, _csv([row]))
    assert "Akun sudah ada; proyek baru" in preview.content.decode()
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert ChangeProject.objects.filter(participant=person, cohort=world.cohort).count() == 1
    assert User.objects.filter(nip=person.nip).count() == 1
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("Nama Baru", "baru@jejak.example")


def test_xlsx_with_semicolon_free_columns_in_any_order_is_read(organiser, world):
    header = list(reversed(HEADER))
    rows = [list(reversed(_row(world)))]
    response = _upload(organiser, world, _xlsx(rows, header), name="peserta.xlsx")
    assert response.status_code == 200
    assert "Akun dan proyek baru" in response.content.decode()


def test_csv_with_semicolons_and_windows_encoding_is_read(organiser, world):
    content = _csv([_row(world, name="Citra Anggrek Ñ")], delimiter=";", encoding="cp1252")
    response = _upload(organiser, world, content)
    assert response.status_code == 200
    assert "Citra Anggrek Ñ" in response.content.decode()


# --- errors, all shown at once -------------------------------------------------------------


def test_every_rows_errors_are_shown_in_indonesian_and_nothing_can_be_saved(organiser, world):
    rows = [
        _row(world, nip="12345"),
        _row(world, nip=SECOND_NIP, agency="TIDAKADA"),
        _row(world, nip="199303032017011003", mentor="199999999999999999"),
        _row(world, nip="199404042018021004", coach="siapa"),
        _row(world, nip=SECOND_NIP, name="Duplikat"),
        _row(world, nip="199505052019031005", email="bukan-email", name=""),
    ]
    before = _counts()
    response = _upload(organiser, world, _csv(rows))
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "NIP harus terdiri dari 18 angka.",
        "Kode instansi “TIDAKADA” tidak dikenal.",
        "NIP mentor 199999999999999999 tidak terdaftar di Jejak.",
        "Username coach “siapa” tidak terdaftar di Jejak.",
        "NIP ini sudah ada di baris 3",
        "Email “bukan-email” tidak valid.",
        "Nama lengkap wajib diisi.",
        "6 baris bermasalah",
    ):
        assert message in page
    assert "Simpan impor</button>" not in page
    assert _counts() == before


def test_missing_columns_are_named(organiser, world):
    content = _csv([["199001012015031001", "Citra"]], header=["NIP", "Nama lengkap"])
    response = _upload(organiser, world, content)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kolom wajib tidak ditemukan: Email, Kode instansi, Jabatan, NIP mentor" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("peserta.xls", b"\xd0\xcf\x11\xe0 old excel", "Jenis berkas tidak didukung"),
        ("peserta.pdf", b"%PDF-1.7", "Jenis berkas tidak didukung"),
        ("peserta.xlsx", b"NIP,Nama\n", "Berkas ini bukan XLSX"),
        ("peserta.xlsx", b"PK\x03\x04 broken zip", "Berkas XLSX tidak dapat dibaca"),
        ("peserta.csv", b"\x00\x01\x02binary", "Berkas ini bukan CSV"),
        ("peserta.csv", b"NIP,Nama lengkap,Email\n", "Kolom wajib tidak ditemukan"),
    ],
)
def test_wrong_files_are_refused_with_a_reason(organiser, world, name, content, message):
    response = _upload(organiser, world, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_header_only_file_is_refused(organiser, world):
    response = _upload(organiser, world, _csv([]))
    assert response.status_code == 400
    assert "belum ada peserta" in response.content.decode()


def test_too_large_file_is_refused(organiser, world):
    response = _upload(organiser, world, b"x" * (MAX_BYTES + 1))
    assert response.status_code == 400
    assert "Berkas terlalu besar" in response.content.decode()


def test_no_file_is_refused(organiser, world):
    response = organiser.post(_url(world), {})
    assert response.status_code == 400
    assert "Pilih berkas CSV atau XLSX." in response.content.decode()


def test_admin_accounts_are_not_changed_through_an_import(organiser, world):
    world.admin.nip = "198001012005011001"
    world.admin.save(update_fields=["nip"])
    response = _upload(organiser, world, _csv([_row(world, nip=world.admin.nip)]))
    assert response.status_code == 400
    assert "akun pengelola Jejak" in response.content.decode()


# --- the confirm step trusts nothing re-posted ----------------------------------------------


def test_confirm_without_a_preview_is_refused(organiser, world):
    response = organiser.post(_confirm_url(world), {"token": "made-up"})
    assert response.status_code == 400
    assert "unggah berkasnya lagi" in response.content.decode()


def test_an_older_preview_cannot_be_confirmed_after_a_new_upload(organiser, world):
    first = _upload(organiser, world, _csv([_row(world)]))
    _upload(organiser, world, _csv([_row(world, nip=SECOND_NIP)]))
    before = _counts()
    response = organiser.post(_confirm_url(world), {"token": _token(first)})
    assert response.status_code == 400
    assert _counts() == before


def test_rows_are_checked_again_when_confirming(organiser, world):
    preview = _upload(organiser, world, _csv([_row(world)]))
    # Between preview and confirmation the coach's account is switched off.
    User.objects.filter(pk=world.coach.pk).update(is_active=False)
    before = _counts()
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Username coach “coach” tidak terdaftar di Jejak." in page
    assert "tidak ada yang disimpan" in page
    assert _counts() == before


def test_the_preview_of_one_cohort_cannot_be_saved_into_another(organiser, world):
    other = CohortFactory()
    other.organisers.add(world.organiser)
    preview = _upload(organiser, world, _csv([_row(world)]))
    url = reverse("tracker:participant-import-confirm", args=[other.pk])
    assert organiser.post(url, {"token": _token(preview)}).status_code == 400
    assert not ChangeProject.objects.filter(cohort=other).exists()


# --- HTMX ----------------------------------------------------------------------------------


def test_htmx_upload_and_confirm_swap_the_panel_only(organiser, world):
    preview = _upload(organiser, world, _csv([_row(world)]), **HTMX)
    page = preview.content.decode()
    assert page.lstrip().startswith('<div id="import-panel">')
    assert "<html" not in page
    done = organiser.post(_confirm_url(world), {"token": _token(preview)}, **HTMX)
    assert done.status_code == 200
    page = done.content.decode()
    assert page.lstrip().startswith('<div id="import-panel">')
    assert "Impor selesai: 1 akun baru" in page
    assert User.objects.filter(nip=NEW_NIP).exists()


def test_htmx_errors_come_back_in_the_panel(organiser, world):
    response = _upload(organiser, world, _csv([_row(world, nip="123")]), **HTMX)
    assert response.status_code == 400
    assert "NIP harus terdiri dari 18 angka." in response.content.decode()


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coach", 404), ("participant", 404), ("agency_head", 404), ("stranger", 404), ("admin", 403)],
)
def test_only_the_cohorts_organiser_may_import(client, world, persona, status):
    client.force_login(world.persona(persona))
    before = _counts()
    assert _upload(client, world, _csv([_row(world)])).status_code == status
    assert client.post(_confirm_url(world), {"token": "x"}).status_code == status
    assert _counts() == before


def test_organiser_of_another_cohort_gets_404(client, world):
    other_organiser = UserFactory()
    CohortFactory().organisers.add(other_organiser)
    client.force_login(other_organiser)
    assert client.get(_url(world)).status_code == 404


def test_import_page_explains_the_columns(organiser, world):
    page = organiser.get(_url(world)).content.decode()
    for label in HEADER:
        assert label in page
    assert 'enctype="multipart/form-data"' in page


def test_the_sample_file_offered_on_the_page_imports_cleanly(organiser, world):
    dinkes = AgencyFactory(code="DINKES-JABAR")
    AgencyFactory(code="LABKESDA-JABAR")
    UserFactory(username="coach2")
    # The mentor works at the first row's agency; the second row names no mentor.
    User.objects.filter(pk=world.mentor.pk).update(nip="197804252005012007", agency=dinkes)
    with open(finders.find("import/contoh-impor-peserta.csv"), "rb") as sample:
        response = _upload(organiser, world, sample.read())
    assert response.status_code == 200
    assert response.content.decode().count("Akun dan proyek baru") == 2


PREVIEW_QUERIES = 15


def test_preview_query_count_is_the_same_for_1_and_50_rows(
    organiser, world, django_assert_num_queries
):
    def rows(count):
        return [
            _row(world, nip=f"19900101201503{1 + index % 2}{index:03d}", email=f"p{index}@x.id")
            for index in range(count)
        ]

    with django_assert_num_queries(PREVIEW_QUERIES):
        assert _upload(organiser, world, _csv(rows(1))).status_code == 200
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = _upload(organiser, world, _csv(rows(50)))
    assert response.content.decode().count("Akun dan proyek baru") == 50


def test_errors_name_the_line_of_the_file_even_after_blank_lines(organiser, world):
    content = _csv([_row(world), [""] * 7, _row(world, nip=SECOND_NIP, agency="SALAH")])
    page = _upload(organiser, world, content).content.decode()
    row = element(page, tag="tr", cls="import-row--error")
    assert row.text.startswith("4 ")


# --- tenancy: accounts outside the organiser's cohorts are linked, never changed -------------


def _account(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.username,
        user.full_name,
        user.email,
        user.position,
        user.agency_id,
        user.password,
        user.is_staff,
        user.is_superuser,
        user.is_active,
    )


def _other_organisers_cohort():
    cohort = CohortFactory(institution="Pusdiklat Kementerian Lain")
    cohort.organisers.add(UserFactory(is_staff=True))
    return cohort


def _other_organisers_participant(world):
    person = UserFactory(nip="198702022011012003")
    ChangeProjectFactory(participant=person, cohort=_other_organisers_cohort())
    return person


def _account_without_roles(world):
    return UserFactory(nip="198903032012031004")


OUTSIDERS = {
    "agency head": lambda world: world.agency_head,
    "another organiser's participant": _other_organisers_participant,
    "mentor of this cohort": lambda world: world.mentor,
    "account made by the admin": _account_without_roles,
}


@pytest.mark.parametrize("outsider", OUTSIDERS, ids=list(OUTSIDERS))
def test_people_outside_the_organisers_cohorts_are_linked_and_their_accounts_unchanged(
    organiser, world, outsider
):
    person = OUTSIDERS[outsider](world)
    before = _account(person)
    row = _row(world, person.nip, "Nama Palsu", "penyerang@jahat.example", mentor="")
    row[4] = "Jabatan Palsu"
    preview = _upload(organiser, world, _csv([row]))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Akun orang lain sudah ada; proyek baru, akunnya tidak diubah" in page
    assert "isian berkas untuk akun ini diabaikan" in page
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 302
    assert _account(person) == before
    project = ChangeProject.objects.get(participant=person, cohort=world.cohort)
    assert project.agency == world.dinas
    assert "Nama Palsu" not in project.title


@pytest.mark.parametrize("persona", ["admin", "other organiser"])
def test_staff_and_admin_accounts_are_refused_and_unchanged(organiser, world, persona):
    if persona == "admin":
        world.admin.nip = "198001012005011001"
        world.admin.save(update_fields=["nip"])
        person = world.admin
    else:
        person = UserFactory(is_staff=True, nip="198001012005011002")
        _other_organisers_cohort().organisers.add(person)
    before = _account(person)
    response = _upload(organiser, world, _csv([_row(world, person.nip, email="x@jahat.example")]))
    assert response.status_code == 400
    assert "akun pengelola Jejak" in response.content.decode()
    assert _account(person) == before
    assert not ChangeProject.objects.filter(participant=person).exists()


def test_participant_of_this_cohort_with_a_wider_role_keeps_their_account(organiser, world):
    AgencyHeadFactory(user=world.participant, agency=world.other_agency)
    before = _account(world.participant)
    preview = _upload(organiser, world, _csv([_row(world, world.participant.nip, "Nama Lain")]))
    page = preview.content.decode()
    assert "Sudah terdaftar; tidak berubah" in page
    assert "isian berkas untuk akun ini diabaikan" in page
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert _account(world.participant) == before


def test_confirm_checks_tenancy_again_and_changes_nothing_of_a_person_who_left_its_reach(
    organiser, world
):
    earlier = CohortFactory(number="II", year=2024)
    earlier.organisers.add(world.organiser)
    person = UserFactory(nip="198801012010011001", agency=world.dinas)
    ChangeProjectFactory(participant=person, cohort=earlier)
    made_by_import(person, earlier, world.organiser)
    preview = _upload(organiser, world, _csv([_row(world, person.nip, "Nama Baru")]))
    assert "Akun sudah ada; proyek baru" in preview.content.decode()
    # Between preview and confirmation the person joins another organiser's cohort.
    ChangeProjectFactory(participant=person, cohort=_other_organisers_cohort())
    before = _account(person)
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 302
    assert _account(person) == before
    assert ChangeProject.objects.filter(participant=person, cohort=world.cohort).exists()


# --- who may be coach and mentor ----------------------------------------------------------


def _coach_elsewhere(world):
    coach = UserFactory(username="coach_lain")
    ChangeProjectFactory(cohort=_other_organisers_cohort(), coach=coach)
    return coach


def _organiser_elsewhere(world):
    person = UserFactory(username="penyelenggara_lain", is_staff=True)
    _other_organisers_cohort().organisers.add(person)
    return person


def _superuser(world):
    return world.admin


@pytest.mark.parametrize(
    "build", [_superuser, _coach_elsewhere, _organiser_elsewhere], ids=lambda b: b.__name__
)
def test_coach_must_be_someone_the_organiser_may_assign(organiser, world, build):
    coach = build(world)
    response = _upload(organiser, world, _csv([_row(world, coach=coach.username)]))
    assert response.status_code == 400
    assert "tidak dapat menjadi coach di angkatan ini" in response.content.decode()
    assert not User.objects.filter(nip=NEW_NIP).exists()


def test_coach_of_another_institution_who_also_serves_this_one_may_coach(organiser, world):
    coach = _coach_elsewhere(world)
    SeminarFactory(cohort=CohortFactory()).examiners.add(coach)
    response = _upload(organiser, world, _csv([_row(world, coach=coach.username)]))
    assert response.status_code == 200
    assert "Akun dan proyek baru" in response.content.decode()


def test_mentor_must_work_in_the_participants_agency_or_above(organiser, world):
    superior = UserFactory(nip="197001012000011001", agency=world.province)
    far = UserFactory(nip="197101012000011002", agency=world.other_agency)
    world.admin.nip = "198001012005011001"
    world.admin.save(update_fields=["nip"])
    rows = [
        _row(world, mentor=far.nip),
        _row(world, nip=SECOND_NIP, email="d@x.example", mentor=world.admin.nip),
        _row(world, nip="199303032017011003", email="e@x.example", mentor=superior.nip),
    ]
    response = _upload(organiser, world, _csv(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "tidak bekerja di Dinas Kesehatan Uji atau instansi induknya" in page
    assert "Akun admin Jejak tidak dapat menjadi mentor." in page
    # The third row, whose mentor heads the unit above, is fine.
    assert "2 baris bermasalah" in page


def test_the_cohorts_organisers_and_participants_do_not_mentor_in_it(organiser, world):
    world.organiser.nip = "198001012005011002"
    world.organiser.agency = world.dinas
    world.organiser.save(update_fields=["nip", "agency"])
    User.objects.filter(pk=world.other_participant.pk).update(agency=world.dinas)
    rows = [
        _row(world, mentor=world.organiser.nip),
        _row(world, nip=SECOND_NIP, email="d@x.example", mentor=world.other_participant.nip),
    ]
    response = _upload(organiser, world, _csv(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Penyelenggara angkatan ini tidak dapat menjadi mentor di angkatannya." in page
    assert "Peserta angkatan ini tidak dapat menjadi mentor di angkatannya." in page


# --- hostile files -------------------------------------------------------------------------


def _xlsx_replacing(parts: dict[str, bytes | str], rows=None) -> bytes:
    """A real workbook with some of its parts swapped for others."""
    original = io.BytesIO(_xlsx(rows or []))
    buffer = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, parts.get(name, source.read(name)))
    return buffer.getvalue()


SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _far_row_sheet() -> str:
    cells = "".join(
        f'<c r="{column}{{row}}" t="inlineStr"><is><t>{title}</t></is></c>'
        for column, title in zip("ABCDEFG", HEADER, strict=True)
    )
    return (
        f'<worksheet xmlns="{SHEET_NS}"><sheetData>'
        f'<row r="1">{cells.format(row=1)}</row><row r="900000">{cells.format(row=900000)}</row>'
        "</sheetData></worksheet>"
    )


HOSTILE = [
    (
        "field over the csv limit",
        "p.csv",
        lambda w: _csv([_row(w, name="x" * 140_000)]),
        "terlalu panjang",
    ),
    (
        "unclosed quote swallowing the file",
        "p.csv",
        lambda w: _csv([_row(w)]) + b'"' + b"y" * 140_000,
        "terlalu panjang",
    ),
    (
        "workbook without a sheet",
        "p.xlsx",
        lambda w: _xlsx_replacing(
            {"xl/workbook.xml": f'<workbook xmlns="{SHEET_NS}"><sheets/></workbook>'}
        ),
        "tidak berisi lembar kerja",
    ),
    (
        "malformed sheet xml",
        "p.xlsx",
        lambda w: _xlsx_replacing(
            {"xl/worksheets/sheet1.xml": '<worksheet><sheetData><row r="1"><c'}
        ),
        "Berkas XLSX tidak dapat dibaca",
    ),
    (
        "malformed workbook xml",
        "p.xlsx",
        lambda w: _xlsx_replacing({"xl/workbook.xml": "<workbook><sheets><sheet"}),
        "Berkas XLSX tidak dapat dibaca",
    ),
    (
        "sheet reaching row 900000",
        "p.xlsx",
        lambda w: _xlsx_replacing({"xl/worksheets/sheet1.xml": _far_row_sheet()}),
        "lebih panjang dari 10000 baris",
    ),
    ("binary text", "p.csv", lambda w: b"NIP,Nama\x01\x02\x03\x1b[31m", "bukan CSV"),
    ("pdf renamed csv", "p.csv", lambda w: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "bukan CSV"),
    ("workbook renamed csv", "p.csv", lambda w: _xlsx([_row(w)]), "bukan CSV"),
    ("empty file", "p.csv", lambda w: b"", "kosong"),
    ("xlsx that is a plain zip", "p.xlsx", lambda w: zip_of([member("a.txt", "x")]), "XLSX"),
    ("workbook with macros", "p.xlsx", lambda w: make_xlsm(), "memuat makro"),
]


@pytest.mark.parametrize(
    ("case", "name", "build", "message"), HOSTILE, ids=[row[0] for row in HOSTILE]
)
def test_hostile_files_get_a_reason_and_change_nothing(
    organiser, world, case, name, build, message
):
    before = _counts()
    response = _upload(organiser, world, build(world), name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


def test_csv_with_old_mac_line_endings_is_read(organiser, world):
    content = _csv([_row(world), _row(world, nip=SECOND_NIP, email="d@x.example")])
    response = _upload(organiser, world, content.replace(b"\r\n", b"\r"))
    assert response.status_code == 200
    assert response.content.decode().count("Akun dan proyek baru") == 2


def test_excel_unicode_text_export_is_read(organiser, world):
    content = _csv([_row(world, name="Citra Ñuñez")], delimiter="\t").decode()
    response = _upload(organiser, world, content.encode("utf-16"))
    assert response.status_code == 200
    assert "Citra Ñuñez" in response.content.decode()


def test_more_rows_than_one_import_takes_are_refused(organiser, world):
    rows = [_row(world, nip=f"19900101201503{1 + i % 2}{i:03d}") for i in range(1001)]
    response = _upload(organiser, world, _csv(rows))
    assert response.status_code == 400
    assert "maksimal 1000 peserta sekali impor" in response.content.decode()


def _shared_strings_bomb(mebibytes: int, *, lie: bool) -> bytes:
    """A real workbook whose shared strings inflate to `mebibytes` MiB; under 1 MiB on disk."""
    with zipfile.ZipFile(io.BytesIO(_xlsx([]))) as source:
        members = [
            member(name, source.read(name))
            for name in source.namelist()
            if name != "xl/sharedStrings.xml"
        ]
    bomb = bomb_member(
        "xl/sharedStrings.xml",
        mebibytes,
        f'<sst xmlns="{SHEET_NS}" count="1" uniqueCount="1"><si><t>'.encode(),
        b"</t></si></sst>",
    )
    return zip_of([*members, bomb], {bomb.name: 2048} if lie else None)


@pytest.mark.parametrize("lie", [False, True], ids=["honest directory", "lying directory"])
def test_workbook_inflating_to_a_gigabyte_is_refused_before_openpyxl_opens_it(
    organiser, world, monkeypatch, lie
):
    content = _shared_strings_bomb(1000, lie=lie)
    assert len(content) < MAX_BYTES

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a workbook that inflates this far")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    response = _upload(organiser, world, content, name="peserta.xlsx")
    assert response.status_code == 400
    page = response.content.decode()
    assert "mengembang" in page
    assert "tidak diterima" in page


def test_reading_a_lying_workbook_bomb_stays_small_in_memory():
    content = _shared_strings_bomb(1000, lie=True)
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="mengembang"):
            read_table("peserta.xlsx", content)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Inflating is done 64 KiB at a time and stops at the cap: nothing near the gigabyte.
    assert peak < 8 * 1024 * 1024
