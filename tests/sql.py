"""Reading captured SQL in tests."""

from __future__ import annotations

import re


def filters_on_ids(sql: str, column: str, *ids: int) -> bool:
    """Whether `sql` filters `column` on exactly these ids, as `__in` writes it or as
    `__in_ids` sends them in one parameter (tracker/lookups.py: SQLite's JSON, an array)."""
    listed = ", ".join(map(str, sorted(ids)))
    quoted = re.escape(f'"{column}"')
    return bool(
        re.search(rf"{quoted} IN \({re.escape(listed)}\)", sql)
        or re.search(
            rf"{quoted} IN \(SELECT value FROM json_each\('\[{re.escape(listed)}\]'\)\)", sql
        )
        or re.search(rf"{quoted} = ANY\('\{{{re.escape(listed.replace(' ', ''))}\}}'", sql)
    )
