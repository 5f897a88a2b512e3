"""Exports of the other lists: milestones, sessions and seminar grades of the projects the
project list shows under the same filters, and the seminar list; formulas defused."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from mentoring.models import Consultation
from milestones.models import Milestone
from tests.factories import ChangeProjectFactory, UserFactory
from tests.mentoring.factories import ConsultationFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject

LIST = reverse("reports:project-list")


def _listed(client, query: str) -> set[int]:
    page = client.get(f"{LIST}?{query}&per_page=100").content.decode()
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return {int(pk) for pk in re.findall(r'href="/proyek/(\d+)/"', table)}


def _csv(client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def at_work(world):
    """Six projects of the world's cohort at work, each with a milestone and a session; the
    first one's session topic looks like a formula."""
    projects = []
    for index in range(6):
        project = ChangeProjectFactory(
            cohort=world.cohort,
            agency=world.dinas,
            participant=UserFactory(agency=world.dinas),
            coach=world.coach if index % 2 else None,
            title=f"Proyek Ekspor {index}",
        )
        put_project_in(project, ChangeProject.State.IMPLEMENTATION)
        MilestoneFactory(project=project, activity=f"Kegiatan {index}")
        ConsultationFactory(
            project=project,
            consultant=UserFactory(),
            topic='=HYPERLINK("http://x")' if index == 0 else f"Topik {index}",
        )
        projects.append(project)
    return projects


@pytest.mark.parametrize("query", ["", "coach={coach}", "state=implementation&q=Ekspor 3"])
@pytest.mark.parametrize("name", ["milestones", "consultations"])
def test_exports_hold_the_rows_of_the_filtered_list(client, world, at_work, query, name):
    client.force_login(world.organiser)
    query = query.format(coach=world.coach.pk)
    url = reverse("reports:list-export", args=[name, "csv"]) + f"?{query}"

    rows = _csv(client, url)

    model = Milestone if name == "milestones" else Consultation
    with_rows = {
        pk for pk in _listed(client, query) if model.objects.filter(project_id=pk).exists()
    }
    assert {int(row["ID proyek"]) for row in rows} == with_rows
    assert rows


def test_an_agency_head_gets_only_the_projects_they_reach(client, world, at_work):
    ConsultationFactory(project=world.other_project, topic="Proyek instansi lain")
    client.force_login(world.agency_head)

    rows = _csv(client, reverse("reports:list-export", args=["consultations", "csv"]))

    exported = {int(row["ID proyek"]) for row in rows}
    assert world.other_project.pk not in exported
    assert exported == _listed(client, "") - {world.project.pk}


def test_a_participant_exports_only_their_own(client, world, at_work):
    ConsultationFactory(project=world.project, topic="Sesi saya")
    client.force_login(world.participant)

    rows = _csv(client, reverse("reports:list-export", args=["consultations", "csv"]))

    assert [row["Topik"] for row in rows] == ["Sesi saya"]


def test_text_that_looks_like_a_formula_is_defused(client, world, at_work):
    client.force_login(world.organiser)

    rows = _csv(client, reverse("reports:list-export", args=["consultations", "csv"]))
    response = client.get(reverse("reports:list-export", args=["consultations", "xlsx"]))

    assert '\'=HYPERLINK("http://x")' in {row["Topik"] for row in rows}
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    (cell,) = [
        cell for row in sheet.iter_rows() for cell in row if cell.value == '=HYPERLINK("http://x")'
    ]
    assert cell.data_type == "s"  # text, never a formula


def test_xlsx_equals_csv(client, world, at_work):
    client.force_login(world.organiser)

    rows = _csv(client, reverse("reports:list-export", args=["milestones", "csv"]))
    sheet = _xlsx(client, reverse("reports:list-export", args=["milestones", "xlsx"]))

    assert [row["Kegiatan"] for row in rows] == [row["Kegiatan"] for row in sheet]
    assert len(rows) == 6


def test_an_unknown_list_is_404(client, world):
    client.force_login(world.organiser)

    assert client.get(reverse("reports:list-export", args=["users", "csv"])).status_code == 404
    assert client.get(reverse("reports:list-export", args=["milestones", "pdf"])).status_code == 404


def test_seminar_export_equals_the_seminar_list(client, world):
    client.force_login(world.examiner)

    rows = _csv(client, reverse("reports:seminar-export", args=["csv"]))
    page = client.get(reverse("mentoring:seminar-list")).content.decode()

    assert [int(row["ID"]) for row in rows] == [world.project.seminars.get().pk]
    assert rows[0]["Penguji"] == "Bambang Penguji"
    assert reverse("reports:seminar-export", args=["csv"]) in page


def test_seminar_export_of_someone_without_seminars_is_empty(client, world):
    client.force_login(world.participant)

    assert _csv(client, reverse("reports:seminar-export", args=["csv"])) == []


def test_grades_export_lists_the_graded_projects(client, passed_project, world):
    client.force_login(world.organiser)

    rows = _csv(client, reverse("reports:list-export", args=["grades", "csv"]))

    assert [(row["ID proyek"], row["Predikat"]) for row in rows] == [
        (str(passed_project.pk), "Memuaskan")
    ]
    assert Consultation.objects.exists()
