"""The organisers' permission group: its name, the model permissions it holds, and the one way
they are granted (when `seed_demo` makes the group, and by the migrations that extend it on an
existing installation)."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import Group

ORGANISER_GROUP = "Penyelenggara"

# Granted when the group is made; a permission added here later reaches the groups that already
# exist only through a data migration that grants it (as `api` 0002 did for the admin pages).
ORGANISER_PERMISSIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("tracker", "cohort", ("view", "add", "change")),
    ("tracker", "changeproject", ("view", "add", "change")),
    ("tracker", "seminar", ("view", "add", "change", "delete")),
    ("tracker", "impactindicator", ("view", "add", "change", "delete")),
    ("tracker", "agency", ("view",)),
    ("tracker", "agencyhead", ("view",)),
    ("tracker", "programmerules", ("view",)),
    # How the emails of their cohorts fared (read-only), to follow up on failed ones.
    ("tracker", "emaildelivery", ("view",)),
    ("tracker", "user", ("view", "add", "change")),
    # Rubrics are data the organiser keeps in step with the regulation in force.
    ("mentoring", "rubric", ("view", "add", "change")),
    ("mentoring", "rubriccriterion", ("view", "add", "change", "delete")),
    ("mentoring", "gradeband", ("view", "add", "change", "delete")),
    # Impact evaluation and the API, read in the admin (written on their pages); the cohort's
    # tokens revoked and its webhooks switched off there.
    ("mentoring", "questionnaire", ("view",)),
    ("mentoring", "surveyround", ("view",)),
    ("mentoring", "surveyresponse", ("view",)),
    ("api", "apitoken", ("view",)),
    ("api", "webhook", ("view",)),
]


def grant(
    group: Group,
    entries: list[tuple[str, str, tuple[str, ...]]],
    *,
    apps: Apps = global_apps,
) -> None:
    """Add the permissions of `entries` (app label, model, actions) to `group`, leaving the
    ones it has; `apps` is a migration's registry of historical models, or the real one."""
    permission_model = apps.get_model("auth", "Permission")
    for app_label, model, actions in entries:
        group.permissions.add(
            *permission_model.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )


def organiser_group() -> Group:
    """The organisers' permission group, with its permissions when it is first made."""
    group, created = Group.objects.get_or_create(name=ORGANISER_GROUP)
    if created:
        grant(group, ORGANISER_PERMISSIONS)
    return group
