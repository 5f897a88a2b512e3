"""The agency report laid out in worker processes and joined: one archival PDF, numbered and
linked exactly as the report laid out in one process."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pikepdf
import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from reports import parallel_pdf, services
from reports.documents.agency_report import agency_report_data
from reports.documents.base import document_for_code
from reports.models import GeneratedDocument, ReportJob
from reports.services import (
    JobTimeLimit,
    collection_pdf,
    issue_collection,
    run_report_job,
)
from tests.reports.test_collections import _add_projects
from tests.reports.test_services import _assert_pdf_a_3b, _attached_csv, _pages_text

TODAY = datetime.date(2026, 12, 1)
AGENCY = GeneratedDocument.Kind.AGENCY_REPORT


@pytest.fixture
def in_parallel(settings, monkeypatch):
    """Small parts and batches, so a dozen projects take many parts over two workers."""
    settings.REPORT_WORKERS = 2
    settings.REPORT_PARALLEL_MIN_PROJECTS = 0
    monkeypatch.setitem(services.LINES_PER_PART, AGENCY, 2)
    monkeypatch.setattr(parallel_pdf, "BATCH_PAGES", 2)


@pytest.fixture
def report(passed_project, world):
    _add_projects(world, 11)
    return agency_report_data(world.province, today=TODAY)


def _document(world) -> GeneratedDocument:
    return GeneratedDocument(
        code="7K3M9QXR2D4B",
        kind=AGENCY,
        generated_by=world.agency_head,
        generated_at=timezone.make_aware(datetime.datetime(2026, 12, 1, 9, 30)),
    )


def _render(data, document, settings, *, workers: int) -> bytes:
    settings.REPORT_WORKERS = workers
    with translation.override("id"):
        return collection_pdf(data, document)


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)

    return list(walk(reader.outline, 0))


def _links(reader: PdfReader) -> list[tuple[int, int]]:
    """(page of the link, page it leads to) for every internal link, in order."""
    destinations = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                target = destinations[str(annotation["/Dest"])]
                found.append((number, reader.get_destination_page_number(target)))
    return found


def test_joined_report_reads_page_for_page_as_the_single_process_one(
    report, world, settings, in_parallel
):
    document = _document(world)

    single = PdfReader(io.BytesIO(_render(report, document, settings, workers=1)))
    joined = PdfReader(io.BytesIO(_render(report, document, settings, workers=2)))

    assert len(joined.pages) == len(single.pages) >= 8
    assert _pages_text(joined) == _pages_text(single)
    # Drawn the same to the byte: text, page numbers, the verification code and the QR code.
    assert [page.get_contents().get_data() for page in joined.pages] == [
        page.get_contents().get_data() for page in single.pages
    ]
    assert _outline(joined) == _outline(single)
    assert len(_outline(joined)) > len(report.lines)  # the sections and every project
    assert _links(joined) == _links(single)
    # The list of projects in the summary (its first pages) leads to each project's page.
    summary = sum(1 for text in _pages_text(joined) if re.search(r"Halaman [ivx]+\b", text))
    assert len(_links(joined)) >= len(report.lines)  # a title over two lines has two
    assert all(page < summary <= target for page, target in _links(joined))


def test_joined_report_numbers_the_summary_in_roman_and_the_projects_from_one(
    report, world, settings, in_parallel
):
    reader = PdfReader(io.BytesIO(_render(report, _document(world), settings, workers=2)))

    footers = [re.findall(r"Halaman (\w+)", text)[-1] for text in _pages_text(reader)]
    summary = [number for number in footers if re.fullmatch(r"[ivx]+", number)]
    assert summary == ["i", "ii", "iii", "iv", "v"][: len(summary)]
    assert footers[len(summary) :] == [str(n) for n in range(1, len(footers) - len(summary) + 1)]
    text = " ".join(_pages_text(reader))
    body = len(footers) - len(summary)
    assert f"uraian setiap proyek menyusul pada halaman 1 sampai {body}" in text


def test_joined_report_is_one_pdf_a_3b_with_one_metadata_stream_and_output_intent(
    report, world, settings, in_parallel
):
    body = _render(report, _document(world), settings, workers=2)
    reader = PdfReader(io.BytesIO(body))

    _assert_pdf_a_3b(reader)
    with pikepdf.open(io.BytesIO(body)) as pdf:
        # The parts' own metadata and colour profiles stayed behind: the ICC signature "acsp".
        profiles = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.read_bytes()[36:40] == b"acsp"
        ]
        streams = [
            obj.stream_dict.get("/Type") for obj in pdf.objects if isinstance(obj, pikepdf.Stream)
        ]
        assert streams.count(pikepdf.Name.Metadata) == 1
        assert len(pdf.Root.OutputIntents) == 1
        assert [profile.objgen for profile in profiles] == [
            pdf.Root.OutputIntents[0].DestOutputProfile.objgen
        ]
        assert pdf.Root.Metadata.objgen == next(
            obj.objgen
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Type") == "/Metadata"
        )
        # One associated file (WeasyPrint lists its file specification twice, as one object).
        (associated,) = {item.objgen: item for item in pdf.Root.AF}.values()
        assert associated.AFRelationship == pikepdf.Name.Data
        assert list(pdf.Root.Names.EmbeddedFiles.Names)[1::2] == [associated]
        assert str(associated.F) == "laporan-dampak-instansi.csv"
    assert reader.metadata.title == (
        "Laporan dampak proyek perubahan: Pemerintah Provinsi Uji dan unit di bawahnya"
    )
    assert reader.trailer["/Root"]["/Lang"] == "id"
    assert _attached_csv(reader, "laporan-dampak-instansi.csv") == report.csv_rows()


def test_issued_joined_report_is_verifiable_by_its_hash_and_code_on_every_page(
    report, world, in_parallel
):
    with translation.override("id"):
        document = issue_collection(report, by=world.agency_head)

    with document.file.open("rb") as stored:
        body = stored.read()
    assert document.sha256 == hashlib.sha256(body).hexdigest()
    assert document_for_code(document.code) == document
    reader = PdfReader(io.BytesIO(body))
    for text in _pages_text(reader):
        assert document.display_code in text
        assert f"/verifikasi/{document.code}/" in text


def test_report_job_builds_a_long_report_in_parallel_with_progress(
    report, world, in_parallel, monkeypatch
):
    pools = []
    original = parallel_pdf._Pool

    def counted_pool(count):
        pools.append(count)
        return original(count)

    monkeypatch.setattr(parallel_pdf, "_Pool", counted_pool)
    job = ReportJob.objects.create(
        kind=AGENCY,
        requested_by=world.agency_head,
        parameters=services.agency_report_parameters(world.province, None, None),
        title="Laporan",
    )

    run_report_job(job_id=job.pk, attempt=job.attempt)

    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    assert job.progress_done == job.progress_total == len(report.lines)
    assert pools == [2]
    assert PdfReader(job.document.file.open("rb")).pages


def test_time_limit_stops_the_workers(report, world, in_parallel, monkeypatch):
    pools = []
    original = parallel_pdf._Pool

    def kept_pool(count):
        pools.append(original(count))
        return pools[-1]

    monkeypatch.setattr(parallel_pdf, "_Pool", kept_pool)
    calls = []

    def progress(done):
        calls.append(done)
        if len(calls) == 2:
            raise JobTimeLimit

    with pytest.raises(JobTimeLimit), translation.override("id"):
        collection_pdf(report, _document(world), progress=progress)

    (pool,) = pools
    assert pool.processes and not any(process.is_alive() for process in pool.processes)


def test_short_report_is_laid_out_in_this_process(report, world, settings, monkeypatch):
    settings.REPORT_WORKERS = 2
    settings.REPORT_PARALLEL_MIN_PROJECTS = len(report.lines) + 1

    def no_pool(count):
        raise AssertionError("no worker processes for a short report")

    monkeypatch.setattr(parallel_pdf, "_Pool", no_pool)

    reader = PdfReader(io.BytesIO(_render(report, _document(world), settings, workers=2)))

    _assert_pdf_a_3b(reader)
    assert len(reader.pages) >= 5
