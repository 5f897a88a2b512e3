"""Cursors of the API's lists: a page after the last row seen, stable while rows are added.

A list in id order carries the last id; a sorted project list carries the last row's sort keys
and id (keyset paging), so a row never shows twice or goes missing between pages, whatever the
sort, as long as the rows themselves do not move.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from reports.filters import seek_keys

MAX_LIMIT = 200


def _refused() -> HttpError:
    return HttpError(400, _("Kursor halaman tidak valid."))


def _decode(cursor: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _refused() from None


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        # Django's encoder drops a time's microseconds, and rows a millisecond apart would then
        # come back on the next page.
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _encode(value: Any) -> str:
    text = json.dumps(value, cls=_Encoder, separators=(",", ":"))
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


def _after(names: list[str], values: list, pk: int, descending: bool) -> Q:
    """Rows that come after (values..., pk) in the sort's order; nulls sort last either way."""
    later = "lt" if descending else "gt"
    condition = Q(**{f"pk__{later}": pk})
    for name, value in reversed(list(zip(names, values, strict=True))):
        if value is None:
            condition = Q(**{f"{name}__isnull": True}) & condition
        else:
            condition = (
                Q(**{f"{name}__{later}": value})
                | Q(**{f"{name}__isnull": True})
                | (Q(**{name: value}) & condition)
            )
    return condition


def sorted_page(
    queryset: QuerySet, sort: str, cursor: str | None, limit: int
) -> tuple[list, str | None]:
    """One page of a list already in the order of `sort` (`reports.filters.order_by_sort`),
    after the row the cursor names."""
    limit = max(1, min(limit, MAX_LIMIT))
    keys = [key.expression for key in seek_keys(sort)]
    names = [f"cursor_key_{index}" for index in range(len(keys))]
    rows_qs = queryset.annotate(**dict(zip(names, keys, strict=True)))
    if cursor:
        after = _decode(cursor)
        if (
            not isinstance(after, dict)
            or after.get("sort") != sort
            or not isinstance(after.get("pk"), int)
            or not isinstance(after.get("keys"), list)
            or len(after["keys"]) != len(names)
        ):
            raise _refused()
        values = []
        for name, value in zip(names, after["keys"], strict=True):
            field = rows_qs.query.annotations[name].output_field
            try:
                values.append(None if value is None else field.to_python(value))
            except ValidationError:
                raise _refused() from None
        rows_qs = rows_qs.filter(_after(names, values, after["pk"], sort.startswith("-")))
    rows = list(rows_qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more:
        return rows, None
    last = rows[-1]
    return rows, _encode(
        {"sort": sort, "keys": [getattr(last, name) for name in names], "pk": last.pk}
    )
