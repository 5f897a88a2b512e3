"""The home page's long sections show one page at a time: the organiser's cohort board, the
coach's and mentor's queue, the agency head's units; the latest projects are counted alone."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from reports.dashboards import COHORTS_SHOWN, QUEUE_SHOWN, UNITS_SHOWN
from tests.factories import AgencyFactory, ChangeProjectFactory, CohortFactory, UserFactory
from tests.html import element
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.reports.test_dashboards import _submitted
from tracker.models import ChangeProject, Cohort

HOME = reverse("tracker:home")
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
S = ChangeProject.State


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _home(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(f"{HOME}{query}")
    assert response.status_code == 200
    return response.content.decode()


def _cohort_titles(page: str) -> list[str]:
    board = page.split('id="cohorts-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<h3>([^<]+)</h3>", board)


def test_the_cohort_board_shows_a_page_of_cohorts_newest_first(client, world):
    for number in range(COHORTS_SHOWN + 2):
        CohortFactory(number=f"B{number:02d}", year=2000 + number).organisers.add(world.organiser)
    first = _home(client, world.organiser)
    titles = _cohort_titles(first)
    assert len(titles) == COHORTS_SHOWN
    newest = Cohort.objects.filter(organisers=world.organiser).order_by("-year", "pk")
    assert titles == [str(cohort) for cohort in newest[:COHORTS_SHOWN]]
    total = COHORTS_SHOWN + 3  # and the world's own
    assert f"Angkatan 1–{COHORTS_SHOWN} dari {total}, yang terbaru lebih dulu." in first
    assert ("Berikutnya ›", "?angkatan=2#cohorts-heading") in element(first, cls="pagination").links
    second = _home(client, world.organiser, "?angkatan=2")
    assert _cohort_titles(second) == [str(cohort) for cohort in newest[COHORTS_SHOWN:]]
    assert ("‹ Sebelumnya", "?#cohorts-heading") in element(second, cls="pagination").links
    # A page past the end shows the last one, as the project list does.
    assert _cohort_titles(_home(client, world.organiser, "?angkatan=99")) == _cohort_titles(second)


def test_one_page_of_cohorts_has_no_page_links(client, world):
    page = _home(client, world.organiser)
    assert "?angkatan=" not in page
    assert _cohort_titles(page) == [str(world.cohort)]


def test_the_queue_shows_the_oldest_twenty_and_pages_on(client, world):
    project = put_project_in(world.project, S.IMPLEMENTATION)
    for day in range(QUEUE_SHOWN + 5):
        _submitted(
            project,
            datetime.datetime(2026, 10, 1 + day, 10, 0, tzinfo=JAKARTA),
            activity=f"Kegiatan {day:02d}",
        )
    first = _home(client, world.coach)
    shown = re.findall(r"Kegiatan (\d\d)", first)
    assert shown == [f"{day:02d}" for day in range(QUEUE_SHOWN)]
    assert '<span class="badge">25</span>' in first
    assert "Yang ke-1 sampai 20 dari 25, yang terlama menunggu lebih dulu." in first
    second = _home(client, world.coach, "?antrean=2")
    assert re.findall(r"Kegiatan (\d\d)", second) == [
        f"{day:02d}" for day in range(QUEUE_SHOWN, QUEUE_SHOWN + 5)
    ]


def test_someone_without_a_queue_is_not_shown_page_links(client, world):
    page = _home(client, world.mentor, "?antrean=3")
    assert "Tidak ada yang menunggu tindakan Anda saat ini." in page
    assert 'class="pagination"' not in page


def test_the_units_table_shows_fifteen_units_a_page(client, world):
    for number in range(UNITS_SHOWN + 1):
        unit = AgencyFactory(name=f"Unit {number:02d}", parent=world.province)
        ChangeProjectFactory(participant=UserFactory(agency=unit), agency=unit)
    first = _home(client, world.agency_head)
    table = element(first, "units-heading").text
    assert "unit 1–15 dari 17" in table
    units = re.findall(r'\?agency=\d+">([^<]+)</a></th>', first)
    assert units == ["Dinas Kesehatan Uji", *[f"Unit {n:02d}" for n in range(UNITS_SHOWN - 1)]]
    second = _home(client, world.agency_head, "?unit=2")
    assert re.findall(r'\?agency=\d+">([^<]+)</a></th>', second) == ["Unit 14", "Unit 15"]
    # The totals stay those of every unit, whatever the page.
    assert ">17</span> Draf" in second.replace("\n", "")


def test_the_latest_projects_carry_their_progress(client, world):
    put_project_in(world.project, S.IMPLEMENTATION)
    MilestoneFactory(project=world.project, state="accepted")
    MilestoneFactory(project=world.project, state="planned")
    page = _home(client, world.agency_head)
    latest = page.split("Proyek yang terakhir bergerak", 1)[1]
    assert "50%" in latest
    assert "1/2 tonggak" in latest
