"""CSV and XLSX downloads hold exactly the filtered list, under the same visibility."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject

LIST = reverse("reports:project-list")
CSV = reverse("reports:project-export-csv")
XLSX = reverse("reports:project-export-xlsx")


def _listed(client, query: str) -> list[int]:
    page = client.get(f"{LIST}?{query}&per_page=100").content.decode()
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [int(pk) for pk in re.findall(r'href="/proyek/(\d+)/"', table)]


def _csv_rows(client, query: str) -> list[dict[str, str]]:
    response = client.get(f"{CSV}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="proyek-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(client, query: str) -> list[dict]:
    response = client.get(f"{XLSX}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def many(world):
    """Thirty projects in the world's cohort, half of them at work with a milestone."""
    for index in range(30):
        project = ChangeProjectFactory(
            cohort=world.cohort,
            agency=world.dinas,
            participant=UserFactory(agency=world.dinas),
            coach=world.coach if index % 3 else None,
            title=f"Proyek Ekspor {index:02d}",
        )
        if index % 2:
            put_project_in(project, ChangeProject.State.IMPLEMENTATION)
            MilestoneFactory(project=project)
    return world


QUERIES = [
    "",
    "state=implementation&sort=-title",
    "q=Ekspor+1&sort=progress",
    "coach=null&sort=participant",
]


@pytest.mark.parametrize("query", QUERIES)
def test_csv_holds_the_filtered_list_in_its_order_across_all_pages(client, many, query):
    client.force_login(many.organiser)
    ids = [int(row["ID"]) for row in _csv_rows(client, query)]
    assert ids == _listed(client, query)
    assert ids


@pytest.mark.parametrize("query", QUERIES)
def test_xlsx_holds_the_filtered_list_in_its_order(client, many, query):
    client.force_login(many.organiser)
    ids = [row["ID"] for row in _xlsx_rows(client, query)]
    assert ids == _listed(client, query)


def test_filter_by_coach_in_the_download_matches_the_page(client, many):
    client.force_login(many.organiser)
    query = f"coach={many.coach.pk}"
    rows = _csv_rows(client, query)
    assert {row["Coach"] for row in rows} == {"Hendra Coach"}
    assert [int(row["ID"]) for row in rows] == _listed(client, query)


def test_download_covers_more_than_one_page(client, many):
    client.force_login(many.organiser)
    assert len(_csv_rows(client, "")) == 32


@pytest.mark.parametrize("persona", ["participant", "agency_head", "stranger", "admin"])
def test_downloads_follow_the_same_visibility_as_the_list(client, world, persona):
    ChangeProjectFactory(cohort=CohortFactory(), title="Proyek Angkatan Lain")
    client.force_login(world.persona(persona))
    listed = _listed(client, "")
    assert [int(row["ID"]) for row in _csv_rows(client, "")] == listed
    assert [row["ID"] for row in _xlsx_rows(client, "")] == listed


def test_rows_carry_readable_values(client, world):
    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    MilestoneFactory(project=world.project, state="accepted")
    MilestoneFactory(project=world.project)
    client.force_login(world.participant)
    (row,) = _csv_rows(client, "")
    assert row["Peserta"] == "Budi Peserta"
    assert row["NIP"] == world.participant.nip
    assert row["Status"] == "Implementasi"
    assert row["Instansi"] == "Dinas Kesehatan Uji"
    assert row["Coach"] == "Hendra Coach"
    assert (row["Tonggak diterima"], row["Jumlah tonggak"], row["Progres (%)"]) == ("1", "2", "50")
    (cells,) = _xlsx_rows(client, "")
    assert cells["NIP"] == world.participant.nip  # text: all 18 digits kept
    assert cells["Progres (%)"] == 50


def test_cells_that_look_like_formulas_stay_text(client, world):
    ChangeProject.objects.filter(pk=world.project.pk).update(title='=HYPERLINK("http://x")')
    client.force_login(world.participant)
    (row,) = _csv_rows(client, "")
    assert row["Judul"] == '\'=HYPERLINK("http://x")'
    response = client.get(XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_invalid_filter_downloads_nothing_and_says_why(client, world, url):
    client.force_login(world.participant)
    response = client.get(f"{url}?state=tidak-ada")
    assert response.status_code == 400
    assert "Filter tidak valid" in response.content.decode()
    assert "Content-Disposition" not in response


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_anonymous_download_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_download_query_count_does_not_grow_with_rows(
    client, world, url, django_assert_num_queries
):
    client.force_login(world.organiser)
    # Session, user, the rows (the filters' choices are looked up only when one is sent).
    with django_assert_num_queries(3):
        client.get(url)
    for _ in range(50):
        MilestoneFactory(project=ChangeProjectFactory(cohort=world.cohort))
    with django_assert_num_queries(3):
        client.get(url)
