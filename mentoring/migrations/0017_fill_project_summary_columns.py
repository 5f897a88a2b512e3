"""Fill the projects' new summary columns (tracker 0014) from their milestones and grades.

The rule is `tracker.summary.fresh`, written out here against the historical models: a
migration must not change when that module does.
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import F, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf


def fill(apps, schema_editor):
    ChangeProject = apps.get_model("tracker", "ChangeProject")
    Milestone = apps.get_model("milestones", "Milestone")
    SeminarGrade = apps.get_model("mentoring", "SeminarGrade")

    def count(queryset):
        return Subquery(
            queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        )

    own = Milestone.objects.filter(project=OuterRef("pk"))
    total, accepted = count(own), count(own.filter(state="accepted"))
    latest = SeminarGrade.objects.filter(project=OuterRef("pk")).order_by("-pk")
    ChangeProject.objects.update(
        milestones_total=total,
        milestones_accepted=accepted,
        progress=Coalesce(
            accepted * Value(100) / NullIf(total, Value(0)), Value(0), output_field=IntegerField()
        ),
        predikat=Coalesce(Subquery(latest.values("predikat")[:1]), Value("")),
        open_due_on=Subquery(
            own.exclude(state="accepted").order_by("due_date").values("due_date")[:1]
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0016_default_proposal_rubrics"),
        ("milestones", "0004_milestone_core_values"),
        ("tracker", "0016_project_summary_columns"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
