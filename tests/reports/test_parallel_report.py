"""The agency report laid out in worker processes and joined: one archival PDF, numbered right."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from reports import parallel_pdf
from reports.documents.agency_report import agency_report_data
from reports.services import issue_collection
from tests.reports.test_collections import _add_projects
from tests.reports.test_services import _assert_pdf_a_3b, _attached_csv, _pages_text

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def in_parallel(settings, monkeypatch):
    settings.REPORT_WORKERS = 2
    settings.REPORT_PARALLEL_MIN_PROJECTS = 0
    monkeypatch.setitem(parallel_pdf.__dict__, "BATCH_PAGES", 2)


def _read(document) -> tuple[PdfReader, bytes]:
    with document.file.open("rb") as stored:
        body = stored.read()
    return PdfReader(io.BytesIO(body)), body


def test_smoke(passed_project, world, in_parallel):
    _add_projects(world, 11)
    data = agency_report_data(world.province, today=TODAY)
    document = issue_collection(data, by=world.agency_head)
    reader, body = _read(document)
    _assert_pdf_a_3b(reader)
    pages = _pages_text(reader)
    for p in pages:
        print(re.findall(r"Halaman \S+", p))
    assert _attached_csv(reader, "laporan-dampak-instansi.csv") == data.csv_rows()
    assert document.sha256 == hashlib.sha256(body).hexdigest()
