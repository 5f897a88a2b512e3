"""Background work of the API app, run by `manage.py db_worker` (django-tasks, database)."""

from __future__ import annotations

from django_tasks import task

from api.services import deliver_webhook


@task()
def send_webhook(delivery_id: int, attempt: int) -> None:
    """Send one webhook delivery; a failure is re-queued with a growing delay, then recorded."""
    deliver_webhook(delivery_id=delivery_id, attempt=attempt)
