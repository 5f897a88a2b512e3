"""Only the digest of a calendar feed token is kept."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0018_calendar_feed_digest")]

    operations = [
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="digest",
            field=models.CharField(max_length=64, unique=True, verbose_name="sidik token"),
        ),
    ]
