"""Each existing rubric requires the total its weights have now, so no rubric in use breaks.

Weights used to be relative (any sum); from now on a rubric states the total its criteria must
reach (100 by default), and the admin and the scoring service refuse any other sum.
"""

from django.db import migrations
from django.db.models import Sum


def weight_total_from_criteria(apps, schema_editor):
    Rubric = apps.get_model("mentoring", "Rubric")
    for rubric in Rubric.objects.annotate(total=Sum("criteria__weight")).filter(total__gt=0):
        if rubric.total != rubric.weight_total:
            Rubric.objects.filter(pk=rubric.pk).update(weight_total=rubric.total)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0008_rubric_versions_and_kept_records"),
    ]

    operations = [
        migrations.RunPython(weight_total_from_criteria, migrations.RunPython.noop),
    ]
