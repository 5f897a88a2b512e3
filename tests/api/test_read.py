"""Read endpoints: exactly what the pages show each persona, filtered, paged, in fixed queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import PERSONAS
from tests.factories import AgencyFactory, ChangeProjectFactory, UserFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject, ImpactIndicator
from tracker.selectors import projects_visible_to

SIGNED_IN = [name for name in PERSONAS if name != "anonymous"]
DETAILS = ["", "/milestones", "/evidence", "/transitions", "/seminars", "/indicators"]


def _ids(client, url: str, headers: dict) -> set[int]:
    found, cursor = set(), None
    while True:
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get(url, query, headers=headers).json()
        found |= {item["id"] for item in body["items"]}
        cursor = body["next_cursor"]
        if cursor is None:
            return found


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_persona_lists_exactly_the_projects_the_pages_show(client, world, bearer, persona):
    user = world.persona(persona)
    expected = set(projects_visible_to(user).values_list("pk", flat=True))
    assert _ids(client, "/api/v1/projects", bearer(user)) == expected


@pytest.mark.parametrize("persona", SIGNED_IN)
@pytest.mark.parametrize("suffix", DETAILS)
def test_each_project_endpoint_answers_in_scope_and_404s_outside(
    client, world, bearer, persona, suffix
):
    user = world.persona(persona)
    headers = bearer(user)
    visible = set(projects_visible_to(user).values_list("pk", flat=True))
    for project in (world.project, world.other_project):
        response = client.get(f"/api/v1/projects/{project.pk}{suffix}", headers=headers)
        assert response.status_code == (200 if project.pk in visible else 404), (
            persona,
            project,
        )


def test_a_missing_project_and_a_hidden_one_look_the_same(client, world, bearer):
    headers = bearer(world.other_participant)
    hidden = client.get(f"/api/v1/projects/{world.project.pk}", headers=headers)
    missing = client.get("/api/v1/projects/999999999", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_project_says_what_the_page_says(client, world, bearer):
    body = client.get(f"/api/v1/projects/{world.project.pk}", headers=bearer(world.participant))
    project = body.json()
    assert project["title"] == world.project.title
    assert project["state"] == "draft"
    assert project["participant"]["full_name"] == "Budi Peserta"
    assert project["coach"]["full_name"] == "Hendra Coach"
    assert project["agency"]["name"] == "Dinas Kesehatan Uji"
    assert project["problem_statement"] == world.project.problem_statement
    assert project["transitions_available"] == ["submit_proposal"]
    assert project["url"].endswith(world.project.get_absolute_url())


def test_filters_work_like_the_project_list(client, world, bearer):
    headers = bearer(world.organiser)
    put_project_in(world.other_project, ChangeProject.State.IMPLEMENTATION)
    by_state = client.get("/api/v1/projects", {"state": "implementation"}, headers=headers)
    assert [item["id"] for item in by_state.json()["items"]] == [world.other_project.pk]
    # An agency takes in its units: the province reaches the dinas's project.
    by_agency = client.get("/api/v1/projects", {"agency": world.province.pk}, headers=headers)
    assert [item["id"] for item in by_agency.json()["items"]] == [world.project.pk]
    MilestoneFactory(project=world.project, state="accepted")
    by_progress = client.get("/api/v1/projects", {"progress_min": 50}, headers=headers)
    assert [item["id"] for item in by_progress.json()["items"]] == [world.project.pk]


def test_a_filter_outside_what_one_sees_is_refused(client, world, bearer):
    response = client.get(
        "/api/v1/projects", {"agency": world.other_agency.pk}, headers=bearer(world.participant)
    )
    assert response.status_code == 400
    assert "agency" in response.json()["detail"]


def test_a_malformed_cursor_is_refused(client, world, bearer):
    response = client.get("/api/v1/projects", {"cursor": "%%%"}, headers=bearer(world.participant))
    assert response.status_code == 400


def test_indicators_carry_their_measurements(client, world, bearer):
    ImpactIndicator.objects.create(
        project=world.project, name="Waktu tunggu", unit="menit", baseline=180, target=30
    )
    body = client.get(
        f"/api/v1/projects/{world.project.pk}/indicators", headers=bearer(world.mentor)
    ).json()
    assert [(item["name"], item["measurements"]) for item in body] == [("Waktu tunggu", [])]


def test_cohorts_and_agencies_follow_the_projects_one_sees(client, world, bearer):
    headers = bearer(world.participant)
    cohorts = client.get("/api/v1/cohorts", headers=headers).json()["items"]
    assert [cohort["id"] for cohort in cohorts] == [world.cohort.pk]
    agencies = client.get("/api/v1/agencies", headers=headers).json()["items"]
    assert {agency["id"] for agency in agencies} == {world.province.pk, world.dinas.pk}
    stranger = bearer(world.stranger)
    assert client.get("/api/v1/cohorts", headers=stranger).json()["items"] == []
    assert client.get("/api/v1/agencies", headers=stranger).json()["items"] == []


def _queries(client, url: str, headers: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/api/v1/projects", "/api/v1/cohorts", "/api/v1/agencies"])
def test_list_query_counts_do_not_grow_with_rows(client, world, bearer, url):
    headers = bearer(world.organiser)
    client.get(url, headers=headers)  # the first use marks the token as used
    before = _queries(client, url, headers)
    for _index in range(5):
        agency = AgencyFactory(parent=world.province)
        ChangeProjectFactory(
            cohort=world.cohort,
            participant=UserFactory(agency=agency),
            coach=UserFactory(),
            mentor=UserFactory(),
        )
    assert _queries(client, url, headers) == before


@pytest.fixture
def memory_cache(settings):
    # The rate-limit counter's queries depend on the cache backend (none with Redis): count
    # only the API's own.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize(
    ("query", "count"),
    [
        # The token; the page (the filter set lists no choices: its pickers search them).
        ({}, 2),
        # Validating a cohort asks whether it is among the visible ones.
        ({"cohort": "COHORT", "state": "draft"}, 3),
    ],
)
def test_the_project_list_query_count_is_pinned(
    client, world, bearer, memory_cache, django_assert_num_queries, query, count
):
    headers = bearer(world.organiser)
    client.get("/api/v1/projects", headers=headers)  # the first use marks the token as used
    query = {key: world.cohort.pk if value == "COHORT" else value for key, value in query.items()}
    with django_assert_num_queries(count):
        assert client.get("/api/v1/projects", query, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("agency_head", 200),
        ("admin", 200),
        ("participant", 404),
        ("mentor", 404),
        ("organiser", 404),
        ("stranger", 404),
    ],
)
def test_the_agency_impact_figures_are_the_agency_reports(client, world, bearer, persona, status):
    response = client.get(
        f"/api/v1/agencies/{world.province.pk}/impact", headers=bearer(world.persona(persona))
    )
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["figures"]["proyek"] == 1  # the dinas's project, not the other province's
        assert body["figures"]["instansi"] == "Pemerintah Provinsi Uji"
        assert body["states"] == [{"label": "Draf", "count": 1}]


def test_an_organisation_token_does_not_reach_agency_figures(client, world, bearer):
    headers = bearer(world.admin, institution=world.cohort.institution)
    response = client.get(f"/api/v1/agencies/{world.province.pk}/impact", headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", DETAILS[1:])
def test_project_sub_lists_query_counts_do_not_grow_with_rows(
    client, world, bearer, memory_cache, suffix
):
    from milestones.models import Milestone
    from tests.milestones.factories import LinkEvidenceFactory
    from tracker.services import run_transition

    def add_rows() -> None:
        milestone = MilestoneFactory(project=world.project)
        LinkEvidenceFactory(milestone=milestone, uploaded_by=world.participant)
        indicator = ImpactIndicator.objects.create(
            project=world.project, name="Waktu", unit="menit", baseline=10, target=5
        )
        from milestones.models import IndicatorMeasurement

        IndicatorMeasurement.objects.create(
            indicator=indicator,
            value=7,
            measured_on=datetime.date(2026, 11, 1),
            recorded_by=world.participant,
        )
        assert Milestone.objects.filter(project=world.project).exists()

    headers = bearer(world.coach)
    url = f"/api/v1/projects/{world.project.pk}{suffix}"
    add_rows()
    run_transition(project=world.project, by=world.organiser, name="withdraw", comment="Satu.")
    client.get(url, headers=headers)
    before = _queries(client, url, headers)
    for _index in range(3):
        add_rows()
    assert _queries(client, url, headers) == before


def test_the_seminars_carry_the_proposal_seminars_combined_decision(client, world, bearer):
    from mentoring.services import seminar_record_proposal_result
    from tests.mentoring.conftest import score_proposal
    from tracker.models import Seminar

    project = put_project_in(world.project, ChangeProject.State.PROPOSAL_SEMINAR)
    seminar = Seminar.objects.get(projects=project, kind=Seminar.Kind.PROPOSAL)
    score_proposal(seminar, project, world.examiner, 70, "revision")
    seminar_record_proposal_result(seminar=seminar, project=project, by=world.examiner)
    body = client.get(f"/api/v1/projects/{project.pk}/seminars", headers=bearer(world.coach))
    (result,) = body.json()[0]["proposal_results"]
    assert (result["decision"], result["accepted"]) == ("revision", True)
