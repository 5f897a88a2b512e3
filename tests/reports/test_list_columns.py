"""The project list fits: the essential columns always, the others when the address names them
(`?cols=`), titles clamped with the whole title on hover, the filters behind a "Filter"
disclosure that the results do not wait for."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.html import element

pytestmark = pytest.mark.django_db

URL = reverse("reports:project-list")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(client, user, query: str = "", **headers) -> str:
    client.force_login(user)
    response = client.get(f"{URL}{query}", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _headers(page: str) -> list[str]:
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    cells = re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head, re.DOTALL)
    return [
        re.sub(r"<span class=\"visually-hidden\">.*?</span>|<[^>]+>|[▲▼]", "", c).strip()
        for c in cells
    ]


def test_the_list_shows_the_essential_columns_by_default(client, world):
    page = _page(client, world.organiser)
    assert _headers(page) == ["Peserta", "Judul", "Status", "Progres", "Predikat"]
    assert str(world.project.cohort) not in page.split("<tbody>", 1)[1]


def test_the_address_adds_the_chosen_columns_in_the_tables_order(client, world):
    page = _page(client, world.organiser, "?cols=updated&cols=agency&cols=unknown")
    assert _headers(page) == [
        "Peserta",
        "Judul",
        "Instansi",
        "Status",
        "Progres",
        "Predikat",
        "Diperbarui",
    ]
    body = page.split("<tbody>", 1)[1]
    assert f'data-label="Instansi">{world.project.agency}</td>' in body
    # The chooser shows what is in force, and starts open when something is chosen.
    assert 'name="cols" value="agency" checked' in page
    assert 'name="cols" value="cohort">' in page
    assert re.search(r'<details class="column-chooser" open>', page)


def test_coach_and_mentor_column(client, world):
    page = _page(client, world.organiser, "?cols=people")
    assert "Coach dan mentor" in _headers(page)
    assert world.coach.get_full_name() in page.split("<tbody>", 1)[1]


def test_sorting_and_pages_keep_the_chosen_columns(client, world):
    page = _page(client, world.organiser, "?cols=cohort")
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    sort_links = re.findall(r'<a href="([^"]+)"', head)
    assert sort_links and all("cols=cohort" in link for link in sort_links)


def test_the_htmx_swap_draws_the_chosen_columns_too(client, world):
    page = _page(client, world.organiser, "?cols=cohort", **HTMX)
    assert page.lstrip().startswith('<div id="project-results"')
    assert "Angkatan" in _headers(page)


def test_downloads_do_not_carry_the_columns(client, world):
    page = _page(client, world.organiser, "?cols=cohort&state=draft")
    csv = re.search(r'href="(/[^"]*)" download>CSV</a>', page).group(1)
    assert "state=draft" in csv and "cols" not in csv


def test_choosing_columns_is_not_a_filter(client, world):
    from reports.filters import chosen_columns

    assert chosen_columns(["people", "title", "agency"]) == ["agency", "people"]
    page = _page(client, world.stranger, "?cols=agency")
    assert "Tidak ada proyek yang cocok dengan filter ini." not in page
    assert "Belum ada proyek yang dapat Anda lihat." in page


def test_titles_are_clamped_to_two_lines_with_the_whole_title_on_hover(client, world):
    page = _page(client, world.organiser)
    url, title = world.project.get_absolute_url(), world.project.title
    assert f'<a class="clamp-2" href="{url}" title="{title}">{title}</a>' in page


def test_filters_sit_behind_a_filter_disclosure_before_the_results(client, world):
    page = _page(client, world.organiser)
    disclosure = re.search(
        r'<details class="card filter-disclosure" data-open-from="48rem">\s*'
        r'<summary class="filter-disclosure__summary">.*?Filter</summary>\s*'
        r'<form[^>]*id="project-filter"',
        page,
        re.DOTALL,
    )
    assert disclosure
    assert page.index('id="project-filter"') < page.index('id="project-results"')
    assert '<script src="/static/js/filter-disclosure.js' in page
    # A filter in use shows on the closed disclosure.
    assert ">aktif</span></summary>" in _page(client, world.organiser, "?state=draft")


def test_an_invalid_filter_opens_the_disclosure(client, world):
    client.force_login(world.organiser)
    response = client.get(f"{URL}?cohort=abc")
    assert response.status_code == 400
    assert '<details class="card filter-disclosure" data-open-from="48rem" open>' in (
        response.content.decode()
    )


def test_the_chooser_is_part_of_the_filter_form(client, world):
    page = _page(client, world.organiser)
    form = element(page, "project-filter")
    assert form is not None
    assert 'name="cols"' in page.split('id="project-filter"', 1)[1].split("</form>", 1)[0]
