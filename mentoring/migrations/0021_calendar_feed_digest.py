"""Calendar feed tokens are stored as their digest: every existing token is hashed, so the
subscriptions people made keep working, and the plain token is dropped in the next migration."""

from __future__ import annotations

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("mentoring", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token").iterator():
        # The same digest as tracker.models.token_digest (a migration keeps its own copy).
        digest = hashlib.sha256(feed.token.encode()).hexdigest()
        CalendarFeed.objects.filter(pk=feed.pk).update(digest=digest)


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0020_role_choices_gain_system")]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="digest",
            field=models.CharField(max_length=64, null=True, verbose_name="sidik token"),
        ),
        # Backwards there is nothing left to undo: the next migration revoked every feed.
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
    ]
