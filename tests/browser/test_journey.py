"""The whole life of a change project, clicked through the pages by every role that acts on it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core import mail

from milestones.models import Evidence, Milestone
from tests.browser.chromium import import_or_skip
from tests.factories import (
    AgencyFactory,
    AgencyHeadFactory,
    ChangeProjectFactory,
    CohortFactory,
    UserFactory,
)
from tests.milestones.files import make_pdf
from tracker.models import ChangeProject, PoolExaminer, Programme, User

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = ChangeProject.State
PASSWORD = "demo12345"  # the factories' password


@dataclass
class Cast:
    project: ChangeProject
    participant: User
    coach: User
    mentor: User
    organiser: User
    examiner: User
    second_examiner: User
    agency_head: User


@pytest.fixture
def cast() -> Cast:
    """A PKA cohort with one bare draft project and the people who will move it."""
    province = AgencyFactory(code="PROV-JOURNEY", name="Pemerintah Provinsi Jawa Barat")
    dinas = AgencyFactory(code="DINKES-JOURNEY", name="Dinas Kesehatan", parent=province)
    participant = UserFactory(username="budi", full_name="Budi Santoso", agency=dinas)
    coach = UserFactory(username="hendra", full_name="Hendra Gunawan")
    mentor = UserFactory(username="siti", full_name="Siti Rahmawati", agency=dinas)
    organiser = UserFactory(username="rina", full_name="Rina Marlina")
    examiner = UserFactory(username="bambang", full_name="Bambang Suryadi")
    second_examiner = UserFactory(username="ratna", full_name="Ratna Kusumawati")
    agency_head = UserFactory(username="ahmad", full_name="Ahmad Fauzi", agency=province)
    AgencyHeadFactory(user=agency_head, agency=province)
    cohort = CohortFactory(programme=Programme.PKA, number="XVIII", year=2026)
    cohort.organisers.add(organiser)
    # Examiners come from the institution's pool.
    for person in (examiner, second_examiner):
        PoolExaminer.objects.create(institution=cohort.institution, person=person)
    project = ChangeProjectFactory(
        participant=participant,
        cohort=cohort,
        agency=dinas,
        coach=coach,
        mentor=mentor,
        title="Draf proyek",
        problem_statement="",
    )
    return Cast(
        project, participant, coach, mentor, organiser, examiner, second_examiner, agency_head
    )


def log_in(new_page, user: User) -> object:
    """A fresh browser for this person, signed in through the login form."""
    page = new_page()
    page.goto("/")
    expect(page).to_have_url("/masuk/?next=/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    return page


def open_project(page, project: ChangeProject) -> None:
    page.goto("/")
    page.get_by_role("link", name=project.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)


def state_is(page, state: ChangeProject.State) -> None:
    expect(page.locator(".page-header .badge")).to_have_text(str(state.label))


def success_message(page, text: str) -> None:
    expect(page.locator(".message--success").filter(has_text=text)).to_be_visible()


def approve_as(new_page, user: User, project: ChangeProject, then: ChangeProject.State) -> None:
    page = log_in(new_page, user)
    open_project(page, project)
    page.get_by_role("button", name="Setujui untuk diseminarkan").click()
    success_message(page, "Persetujuan Anda")
    state_is(page, then)


def schedule_seminar(new_page, cast: Cast, kind: str, examiners: list[User]) -> None:
    page = log_in(new_page, cast.organiser)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Seminar"
    ).click()
    page.get_by_role("link", name=f"Jadwalkan seminar {cast.project.cohort}").click()
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Waktu mulai").fill("2026-10-20T09:00")
    page.get_by_label("Tempat").fill("Aula BPSDM Jawa Barat")
    for examiner in examiners:
        page.get_by_label(examiner.full_name, exact=True).check()
    page.get_by_label(cast.project.title).check()
    page.get_by_role("button", name="Jadwalkan seminar").click()
    success_message(page, "Seminar dijadwalkan")
    expect(page.get_by_role("heading", level=1)).to_have_text(kind)


def open_seminar_row(page, kind: str) -> None:
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name="Seminar"
    ).click()
    page.get_by_role("link", name=kind).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(kind)


def score_all_criteria(
    new_page, examiner: User, score: str, seminar: str = "Seminar laporan", decision: str = ""
) -> object:
    page = log_in(new_page, examiner)
    open_seminar_row(page, seminar)
    page.get_by_role("link", name="Isi nilai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Penilaian {seminar.lower()}")
    inputs = page.locator("#score-form input.score-input")
    expect(inputs.first).to_be_visible()
    assert inputs.count() >= 3
    for index in range(inputs.count()):
        inputs.nth(index).fill(score)
    if decision:  # a proposal examiner's sheet also carries a decision
        page.locator("#score-form").get_by_label(decision, exact=True).check()
    page.get_by_role("button", name="Simpan nilai").click()
    success_message(page, "tersimpan")
    return page


def test_a_project_from_first_draft_to_graded_report_through_the_pages(
    new_page, cast, tmp_path, run_tasks
):
    project = cast.project

    # The participant writes the proposal and its short-term milestone, then submits it.
    page = log_in(new_page, cast.participant)
    open_project(page, project)
    state_is(page, S.DRAFT)
    page.get_by_role("link", name="Ubah rancangan").click()
    page.get_by_label("Judul").fill("Rujukan Daring Puskesmas ke RSUD")
    page.get_by_label("Latar belakang dan masalah").fill("Rujukan masih lewat telepon.")
    page.get_by_label("Tujuan jangka pendek").fill("Rujukan daring di 10 puskesmas.")
    page.get_by_label("Ringkasan inovasi").fill("Aplikasi rujukan dengan jadwal kamar.")
    page.get_by_role("button", name="Simpan rancangan").click()
    success_message(page, "Rancangan tersimpan.")
    project.refresh_from_db()
    assert project.title == "Rujukan Daring Puskesmas ke RSUD"
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)

    page.get_by_role("link", name="Ubah rencana tonggak").click()
    page.get_by_label("Jangka").select_option("short")
    page.get_by_label("Kegiatan").fill("Rapat koordinasi dengan RSUD")
    page.get_by_label("Pelaksana").fill("Peserta dan Kabid Yankes")
    page.get_by_label("Tanggal mulai").fill("2026-10-26")
    page.get_by_label("Tenggat").fill("2026-11-06")
    page.get_by_label("Keluaran yang diharapkan").fill("Notulen kesepakatan alur rujukan")
    page.get_by_role("button", name="Tambah tonggak").click()
    success_message(page, "ditambahkan")
    expect(page.get_by_role("link", name="Rapat koordinasi dengan RSUD")).to_be_visible()

    open_project(page, project)
    page.get_by_role("button", name="Ajukan rancangan").click()
    success_message(page, "Ajukan rancangan: berhasil")
    state_is(page, S.PROPOSAL_REVIEW)
    run_tasks()  # the background worker sends the emails
    assert {message.to[0] for message in mail.outbox} >= {cast.coach.email, cast.mentor.email}

    # Coach and mentor both approve it for the seminar.
    approve_as(new_page, cast.coach, project, then=S.PROPOSAL_REVIEW)
    approve_as(new_page, cast.mentor, project, then=S.PROPOSAL_SEMINAR)

    # The organiser schedules the proposal seminar; the examiner scores it by the proposal rubric
    # (an HTMX form) and records the decision it combines to.
    schedule_seminar(new_page, cast, "Seminar rancangan", [cast.examiner])
    page = score_all_criteria(new_page, cast.examiner, "85", "Seminar rancangan", "Diterima")
    page.locator("#score-form").get_by_role("link", name="Tetapkan hasil").click()
    page.get_by_role("button", name="Catat hasil seminar").click()
    success_message(page, "Hasil seminar rancangan tercatat")
    project.refresh_from_db()
    assert project.state == S.IMPLEMENTATION

    # The participant works the milestone and uploads a real PDF as its evidence.
    page = log_in(new_page, cast.participant)
    open_project(page, project)
    page.get_by_role("link", name="Rapat koordinasi dengan RSUD").click()
    page.get_by_role("button", name="Mulai kerjakan").click()
    success_message(page, "Mulai kerjakan: berhasil")
    upload = page.locator("form.ms-upload")
    upload.get_by_label("Berkas").set_input_files(
        files=[{"name": "notulen.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}]
    )
    upload.get_by_label("Keterangan").fill("Notulen rapat koordinasi")
    upload.get_by_role("button", name="Unggah bukti").click()
    success_message(page, "Bukti “notulen.pdf” diunggah.")
    expect(page.get_by_role("link", name="notulen.pdf")).to_be_visible()
    page.get_by_role("button", name="Ajukan untuk diperiksa").click()
    success_message(page, "Ajukan untuk diperiksa: berhasil")
    evidence = Evidence.objects.get(milestone__project=project)
    assert evidence.file.read().startswith(b"%PDF-")

    # The mentor accepts the milestone.
    page = log_in(new_page, cast.mentor)
    open_project(page, project)
    page.get_by_role("link", name="Rapat koordinasi dengan RSUD").click()
    page.get_by_label("Komentar (opsional)").fill("Notulen lengkap, terima kasih.")
    page.get_by_role("button", name="Terima", exact=True).click()
    success_message(page, "Terima: berhasil")
    assert Milestone.objects.get(project=project).state == Milestone.State.ACCEPTED

    # The participant submits the report; coach and mentor approve it.
    page = log_in(new_page, cast.participant)
    open_project(page, project)
    # The laporan akhir's narrative is written with the submission.
    for label, text in (
        ("Ringkasan eksekutif", "Alur rujukan daring kini dipakai seluruh puskesmas."),
        ("Pelaksanaan", "Rapat koordinasi dengan RSUD, lalu uji coba di tiga puskesmas."),
        ("Pelajaran yang dipetik", "Kesepakatan awal dengan RSUD mempercepat semuanya."),
        ("Kesimpulan dan tindak lanjut", "Diperluas ke seluruh kabupaten tahun depan."),
    ):
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Ajukan laporan").click()
    success_message(page, "Ajukan laporan: berhasil")
    state_is(page, S.REPORT_REVIEW)
    approve_as(new_page, cast.coach, project, then=S.REPORT_REVIEW)
    approve_as(new_page, cast.mentor, project, then=S.RESULTS_SEMINAR)

    # Results seminar: two examiners score the default rubric, the first sets the grade.
    schedule_seminar(new_page, cast, "Seminar laporan", [cast.examiner, cast.second_examiner])
    score_all_criteria(new_page, cast.second_examiner, "85")
    page = score_all_criteria(new_page, cast.examiner, "90")
    page.get_by_role("link", name="Tetapkan hasil").click()
    expect(page.get_by_text("Predikat menurut rubrik")).to_be_visible()
    page.get_by_role("button", name="Tetapkan hasil").click()
    success_message(page, "Hasil ditetapkan: Lulus")
    project.refresh_from_db()
    assert project.state == S.PASSED

    # The agency head opens the project and downloads its report.
    page = log_in(new_page, cast.agency_head)
    open_project(page, project)
    state_is(page, S.PASSED)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh laporan proyek (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"laporan-proyek-{project.pk}-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert Path(saved).read_bytes().startswith(b"%PDF-")
