"""The agency's post-training survey figures: what the agency head's dashboard counts, for the
agency heads and the admin only, figures and never answers."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from reports.dashboards import agency_section
from tests.conftest import PERSONAS
from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.mentoring.impact import answer, in_monitoring

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
FINAL_OPEN = datetime.datetime(2027, 1, 20, 9, 0, tzinfo=JAKARTA)
READERS = {"agency_head": 200, "admin": 200}
COUNT = 11


@pytest.fixture
def answered(world):
    """Both projects after training; the province's alumnus and mentor answered the first
    round, the other province's alumnus too (outside the agency head's reach)."""
    with time_machine.travel(FINAL_OPEN, tick=False):
        first, _final = in_monitoring(world.project)
        answer(first, world.participant)
        answer(first, world.mentor)
        other_first, _other_final = in_monitoring(world.other_project)
        answer(other_first, world.other_participant)
    return world


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _survey(client, agency, headers, **query):
    return client.get(f"/api/v1/agencies/{agency.pk}/survey", query, headers=headers)


@time_machine.travel(FINAL_OPEN, tick=False)
def test_the_figures_are_the_agency_heads_dashboards(client, answered, bearer):
    world = answered
    response = _survey(client, world.province, bearer(world.agency_head))
    assert response.status_code == 200, response.json()
    body = response.json()
    dashboard = agency_section(world.agency_head)["impact"]
    assert body["projects"] == dashboard.projects == 1
    assert body["answers_owed"] == dashboard.owed == 4  # two open rounds, alumnus and mentor
    assert body["answers_in"] == dashboard.answered == 2
    assert body["response_rate"] == "50.0"
    assert body["agency"] == {"id": world.province.pk, "name": "Pemerintah Provinsi Uji"}
    assert body["as_of"] == "2027-01-20"
    means = {row["topic"]: row for row in body["means"]}
    assert (means["progress"]["alumni"], means["progress"]["mentor"]) == ("4.00", "4.00")
    assert [
        (row.topic, row.alumni_count, row.mentor_count, row.mentor) for row in dashboard.means
    ] == [
        (row["topic"], row["alumni_count"], row["mentor_count"], _number(row["mentor"]))
        for row in body["means"]
    ]
    # Figures only: nobody's answers, not even their names.
    assert "Budi Peserta" not in response.content.decode()


@time_machine.travel(FINAL_OPEN, tick=False)
def test_a_unit_and_a_cohort_narrow_the_figures(client, answered, bearer):
    world = answered
    headers = bearer(world.agency_head)
    assert _survey(client, world.dinas, headers).json()["answers_in"] == 2
    by_cohort = _survey(client, world.province, headers, cohort=world.cohort.pk).json()
    assert by_cohort["answers_in"] == 2
    assert by_cohort["scope"] == str(world.cohort)
    elsewhere = _survey(client, world.province, headers, cohort=CohortFactory().pk)
    assert elsewhere.status_code == 400
    assert elsewhere.json()["detail"] == "Angkatan ini tidak memiliki proyek di instansi ini."
    assert _survey(client, world.province, headers, year=1999).json()["projects"] == 0


@time_machine.travel(FINAL_OPEN, tick=False)
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_survey_figures(client, answered, bearer, persona):
    world = answered
    user = world.persona(persona)
    headers = bearer(user) if user else {}
    response = _survey(client, world.province, headers)
    expected = READERS.get(persona, 401 if persona == "anonymous" else 404)
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["projects"] == 1
    # The other province's agency is nobody's here but the admin's.
    other = _survey(client, world.other_agency, headers)
    assert other.status_code == {"admin": 200, "anonymous": 401}.get(persona, 404)


def test_an_organisation_token_does_not_reach_the_survey_figures(client, world, bearer):
    headers = bearer(world.admin, institution=world.cohort.institution)
    assert _survey(client, world.province, headers).status_code == 404


@pytest.fixture
def memory_cache(settings):
    # The rate-limit counter's queries depend on the cache backend: count only the API's own.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@time_machine.travel(FINAL_OPEN, tick=False)
def test_the_survey_figures_cost_the_same_queries_for_more_projects(
    client, answered, bearer, memory_cache, django_assert_num_queries
):
    world = answered
    headers = bearer(world.agency_head)
    _survey(client, world.province, headers)  # the first use marks the token as used
    # The token, the agency, the headships and their subtree, the agency's subtree; the
    # projects, rounds, responses, excusals, answers and conclusions.
    with django_assert_num_queries(COUNT):
        assert _survey(client, world.province, headers).status_code == 200
    for _index in range(3):
        project = ChangeProjectFactory(
            cohort=world.cohort, agency=world.dinas, mentor=UserFactory(agency=world.dinas)
        )
        first, _final = in_monitoring(project)
        answer(first, project.participant)
        answer(first, project.mentor)
    with django_assert_num_queries(COUNT):
        body = _survey(client, world.province, headers).json()
    assert body["answers_in"] == 8
