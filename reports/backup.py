"""Backups: one archive with the database, every media file (issued documents included) and a
manifest of checksums; restored into an empty installation, then every document re-verified.

Archive layout (a .tar.gz):

    manifest.json        format, time, database vendor, migrations, SHA-256 of every member
    database.dump        pg_dump's custom format (PostgreSQL), or
    database.sqlite3     a consistent copy made with SQLite's backup API
    media/<name>         each file of the media storage (local disk or object storage)
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
# Written and removed again by /healthz: not worth keeping.
SKIPPED_PREFIXES = ("healthz/",)


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


# --- backing up --------------------------------------------------------------------------------


def write_backup(target: Path) -> dict:
    """Write the archive to `target` and return its manifest."""
    files: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="jejak-backup-") as work:
        dump = Path(work) / _database_member()
        _dump_database(dump)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            files[dump.name] = _sha256_file(dump)
            archive.add(dump, arcname=dump.name)
            # After the dump: every file a dumped row names was stored before its row was saved.
            for name in media_names():
                with default_storage.open(name, "rb") as stored:
                    content = stored.read()
                member = f"media/{name}"
                files[member] = hashlib.sha256(content).hexdigest()
                _add_bytes(archive, member, content)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": connection.vendor,
                "migrations": _migrations(),
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
        partial.replace(target)
    return manifest


def media_names(directory: str = "") -> Iterator[str]:
    """Every file in the media storage, through the storage API (disk or object storage)."""
    folders, names = default_storage.listdir(directory)
    for name in sorted(names):
        path = f"{directory}{name}"
        if not path.startswith(SKIPPED_PREFIXES):
            yield path
    for folder in sorted(folders):
        yield from media_names(f"{directory}{folder}/")


def _database_member() -> str:
    if connection.vendor == "postgresql":
        return "database.dump"
    if connection.vendor == "sqlite":
        return "database.sqlite3"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")


def _dump_database(path: Path) -> None:
    if connection.vendor == "postgresql":
        _run_client(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(path)]
        )
        return
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def _migrations() -> dict[str, str]:
    applied = MigrationRecorder(connection).applied_migrations()
    latest: dict[str, str] = {}
    for app, name in sorted(applied):
        latest[app] = max(latest.get(app, name), name)
    return latest


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.datetime.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(content))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _run_client(command: list[str]) -> None:
    """Run pg_dump or pg_restore against the configured database, password in the environment."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed: sudo apt-get install postgresql-client (its major "
            f"version must be at least the server's)."
        )
    database = connection.settings_dict
    environment = {
        **os.environ,
        "PGHOST": str(database.get("HOST") or ""),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": str(database.get("USER") or ""),
        "PGPASSWORD": str(database.get("PASSWORD") or ""),
        "PGDATABASE": str(database["NAME"]),
    }
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


# --- restoring ---------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    """The manifest, once every member listed in it is present with its checksum."""
    try:
        manifest_file = archive.extractfile(MANIFEST)
        if manifest_file is None:  # there, but not a regular file
            raise ValueError(MANIFEST)
        manifest = json.loads(manifest_file.read())
    except (KeyError, AttributeError, ValueError):
        raise BackupError("This file is not a Jejak backup: it has no readable manifest.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not one this Jejak reads.")
    for member, expected in manifest["files"].items():
        try:
            handle = archive.extractfile(member)
        except KeyError:
            handle = None
        if handle is None:
            raise BackupError(f"The backup lacks {member}, which its manifest lists.")
        digest = hashlib.sha256()
        while block := handle.read(1 << 20):
            digest.update(block)
        if digest.hexdigest() != expected:
            raise BackupError(f"{member} does not match its checksum: the backup is damaged.")
    return manifest


def restore_backup(source: Path) -> dict:
    """Restore the archive into this (empty) installation; returns the manifest."""
    with tarfile.open(source, "r:*") as archive:
        manifest = read_manifest(archive)
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"The backup holds a {manifest['database']} database; this installation uses "
                f"{connection.vendor}. Set DATABASE_URL to match."
            )
        _require_empty_database()
        media = [member for member in manifest["files"] if member.startswith("media/")]
        for member in media:
            name = member.removeprefix("media/")
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as stored:
                    same = hashlib.sha256(stored.read()).hexdigest() == manifest["files"][member]
                if not same:
                    raise BackupError(
                        f"The media storage already holds another {name}: restore into an "
                        f"empty installation."
                    )
        with tempfile.TemporaryDirectory(prefix="jejak-restore-") as work:
            member = _database_member()
            archive.extract(member, work, filter="data")
            _load_database(Path(work) / member)
        for member in media:
            name = member.removeprefix("media/")
            if default_storage.exists(name):
                continue
            handle = archive.extractfile(member)
            if handle is None:
                raise BackupError(f"The backup lacks {member}, which its manifest lists.")
            content = handle.read()
            saved = default_storage.save(name, ContentFile(content))
            if saved != name:
                raise BackupError(f"The media storage stored {name} as {saved}.")
    return manifest


def _require_empty_database() -> None:
    tables = connection.introspection.table_names()
    if "tracker_user" not in tables:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM tracker_user)")
        (has_users,) = cursor.fetchone()
    if has_users:
        raise BackupError(
            "This installation already has data (accounts exist): restore only into an empty "
            "database, e.g. a new one made with createdb."
        )


def _load_database(path: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()
        _run_client(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                str(connection.settings_dict["NAME"]),
                str(path),
            ]
        )
        return
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


def verify_documents() -> tuple[int, list[str]]:
    """How many issued documents are stored intact, and the codes of any that are not."""
    from reports.models import GeneratedDocument

    intact, broken = 0, []
    for document in GeneratedDocument.objects.only("code", "file", "sha256").iterator():
        try:
            with document.file.open("rb") as stored:
                digest = hashlib.sha256(stored.read()).hexdigest()
        except (OSError, ValueError):
            digest = ""
        if digest == document.sha256:
            intact += 1
        else:
            broken.append(document.code)
    return intact, broken
