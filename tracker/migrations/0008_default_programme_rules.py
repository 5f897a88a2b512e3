"""Seed each programme's rules with Jejak's defaults, marked as defaults for the operator to check
against the regulation (the official numbers are not in public text)."""

from __future__ import annotations

import datetime

from django.db import migrations

# Frozen here: a data migration must not follow later edits of the application's defaults.
DEFAULTS = [
    ("pkn1", "Peraturan LAN 5/2022 jo. 6/2022", 60, True, True),
    ("pkn2", "Peraturan LAN 5/2022 jo. 6/2022", 60, True, True),
    ("pka", "Peraturan LAN 5/2022 jo. 6/2022", 60, True, True),
    ("pkp", "Peraturan LAN 5/2022 jo. 6/2022", 60, True, True),
    ("latsar", "Peraturan LAN 1/2021", 30, False, False),
]


def seed(apps, schema_editor):
    ProgrammeRules = apps.get_model("tracker", "ProgrammeRules")
    for programme, regulation, days, medium, long in DEFAULTS:
        ProgrammeRules.objects.get_or_create(
            programme=programme,
            regulation=regulation,
            defaults={
                "effective_from": datetime.date(2019, 1, 1),
                "is_default": True,
                "implementation_days": days,
                "uses_medium_term": medium,
                "uses_long_term": long,
                "deferral_days": 30,
                "resubmissions_allowed": 1,
                "lapse_outcome": "failed",
                "due_soon_days": 7,
                "escalation_days": 7,
            },
        )


def unseed(apps, schema_editor):
    ProgrammeRules = apps.get_model("tracker", "ProgrammeRules")
    ProgrammeRules.objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_programme_rules")]

    operations = [migrations.RunPython(seed, unseed)]
