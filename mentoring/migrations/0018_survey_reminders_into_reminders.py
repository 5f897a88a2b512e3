"""The survey reminders become rows of the one reminder model (kind "survey")."""

from __future__ import annotations

from django.db import migrations


def move(apps, schema_editor):
    SurveyReminder = apps.get_model("mentoring", "SurveyReminder")
    Reminder = apps.get_model("milestones", "Reminder")
    taken = set(Reminder.objects.values_list("recipient_id", "sent_on"))
    rows = []
    for old in SurveyReminder.objects.order_by("pk").iterator():
        # A day that already has a digest keeps it: from now on a person has one reminder a
        # day, and the digest's row is the one its requeue rule looks at.
        if (old.recipient_id, old.sent_on) in taken:
            continue
        taken.add((old.recipient_id, old.sent_on))
        rows.append(
            Reminder(
                recipient_id=old.recipient_id,
                kind="survey",
                sent_on=old.sent_on,
                items=old.items,
                sent_at=old.sent_at,
                delivery_id=old.delivery_id,
            )
        )
    Reminder.objects.bulk_create(rows, batch_size=500)


def move_back(apps, schema_editor):
    SurveyReminder = apps.get_model("mentoring", "SurveyReminder")
    Reminder = apps.get_model("milestones", "Reminder")
    survey = Reminder.objects.filter(kind="survey")
    SurveyReminder.objects.bulk_create(
        [
            SurveyReminder(
                recipient_id=row.recipient_id,
                sent_on=row.sent_on,
                items=row.items,
                sent_at=row.sent_at,
                delivery_id=row.delivery_id,
            )
            for row in survey
        ],
        batch_size=500,
    )
    survey.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0017_fill_project_summary_columns"),
        ("milestones", "0005_reminder_kind"),
    ]

    operations = [migrations.RunPython(move, move_back)]
