from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

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
        if model._meta.app_label in {"tracker", "auth", "milestones", "mentoring"}
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
        assert client.login(request=HttpRequest(), username=username, password="demo12345"), (
            username
        )


def test_demo_password_comes_from_the_environment(db, monkeypatch, client):
    monkeypatch.setenv("DEMO_PASSWORD", "rahasia-demo-2026")
    call_command("seed_demo", stdout=StringIO())
    assert client.login(request=HttpRequest(), username="peserta", password="rahasia-demo-2026")
    assert not client.login(request=HttpRequest(), username="peserta", password="demo12345")


def test_demo_covers_the_story(seeded):
    assert ChangeProject.objects.count() >= 12
    assert ChangeProject.objects.values("state").distinct().count() >= 10
    assert ChangeProject.objects.values("cohort__programme").distinct().count() == 3
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


def test_demo_history_tells_how_each_project_got_to_its_state(seeded):
    from mentoring.models import SeminarGrade, SignOff
    from mentoring.selectors import score_summaries
    from tracker.models import TransitionLog

    for project in ChangeProject.objects.exclude(state="draft"):
        logs = list(project.transition_logs.order_by("created_at", "pk"))
        assert logs, project
        assert logs[0].from_state == "draft"
        assert logs[-1].to_state == project.state
        for earlier, later in zip(logs, logs[1:], strict=False):
            assert earlier.to_state == later.from_state
            assert earlier.created_at <= later.created_at
    for grade in SeminarGrade.objects.select_related("seminar", "project"):
        summary = score_summaries(grade.seminar, [grade.project])[grade.project.pk]
        assert summary.complete and summary.score == grade.score
        assert summary.band.label == grade.predikat
    approved = TransitionLog.objects.filter(transition="approve_proposal").count()
    assert SignOff.objects.filter(stage="proposal").count() == 2 * approved


def test_demo_has_one_participant_invited_who_has_not_accepted(seeded):
    from tracker.models import Invitation

    (invitation,) = Invitation.objects.all()
    person = invitation.user
    assert not person.has_usable_password()
    assert invitation.status == Invitation.Status.INVITED
    assert person.projects.get().cohort == invitation.cohort
    assert invitation.notification.email.to == person.email


def test_demo_has_a_latsar_cohort_with_one_aktualisasi_of_habituation_activities(seeded):
    from milestones.models import CoreValue, Term

    (project,) = ChangeProject.objects.filter(cohort__programme="latsar")
    assert project.participant.username == "cpns"
    assert project.state == ChangeProject.State.IMPLEMENTATION
    activities = list(project.milestones.all())
    assert len(activities) == 4
    assert {activity.term for activity in activities} == {Term.SHORT}
    assert all(activity.core_values for activity in activities)
    assert {v for a in activities for v in a.core_values} <= set(CoreValue.values)
    window = project.cohort.implementation_ends_on - project.cohort.implementation_starts_on
    assert window.days == 30


@pytest.mark.parametrize("username", ["penguji", "coach", "mentor", "cpns", "penyelenggara"])
def test_the_demo_calendars_show_a_seminar_still_to_come(seeded, client, username):
    from django.utils import timezone

    from mentoring.selectors import calendar_seminars

    person = User.objects.get(username=username)
    upcoming = calendar_seminars(person).filter(starts_at__gt=timezone.now())
    seminar = upcoming.get(cohort__programme="latsar", kind="results")
    client.force_login(person)
    page = client.get(reverse("mentoring:calendar")).content.decode()
    assert f"<strong>Seminar laporan</strong> · {seminar.cohort}" in page


def test_the_demo_organiser_hears_of_an_escalated_item(seeded):
    from django.utils import timezone

    from milestones.selectors import reminder_digests

    digests = {digest.recipient.username: digest for digest in reminder_digests(timezone.now())}
    escalated = digests["penyelenggara"].escalated
    assert any(
        "Sosialisasi panduan kepada petugas loket" in str(item.what)
        and item.waits_on.username in {"coach", "mentor"}
        for item in escalated
    )
