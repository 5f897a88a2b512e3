"""The agency report's and the cohort recap's post-training section: its data, its charts and
its text in the PDF, and the answers in the CSV attachment (without free text for agency heads)."""

from __future__ import annotations

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from reports.documents.agency_report import agency_report_data
from reports.services import issue_collection
from tests.mentoring.impact import answer, in_monitoring
from tests.reports.test_services import _attached_csv, _pages_text

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
IN_ROUND = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)
FREE_TEXT = "Loket daring kini dipakai di lima kecamatan."


@pytest.fixture
def answered(world):
    with time_machine.travel(IN_ROUND, tick=False):
        first, _final = in_monitoring(world.project)
        answer(
            first,
            world.participant,
            progress=5,
            sustainability="replicated",
            barriers=["funds", "rotation"],
            carry_on=FREE_TEXT,
        )
        answer(first, world.mentor, progress=4, barriers=["rotation"])
    return first


def test_agency_report_data_has_the_post_training_figures(world, answered):
    data = agency_report_data(world.province, today=IN_ROUND.date())
    figures = {field.key: field.value for field in data.impact.figures.fields}
    assert figures["tingkat_respons"] == Decimal("100.0")
    assert figures["masih_berjalan"] == 1
    assert data.impact.means.rows[0][:3] == (
        "Progres aksi perubahan",
        Decimal("5.00"),
        Decimal("4.00"),
    )
    assert data.impact.barriers.rows == (
        ("Mutasi atau rotasi jabatan", 2, Decimal("66.7")),
        ("Keterbatasan anggaran", 1, Decimal("33.3")),
    )
    assert data.impact.sustainability.rows == (("Direplikasi di tempat lain", 1, Decimal("100.0")),)
    answers = [row[-1] for row in data.impact.responses.rows]
    assert "5 · Sangat Baik" in answers
    assert FREE_TEXT not in answers  # agency heads do not read free text


def test_agency_report_without_answers_says_so(world):
    data = agency_report_data(world.province, today=IN_ROUND.date())
    assert data.impact.means.rows == ()
    assert data.impact.figures.fields[3].value is None  # no response rate of nothing


def test_agency_report_pdf_prints_the_section_and_attaches_the_answers(world, answered):
    data = agency_report_data(world.province, today=IN_ROUND.date())
    document = issue_collection(data, by=world.agency_head)
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = " ".join(_pages_text(reader))
    assert "SETELAH PELATIHAN" in text
    assert "Rata-rata skor, alumni dan mentor" in text
    assert "Mutasi atau rotasi jabatan" in text
    assert "66,7" in text
    assert "Direplikasi di tempat lain" in text
    rows = _attached_csv(reader, "laporan-dampak-instansi.csv")
    answers = [row for row in rows if row[0] == "jawaban_survei"]
    assert any(row[2] == "jawaban" and row[3] == "5 · Sangat Baik" for row in answers)
    assert not any(FREE_TEXT in row[3] for row in rows)
    assert [row[3] for row in rows if row[0] == "hambatan" and row[2] == "persen"] == [
        "66.7",
        "33.3",
    ]


def test_cohort_recap_carries_the_same_figures_and_the_free_text_for_organisers(world, answered):
    from reports.documents.cohort_recap import cohort_recap_data

    data = cohort_recap_data(world.cohort, today=IN_ROUND.date())
    assert data.impact.barriers.rows[0] == ("Mutasi atau rotasi jabatan", 2, Decimal("66.7"))
    assert FREE_TEXT in [row[-1] for row in data.impact.responses.rows]
    document = issue_collection(data, by=world.organiser)
    with document.file.open("rb") as stored:
        text = " ".join(_pages_text(PdfReader(io.BytesIO(stored.read()))))
    assert "SETELAH PELATIHAN" in text and "Direplikasi di tempat lain" in text
