"""Ten identical POSTs at the same moment (a double click, a proxy retrying) make one row.

On PostgreSQL the repeats wait on the first request's claim of the form token, then find its
result; each answers as if it had succeeded.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mentoring.models import Comment, Consultation
from milestones.models import Evidence
from tests.conftest import form_token
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject, FormSubmission, Notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's concurrent transactions; SQLite serialises all writes",
    ),
]


def _fire(user, url, data, *, times=10, headers=None) -> list[int]:
    """POST the same data from `times` browsers at once; return the status codes."""
    clients = []
    for _ in range(times):
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(times)
    statuses: list[int] = []

    def post(client):
        try:
            barrier.wait()
            statuses.append(client.post(url, data, headers=headers or {}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _token(user, page_url, action) -> str:
    client = Client()
    client.force_login(user)
    return form_token(client.get(page_url).content.decode(), action)


def test_ten_concurrent_identical_comments_make_one(world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    token = _token(world.participant, world.project.get_absolute_url(), url)
    statuses = _fire(world.participant, url, {"body": "Mohon dicek.", "form_token": token})
    assert statuses == [302] * 10
    assert Comment.objects.count() == 1
    assert FormSubmission.objects.count() == 1
    assert Notification.objects.filter(recipient=world.coach).count() == 1


def test_ten_concurrent_identical_htmx_comments_each_get_the_panel(world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    token = _token(world.participant, world.project.get_absolute_url(), url)
    statuses = _fire(
        world.participant,
        url,
        {"body": "Lewat htmx.", "form_token": token},
        headers={"HX-Request": "true"},
    )
    assert statuses == [200] * 10
    assert Comment.objects.count() == 1


def test_ten_concurrent_identical_consultations_record_one(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC), tick=True)
    url = reverse("mentoring:consultation-create", args=[world.project.pk])
    token = _token(world.participant, world.project.get_absolute_url(), url)
    data = {
        "held_on": "2026-11-09",
        "consultant_role": "coach",
        "mode": "online",
        "topic": "Peta pemangku kepentingan",
        "outcome": "Disepakati.",
        "form_token": token,
    }
    statuses = _fire(world.participant, url, data)
    assert statuses == [302] * 10
    assert Consultation.objects.count() == 1


def test_ten_concurrent_identical_links_add_one(world):
    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    milestone = MilestoneFactory(project=world.project)
    url = reverse("milestones:add-link", args=[milestone.pk])
    token = _token(world.participant, milestone.get_absolute_url(), url)
    data = {"url": "https://drive.example.go.id/rapat", "caption": "Foto", "form_token": token}
    statuses = _fire(world.participant, url, data)
    assert statuses == [302] * 10
    assert Evidence.objects.count() == 1
