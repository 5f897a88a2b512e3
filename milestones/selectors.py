"""Reads of the milestone plan: flags, progress, change requests, ratings, indicators, reminders.

Overdue, stuck and progress are computed in the database (annotations and grouped counts), so a
list costs the same number of queries for one milestone as for thirty.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from milestones.models import (
    WORK_STATES,
    ChangeRequest,
    Evidence,
    IndicatorMeasurement,
    Milestone,
    MilestoneLog,
    MilestoneRating,
    Term,
)
from tracker.models import ChangeProject, ImpactIndicator, ProgrammeRules, User
from tracker.selectors import current_rules, first_on_each_side, loaded
from tracker.summary import count_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class Flags(TypedDict):
    """What `with_flags` annotates on each milestone."""

    evidence_count: int
    is_overdue: bool
    is_stuck: bool


class PlanFlags(Flags):
    """What `plan_of` adds to the flags."""

    has_pending: bool


class Ratings(TypedDict):
    rating_list: list[MilestoneRating]


class History(TypedDict):
    """`history` newest first (prefetched); `latest` its first item, or None."""

    history: list[IndicatorMeasurement]
    latest: IndicatorMeasurement | None


class ProjectFlags(TypedDict):
    """What `projects_with_flags` annotates on each project (its totals are columns of its own,
    `tracker.summary`)."""

    milestones_overdue: int
    milestones_stuck: int


class Submitted(TypedDict):
    waiting_since: datetime.datetime


if TYPE_CHECKING:
    SubmittedMilestone = WithAnnotations[Milestone, Submitted]
    ProjectWithFlags = WithAnnotations[ChangeProject, ProjectFlags]
    FlaggedMilestone = WithAnnotations[Milestone, Flags]
    PlannedMilestone = WithAnnotations[Milestone, PlanFlags]
    RatedMilestone = WithAnnotations[Milestone, Ratings]
    IndicatorWithHistory = WithAnnotations[ImpactIndicator, History]

ACCEPTED = Milestone.State.ACCEPTED


def _clock(now: datetime.datetime | None) -> tuple[datetime.datetime, datetime.date]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


def _overdue(today: datetime.date) -> Q:
    return Q(due_date__lt=today) & ~Q(state=ACCEPTED) & Q(project__state__in=WORK_STATES)


def project_overdue(today: datetime.date) -> Q:
    """Projects with an overdue milestone (`_overdue`), read from their own row: at work, and
    the earliest due date not yet met (`open_due_on`, kept by `tracker.summary`) has passed."""
    return Q(state__in=WORK_STATES, open_due_on__lt=today)


def project_stuck(now: datetime.datetime | None = None) -> Q:
    """Projects at work with a stuck milestone (`with_flags`), read from their own row: the
    moment its first milestone not accepted fell idle (`idle_since`, kept by `tracker.summary`)
    is STUCK_AFTER_DAYS past."""
    now, today = _clock(now)
    quiet_since, _started_by = _stuck_before(now, today)
    return Q(state__in=WORK_STATES, idle_since__lte=quiet_since)


def _stuck_before(
    now: datetime.datetime, today: datetime.date
) -> tuple[datetime.datetime, datetime.date]:
    days = datetime.timedelta(days=settings.STUCK_AFTER_DAYS)
    return now - days, today - days


def with_flags(
    milestones: QuerySet[Milestone], *, now: datetime.datetime | None = None
) -> QuerySet[FlaggedMilestone]:
    """Each milestone with evidence_count, is_overdue and is_stuck.

    Overdue: the due date has passed and it is not accepted. Stuck: it should have been under way
    for at least STUCK_AFTER_DAYS, is not accepted, and nothing (a step, a piece of evidence)
    happened to it in that time (`last_activity_at`, kept by the database: tracker/summary.py).
    Both count only while the project is at work.
    """
    now, today = _clock(now)
    quiet_since, started_by = _stuck_before(now, today)
    return milestones.annotate(
        evidence_count=count_of(Evidence.objects.filter(milestone=OuterRef("pk"))),
        is_overdue=ExpressionWrapper(_overdue(today), output_field=BooleanField()),
        is_stuck=ExpressionWrapper(
            ~Q(state=ACCEPTED)
            & Q(project__state__in=WORK_STATES)
            & Q(start_date__lte=started_by)
            & Q(last_activity_at__lt=quiet_since),
            output_field=BooleanField(),
        ),
    )


def plan_of(
    project: ChangeProject, *, now: datetime.datetime | None = None
) -> list[PlannedMilestone]:
    """The project's milestones in plan order, flagged, each knowing if a change is pending.

    Read once per loaded project (the page's panels share it), unless `now` is given.
    """
    pending = ChangeRequest.objects.filter(
        milestone=OuterRef("pk"), state=ChangeRequest.State.PENDING
    )

    def load() -> list[PlannedMilestone]:
        flagged = with_flags(project.milestones.all(), now=now)
        return list(flagged.annotate(has_pending=Exists(pending)))

    return load() if now is not None else loaded(project, "plan", load)


@dataclass(frozen=True)
class TermProgress:
    term: str
    label: str
    total: int
    accepted: int

    @property
    def share(self) -> int:
        """Percentage accepted, rounded down (0 when the term has no milestones)."""
        return self.accepted * 100 // self.total if self.total else 0


@dataclass(frozen=True)
class Progress:
    total: int
    accepted: int
    overdue: int
    stuck: int
    terms: list[TermProgress]

    @property
    def share(self) -> int:
        return self.accepted * 100 // self.total if self.total else 0


def progress_of(milestones: list[PlannedMilestone]) -> Progress:
    """Share accepted overall and per term, and how many are overdue or stuck.

    Counts the flagged milestones of `plan_of` (no query of its own).
    """
    terms = [
        TermProgress(
            term=term.value,
            label=str(term.label),
            total=sum(1 for m in milestones if m.term == term),
            accepted=sum(1 for m in milestones if m.term == term and m.state == ACCEPTED),
        )
        for term in Term
    ]
    return Progress(
        total=len(milestones),
        accepted=sum(1 for m in milestones if m.state == ACCEPTED),
        overdue=sum(1 for m in milestones if m.is_overdue),
        stuck=sum(1 for m in milestones if m.is_stuck),
        terms=terms,
    )


def projects_with_flags(
    projects: QuerySet[ChangeProject], *, now: datetime.datetime | None = None
) -> QuerySet[ProjectWithFlags]:
    """Projects annotated with how many of their milestones are overdue and stuck (today's
    figures, so never stored: count them for the rows shown)."""
    now, today = _clock(now)
    own = Milestone.objects.filter(project=OuterRef("pk"))
    stuck = with_flags(own, now=now).filter(is_stuck=True)
    return projects.annotate(
        milestones_overdue=count_of(own.filter(_overdue(today))),
        milestones_stuck=count_of(stuck),
    )


def change_requests_of(project: ChangeProject) -> list[ChangeRequest]:
    """Every change request of the project, newest first, pending ones on top (read once per
    loaded project)."""
    pending_first = ExpressionWrapper(
        ~Q(state=ChangeRequest.State.PENDING), output_field=BooleanField()
    )
    return loaded(
        project,
        "change_requests",
        lambda: list(
            project.milestone_change_requests.select_related(
                "milestone", "requested_by", "decided_by"
            ).order_by(pending_first, "-requested_at", "-pk")
        ),
    )


def milestone_history(milestone: Milestone) -> list[MilestoneLog]:
    """The steps of one milestone and of the change requests about it, oldest first."""
    return list(
        MilestoneLog.objects.filter(milestone=milestone).select_related("actor", "change_request")
    )


def milestone_ratings(project: ChangeProject) -> QuerySet[MilestoneRating]:
    """The examiners' achievement ratings of the project's short-term milestones.

    For the results seminar and grade pages: each row has `milestone`, `examiner`, `seminar`,
    `rating` (kurang / sesuai / melampaui, `get_rating_display()`) and `note`.
    """
    return (
        MilestoneRating.objects.filter(milestone__project=project)
        .select_related("milestone", "examiner", "seminar")
        .order_by("milestone__order", "milestone__due_date", "milestone_id", "examiner__full_name")
    )


def short_term_with_ratings(project: ChangeProject) -> list[RatedMilestone]:
    """Short-term milestones, each with `rating_list` (every examiner's rating)."""
    return list(
        project.milestones.filter(term=Term.SHORT).prefetch_related(
            Prefetch(
                "ratings",
                queryset=MilestoneRating.objects.select_related("examiner"),
                to_attr="rating_list",
            )
        )
    )


def indicators_of(project: ChangeProject) -> list[IndicatorWithHistory]:
    """Indicators with `latest` (newest measurement or None) and `history` (newest first)."""
    # `latest` is filled in below.
    indicators = cast(
        "list[IndicatorWithHistory]",
        list(
            project.indicators.prefetch_related(
                Prefetch(
                    "measurements",
                    queryset=IndicatorMeasurement.objects.select_related("evidence", "recorded_by"),
                    to_attr="history",
                )
            )
        ),
    )
    for indicator in indicators:
        indicator.latest = indicator.history[0] if indicator.history else None
    return indicators


def evidence_of_project(project: ChangeProject) -> QuerySet[Evidence]:
    return Evidence.objects.filter(milestone__project=project).select_related("milestone")


# --- reminders -----------------------------------------------------------------------------


def due_for_participants(today: datetime.date) -> QuerySet[Milestone]:
    """Milestones their participant still has to finish: due within the programme's "due soon"
    window (ProgrammeRules.due_soon_days), or overdue."""
    due_soon = Q()
    for programme, rules in current_rules(today).items():
        due_soon |= Q(
            project__cohort__programme=programme,
            due_date__lte=today + datetime.timedelta(days=rules.due_soon_days),
        )
    return (
        Milestone.objects.filter(
            due_soon,
            project__state__in=WORK_STATES,
            state__in=[
                Milestone.State.PLANNED,
                Milestone.State.IN_PROGRESS,
                Milestone.State.RETURNED,
            ],
        )
        .select_related("project__participant")
        .order_by("project__participant_id", "due_date", "pk")
    )


def waiting_for_review(now: datetime.datetime) -> QuerySet[Milestone]:
    """Submitted milestones whose latest submission is older than REVIEW_WAITING_DAYS."""
    cutoff = now - datetime.timedelta(days=settings.REVIEW_WAITING_DAYS)
    return (
        Milestone.objects.filter(project__state__in=WORK_STATES, state=Milestone.State.SUBMITTED)
        .filter(submitted_at__lt=cutoff)
        .select_related("project__coach", "project__mentor", "project__cohort")
        .order_by("submitted_at", "pk")
    )


def changes_waiting_for_mentor(now: datetime.datetime) -> QuerySet[ChangeRequest]:
    """Pending change requests older than REVIEW_WAITING_DAYS."""
    cutoff = now - datetime.timedelta(days=settings.REVIEW_WAITING_DAYS)
    return (
        ChangeRequest.objects.filter(state=ChangeRequest.State.PENDING, requested_at__lt=cutoff)
        .exclude(project__state__in=ChangeProject.FINAL_STATES)
        .select_related("project__mentor", "project__cohort", "milestone")
        .order_by("requested_at", "pk")
    )


@dataclass(frozen=True)
class WaitingItem:
    """One thing that waits on one person: what it is (a phrase, translated when shown), where
    it is, since when. Reminders tell the person; past the programme's escalation delay, the
    cohort's organisers hear what is stuck and with whom."""

    what: StrOrPromise
    url: str
    project: ChangeProject
    waits_on: User
    since: datetime.datetime
    # Where the organiser sees it, when that is not where the person acts (a survey round: the
    # respondent answers it, the organiser follows it on the project's monitoring page).
    escalation_url: str = ""

    @property
    def organiser_url(self) -> str:
        return self.escalation_url or self.url


# What else waits on people, added by the apps above this one when they load (mentoring: the
# sign-offs of proposals and reports, the sessions to confirm, the survey rounds to answer).
# Each takes `now`.
WAITING_SOURCES: list[Callable[[datetime.datetime], Iterable[WaitingItem]]] = []


@dataclass
class ReminderDigest:
    """Everything waiting on one person today, for one reminder email."""

    recipient: User
    overdue: list[Milestone] = field(default_factory=list)
    due_soon: list[Milestone] = field(default_factory=list)
    to_review: list[Milestone] = field(default_factory=list)
    to_decide: list[ChangeRequest] = field(default_factory=list)
    waiting: list[WaitingItem] = field(default_factory=list)
    escalated: list[WaitingItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.overdue)
            + len(self.due_soon)
            + len(self.to_review)
            + len(self.to_decide)
            + len(self.waiting)
            + len(self.escalated)
        )

    @property
    def cohort_id(self) -> int | None:
        """The one cohort everything in the digest belongs to, if there is only one."""
        items: list[Milestone | ChangeRequest | WaitingItem] = [
            *self.overdue,
            *self.due_soon,
            *self.to_review,
            *self.to_decide,
            *self.waiting,
            *self.escalated,
        ]
        cohorts = {item.project.cohort_id for item in items}
        return cohorts.pop() if len(cohorts) == 1 else None

    @property
    def first_url(self) -> str:
        """Where the reminder leads: the most pressing item itself."""
        for milestone in [*self.overdue, *self.due_soon, *self.to_review]:
            return milestone.get_absolute_url()
        for change in self.to_decide:
            return reverse("milestones:list", args=[change.project_id])
        for item in self.waiting:
            return item.url
        for item in self.escalated:
            return item.organiser_url
        return ""

    @property
    def sentence(self) -> str:
        """The in-app notice: one sentence that says what waits, not the email's subject."""
        first = next(iter([*self.overdue, *self.due_soon, *self.to_review]), None)
        if first is not None:
            lead = _("tonggak “%(activity)s”") % {"activity": first.activity}
        elif self.to_decide:
            lead = _("usulan perubahan jadwal “%(title)s”") % {"title": self.to_decide[0].title}
        else:
            lead = str(next(iter([*self.waiting, *self.escalated])).what)
        if self.total == 1:
            return _("Satu hal menunggu Anda: %(lead)s.") % {"lead": lead}
        return _("%(count)d hal menunggu Anda, antara lain %(lead)s.") % {
            "count": self.total,
            "lead": lead,
        }


def reminder_digests(now: datetime.datetime) -> list[ReminderDigest]:
    """Per person: their milestones due soon or overdue, and reviews waiting on them too long."""
    today = timezone.localdate(now)
    digests: dict[int, ReminderDigest] = {}

    def digest_of(user: User) -> ReminderDigest:
        return digests.setdefault(user.pk, ReminderDigest(recipient=user))

    for milestone in due_for_participants(today):
        digest = digest_of(milestone.project.participant)
        (digest.overdue if milestone.due_date < today else digest.due_soon).append(milestone)
    stuck: list[WaitingItem] = []
    for milestone in waiting_for_review(now):
        for reviewer in (milestone.project.coach, milestone.project.mentor):
            if reviewer is not None:
                digest_of(reviewer).to_review.append(milestone)
                stuck.append(
                    WaitingItem(
                        what=format_lazy(
                            gettext_lazy("Tonggak “{activity}” ({project}) menunggu pemeriksaan"),
                            activity=milestone.activity,
                            project=milestone.project.title,
                        ),
                        url=milestone.get_absolute_url(),
                        project=milestone.project,
                        waits_on=reviewer,
                        since=milestone.submitted_at or now,  # never None: filtered on
                    )
                )
    for change in changes_waiting_for_mentor(now):
        if change.project.mentor is not None:
            digest_of(change.project.mentor).to_decide.append(change)
            stuck.append(
                WaitingItem(
                    what=format_lazy(
                        gettext_lazy(
                            "Usulan perubahan jadwal “{title}” ({project}) menunggu keputusan"
                        ),
                        title=change.title,
                        project=change.project.title,
                    ),
                    url=reverse("milestones:list", args=[change.project_id]),
                    project=change.project,
                    waits_on=change.project.mentor,
                    since=change.requested_at,
                )
            )
    for source in [stuck_milestones, *WAITING_SOURCES]:
        for item in source(now):
            digest_of(item.waits_on).waiting.append(item)
            stuck.append(item)
    for item, organisers in escalations(stuck, now):
        for organiser in organisers:
            digest_of(organiser).escalated.append(item)
    return [digest for _pk, digest in sorted(digests.items()) if digest.recipient.is_active]


def stuck_milestones(now: datetime.datetime) -> list[WaitingItem]:
    """Milestones that should be under way and have not moved for STUCK_AFTER_DAYS: they wait
    on their participant (with_flags says which)."""
    stuck = (
        with_flags(Milestone.objects.all(), now=now)
        .filter(is_stuck=True)
        .select_related("project__participant", "project__cohort")
        .order_by("last_activity_at", "pk")
    )
    return [
        WaitingItem(
            what=format_lazy(
                gettext_lazy("Tonggak “{activity}” ({project}) belum bergerak"),
                activity=milestone.activity,
                project=milestone.project.title,
            ),
            url=milestone.get_absolute_url(),
            project=milestone.project,
            waits_on=milestone.project.participant,
            since=milestone.last_activity_at,
        )
        for milestone in stuck
    ]


def escalations(
    items: Iterable[WaitingItem], now: datetime.datetime
) -> list[tuple[WaitingItem, list[User]]]:
    """The items waiting longer than their programme's escalation delay, each with the
    organisers of its cohort who hear of it (ProgrammeRules.escalation_days)."""
    rules: dict[int, int] = {}
    organisers: dict[int, list[User]] = {}
    found = []
    for item in items:
        cohort = item.project.cohort
        if cohort.pk not in rules:
            rules[cohort.pk] = ProgrammeRules.for_cohort(cohort).escalation_days
            organisers[cohort.pk] = list(cohort.organisers.filter(is_active=True))
        if item.since < now - datetime.timedelta(days=rules[cohort.pk]):
            found.append((item, organisers[cohort.pk]))
    return found


# --- dashboards ----------------------------------------------------------------------------


def projects_awaiting_review(user: User) -> QuerySet[ChangeProject]:
    """The projects at work the user coaches or mentors with a submitted milestone."""
    return _with_submitted().filter(Q(coach=user) | Q(mentor=user))


def _with_submitted() -> QuerySet[ChangeProject]:
    return ChangeProject.objects.filter(state__in=WORK_STATES, milestones_submitted__gt=0)


def milestones_awaiting_count(user: User) -> int:
    """How many milestones wait on the user's review: added up from the projects' rows."""
    total = projects_awaiting_review(user).aggregate(total=Sum("milestones_submitted"))["total"]
    return total or 0


def milestones_awaiting_review(
    user: User, *, oldest: int | None = None
) -> QuerySet[SubmittedMilestone]:
    """Submitted milestones of projects the user coaches or mentors, oldest first, with
    `waiting_since` (the latest submission, or the last change for one submitted without a
    step: seeded). With `oldest`, read from the projects whose oldest milestone is among the
    `oldest` first (`review_waiting_since`, kept on the row): those hold the `oldest` first
    milestones, as milestones of the same time follow their project."""
    projects = projects_awaiting_review(user)
    if oldest is not None:
        sides = [Q(coach=user), Q(mentor=user)]
        first = first_on_each_side(_with_submitted(), sides, "review_waiting_since", oldest)
        projects = _with_submitted().filter(first)
    return (
        Milestone.objects.filter(project__in=projects.values("pk"), state=Milestone.State.SUBMITTED)
        .annotate(waiting_since=Coalesce("submitted_at", "updated_at"))
        .select_related("project__participant", "project__cohort")
        .order_by("waiting_since", "project_id", "pk")
    )


def changes_awaiting_decision(user: User) -> QuerySet[ChangeRequest]:
    """Pending change requests on projects the user mentors (only the mentor decides them)."""
    return (
        ChangeRequest.objects.filter(state=ChangeRequest.State.PENDING, project__mentor=user)
        .exclude(project__state__in=ChangeProject.FINAL_STATES)
        .select_related("project__participant", "project__cohort", "milestone")
        .order_by("requested_at", "pk")
    )


def open_milestones(
    projects: QuerySet[ChangeProject], *, now: datetime.datetime | None = None
) -> QuerySet[Milestone]:
    """The projects' milestones not yet accepted, soonest due first, flagged."""
    return (
        with_flags(Milestone.objects.filter(project__in=projects), now=now)
        .exclude(state=ACCEPTED)
        .order_by("due_date", "pk")
    )


@dataclass
class TermTotals:
    """Milestones of one term, or of every term added up: planned, under way, accepted."""

    total: int = 0
    accepted: int = 0
    planned: int = 0
    overdue: int = 0

    @property
    def under_way(self) -> int:
        """In progress, submitted for review, or returned to be reworked."""
        return self.total - self.accepted - self.planned

    @property
    def share(self) -> int:
        """Percent accepted, rounded down."""
        return self.accepted * 100 // self.total if self.total else 0

    def __add__(self, other: TermTotals) -> TermTotals:
        return TermTotals(
            self.total + other.total,
            self.accepted + other.accepted,
            self.planned + other.planned,
            self.overdue + other.overdue,
        )


def milestone_terms(
    projects: QuerySet[ChangeProject], by: str | None, *, now: datetime.datetime | None = None
) -> dict[Any, dict[str, TermTotals]]:
    """Per value of the project field `by` (all the projects under None), per term: milestones
    total, accepted, planned and overdue; one query."""
    _now, today = _clock(now)
    key = f"project__{by}" if by else None
    rows = (
        Milestone.objects.filter(project__in=projects)
        .order_by()
        .values(*([key] if key else []), "term")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(state=ACCEPTED)),
            planned=Count("pk", filter=Q(state=Milestone.State.PLANNED)),
            overdue=Count("pk", filter=_overdue(today)),
        )
    )
    totals: dict[Any, dict[str, TermTotals]] = defaultdict(dict)
    for row in rows:
        totals[row[key] if key else None][row["term"]] = TermTotals(
            row["total"], row["accepted"], row["planned"], row["overdue"]
        )
    return dict(totals)


def all_terms(terms: dict[str, TermTotals] | None) -> TermTotals:
    """The terms of one `milestone_terms` entry added up."""
    return sum((terms or {}).values(), TermTotals())


def recent_months(count: int, *, today: datetime.date) -> list[datetime.date]:
    """The first days of the last `count` months, this one included, oldest first."""
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def accepted_per_month(
    projects: QuerySet[ChangeProject],
    by: str | None,
    *,
    months: list[datetime.date],
) -> dict[Any, dict[datetime.date, int]]:
    """Per value of the project field `by` (all the projects under None): how many milestones
    were accepted in each of `months` (first days, oldest first, in the site's time zone); one
    query. A milestone is accepted once, so the acceptance log rows count it."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(months[0], datetime.time.min, tzinfo=zone)
    key = f"project__{by}" if by else None
    rows = (
        MilestoneLog.objects.filter(
            project__in=projects, action=MilestoneLog.Action.ACCEPT, created_at__gte=start
        )
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .order_by()
        .values(*([key] if key else []), "month")
        .annotate(accepted=Count("pk"))
    )
    counts: dict[Any, dict[datetime.date, int]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        month = (
            timezone.localtime(month, zone).date()
            if isinstance(month, datetime.datetime)
            else month
        )
        counts[row[key] if key else None][month] = row["accepted"]
    return dict(counts)


def indicators_with_latest(project: ChangeProject) -> QuerySet[ImpactIndicator]:
    """The project's impact indicators, each with `latest_value` and `latest_on` (one query)."""
    latest = IndicatorMeasurement.objects.filter(indicator=OuterRef("pk")).order_by(
        "-measured_on", "-pk"
    )
    return project.indicators.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_on=Subquery(latest.values("measured_on")[:1]),
    )
