"""Whoever examined a seminar before the pool existed joins the pool of that seminar's
institution, so upgrading leaves no institution without the examiners it used."""

from __future__ import annotations

from django.db import migrations


def seed(apps, schema_editor):
    Seminar = apps.get_model("tracker", "Seminar")
    PoolExaminer = apps.get_model("tracker", "PoolExaminer")
    pairs = set(
        Seminar.examiners.through.objects.values_list("seminar__cohort__institution", "user_id")
    )
    PoolExaminer.objects.bulk_create(
        [PoolExaminer(institution=institution, person_id=user) for institution, user in pairs],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0010_examiner_pool")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
