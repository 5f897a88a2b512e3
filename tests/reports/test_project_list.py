"""The project list: visibility first, then filters, sorting, pages, and the HTMX swap."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from milestones.models import Milestone
from tests.conftest import PERSONAS
from tests.factories import ChangeProjectFactory, CohortFactory, SeminarFactory, UserFactory
from tests.mentoring.factories import SeminarGradeFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject, Programme, Seminar

URL = reverse("reports:project-list")
HTMX = {"HTTP_HX_REQUEST": "true"}
S = ChangeProject.State
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


def _get(client, user, query: str = "", **headers):
    client.force_login(user)
    return client.get(f"{URL}{query}", **headers)


def _ids(page: str) -> list[int]:
    """The projects listed in the table, in order."""
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [int(pk) for pk in re.findall(r'href="/proyek/(\d+)/"', table)]


SEES = {
    "participant": {"project"},
    "other_participant": {"other_project"},
    "coach": {"project"},
    "mentor": {"project"},
    "examiner": {"project"},
    "organiser": {"project", "other_project"},
    "agency_head": {"project"},
    "stranger": set(),
    "admin": {"project", "other_project"},
}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_each_person_sees_only_the_projects_in_their_scope(client, world, persona):
    page = _get(client, world.persona(persona)).content.decode()
    listed = set(_ids(page))
    expected = {getattr(world, name).pk for name in SEES[persona]}
    assert listed == expected


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_stranger_is_told_why_the_list_is_empty(client, world):
    page = _get(client, world.stranger).content.decode()
    assert "Belum ada proyek yang dapat Anda lihat." in page


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["?q=Budi", "?q=budi+peserta", "?q=LAYANAN+UJI", "?q={nip}", "?q={nip_spaced}"],
)
def test_free_text_matches_title_participant_name_and_nip(client, world, query):
    nip = world.participant.nip
    query = query.format(nip=nip, nip_spaced=f"{nip[:8]}+{nip[8:14]}+{nip[14:]}")
    ChangeProject.objects.filter(pk=world.other_project.pk).update(title="Lain sama sekali")
    page = _get(client, world.organiser, query).content.decode()
    assert _ids(page) == [world.project.pk]


def test_cohort_and_programme_filters(client, world):
    other_cohort = CohortFactory(programme=Programme.LATSAR)
    other_cohort.organisers.add(world.organiser)
    latsar = ChangeProjectFactory(cohort=other_cohort)
    page = _get(client, world.organiser, f"?cohort={other_cohort.pk}").content.decode()
    assert _ids(page) == [latsar.pk]
    page = _get(client, world.organiser, "?programme=latsar").content.decode()
    assert _ids(page) == [latsar.pk]
    page = _get(client, world.organiser, "?programme=pka").content.decode()
    assert set(_ids(page)) == {world.project.pk, world.other_project.pk}


def test_agency_filter_includes_sub_units(client, world):
    page = _get(client, world.organiser, f"?agency={world.province.pk}").content.decode()
    assert _ids(page) == [world.project.pk]
    page = _get(client, world.organiser, f"?agency={world.other_agency.pk}").content.decode()
    assert _ids(page) == [world.other_project.pk]


def test_state_coach_and_mentor_filters(client, world):
    put_project_in(world.other_project, S.IMPLEMENTATION)
    assert _ids(_get(client, world.organiser, "?state=implementation").content.decode()) == [
        world.other_project.pk
    ]
    assert _ids(_get(client, world.organiser, f"?coach={world.coach.pk}").content.decode()) == [
        world.project.pk
    ]
    assert _ids(_get(client, world.organiser, "?coach=null").content.decode()) == [
        world.other_project.pk
    ]
    assert _ids(_get(client, world.organiser, f"?mentor={world.mentor.pk}").content.decode()) == [
        world.project.pk
    ]


@time_machine.travel(NOW, tick=False)
def test_overdue_and_stuck_filters(client, world):
    put_project_in(world.project, S.IMPLEMENTATION)
    put_project_in(world.other_project, S.IMPLEMENTATION)
    MilestoneFactory(
        project=world.project,
        state=Milestone.State.IN_PROGRESS,
        start_date=datetime.date(2026, 10, 1),
        due_date=datetime.date(2026, 11, 20),
        created_at=NOW - datetime.timedelta(days=40),
    )
    MilestoneFactory(project=world.other_project, due_date=datetime.date(2027, 1, 20))
    for flag in ("overdue", "stuck"):
        page = _get(client, world.organiser, f"?{flag}=ya").content.decode()
        assert _ids(page) == [world.project.pk]
        page = _get(client, world.organiser, f"?{flag}=tidak").content.decode()
        assert _ids(page) == [world.other_project.pk]


def test_grade_filter_uses_the_latest_grade(client, world):
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    for project, predikat in ((world.project, "Kurang Memuaskan"), (world.project, "Memuaskan")):
        SeminarGradeFactory(
            project=project,
            seminar=SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
            if predikat == "Memuaskan"
            else seminar,
            score=80,
            predikat=predikat,
            decided_by=world.examiner,
        )
    assert _ids(_get(client, world.organiser, "?grade=Memuaskan").content.decode()) == [
        world.project.pk
    ]
    # The earlier grade is history: no project holds it now.
    page = _get(client, world.organiser, "?grade=Kurang+Memuaskan").content.decode()
    assert _ids(page) == []
    assert "Tidak ada proyek yang cocok dengan filter ini." in page


def test_choices_never_name_what_the_person_cannot_see(client, world):
    other_cohort = CohortFactory(number="RAHASIA")
    ChangeProjectFactory(cohort=other_cohort, coach=UserFactory(full_name="Coach Tersembunyi"))
    page = _get(client, world.participant, "?cohort_q=RAHASIA&coach_q=Coach").content.decode()
    assert "RAHASIA</a>" not in page
    assert "Coach Tersembunyi" not in page
    assert "Hendra Coach</a>" in page


def test_a_filter_outside_the_persons_reach_is_refused_with_a_message(client, world):
    other_cohort = CohortFactory()
    ChangeProjectFactory(cohort=other_cohort)
    response = _get(client, world.participant, f"?cohort={other_cohort.pk}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Filter tidak valid" in page
    assert _ids(page) == []


# --- sorting and pages ---------------------------------------------------------------------


def test_sorting_by_title_both_ways_and_by_workflow_state(client, world):
    ChangeProject.objects.filter(pk=world.project.pk).update(title="A proyek")
    ChangeProject.objects.filter(pk=world.other_project.pk).update(title="B proyek")
    put_project_in(world.project, S.MONITORING)
    up = [world.project.pk, world.other_project.pk]
    assert _ids(_get(client, world.organiser, "?sort=title").content.decode()) == up
    assert _ids(_get(client, world.organiser, "?sort=-title").content.decode()) == up[::-1]
    # Draft comes before monitoring in the workflow, whatever the alphabet says.
    assert _ids(_get(client, world.organiser, "?sort=state").content.decode()) == up[::-1]


def test_sort_headers_link_to_the_other_direction_and_keep_filters(client, world):
    page = _get(client, world.organiser, "?sort=title&state=draft").content.decode()
    assert 'aria-sort="ascending"' in page
    assert "?sort=-title&amp;state=draft" in page


def test_unknown_sort_is_refused(client, world):
    response = _get(client, world.organiser, "?sort=password")
    assert response.status_code == 400


@pytest.fixture
def thirty(world):
    for index in range(28):
        ChangeProjectFactory(cohort=world.cohort, title=f"Proyek Banyak {index:02d}")
    return world


def test_pages_hold_25_rows_by_default(client, thirty):
    first = _get(client, thirty.organiser).content.decode()
    assert len(_ids(first)) == 25
    assert "30 proyek" in first
    assert "Halaman 1 dari 2" in first
    second = _get(client, thirty.organiser, "?page=2").content.decode()
    assert len(_ids(second)) == 5
    assert not set(_ids(first)) & set(_ids(second))


def test_per_page_is_honoured_up_to_100(client, thirty):
    assert len(_ids(_get(client, thirty.organiser, "?per_page=10").content.decode())) == 10
    assert len(_ids(_get(client, thirty.organiser, "?per_page=100").content.decode())) == 30


@pytest.mark.parametrize("per_page", ["101", "500", "0", "-3", "banyak"])
def test_out_of_range_per_page_falls_back_to_25_with_a_message(client, thirty, per_page):
    response = _get(client, thirty.organiser, f"?per_page={per_page}")
    assert response.status_code == 200
    page = response.content.decode()
    assert len(_ids(page)) == 25
    assert "Jumlah baris per halaman harus 1 sampai 100" in page


def test_a_page_past_the_end_shows_the_last_page(client, thirty):
    page = _get(client, thirty.organiser, "?page=99").content.decode()
    assert len(_ids(page)) == 5


# --- HTMX and links ------------------------------------------------------------------------


def test_the_filter_form_works_without_javascript_and_pushes_the_url_with_it(client, world):
    page = _get(client, world.organiser).content.decode()
    form = page.split('id="project-filter"', 1)[1].split(">", 1)[0]
    assert 'hx-get="/proyek/"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-target="#project-results"' in form
    assert '<form method="get" action="/proyek/"' in page


def test_htmx_request_gets_only_the_results_fragment(client, world):
    response = _get(
        client, world.organiser, "?state=draft", **HTMX, HTTP_HX_TRIGGER="project-filter"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="project-results"')
    assert "<html" not in page
    assert 'id="project-filter"' not in page
    # The form sent the request, so its controls are current: no out-of-band copy.
    assert "hx-swap-oob" not in page
    assert "HX-Request" in response["Vary"]


def test_sort_link_swap_brings_the_sort_control_along(client, world):
    page = _get(client, world.organiser, "?sort=-title", **HTMX).content.decode()
    assert 'id="list-controls" class="filter-grid__controls" hx-swap-oob="true"' in page
    assert '<option value="-title" selected>' in page


def test_history_restore_gets_the_whole_page(client, world):
    response = _get(
        client, world.organiser, "?state=draft", **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_plain_request_gets_the_whole_page_with_vary(client, world):
    response = _get(client, world.organiser)
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_download_links_carry_the_filters(client, world):
    page = _get(client, world.organiser, "?state=draft&sort=-title&page=1").content.decode()
    assert f"{reverse('reports:project-export-csv')}?state=draft&amp;sort=-title" in page
    assert f"{reverse('reports:project-export-xlsx')}?state=draft&amp;sort=-title" in page


def test_htmx_invalid_filter_answers_with_the_message_fragment(client, world):
    response = _get(client, world.organiser, "?cohort=999999", **HTMX)
    assert response.status_code == 400
    assert "Filter tidak valid" in response.content.decode()


# --- query counts --------------------------------------------------------------------------

# Session, user, count, the page's keys, its rows (progress and predikat are their columns),
# the overdue and stuck counts of those rows, the grade choices.
LIST_QUERIES = {"organiser": 7, "admin": 7, "agency_head": 7}


@pytest.mark.parametrize("persona", list(LIST_QUERIES))
def test_query_count_is_pinned_and_the_same_for_1_and_50_rows(
    client, world, persona, django_assert_num_queries
):
    ChangeProject.objects.exclude(pk=world.project.pk).delete()
    client.force_login(world.persona(persona))
    query = "?per_page=100&sort=-progress"
    with django_assert_num_queries(LIST_QUERIES[persona]):
        assert len(_ids(client.get(f"{URL}{query}").content.decode())) == 1
    for _ in range(49):
        project = ChangeProjectFactory(
            cohort=world.cohort, agency=world.dinas, coach=UserFactory(), mentor=world.mentor
        )
        MilestoneFactory(project=project)
    with django_assert_num_queries(LIST_QUERIES[persona]):
        assert len(_ids(client.get(f"{URL}{query}").content.decode())) == 50


def test_htmx_answer_pushes_a_clean_address_for_bookmarks(client, world):
    put_project_in(world.other_project, S.IMPLEMENTATION)
    query = "?q=&cohort=&state=draft&sort=title&per_page=25&coach=&grade="
    response = _get(client, world.organiser, query, **HTMX, HTTP_HX_TRIGGER="project-filter")
    assert response["HX-Push-Url"] == "/proyek/?state=draft&sort=title&per_page=25"
    page = _get(client, world.organiser, "?state=draft&sort=title&per_page=25").content.decode()
    assert _ids(page) == [world.project.pk]
