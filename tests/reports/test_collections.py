"""The agency impact report and the cohort recap as PDFs: archival, complete, paginated."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from reports.documents.agency_report import agency_report_data
from reports.documents.cohort_recap import cohort_recap_data
from reports.models import GeneratedDocument
from reports.services import PROJECTS_SECTION, collection_context, issue_collection
from tests.factories import ChangeProjectFactory, UserFactory
from tests.milestones.factories import MilestoneFactory
from tests.reports.test_services import (
    _assert_pdf_a_3b,
    _attached_csv,
    _overflows,
    _pages_text,
)
from tracker.models import ChangeProject, ImpactIndicator

TODAY = datetime.date(2026, 12, 1)


def _add_projects(world, count: int) -> list[ChangeProject]:
    projects = []
    for number in range(count):
        project = ChangeProjectFactory(
            cohort=world.cohort,
            agency=world.dinas,
            participant=UserFactory(agency=world.dinas, full_name=f"Peserta Kabupaten {number}"),
            title=f"Percepatan Layanan Perizinan Nomor {number} melalui Loket Daring Terpadu",
            innovation_summary="Permohonan, pembayaran dan penerbitan izin dalam satu loket.",
            goal_short_term="Loket daring melayani 500 permohonan pertama.",
            state=ChangeProject.State.IMPLEMENTATION,
        )
        MilestoneFactory(project=project)
        ImpactIndicator.objects.create(
            project=project, name="Lama penerbitan izin", unit="hari", baseline=14, target=3
        )
        projects.append(project)
    return projects


def _read(document: GeneratedDocument) -> PdfReader:
    with document.file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


@pytest.fixture
def agency_pdf(passed_project, world):
    _add_projects(world, 7)
    data = agency_report_data(world.province, today=TODAY)
    return data, issue_collection(data, by=world.agency_head)


def test_agency_report_is_an_archival_pdf_with_every_project(agency_pdf, world):
    data, document = agency_pdf

    reader = _read(document)

    _assert_pdf_a_3b(reader)
    assert reader.metadata.title == (
        "Laporan dampak proyek perubahan: Pemerintah Provinsi Uji dan unit di bawahnya"
    )
    assert reader.metadata.author == "Pemerintah Provinsi Uji"
    assert reader.trailer["/Root"]["/Lang"] == "id"
    pages = _pages_text(reader)
    assert 4 <= len(pages) <= 10
    text = " ".join(pages)
    for line in data.lines:
        assert line.title in text
    summary = sum(1 for page in pages if re.search(r"Halaman [ivx]+\b", page))
    assert f"uraian setiap proyek menyusul pada halaman 1 sampai {len(pages) - summary}" in text
    assert _attached_csv(reader, "laporan-dampak-instansi.csv") == data.csv_rows()
    assert document.kind == GeneratedDocument.Kind.AGENCY_REPORT
    assert document.project is None
    assert not reader.pages[0].images  # the charts are drawn, not pictures
    for label in ("STATUS PROYEK", "SEBARAN PREDIKAT", "Implementasi", "Memuaskan", "Diterima"):
        assert label in pages[0] + pages[1]


def test_agency_report_numbers_its_summary_apart_and_lists_each_projects_page(agency_pdf):
    data, document = agency_pdf

    pages = _pages_text(_read(document))

    summary = [page for page in pages if re.search(r"Halaman [ivx]+\b", page)]
    assert [re.search(r"Halaman ([ivx]+)\b", page).group(1) for page in summary] == [
        "i",
        "ii",
        "iii",
        "iv",
    ][: len(summary)]
    body = pages[len(summary) :]
    for number, text in enumerate(body, start=1):
        assert re.search(rf"Halaman {number}(?!\d)", text), number
    for text in pages:
        assert document.display_code in text
    listing = " ".join(summary)
    for line in data.lines:
        heading = f"{PROJECTS_SECTION[data.kind]}.{line.number} {line.title[:40]}"
        page = next(number for number, text in enumerate(body, start=1) if heading in text)
        # The list of projects ends each row with the page the project's section starts on.
        assert re.search(rf"{re.escape(line.participant)} .{{0,80}}? {page}\b", listing), line


def test_empty_agency_report_still_says_so(world):
    ChangeProject.objects.filter(agency=world.other_agency).delete()
    data = agency_report_data(world.other_agency, today=TODAY)

    reader = _read(issue_collection(data, by=world.admin))

    assert len(reader.pages) == 1
    assert "Belum ada proyek perubahan di instansi ini" in _pages_text(reader)[0]


def test_cohort_recap_lists_every_project_of_the_cohort(passed_project, world):
    _add_projects(world, 30)
    data = cohort_recap_data(world.cohort, today=TODAY)

    reader = _read(issue_collection(data, by=world.organiser))

    _assert_pdf_a_3b(reader)
    pages = _pages_text(reader)
    assert 3 <= len(pages) <= 8
    text = " ".join(pages)
    for line in data.lines:
        assert line.participant in text
        assert line.title[:30] in text
    assert "REKAPITULASI ANGKATAN" in text
    assert _attached_csv(reader, "rekapitulasi-angkatan.csv") == data.csv_rows()
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"Halaman {number}(?!\d)", page)


@pytest.mark.parametrize("kind", ["agency", "recap"])
def test_report_columns_break_no_word(passed_project, world, kind):
    _add_projects(world, 2)
    ChangeProject.objects.filter(pk=passed_project.pk).update(state="monitoring")
    data = (
        agency_report_data(world.province, today=TODAY)
        if kind == "agency"
        else cohort_recap_data(world.cohort, today=TODAY)
    )
    document = GeneratedDocument(code="7K3M9QXR2D4B", kind=data.kind, generated_by=world.admin)
    template = f"reports/{'agency_report' if kind == 'agency' else 'cohort_recap'}.html"
    context = collection_context(data, document)

    with translation.override("id"):
        summary = render_to_string(template, {**context, "part": "summary"})
        projects = render_to_string(
            template, {**context, "part": "projects", "lines": data.lines, "first_part": True}
        )

    assert _overflows(summary, whole_words=True) == []
    assert _overflows(projects, whole_words=True) == []
