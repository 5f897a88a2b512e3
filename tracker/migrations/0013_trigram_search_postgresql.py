"""Trigram indexes for the project list's search, on PostgreSQL only.

The list's search is `icontains`, which PostgreSQL runs as `UPPER(column::text) LIKE UPPER(...)`:
a GIN index of trigrams over that same expression serves it, whatever the words' position. SQLite
has no such index and scans; the migration does nothing there.
"""

from __future__ import annotations

from django.db import migrations

# (index, table, expression): the expressions `icontains` and `contains` compare.
INDEXES = [
    ("project_title_trgm", "tracker_changeproject", "UPPER(title::text)"),
    ("user_full_name_trgm", "tracker_user", "UPPER(full_name::text)"),
    ("user_nip_trgm", "tracker_user", "(nip::text)"),
]


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0012_list_order_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
