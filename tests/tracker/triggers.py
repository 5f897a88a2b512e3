"""Dropping a kept group's triggers, as a migration that remakes a table would on SQLite."""

from __future__ import annotations

from django.db import connection

from tracker.summary import Copied
from tracker.summary import drop_triggers as drop


def drop_triggers(copied: Copied) -> None:
    drop(connection, copied.statements(connection.vendor))
