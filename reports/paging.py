"""Pages of long lists that cost the same on page 200 as on page 1.

A page after the first is found by seeking: the link to the next page carries the sort values of
the last row shown (and its key), and the database starts reading just after them, through the
index that serves the order. A deep OFFSET would make the database build, then throw away, every
skipped row. Numbered pages remain for the first few pages, where the skip is short.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import connections
from django.db.models import Expression, F, Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Page numbers are offered (and honoured) while the rows they skip stay this few: deeper pages
# are reached by seeking (next, previous, last), never by a long OFFSET.
NUMBERED_ROWS = 500
# How many page numbers the navigation lists.
NUMBERS_SHOWN = 5
LAST = "last"
# A long list's page is looked for among this many times as many rows of the whole table, in
# order, then as many again: enough when the list holds an eighth of the table, then a 64th
# (a coach's 5,000 projects of 100,000); beyond, the list is read (see `SeekPaginator.walk`).
WALK_WINDOWS = (8, 64)


@dataclass(frozen=True)
class SeekKey:
    """One column of the list's order: its expression, its direction, whether it can be NULL
    (NULLs always come last, in either direction)."""

    expression: Expression | F
    descending: bool = False
    nullable: bool = False


@dataclass
class SeekPage:
    """One page of rows and the links around it; `number` is None on a page reached by seeking."""

    object_list: list
    number: int | None
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""
    is_first: bool = False
    is_last: bool = False
    numbers: list[int] = field(default_factory=list)
    # Why the link the person followed was not honoured as it stood (a forged or stale cursor,
    # a page number too deep); they are shown the first page.
    refusal: str = ""

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next


class CursorRefused(ValueError):
    pass


def _encode(value: Any) -> Any:
    # JSON has no datetime; microseconds are kept, since ties on a timestamp are broken by them.
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        text = str(value.get("t") or value.get("d") or "")
        parsed = parse_datetime(text) if "t" in value else parse_date(text)
        if parsed is None:
            raise CursorRefused
        return parsed
    if value is not None and not isinstance(value, str | int | float):
        raise CursorRefused
    return value


class SeekPaginator:
    """Cuts pages of `queryset` in the order of `keys` (the primary key breaks ties, in the
    direction of the last key); `scope` names the order, so a cursor made for another sort or
    another list is refused rather than misread."""

    salt = "reports.paging.cursor"

    def __init__(
        self,
        queryset: QuerySet,
        keys: list[SeekKey],
        per_page: int,
        *,
        scope: str,
        counted: int = 0,
        counted_exactly: bool = False,
        walk: QuerySet | None = None,
        shown: QuerySet | None = None,
    ) -> None:
        self.queryset = queryset
        self.keys = [*keys, SeekKey(F("pk"), descending=keys[-1].descending if keys else False)]
        self.per_page = per_page
        self.scope = scope
        # The list's size as the page reports it (bounded: see `bounded_count`).
        self.counted = counted
        self.counted_exactly = counted_exactly
        # Every row of the queryset's model, which an index holds in the order of `keys`: on
        # SQLite a list too long to count (a province's head sees 100,000 projects) has its
        # page looked for among the table's first rows in order, WALK_WINDOWS times as many as
        # the page needs, rather than by sorting every row it holds. SQLite's planner gathers
        # the rows a filter such as who-may-see-what names through each index of the OR, then
        # sorts them all; PostgreSQL's weighs reading the order's index and stopping, and does
        # better unhelped (given the window, it misjudged the OR and read the whole table).
        # Found short, the list is read.
        self.walk = (
            walk
            if walk is not None
            and connections[queryset.db].vendor == "sqlite"
            and not counted_exactly
            and queryset.query.has_filters()
            else None
        )
        # What the page's rows are read from by their keys (the queryset by default): the keys
        # were found under the list's filters, which need not be worked out again (a search
        # matching 10,000 projects would be).
        self.shown = queryset if shown is None else shown

    # --- the page a request asks for ---------------------------------------------------------

    def page_for(
        self, *, page: str | None = None, after: str | None = None, before: str | None = None
    ) -> SeekPage:
        """The page named by a request's `after` or `before` cursor, or its `page` number (or
        "last"); anything unreadable gives the first page and says why."""
        try:
            if after:
                return self._seek(self._read(after), backwards=False)
            if before:
                return self._seek(self._read(before), backwards=True)
        except CursorRefused:
            return self._numbered(
                1,
                refusal=_(
                    "Tautan halaman itu tidak dapat dibaca lagi (mungkin urutannya sudah "
                    "berubah); ditampilkan halaman pertama."
                ),
            )
        if page == LAST:
            return self._last()
        try:
            number = int(page) if page else 1
        except ValueError:
            number = 1
        number = max(number, 1)
        if self.counted_exactly and number > self.num_pages:
            return self._numbered(self.num_pages) if number > 1 else self._numbered(1)
        if (number - 1) * self.per_page >= NUMBERED_ROWS:
            return self._numbered(
                1,
                refusal=_(
                    "Halaman sedalam itu tidak dibuka dengan nomornya; gunakan tautan "
                    "Berikutnya atau Terakhir."
                ),
            )
        return self._numbered(number)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.counted // self.per_page))

    # --- cursors -------------------------------------------------------------------------------

    def cursor(self, values: tuple) -> str:
        """The cursor for a row whose sort values (and key, last) are `values`."""
        return signing.dumps(
            {"s": self.scope, "v": [_encode(value) for value in values]},
            salt=self.salt,
            compress=True,
        )

    def read_cursor(self, cursor: str) -> list:
        """The sort values (and key, last) a cursor of this list carries; `CursorRefused` for a
        forged one, or one of another sort or list."""
        return self._read(cursor)

    def values_of(self, row: Any) -> tuple:
        """The sort values (and key, last) of a row read through `rows_query`."""
        return tuple(getattr(row, name) for name in self._names())

    def _read(self, cursor: str) -> list:
        try:
            data = signing.loads(cursor, salt=self.salt)
        except signing.BadSignature as error:
            raise CursorRefused from error
        if not isinstance(data, dict) or data.get("s") != self.scope:
            raise CursorRefused
        values = data.get("v")
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise CursorRefused
        decoded = [_decode(value) for value in values]
        # The key is never NULL, and only a nullable column may be.
        if any(
            value is None and not key.nullable
            for key, value in zip(self.keys, decoded, strict=True)
        ):
            raise CursorRefused
        return decoded

    # --- queries -------------------------------------------------------------------------------

    def _names(self) -> list[str]:
        return [f"seek_{index}" for index in range(len(self.keys))]

    def _order(self, backwards: bool) -> list:
        orders = []
        for name, key in zip(self._names(), self.keys, strict=True):
            descending = key.descending != backwards
            # NULLs last reading forwards, so first reading backwards; a column that cannot be
            # NULL says nothing, so that an index read either way serves the order.
            nulls = {}
            if key.nullable:
                nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
            orders.append(F(name).desc(**nulls) if descending else F(name).asc(**nulls))
        return orders

    def _beyond(self, values: list, backwards: bool) -> Q:
        """Rows strictly beyond `values` in the order read (forwards, or backwards)."""
        names = self._names()
        beyond = Q(pk__in=[])
        ties = Q()
        for name, key, value in zip(names, self.keys, values, strict=True):
            descending = key.descending != backwards
            step = f"{name}__{'lt' if descending else 'gt'}"
            if value is None:
                # A NULL is the last value forwards: nothing follows it but other NULLs' keys;
                # backwards, every value precedes it.
                after = Q(**{f"{name}__isnull": False}) if backwards else Q(pk__in=[])
            else:
                after = Q(**{step: value})
                if key.nullable and not backwards:
                    after |= Q(**{f"{name}__isnull": True})
            beyond |= ties & after
            ties &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
        first, value = self.keys[0], values[0]
        if value is not None:
            # The same condition as a range on the first column, which an index can seek to.
            descending = first.descending != backwards
            bound = Q(**{f"{names[0]}__{'lte' if descending else 'gte'}": value})
            if first.nullable and not backwards:
                bound |= Q(**{f"{names[0]}__isnull": True})
            beyond &= bound
        return beyond

    def rows_query(self, *, beyond: list | None, backwards: bool) -> QuerySet:
        """The rows, with their sort values, in the order read, beyond a cursor's if given."""
        return self._ordered(self.queryset, beyond, backwards)

    def _ordered(self, queryset: QuerySet, beyond: list | None, backwards: bool) -> QuerySet:
        names = self._names()
        rows = queryset.annotate(
            **{name: key.expression for name, key in zip(names, self.keys, strict=True)}
        )
        if beyond is not None:
            rows = rows.filter(self._beyond(beyond, backwards))
        return rows.order_by(*self._order(backwards))

    def keys_query(self, *, beyond: list | None, backwards: bool) -> QuerySet:
        """The rows' sort values and keys in the order read, beyond a cursor's if given."""
        return self.rows_query(beyond=beyond, backwards=backwards).values_list(*self._names())

    def _keys(self, *, beyond: list | None = None, backwards: bool = False, offset: int = 0):
        """Up to per_page + 1 rows' sort values and keys, from the start or beyond a cursor."""
        rows = self.keys_query(beyond=beyond, backwards=backwards)
        cut = slice(offset, offset + self.per_page + 1)
        found: list = []
        if self.walk is not None:
            # The list's rows among the table's first in order are the list's first in order:
            # when there are enough of them, they are the page.
            window = self._ordered(self.walk, beyond, backwards).values("pk")
            for factor in WALK_WINDOWS:
                found = list(rows.filter(pk__in=window[: factor * cut.stop])[cut])
                if len(found) == cut.stop - offset:
                    break
        if len(found) < cut.stop - offset:
            found = list(rows[cut])
        more = len(found) > self.per_page
        found = found[: self.per_page]
        if backwards:
            found.reverse()
        return found, more

    def _rows(self, keys: list[tuple]) -> list:
        pks = [key[-1] for key in keys]
        rows = {row.pk: row for row in self.shown.order_by().filter(pk__in=pks)}
        # A row deleted between the two reads is left out rather than shown empty.
        return [rows[pk] for pk in pks if pk in rows]

    def _page(self, keys: list[tuple], number: int | None, *, has_previous: bool, has_next: bool):
        page = SeekPage(
            object_list=self._rows(keys),
            number=number,
            has_previous=has_previous,
            has_next=has_next,
            is_first=not has_previous,
            is_last=not has_next,
        )
        if keys and has_previous:
            page.previous_cursor = self.cursor(keys[0])
        if keys and has_next:
            page.next_cursor = self.cursor(keys[-1])
        shallow = max(1, NUMBERED_ROWS // self.per_page)
        known = self.num_pages if self.counted_exactly else shallow
        if page.has_other_pages():
            page.numbers = list(range(1, min(known, shallow, NUMBERS_SHOWN) + 1))
        return page

    def _numbered(self, number: int, *, refusal: str | Promise = "") -> SeekPage:
        offset = (number - 1) * self.per_page
        keys, more = self._keys(offset=offset)
        if not keys and number > 1:
            return self._numbered(1, refusal=refusal)
        page = self._page(keys, number, has_previous=number > 1, has_next=more)
        page.refusal = str(refusal) if refusal else ""
        return page

    def _seek(self, values: list, *, backwards: bool) -> SeekPage:
        keys, more = self._keys(beyond=values, backwards=backwards)
        if not keys:
            # Nothing beyond the cursor any more (its rows were deleted or filtered away): the
            # nearest page that still has rows.
            return self._last() if not backwards else self._numbered(1)
        if backwards:
            if not more:
                # Reading back reached the start: that is the first page, in full.
                return self._numbered(1)
            return self._page(keys, None, has_previous=True, has_next=True)
        return self._page(keys, None, has_previous=True, has_next=more)

    def _last(self) -> SeekPage:
        if self.counted_exactly:
            # The size is known: the last page is the numbered one, with the rows left over.
            return self._numbered(self.num_pages)
        keys, more = self._keys(backwards=True)
        return self._page(keys, None if more else 1, has_previous=more, has_next=False)


def bounded_count(queryset: QuerySet, limit: int) -> tuple[int, bool]:
    """How many rows, counted up to `limit` (and whether that is the exact number): a list of
    100,000 projects is counted as "more than `limit`" without reading them all."""
    counted = queryset.order_by()[: limit + 1].count()
    return min(counted, limit), counted <= limit
