"""Give an existing organisers' group the admin pages that came after it was made.

`seed_demo` grants the group its permissions only when it makes it, so an installation whose
group is older than the survey and API admin pages never got them. The list is written out here
(a migration must not change when `tracker.organisers` does); the grant is that module's.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

from tracker.organisers import ORGANISER_GROUP, grant

ADMIN_PAGES = [
    ("mentoring", "questionnaire", ("view",)),
    ("mentoring", "surveyround", ("view",)),
    ("mentoring", "surveyresponse", ("view",)),
    ("api", "apitoken", ("view",)),
    ("api", "webhook", ("view",)),
]


def _make_permissions(apps, app_label: str, using: str) -> None:
    # Django makes a new model's permissions after the whole `migrate` (post_migrate): when these
    # models arrive in the same run, their permissions do not exist yet. The historical app
    # configs carry no models module, which create_permissions takes to mean "no models".
    config = apps.get_app_config(app_label)
    models_module = getattr(config, "models_module", None)
    config.models_module = models_module or True
    try:
        create_permissions(config, verbosity=0, using=using, apps=apps)
    finally:
        config.models_module = models_module


def grant_admin_pages(apps, schema_editor) -> None:
    group = apps.get_model("auth", "Group").objects.filter(name=ORGANISER_GROUP).first()
    if group is None:  # a new installation: the group is made later, with these
        return
    for app_label in sorted({entry[0] for entry in ADMIN_PAGES}):
        _make_permissions(apps, app_label, schema_editor.connection.alias)
    grant(group, ADMIN_PAGES, apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_tokens_and_webhooks"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mentoring", "0022_calendar_feed_drop_plain_token"),
    ]

    # Backwards leaves the group as it is: the admin may have granted these by hand before.
    operations = [migrations.RunPython(grant_admin_pages, migrations.RunPython.noop)]
