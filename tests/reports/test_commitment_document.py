"""The post-training commitment as a verifiable PDF: its content, who may take it, verification."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mentoring.services import commitment_record
from reports.documents.commitment import commitment_data
from reports.models import GeneratedDocument
from tests.mentoring.impact import in_monitoring
from tests.milestones.factories import MilestoneFactory
from tests.reports.test_services import _attached_csv, _pages_text


@pytest.fixture
def committed(world):
    MilestoneFactory(
        project=world.project, term="medium", activity="Perluasan layanan ke 5 puskesmas"
    )
    MilestoneFactory(project=world.project, term="long", activity="Peraturan bupati layanan daring")
    MilestoneFactory(project=world.project, term="short", activity="Uji coba di satu puskesmas")
    in_monitoring(world.project)
    for person in (world.participant, world.mentor, world.agency_head):
        commitment_record(project=world.project, by=person)
    return world.project


def test_nothing_recorded_means_no_document(world):
    assert commitment_data(world.project) is None


def test_the_document_holds_the_agreed_milestones_and_the_three_signatories(world, committed):
    data = commitment_data(committed)
    assert {row[1] for row in data.milestones.rows} == {
        "Perluasan layanan ke 5 puskesmas",
        "Peraturan bupati layanan daring",
    }
    assert {row[0] for row in data.milestones.rows} == {"Jangka menengah", "Jangka panjang"}
    assert [s.role for s in data.signatures] == ["Peserta", "Mentor", "Kepala instansi"]
    assert [s.person.name for s in data.signatures] == [
        "Budi Peserta",
        "Siti Mentor",
        "Ahmad Kepala",
    ]


def test_signatories_download_a_verifiable_pdf(client, world, committed):
    client.force_login(world.agency_head)
    response = client.get(reverse("reports:commitment", args=[committed.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(_pages_text(reader))
    assert "KOMITMEN PASCAPELATIHAN" in text.upper()
    assert "Perluasan layanan ke 5 puskesmas" in text
    assert "Uji coba di satu puskesmas" not in text
    assert "Ahmad Kepala" in text and "Siti Mentor" in text
    rows = _attached_csv(reader, "komitmen-pascapelatihan.csv")
    assert ("komitmen", "3", "nama", "Ahmad Kepala") in rows
    document = GeneratedDocument.objects.get(kind="commitment")
    assert document.project == committed
    client.logout()
    verify = client.get(reverse("reports:verify", args=[document.code]))
    assert verify.status_code == 200
    assert "Komitmen pascapelatihan" in verify.content.decode()


def test_the_examiner_may_not_take_it_and_strangers_get_404(client, world, committed):
    url = reverse("reports:commitment", args=[committed.pk])
    client.force_login(world.examiner)
    assert client.get(url).status_code == 403
    client.force_login(world.other_participant)
    assert client.get(url).status_code == 404
