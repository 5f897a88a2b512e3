"""Locks that hold across processes and hosts: a job that must run once at a time, anywhere."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db import connection


@contextlib.contextmanager
def held_alone(name: str) -> Iterator[bool]:
    """Hold the lock `name` for the block; True if this process got it, False if another holds it.

    On PostgreSQL a session advisory lock, seen by every host on the database and released by the
    server when the holder's connection ends, even if the process died. SQLite serves one host,
    so a lock on a file beside the database does the same there.

        with held_alone("send_reminders") as mine:
            if not mine:
                return  # another server is sending them right now
    """
    if connection.vendor == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(f"jejak:{name}".encode()).digest()[:8], "big", signed=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            mine = bool(cursor.fetchone()[0])
        try:
            yield mine
        finally:
            if mine:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    with _file_lock(name) as mine:
        yield mine


@contextlib.contextmanager
def _file_lock(name: str) -> Iterator[bool]:
    database = str(connection.settings_dict["NAME"])
    path = Path(database)
    if not path.is_absolute() or not path.parent.is_dir():
        # An in-memory (test) database lives in this process alone, and so does its lock.
        owner = f"{database}:{os.getpid()}"
        path = Path(tempfile.gettempdir()) / hashlib.sha256(owner.encode()).hexdigest()[:16]
    lock = path.with_name(f"{path.name}.{name}.lock")
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
