"""The home page's sections, one per role: what each person should see and do first.

They live in reports, the one app that reads every other app (tracker <- milestones <- mentoring
<- reports): each app gives its own waiting items through its selectors, this module puts them
together. Every section costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mentoring.selectors import (
    comments_for_participant,
    consultations_awaiting,
    examiner_tasks,
    journal_entries_awaiting_reply,
    projects_awaiting_seminar,
    rounds_awaiting,
    signoffs_awaiting,
)
from milestones.models import WORK_STATES, MilestoneLog
from milestones.selectors import (
    accepted_per_month,
    all_terms,
    changes_awaiting_decision,
    milestone_terms,
    milestones_awaiting_count,
    milestones_awaiting_review,
    open_milestones,
    project_overdue,
    project_stuck,
    projects_with_flags,
    recent_months,
)
from reports.documents.project_lines import (
    TREND_MONTHS,
    MonthCount,
    TermCount,
    month_counts,
    term_counts,
)
from reports.figures import Figures, refresh
from reports.filters import with_figures
from reports.impact import ImpactFigures, figures_from_counts, impact_figures_by
from tracker.models import (
    PARTICIPANT_NEXT_STEP,
    Agency,
    AgencyHead,
    ChangeProject,
    Cohort,
    Role,
    Seminar,
    TransitionLog,
    User,
)
from tracker.selectors import agency_lineage_ids, agency_subtree_ids

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    from mentoring.models import SurveyRound
    from milestones.selectors import ProjectWithFlags


class CohortOverview(TypedDict):
    """What `organiser_section` counts on each cohort (annotated, then filled in)."""

    project_count: int
    without_coach: int
    without_mentor: int
    states: list[dict]
    unscheduled: int
    progress: int
    milestones_overdue: int
    upcoming_seminars: Sequence[Seminar]
    seminars_without_examiners: int
    impact: ImpactFigures
    milestone_count: int
    terms: list[TermCount]
    trend: list[MonthCount]


State = ChangeProject.State
DEADLINES_SHOWN = 5
FEEDBACK_SHOWN = 5
AGENCY_PROJECTS_SHOWN = 10
# Sections that grow with the data show a page at a time: a province runs hundreds of cohorts
# and a ministry's head reads hundreds of units, each worth a card or a row.
QUEUE_SHOWN = 20
# A cohort's card carries its charts (about 23 KiB with their tables): five keep the organiser's
# home under 200 KiB.
COHORTS_SHOWN = 5
UNITS_SHOWN = 15
# The home page's query parameters for those pages, per section.
PAGE_PARAMS = {"reviewer": "antrean", "organiser": "angkatan", "agency": "unit"}


def section_page(number: int | str | None, total: int, size: int) -> tuple[Page, slice]:
    """Page `number` (clamped, like `Paginator.get_page`) of a section of `total` rows, and the
    slice of rows to read for it."""
    page = Paginator(range(total), size).get_page(number)
    bottom = (page.number - 1) * size
    return page, slice(bottom, bottom + size)


def state_rows(projects: QuerySet[ChangeProject]) -> list[dict]:
    """Projects per state in workflow order (empty states left out), for counts that link on."""
    return state_list(dict(projects.order_by().values_list("state").annotate(total=Count("pk"))))


def state_list(totals: Mapping[str, int]) -> list[dict]:
    """Projects per state (`totals`) in workflow order, empty states left out."""
    return [
        {"state": value, "label": label, "total": totals[value]}
        for value, label in State.choices
        if totals.get(value)
    ]


# --- participant ---------------------------------------------------------------------------


@dataclass
class OwnProject:
    project: ProjectWithFlags
    next_step: StrOrPromise
    deadlines: list = field(default_factory=list)
    seminars: list = field(default_factory=list)
    # The open survey round waiting for the alumnus's answers, soonest due (monitoring only).
    survey_round: SurveyRound | None = None
    survey_overdue: bool = False

    @property
    def progress(self) -> int:
        return self.project.progress


@dataclass(frozen=True)
class Feedback:
    at: datetime.datetime
    author: User
    what: StrOrPromise
    text: str
    project: ChangeProject
    url: str


def participant_section(user: User, *, now: datetime.datetime | None = None) -> dict:
    """Own projects with state, next step, deadlines and seminars, and the latest feedback."""
    now = now or timezone.now()
    own = ChangeProject.objects.filter(participant=user)
    projects = {
        project.pk: OwnProject(project, PARTICIPANT_NEXT_STEP[State(project.state)])
        for project in projects_with_flags(own, now=now)
        .select_related("cohort", "coach", "mentor")
        .order_by("-cohort__year", "-pk")
    }
    for milestone in open_milestones(own.exclude(state__in=ChangeProject.FINAL_STATES), now=now):
        deadlines = projects[milestone.project_id].deadlines
        if len(deadlines) < DEADLINES_SHOWN:
            deadlines.append(milestone)
    for booking in (
        Seminar.projects.through.objects.filter(
            changeproject__participant=user, seminar__starts_at__gte=now
        )
        .select_related("seminar")
        .order_by("seminar__starts_at")
    ):
        projects[booking.changeproject_id].seminars.append(booking.seminar)
    if any(item.project.state == State.MONITORING for item in projects.values()):
        # Soonest due first: each card names the first round still waiting for the answers.
        today = timezone.localdate(now)
        for survey_round in rounds_awaiting(user, today):
            item = projects.get(survey_round.project_id)
            if item is not None and item.survey_round is None:
                item.survey_round = survey_round
                item.survey_overdue = survey_round.is_overdue(today)
    return {"projects": list(projects.values()), "feedback": _feedback(user)}


def _feedback(user: User) -> list[Feedback]:
    comments = [
        Feedback(
            c.created_at,
            c.author,
            _("Komentar"),
            c.body,
            c.project,
            f"{c.project.get_absolute_url()}#comments",
        )
        for c in comments_for_participant(user)[:FEEDBACK_SHOWN]
    ]
    transitions = [
        Feedback(
            log.created_at,
            log.actor,
            log.transition_label,
            log.comment,
            log.project,
            log.project.get_absolute_url(),
        )
        for log in TransitionLog.objects.filter(project__participant=user)
        .exclude(comment="")
        .exclude(actor=user)
        .select_related("actor", "project")
        .order_by("-created_at", "-pk")[:FEEDBACK_SHOWN]
    ]
    steps = [
        Feedback(
            log.created_at,
            log.actor,
            log.get_action_display(),
            log.comment,
            log.project,
            (log.milestone or log.project).get_absolute_url(),
        )
        for log in MilestoneLog.objects.filter(project__participant=user)
        .exclude(comment="")
        .exclude(actor=user)
        .select_related("actor", "project", "milestone")
        .order_by("-created_at", "-pk")[:FEEDBACK_SHOWN]
    ]
    latest = sorted([*comments, *transitions, *steps], key=lambda item: item.at, reverse=True)
    return latest[:FEEDBACK_SHOWN]


# --- coach and mentor ----------------------------------------------------------------------


@dataclass
class QueueItem:
    """One thing waiting on a coach or mentor, and where to do it."""

    kind: str
    label: StrOrPromise
    detail: str
    project: ChangeProject
    role: str
    since: datetime.datetime
    url: str
    overdue: bool = False
    stuck: bool = False
    long_wait: bool = False

    @property
    def waiting_days(self) -> int:
        return max((timezone.now() - self.since).days, 0)


def _role_on(project: ChangeProject, user: User) -> str:
    return str(Role.COACH.label if project.coach_id == user.pk else Role.MENTOR.label)


# What waits on a coach or mentor besides milestones (counted from the projects' rows).
QUEUE_SOURCES = (
    signoffs_awaiting,
    changes_awaiting_decision,
    consultations_awaiting,
    journal_entries_awaiting_reply,
)


def queue_size(user: User) -> int:
    """How many things wait on the user as coach or mentor (one count per kind)."""
    others = sum(source(user).count() for source in QUEUE_SOURCES)
    return others + milestones_awaiting_count(user)


def review_queue(
    user: User, *, now: datetime.datetime | None = None, limit: int | None = None
) -> list[QueueItem]:
    """What waits on the user as coach or mentor, oldest first: all of it, or the `limit`
    oldest (each kind is read oldest first, so its first `limit` are enough; seven queries)."""
    now = now or timezone.now()
    window = slice(None, limit)
    items = [
        QueueItem(
            "signoff",
            _("Setujui rancangan")
            if project.state == State.PROPOSAL_REVIEW
            else _("Setujui laporan"),
            project.title,
            project,
            str(Role(project.awaiting_role).label),
            project.submitted_at or project.updated_at,
            f"{project.get_absolute_url()}#actions",
        )
        for project in signoffs_awaiting(user, oldest=limit)[window]
    ]
    items += [
        QueueItem(
            "milestone",
            _("Periksa tonggak"),
            milestone.activity,
            milestone.project,
            _role_on(milestone.project, user),
            milestone.waiting_since,
            milestone.get_absolute_url(),
        )
        for milestone in milestones_awaiting_review(user, oldest=limit)[window]
    ]
    items += [
        QueueItem(
            "change",
            _("Putuskan usulan perubahan jadwal"),
            f"{change.get_kind_display()}: {change.title}",
            change.project,
            str(Role.MENTOR.label),
            change.requested_at,
            reverse("milestones:list", args=[change.project_id]),
        )
        for change in changes_awaiting_decision(user)[window]
    ]
    items += [
        QueueItem(
            "consultation",
            _("Konfirmasi konsultasi"),
            f"{date_format(consultation.held_on)} · {consultation.topic}",
            consultation.project,
            consultation.get_consultant_role_display(),
            consultation.created_at,
            reverse("mentoring:consultations", args=[consultation.project_id])
            + f"#consultation-{consultation.pk}",
        )
        for consultation in consultations_awaiting(user)[window]
    ]
    items += [
        QueueItem(
            "journal",
            _("Tanggapi jurnal refleksi"),
            entry.happened,
            entry.project,
            _role_on(entry.project, user),
            entry.created_at,
            reverse("mentoring:journal", args=[entry.project_id]) + f"#journal-entry-{entry.pk}",
        )
        for entry in journal_entries_awaiting_reply(user)[window]
    ]
    if not items:
        return []
    flags = {
        pk: (overdue, stuck)
        for pk, overdue, stuck in projects_with_flags(
            ChangeProject.objects.filter(pk__in={item.project.pk for item in items}), now=now
        ).values_list("pk", "milestones_overdue", "milestones_stuck")
    }
    waited_long = now - datetime.timedelta(days=settings.REVIEW_WAITING_DAYS)
    for item in items:
        overdue, stuck = flags[item.project.pk]
        item.overdue, item.stuck = bool(overdue), bool(stuck)
        item.long_wait = item.since < waited_long
    return sorted(items, key=lambda item: (item.since, item.kind, item.project.pk))[window]


def reviewer_section(
    user: User,
    roles: set[Role],
    *,
    now: datetime.datetime | None = None,
    page: int | str | None = 1,
):
    """A page of the queue, and for each guiding role the projects by state and how many lag
    behind."""
    guided = []
    for role, field_name in ((Role.COACH, "coach"), (Role.MENTOR, "mentor")):
        if role not in roles:
            continue
        projects = ChangeProject.objects.filter(**{field_name: user})
        # Overdue and stuck are tests on the rows of the projects at work, the only ones that
        # can lag (on PostgreSQL read from the index on reviewer and state alone).
        lagging = projects.filter(state__in=WORK_STATES).aggregate(
            overdue=Count("pk", filter=project_overdue(timezone.localdate(now))),
            stuck=Count("pk", filter=project_stuck(now)),
        )
        states = state_rows(projects)
        guided.append(
            {
                "role": role,
                "param": field_name,
                "states": states,
                "total": sum(row["total"] for row in states),
                **lagging,
            }
        )
    queue, rows = section_page(page, queue_size(user), QUEUE_SHOWN)
    items = review_queue(user, now=now, limit=rows.stop) if queue.paginator.count else []
    return {"queue": items[rows], "queue_page": queue, "guided": guided}


# --- examiner ------------------------------------------------------------------------------


def examiner_section(user: User, *, now: datetime.datetime | None = None) -> dict:
    """The user's seminars (upcoming first, then the latest past ones) and the scoring to do."""
    now = now or timezone.now()
    seminars = (
        Seminar.objects.filter(examiners=user)
        .select_related("cohort")
        .annotate(project_count=Count("projects", distinct=True))
    )
    return {
        "upcoming": list(seminars.filter(starts_at__gte=now).order_by("starts_at", "pk")),
        "past": list(seminars.filter(starts_at__lt=now).order_by("-starts_at", "-pk")[:5]),
        "tasks": examiner_tasks(user),
    }


# --- organiser -----------------------------------------------------------------------------


COHORT_ORDER = ("-year", "programme", "number", "pk")


def organiser_section(
    user: User, *, now: datetime.datetime | None = None, page: int | str | None = 1
) -> dict:
    """Per organised cohort of one page of them, newest first: projects by state, missing
    assignments, progress, seminars."""
    now = now or timezone.now()
    final = Q(projects__state__in=ChangeProject.FINAL_STATES)
    organised = Cohort.objects.filter(organisers=user)
    board, rows = section_page(page, organised.count(), COHORTS_SHOWN)
    shown = list(organised.order_by(*COHORT_ORDER).values_list("pk", flat=True)[rows])
    # The counts that are not annotations are filled in below.
    cohorts = cast(
        "list[WithAnnotations[Cohort, CohortOverview]]",
        list(
            Cohort.objects.filter(pk__in=shown)
            .annotate(
                project_count=Count("projects", distinct=True),
                without_coach=Count(
                    "projects", filter=Q(projects__coach__isnull=True) & ~final, distinct=True
                ),
                without_mentor=Count(
                    "projects", filter=Q(projects__mentor__isnull=True) & ~final, distinct=True
                ),
            )
            .order_by(*COHORT_ORDER)
        ),
    )
    projects = ChangeProject.objects.filter(cohort__in=shown)
    states: dict[int, list[dict]] = defaultdict(list)
    totals = {
        (cohort, state): total
        for cohort, state, total in projects.order_by()
        .values_list("cohort", "state")
        .annotate(total=Count("pk"))
    }
    for cohort in cohorts:
        states[cohort.pk] = [
            {"state": value, "label": label, "total": totals[(cohort.pk, value)]}
            for value, label in State.choices
            if (cohort.pk, value) in totals
        ]
    unscheduled = dict(
        projects_awaiting_seminar(projects)
        .order_by()
        .values_list("cohort")
        .annotate(total=Count("pk"))
    )
    progress = milestone_terms(projects, "cohort", now=now)
    months = recent_months(TREND_MONTHS, today=timezone.localdate(now))
    accepted = accepted_per_month(projects, "cohort", months=months)
    impact = impact_figures_by(projects, by="cohort_id", today=timezone.localdate(now))
    seminars = defaultdict(list)
    for seminar in (
        Seminar.objects.filter(cohort__in=[cohort.pk for cohort in cohorts], starts_at__gte=now)
        .annotate(
            examiner_count=Count("examiners", distinct=True),
            project_count=Count("projects", distinct=True),
        )
        .order_by("starts_at", "pk")
    ):
        seminars[seminar.cohort_id].append(seminar)
    for cohort in cohorts:
        cohort.states = states[cohort.pk]
        cohort.unscheduled = unscheduled.get(cohort.pk, 0)
        plan = all_terms(progress.get(cohort.pk))
        cohort.progress = plan.share
        cohort.milestone_count = plan.total
        cohort.milestones_overdue = plan.overdue
        cohort.terms = term_counts(progress.get(cohort.pk))
        cohort.trend = month_counts(accepted.get(cohort.pk), months)
        cohort.upcoming_seminars = seminars[cohort.pk]
        cohort.seminars_without_examiners = sum(
            1 for seminar in seminars[cohort.pk] if not seminar.examiner_count
        )
        cohort.impact = impact.get(cohort.pk, ImpactFigures())
    return {"cohorts": cohorts, "board": board}


# --- agency head ---------------------------------------------------------------------------

# How many of the newest projects of all are looked through for an agency's latest.
NEWEST_LOOKED_THROUGH = 200


def latest_moved(projects: QuerySet[ChangeProject], agencies: set[int]) -> list[int]:
    """The keys of the AGENCY_PROJECTS_SHOWN latest to move of `projects` (those of
    `agencies`), newest first. A head of many units finds them among the newest projects of
    all, read in index order; a head of a few, whose projects the newest may not hold, from
    the agencies' own rows. Sorting bare keys, never whole joined rows: cheap either way."""
    newest = list(
        ChangeProject.objects.order_by("-updated_at", "-pk").values_list("pk", "agency_id")[
            :NEWEST_LOOKED_THROUGH
        ]
    )
    keys = [key for key, agency in newest if agency in agencies][:AGENCY_PROJECTS_SHOWN]
    if len(keys) == AGENCY_PROJECTS_SHOWN or len(newest) < NEWEST_LOOKED_THROUGH:
        return keys
    return list(
        projects.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:AGENCY_PROJECTS_SHOWN]
    )


FINISHED = {State.PASSED, State.MONITORING, State.COMPLETED}
STOPPED = {State.FAILED, State.WITHDRAWN}


def agency_section(
    user: User, *, now: datetime.datetime | None = None, page: int | str | None = 1
) -> dict:
    """The headed agencies and their units (a page of them): projects by state and grade,
    progress, the latest ones to move."""
    headships = list(AgencyHead.objects.filter(user=user).select_related("agency"))
    ids = agency_subtree_ids(headship.agency_id for headship in headships)
    # The ids as one parameter (`tracker/lookups.py`): a province has a thousand units.
    projects = ChangeProject.objects.filter(agency_id__in_ids=ids)
    # Every total from the agencies' kept figures (`reports.figures`): added up by the database
    # from a few rows per unit, never a count over the projects, their milestones or surveys.
    kept = refresh(ids, now=now)
    headed = {headship.agency_id for headship in headships}
    # The headed agencies' sums, but not those of one headed inside another's (twice counted).
    tops = [
        agency
        for agency in headed
        if len(headed) == 1 or not (agency_lineage_ids([agency]) - {agency}) & headed
    ]
    together = kept.together(tops)
    unit_page, rows = section_page(page, len(kept.projects), UNITS_SHOWN)
    shown = list(Agency.objects.filter(pk__in_ids=kept.projects).order_by("name", "pk")[rows])
    per_unit = kept.each([agency.pk for agency in shown])
    units = []
    for agency in shown:
        counts = per_unit[agency.pk].states
        units.append(
            {
                "agency": agency,
                "total": sum(counts.values()),
                "active": sum(n for s, n in counts.items() if s not in FINISHED | STOPPED),
                "finished": sum(n for s, n in counts.items() if s in FINISHED),
                "deferred": counts.get(State.DEFERRED, 0),
                "stopped": sum(n for s, n in counts.items() if s in STOPPED),
                "progress": per_unit[agency.pk].plan.share,
                "overdue": per_unit[agency.pk].plan.overdue,
            }
        )
    keys = latest_moved(projects, ids)
    rows = ChangeProject.objects.select_related("participant", "cohort", "agency").in_bulk(keys)
    latest = with_figures([rows[key] for key in keys], now=now)
    return {
        "headships": headships,
        "impact": figures_from_counts(together.impact),
        "units": units,
        "unit_page": unit_page,
        # Most frequent first, then by name.
        "grades": sorted(together.grades.items(), key=lambda item: (-item[1], item[0])),
        "latest": latest,
        **figure_totals(together, now=now),
    }


# --- the system's admin ---------------------------------------------------------------------


def overview_section(*, now: datetime.datetime | None = None) -> dict:
    """For the system's admin: every project by state, the plan per term, and the milestones
    accepted per month, from every agency's kept figures (`reports.figures`)."""
    now = now or timezone.now()
    return figure_totals(refresh(None, now=now).together(), now=now)


def figure_totals(together: Figures, *, now: datetime.datetime | None) -> dict:
    """What the agency head's and the admin's sections show of agencies' figures added up:
    projects by state, the plan per term and the milestones accepted per month."""
    months = recent_months(TREND_MONTHS, today=timezone.localdate(now))
    return {
        "states": state_list(together.states),
        "total": together.total,
        "milestones": together.plan.total,
        "terms": term_counts(together.terms),
        "trend": month_counts(together.months, months),
    }


# --- all together --------------------------------------------------------------------------


def home_dashboard(
    user: User,
    roles: set[Role],
    *,
    now: datetime.datetime | None = None,
    pages: dict[str, int | str | None] | None = None,
):
    """The sections for the roles the user holds, each built only when it is shown; `pages`
    names the page of each long section (`PAGE_PARAMS`), the first by default."""
    now = now or timezone.now()
    pages = pages or {}
    sections: dict[str, dict] = {}
    if Role.PARTICIPANT in roles:
        sections["participant"] = participant_section(user, now=now)
    if roles & {Role.COACH, Role.MENTOR}:
        sections["reviewer"] = reviewer_section(user, roles, now=now, page=pages.get("reviewer", 1))
    if Role.EXAMINER in roles:
        sections["examiner"] = examiner_section(user, now=now)
    if Role.ORGANISER in roles:
        sections["organiser"] = organiser_section(user, now=now, page=pages.get("organiser", 1))
    if Role.AGENCY_HEAD in roles:
        sections["agency"] = agency_section(user, now=now, page=pages.get("agency", 1))
    if user.is_superuser:
        sections["overview"] = overview_section(now=now)
    return sections
