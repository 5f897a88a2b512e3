"""The project list's `sort`: the page's sort names and order, and cursors that neither skip nor
repeat a row under any of them."""

from __future__ import annotations

import pytest

from mentoring.models import SeminarGrade
from milestones.models import Milestone
from reports.filters import SORTS, filtered_projects, seek_keys
from reports.paging import SeekPaginator
from tests.factories import AgencyFactory, ChangeProjectFactory, SeminarFactory, UserFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker import summary
from tracker.models import ChangeProject, Seminar

S = ChangeProject.State
EVERY_SORT = [sort for name in SORTS for sort in (name, f"-{name}")]


def _grade(project: ChangeProject, predikat: str, by) -> None:
    seminar = SeminarFactory(cohort=project.cohort, kind=Seminar.Kind.RESULTS)
    SeminarGrade.objects.create(
        project=project,
        seminar=seminar,
        score=80,
        predikat=predikat,
        outcome=SeminarGrade.Outcome.PASSED,
        decided_by=by,
    )
    summary.refresh(project.pk)  # as the grading service does


@pytest.fixture
def many(world) -> list[ChangeProject]:
    """Projects of the world's cohort with ties on every sort column and missing grades."""
    twin_agency = AgencyFactory(name="Dinas Kesehatan Uji", parent=world.province)
    made = []
    for index, (name, state, accepted) in enumerate(
        [
            ("Ani Sama", S.IMPLEMENTATION, 1),
            ("Ani Sama", S.IMPLEMENTATION, 1),
            ("Budi Lain", S.DRAFT, 0),
            ("Ani Sama", S.PASSED, 2),
            ("Citra Akhir", S.PASSED, 2),
            ("Budi Lain", S.REPORT_REVIEW, 0),
        ]
    ):
        project = ChangeProjectFactory(
            cohort=world.cohort,
            agency=twin_agency if index % 2 else world.dinas,
            participant=UserFactory(full_name=name),
            title="Judul sama" if index < 3 else f"Judul {index}",
        )
        put_project_in(project, state)
        for number in range(2):
            MilestoneFactory(
                project=project,
                state=Milestone.State.ACCEPTED if number < accepted else Milestone.State.PLANNED,
            )
        made.append(project)
    _grade(made[3], "Memuaskan", world.examiner)
    _grade(made[4], "Memuaskan", world.examiner)
    return made


def _walk(client, headers, sort: str, limit: int = 2) -> list[int]:
    found, cursor = [], None
    while True:
        query = {"sort": sort, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/projects", query, headers=headers)
        assert response.status_code == 200, response.json()
        body = response.json()
        found += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return found


def _page_order(user, sort: str) -> list[int]:
    return [project.pk for project in filtered_projects(user, {"sort": sort}, every_row=True).qs]


@pytest.mark.parametrize("sort", EVERY_SORT)
@pytest.mark.parametrize("limit", [1, 3])
def test_every_sort_pages_through_in_the_lists_order(client, world, bearer, many, sort, limit):
    expected = _page_order(world.organiser, sort)
    assert len(expected) == len(many) + 2  # and the world's two projects
    assert _walk(client, bearer(world.organiser), sort, limit) == expected


def test_the_sorts_order_what_they_name(client, world, bearer, many):
    headers = bearer(world.organiser)

    def items(sort):
        return client.get("/api/v1/projects", {"sort": sort}, headers=headers).json()["items"]

    names = [item["participant"]["full_name"] for item in items("participant")]
    assert names == sorted(names)
    progress = [item["progress"] for item in items("-progress")]
    assert progress == sorted(progress, reverse=True)
    # An ungraded project's predikat is empty, so it sorts first A-Z and last Z-A, as on the page.
    grades = [item["grade"] for item in items("-grade")]
    assert grades[:2] == ["Memuaskan", "Memuaskan"]
    assert set(grades[2:]) == {None}
    assert [item["grade"] for item in items("grade")][-2:] == ["Memuaskan", "Memuaskan"]


@pytest.mark.parametrize("sort", ["participant", "-progress", "grade", "-updated", "state"])
def test_a_project_added_between_pages_neither_repeats_nor_hides_a_row(
    client, world, bearer, many, sort
):
    headers = bearer(world.organiser)
    before = _page_order(world.organiser, sort)
    first = client.get("/api/v1/projects", {"sort": sort, "limit": 3}, headers=headers).json()
    seen = [item["id"] for item in first["items"]]
    added = ChangeProjectFactory(
        cohort=world.cohort, agency=world.dinas, participant=UserFactory(full_name="Aaa Awal")
    )
    cursor, rest = first["next_cursor"], []
    while cursor:
        body = client.get(
            "/api/v1/projects", {"sort": sort, "limit": 3, "cursor": cursor}, headers=headers
        ).json()
        rest += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    walked = seen + rest
    assert [pk for pk in walked if pk != added.pk] == before
    assert len(walked) == len(set(walked))


def test_an_unknown_sort_is_refused_like_a_filter(client, world, bearer):
    response = client.get("/api/v1/projects", {"sort": "salary"}, headers=bearer(world.organiser))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Filter tidak valid. sort:")


def test_a_cursor_of_another_sort_or_a_forged_one_is_refused(client, world, bearer, many):
    headers = bearer(world.organiser)
    first = client.get("/api/v1/projects", {"sort": "title", "limit": 2}, headers=headers).json()
    cursor = first["next_cursor"]
    assert cursor
    other = client.get(
        "/api/v1/projects", {"sort": "-title", "limit": 2, "cursor": cursor}, headers=headers
    )
    assert other.status_code == 400
    assert other.json()["detail"] == "Kursor halaman tidak valid."
    unsorted = client.get("/api/v1/projects", {"limit": 2, "cursor": cursor}, headers=headers)
    assert unsorted.status_code == 400
    import base64

    forged = base64.urlsafe_b64encode(b'{"sort":"updated","keys":["kemarin"],"pk":1}').decode()
    response = client.get(
        "/api/v1/projects", {"sort": "updated", "cursor": forged}, headers=headers
    )
    assert response.status_code == 400


def test_a_tampered_cursor_or_one_of_the_list_page_is_refused(client, world, bearer, many):
    headers = bearer(world.organiser)
    first = client.get("/api/v1/projects", {"sort": "title", "limit": 2}, headers=headers).json()
    cursor = first["next_cursor"]
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    response = client.get(
        "/api/v1/projects", {"sort": "title", "limit": 2, "cursor": tampered}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Kursor halaman tidak valid."
    # The project list page seeks by the same rule, but its cursors name that page's list.
    last = ChangeProject.objects.get(pk=first["items"][-1]["id"])
    page_cursor = SeekPaginator(
        ChangeProject.objects.all(), seek_keys("title"), 2, scope="projects:title"
    ).cursor((last.title, last.pk))
    response = client.get(
        "/api/v1/projects", {"sort": "title", "limit": 2, "cursor": page_cursor}, headers=headers
    )
    assert response.status_code == 400
    # Its own cursor, untouched, goes on where the first page stopped.
    response = client.get(
        "/api/v1/projects", {"sort": "title", "limit": 2, "cursor": cursor}, headers=headers
    )
    assert response.status_code == 200
    expected = _page_order(world.organiser, "title")
    assert [item["id"] for item in response.json()["items"]] == expected[2:4]


def test_sorting_shows_only_what_the_persona_sees(client, world, bearer, many):
    for persona in ("participant", "mentor", "agency_head", "stranger"):
        user = world.persona(persona)
        assert _walk(client, bearer(user), "-progress", 1) == _page_order(user, "-progress")


@pytest.fixture
def memory_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize("sort", ["participant", "-grade", "progress"])
def test_a_sorted_page_costs_the_same_queries_as_an_unsorted_one(
    client, world, bearer, many, memory_cache, django_assert_num_queries, sort
):
    headers = bearer(world.organiser)
    first = client.get("/api/v1/projects", {"sort": sort, "limit": 2}, headers=headers).json()
    # The token; the page.
    with django_assert_num_queries(2):
        response = client.get(
            "/api/v1/projects",
            {"sort": sort, "limit": 2, "cursor": first["next_cursor"]},
            headers=headers,
        )
    assert response.status_code == 200
