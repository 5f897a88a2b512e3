"""What the documents about many projects share: one line per project, and what both count.

The agency impact report and the cohort recap each print these lines and counts; everything
they print is also in their CSV. `project_lines` asks a fixed number of queries whatever the
number of projects.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mentoring.models import SeminarGrade
from milestones.models import WORK_STATES, IndicatorMeasurement, Milestone, Term
from milestones.selectors import TermTotals, accepted_per_month, recent_months
from reports.documents.base import Column, Table
from tracker.models import ChangeProject, ImpactIndicator, User

State = ChangeProject.State
CENT = Decimal("0.01")
# A project that passed its results seminar stays "passed" through monitoring and completion.
PASSED_STATES = frozenset({State.PASSED, State.MONITORING, State.COMPLETED})
# The trend charts (dashboards and documents) show the milestones accepted in the last months.
TREND_MONTHS = 6
UNDER_WAY = frozenset(
    {Milestone.State.IN_PROGRESS, Milestone.State.SUBMITTED, Milestone.State.RETURNED}
)


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None
    measured_on: datetime.date | None

    @property
    def reached(self) -> bool | None:
        """Whether the latest value reached the target, in the direction the target lies."""
        if self.latest is None:
            return None
        if self.target >= self.baseline:
            return self.latest >= self.target
        return self.latest <= self.target


@dataclass(frozen=True)
class TermCount:
    term: str
    label: str
    accepted: int
    under_way: int
    planned: int

    @property
    def total(self) -> int:
        return self.accepted + self.under_way + self.planned


@dataclass(frozen=True)
class MonthCount:
    """Milestones accepted in one month (`month` is its first day)."""

    month: datetime.date
    accepted: int

    @property
    def label(self) -> str:
        return date_format(self.month, "YEAR_MONTH_FORMAT")


def term_counts(terms: dict[str, TermTotals] | None) -> list[TermCount]:
    """Every term in plan order from one `milestone_terms` entry (terms without milestones at 0)."""
    terms = terms or {}
    return [
        TermCount(
            term=term.value,
            label=str(term.label),
            accepted=(row := terms.get(term.value, TermTotals())).accepted,
            under_way=row.under_way,
            planned=row.planned,
        )
        for term in Term
    ]


def month_counts(
    per_month: dict[datetime.date, int] | None, months: list[datetime.date]
) -> list[MonthCount]:
    """One `accepted_per_month` entry as a count for every month, months without any at 0."""
    per_month = per_month or {}
    return [MonthCount(month, per_month.get(month, 0)) for month in months]


def accepted_trend(projects: QuerySet[ChangeProject], *, today: datetime.date) -> list[MonthCount]:
    """Milestones of the projects accepted per month over the last TREND_MONTHS; one query."""
    months = recent_months(TREND_MONTHS, today=today)
    return month_counts(accepted_per_month(projects, None, months=months).get(None), months)


@dataclass(frozen=True)
class ProjectLine:
    """One project as the multi-project documents print it."""

    number: int
    project_id: int
    title: str
    participant: str
    nip: str
    position: str
    unit: str
    cohort: str
    coach: str
    mentor: str
    state: str
    state_label: str
    score: Decimal | None
    predikat: str
    innovation: str
    goal_short_term: str
    terms: tuple[TermCount, ...]
    overdue: tuple[tuple[str, datetime.date], ...]
    indicators: tuple[IndicatorLine, ...]

    @property
    def anchor(self) -> str:
        return f"proyek-{self.project_id}"

    @property
    def milestones_total(self) -> int:
        return sum(term.total for term in self.terms)

    @property
    def milestones_accepted(self) -> int:
        return sum(term.accepted for term in self.terms)

    @property
    def term_summary(self) -> str:
        """Accepted of planned per term that has milestones: "Jangka pendek 2/3; ..."."""
        return "; ".join(
            f"{term.label} {term.accepted}/{term.total}" for term in self.terms if term.total
        )

    @property
    def milestone_share(self) -> int:
        total = self.milestones_total
        return self.milestones_accepted * 100 // total if total else 0


def person_name(user: User | None) -> str:
    return user.get_full_name() if user else ""


def project_lines(projects: QuerySet[ChangeProject], *, today: datetime.date) -> list[ProjectLine]:
    """Every project of the queryset as a ProjectLine, numbered in print order: six queries."""
    projects = projects.select_related(
        "participant", "agency", "cohort", "coach", "mentor"
    ).order_by("agency__name", "cohort__year", "cohort_id", "participant__full_name", "pk")
    chosen = projects.values("pk")
    grades: dict[int, SeminarGrade] = {}
    for decided in SeminarGrade.objects.filter(project__in=chosen).order_by("decided_at", "pk"):
        grades[decided.project_id] = decided  # the latest one wins
    counts: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for project_id, term, state, total in (
        Milestone.objects.filter(project__in=chosen)
        .values_list("project_id", "term", "state")
        .annotate(total=Count("pk"))
        .order_by()
    ):
        counts[project_id][term][state] = total
    overdue: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for project_id, activity, due in (
        Milestone.objects.filter(
            project__in=chosen, due_date__lt=today, project__state__in=WORK_STATES
        )
        .exclude(state=Milestone.State.ACCEPTED)
        .order_by("due_date", "pk")
        .values_list("project_id", "activity", "due_date")
    ):
        overdue[project_id].append((activity, due))
    newest = IndicatorMeasurement.objects.filter(indicator=OuterRef("pk")).order_by(
        "-measured_on", "-pk"
    )
    indicators: dict[int, list[IndicatorLine]] = defaultdict(list)
    for project_id, name, unit, baseline, target, latest, measured_on in (
        ImpactIndicator.objects.filter(project__in=chosen)
        .annotate(
            latest=Subquery(newest.values("value")[:1]),
            measured_on=Subquery(newest.values("measured_on")[:1]),
        )
        .order_by("project_id", "pk")
        .values_list("project_id", "name", "unit", "baseline", "target", "latest", "measured_on")
    ):
        # A subquery's decimal comes back unscaled on SQLite: give it the field's two places.
        latest = None if latest is None else Decimal(latest).quantize(CENT)
        indicators[project_id].append(
            IndicatorLine(name, unit, baseline, target, latest, measured_on)
        )
    # Labels are translated once, not once per project (a hundred projects, thousands of calls).
    state_labels = {value: str(label) for value, label in State.choices}
    term_labels = [(term.value, str(term.label)) for term in Term]
    lines = []
    for number, project in enumerate(projects, start=1):
        grade = grades.get(project.pk)
        by_term = counts[project.pk]
        lines.append(
            ProjectLine(
                number=number,
                project_id=project.pk,
                title=project.title,
                participant=person_name(project.participant),
                nip=project.participant.nip or "",
                position=project.participant.position,
                unit=project.agency.name,
                cohort=str(project.cohort),
                coach=person_name(project.coach),
                mentor=person_name(project.mentor),
                state=project.state,
                state_label=state_labels[project.state],
                score=grade.score if grade else None,
                predikat=grade.predikat if grade else "",
                innovation=project.innovation_summary,
                goal_short_term=project.goal_short_term,
                terms=tuple(
                    TermCount(
                        term=term,
                        label=label,
                        accepted=by_term[term][Milestone.State.ACCEPTED],
                        under_way=sum(by_term[term][state] for state in UNDER_WAY),
                        planned=by_term[term][Milestone.State.PLANNED],
                    )
                    for term, label in term_labels
                ),
                overdue=tuple(overdue[project.pk]),
                indicators=tuple(indicators[project.pk]),
            )
        )
    return lines


# --- what both documents count ------------------------------------------------------------------


def state_counts(lines: list[ProjectLine]) -> list[tuple[str, int]]:
    """(state label, projects) in workflow order, leaving out states no project is in."""
    counted = Counter(line.state for line in lines)
    return [(str(label), counted[value]) for value, label in State.choices if counted[value]]


def grade_counts(lines: list[ProjectLine]) -> list[tuple[str, int]]:
    """(predikat, projects), best predikat first, then the projects not graded yet."""
    graded = [line for line in lines if line.predikat]
    best: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in graded:
        if line.score is not None:  # always, for a graded line: a grade has its score
            best[line.predikat] = max(best[line.predikat], line.score)
    counted = Counter(line.predikat for line in graded)
    rows = [(label, counted[label]) for label in sorted(counted, key=lambda p: -best[p])]
    ungraded = len(lines) - len(graded)
    if ungraded:
        rows.append((_("Belum dinilai"), ungraded))
    return rows


def term_totals(lines: list[ProjectLine]) -> list[TermCount]:
    """Milestones of all the projects per term: accepted, under way, planned."""
    totals = []
    for index, term in enumerate(Term):
        totals.append(
            TermCount(
                term=term.value,
                label=str(term.label),
                accepted=sum(line.terms[index].accepted for line in lines),
                under_way=sum(line.terms[index].under_way for line in lines),
                planned=sum(line.terms[index].planned for line in lines),
            )
        )
    return totals


def mean_score(lines: list[ProjectLine]) -> Decimal | None:
    scores = [line.score for line in lines if line.score is not None]
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(CENT, ROUND_HALF_UP)


def count_table(key: str, title: str, label: str, rows: list[tuple[str, int]], empty: str) -> Table:
    return Table(
        key=key,
        title=title,
        columns=(Column("label", label, width="70%"), Column("jumlah", _("Jumlah"), "number")),
        rows=tuple(rows),
        empty_text=empty,
    )


def term_table(terms: list[TermCount]) -> Table:
    return Table(
        key="tonggak",
        title=_("Progres tonggak"),
        columns=(
            Column("jangka", _("Jangka"), width="30%"),
            Column("diterima", _("Diterima"), "number", "16%"),
            Column("dalam_proses", _("Dalam proses"), "number", "16%"),
            Column("direncanakan", _("Direncanakan"), "number", "16%"),
            Column("jumlah", _("Jumlah"), "number", "16%"),
        ),
        rows=tuple(
            (term.label, term.accepted, term.under_way, term.planned, term.total) for term in terms
        ),
    )


def month_table(trend: list[MonthCount]) -> Table:
    return Table(
        key="tonggak_per_bulan",
        title=_("Tonggak diterima per bulan"),
        columns=(
            Column("bulan", _("Bulan"), "date", "60%"),
            Column("diterima", _("Diterima"), "number", "34%"),
        ),
        rows=tuple((row.month, row.accepted) for row in trend),
    )
