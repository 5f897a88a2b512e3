"""Trigram indexes for the project list's search on SQLite (PostgreSQL has pg_trgm, migration
0013): FTS5 tables over project titles and people's names and NIPs, kept by triggers.

FTS5's trigram tokenizer answers a quoted phrase from its index (three characters or more) with
the rows holding it anywhere, case-insensitively, as the list's `icontains` search asks: the
same rows, without reading every project on every keystroke. (Its LIKE would read the index
too, but not with the ESCAPE clause a search for "50%" needs.)

The tables and triggers are made after every `migrate` (a `post_migrate` receiver), not by one
migration: SQLite changes a table's columns by copying it into a new table, which drops that
table's triggers, and a search index that silently stops following its table would hide new
projects. Whenever a trigger had to be made again, the index is rebuilt from its table.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# (index table, content table, columns)
INDEXES = [
    ("search_project_title", "tracker_changeproject", ("title",)),
    ("search_user", "tracker_user", ("full_name", "nip")),
]


def _triggers(index: str, table: str, columns: tuple[str, ...]) -> dict[str, str]:
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    remove = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"
    return {
        f"{index}_insert": f"AFTER INSERT ON {table} BEGIN {add} END",
        f"{index}_delete": f"AFTER DELETE ON {table} BEGIN {remove} END",
        f"{index}_update": f"AFTER UPDATE OF {names} ON {table} BEGIN {remove} {add} END",
    }


def ensure(connection: BaseDatabaseWrapper) -> bool:
    """Make the indexes and their triggers where missing, rebuilding an index whose triggers
    were missing; whether anything was made. Does nothing on other databases."""
    if connection.vendor != "sqlite":
        return False
    made = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        for index, table, columns in INDEXES:
            if table not in present:
                continue
            missing = {
                name: body
                for name, body in _triggers(index, table, columns).items()
                if name not in present
            }
            if index not in present:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE {index} USING fts5({', '.join(columns)}, "
                    f"content='{table}', content_rowid='id', tokenize='trigram')"
                )
            for name, body in missing.items():
                cursor.execute(f"CREATE TRIGGER {name} {body}")
            if missing or index not in present:
                cursor.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
                made = True
    return made


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """The `post_migrate` receiver (sent once per app: the tracker app's is enough)."""
    if sender.name == "tracker":
        ensure(connections[using])


def phrase(text: str) -> str:
    """`text` as an FTS5 phrase: with the trigram tokenizer, rows holding it anywhere."""
    return '"' + text.replace('"', '""') + '"'


def searchable(connection: BaseDatabaseWrapper, *texts: str) -> bool:
    """Whether the indexes can answer a search for each of `texts` (SQLite, 3 characters)."""
    return connection.vendor == "sqlite" and all(len(text) >= 3 for text in texts)


# The projects whose title holds the words, or whose participant's name holds them or NIP
# holds the digits: each an index lookup, joined by UNION as on PostgreSQL.
MATCHES = (
    "SELECT rowid FROM search_project_title WHERE title MATCH %s "
    "UNION SELECT id FROM tracker_changeproject WHERE participant_id IN ("
    "SELECT rowid FROM search_user WHERE full_name MATCH %s "
    "UNION SELECT rowid FROM search_user WHERE nip MATCH %s)"
)
