"""Cursors of the API's lists: a page after the last row seen, stable while rows are added.

A list in id order carries the last id; a sorted project list carries the last row's sort keys
and id (keyset paging, by the project list page's rule), so a row never shows twice or goes
missing between pages, whatever the sort, as long as the rows themselves do not move.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from reports.filters import seek_keys
from reports.paging import CursorRefused, SeekPaginator

MAX_LIMIT = 200


def _refused() -> HttpError:
    return HttpError(400, _("Kursor halaman tidak valid."))


def _decode(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _refused() from None


def _encode(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def page(queryset: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of rows after the cursor, in id order."""
    limit = max(1, min(limit, MAX_LIMIT))
    after = _decode(cursor) if cursor else 0
    if not isinstance(after, int) or isinstance(after, bool):
        raise _refused()
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, _encode(rows[-1].pk) if more else None


def sorted_page(
    queryset: QuerySet, sort: str, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of a project list in the order of `sort`, after the row the cursor names: the
    project list page's own seek keys and keyset condition (`reports.paging.SeekPaginator`), in
    one query; the cursor is signed and names its sort, so a forged one or one of another sort
    is refused."""
    limit = max(1, min(limit, MAX_LIMIT))
    seeker = SeekPaginator(queryset, seek_keys(sort), limit, scope=f"api.projects:{sort}")
    try:
        beyond = seeker.read_cursor(cursor) if cursor else None
    except CursorRefused:
        raise _refused() from None
    rows = list(seeker.rows_query(beyond=beyond, backwards=False)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, seeker.cursor(seeker.values_of(rows[-1])) if more else None
