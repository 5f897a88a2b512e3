from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from tracker.models import AgencyHead, ChangeProject, User
from tracker.selectors import projects_visible_to

DEMO_USERNAMES = [
    "peserta",
    "peserta2",
    "coach",
    "mentor",
    "penguji",
    "penyelenggara",
    "kepala",
    "admin",
]


def _snapshot():
    """Every row of every model, so a second run that changes anything shows up."""
    return {
        model._meta.label: sorted(map(str, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in {"tracker", "auth"}
    }


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO())


def test_second_run_changes_nothing(seeded):
    before = _snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == before
    assert sum(len(rows) for rows in before.values()) > 50


def test_every_demo_login_works_with_the_default_password(seeded, client):
    for username in DEMO_USERNAMES:
        assert client.login(username=username, password="demo12345"), username


def test_demo_password_comes_from_the_environment(db, monkeypatch, client):
    monkeypatch.setenv("DEMO_PASSWORD", "rahasia-demo-2026")
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="peserta", password="rahasia-demo-2026")
    assert not client.login(username="peserta", password="demo12345")


def test_demo_covers_the_story(seeded):
    assert ChangeProject.objects.count() >= 12
    assert ChangeProject.objects.values("state").distinct().count() >= 10
    assert ChangeProject.objects.values("cohort__programme").distinct().count() == 2
    peserta, peserta2 = User.objects.get(username="peserta"), User.objects.get(username="peserta2")
    assert set(peserta.projects.all()).isdisjoint(peserta2.projects.all())
    assert peserta.projects.exists() and peserta2.projects.exists()


def test_kepala_heads_peserta_agency_but_not_every_project(seeded):
    kepala = User.objects.get(username="kepala")
    peserta_project = ChangeProject.objects.get(participant__username="peserta")
    visible = projects_visible_to(kepala)
    assert AgencyHead.objects.filter(user=kepala, agency=peserta_project.agency).exists()
    assert visible.filter(pk=peserta_project.pk).exists()
    assert visible.count() < ChangeProject.objects.count()


def test_command_prints_the_logins(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in DEMO_USERNAMES:
        assert username in out
    assert "demo12345" in out
