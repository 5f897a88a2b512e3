"""Rendered page regions kept in the shared cache, and the data generation that retires them.

A busy list or dashboard is drawn once and served from `CACHES` until the data it shows
changes. What retires an entry is the data generation: a token in the cache, replaced after
every committed write to a table of Jejak's apps. The writes are seen where every write passes,
the database cursor (an execute wrapper on each connection), so a queryset `update()`, a
`bulk_create` or raw SQL retire the entries as surely as a `save()`.

Why the token is replaced after the commit, never before: a reader takes the generation first,
then reads the data. If a writer replaced the token before its commit, a reader could take the
new token, read the old rows and keep them under it. Replaced after the commit, any reader that
took the new token reads the committed rows. The token is random, never a counter: two writers
that replace it at once cannot bring back one a reader has used.

A request that has itself written in a transaction not yet committed (a test's transaction, a
view that writes then reads) neither reads nor keeps cached regions: it sees rows others do not.

An entry also lives at most FRAGMENT_SECONDS, and its key holds the day: flags computed from the
clock (an overdue milestone, a stuck one) change without any write.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import weakref
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.core.cache import cache as shared_cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils import timezone, translation

# The apps whose tables the cached regions read (every table of theirs, to be safe: a region
# that shows a project reads its people, agency, cohort, milestones, grades and role tables).
WATCHED_APPS = ("tracker", "milestones", "mentoring", "reports")
# Tables no region shows that are written on a clock: the workers' heartbeats (every
# WORKER_HEARTBEAT_SECONDS) would otherwise retire every kept region that often. And the agency
# figures a dashboard stores as it reads them (reports/figures.py): copies of watched tables,
# whose own writes retire the regions already; a read must not retire the region it drew.
UNWATCHED_MODELS = (
    "tracker.WorkerHeartbeat",
    "reports.AgencyFigures",
    "reports.AgencyFigureCount",
    "reports.AgencySubtreeCount",
    "reports.AgencyFiguresMark",
)
GENERATION_KEY = "jejak:data-generation"
FRAGMENT_SECONDS = 60
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC", "TRUNCA")

logger = logging.getLogger(__name__)
# Connections (each thread has its own) whose committed write has not renewed the generation.
_due: weakref.WeakSet[BaseDatabaseWrapper] = weakref.WeakSet()


@cache
def _watched() -> re.Pattern[str]:
    tables = sorted(
        {
            model._meta.db_table
            for label in WATCHED_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
            if model._meta.label not in UNWATCHED_MODELS
        },
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(re.escape(table) for table in tables) + r")\b")


def bump() -> None:
    """A new data generation: every cached region drawn before now is retired."""
    try:
        shared_cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        # The cache cannot be reached: the regions it keeps cannot be read either, and any
        # that come back expire on their own.
        logger.warning("The data generation could not be renewed", exc_info=True)


def generation() -> str:
    """The current data generation (a new one when the cache has none)."""
    return str(shared_cache.get_or_set(GENERATION_KEY, lambda: secrets.token_hex(8), timeout=None))


def _writes_watched_table(sql: object) -> bool:
    text = sql if isinstance(sql, str) else str(sql)
    return text.lstrip()[:6].upper() in WRITES and bool(_watched().search(text))


# Set while `migrate` runs: its writes renew the generation once, at the end (the cache table
# itself may not exist before then).
_migrating = False


def pause_for_migrate(**kwargs) -> None:
    """The `pre_migrate` receiver."""
    global _migrating
    _migrating = True


def resume_after_migrate(**kwargs) -> None:
    """The `post_migrate` receiver: one new generation for all that the migrations changed."""
    global _migrating
    if _migrating:
        _migrating = False
        bump()


def watch_writes(execute: Callable, sql, params, many: bool, context: dict):
    """An execute wrapper: after a write to a watched table, a new generation once committed."""
    if _migrating:
        return execute(sql, params, many, context)
    connection = context["connection"]
    settle(connection)
    result = execute(sql, params, many, context)
    if _writes_watched_table(sql):
        if connection.in_atomic_block:
            if not has_pending_writes(connection):
                transaction.on_commit(bump, using=connection.alias, robust=True)
        else:
            # Committed already, but the statement's own results (an INSERT's RETURNING id)
            # are not read yet: nothing else may run on this connection before they are. The
            # generation is renewed before the connection's next statement, a region's next
            # key, or the end of the request, whichever comes first.
            _due.add(connection)
    return result


def settle(connection: BaseDatabaseWrapper) -> None:
    """Renew the generation if a write committed on this connection has not renewed it yet."""
    if connection in _due:
        _due.discard(connection)
        bump()


def settle_all(**kwargs) -> None:
    """`settle` every open connection of this thread (at the end of a request, at exit)."""
    for connection in connections.all(initialized_only=True):
        settle(connection)


def has_pending_writes(connection: BaseDatabaseWrapper) -> bool:
    """Whether this connection's open transaction wrote to a watched table."""
    # Entries are (savepoint ids, function, robust); a rolled-back savepoint takes its own away.
    return any(entry[1] is bump for entry in connection.run_on_commit)


def install(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """Watch a new connection's writes (the `connection_created` receiver)."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def key(request: HttpRequest, name: str, *parts: object) -> str | None:
    """The cache key of region `name` as this request would draw it, or None when the request
    must draw it afresh (it wrote in its own open transaction).

    The key holds who looks (their own scope: the admin's is everything), the language and time
    zone the region is drawn in, the day, the data generation, the query string (its empty
    values left out, its order kept out) and the caller's `parts`.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    settle(connection)
    if has_pending_writes(connection):
        return None
    try:
        current = generation()
    except Exception:
        # No shared cache: every look draws the region afresh, as before there was one.
        logger.warning("The data generation could not be read", exc_info=True)
        return None
    user = request.user
    scope = "all" if user.is_superuser else f"user:{user.pk}"
    query = sorted(
        (name_, value) for name_, values in request.GET.lists() for value in values if value
    )
    material = repr(
        (
            name,
            scope,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
            current,
            query,
            parts,
        )
    )
    return f"jejak:fragment:{name}:{hashlib.sha256(material.encode()).hexdigest()}"


def get(key_: str | None) -> str | None:
    """The region kept under `key_`, if any (never one for a request that must draw afresh)."""
    if key_ is None:
        return None
    try:
        return shared_cache.get(key_)
    except Exception:
        logger.warning("A kept page region could not be read", exc_info=True)
        return None


def keep(key_: str | None, html: str) -> None:
    """Keep a drawn region under `key_` for FRAGMENT_SECONDS at most."""
    if key_ is None:
        return
    try:
        shared_cache.set(key_, html, FRAGMENT_SECONDS)
    except Exception:
        logger.warning("A page region could not be kept", exc_info=True)
