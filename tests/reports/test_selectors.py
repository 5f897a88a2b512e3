"""The documents' data, built and checked without rendering any PDF."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import time_machine

from mentoring.services import project_sign_off
from reports.documents.approval_page import approval_page_data
from reports.documents.base import document_for_code, normalise_code
from reports.documents.project_report import project_report_data
from reports.models import GeneratedDocument
from reports.selectors import may_download
from tests.reports.conftest import at, fill_proposal, grade_project
from tracker.models import ChangeProject
from tracker.services import project_return_proposal, project_submit_proposal


def _fields(group) -> dict:
    return {item.key: item.value for item in group.fields}


def _table(report, key):
    return next(table for table in report.tables if table.key == key)


def test_project_report_names_project_people_and_programme(approved_project, world):
    report = project_report_data(approved_project)

    identity = _fields(report.identity)
    assert identity["judul"] == approved_project.title
    assert identity["peserta"] == "Budi Peserta"
    assert identity["nip_peserta"] == world.participant.nip
    assert identity["instansi"] == "Pemerintah Provinsi Uji › Dinas Kesehatan Uji"
    assert identity["coach"] == f"Hendra Coach (NIP {world.coach.nip})"
    assert identity["status"] == "Seminar rancangan"
    assert report.document_title == "Laporan Aksi Perubahan Kinerja Organisasi"
    assert report.letterhead.agency == "Dinas Kesehatan Uji"
    assert report.letterhead.parent_agency == "Pemerintah Provinsi Uji"
    assert report.letterhead.programme == str(world.cohort)
    assert report.authors == ("Budi Peserta",)
    assert report.subject == f"“{approved_project.title}” oleh Budi Peserta"
    narrative = _fields(report.narrative)
    assert narrative["tujuan_menengah"] == "Seluruh 42 puskesmas memakai SIRUJUK."


def test_project_report_lists_indicators_baseline_to_target(approved_project):
    indicators = _table(project_report_data(approved_project), "indikator")

    assert indicators.rows == (
        ("Waktu tunggu konfirmasi rujukan", "jam", Decimal("3.50"), Decimal("0.75"), None, None),
        ("Berkas rujukan lengkap", "persen", Decimal("82.00"), Decimal("1250.50"), None, None),
    )


def test_project_report_lists_signoffs_with_names_nip_and_times(approved_project, world):
    signoffs = _table(project_report_data(approved_project), "persetujuan")

    assert [row[:4] for row in signoffs.rows] == [
        ("Rancangan", "Coach", "Hendra Coach", world.coach.nip),
        ("Rancangan", "Mentor", "Siti Mentor", world.mentor.nip),
    ]
    assert [row[5] for row in signoffs.rows] == [at(2, 10, 15), at(2, 14, 40)]
    assert signoffs.rows[0][4] == "Disetujui untuk diseminarkan"


def test_project_report_history_follows_the_transition_log(approved_project):
    history = _table(project_report_data(approved_project), "riwayat")

    assert [(row[0], row[1], row[2], row[3]) for row in history.rows] == [
        (at(1, 9), "Ajukan rancangan", "Rancangan ditelaah", "Budi Peserta (Peserta)"),
        (
            at(2, 14, 40),
            "Setujui rancangan (coach dan mentor)",
            "Seminar rancangan",
            "Siti Mentor (Mentor)",
        ),
    ]


def test_draft_project_report_says_what_is_still_empty(world):
    report = project_report_data(world.project)

    assert _table(report, "indikator").rows == ()
    assert _table(report, "persetujuan").rows == ()
    assert _table(report, "riwayat").empty_text == "Proyek belum pernah diajukan."
    assert not _table(report, "hasil_seminar").shown


def test_results_seminar_outcome_appears_once_graded(approved_project, world):
    assert not _table(project_report_data(approved_project), "hasil_seminar").shown

    graded = grade_project(world, approved_project, ChangeProject.State.PASSED)

    results = _table(project_report_data(graded), "hasil_seminar")
    assert results.shown
    assert results.rows == (
        (
            at(30, 13, 30),
            "Lulus",
            None,  # graded without a rubric: no score or predikat to print
            "",
            "Bambang Penguji",
            "Capaian jangka pendek terpenuhi dengan bukti lengkap.",
        ),
    )


def test_deferred_status_names_the_resubmission_deadline(approved_project, world):
    graded = grade_project(world, approved_project, ChangeProject.State.DEFERRED)
    ChangeProject.objects.filter(pk=graded.pk).update(
        deferral_deadline=at(30, 0).date().replace(month=11)
    )

    status = _fields(project_report_data(graded).identity)["status"]

    assert status == "Ditunda, batas pengajuan ulang 30 November 2026"


def test_csv_rows_are_the_data_in_long_form(approved_project, world):
    report = project_report_data(approved_project)

    rows = report.csv_rows()

    assert ("identitas", "", "judul", approved_project.title) in rows
    assert ("identitas", "", "nip_peserta", world.participant.nip) in rows
    assert ("indikator", "1", "nilai_awal", "3.50") in rows
    assert ("indikator", "2", "target", "1250.50") in rows
    assert ("persetujuan", "2", "nama", "Siti Mentor") in rows
    assert ("persetujuan", "2", "waktu", "2026-10-02T14:40:00+07:00") in rows
    assert ("riwayat", "1", "tindakan", "Ajukan rancangan") in rows
    parsed = list(csv.reader(io.StringIO(report.csv_text().removeprefix("\ufeff"))))
    assert parsed[0] == ["bagian", "no", "butir", "nilai"]
    assert [tuple(row) for row in parsed[1:]] == rows


def test_approval_page_waits_for_both_signoffs(world):
    project = fill_proposal(world.project)
    project_submit_proposal(project=project, by=world.participant)
    assert approval_page_data(project) is None

    project_sign_off(project=project, by=world.coach, stage="proposal")

    assert approval_page_data(project) is None


def test_approval_page_carries_coach_then_mentor_with_nip_and_time(approved_project, world):
    page = approval_page_data(approved_project)

    assert [(s.role, s.person.name, s.person.nip) for s in page.signatures] == [
        ("Coach", "Hendra Coach", world.coach.nip),
        ("Mentor", "Siti Mentor", world.mentor.nip),
    ]
    assert [s.signed_at for s in page.signatures] == [at(2, 10, 15), at(2, 14, 40)]
    assert {s.wording for s in page.signatures} == {"Disetujui untuk diseminarkan"}
    assert _fields(page.identity)["diajukan"] == at(1, 9)
    assert page.authors == ("Hendra Coach", "Siti Mentor")
    assert ("persetujuan", "1", "nip", world.coach.nip) in page.csv_rows()


def test_approval_page_follows_the_resubmission_both_signed(world):
    project = fill_proposal(world.project)
    with time_machine.travel(at(1, 9), tick=False):
        project_submit_proposal(project=project, by=world.participant)
    with time_machine.travel(at(1, 11), tick=False):
        project_sign_off(project=project, by=world.coach, stage="proposal")
        project_return_proposal(project=project, by=world.mentor, comment="Perjelas indikator.")
    with time_machine.travel(at(5, 9), tick=False):
        project_submit_proposal(project=project, by=world.participant)
    with time_machine.travel(at(6, 8), tick=False):
        project_sign_off(project=project, by=world.mentor, stage="proposal")
        project_sign_off(project=project, by=world.coach, stage="proposal")

    page = approval_page_data(project)

    assert _fields(page.identity)["diajukan"] == at(5, 9)
    assert [(s.role, s.signed_at) for s in page.signatures] == [
        ("Coach", at(6, 8)),
        ("Mentor", at(6, 8)),
    ]


@pytest.mark.parametrize(
    ("persona", "report", "approval"),
    [
        ("participant", True, True),
        ("coach", True, True),
        ("mentor", True, True),
        ("examiner", False, True),
        ("organiser", True, True),
        ("agency_head", True, True),
        ("admin", True, True),
        ("other_participant", False, False),
        ("stranger", False, False),
    ],
)
def test_who_may_download_which_document(world, persona, report, approval):
    user = world.persona(persona)
    kind = GeneratedDocument.Kind

    assert may_download(world.project, user, kind.PROJECT_REPORT) is report
    assert may_download(world.project, user, kind.APPROVAL_PAGE) is approval


def test_agency_head_of_another_agency_may_not_download(world):
    assert not may_download(
        world.other_project, world.agency_head, GeneratedDocument.Kind.PROJECT_REPORT
    )


def test_codes_are_read_forgivingly_but_exactly(world):
    document = GeneratedDocument.objects.create(
        code="7K3M9QXR2D4B",
        kind=GeneratedDocument.Kind.PROJECT_REPORT,
        title="Laporan",
        subject="Proyek",
        generated_by=world.participant,
        data_sha256="0" * 64,
        sha256="1" * 64,
        file="documents/x.pdf",
    )

    assert normalise_code("7k3m-9qxr-2d4b") == "7K3M9QXR2D4B"
    assert document_for_code("7k3m-9qxr-2d4b") == document
    assert document_for_code("7K3M9QXR2D4C") is None  # one character changed
    assert document_for_code("7K3M9QXR2D4") is None  # one character short
    assert document_for_code("7K3M9QXR2D4B' OR 1=1") is None
