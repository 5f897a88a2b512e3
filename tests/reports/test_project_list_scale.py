"""The project list at scale: choice pickers instead of selects, counted columns only for the
page's rows, and query counts that do not grow with the rows (pages: test_paging.py)."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones.models import Milestone
from reports.filters import CHOICES_SHOWN
from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.html import element
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject

URL = reverse("reports:project-list")
HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


def _choices_url(name: str) -> str:
    return reverse("reports:project-filter-choices", args=[name])


def _ids(page: str) -> list[int]:
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [int(pk) for pk in re.findall(r'href="/proyek/(\d+)/"', table)]


# --- the pickers ---------------------------------------------------------------------------


def test_the_page_lists_no_choices_until_one_is_searched(client, world):
    for number in range(30):
        CohortFactory(number=f"C{number}").organisers.add(world.organiser)
    client.force_login(world.organiser)
    page = client.get(URL).content.decode()
    assert "C29" not in page
    assert 'type="hidden" name="cohort"' in page
    assert f'hx-get="{_choices_url("cohort")}"' in page


def test_searching_without_javascript_lists_matches_as_links_that_keep_the_filters(client, world):
    client.force_login(world.organiser)
    page = client.get(f"{URL}?state=draft&coach_q=hendra&page=2").content.decode()
    choices = element(page, "coach-choices")
    assert choices.links[0] == (
        "Hendra Coach",
        f"{URL}?state=draft&coach={world.coach.pk}",
    )
    # The 'not assigned yet' choice is always one link away.
    assert ("Belum ditetapkan", f"{URL}?state=draft&coach=null") in choices.links


def test_a_chosen_value_is_named_with_a_link_that_clears_it(client, world):
    client.force_login(world.organiser)
    page = client.get(f"{URL}?mentor={world.mentor.pk}&state=draft").content.decode()
    picker = element(page, "picker-mentor")
    assert "Dipilih: Siti Mentor" in picker.text
    assert ("hapus pilihan Mentor", f"{URL}?state=draft") in picker.links
    assert f'name="mentor" value="{world.mentor.pk}"' in page


def test_the_htmx_endpoint_answers_with_the_matches_fragment(client, world):
    client.force_login(world.organiser)
    response = client.get(
        _choices_url("agency"), {"agency_q": "dinas", "state": "draft", "agency": ""}, **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="agency-choices"')
    links = element(page, "agency-choices").links
    assert (world.dinas.name, f"{URL}?state=draft&agency={world.dinas.pk}") in links
    assert (world.other_agency.name, f"{URL}?state=draft&agency={world.other_agency.pk}") in links
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_the_endpoint_offers_only_what_the_person_sees(client, world):
    hidden = CohortFactory(number="RAHASIA")
    ChangeProjectFactory(cohort=hidden, coach=UserFactory(full_name="Hendra Lain"))
    client.force_login(world.participant)
    page = client.get(_choices_url("coach"), {"coach_q": "hendra"}).content.decode()
    assert [text for text, _href in element(page, "coach-choices").links] == [
        "Hendra Coach",
        "Belum ditetapkan",
    ]
    page = client.get(_choices_url("cohort"), {"cohort_q": "rahasia"}).content.decode()
    assert element(page, "cohort-choices").links == []
    assert "Tidak ada yang cocok dengan “rahasia”." in page


def test_the_endpoint_shows_at_most_ten_matches(client, world):
    for number in range(CHOICES_SHOWN + 5):
        ChangeProjectFactory(
            cohort=world.cohort, mentor=UserFactory(full_name=f"Mentor Banyak {number:02d}")
        )
    client.force_login(world.organiser)
    page = client.get(_choices_url("mentor"), {"mentor_q": "banyak"}).content.decode()
    links = element(page, "mentor-choices").links
    assert len(links) == CHOICES_SHOWN + 1  # and the 'not assigned yet' one
    assert links[0][0] == "Mentor Banyak 00"


def test_cohorts_are_found_by_number_year_or_programme(client, world):
    client.force_login(world.organiser)
    cohort = str(world.cohort)
    for text in (world.cohort.number, str(world.cohort.year), cohort.split(" Angkatan")[0]):
        page = client.get(_choices_url("cohort"), {"cohort_q": text}).content.decode()
        assert [t for t, _href in element(page, "cohort-choices").links] == [cohort], text


def test_an_unknown_picker_is_404_and_a_stranger_finds_nothing(client, world):
    client.force_login(world.stranger)
    assert client.get(_choices_url("participant"), {"participant_q": "budi"}).status_code == 404
    page = client.get(_choices_url("coach"), {"coach_q": "hendra"}).content.decode()
    assert [t for t, _href in element(page, "coach-choices").links] == ["Belum ditetapkan"]


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(_choices_url("cohort"), {"cohort_q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_agency_is_a_valid_choice_when_its_units_hold_a_visible_project(client, world):
    client.force_login(world.participant)
    assert _ids(client.get(f"{URL}?agency={world.province.pk}").content.decode()) == [
        world.project.pk
    ]
    for refused in (world.other_agency.pk, "x", 99999):
        response = client.get(f"{URL}?agency={refused}")
        assert response.status_code == 400, refused
        assert "Filter tidak valid" in response.content.decode()


# --- counted columns for the page's rows only -----------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_progress_and_flags_are_shown_under_the_default_sort(client, world):
    today = NOW.date()
    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    MilestoneFactory(project=world.project, state=Milestone.State.ACCEPTED)
    MilestoneFactory(
        project=world.project, due_date=today - datetime.timedelta(days=3), state="in_progress"
    )
    client.force_login(world.organiser)
    page = client.get(URL).content.decode()
    row = page.split(f'href="/proyek/{world.project.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert "50%" in row
    assert "1/2 tonggak" in row
    assert "Terlambat" in row


def test_the_list_query_leaves_milestones_alone_even_sorted_by_progress(client, world):
    client.force_login(world.admin)

    with CaptureQueriesContext(connection) as plain:
        client.get(URL)
    sqls = [q["sql"] for q in plain.captured_queries]
    # The page's keys (with their sort values, for the next page's cursor), then the milestones
    # of the page's rows alone.
    keys = [sql for sql in sqls if 'AS "seek_0"' in sql]
    figures = [sql for sql in sqls if '"id" AS "pk"' in sql]
    assert "milestones_milestone" not in keys[0]
    assert figures[0].endswith(f'"id" IN ({world.project.pk}, {world.other_project.pk})')
    with CaptureQueriesContext(connection) as sorted_:
        client.get(f"{URL}?sort=-progress")
    keys = [q["sql"] for q in sorted_.captured_queries if 'AS "seek_0"' in q["sql"]]
    # Progress is the project's own column (`tracker.summary`): the sort reads no milestone.
    assert "milestones_milestone" not in keys[0]
    assert '"progress"' in keys[0]


# --- pages


def test_page_links_walk_the_whole_list_once(client, world):
    for _ in range(28):
        ChangeProjectFactory(cohort=world.cohort)
    client.force_login(world.organiser)
    seen = []
    for number in (1, 2):
        seen += _ids(client.get(f"{URL}?page={number}&sort=title").content.decode())
    assert len(seen) == len(set(seen)) == 30
    assert seen == list(ChangeProject.objects.order_by("title", "pk").values_list("pk", flat=True))


# --- query counts ---------------------------------------------------------------------------

# Session, user, count, the page's keys, its rows, their counted columns (the default sort needs
# none), the grade choices; a chosen cohort, agency, coach or mentor adds the check that it is
# the person's to choose (the agency's takes two: its projects' agencies, then their lineage).
QUERIES = {"": 7, "?sort=-progress": 7, "?cohort={cohort}&coach={coach}": 9}


@pytest.mark.parametrize("persona", ["organiser", "admin", "agency_head"])
@pytest.mark.parametrize("query", list(QUERIES))
def test_query_count_is_the_same_for_1_and_50_rows(
    client, world, persona, query, django_assert_num_queries
):
    ChangeProject.objects.exclude(pk=world.project.pk).delete()
    client.force_login(world.persona(persona))
    url = f"{URL}{query.format(cohort=world.cohort.pk, coach=world.coach.pk)}"
    url += ("&" if "?" in url else "?") + "per_page=100"
    with django_assert_num_queries(QUERIES[query]):
        assert len(_ids(client.get(url).content.decode())) == 1
    for _ in range(49):
        project = ChangeProjectFactory(
            cohort=world.cohort, agency=world.dinas, coach=world.coach, mentor=UserFactory()
        )
        MilestoneFactory(project=project)
    with django_assert_num_queries(QUERIES[query]):
        assert len(_ids(client.get(url).content.decode())) == 50


@pytest.mark.parametrize("persona", ["organiser", "participant", "admin"])
def test_the_endpoint_costs_the_same_for_1_and_50_matches(
    client, world, persona, django_assert_num_queries
):
    client.force_login(world.persona(persona))
    # Session, user, the matches.
    with django_assert_num_queries(3):
        client.get(_choices_url("mentor"), {"mentor_q": "mentor"})
    for number in range(50):
        ChangeProjectFactory(
            cohort=CohortFactory(),
            participant=world.participant,
            mentor=UserFactory(full_name=f"Mentor Lain {number}"),
        )
    with django_assert_num_queries(3):
        client.get(_choices_url("mentor"), {"mentor_q": "mentor"})


def test_the_overdue_filter_reads_each_projects_own_row(client, world):
    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    put_project_in(world.other_project, ChangeProject.State.IMPLEMENTATION)
    MilestoneFactory(
        project=world.project,
        start_date=datetime.date(2000, 1, 1),
        due_date=datetime.date(2000, 2, 1),
    )
    MilestoneFactory(project=world.other_project, due_date=datetime.date(2999, 1, 1))
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"{URL}?overdue=ya").content.decode()
    assert _ids(page) == [world.project.pk]
    keys = [q["sql"] for q in captured.captured_queries if 'AS "seek_0"' in q["sql"]]
    # Overdue is `open_due_on` against today (`tracker.summary`): no milestone is counted for
    # every visible project, only for the page's rows afterwards (their flags).
    assert "milestones_milestone" not in keys[0]
    assert '"open_due_on" <' in keys[0]
    assert _ids(client.get(f"{URL}?overdue=tidak").content.decode()) == [world.other_project.pk]
