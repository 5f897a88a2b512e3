"""The programme's documents: rancangan, lembar pengesahan, laporan akhir and kartu kendali, and
the place-and-date line of the lembar persetujuan: their data, their PDFs and who takes them."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from mentoring.models import Consultation
from reports.documents.approval_page import approval_page_data
from reports.documents.control_form import control_form_data
from reports.documents.endorsement_page import endorsement_page_data
from reports.documents.final_report import final_report_data
from reports.documents.proposal import proposal_data
from reports.models import GeneratedDocument
from reports.services import (
    DocumentUnavailable,
    issue_approval_page,
    issue_control_form,
    issue_endorsement_page,
    issue_final_report,
    issue_proposal,
)
from tests.conftest import PERSONAS
from tests.mentoring.factories import ConsultationFactory
from tests.reports.conftest import NARRATIVE, at, endorse_report, fill_proposal
from tests.reports.test_services import _assert_pdf_a_3b, _attached_csv, _pages_text, _read
from tracker.models import ChangeProject, Cohort, Programme, ReportNarrative, Role

IN_SCOPE = {"participant", "coach", "mentor", "examiner", "organiser", "agency_head", "admin"}


def _fields(group) -> dict:
    return {item.key: item.value for item in group.fields}


def _city(world, city: str = "Bandung") -> None:
    Cohort.objects.filter(pk=world.cohort.pk).update(city=city)


def _assert_verifiable(client, document: GeneratedDocument, text: str) -> None:
    assert document.display_code in text
    assert f"/verifikasi/{document.code}/" in text
    client.logout()
    page = client.get(reverse("reports:verify", args=[document.code]))
    assert page.status_code == 200
    assert document.sha256 in page.content.decode()


# --- rancangan ------------------------------------------------------------------------------


def test_proposal_data_carries_plan_people_and_no_sponsor_while_a_draft(world):
    project = fill_proposal(world.project)
    ChangeProject.objects.filter(pk=project.pk).update(
        effective_team="Ketua: Budi Peserta\nAnggota: staf seksi rujukan (3 orang)"
    )

    data = proposal_data(project)

    assert data.is_draft
    assert data.document_title == "Rancangan Aksi Perubahan Kinerja Organisasi"
    assert _fields(data.background)["masalah"].startswith("Rujukan pasien antarfasilitas")
    assert _fields(data.people)["tim_efektif"].startswith("Ketua: Budi Peserta")
    (row,) = data.activities.rows
    milestone = project.milestones.get()
    assert row == (
        "Jangka pendek",
        milestone.activity,
        "Peserta dan tim efektif",
        datetime.date(2026, 10, 26),
        datetime.date(2026, 11, 20),
        "Daftar hadir dan notulen",
    )
    assert data.sponsor is None
    assert data.place_date == ""
    assert data.sponsor_table.rows == ()


def test_proposal_data_names_the_mentors_agreement_once_signed(approved_project, world):
    _city(world)

    data = proposal_data(approved_project)

    assert not data.is_draft
    assert data.sponsor.person.name == "Siti Mentor"
    assert data.sponsor.role == "Mentor"
    assert data.sponsor.signed_at == at(2, 14, 40)
    assert data.place_date == "Bandung, 2 Oktober 2026"


def test_proposal_pdf_is_archival_with_its_data_and_code(client, approved_project, world):
    document = issue_proposal(project=approved_project, by=world.participant)

    reader, _ = _read(document)
    _assert_pdf_a_3b(reader)
    assert reader.metadata.title == (
        f"Rancangan Aksi Perubahan Kinerja Organisasi: {approved_project.title}"
    )
    text = " ".join(_pages_text(reader))
    assert "RANCANGAN AKSI PERUBAHAN KINERJA ORGANISASI" in text
    assert "TAHAPAN KEGIATAN DAN TONGGAK" in text
    assert "PERSETUJUAN MENTOR SEBAGAI SPONSOR PROYEK" in text
    assert "Disetujui untuk diseminarkan secara elektronik" in text
    assert "Draf:" not in text
    assert _attached_csv(reader, "rancangan.csv") == proposal_data(approved_project).csv_rows()
    assert document.kind == GeneratedDocument.Kind.PROPOSAL
    _assert_verifiable(client, document, text)


def test_draft_proposal_prints_marked_as_a_draft(world):
    project = fill_proposal(world.project)

    reader, _ = _read(issue_proposal(project=project, by=world.participant))

    text = " ".join(_pages_text(reader))
    assert "Draf: rancangan ini belum disetujui coach dan mentor" in text
    assert "Mentor belum menyetujui rancangan ini." in text


# --- lembar persetujuan: place and date --------------------------------------------------------


def test_approval_page_has_the_place_and_the_day_of_the_last_signature(approved_project, world):
    _city(world)

    data = approval_page_data(approved_project)
    reader, _ = _read(issue_approval_page(project=approved_project, by=world.participant))

    assert data.place_date == "Bandung, 2 Oktober 2026"
    assert "Bandung, 2 Oktober 2026" in _pages_text(reader)[0]


def test_approval_page_without_a_city_prints_the_date_alone(approved_project):
    assert approval_page_data(approved_project).place_date == "2 Oktober 2026"


# --- lembar pengesahan ----------------------------------------------------------------------


def test_no_endorsement_page_before_coach_and_mentor_approve_the_report(approved_project, world):
    assert endorsement_page_data(approved_project) is None
    with pytest.raises(DocumentUnavailable) as refused:
        issue_endorsement_page(project=approved_project, by=world.participant)

    assert "laporan belum disetujui oleh coach dan mentor" in str(refused.value.message)
    assert not GeneratedDocument.objects.exists()


def test_endorsement_page_data_signatures_place_and_date(world):
    project = endorse_report(world)
    _city(world, "Sumedang")

    data = endorsement_page_data(project)

    assert [(s.role, s.person.name, s.signed_at) for s in data.signatures] == [
        ("Coach", "Hendra Coach", at(27, 9)),
        ("Mentor", "Siti Mentor", at(27, 11, 30)),
    ]
    assert data.place_date == "Sumedang, 27 Oktober 2026"
    assert _fields(data.identity)["diajukan"] == at(27, 8)


def test_latsar_endorsement_page_names_the_mentor_first(world):
    project = endorse_report(world)
    Cohort.objects.filter(pk=world.cohort.pk).update(programme=Programme.LATSAR)

    data = endorsement_page_data(project)

    assert [s.role for s in data.signatures] == ["Mentor", "Coach"]
    assert data.document_title == "Lembar pengesahan laporan Aktualisasi"


def test_endorsement_page_pdf_says_mengesahkan_on_one_page(client, world):
    project = endorse_report(world)
    _city(world)

    document = issue_endorsement_page(project=project, by=world.examiner)

    reader, _ = _read(document)
    _assert_pdf_a_3b(reader)
    assert len(reader.pages) == 1
    assert reader.metadata.author == "Hendra Coach, Siti Mentor"
    (text,) = _pages_text(reader)
    assert "LEMBAR PENGESAHAN" in text and "MENGESAHKAN" in text
    assert "Bandung, 27 Oktober 2026" in text
    assert "Disahkan secara elektronik melalui Jejak pada 27 Oktober 2026, 11.30 WIB" in text
    assert _attached_csv(reader, "lembar-pengesahan.csv") == (
        endorsement_page_data(project).csv_rows()
    )
    _assert_verifiable(client, document, text)


# --- laporan akhir ------------------------------------------------------------------------


def test_report_submitted_with_its_narrative_keeps_it_with_the_submission(world):
    project = endorse_report(world)

    narrative = ReportNarrative.objects.get(project=project)

    assert narrative.submission.transition == "submit_report"
    assert narrative.executive_summary == NARRATIVE["executive_summary"]
    assert narrative.written_at == at(27, 8)


def test_no_final_report_before_a_report_with_its_narrative(approved_project, world):
    assert final_report_data(approved_project) is None
    with pytest.raises(DocumentUnavailable) as refused:
        issue_final_report(project=approved_project, by=world.participant)

    assert "belum mengajukan laporan beserta narasinya" in str(refused.value.message)


def test_final_report_data_joins_the_narrative_plan_evidence_and_sessions(world):
    project = endorse_report(world)
    ConsultationFactory(
        project=project,
        consultant=world.mentor,
        topic="Izin uji coba",
        follow_up="Surat edaran kepala dinas",
        status=Consultation.Status.CONFIRMED,
        decided_at=at(9, 16),
        held_on=datetime.date(2026, 10, 9),
    )

    data = final_report_data(project)

    assert data.document_title == "Laporan akhir Aksi Perubahan Kinerja Organisasi"
    assert _fields(data.summary)["ringkasan"] == NARRATIVE["executive_summary"]
    assert _fields(data.implementation)["pelaksanaan"] == NARRATIVE["implementation"]
    assert _fields(data.lessons) == {
        "pelajaran": NARRATIVE["lessons_learned"],
        "kesimpulan": NARRATIVE["conclusion"],
    }
    assert _fields(data.plan)["masalah"].startswith("Rujukan pasien antarfasilitas")
    assert len(data.milestones.rows) == 1
    (session,) = data.sessions.rows
    assert session[0] == datetime.date(2026, 10, 9)
    assert session[4] == "Surat edaran kepala dinas"
    assert session[5] == "Dikonfirmasi"
    keys = [section.key for section in data.sections]
    assert keys[-2:] == ["lampiran_konsultasi", "lampiran_daftar_periksa"]


def test_final_report_pdf_carries_chapters_and_the_control_form(client, world):
    project = endorse_report(world)

    document = issue_final_report(project=project, by=world.coach)

    reader, _ = _read(document)
    _assert_pdf_a_3b(reader)
    assert reader.metadata.author == "Budi Peserta"
    text = " ".join(_pages_text(reader))
    for heading in (
        "RINGKASAN EKSEKUTIF",
        "BAB I RANCANGAN",
        "BAB II PELAKSANAAN",
        "BAB III PELAJARAN DAN KESIMPULAN",
        "Lampiran: kartu kendali konsultasi",
    ):
        assert heading in text
    assert "SIRUJUK memangkas waktu tunggu rujukan" in text
    assert _attached_csv(reader, "laporan-akhir.csv") == final_report_data(project).csv_rows()
    assert document.kind == GeneratedDocument.Kind.FINAL_REPORT
    _assert_verifiable(client, document, text)


# --- kartu kendali ------------------------------------------------------------------------


def test_control_form_lists_sessions_and_checks_each_stage(world):
    project = world.project
    for day, consultant, role, stage, status in [
        (3, world.coach, Role.COACH, Consultation.Stage.PROPOSAL, Consultation.Status.CONFIRMED),
        (
            9,
            world.mentor,
            Role.MENTOR,
            Consultation.Stage.IMPLEMENTATION,
            Consultation.Status.CONFIRMED,
        ),
        (16, world.mentor, Role.MENTOR, Consultation.Stage.IMPLEMENTATION, "recorded"),
    ]:
        ConsultationFactory(
            project=project,
            consultant=consultant,
            consultant_role=role,
            stage=stage,
            status=status,
            held_on=datetime.date(2026, 10, day),
            decided_at=at(day, 16) if status == Consultation.Status.CONFIRMED else None,
        )

    data = control_form_data(project)

    assert [row[0] for row in data.sessions.rows] == [
        datetime.date(2026, 10, 3),
        datetime.date(2026, 10, 9),
        datetime.date(2026, 10, 16),
    ]
    assert [row[5] for row in data.sessions.rows] == [
        "Dikonfirmasi",
        "Dikonfirmasi",
        "Menunggu konfirmasi",
    ]
    checklist = {row[0]: row[1:] for row in data.checklist.rows}
    assert checklist["Konsultasi dengan coach pada tahap rancangan"] == (
        "Ya",
        "1 sesi dikonfirmasi",
    )
    assert checklist["Konsultasi dengan mentor pada tahap rancangan"][0] == "Belum"
    assert checklist["Konsultasi dengan mentor pada tahap implementasi"][0] == "Ya"
    assert checklist["Setiap sesi sudah dikonfirmasi atau disanggah"] == (
        "Belum",
        "1 sesi menunggu konfirmasi",
    )
    assert [(line.role, line.person.name) for line in data.signature_lines] == [
        ("Peserta", "Budi Peserta"),
        ("Coach", "Hendra Coach"),
        ("Mentor", "Siti Mentor"),
    ]


def test_disputed_session_shows_why_on_the_control_form(world):
    ConsultationFactory(
        project=world.project,
        status=Consultation.Status.DISPUTED,
        dispute_reason="Sesi tidak pernah diadakan",
        decided_at=at(4, 9),
    )

    (row,) = control_form_data(world.project).sessions.rows

    assert row[5] == "Disanggah: Sesi tidak pernah diadakan"


def test_control_form_pdf_prints_at_any_time_with_signature_lines(client, world):
    ConsultationFactory(project=world.project, topic="Penajaman rumusan masalah")

    with time_machine.travel(at(10, 9), tick=False):
        document = issue_control_form(project=world.project, by=world.mentor)

    reader, _ = _read(document)
    _assert_pdf_a_3b(reader)
    text = " ".join(_pages_text(reader))
    assert "KARTU KENDALI KONSULTASI" in text
    assert "Penajaman rumusan masalah" in text
    assert "DAFTAR PERIKSA" in text
    assert "Peserta, " in text and "Coach, " in text and "Mentor, " in text
    assert _attached_csv(reader, "kartu-kendali.csv") == (
        control_form_data(world.project).csv_rows()
    )
    _assert_verifiable(client, document, text)


# --- downloads ----------------------------------------------------------------------------


def _download(client, world, persona, name, project):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    return client.get(reverse(f"reports:{name}", args=[project.pk]))


@pytest.mark.parametrize("persona", PERSONAS)
def test_proposal_download_by_persona(client, approved_project, world, persona):
    response = _download(client, world, persona, "proposal", approved_project)

    if persona in IN_SCOPE:
        assert response.status_code == 200
        pdf = b"".join(response.streaming_content)
        assert "RANCANGAN" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_control_form_download_by_persona(client, world, persona):
    response = _download(client, world, persona, "control-form", world.project)

    if persona in IN_SCOPE - {"examiner"}:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    else:
        # The examiner sees the project (its seminar lists it) but not the control form.
        expected = {"anonymous": 302, "examiner": 403}.get(persona, 404)
        assert response.status_code == expected
        assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("name", ["final-report", "endorsement-page"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_report_documents_download_by_persona(client, world, persona, name):
    project = endorse_report(world)

    response = _download(client, world, persona, name, project)

    if persona in IN_SCOPE:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)


@pytest.mark.parametrize("name", ["final-report", "endorsement-page"])
def test_report_documents_before_the_report_send_back_with_a_message(client, world, name):
    client.force_login(world.participant)

    response = client.get(reverse(f"reports:{name}", args=[world.project.pk]), follow=True)

    assert response.redirect_chain == [(world.project.get_absolute_url(), 302)]
    assert "belum tersedia" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_project_page_links_each_document_once_it_exists(client, world):
    client.force_login(world.participant)
    urls = {
        name: reverse(f"reports:{name}", args=[world.project.pk])
        for name in ("proposal", "control-form", "final-report", "endorsement-page")
    }

    before = client.get(world.project.get_absolute_url()).content.decode()
    endorse_report(world)
    after = client.get(world.project.get_absolute_url()).content.decode()

    assert f'href="{urls["proposal"]}"' in before
    assert f'href="{urls["control-form"]}"' in before
    assert urls["final-report"] not in before and urls["endorsement-page"] not in before
    assert all(f'href="{url}"' in after for url in urls.values())
