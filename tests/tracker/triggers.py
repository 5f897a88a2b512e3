"""Dropping a kept group's triggers, as a migration that remakes a table would on SQLite."""

from __future__ import annotations

import re

from django.db import connection

from tracker.summary import Copied

CREATED = re.compile(r"CREATE TRIGGER (\w+) .*? ON (\w+)")


def drop_triggers(copied: Copied) -> None:
    with connection.cursor() as cursor:
        for statements in copied.statements(connection.vendor).values():
            for name, table in CREATED.findall(" ".join(statements)):
                on = f" ON {table}" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER {name}{on}")
