"""Importing a cohort's staff (coaches, examiners, mentors): preview, errors, idempotence."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import AgencyFactory, ChangeProjectFactory, CohortFactory, UserFactory
from tracker.models import Invitation, User

HEADER = ["Peran", "NIP", "Nama lengkap", "Email", "Kode instansi", "Jabatan"]
COACH_NIP = "197011231995032002"
EXAMINER_NIP = "197502092000032003"


def _url(world) -> str:
    return reverse("tracker:staff-import", args=[world.cohort.pk])


def _confirm_url(world) -> str:
    return reverse("tracker:staff-import-confirm", args=[world.cohort.pk])


def _csv(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _rows():
    return [
        ["coach", COACH_NIP, "Dra. Nurhayati", "nur@jejak.example", "", "Widyaiswara"],
        ["Penguji", EXAMINER_NIP, "Dr. Ratna", "ratna@jejak.example", "PROV", ""],
    ]


def _upload(client, world, content: bytes, name="staf.csv"):
    return client.post(_url(world), {"file": SimpleUploadedFile(name, content, "text/csv")})


def _token(response) -> str:
    return response.content.decode().split('name="token" value="', 1)[1].split('"', 1)[0]


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


def test_preview_shows_each_row_and_writes_nothing(organiser, world):
    before = User.objects.count()
    response = _upload(organiser, world, _csv(_rows()))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Akun baru; diundang lewat email") == 2
    assert "Dra. Nurhayati" in page and "Penguji" in page
    assert "Simpan impor" in page
    assert User.objects.count() == before


def test_confirm_creates_and_invites_each_person_in_their_role(organiser, world, run_tasks):
    preview = _upload(organiser, world, _csv(_rows()))
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker:invitations", args=[world.cohort.pk])
    coach = User.objects.get(nip=COACH_NIP)
    examiner = User.objects.get(nip=EXAMINER_NIP)
    assert (coach.username, coach.email, coach.position) == (
        COACH_NIP,
        "nur@jejak.example",
        "Widyaiswara",
    )
    assert examiner.agency == world.province
    assert not coach.has_usable_password() and not coach.is_staff
    roles = set(Invitation.objects.filter(cohort=world.cohort).values_list("user__nip", "role"))
    assert roles == {(COACH_NIP, "coach"), (EXAMINER_NIP, "examiner")}
    assert run_tasks() == 2
    (to_coach,) = [message for message in mail.outbox if message.to == ["nur@jejak.example"]]
    assert "sebagai Coach" in to_coach.body
    page = organiser.get(response["Location"]).content.decode()
    assert "Impor staf selesai: 2 akun baru diundang" in page
    # The invited coach is offered on the coach page.
    coach_page = organiser.get(reverse("tracker:coach-assignment", args=[world.cohort.pk]))
    assert f'<option value="{COACH_NIP}">' in coach_page.content.decode()


def test_rerunning_the_same_file_creates_and_sends_nothing_more(organiser, world, run_tasks):
    content = _csv(_rows())
    organiser.post(_confirm_url(world), {"token": _token(_upload(organiser, world, content))})
    run_tasks()
    people, sent = User.objects.count(), len(mail.outbox)
    again = _upload(organiser, world, content)
    assert again.content.decode().count("Sudah diundang untuk peran ini") == 2
    organiser.post(_confirm_url(world), {"token": _token(again)})
    assert run_tasks() == 0
    assert (User.objects.count(), len(mail.outbox)) == (people, sent)
    assert Invitation.objects.filter(cohort=world.cohort).count() == 2


def test_existing_accounts_are_linked_never_changed(organiser, world, run_tasks):
    rows = [["coach", world.coach.nip, "Nama Lain", "lain@jejak.example", "", ""]]
    preview = _upload(organiser, world, _csv(rows))
    page = preview.content.decode()
    assert "Sudah punya akun dan dapat masuk; akunnya tidak diubah" in page
    assert "isian berkas diabaikan" in page
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    world.coach.refresh_from_db()
    assert (world.coach.full_name, world.coach.email) == ("Hendra Coach", "coach@jejak.example")
    assert run_tasks() == 0
    invitation = Invitation.objects.get(user=world.coach)
    assert invitation.status == Invitation.Status.ACCEPTED


def test_every_rows_errors_are_shown_and_nothing_is_saved(organiser, world, elsewhere):
    far_coach = elsewhere.coach
    rows = [
        ["pelatih", "199001012015031001", "Satu", "satu@jejak.example", "", ""],
        ["coach", "12345", "Dua", "dua@jejak.example", "", ""],
        ["coach", "199001012015031003", "", "bukan-email", "", ""],
        ["mentor", "199001012015031004", "Empat", "empat@jejak.example", "", ""],
        ["penguji", "199001012015031005", "Lima", "lima@jejak.example", "TIDAKADA", ""],
        ["coach", far_coach.nip, far_coach.full_name, far_coach.email, "", ""],
        ["penguji", world.participant.nip, "Budi", "budi@jejak.example", "", ""],
        ["coach", world.admin.nip, "Admin", "admin@jejak.example", "", ""],
        ["penguji", "199001012015031005", "Lima", "lima@jejak.example", "", ""],
    ]
    before = User.objects.count()
    response = _upload(organiser, world, _csv(rows))
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Peran “pelatih” tidak dikenal",
        "NIP harus terdiri dari 18 angka.",
        "Nama lengkap wajib diisi.",
        "Email “bukan-email” tidak valid.",
        "Kode instansi wajib diisi untuk mentor baru",
        "Kode instansi “TIDAKADA” tidak dikenal.",
        "tidak dapat menjadi coach di angkatan ini",
        "peserta angkatan ini; peserta bukan staf angkatannya",
        "akun pengelola Jejak",
        "sudah ada di baris 6",
        "9 baris bermasalah",
    ):
        assert message in page, message
    assert "Simpan impor</button>" not in page
    assert User.objects.count() == before


def test_a_participant_of_another_institution_is_never_modified(organiser, world, elsewhere):
    person = elsewhere.participant
    rows = [["mentor", person.nip, "Diganti", "diganti@jejak.example", "DINAS", "Kabid"]]
    preview = _upload(organiser, world, _csv(rows))
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    person.refresh_from_db()
    assert person.full_name == "Joko Jauh"
    assert person.email != "diganti@jejak.example"


def test_a_stale_preview_is_checked_again_on_confirm(organiser, world):
    preview = _upload(organiser, world, _csv(_rows()))
    # Meanwhile the coach joins the cohort as a participant.
    person = UserFactory(nip=COACH_NIP, username="nurhayati")
    ChangeProjectFactory(participant=person, cohort=world.cohort)
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 400
    assert "peserta bukan staf angkatannya" in response.content.decode()
    assert not Invitation.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("staf.xls", b"\xd0\xcf\x11\xe0 old excel", "Jenis berkas tidak didukung"),
        ("staf.csv", b"\x00\x01binary", "Berkas ini bukan CSV"),
        ("staf.csv", b"Peran,NIP\n", "Kolom wajib tidak ditemukan: Nama lengkap, Email."),
        ("staf.csv", b"Peran,NIP,Nama lengkap,Email\n", "belum ada staf"),
    ],
)
def test_unreadable_files_are_refused_in_indonesian(organiser, world, name, content, message):
    response = _upload(organiser, world, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_workbook_bomb_is_refused_before_openpyxl_opens_it(organiser, world, monkeypatch):
    import openpyxl

    from tests.tracker.test_participant_import import _shared_strings_bomb

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a workbook that inflates this far")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    content = _shared_strings_bomb(1000, lie=True)
    response = _upload(organiser, world, content, name="staf.xlsx")
    assert response.status_code == 400
    assert "mengembang" in response.content.decode()


def test_the_sample_file_offered_on_the_page_imports_cleanly(organiser, world):
    AgencyFactory(code="BPSDM-JABAR")
    AgencyFactory(code="LABKESDA-JABAR")
    page = organiser.get(_url(world)).content.decode()
    assert "import/contoh-impor-staf.csv" in page
    with open(finders.find("import/contoh-impor-staf.csv"), "rb") as sample:
        response = _upload(organiser, world, sample.read())
    assert response.status_code == 200, response.content.decode()[-3000:]
    assert response.content.decode().count("Akun baru; diundang lewat email") == 3


def test_only_the_cohorts_organisers_reach_it(client, world, elsewhere):
    client.force_login(elsewhere.organiser)
    assert client.get(_url(world)).status_code == 404
    other = CohortFactory(institution="Pusdiklat Lain", number="77")
    assert (
        client.post(
            reverse("tracker:staff-import-confirm", args=[other.pk]), {"token": "x"}
        ).status_code
        == 404
    )


def test_preview_query_count_is_the_same_for_1_and_40_rows(
    organiser, world, django_assert_max_num_queries
):
    def rows(count):
        return [
            ["penguji", f"19900101201503{1 + n % 2}{n:03d}", f"Staf {n}", f"s{n}@x.id", "PROV", ""]
            for n in range(count)
        ]

    organiser.get(_url(world))
    with django_assert_max_num_queries(20) as one:
        assert _upload(organiser, world, _csv(rows(1))).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert _upload(organiser, world, _csv(rows(40))).status_code == 200


def test_one_person_typed_by_hand_is_previewed_then_invited(organiser, world, run_tasks):
    data = {
        "one": "1",
        "role": "penguji",
        "nip": "1975 0209 2000 03 2003",
        "full_name": "Dr. Ratna",
        "email": "ratna@jejak.example",
        "agency_code": "",
        "position": "",
    }
    preview = organiser.post(_url(world), data)
    assert preview.status_code == 200
    assert "Akun baru; diundang lewat email" in preview.content.decode()
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    invitation = Invitation.objects.get(user__nip=EXAMINER_NIP)
    assert invitation.role == "examiner"
    assert run_tasks() == 1


def test_one_person_with_bad_input_is_refused_in_indonesian(organiser, world):
    data = {"one": "1", "role": "coach", "nip": "123", "full_name": "", "email": "x"}
    response = organiser.post(_url(world), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "NIP harus terdiri dari 18 angka." in page
    assert "Email “x” tidak valid." in page
    assert not User.objects.filter(nip="123").exists()
