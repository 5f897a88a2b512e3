"""Background work of the tracker app, run by `manage.py db_worker` (django-tasks, database)."""

from __future__ import annotations

from django_tasks import task

from tracker.notifications import deliver_email


@task()
def send_email(delivery_id: int, attempt: int) -> None:
    """Send one notification's email; a failure is re-queued with a delay, then recorded."""
    deliver_email(delivery_id=delivery_id, attempt=attempt)
