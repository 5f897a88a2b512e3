"""Races on PostgreSQL through the API: one of several simultaneous writes gets through."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from api import services
from api.models import WebhookDelivery
from tracker.models import ChangeProject, TransitionLog

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite serialises all writes",
    ),
]


def _race(attempts) -> list:
    barrier = threading.Barrier(len(attempts))
    statuses: list = []

    def run(attempt):
        try:
            barrier.wait()
            statuses.append(attempt())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_the_same_transition_sent_five_times_at_once_runs_once(world, monkeypatch):
    monkeypatch.setattr(
        services.socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [(2, 1, 6, "", ("93.184.216.34", port))],
    )
    services.webhook_create(
        cohort=world.cohort,
        by=world.organiser,
        url="https://hooks.example.com/",
        events=["project.state_changed"],
    )
    plain = services.token_create(by=world.organiser, name="Uji", scope="write").plain

    def attempt() -> int:
        return (
            Client()
            .post(
                f"/api/v1/projects/{world.project.pk}/transitions",
                {"name": "withdraw", "expected_state": "draft", "comment": "Mutasi."},
                content_type="application/json",
                headers={"Authorization": f"Bearer {plain}"},
            )
            .status_code
        )

    statuses = _race([attempt] * 5)
    assert sorted(statuses) == [200, 409, 409, 409, 409]
    assert TransitionLog.objects.filter(project=world.project).count() == 1
    assert WebhookDelivery.objects.count() == 1
    assert ChangeProject.objects.get(pk=world.project.pk).state == "withdrawn"
