"""Only the digest of a calendar feed token is kept."""

from __future__ import annotations

from django.db import migrations, models


def revoke_all(apps, schema_editor):
    apps.get_model("mentoring", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0021_calendar_feed_digest")]

    operations = [
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="digest",
            field=models.CharField(max_length=64, unique=True, verbose_name="sidik token"),
        ),
        # Backwards, first of all: the plain tokens cannot come back, so the feeds are revoked
        # (people make new ones) before the token column returns.
        migrations.RunPython(migrations.RunPython.noop, revoke_all),
    ]
