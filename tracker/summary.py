"""The summary columns a project keeps of its plan and grades, and the one rule that fills them.

`ChangeProject.milestones_total`, `milestones_accepted`, `progress` and `predikat` are what the
project list sorts and filters on and what the dashboards total: read from the row, they cost
the same for 100,000 projects as for ten. They are copies, so every service that changes a
project's milestones or grades calls `refresh` in its transaction, under the project's row lock;
`manage.py summary --check` finds rows that drifted and `--repair` fixes them.

Overdue and stuck depend on today's date. Overdue is kept as the date it begins (`open_due_on`,
the earliest due date not yet met), so "has an overdue milestone" is a test on the row; how many
are overdue, and stuck (which weighs each milestone's last activity), are counted for the rows a
page shows (`milestones.selectors.projects_with_flags`).

The plan and the grades belong to higher apps (milestones, mentoring): they are reached through
the project's reverse relations, never imported.
"""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from tracker.models import ChangeProject

# The stored columns, in the order `fresh` computes them.
COLUMNS = ("milestones_total", "milestones_accepted", "progress", "predikat", "open_due_on")


def count_of(queryset: QuerySet) -> Subquery:
    """COUNT(*) of a correlated queryset as a subquery: no join, no GROUP BY on the outer list."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def fresh() -> dict[str, Func | Subquery]:
    """The summary columns computed from the milestones and grades, as expressions on a project
    row: for `.update(**fresh())` and for comparing with what is stored."""
    milestone = ChangeProject._meta.get_field("milestones").related_model
    grade = ChangeProject._meta.get_field("seminar_grades").related_model
    own = milestone._default_manager.filter(project=OuterRef("pk"))
    total = count_of(own)
    accepted = count_of(own.filter(state="accepted"))
    latest = grade._default_manager.filter(project=OuterRef("pk")).order_by("-pk")
    return {
        "milestones_total": total,
        "milestones_accepted": accepted,
        # Rounded down, 0 without milestones: the share a project page shows.
        "progress": Coalesce(
            accepted * Value(100) / NullIf(total, Value(0)),
            Value(0),
            output_field=IntegerField(),
        ),
        # The predikat of the latest results-seminar grade, or empty before the first.
        "predikat": Coalesce(Subquery(latest.values("predikat")[:1]), Value("")),
        "open_due_on": Subquery(
            own.exclude(state="accepted").order_by("due_date").values("due_date")[:1]
        ),
    }


def refresh(project_id: int) -> None:
    """Store the project's summary columns afresh; call it in the transaction that changed its
    milestones or grades, after taking the project's row lock."""
    refresh_many(ChangeProject.objects.filter(pk=project_id))


def refresh_many(projects: QuerySet[ChangeProject]) -> int:
    """Store the summary columns of many projects in one UPDATE (bulk seeding, repairs)."""
    return projects.order_by().update(**fresh())


def drifted(projects: QuerySet[ChangeProject] | None = None) -> QuerySet[ChangeProject]:
    """The projects whose stored summary columns differ from a fresh computation."""
    projects = ChangeProject.objects.all() if projects is None else projects
    computed = {f"fresh_{name}": expression for name, expression in fresh().items()}
    differs = Q()
    for name in COLUMNS:
        fresh_name = f"fresh_{name}"
        # NULL is never equal to anything in SQL: a NULL on one side only is drift too.
        differs |= ~Q(**{name: F(fresh_name)}) & Q(
            **{f"{name}__isnull": False, f"{fresh_name}__isnull": False}
        )
        differs |= Q(**{f"{name}__isnull": True}) ^ Q(**{f"{fresh_name}__isnull": True})
    return projects.annotate(**computed).filter(differs).order_by("pk")
