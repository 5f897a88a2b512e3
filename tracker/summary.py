"""The summary columns a project keeps of its plan and grades, and the one rule that fills them.

`ChangeProject.milestones_total`, `milestones_accepted`, `progress` and `predikat` are what the
project list sorts and filters on and what the dashboards total: read from the row, they cost
the same for 100,000 projects as for ten. They are copies, so every service that changes a
project's milestones or grades calls `refresh` in its transaction, under the project's row lock;
`manage.py summary --check` finds rows that drifted and `--repair` fixes them.

`participant_name`, the participant's full name that the list sorts by, is copied by database
triggers instead, whoever writes (a profile page, the admin, an import, SQL by hand): a project
inserted or given another participant reads the name, and a user's new name is copied onto each
of their projects. The triggers are made after every `migrate` (SQLite drops a table's triggers
when a migration remakes it), and every row is filled afresh whenever one was missing.

Overdue and stuck depend on today's date. Overdue is kept as the date it begins (`open_due_on`,
the earliest due date not yet met), so "has an overdue milestone" is a test on the row; how many
are overdue, and stuck (which weighs each milestone's last activity), are counted for the rows a
page shows (`milestones.selectors.projects_with_flags`).

The plan and the grades belong to higher apps (milestones, mentoring): they are reached through
the project's reverse relations, never imported.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from tracker.models import ChangeProject, User

# The stored columns, in the order `fresh` computes them.
COLUMNS = (
    "milestones_total",
    "milestones_accepted",
    "progress",
    "predikat",
    "open_due_on",
    "participant_name",
)


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
        "participant_name": Subquery(
            User.objects.filter(pk=OuterRef("participant_id")).values("full_name")[:1]
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


# --- the participant's name, copied by the database ---------------------------------------------

_PROJECT = ChangeProject._meta.db_table
_USER = User._meta.db_table
_NAME = f"(SELECT full_name FROM {_USER} WHERE id = new.participant_id)"

# name -> CREATE statements. On SQLite an AFTER trigger mends the row Django wrote (it cannot
# change NEW); recursive triggers are off, so the mend does not fire its own trigger again.
NAME_TRIGGERS = {
    "sqlite": {
        "project_participant_name_insert": [
            f"CREATE TRIGGER project_participant_name_insert AFTER INSERT ON {_PROJECT} "
            f"FOR EACH ROW BEGIN UPDATE {_PROJECT} SET participant_name = {_NAME} "
            "WHERE id = new.id; END"
        ],
        "project_participant_name_update": [
            "CREATE TRIGGER project_participant_name_update "
            f"AFTER UPDATE OF participant_id, participant_name ON {_PROJECT} FOR EACH ROW "
            f"WHEN new.participant_name IS NOT {_NAME} "
            f"BEGIN UPDATE {_PROJECT} SET participant_name = {_NAME} WHERE id = new.id; END"
        ],
        "user_full_name_to_projects": [
            f"CREATE TRIGGER user_full_name_to_projects AFTER UPDATE OF full_name ON {_USER} "
            "FOR EACH ROW WHEN old.full_name IS NOT new.full_name "
            f"BEGIN UPDATE {_PROJECT} SET participant_name = new.full_name "
            "WHERE participant_id = new.id; END"
        ],
    },
    "postgresql": {
        "project_participant_name": [
            "CREATE OR REPLACE FUNCTION project_participant_name() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN new.participant_name := {_NAME}; RETURN new; END $$",
            "CREATE TRIGGER project_participant_name "
            f"BEFORE INSERT OR UPDATE OF participant_id, participant_name ON {_PROJECT} "
            "FOR EACH ROW EXECUTE FUNCTION project_participant_name()",
        ],
        "user_full_name_to_projects": [
            "CREATE OR REPLACE FUNCTION user_full_name_to_projects() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {_PROJECT} SET participant_name = "
            "new.full_name WHERE participant_id = new.id; RETURN NULL; END $$",
            f"CREATE TRIGGER user_full_name_to_projects AFTER UPDATE OF full_name ON {_USER} "
            "FOR EACH ROW WHEN (old.full_name IS DISTINCT FROM new.full_name) "
            "EXECUTE FUNCTION user_full_name_to_projects()",
        ],
    },
}
# The names of the triggers a database holds (reports/figures.py asks the same).
PRESENT_TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger'",
    "postgresql": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
}


def ensure_name_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Make the name triggers where missing, then fill every project's name afresh (changes may
    have gone unseen meanwhile); whether any was missing."""
    triggers = NAME_TRIGGERS.get(connection.vendor)
    tables = set(connection.introspection.table_names())
    if triggers is None or not {_PROJECT, _USER} <= tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute(PRESENT_TRIGGERS[connection.vendor])
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in triggers if name not in present]
        for name in missing:
            for statement in triggers[name]:
                cursor.execute(statement)
    if missing:
        ChangeProject.objects.using(connection.alias).exclude(
            participant_name=F("participant__full_name")
        ).update(participant_name=fresh()["participant_name"])
    return bool(missing)


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """The `post_migrate` receiver (sent once per app: the tracker app's is enough)."""
    if sender.name == "tracker":
        ensure_name_triggers(connections[using])
