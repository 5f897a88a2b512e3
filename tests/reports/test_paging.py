"""Seek pagination: the order and its edges, and the list's links that carry the cursor."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.db import connection
from django.db.models import F
from django.urls import reverse

from reports import paging, views
from reports.filters import order_by_sort, seek_keys
from reports.paging import NUMBERED_ROWS, WALK_WINDOWS, SeekKey, SeekPaginator, bounded_count
from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tracker.models import ChangeProject

URL = reverse("reports:project-list")


def _pager(queryset, keys, per_page, *, limit=1000, scope="uji", walk=None):
    counted, exactly = bounded_count(queryset, limit)
    return SeekPaginator(
        queryset,
        keys,
        per_page,
        scope=scope,
        counted=counted,
        counted_exactly=exactly,
        walk=walk,
    )


def _pages(pager) -> list[list[int]]:
    """The rows of every way to a page: each page number, every page forwards and backwards by
    cursor, the last page and the one before it."""
    forwards, backwards = _walk(pager)
    last = pager.page_for(page="last")
    return [
        *(_pks(pager.page_for(page=str(number))) for number in range(1, 5)),
        *(_pks(page) for page in forwards + backwards),
        _pks(last),
        _pks(pager.page_for(before=last.previous_cursor)) if last.has_previous else [],
    ]


def _pks(page) -> list[int]:
    return [row.pk for row in page.object_list]


def _walk(pager):
    """Every page from the first by the next cursor, then back by the previous cursor."""
    forwards = [pager.page_for()]
    while forwards[-1].has_next:
        forwards.append(pager.page_for(after=forwards[-1].next_cursor))
    backwards = [forwards[-1]]
    while backwards[-1].has_previous:
        backwards.append(pager.page_for(before=backwards[-1].previous_cursor))
    return forwards, backwards[::-1]


@pytest.fixture
def tied(db):
    """23 projects whose titles tie in threes: the key must break every tie."""
    return [ChangeProjectFactory(title=f"Proyek {number // 3:02d}") for number in range(23)]


@pytest.mark.parametrize("descending", [False, True])
def test_seeking_walks_every_row_once_in_order_through_ties(tied, descending):
    keys = [SeekKey(F("title"), descending=descending)]
    ordered = ChangeProject.objects.order_by(
        "-title" if descending else "title", "-pk" if descending else "pk"
    )
    expected = list(ordered.values_list("pk", flat=True))
    forwards, backwards = _walk(_pager(ChangeProject.objects.all(), keys, 5))
    assert [len(page.object_list) for page in forwards] == [5, 5, 5, 5, 3]
    assert sum((_pks(page) for page in forwards), []) == expected
    # Reading back from the last page gives the same pages, the first in full.
    assert [_pks(page) for page in backwards] == [_pks(page) for page in forwards]
    assert forwards[0].number == 1 and forwards[0].is_first and not forwards[0].has_previous
    assert forwards[-1].is_last and not forwards[-1].has_next
    assert forwards[1].number is None


def test_every_sort_of_the_list_walks_its_rows_once(tied):
    projects = ChangeProject.objects.select_related("participant", "cohort", "agency")
    for sort in ("participant", "-title", "cohort", "-state", "updated", "-agency"):
        expected = list(order_by_sort(projects, sort).values_list("pk", flat=True))
        forwards, _backwards = _walk(_pager(projects, seek_keys(sort), 4, scope=sort))
        assert sum((_pks(page) for page in forwards), []) == expected, sort


@pytest.mark.parametrize("descending", [False, True])
def test_empty_values_come_last_either_way_and_are_walked_past(db, descending):
    coaches = [UserFactory(full_name=name) for name in ("Ani", "Budi", "Citra")]
    for index in range(12):
        ChangeProjectFactory(coach=coaches[index % 3] if index % 2 else None)
    keys = [SeekKey(F("coach__full_name"), descending=descending, nullable=True)]
    forwards, backwards = _walk(_pager(ChangeProject.objects.all(), keys, 5))
    rows = [ChangeProject.objects.get(pk=pk) for page in forwards for pk in _pks(page)]
    assert len({row.pk for row in rows}) == 12
    names = [row.coach.full_name if row.coach else None for row in rows]
    given = [name for name in names if name is not None]
    assert names[len(given) :] == [None] * 6
    assert given == sorted(given, reverse=descending)
    assert [_pks(page) for page in backwards] == [_pks(page) for page in forwards]


def test_timestamp_ties_are_broken_by_the_key(db):
    projects = [ChangeProjectFactory() for _ in range(7)]
    ChangeProject.objects.filter(pk__in=[p.pk for p in projects]).update(
        updated_at=projects[0].updated_at
    )
    forwards, _ = _walk(_pager(ChangeProject.objects.all(), seek_keys("-updated"), 3))
    assert sum((_pks(page) for page in forwards), []) == sorted(
        (p.pk for p in projects), reverse=True
    )


def test_the_last_page_holds_the_rows_left_over_when_the_size_is_known(tied):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    last = pager.page_for(page="last")
    expected = list(ChangeProject.objects.order_by("title", "pk").values_list("pk", flat=True))
    assert _pks(last) == expected[20:]
    assert last.number == 5 and last.is_last and last.has_previous


def test_the_last_page_is_sought_from_the_end_when_the_list_is_counted_only_in_part(tied):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5, limit=10)
    assert (pager.counted, pager.counted_exactly) == (10, False)
    last = pager.page_for(page="last")
    expected = list(ChangeProject.objects.order_by("title", "pk").values_list("pk", flat=True))
    assert _pks(last) == expected[-5:]
    assert last.number is None and not last.has_next
    before = pager.page_for(before=last.previous_cursor)
    assert _pks(before) == expected[-10:-5]


def test_an_empty_list_has_one_empty_page(db):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    for page in (pager.page_for(), pager.page_for(page="last"), pager.page_for(page="3")):
        assert page.object_list == []
        assert not page.has_other_pages() and page.numbers == []


def test_a_page_number_past_the_end_shows_the_last_page(tied):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    assert pager.page_for(page="99").number == 5
    assert pager.page_for(page="x").number == 1
    assert pager.page_for(page="-4").number == 1
    assert pager.page_for(page="2").numbers == [1, 2, 3, 4, 5]


def test_a_deep_page_number_is_refused_with_a_way_on(db):
    ChangeProjectFactory.create_batch(12)
    per_page = 2
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), per_page, limit=10)
    deep = NUMBERED_ROWS // per_page + 1
    page = pager.page_for(page=str(deep))
    assert page.number == 1
    assert "Berikutnya atau Terakhir" in page.refusal


def test_a_cursor_whose_row_was_deleted_still_finds_the_next_rows(tied):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    first = pager.page_for()
    expected = list(ChangeProject.objects.order_by("title", "pk").values_list("pk", flat=True))
    ChangeProject.objects.filter(pk=_pks(first)[-1]).delete()
    assert _pks(pager.page_for(after=first.next_cursor)) == expected[5:10]


def test_a_cursor_with_nothing_left_beyond_it_shows_the_nearest_rows(tied):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    fourth = pager.page_for(page="4")
    ChangeProject.objects.filter(pk__in=_pks(pager.page_for(page="5"))).delete()
    fresh = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    page = fresh.page_for(after=fourth.next_cursor)
    assert _pks(page) == _pks(fourth) and page.is_last


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "eyJzIjoidWppIn0:1abc:forged",
        signing.dumps({"s": "uji", "v": ["Proyek 00"]}, salt="reports.paging.cursor"),
        signing.dumps({"s": "uji", "v": [None, None]}, salt="reports.paging.cursor"),
        signing.dumps({"s": "uji", "v": [["x"], 3]}, salt="reports.paging.cursor"),
        signing.dumps({"s": "uji", "v": [{"t": "kemarin"}, 3]}, salt="reports.paging.cursor"),
        signing.dumps({"s": "lain", "v": ["Proyek 00", 1]}, salt="reports.paging.cursor"),
        signing.dumps({"s": "uji", "v": ["Proyek 00", 1]}, salt="another.salt"),
    ],
    # Signed cursors carry the time, so they are named by their place (pytest-xdist's workers
    # must collect the same names).
    ids=[
        "garbage",
        "forged",
        "short",
        "nulls",
        "list",
        "dict",
        "other-sort",
        "other-salt",
    ],
)
def test_a_forged_or_foreign_cursor_shows_the_first_page_and_says_why(tied, cursor):
    pager = _pager(ChangeProject.objects.all(), seek_keys("title"), 5)
    for page in (pager.page_for(after=cursor), pager.page_for(before=cursor)):
        assert page.number == 1 and len(page.object_list) == 5
        assert "halaman pertama" in page.refusal


# --- the list page ---------------------------------------------------------------------------


def _ids(html: str) -> list[int]:
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [int(pk) for pk in re.findall(r'href="/proyek/(\d+)/"', table)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*rel="{rel}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.fixture
def many(world):
    for index in range(28):
        ChangeProjectFactory(cohort=world.cohort, title=f"Proyek Banyak {index // 4:02d}")
    return world


def test_next_and_previous_links_walk_the_list_once_each_way(client, many):
    client.force_login(many.organiser)
    expected = list(ChangeProject.objects.order_by("-title", "-pk").values_list("pk", flat=True))
    html = client.get(f"{URL}?sort=-title&per_page=7").content.decode()
    pages = [_ids(html)]
    while next_url := _link(html, "next"):
        assert "after=" in next_url and "sort=-title" in next_url and "per_page=7" in next_url
        html = client.get(next_url).content.decode()
        pages.append(_ids(html))
    assert sum(pages, []) == expected
    assert "Terakhir" not in html.split('class="pagination"', 1)[1]
    back = [_ids(html)]
    while previous_url := _link(html, "prev"):
        html = client.get(previous_url).content.decode()
        back.append(_ids(html))
    assert back[::-1] == pages


def test_first_and_last_links_jump_to_the_ends(client, many):
    client.force_login(many.organiser)
    html = client.get(f"{URL}?sort=title").content.decode()
    assert "30 proyek · halaman 1 dari 2" in html
    last = client.get(f"{URL}?sort=title&page=last").content.decode()
    expected = list(ChangeProject.objects.order_by("title", "pk").values_list("pk", flat=True))
    assert _ids(last) == expected[25:]
    assert "Halaman 2 dari 2" in last
    assert f'href="{URL}?sort=title"' in last  # « Pertama


def test_a_forged_cursor_in_the_address_shows_the_first_page_with_a_message(client, many):
    client.force_login(many.organiser)
    response = client.get(f"{URL}?after=dipalsukan&sort=title")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ditampilkan halaman pertama" in html
    assert len(_ids(html)) == 25


def test_a_cursor_made_for_another_sort_is_not_misread(client, many):
    client.force_login(many.organiser)
    html = client.get(f"{URL}?sort=title&per_page=5").content.decode()
    next_url = _link(html, "next")
    assert next_url is not None
    changed = client.get(next_url.replace("sort=title", "sort=-updated")).content.decode()
    assert "ditampilkan halaman pertama" in changed


def test_a_long_list_is_counted_only_up_to_the_limit_and_says_so(client, many, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 20)
    client.force_login(many.organiser)
    html = client.get(URL).content.decode()
    assert "Lebih dari 20 proyek" in html
    assert "30 proyek" not in html
    assert "halaman 1 dari" not in html and "halaman 1</p>" in html
    # The filters still count exactly below the limit.
    filtered = client.get(f"{URL}?q=Banyak+00").content.decode()
    assert "4 proyek" in filtered


def test_sort_headers_and_choices_leave_the_cursor_behind(client, many):
    client.force_login(many.organiser)
    html = client.get(f"{URL}?sort=title&per_page=5").content.decode()
    next_url = _link(html, "next")
    second = client.get(next_url).content.decode()
    headers = second.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "after=" not in headers
    downloads = second.split('class="downloads"', 1)[1].split("</p>", 1)[0]
    assert "after=" not in downloads


def test_a_cursor_page_costs_the_queries_of_the_first(client, many, django_assert_num_queries):
    client.force_login(many.admin)
    html = client.get(f"{URL}?per_page=5").content.decode()
    next_url = _link(html, "next")
    with django_assert_num_queries(7):
        client.get(f"{URL}?per_page=5")
    with django_assert_num_queries(7):
        assert len(_ids(client.get(next_url).content.decode())) == 5


# Only SQLite's planner is helped by the walk (`SeekPaginator.walk`); PostgreSQL reads alone.
sqlite_walks = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's walk")


@pytest.fixture
def interleaved(db):
    """60 projects in three cohorts, named so that each cohort's lie among the others' in the
    list's order: every third name is cohort `a`'s, ten late in the order `b`'s, the rest `c`'s."""
    a, b, c = CohortFactory(), CohortFactory(), CohortFactory()
    cohorts = [b if 45 <= number < 55 else a if number % 3 == 0 else c for number in range(60)]
    # Some ties on the name, broken by the key.
    for number, cohort in enumerate(cohorts):
        ChangeProjectFactory(cohort=cohort, participant__full_name=f"Peserta {number // 2:02d}")
    names = ChangeProject.objects.order_by("participant_name", "pk").values_list(
        "cohort", flat=True
    )
    assert [cohort.pk for cohort in cohorts] == list(names)
    return a, b, c


@sqlite_walks
@pytest.mark.parametrize("sort", ["participant", "-participant", "progress", "-updated"])
@pytest.mark.parametrize("shown", ["a", "b", "ab", "abc"])
def test_a_long_list_walked_along_the_table_shows_the_pages_it_would_read(interleaved, sort, shown):
    cohorts = dict(zip("abc", interleaved, strict=True))
    listed = ChangeProject.objects.filter(cohort__in=[cohorts[name] for name in shown])
    keys = seek_keys(sort)
    read = _pager(listed, keys, 4, limit=6)
    walked = _pager(listed, keys, 4, limit=6, walk=ChangeProject.objects.all())
    assert walked.walk is not None
    expected = list(order_by_sort(listed, sort).values_list("pk", flat=True))
    assert sum((_pks(page) for page in _walk(walked)[0]), []) == expected
    assert _pages(walked) == _pages(read)


def test_a_list_counted_in_full_or_unfiltered_or_on_postgresql_is_read_as_it_is(interleaved):
    a, _b, _c = interleaved
    keys, table = seek_keys("participant"), ChangeProject.objects.all()
    assert _pager(table.filter(cohort=a), keys, 4, walk=table).walk is None
    assert _pager(table, keys, 4, limit=6, walk=table).walk is None
    long = _pager(table.filter(cohort=a), keys, 4, limit=6, walk=table)
    assert (long.walk is None) == (connection.vendor != "sqlite")


@sqlite_walks
def test_a_page_found_along_the_table_costs_one_read_a_sparser_one_two_else_three(
    interleaved, django_assert_num_queries, monkeypatch
):
    a, b, _c = interleaved
    keys, table = seek_keys("participant"), ChangeProject.objects.all()

    def first_page(cohort, reads: int) -> list[str]:
        pager = _pager(table.filter(cohort=cohort), keys, 4, limit=6, walk=table)
        with django_assert_num_queries(reads + 1) as queries:  # the keys, then the rows
            page = pager.page_for()
        expected = order_by_sort(table.filter(cohort=cohort), "participant")
        assert _pks(page) == list(expected.values_list("pk", flat=True)[:4])
        return [query["sql"] for query in queries.captured_queries]

    # Cohort a's first five lie among the table's first 8 x 5 in order.
    assert f"LIMIT {WALK_WINDOWS[0] * 5}" in first_page(a, 1)[0]
    # Cohort b's lie beyond them, among the first 64 x 5.
    assert f"LIMIT {WALK_WINDOWS[1] * 5}" in first_page(b, 2)[1]
    # Beyond both windows, the list is read.
    monkeypatch.setattr(paging, "WALK_WINDOWS", (2, 4))
    assert "LIMIT" in first_page(b, 3)[1] and "IN (SELECT" not in first_page(b, 3)[2]


@sqlite_walks
def test_the_walk_reads_the_index_of_the_order_not_every_listed_row(interleaved):
    a, _b, _c = interleaved
    table = ChangeProject.objects.all()
    pager = _pager(table.filter(cohort=a), seek_keys("participant"), 4, limit=6, walk=table)
    window = pager._ordered(table, None, False).values("pk")[: WALK_WINDOWS[0] * 5]
    sql, params = (
        pager.keys_query(beyond=None, backwards=False).filter(pk__in=window).query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX project_participant_name_id" in plan, plan
    assert "rowid=?" in plan, plan  # each row of the window found by its key


def test_the_page_rows_are_read_by_key_without_the_filters_that_found_them(
    interleaved, django_assert_num_queries
):
    a, _b, _c = interleaved
    listed = ChangeProject.objects.filter(cohort=a)
    pager = SeekPaginator(
        listed, seek_keys("participant"), 4, scope="uji", shown=ChangeProject.objects.all()
    )
    with django_assert_num_queries(2) as queries:
        page = pager.page_for()
    assert _pks(page) == list(order_by_sort(listed, "participant").values_list("pk", flat=True)[:4])
    keys, rows = (query["sql"] for query in queries.captured_queries)
    assert "cohort_id" in keys and 'cohort_id" =' not in rows.split("WHERE", 1)[1]
