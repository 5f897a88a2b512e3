"""Each agency's dashboard figures, kept in one row per agency (`AgencyFigures`), so the agency
head's home and the admin's overview read a row per agency, not every project, milestone and
survey answer.

A row holds the agency's own projects per state and predikat, its plan per term with what is
overdue that day, the milestones accepted in each month of the trend, and what its post-training
figures are made of (surveys answered, excused and late, mean scores, sustainability, barriers,
conclusions). It is a copy, kept true in two steps:
- database triggers on projects, milestones and the post-training surveys (`WATCHED`) append
  the agency's id to `AgencyFiguresMark` on every change that moves a figure, whoever makes it
  (services, the admin, imports, a bulk UPDATE);
- `refresh` recomputes, in one grouped pass, the rows that are marked or were computed before
  today (overdue and the trend's months move with the date), then deletes exactly the marks it
  read: a mark written meanwhile, by a change it may not have seen, stays for the next reader.
`manage.py agency_figures` recomputes every row (its timer runs after midnight, so the day's
first reader waits for nothing); `--check` compares the rows with a fresh computation.

Each agency also keeps its whole subtree's counts added up (`AgencySubtreeCount`), so a
province's head and the admin read a few rows, not a thousand units'. Whoever stores units'
counts moves the sums above them by the difference, in the same transaction and in place
(`count = count + change`, so two readers moving one sum both count); the night's recount adds
them all up afresh, and so does the next reader after an agency is given another parent (a
trigger marks that as TREE_CHANGED). `--check` compares the sums with the stored counts too.

The triggers are made after every `migrate` (a `post_migrate` receiver), not by one migration:
SQLite remakes a table to change its columns, which drops the table's triggers. Whenever one had
to be made again, every agency is marked, as changes may have gone unseen meanwhile. (On
PostgreSQL a migration that drops a watched column must drop its trigger first; the receiver
makes it again.)
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields

from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from mentoring.models import (
    ImpactConclusion,
    SurveyAnswer,
    SurveyExcusal,
    SurveyResponse,
    SurveyRound,
)
from milestones.models import Milestone
from milestones.selectors import (
    TermTotals,
    accepted_per_month,
    all_terms,
    milestone_terms,
    recent_months,
)
from reports.documents.project_lines import TREND_MONTHS
from reports.impact import impact_counts_by
from reports.models import (
    AgencyFigureCount,
    AgencyFigures,
    AgencyFiguresMark,
    AgencySubtreeCount,
)
from tracker.models import Agency, ChangeProject, lineage_sql
from tracker.summary import PRESENT_TRIGGERS, migrated

logger = logging.getLogger(__name__)


@dataclass
class Figures:
    """The figures of one agency, or of several added up."""

    # (state, predikat) -> projects; predikat is "" before the results seminar's grade.
    projects: Counter[tuple[str, str]] = field(default_factory=Counter)
    terms: dict[str, TermTotals] = field(default_factory=dict)
    # The first day of a month -> milestones accepted in it, over the trend's months.
    months: Counter[datetime.date] = field(default_factory=Counter)
    # What the post-training figures are made of (`reports.impact.impact_counts_by`).
    impact: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.projects.values())

    @property
    def states(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (state, _predikat), count in self.projects.items():
            counts[state] += count
        return counts

    @property
    def grades(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (_state, predikat), count in self.projects.items():
            if predikat:
                counts[predikat] += count
        return counts

    @property
    def plan(self) -> TermTotals:
        """Every term added up."""
        return all_terms(self.terms)

    def counts(self) -> dict[str, int]:
        """The figures as named counts, one `AgencyFigureCount` row each (zeros left out)."""
        counts = {f"p|{state}|{predikat}": n for (state, predikat), n in self.projects.items()}
        for term, totals in self.terms.items():
            for name in TERM_COUNTS:
                counts[f"t|{term}|{name}"] = getattr(totals, name)
        counts.update({f"m|{month.isoformat()}": n for month, n in self.months.items()})
        counts.update({f"i|{name}": n for name, n in self.impact.items()})
        return {key: n for key, n in counts.items() if n}

    @classmethod
    def from_counts(cls, counts: Iterable[tuple[str, int]]) -> Figures:
        figures = cls()
        for key, n in counts:
            kind, rest = key.split("|", 1)
            if kind == "p":
                state, predikat = rest.split("|", 1)
                figures.projects[state, predikat] += n
            elif kind == "t":
                term, name = rest.split("|", 1)
                totals = figures.terms.setdefault(term, TermTotals())
                setattr(totals, name, getattr(totals, name) + n)
            elif kind == "i":
                figures.impact[rest] += n
            else:
                figures.months[datetime.date.fromisoformat(rest)] += n
        return figures


# The counts of a term that are kept: `TermTotals`' fields.
TERM_COUNTS = tuple(term_field.name for term_field in fields(TermTotals))


def added_up(many: Iterable[Figures]) -> Figures:
    """The figures added up, in place: a thousand units cost a thousand small updates."""
    together = Figures()
    for one in many:
        together.projects.update(one.projects)
        together.months.update(one.months)
        together.impact.update(one.impact)
        for term, totals in one.terms.items():
            together.terms[term] = together.terms.get(term, TermTotals()) + totals
    return together


def compute(
    agencies: Collection[int] | None, *, now: datetime.datetime | None = None
) -> dict[int, Figures]:
    """The figures of these agencies (every agency under None) counted afresh from their
    projects, milestones and post-training surveys, for the agencies that have projects; nine
    queries."""
    now = now or timezone.now()
    projects = ChangeProject.objects.all()
    if agencies is not None:
        projects = projects.filter(agency_id__in_ids=agencies)
    figures: dict[int, Figures] = {}

    def of(agency: int) -> Figures:
        return figures.setdefault(agency, Figures())

    for agency, state, predikat, count in (
        projects.order_by().values_list("agency", "state", "predikat").annotate(Count("pk"))
    ):
        of(agency).projects[state, predikat] = count
    for agency, terms in milestone_terms(projects, "agency", now=now).items():
        of(agency).terms = terms
    today = timezone.localdate(now)
    months = recent_months(TREND_MONTHS, today=today)
    for agency, counts in accepted_per_month(projects, "agency", months=months).items():
        of(agency).months = Counter(counts)
    for agency, impact in impact_counts_by(projects, by="agency_id", today=today).items():
        of(agency).impact = impact
    return figures


@dataclass
class Kept:
    """The kept figures of a set of agencies, brought up to date by `refresh`."""

    # Agency -> its projects, for the agencies that have any.
    projects: dict[int, int]
    # What was counted afresh but could not be stored: read from here, not from the rows.
    unstored: dict[int, Figures]
    # Whether these are every agency's figures (the rows are then read without a list of ids).
    everywhere: bool = False

    def together(self, tops: Collection[int] | None = None) -> Figures:
        """The agencies' figures added up, in one grouped read: every agency's from the top
        agencies' subtree counts, or likewise those of `tops` and all their units (which must
        be the agencies kept here), a few rows each however many units; else, or after a
        failed write, from each agency's own count rows."""
        counts: QuerySet
        if self.unstored or (tops is None and not self.everywhere):
            counts = AgencyFigureCount.objects.exclude(agency__in_ids=self.unstored)
            if not self.everywhere:
                counts = counts.filter(agency__in_ids=self.projects)
        elif tops is None:
            counts = AgencySubtreeCount.objects.filter(agency__parent__isnull=True)
        else:
            counts = AgencySubtreeCount.objects.filter(agency__in_ids=tops)
        sums = counts.order_by().values_list("key").annotate(n=Sum("count")).values_list("key", "n")
        return added_up([Figures.from_counts(sums), *self.unstored.values()])

    def each(self, agencies: Collection[int]) -> dict[int, Figures]:
        """The figures of each of these agencies that has projects (a page of units)."""
        stored = [a for a in agencies if a in self.projects and a not in self.unstored]
        rows = _own_counts(stored)
        figures = {agency: Figures.from_counts(rows[agency].items()) for agency in stored}
        figures.update({a: self.unstored[a] for a in agencies if a in self.unstored})
        return figures


def refresh(
    agencies: Collection[int] | None, *, now: datetime.datetime | None = None, fresh: bool = False
) -> Kept:
    """The kept figures of these agencies (every agency under None), with those marked or
    counted before today (all of them when `fresh`) counted afresh and stored. Two queries when
    nothing changed; three more, and the writes, when something did."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    marks = AgencyFiguresMark.objects.all()
    rows = AgencyFigures.objects.all()
    if agencies is not None:
        # Whoever reads, a moved agency's mark is theirs to see: every sum above it moved.
        marks = marks.filter(Q(agency__in_ids=agencies) | Q(agency=TREE_CHANGED))
        rows = rows.filter(agency__in_ids=agencies)
    marked = list(marks.values_list("pk", "agency"))
    moved = any(agency == TREE_CHANGED for _pk, agency in marked)
    stale = {agency for _pk, agency in marked if agency != TREE_CHANGED}
    stale |= set(agencies or ()) if fresh else set()
    projects = {}
    for agency, computed_on, count in rows.values_list("agency", "computed_on", "projects"):
        if fresh or computed_on != today:
            stale.add(agency)
        projects[agency] = count
    everything = fresh and agencies is None
    if not stale and not moved and not everything:
        return Kept(projects, {}, agencies is None)
    computed = compute(None if everything else stale, now=now) if stale or everything else {}
    kept = {} if everything else {a: n for a, n in projects.items() if a not in stale}
    projects = kept | {agency: one.total for agency, one in computed.items()}
    marks_read = [pk for pk, _a in marked]
    stored = _store(computed, None if everything else stale, today, marks_read, regroup=moved)
    return Kept(projects, {} if stored else computed, agencies is None)


def figures_of(
    agencies: Collection[int] | None, *, now: datetime.datetime | None = None, fresh: bool = False
) -> dict[int, Figures]:
    """The figures of each of these agencies (every agency under None) that has projects."""
    kept = refresh(agencies, now=now, fresh=fresh)
    return kept.each(list(kept.projects))


def _store(
    computed: dict[int, Figures],
    counted: set[int] | None,
    today: datetime.date,
    marks: list[int],
    *,
    regroup: bool = False,
) -> bool:
    """Store what was `counted` afresh (every agency under None), dropping the rows of those
    left without projects, move the subtree sums above them by what changed (add them all up
    afresh when every agency was counted, or to `regroup` after an agency moved), and delete the
    marks that were read; whether it was stored. A failed write is logged and left to the next
    reader, who counts the figures again."""
    before: dict[int, dict[str, int]] = {}
    try:
        with transaction.atomic():
            if counted is None:
                AgencyFigures.objects.exclude(agency__in_ids=computed).delete()
                AgencyFigureCount.objects.all().delete()
            else:
                # Two readers storing one agency at once: the second waits for the first and
                # then reads what it stored, so each moves the sums by its own change only. The
                # agency's row is locked, as its figures may have none yet; NO KEY, so that
                # projects may still be added to it meanwhile.
                list(
                    Agency.objects.select_for_update(no_key=True)
                    .filter(pk__in_ids=counted)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                before = _own_counts(counted)
                AgencyFigures.objects.filter(agency__in_ids=counted - set(computed)).delete()
                AgencyFigureCount.objects.filter(agency__in_ids=counted).delete()
            AgencyFigures.objects.bulk_create(
                [
                    AgencyFigures(agency_id=agency, computed_on=today, projects=one.total)
                    # In one order, so two readers storing at once wait rather than deadlock.
                    for agency, one in sorted(computed.items())
                ],
                batch_size=500,
                update_conflicts=True,
                unique_fields=["agency"],
                update_fields=["computed_on", "projects"],
            )
            AgencyFigureCount.objects.bulk_create(
                (
                    AgencyFigureCount(agency_id=agency, key=key, count=count)
                    for agency, one in sorted(computed.items())
                    for key, count in one.counts().items()
                ),
                batch_size=1000,
            )
            if counted is None:
                _add_up_subtrees({a: one.counts() for a, one in computed.items()})
            elif regroup:
                _add_up_subtrees(_own_counts(None))
            else:
                _move_subtrees({a: computed.get(a, Figures()).counts() for a in counted}, before)
            spans = list(_spans(marks))
            for start in range(0, len(spans), SPANS_PER_DELETE):
                ranges = Q(pk__in=[])
                for span in spans[start : start + SPANS_PER_DELETE]:
                    ranges |= Q(pk__range=span)
                AgencyFiguresMark.objects.filter(ranges).delete()
    except DatabaseError:
        logger.warning("Agency figures not stored; the next reader counts them again.")
        return False
    return True


# Each range is two parameters: well under SQLite's limit on one statement's.
SPANS_PER_DELETE = 200
# The mark of an agency given another parent: every subtree's sums are added up afresh.
TREE_CHANGED = 0


def _own_counts(agencies: Collection[int] | None) -> dict[int, dict[str, int]]:
    """The stored count rows of these agencies (every agency under None), per agency."""
    rows = AgencyFigureCount.objects.all()
    if agencies is not None:
        rows = rows.filter(agency__in_ids=agencies)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for agency, key, count in rows.values_list("agency", "key", "count"):
        counts[agency][key] = count
    return counts


def _lineages(
    agencies: Iterable[int], parents: Mapping[int, int | None]
) -> Iterator[tuple[int, list[int]]]:
    """Each agency with itself and every agency above it (a cycle is cut where it closes)."""
    for agency in agencies:
        if agency not in parents:
            continue  # deleted: it had no projects, nor has a sum
        chain: list[int] = []
        node: int | None = agency
        while node is not None and node not in chain:
            chain.append(node)
            node = parents.get(node)
        yield agency, chain


def subtree_sums(own: dict[int, dict[str, int]]) -> dict[int, Counter[str]]:
    """What each agency's subtree adds up to, from every agency's own counts."""
    parents = dict(Agency.objects.values_list("pk", "parent_id"))
    sums: dict[int, Counter[str]] = defaultdict(Counter)
    for agency, chain in _lineages(own, parents):
        for above in chain:
            sums[above].update(own[agency])
    return {agency: +counts for agency, counts in sums.items() if +counts}


def _add_up_subtrees(own: dict[int, dict[str, int]]) -> None:
    AgencySubtreeCount.objects.all().delete()
    AgencySubtreeCount.objects.bulk_create(
        (
            AgencySubtreeCount(agency_id=agency, key=key, count=count)
            for agency, counts in sorted(subtree_sums(own).items())
            for key, count in counts.items()
        ),
        batch_size=1000,
    )


def _move_subtrees(after: dict[int, dict[str, int]], before: dict[int, dict[str, int]]) -> None:
    """Move the sums of every agency above (and of) those counted by how their counts changed:
    added in place by the database, so two readers moving one sum at once both count."""
    parents = dict(
        Agency.objects.filter(pk__in=lineage_sql(list(after))).values_list("pk", "parent_id")
    )
    moves: dict[tuple[int, str], int] = Counter()
    for agency, chain in _lineages(after, parents):
        old, new = before.get(agency, {}), after[agency]
        for key in old.keys() | new.keys():
            if change := new.get(key, 0) - old.get(key, 0):
                for above in chain:
                    moves[above, key] += change
    moves = {place: change for place, change in moves.items() if change}
    if not moves:
        return
    table = AgencySubtreeCount._meta.db_table
    # Every move in one statement whatever their number: the rows travel as one JSON text.
    rows = f"SELECT {ROW_OF_JSON[connection.vendor]} FROM {ROWS_OF_JSON[connection.vendor]}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, key, count) {rows} WHERE true"  # noqa: S608
            f" ON CONFLICT (agency_id, key) DO UPDATE SET count = {table}.count + excluded.count",
            [
                json.dumps(
                    [[agency, key, change] for (agency, key), change in sorted(moves.items())]
                )
            ],
        )
    AgencySubtreeCount.objects.filter(
        agency__in_ids={agency for agency, _key in moves}, count=0
    ).delete()


# How each database reads the rows of a JSON array of [agency, key, count] arrays.
ROWS_OF_JSON = {"sqlite": "json_each(%s)", "postgresql": "jsonb_array_elements(%s::jsonb) value"}
ROW_OF_JSON = {
    "sqlite": "json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]')",
    "postgresql": "(value->>0)::bigint, value->>1, (value->>2)::integer",
}


def _spans(keys: list[int]) -> Iterator[tuple[int, int]]:
    """Sorted `keys` as runs of consecutive integers, (first, last) each: a range deletes only
    marks that were read, never one written meanwhile between two of them."""
    start = previous = None
    for key in sorted(keys):
        if previous is not None and key == previous + 1:
            previous = key
            continue
        if start is not None and previous is not None:
            yield start, previous
        start = previous = key
    if start is not None and previous is not None:
        yield start, previous


# --- the triggers that mark -----------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """Marks the agency of each row an INSERT, UPDATE or DELETE on `table` touched; an UPDATE
    only when one of the `watched` columns changed (the old row's agency and the new one's)."""

    table: str
    event: str
    watched: tuple[str, ...] = ()
    # The foreign keys from a row of `table` up to its project, each (column, the table it
    # names), the last naming the projects' table; none on the projects' own table.
    path: tuple[tuple[str, str], ...] = ()
    # Marks that the agencies' tree changed (TREE_CHANGED), not an agency.
    tree: bool = False

    @property
    def name(self) -> str:
        return f"agency_figures_{self.table}_{self.event.lower()}"

    @property
    def rows(self) -> tuple[str, ...]:
        return {"INSERT": ("new",), "DELETE": ("old",), "UPDATE": ("old", "new")}[self.event]

    def marks(self) -> str:
        """The INSERT statements into the marks, one per row touched."""
        marks = AgencyFiguresMark._meta.db_table
        if self.tree:
            return f"INSERT INTO {marks} (agency) VALUES ({TREE_CHANGED});"
        return " ".join(f"INSERT INTO {marks} (agency) {self.agency_of(row)};" for row in self.rows)

    def agency_of(self, row: str) -> str:
        """The SELECT of the agency of `row` ("new" or "old"), through `path`."""
        if not self.path:
            return f"SELECT {row}.agency_id"
        (column, first), *rest = self.path
        joins = "".join(
            f" JOIN {table} t{step + 1} ON t{step + 1}.id = t{step}.{key}"
            for step, (key, table) in enumerate(rest)
        )
        return f"SELECT t{len(rest)}.agency_id FROM {first} t0{joins} WHERE t0.id = {row}.{column}"

    def changed(self, distinct: str) -> str:
        return " OR ".join(f"old.{column} {distinct} new.{column}" for column in self.watched)


def _watching(model, path: tuple[tuple[str, str], ...], watched: tuple[str, ...]) -> list:
    """The three triggers on `model`'s table: every INSERT and DELETE, UPDATEs of `watched`."""
    return [
        Trigger(model._meta.db_table, event, columns, path)
        for event, columns in [("INSERT", ()), ("DELETE", ()), ("UPDATE", watched)]
    ]


_PROJECT = ("project_id", ChangeProject._meta.db_table)
_ROUND = ("round_id", SurveyRound._meta.db_table)
_RESPONSE = ("response_id", SurveyResponse._meta.db_table)
# Every table a figure is counted from, with the columns whose change moves one. (A mentor
# added or removed changes the answers a survey round asks for.)
WATCHED = {
    ChangeProject: ((), ("agency_id", "state", "predikat", "mentor_id")),
    Milestone: ((_PROJECT,), ("project_id", "state", "term", "due_date")),
    SurveyRound: ((_PROJECT,), ("project_id", "opens_on", "due_on", "number")),
    SurveyResponse: ((_ROUND, _PROJECT), ("round_id", "state", "role", "is_late")),
    SurveyExcusal: ((_ROUND, _PROJECT), ("round_id", "role")),
    SurveyAnswer: ((_RESPONSE, _ROUND, _PROJECT), ("response_id", "question_id", "value")),
    ImpactConclusion: ((_PROJECT,), ("project_id", "outcome")),
}
TRIGGERS = [
    *(
        trigger
        for model, (path, watched) in WATCHED.items()
        for trigger in _watching(model, path, watched)
    ),
    # An agency given another parent moves every sum above it, old and new.
    Trigger(Agency._meta.db_table, "UPDATE", ("parent_id",), tree=True),
]


def _sqlite(trigger: Trigger) -> list[str]:
    when = f" WHEN {trigger.changed('IS NOT')}" if trigger.watched else ""
    return [
        f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} FOR EACH ROW"
        f"{when} BEGIN {trigger.marks()} END"
    ]


def _postgresql(trigger: Trigger) -> list[str]:
    when = f" WHEN ({trigger.changed('IS DISTINCT FROM')})" if trigger.watched else ""
    return [
        f"CREATE OR REPLACE FUNCTION {trigger.name}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {trigger.marks()} RETURN NULL; END $$",
        f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} FOR EACH ROW"
        f"{when} EXECUTE FUNCTION {trigger.name}()",
    ]


STATEMENTS = {"sqlite": _sqlite, "postgresql": _postgresql}


def ensure_triggers(connection: BaseDatabaseWrapper) -> bool:
    """Make the triggers where missing, marking every agency when one was; whether any was."""
    if connection.vendor not in STATEMENTS:
        return False
    if not migrated(connection, {*WATCHED, AgencyFiguresMark, Agency}):
        return False
    with connection.cursor() as cursor:
        cursor.execute(PRESENT_TRIGGERS[connection.vendor])
        present = {row[0] for row in cursor.fetchall()}
        missing = [trigger for trigger in TRIGGERS if trigger.name not in present]
        for trigger in missing:
            for statement in STATEMENTS[connection.vendor](trigger):
                cursor.execute(statement)
        # Or when the kept rows are gone while the triggers stayed (a migration undone and done
        # again): nothing would be marked for the projects already there.
        if missing or not (AgencyFigures.objects.exists() or AgencyFiguresMark.objects.exists()):
            cursor.execute(
                f"INSERT INTO {AgencyFiguresMark._meta.db_table} (agency) "
                f"SELECT id FROM {Agency._meta.db_table}"
            )
            if cursor.rowcount:  # and their sums, which no change moved meanwhile
                AgencyFiguresMark.objects.create(agency=TREE_CHANGED)
    return bool(missing)


def before_migrate(sender, using: str = "default", plan=None, **kwargs) -> None:
    """The `pre_migrate` receiver: when migrations will run, the triggers go first (they name
    columns a migration may drop; SQLite refuses to drop one a trigger names), and
    `after_migrate` makes them again, marking every agency."""
    connection = connections[using]
    if sender.name != "reports" or not plan or connection.vendor not in STATEMENTS:
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for trigger in TRIGGERS:
            if trigger.table in tables:
                on = f" ON {trigger.table}" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger.name}{on}")


def after_migrate(sender, using: str = "default", **kwargs) -> None:
    """The `post_migrate` receiver (sent once per app: the reports app's is enough)."""
    if sender.name == "reports":
        ensure_triggers(connections[using])


def drifted(*, now: datetime.datetime | None = None) -> dict[int, tuple[Figures, Figures]]:
    """The stored rows a reader would trust today (counted today, not marked) that differ from
    a fresh count: agency -> (stored, fresh). Changes nothing."""
    now = now or timezone.now()
    marked = set(AgencyFiguresMark.objects.values_list("agency", flat=True))
    trusted = {
        agency: count
        for agency, count in AgencyFigures.objects.filter(
            computed_on=timezone.localdate(now)
        ).values_list("agency", "projects")
        if agency not in marked
    }
    stored = Kept(trusted, {}).each(list(trusted))
    computed = compute(trusted, now=now)
    return {
        agency: (stored[agency], computed.get(agency, Figures()))
        for agency in trusted
        if stored[agency] != computed.get(agency, Figures())
        or trusted[agency] != computed.get(agency, Figures()).total
    }


def drifted_sums() -> dict[int, tuple[Counter[str], Counter[str]]]:
    """The subtree sums that differ from their agencies' own stored counts added up: agency ->
    (stored, added up). Changes nothing. (The own counts are checked by `drifted`.) None while
    the tree is marked: the next reader adds every sum up afresh anyway."""
    if AgencyFiguresMark.objects.filter(agency=TREE_CHANGED).exists():
        return {}
    stored: dict[int, Counter[str]] = defaultdict(Counter)
    for agency, key, count in AgencySubtreeCount.objects.values_list("agency", "key", "count"):
        stored[agency][key] = count
    expected = subtree_sums(_own_counts(None))
    return {
        agency: (stored.get(agency, Counter()), expected.get(agency, Counter()))
        for agency in stored.keys() | expected.keys()
        if stored.get(agency, Counter()) != expected.get(agency, Counter())
    }
