"""What /healthz checks: the database, the shared cache, media storage, collected static files
and the background worker. Each check answers None when fine, else a short reason."""

from __future__ import annotations

import logging
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.cache import cache
from django.core.checks import Error, Tags, register
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# A node that fails one of these cannot serve pages: the load balancer should send no one to it.
SERVING_CHECKS = ("database", "cache", "storage", "static")


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_cache() -> str | None:
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, token, 30)
    try:
        return None if cache.get(key) == token else "written value not read back"
    finally:
        cache.delete(key)


def check_storage() -> str | None:
    token = secrets.token_hex(16).encode()
    name = default_storage.save(f"healthz/probe-{secrets.token_hex(8)}.txt", ContentFile(token))
    try:
        with default_storage.open(name, "rb") as probe:
            return None if probe.read() == token else "written probe not read back"
    finally:
        default_storage.delete(name)


def static_files_problem() -> str | None:
    """Why pages would fail for want of `collectstatic`, or None.

    The manifest storage (DEBUG off) names every static file by its hash; a file it does not list
    makes every page that uses it fail with a 500.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    collected = staticfiles_storage.load_manifest()[0]
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    missing = sorted(
        {
            path
            for finder in finders.get_finders()
            for path, _storage in finder.list(ignore)
            if path not in collected
        }
    )
    if not missing:
        return None
    return (
        f"{len(missing)} static files not collected (e.g. {missing[0]}): run "
        f"manage.py collectstatic"
    )


def check_static() -> str | None:
    return static_files_problem()


def check_worker() -> str | None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    from tracker.models import WorkerHeartbeat

    now = timezone.now()
    beat = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if beat is None:
        return "no worker heartbeat: start manage.py worker"
    silent = (now - beat).total_seconds()
    if silent > settings.WORKER_STALE_SECONDS:
        return f"no worker heartbeat for {silent:.0f} s"
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").first()
    if oldest is not None:
        # A job without a delay carries the latest date there is as its run_after.
        delayed = oldest.run_after is not None and oldest.run_after != get_date_max()
        due = max(oldest.enqueued_at, oldest.run_after) if delayed else oldest.enqueued_at
        waiting = (now - due).total_seconds()
        if waiting > settings.WORKER_QUEUE_MAX_AGE:
            return f"oldest queued job waiting {waiting:.0f} s"
    return None


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "static": check_static,
    "worker": check_worker,
}


def run_checks() -> tuple[int, dict[str, object]]:
    """The HTTP status and JSON body of /healthz.

    503 when this node cannot serve; a late worker alone is "degraded" with 200, because every
    web node shares the worker: failing them all would turn slow emails into an outage.
    """
    body: dict[str, object] = {}
    failed = []
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as error:  # a health check reports every failure, it never raises
            logger.warning("Health check %s failed: %r", name, error)
            problem = "unavailable"
        body[name] = problem or "ok"
        if problem:
            failed.append(name)
    serving = not any(name in SERVING_CHECKS for name in failed)
    status = "ok" if not failed else ("degraded" if serving else "unavailable")
    return (200 if serving else 503), {"status": status, **body, "failed": failed}


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs, **kwargs) -> list[Error]:
    """`check --deploy` fails while pages would 500 for want of `collectstatic`."""
    problem = static_files_problem()
    if problem is None:
        return []
    return [Error(problem, hint="Run manage.py collectstatic --no-input.", id="jejak.E001")]


def require_collected_static() -> None:
    """Refuse to start serving (gunicorn stops loudly) while static files are not collected."""
    if settings.DEBUG:
        return
    problem = static_files_problem()
    if problem:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(problem)
