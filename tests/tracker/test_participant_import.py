"""Importing participants into a cohort: preview with every row's errors, confirm, re-run."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import AgencyFactory, ChangeProjectFactory, CohortFactory, UserFactory
from tracker.imports import MAX_BYTES
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


PREVIEW_QUERIES = 17


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
    row = page.split('class="import-row--error"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num" data-label="Baris">4</td>' in row
