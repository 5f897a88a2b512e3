"""The project list's queries on PostgreSQL use the indexes made for them (EXPLAIN pins it).

The planner prefers a scan on tables this small, so sequential scans (and, for an ordered page,
sorts) are switched off for the statement: what is pinned is that an index able to serve the
query exists and is chosen. (A sort still appears when no index can give the order.)
"""

from __future__ import annotations

import re

import pytest
from django.db import connection

from reports.filters import filtered_projects, seek_keys
from reports.paging import SeekPaginator
from tests.factories import ChangeProjectFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans and pg_trgm are PostgreSQL's"
)


def _plan(queryset, *, lookups_only: bool = False, sorts: bool = False) -> str:
    """The plan; with `lookups_only`, every table is read through an index condition (no full
    index walk either), which is what a search of thousands of rows gets; with `sorts`, a sort
    (of a page's few rows) is allowed."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if lookups_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
        elif not sorts:
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _ordered_scan(plan: str, index: str) -> bool:
    """The page is read in order from `index` and cut there: no sort of every row."""
    return bool(re.search(rf"Index (Only )?Scan (Backward )?using {index}\b", plan)) and (
        "Sort" not in plan
    )


def _keys(user, data):
    """The query that cuts the list's first page: the keys, in the list's order."""
    projects = filtered_projects(user, data)
    assert data is None or projects.is_valid()
    return projects.qs.values_list("pk", flat=True)[:25]


@pytest.fixture
def many(world):
    for _ in range(30):
        ChangeProjectFactory(cohort=world.cohort)
    return world


def test_the_default_order_reads_the_participant_name_index_alone(many):
    plan = _plan(_keys(many.admin, None))
    assert _ordered_scan(plan, "project_participant_name_id"), plan
    assert "milestones_milestone" not in plan and "tracker_user" not in plan, plan


def test_sorting_by_update_reads_its_index(many):
    plan = _plan(_keys(many.admin, {"sort": "-updated"}))
    assert _ordered_scan(plan, "project_updated_id"), plan


def test_the_search_reads_the_trigram_indexes(many):
    plan = _plan(_keys(many.admin, {"q": "layanan"}), lookups_only=True)
    assert "project_title_trgm" in plan, plan
    assert "user_full_name_trgm" in plan, plan


def test_a_search_by_nip_reads_its_trigram_index(many):
    plan = _plan(_keys(many.admin, {"q": many.participant.nip[:10]}), lookups_only=True)
    assert "user_nip_trgm" in plan, plan


def _after(user, sort: str, cursor_row: int):
    """The query that seeks the page after the list's row number `cursor_row`."""
    rows = filtered_projects(user, {"sort": sort})
    assert rows.is_valid()
    pager = SeekPaginator(
        rows.qs, seek_keys(sort), 25, scope=sort, counted=1000, counted_exactly=False
    )
    names = pager._names()
    values = list(
        rows.qs.annotate(
            **{name: key.expression for name, key in zip(names, pager.keys, strict=True)}
        ).values_list(*names)[cursor_row : cursor_row + 1]
    )[0]
    return pager.keys_query(beyond=list(values), backwards=False)


@pytest.mark.parametrize(
    ("sort", "index", "column"),
    [
        ("participant", "project_participant_name_id", "participant_name"),
        ("-updated", "project_updated_id", "updated_at"),
    ],
)
def test_a_deep_page_seeks_through_the_index_of_its_order(many, sort, index, column):
    plan = _plan(_after(many.admin, sort, 20))
    assert index in plan, plan
    # The index is entered at the cursor (a range condition), not read from its start.
    condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert column in condition and ("<=" in condition or ">=" in condition), plan


@pytest.mark.parametrize("sort", ["progress", "-progress"])
def test_sorting_by_progress_reads_its_column_index_and_counts_nothing(many, sort):
    plan = _plan(_keys(many.admin, {"sort": sort}))
    assert _ordered_scan(plan, "project_progress_id"), plan
    assert "milestones_milestone" not in plan, plan


@pytest.mark.parametrize("sort", ["grade", "-grade"])
def test_sorting_by_grade_reads_the_predikat_index_and_no_grade_rows(many, sort):
    plan = _plan(_keys(many.admin, {"sort": sort}))
    assert _ordered_scan(plan, "project_predikat_id"), plan
    assert "mentoring_seminargrade" not in plan, plan


def test_filtering_by_grade_reads_the_predikat_index(many):
    # The choice is one of the default rubrics' bands (mentoring's data migration).
    plan = _plan(_keys(many.admin, {"grade": "Memuaskan"}), lookups_only=True)
    assert "project_predikat_id" in plan, plan
    assert "mentoring_seminargrade" not in plan, plan
