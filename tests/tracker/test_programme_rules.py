"""Programme rules as data: seeded defaults, the rules a cohort follows, the due-soon window, and
who may edit them in the admin."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from milestones.models import Milestone
from milestones.selectors import due_for_participants
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject, Cohort, Programme, ProgrammeRules
from tracker.selectors import rules_for

TODAY = datetime.date(2026, 11, 30)


def test_every_programme_has_seeded_rules_marked_as_defaults(db):
    rules = {rule.programme: rule for rule in ProgrammeRules.objects.all()}

    assert set(rules) == set(Programme.values)
    assert all(rule.is_default for rule in rules.values())
    assert rules[Programme.PKA].implementation_days == 60
    assert rules[Programme.PKN_II].implementation_days == 60
    latsar = rules[Programme.LATSAR]
    assert (latsar.implementation_days, latsar.uses_medium_term, latsar.uses_long_term) == (
        30,
        False,
        False,
    )
    assert latsar.regulation == "Peraturan LAN 1/2021"


def test_a_cohort_follows_the_rules_in_force_when_its_learning_started(world):
    newer = ProgrammeRules.objects.create(
        programme=world.cohort.programme,
        regulation="Peraturan LAN 9/2026",
        effective_from=world.cohort.learning_starts_on,
        implementation_days=45,
        deferral_days=21,
    )
    seeded = ProgrammeRules.objects.get(programme=world.cohort.programme, is_default=True)

    assert rules_for(world.cohort) == newer
    Cohort.objects.filter(pk=world.cohort.pk).update(
        learning_starts_on=newer.effective_from - datetime.timedelta(days=1)
    )
    world.cohort.refresh_from_db()
    assert rules_for(world.cohort) == seeded


def test_without_stored_rules_the_shipped_defaults_apply(world):
    ProgrammeRules.objects.all().delete()

    rules = rules_for(world.cohort)

    assert rules.pk is None
    assert rules.is_default
    assert (rules.deferral_days, rules.due_soon_days, rules.escalation_days) == (30, 7, 7)


@pytest.mark.parametrize(("days", "reminded"), [(3, True), (4, False)])
def test_due_soon_window_comes_from_the_programme_rules(world, days, reminded):
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(due_soon_days=3)
    project = put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    milestone = MilestoneFactory(
        project=project,
        state=Milestone.State.IN_PROGRESS,
        start_date=TODAY - datetime.timedelta(days=20),
        due_date=TODAY + datetime.timedelta(days=days),
    )

    assert (milestone in due_for_participants(TODAY)) is reminded


def test_another_programmes_window_does_not_apply(world):
    ProgrammeRules.objects.exclude(programme=world.cohort.programme).update(due_soon_days=30)
    project = put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    milestone = MilestoneFactory(
        project=project,
        state=Milestone.State.IN_PROGRESS,
        start_date=TODAY - datetime.timedelta(days=20),
        due_date=TODAY + datetime.timedelta(days=8),
    )

    assert milestone not in due_for_participants(TODAY)


def _change_url(rules: ProgrammeRules) -> str:
    return reverse("admin:tracker_programmerules_change", args=[rules.pk])


def test_admin_edits_the_rules(client, world):
    rules = ProgrammeRules.objects.get(programme=Programme.PKA)
    client.force_login(world.admin)

    page = client.get(_change_url(rules))

    assert page.status_code == 200
    assert 'name="deferral_days"' in page.content.decode()


def test_organiser_reads_the_rules_but_cannot_change_them(client, world, staff_organiser):
    rules = ProgrammeRules.objects.get(programme=Programme.PKA)
    client.force_login(staff_organiser)

    page = client.get(_change_url(rules))
    response = client.post(_change_url(rules), {"deferral_days": 1})

    assert page.status_code == 200
    assert 'name="deferral_days"' not in page.content.decode()  # read-only
    assert response.status_code == 403
    rules.refresh_from_db()
    assert rules.deferral_days == 30
