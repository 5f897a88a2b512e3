"""The agency impact report and the cohort recap as PDFs: archival, complete, paginated."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from reports.aggregates import agency_report_data, cohort_recap_data
from reports.models import GeneratedDocument
from reports.services import collection_context, issue_collection
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
    assert f"Laporan ini terdiri atas {len(pages)} halaman" in text
    assert _attached_csv(reader, "laporan-dampak-instansi.csv") == data.csv_rows()
    assert document.kind == GeneratedDocument.Kind.AGENCY_REPORT
    assert document.project is None
    assert not reader.pages[0].images  # the charts are drawn, not pictures
    for label in ("STATUS PROYEK", "SEBARAN PREDIKAT", "Implementasi", "Memuaskan", "Diterima"):
        assert label in pages[0] + pages[1]


def test_agency_report_pages_run_on_and_the_list_names_each_projects_page(agency_pdf):
    data, document = agency_pdf

    pages = _pages_text(_read(document))

    for number, text in enumerate(pages, start=1):
        assert re.search(rf"Halaman {number}(?!\d)", text), number
        assert document.display_code in text
    listed = {}
    for line in data.lines:
        found = re.search(rf"{line.number} {re.escape(line.title)} .*? (\d+)(?= \d+ |$)", pages[0])
        if found is None:
            continue
        listed[line.number] = int(found.group(1))
    for line in data.lines:
        heading = f"6.{line.number} {line.title[:40]}"
        page = next(number for number, text in enumerate(pages, start=1) if heading in text)
        assert page > 1
        if line.number in listed:
            assert listed[line.number] == page


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
