"""The organisers' group: made with its permissions, and an older one given the admin pages."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tracker.organisers import ORGANISER_GROUP, ORGANISER_PERMISSIONS, organiser_group

migration = importlib.import_module("api.migrations.0002_organiser_admin_permissions")

ADMIN_PAGES = {
    ("mentoring", "view_questionnaire"),
    ("mentoring", "view_surveyround"),
    ("mentoring", "view_surveyresponse"),
    ("api", "view_apitoken"),
    ("api", "view_webhook"),
}


def _held(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def _run_migration() -> None:
    """The migration's function against the historical models it runs with."""
    state = MigrationLoader(connection).project_state(("api", "0002_organiser_admin_permissions"))
    migration.grant_admin_pages(state.apps, SimpleNamespace(connection=connection))


def test_a_new_group_gets_every_organiser_permission(db):
    group = organiser_group()
    expected = {
        (app_label, f"{action}_{model}")
        for app_label, model, actions in ORGANISER_PERMISSIONS
        for action in actions
    }
    assert _held(group) == expected
    assert expected >= ADMIN_PAGES


def test_an_existing_group_keeps_its_permissions_as_seed_demo_finds_it(db):
    group = Group.objects.create(name=ORGANISER_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_cohort"))
    assert organiser_group() == group
    assert _held(group) == {("tracker", "view_cohort")}


def test_an_older_group_gains_the_admin_pages_and_keeps_the_rest(db):
    group = Group.objects.create(name=ORGANISER_GROUP)
    group.permissions.add(
        Permission.objects.get(codename="view_cohort"),
        Permission.objects.get(codename="change_rubric"),
    )
    _run_migration()
    kept = {("tracker", "view_cohort"), ("mentoring", "change_rubric")}
    assert _held(group) == ADMIN_PAGES | kept
    # Running it again changes nothing.
    _run_migration()
    assert group.permissions.count() == len(ADMIN_PAGES) + 2


def test_permissions_not_made_yet_are_made_and_granted(db):
    # Models that arrive in the same `migrate` have no permissions until it ends (post_migrate).
    Permission.objects.filter(content_type__app_label="api").delete()
    Permission.objects.filter(codename="view_surveyround").delete()
    group = Group.objects.create(name=ORGANISER_GROUP)
    _run_migration()
    assert _held(group) == ADMIN_PAGES
    # All four of every API model, as post_migrate would have made them.
    api_models = list(global_apps.get_app_config("api").get_models())
    assert Permission.objects.filter(content_type__app_label="api").count() == 4 * len(api_models)


def test_no_group_is_made_on_a_new_installation(db):
    _run_migration()
    assert not Group.objects.filter(name=ORGANISER_GROUP).exists()


def test_another_group_is_left_alone(db):
    other = Group.objects.create(name="Operator")
    _run_migration()
    assert other.permissions.count() == 0
