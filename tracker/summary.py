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

Each milestone's `last_activity_at` (the latest of its creation, its steps and its evidence)
and `submitted_at` (its latest submission) are copied by triggers too: a step or a piece of
evidence added, changed or removed recomputes them, and a milestone written from a stale copy is
put right. So are a project's REVIEW_COLUMNS, whose sign-off its review awaits and since when,
from its state, its submissions and their sign-offs. `Copied` builds both groups' triggers.

What a reviewer's home counts is then on their projects' rows, never in every milestone's
history: how many milestones wait on them and since when the oldest of each project has
(`milestones_submitted`, `review_waiting_since`), whether a project lags (`open_due_on`,
`idle_since`: the moment its first milestone not accepted was due under way and had gone quiet),
and the sign-offs they owe.

Overdue and stuck depend on today's date, so they are kept as the moment they begin: "has an
overdue milestone" and "has a stuck one" are tests on the row against today. How many of its
milestones are overdue or stuck are counted for the rows a page shows
(`milestones.selectors.projects_with_flags`).

The plan and the grades belong to higher apps (milestones, mentoring): they are reached through
the project's reverse relations, never imported.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf
from django.utils import timezone

from tracker.models import ChangeProject, TransitionLog, User

# The stored columns, in the order `fresh` computes them.
COLUMNS = (
    "milestones_total",
    "milestones_accepted",
    "progress",
    "predikat",
    "open_due_on",
    "milestones_submitted",
    "review_waiting_since",
    "idle_since",
    "review_opened_at",
    "awaits_coach_signoff",
    "awaits_mentor_signoff",
    "participant_name",
)
# Those the database keeps by triggers, whoever writes, and the states they concern.
REVIEW_COLUMNS = ("review_opened_at", "awaits_coach_signoff", "awaits_mentor_signoff")
REVIEW_STATES = ChangeProject.REVIEW_STATES
# A microsecond, the columns' resolution: "idle since" is just after the last activity.
INSTANT = datetime.timedelta(microseconds=1)


def count_of(queryset: QuerySet) -> Subquery:
    """COUNT(*) of a correlated queryset as a subquery: no join, no GROUP BY on the outer list."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def fresh() -> dict[str, BaseExpression]:
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
        "milestones_submitted": count_of(own.filter(state="submitted")),
        # A milestone submitted without a step (seeded, imported) waits since its last change.
        "review_waiting_since": Subquery(
            own.filter(state="submitted")
            .annotate(since=Coalesce("submitted_at", "updated_at"))
            .order_by("since")
            .values("since")[:1]
        ),
        "idle_since": Subquery(
            own.exclude(state="accepted")
            .annotate(idle=Greatest(_midnight("start_date"), F("last_activity_at") + INSTANT))
            .order_by("idle")
            .values("idle")[:1]
        ),
        **_review_fresh(),
        "participant_name": Subquery(
            User.objects.filter(pk=OuterRef("participant_id")).values("full_name")[:1]
        ),
    }


def _review_fresh() -> dict[str, BaseExpression]:
    """REVIEW_COLUMNS as the triggers compute them: in a review, the transition that opened it
    (the latest into the project's state), and whether each signing role has signed it."""
    signoff = ChangeProject._meta.get_field("signoffs").related_model
    opening = TransitionLog.objects.filter(
        project=OuterRef("pk"), to_state=OuterRef("state")
    ).order_by("-pk")
    in_review = Q(state__in=REVIEW_STATES)

    # The same transition, named from inside the sign-off's subquery (one level further out).
    opened = TransitionLog.objects.filter(
        project=OuterRef(OuterRef("pk")), to_state=OuterRef(OuterRef("state"))
    ).order_by("-pk")

    def awaits(role: str) -> ExpressionWrapper:
        signed = signoff._default_manager.filter(
            role=role, submission=Subquery(opened.values("pk")[:1])
        )
        return ExpressionWrapper(in_review & ~Exists(signed), output_field=BooleanField())

    return {
        "review_opened_at": Case(
            When(
                in_review, then=Coalesce(Subquery(opening.values("created_at")[:1]), "created_at")
            ),
            default=None,
            output_field=DateTimeField(),
        ),
        "awaits_coach_signoff": awaits("coach"),
        "awaits_mentor_signoff": awaits("mentor"),
    }


def _midnight(day: str) -> ExpressionWrapper:
    """The local midnight that begins a date column's day, as a moment. Indonesia's time zones
    (the only ones TIME_ZONE allows) keep one offset all year; the database counts in UTC."""
    offset = timezone.get_default_timezone().utcoffset(datetime.datetime(2000, 1, 1))
    return ExpressionWrapper(
        Cast(day, DateTimeField()) - Value(offset, DurationField()), output_field=DateTimeField()
    )


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
    return _differing(projects, fresh(), COLUMNS)


def _differing(rows: QuerySet, computed: dict, columns: tuple[str, ...]) -> QuerySet:
    """The rows whose stored `columns` differ from the `computed` expressions (as fresh_*)."""
    differs = Q()
    for name in columns:
        fresh_name = f"fresh_{name}"
        # NULL is never equal to anything in SQL: a NULL on one side only is drift too.
        differs |= ~Q(**{name: F(fresh_name)}) & Q(
            **{f"{name}__isnull": False, f"{fresh_name}__isnull": False}
        )
        differs |= Q(**{f"{name}__isnull": True}) ^ Q(**{f"{fresh_name}__isnull": True})
    annotations = {f"fresh_{name}": expression for name, expression in computed.items()}
    return rows.annotate(**annotations).filter(differs).order_by("pk")


# --- a milestone's last activity and latest submission, copied by the database -------------------

MILESTONE_COLUMNS = ("last_activity_at", "submitted_at")


def _milestone_models() -> tuple[type[Model], type[Model], type[Model]]:
    """Milestone, its steps and its evidence (a higher app's: reached, never imported)."""
    milestone = ChangeProject._meta.get_field("milestones").related_model
    fields = milestone._meta
    return (
        milestone,
        fields.get_field("logs").related_model,
        fields.get_field("evidence").related_model,
    )


def milestone_fresh() -> dict[str, BaseExpression]:
    """The milestone columns computed from its steps and evidence, as the triggers do."""
    _milestone, log, evidence = _milestone_models()
    steps = log._default_manager.filter(milestone=OuterRef("pk")).order_by("-created_at")
    latest_evidence = (
        evidence._default_manager.filter(milestone=OuterRef("pk"))
        .order_by("-uploaded_at")
        .values("uploaded_at")[:1]
    )

    def latest(query) -> Subquery:
        return Subquery(query, output_field=DateTimeField())

    return {
        "last_activity_at": Greatest(
            "created_at",
            Coalesce(latest(steps.values("created_at")[:1]), "created_at"),
            Coalesce(latest(latest_evidence), "created_at"),
        ),
        "submitted_at": latest(steps.filter(to_state="submitted").values("created_at")[:1]),
    }


def drifted_milestones() -> QuerySet:
    """The milestones whose stored activity columns differ from a fresh computation."""
    milestone, _log, _evidence = _milestone_models()
    return _differing(milestone._default_manager.all(), milestone_fresh(), MILESTONE_COLUMNS)


def refresh_milestones(milestones: QuerySet) -> int:
    """Store the milestones' activity columns afresh (repairs: the triggers keep them)."""
    return milestones.order_by().update(**milestone_fresh())


# --- the participant's name, copied by the database ---------------------------------------------

_PROJECT = ChangeProject._meta.db_table
_USER = User._meta.db_table
_LOG = TransitionLog._meta.db_table
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


@dataclass(frozen=True)
class Copied:
    """Columns of `table` that triggers compute from its own row and from `children` (tables
    whose rows point at it through `key`): `columns` maps each column to its SQL, given how to
    name the row (`new`, or the table) and the database's vendor. A row inserted or written
    from a stale copy is put right; a child added, changed (its `watched` columns) or removed
    recomputes the row it points at, and the one it pointed at before."""

    name: str
    table: str
    columns: dict[str, Callable[[str, str], str]]
    own: tuple[str, ...]
    children: dict[str, tuple[str, str, tuple[str, ...]]]

    def statements(self, vendor: str) -> dict[str, list[str]]:
        return self._sqlite() if vendor == "sqlite" else self._postgresql()

    def _store(self, vendor: str) -> str:
        values = ", ".join(
            f"{name} = {sql(self.table, vendor)}" for name, sql in self.columns.items()
        )
        return f"UPDATE {self.table} SET {values}"

    def _sqlite(self) -> dict[str, list[str]]:
        store = self._store("sqlite")
        stale = " OR ".join(
            f"new.{name} IS NOT {sql('new', 'sqlite')}" for name, sql in self.columns.items()
        )
        watched = ", ".join([*self.own, *self.columns])
        triggers = {}
        for suffix, event in (("insert", "INSERT"), ("update", f"UPDATE OF {watched}")):
            name = f"{self.name}_{suffix}"
            triggers[name] = [
                f"CREATE TRIGGER {name} AFTER {event} ON {self.table} FOR EACH ROW "
                f"WHEN {stale} BEGIN {store} WHERE id = new.id; END"
            ]
        for short, (table, key, columns) in self.children.items():
            for suffix, event, rows in (
                ("insert", "INSERT", f"new.{key}"),
                ("delete", "DELETE", f"old.{key}"),
                ("update", f"UPDATE OF {', '.join(columns)}", f"old.{key}, new.{key}"),
            ):
                name = f"{self.name}_{short}_{suffix}"
                triggers[name] = [
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                    f"BEGIN {store} WHERE id IN ({rows}); END"
                ]
        return triggers

    def _postgresql(self) -> dict[str, list[str]]:
        store = self._store("postgresql")
        assign = " ".join(
            f"new.{name} := {sql('new', 'postgresql')};" for name, sql in self.columns.items()
        )
        watched = ", ".join([*self.own, *self.columns])
        triggers = {
            self.name: [
                f"CREATE OR REPLACE FUNCTION {self.name}() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN {assign} RETURN new; END $$",
                f"CREATE TRIGGER {self.name} BEFORE INSERT OR UPDATE OF {watched} "
                f"ON {self.table} FOR EACH ROW EXECUTE FUNCTION {self.name}()",
            ]
        }
        for short, (table, key, columns) in self.children.items():
            name = f"{self.name}_{short}"
            triggers[name] = [
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF TG_OP <> 'INSERT' THEN {store} WHERE id = old.{key}; END IF; "
                f"IF TG_OP <> 'DELETE' THEN {store} WHERE id = new.{key}; END IF; "
                "RETURN NULL; END $$",
                f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
            ]
        return triggers


def _milestone_activity() -> Copied:
    """MILESTONE_COLUMNS, from the milestone's steps and evidence."""
    milestone, log, evidence = (model._meta.db_table for model in _milestone_models())

    def latest(column: str, table: str, row: str, also: str = "") -> str:
        return f"(SELECT MAX({column}) FROM {table} WHERE milestone_id = {row}.id{also})"

    def activity(row: str, vendor: str) -> str:
        greatest = {"sqlite": "MAX", "postgresql": "GREATEST"}[vendor]
        return (
            f"{greatest}({row}.created_at, "
            f"COALESCE({latest('created_at', log, row)}, {row}.created_at), "
            f"COALESCE({latest('uploaded_at', evidence, row)}, {row}.created_at))"
        )

    return Copied(
        name="milestone_activity",
        table=milestone,
        columns={
            "last_activity_at": activity,
            "submitted_at": lambda row, _vendor: latest(
                "created_at", log, row, " AND to_state = 'submitted'"
            ),
        },
        own=("created_at",),
        children={
            "log": (log, "milestone_id", ("milestone_id", "created_at", "to_state")),
            "evidence": (evidence, "milestone_id", ("milestone_id", "uploaded_at")),
        },
    )


def _review_signoffs() -> Copied:
    """REVIEW_COLUMNS, from the project's state, its submissions and their sign-offs."""
    signoff = ChangeProject._meta.get_field("signoffs").related_model._meta.db_table
    in_review = ", ".join(f"'{state}'" for state in REVIEW_STATES)

    def opening(row: str, column: str) -> str:
        return (
            f"(SELECT {column} FROM {_LOG} WHERE project_id = {row}.id "
            f"AND to_state = {row}.state ORDER BY id DESC LIMIT 1)"
        )

    def awaits(role: str) -> Callable[[str, str], str]:
        return lambda row, _vendor: (
            f"({row}.state IN ({in_review}) AND NOT EXISTS (SELECT 1 FROM {signoff} "
            f"WHERE role = '{role}' AND submission_id = {opening(row, 'id')}))"
        )

    return Copied(
        name="project_review",
        table=_PROJECT,
        columns={
            # A project put in review without a submission (by hand) waits since it was made.
            "review_opened_at": lambda row, _vendor: (
                f"CASE WHEN {row}.state IN ({in_review}) "
                f"THEN COALESCE({opening(row, 'created_at')}, {row}.created_at) END"
            ),
            "awaits_coach_signoff": awaits("coach"),
            "awaits_mentor_signoff": awaits("mentor"),
        },
        own=("state",),
        children={
            "log": (_LOG, "project_id", ("project_id", "to_state")),
            "signoff": (signoff, "project_id", ("project_id", "submission_id", "role")),
        },
    )


def _refill_names(alias: str) -> None:
    ChangeProject.objects.using(alias).exclude(participant_name=F("participant__full_name")).update(
        participant_name=fresh()["participant_name"]
    )


def _refill_reviews(alias: str) -> None:
    ChangeProject.objects.using(alias).update(**{name: fresh()[name] for name in REVIEW_COLUMNS})


def _refill_activity(alias: str) -> None:
    milestone, _log, _evidence = _milestone_models()
    refresh_milestones(milestone._default_manager.using(alias).all())
    # What the projects keep of it (idle_since, review_waiting_since) may have moved too.
    refresh_many(ChangeProject.objects.using(alias).all())


def _kept_by_triggers(
    vendor: str,
) -> list[tuple[set[type[Model]], dict[str, list[str]], Callable[[str], None]]]:
    """Each group of triggers: the models whose tables it reads and writes, its statements by
    name, and how to fill its columns afresh when one was missing (changes may have gone unseen
    meanwhile)."""
    if vendor not in NAME_TRIGGERS:
        return []
    milestone, log, evidence = _milestone_models()
    signoff = ChangeProject._meta.get_field("signoffs").related_model
    return [
        ({ChangeProject, User}, NAME_TRIGGERS[vendor], _refill_names),
        (
            {milestone, log, evidence, ChangeProject},
            _milestone_activity().statements(vendor),
            _refill_activity,
        ),
        (
            {ChangeProject, TransitionLog, signoff},
            _review_signoffs().statements(vendor),
            _refill_reviews,
        ),
    ]


def migrated(connection: BaseDatabaseWrapper, models: set[type[Model]]) -> bool:
    """Whether the models' tables hold every column the code knows (not so while a migration
    is undone, or an app is migrated only part of the way)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for model in models:
            if model._meta.db_table not in tables:
                return False
            held = {
                column.name
                for column in connection.introspection.get_table_description(
                    cursor, model._meta.db_table
                )
            }
            if {field.column for field in model._meta.concrete_fields} - held:
                return False
    return True


def ensure_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Make the triggers where missing, then fill the columns of each group that missed one
    afresh; whether any was missing."""
    groups = [
        group for group in _kept_by_triggers(connection.vendor) if migrated(connection, group[0])
    ]
    if not groups:
        return False
    with connection.cursor() as cursor:
        cursor.execute(PRESENT_TRIGGERS[connection.vendor])
        present = {row[0] for row in cursor.fetchall()}
    found = False
    for _models, triggers, refill in groups:
        missing = [name for name in triggers if name not in present]
        with connection.cursor() as cursor:
            for name in missing:
                for statement in triggers[name]:
                    cursor.execute(statement)
        if missing:
            refill(connection.alias)
            found = True
    return found


# The name and table of each trigger, as the statements above make them.
_CREATED = re.compile(r"CREATE TRIGGER (\w+) .*? ON (\w+)")


def drop_triggers(connection: BaseDatabaseWrapper, triggers: dict[str, list[str]] | None = None):
    """Drop the triggers (all of them, or those of one group's statements) where present."""
    if triggers is None:
        triggers = {}
        for _models, group, _refill in _kept_by_triggers(connection.vendor):
            triggers.update(group)
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for statements in triggers.values():
            for name, table in _CREATED.findall(" ".join(statements)):
                if table in tables:
                    on = f" ON {table}" if connection.vendor == "postgresql" else ""
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def before_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    """The `pre_migrate` receiver: when migrations will run, the triggers go first (they name
    columns a migration may drop or rename; SQLite refuses to drop one a trigger names), and
    `after_migrate` makes them again, filling their columns afresh."""
    if sender.name == "tracker" and plan:
        drop_triggers(connections[using])


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """The `post_migrate` receiver (sent once per app: the tracker app's is enough)."""
    if sender.name == "tracker":
        ensure_triggers(connections[using])
