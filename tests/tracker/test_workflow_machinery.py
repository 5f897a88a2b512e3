"""tracker/workflow.py: one reader of the fsm declarations, one runner, one refusal family."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import OperationalError, models
from django.urls import reverse

from mentoring.models import Consultation
from milestones.models import ChangeRequest, Milestone
from tracker import services, workflow
from tracker.env import env_database
from tracker.models import ChangeProject, Role

S = ChangeProject.State
APPS = [Path(name) for name in ("tracker", "milestones", "mentoring", "reports")]


def test_no_module_but_workflow_reads_fsm_internals():
    internals = re.compile(r"_django_fsm|get_all_transitions|get_all_\w+_transitions|\.custom\b")
    readers = [
        str(path)
        for app in APPS
        for path in app.rglob("*.py")
        if "migrations" not in path.parts and internals.search(path.read_text())
    ]
    assert readers == ["tracker/workflow.py"]


@pytest.mark.parametrize("model", [ChangeProject, Milestone, ChangeRequest, Consultation])
def test_every_workflow_model_declares_labels_and_permissions(model):
    declared = workflow.declarations(model)
    assert declared
    for item in declared.values():
        assert item.label != item.name, f"{model.__name__}.{item.name} has no label"
        assert item.roles, f"{model.__name__}.{item.name} names no acting role"


def test_reloading_never_unprotects_the_shared_state_field(world, monkeypatch):
    # django-fsm's own reload switches `protected` off on the field for every thread at once.
    field = ChangeProject._meta.get_field("state")
    seen = []
    original = models.Model.refresh_from_db

    def spy(self, *args, **kwargs):
        seen.append(field.protected)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(models.Model, "refresh_from_db", spy)
    world.project.refresh_from_db()
    assert seen and all(seen)
    assert world.project.state == S.DRAFT


def test_state_still_cannot_be_assigned_after_a_reload(world):
    world.project.refresh_from_db()
    with pytest.raises(AttributeError):
        world.project.state = S.PASSED


def test_blocked_reason_and_refusal_say_the_same_words(world):
    reason = workflow.blocked_reason(world.project, "submit_proposal")
    assert reason.startswith("Lengkapi dulu:")
    with pytest.raises(workflow.Refused) as refused:
        services.project_submit_proposal(project=world.project, by=world.participant)
    assert str(refused.value.message) == reason


def test_roles_are_worked_out_once_per_loaded_project(world, django_assert_num_queries):
    project = ChangeProject.objects.get(pk=world.project.pk)
    first = workflow.roles(project, world.coach)
    with django_assert_num_queries(0):
        assert workflow.roles(project, world.coach) == first == {Role.COACH}


def test_acting_role_comes_from_the_declared_roles(world):
    assert workflow.acting_role(world.project, world.participant, "submit_proposal") == (
        Role.PARTICIPANT
    )


def test_sqlite_waits_for_the_write_lock_instead_of_failing(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    options = env_database("DATABASE_URL", "/tmp/jejak.sqlite3")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/other.sqlite3")
    assert env_database("DATABASE_URL", "")["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_a_locked_database_answers_503_with_try_again(client, world, monkeypatch):
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "project_withdraw", locked)
    client.force_login(world.organiser)
    response = client.post(
        reverse("tracker:withdraw", args=[world.project.pk]),
        {"expected_state": S.DRAFT, "comment": "Mutasi."},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Jejak sedang sibuk" in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.state == S.DRAFT


def test_recording_a_consultation_writes_its_first_log_row(world):
    from mentoring.services import consultation_record

    consultation = consultation_record(
        project=world.project,
        by=world.participant,
        held_on=world.project.created_at.date(),
        consultant_role=Role.MENTOR,
        mode=Consultation.Mode.ONLINE,
        topic="Data dasar",
        outcome="Sepakat memakai data 2025.",
    )
    log = consultation.logs.get()
    assert (log.action, log.from_state, log.to_state, log.actor) == (
        "record",
        "",
        "recorded",
        world.participant,
    )


def test_a_consultation_is_decided_only_through_its_transitions(world):
    from tests.mentoring.factories import ConsultationFactory

    consultation = ConsultationFactory(project=world.project, consultant=world.mentor)
    with pytest.raises(AttributeError):
        consultation.status = Consultation.Status.CONFIRMED


def test_a_forbidden_action_gets_a_page_in_the_users_language(client, world):
    client.force_login(world.organiser)
    response = client.post(
        reverse("tracker:submit-proposal", args=[world.project.pk]), {"expected_state": S.DRAFT}
    )
    assert response.status_code == 403
    assert "Anda tidak berwenang melakukan ini" in response.content.decode()
