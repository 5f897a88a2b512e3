from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from tracker.models import Cohort, TransitionLog, User


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_page_opens_for_the_admin(client, demo, model):
    client.force_login(User.objects.get(username="admin"))
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist, {"q": "a"}).status_code == 200
    if model.objects.exists():
        change = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[model.objects.first().pk]
        )
        assert client.get(change).status_code == 200


def test_organiser_sees_only_their_cohorts_in_the_admin(client, demo):
    organiser = User.objects.get(username="penyelenggara")
    other = Cohort.objects.create(
        programme="latsar",
        number="1",
        year=2026,
        institution="Pusdiklat Lain",
        learning_starts_on="2026-01-05",
        learning_ends_on="2026-02-05",
        implementation_starts_on="2026-02-10",
        implementation_ends_on="2026-03-10",
        closes_on="2026-03-20",
    )
    client.force_login(organiser)
    page = client.get(reverse("admin:tracker_cohort_changelist")).content.decode()
    assert "PKA Angkatan XVIII Tahun 2026" in page
    assert str(other) not in page
    assert client.get(reverse("admin:tracker_cohort_change", args=[other.pk])).status_code == 302


def test_transition_log_cannot_be_edited_in_the_admin(client, demo):
    client.force_login(User.objects.get(username="admin"))
    assert not admin.site._registry[TransitionLog].has_change_permission(None)
    assert client.get(reverse("admin:tracker_transitionlog_add")).status_code == 403
