"""Django admin for comments, consultations and reflections."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mentoring.models import Comment, JournalEntry
from tests.factories import CohortFactory
from tests.mentoring.factories import (
    CommentFactory,
    ConsultationFactory,
    JournalEntryFactory,
    JournalReplyFactory,
)
from tracker.models import Role


@pytest.fixture
def rows(world):
    CommentFactory(
        project=world.project,
        author=world.coach,
        author_role=Role.COACH,
        body="Komentar di admin",
        visibility=Comment.Visibility.REVIEWERS,
    )
    ConsultationFactory(project=world.project, consultant=world.mentor, topic="Sesi di admin")
    ConsultationFactory(project=world.other_project, topic="Sesi angkatan lain")
    entry = JournalEntryFactory(project=world.project, happened="Refleksi di admin")
    JournalReplyFactory(entry=entry, author=world.coach)


@pytest.mark.parametrize(
    ("model", "text"),
    [
        ("comment", "Komentar di admin"),
        ("consultation", "Sesi di admin"),
        ("journalentry", "Refleksi di admin"),
    ],
)
def test_admin_lists_each_model_with_readable_columns(client, world, rows, model, text):
    client.force_login(world.admin)
    response = client.get(reverse(f"admin:mentoring_{model}_changelist"))
    assert response.status_code == 200
    assert text in response.content.decode()


def test_admin_searches_consultations(client, world, rows):
    client.force_login(world.admin)
    url = reverse("admin:mentoring_consultation_changelist")
    page = client.get(url, {"q": "angkatan lain"}).content.decode()
    assert "Sesi angkatan lain" in page
    assert "Sesi di admin" not in page


def test_admin_filters_comments_by_visibility(client, world, rows):
    client.force_login(world.admin)
    url = reverse("admin:mentoring_comment_changelist")
    page = client.get(url, {"visibility__exact": "everyone"}).content.decode()
    assert "Komentar di admin" not in page


@pytest.fixture
def organiser_with_permissions(world):
    world.organiser.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="mentoring")
    )
    return world.organiser


def test_organiser_sees_consultations_of_their_cohort_only(
    client, world, rows, organiser_with_permissions
):
    world.other_project.cohort = CohortFactory()
    world.other_project.save()
    client.force_login(organiser_with_permissions)
    page = client.get(reverse("admin:mentoring_consultation_changelist")).content.decode()
    assert "Sesi di admin" in page
    assert "Sesi angkatan lain" not in page


def test_organiser_never_reads_reflections_in_the_admin(
    client, world, rows, organiser_with_permissions
):
    client.force_login(organiser_with_permissions)
    entry = JournalEntry.objects.get()
    assert client.get(reverse("admin:mentoring_journalentry_changelist")).status_code == 403
    change = reverse("admin:mentoring_journalentry_change", args=[entry.pk])
    assert client.get(change).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert "Catatan refleksi" not in index


@pytest.mark.parametrize("model", ["comment", "consultation", "journalentry"])
def test_admin_change_pages_open(client, world, rows, model):
    from django.apps import apps

    obj = apps.get_model("mentoring", model).objects.filter(project=world.project).first()
    client.force_login(world.admin)
    response = client.get(reverse(f"admin:mentoring_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_sessions_are_not_added_in_the_admin(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("admin:mentoring_consultation_add")).status_code == 403
