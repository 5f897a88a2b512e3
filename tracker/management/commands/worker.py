"""`manage.py worker`: django-tasks-db's `db_worker`, recording a heartbeat /healthz reads."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from tracker.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class Heartbeat:
    """Renews this process's WorkerHeartbeat row every WORKER_HEARTBEAT_SECONDS from a thread.

    A thread, not the worker's loop: a report may run for minutes, and the worker is alive all
    that time. A job left waiting is caught by /healthz's queue age instead.
    """

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="jejak-heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self.thread.start()

    def beat(self) -> None:
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={
                    "host": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "seen_at": timezone.now(),
                },
            )
        except DatabaseError as error:  # the database is away: the next beat tries again
            logger.warning("Worker heartbeat not recorded: %s", error)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        with contextlib.suppress(DatabaseError):
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class Command(db_worker.Command):
    help = (
        "Run the background worker (emails, reports): django-tasks-db's db_worker with a "
        "heartbeat that /healthz reads. Run as many as you like, on as many hosts: each job is "
        "claimed by one of them."
    )

    def handle(self, *args, **options) -> None:
        # With --reload the outer process only watches files; the child runs the tasks.
        watching = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watching:
            return super().handle(*args, **options)
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
