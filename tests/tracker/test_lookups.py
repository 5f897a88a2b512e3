"""`__in_ids` (tracker/lookups.py): the rows `__in` finds, with the ids in one parameter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgencyFactory, ChangeProjectFactory
from tracker.models import Agency, ChangeProject


@pytest.fixture
def projects(db) -> list[ChangeProject]:
    return [ChangeProjectFactory(agency=AgencyFactory()) for _ in range(4)]


def test_it_finds_what_in_finds_on_a_key_and_on_a_foreign_key(projects):
    agencies = {projects[0].agency_id, projects[2].agency_id}
    by_key = ChangeProject.objects.filter(agency_id__in_ids=agencies)
    by_relation = ChangeProject.objects.filter(agency__in_ids=agencies)
    expected = set(ChangeProject.objects.filter(agency_id__in=agencies))
    assert set(by_key) == set(by_relation) == expected == {projects[0], projects[2]}
    assert set(ChangeProject.objects.exclude(agency_id__in_ids=agencies)) == {
        projects[1],
        projects[3],
    }
    assert set(Agency.objects.filter(pk__in_ids=agencies)) == {p.agency for p in projects[::2]}


def test_a_thousand_ids_travel_as_one_parameter(projects):
    ids = [*range(10**6, 10**6 + 1000), projects[1].agency_id]
    with CaptureQueriesContext(connection) as queries:
        assert list(ChangeProject.objects.filter(agency_id__in_ids=ids)) == [projects[1]]
    (query,) = queries.captured_queries
    # One placeholder for the ids, where `__in` would have a thousand and one.
    sql, params = ChangeProject.objects.filter(agency_id__in_ids=ids).query.sql_with_params()
    assert len(params) == 1 and sql.count("%s") == 1
    assert str(projects[1].agency_id) in query["sql"]


def test_an_empty_list_matches_nothing_without_asking_the_database(projects):
    with CaptureQueriesContext(connection) as queries:
        assert list(ChangeProject.objects.filter(agency_id__in_ids=[])) == []
        assert ChangeProject.objects.exclude(agency_id__in_ids=set()).count() == 4
    assert len(queries.captured_queries) == 1  # the count; the empty filter asked nothing


def test_ids_must_be_whole_numbers(projects):
    with pytest.raises((TypeError, ValueError)):
        list(ChangeProject.objects.filter(agency_id__in_ids=["1; DROP TABLE x"]))
