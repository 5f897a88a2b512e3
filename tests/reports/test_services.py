"""Issued PDFs: PDF/A-3b with metadata, the data attached as CSV, a verification footer."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from decimal import Decimal

import pytest
import weasyprint
from django.utils import translation
from pypdf import PdfReader
from weasyprint.formatting_structure import boxes

from reports.documents.approval_page import approval_page_data
from reports.documents.project_report import project_report_data
from reports.models import GeneratedDocument
from reports.services import (
    DocumentUnavailable,
    document_html,
    issue_approval_page,
    issue_project_report,
)
from tests.reports.conftest import at, grade_project
from tracker.models import ChangeProject, ImpactIndicator


def _read(document: GeneratedDocument) -> tuple[PdfReader, bytes]:
    with document.file.open("rb") as stored:
        data = stored.read()
    return PdfReader(io.BytesIO(data)), data


def _pages_text(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _attached_csv(reader: PdfReader, name: str) -> list[tuple[str, ...]]:
    (content,) = reader.attachments[name]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["bagian", "no", "butir", "nilai"]
    return [tuple(row) for row in rows[1:]]


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def _font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _assert_pdf_a_3b(reader: PdfReader) -> None:
    xmp = _xmp(reader)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_project_report_is_a_pdf_a_3b_with_title_author_and_language(approved_project, world):
    document = issue_project_report(project=approved_project, by=world.coach)

    reader, data = _read(document)
    _assert_pdf_a_3b(reader)
    assert 1 <= len(reader.pages) <= 5
    assert reader.metadata.title == (
        f"Laporan Aksi Perubahan Kinerja Organisasi: {approved_project.title}"
    )
    assert reader.metadata.author == "Budi Peserta"
    assert reader.trailer["/Root"]["/Lang"] == "id"
    fonts = _font_names(reader)
    assert "DejaVu-Serif" in {name.split("+")[-1] for name in fonts}
    assert all("+DejaVu-" in name for name in fonts)  # embedded subsets, no fallback font
    text = " ".join(_pages_text(reader))
    assert approved_project.title in text
    assert "3,50" in text and "1.250,50" in text  # Indonesian number format
    assert "2 Oktober 2026, 14.40 WIB" in text
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_project_report_carries_its_data_as_csv(approved_project, world):
    document = issue_project_report(project=approved_project, by=world.participant)

    reader, _ = _read(document)

    rows = _attached_csv(reader, "laporan-proyek.csv")
    assert rows == project_report_data(approved_project).csv_rows()
    assert ("identitas", "", "judul", approved_project.title) in rows
    assert ("indikator", "1", "target", "0.75") in rows


def test_every_page_has_the_header_and_the_verification_footer(approved_project, world):
    long_text = "Pelayanan rujukan di puskesmas belum terhubung dengan rumah sakit. " * 60
    ChangeProject.objects.filter(pk=approved_project.pk).update(problem_statement=long_text)
    for number in range(8):
        ImpactIndicator.objects.create(
            project=approved_project,
            name=f"Indikator layanan ke-{number} yang diukur setiap bulan oleh dinas",
            unit="dokumen per bulan",
            baseline=Decimal("1234567.25"),
            target=Decimal("99999999.99"),
        )

    document = issue_project_report(project=approved_project, by=world.participant)

    reader, _ = _read(document)
    pages = _pages_text(reader)
    assert 2 <= len(pages) <= 5
    for number, text in enumerate(pages, start=1):
        assert "Dinas Kesehatan Uji" in text
        assert str(world.cohort) in text
        assert f"Halaman {number} dari {len(pages)}" in text
        assert document.display_code in text
        assert f"/verifikasi/{document.code}/" in text


def test_approval_page_is_one_signed_page(approved_project, world):
    document = issue_approval_page(project=approved_project, by=world.examiner)

    reader, _ = _read(document)
    _assert_pdf_a_3b(reader)
    assert len(reader.pages) == 1
    assert reader.metadata.author == "Hendra Coach, Siti Mentor"
    assert reader.trailer["/Root"]["/Lang"] == "id"
    (text,) = _pages_text(reader)
    assert "LEMBAR PERSETUJUAN" in text
    assert approved_project.title in text
    assert "DISETUJUI UNTUK DISEMINARKAN" in text
    assert f"NIP. {world.coach.nip}" in text and f"NIP. {world.mentor.nip}" in text
    assert "2 Oktober 2026, 10.15 WIB" in text and "2 Oktober 2026, 14.40 WIB" in text
    assert "Halaman 1 dari 1" in text
    rows = _attached_csv(reader, "lembar-persetujuan.csv")
    assert rows == approval_page_data(approved_project).csv_rows()
    assert document.kind == GeneratedDocument.Kind.APPROVAL_PAGE
    assert document.generated_by == world.examiner


def test_approval_page_before_both_signoffs_is_refused(world):
    with pytest.raises(DocumentUnavailable) as refused:
        issue_approval_page(project=world.project, by=world.participant)

    assert "belum disetujui oleh coach dan mentor" in str(refused.value.message)
    assert not GeneratedDocument.objects.exists()


def test_issued_document_is_recorded_with_a_fresh_code(approved_project, world):
    document = issue_project_report(project=approved_project, by=world.participant)

    document.refresh_from_db()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", document.code)
    assert document.subject == f"“{approved_project.title}” oleh Budi Peserta"
    assert document.title == "Laporan Aksi Perubahan Kinerja Organisasi"
    assert document.project == approved_project
    assert re.fullmatch(
        r"documents/\d{4}/\d{2}/project_report-[0-9a-f]{32}\.pdf", document.file.name
    )
    assert document.code not in document.file.name  # the printed code does not lead to the file


def test_unchanged_data_reuses_the_document_issued_before(approved_project, world):
    first = issue_project_report(project=approved_project, by=world.participant)

    again = issue_project_report(project=approved_project, by=world.mentor)

    assert again.pk == first.pk
    assert GeneratedDocument.objects.count() == 1


def test_changed_data_issues_a_new_document_with_a_new_code(approved_project, world):
    first = issue_project_report(project=approved_project, by=world.participant)
    ImpactIndicator.objects.filter(project=approved_project).update(target=Decimal("0.5"))

    second = issue_project_report(project=approved_project, by=world.participant)

    assert second.pk != first.pk
    assert second.code != first.code
    assert second.sha256 != first.sha256
    assert first.file.storage.exists(first.file.name)  # what was issued stays verifiable


def test_report_is_in_indonesian_whatever_the_requesters_language(approved_project, world):
    with translation.override("en"):
        document = issue_project_report(project=approved_project, by=world.participant)

    reader, _ = _read(document)
    assert "Halaman 1 dari" in _pages_text(reader)[0]


def _overflows(html: str, *, whole_words: bool = False) -> list[str]:
    # Reads WeasyPrint's laid-out boxes (internal API, pinned at 70.0): a table or a line of text
    # in a cell that reaches past the page's content area or its cell is cut off on paper. With
    # whole_words, words may not be broken to fit (web addresses aside), so a column too narrow
    # for its longest word shows up as an overflow.
    strict = "th, td { overflow-wrap: normal !important; }"
    stylesheets = [weasyprint.CSS(string=strict)] if whole_words else []
    found = []
    pages = weasyprint.HTML(string=html).render(stylesheets=stylesheets).pages
    for number, page in enumerate(pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width + 0.5
        for box in page_box.descendants():
            if isinstance(box, boxes.TableBox) and box.position_x + box.margin_width() > right:
                found.append(f"page {number}: table wider than the page")
            if isinstance(box, boxes.TableCellBox):
                cell_right = box.content_box_x() + box.width + 0.5
                for inner in box.descendants():
                    if (
                        isinstance(inner, boxes.TextBox)
                        and inner.position_x + inner.margin_width() > cell_right
                        and not (whole_words and "/" in inner.text)  # a web address
                    ):
                        found.append(f"page {number}: “{inner.text}” overflows its cell")
    return found


def test_report_tables_stay_inside_the_page_and_their_cells(approved_project, world):
    graded = grade_project(world, approved_project, ChangeProject.State.PASSED)
    ImpactIndicator.objects.create(
        project=graded,
        name="Persentase rujukan yang dikonfirmasi kurang dari tiga puluh menit",
        unit="persen dari total rujukan",
        baseline=Decimal("123456789.25"),
        target=Decimal("999999999999.99"),
    )
    data = project_report_data(graded)
    document = GeneratedDocument(
        code="7K3M9QXR2D4B", kind=data.kind, generated_at=at(30, 14), generated_by=world.admin
    )

    with translation.override("id"):
        html = document_html(data, document)

    assert _overflows(html) == []


def test_complete_report_breaks_no_word_to_fit_a_column(passed_project, world):
    data = project_report_data(passed_project)
    document = GeneratedDocument(
        code="7K3M9QXR2D4B", kind=data.kind, generated_at=at(30, 14), generated_by=world.admin
    )

    with translation.override("id"):
        html = document_html(data, document)

    assert _overflows(html, whole_words=True) == []
