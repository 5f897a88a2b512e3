"""SQLite's planner statistics are gathered after migrate and on demand (`tracker.sqlite_stats`)."""

from __future__ import annotations

from django.db import connection

from tracker import sqlite_stats


def _stat_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_statistics_are_gathered_on_sqlite_only(world):
    if connection.vendor != "sqlite":
        assert not sqlite_stats.analyze(connection)  # PostgreSQL's autovacuum keeps its own
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
    assert sqlite_stats.analyze(connection)
    # One row per index of a table with rows: the planner now knows their selectivity.
    assert _stat_rows("tracker_changeproject") >= 5
