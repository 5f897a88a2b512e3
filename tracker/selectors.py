"""Reads for the core domain; visibility of projects lives here and nowhere else."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from tracker.models import (
    Agency,
    AgencyHead,
    ChangeProject,
    ChangeProjectQuerySet,
    Cohort,
    Invitation,
    Programme,
    ProgrammeRules,
    Role,
    Seminar,
    TransitionLog,
    User,
    headed_subtree_sql,
    lineage_sql,
    subtree_sql,
)

T = TypeVar("T")


def agency_subtree_ids(agency_ids: Iterable[int]) -> set[int]:
    """The given agencies and all their sub-units (one recursive query)."""
    agency_ids = list(agency_ids)
    if not agency_ids:
        return set()
    return set(
        Agency.objects.filter(pk__in=subtree_sql(list(agency_ids))).values_list("pk", flat=True)
    )


def agency_lineage_ids(agency_ids: Iterable[int]) -> set[int]:
    """The given agencies and all their parents up to the top (one recursive query)."""
    return set(
        Agency.objects.filter(pk__in=lineage_sql(list(agency_ids))).values_list("pk", flat=True)
    )


def headed_agency_ids(user: User) -> set[int]:
    """Agencies the user heads, with their sub-units."""
    return agency_subtree_ids(
        AgencyHead.objects.filter(user=user).values_list("agency_id", flat=True)
    )


def projects_visible_to(user: User) -> ChangeProjectQuerySet:
    """Every project the user has some relation to; the admin sees all."""
    projects = ChangeProject.objects.all()
    if not user.is_authenticated:
        return projects.none()
    if user.is_superuser:
        return projects
    examined = Seminar.objects.filter(examiners=user).values("projects")
    organised = Cohort.objects.filter(organisers=user).values("pk")
    scope = (
        Q(participant=user)
        | Q(coach=user)
        | Q(mentor=user)
        | Q(pk__in=examined)
        | Q(cohort__in=organised)
    )
    # The agencies the user heads and their units, as a subquery of the same statement.
    scope |= Q(agency_id__in=headed_subtree_sql(user))
    return projects.filter(scope)


def people_organised_by(user: User) -> QuerySet[User]:
    """The people of the cohorts the user organises: participants, coaches and mentors of their
    projects, examiners of their seminars, fellow organisers, and the user themselves."""
    cohorts = Cohort.objects.filter(organisers=user).values("pk")
    projects = ChangeProject.objects.filter(cohort__in=cohorts)
    return User.objects.filter(
        Q(pk=user.pk)
        | Q(pk__in=projects.values("participant"))
        | Q(pk__in=projects.filter(coach__isnull=False).values("coach"))
        | Q(pk__in=projects.filter(mentor__isnull=False).values("mentor"))
        | Q(
            pk__in=Seminar.objects.filter(cohort__in=cohorts, examiners__isnull=False).values(
                "examiners"
            )
        )
        | Q(pk__in=Cohort.organisers.through.objects.filter(cohort__in=cohorts).values("user"))
    )


def institutions_organised_by(user: User) -> list[str]:
    """The training institutions whose cohorts the user organises, by name."""
    return sorted(set(Cohort.objects.filter(organisers=user).values_list("institution", flat=True)))


def held_roles(user: User) -> set[Role]:
    """The roles the user holds on at least one project, cohort, seminar or agency: one query."""
    if not user.is_authenticated:
        return set()
    checks = {
        Role.PARTICIPANT: ChangeProject.objects.filter(participant=OuterRef("pk")),
        Role.COACH: ChangeProject.objects.filter(coach=OuterRef("pk")),
        Role.MENTOR: ChangeProject.objects.filter(mentor=OuterRef("pk")),
        Role.EXAMINER: Seminar.objects.filter(examiners=OuterRef("pk")),
        Role.ORGANISER: Cohort.objects.filter(organisers=OuterRef("pk")),
        Role.AGENCY_HEAD: AgencyHead.objects.filter(user=OuterRef("pk")),
    }
    row: Mapping[str, object] = (
        User.objects.filter(pk=user.pk)
        .values(**{role.value: Exists(related) for role, related in checks.items()})
        .get()
    )
    held = {role for role in checks if row[role.value]}
    if user.is_superuser:
        held.add(Role.ADMIN)
    return held


# Later than any kept time: the bound of a side with fewer rows than asked for.
END_OF_TIME = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def first_on_each_side(
    projects: QuerySet[ChangeProject], sides: Iterable[Q], order: str, count: int
) -> Q:
    """The projects among the first `count` by (`order`, pk) on any one side (as coach, as
    mentor): the first `count` of them all, in that order, are among these. Each side's
    `count`-th row is found along an index in that order, and the rows up to it through the
    same index, however many projects a reviewer guides. `order` is a kept time, never empty
    on these rows."""
    picked = Q(pk__in=[])
    for side in sides:
        last = projects.filter(side).order_by(order, "pk")[count - 1 : count]
        at, key = Subquery(last.values(order)), Subquery(last.values("pk"))
        before = Q(**{f"{order}__lt": Coalesce(at, Value(END_OF_TIME))})
        picked |= side & (before | Q(**{order: at, "pk__lte": key}))
    return picked


def share_reads(project: ChangeProject) -> ChangeProject:
    """Let the panels of one page share their reads of this project (see `loaded`).

    A page calls it on the project it has just loaded and only renders afterwards; writes work
    on rows they lock and reload, never on this instance, so nothing shared goes stale.
    """
    project.__dict__.setdefault("_loaded", {})
    return project


def loaded(project: ChangeProject, key: str, load: Callable[[], T]) -> T:
    """What `load()` returns: once per page for a project opened with `share_reads`, else
    afresh (a test or a service calling a selector twice always sees the database)."""
    memo = project.__dict__.get("_loaded")
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def transitions_of(project: ChangeProject) -> list[TransitionLog]:
    """The project's transition log, oldest first, with the people who acted."""
    return loaded(
        project, "transitions", lambda: list(project.transition_logs.select_related("actor"))
    )


def person_by_handle(handle: str) -> User | None:
    """The active user a username or a NIP (spaces and dots allowed) names, or None."""
    handle = handle.strip()
    if not handle:
        return None
    nip = re.sub(r"[\s.\-]", "", handle)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(username__iexact=handle) | Q(nip=nip))
        .order_by("pk")
        .first()
    )


def open_projects_of(cohort: Cohort) -> QuerySet[ChangeProject]:
    """The cohort's projects that have not ended, by participant, with their people joined."""
    return (
        cohort.projects.exclude(state__in=ChangeProject.FINAL_STATES)
        .select_related("participant", "coach", "mentor")
        .order_by("participant__full_name", "pk")
    )


def accounts_managed_by(organiser: User) -> QuerySet[User]:
    """Accounts an organiser may change (admin, import): those made for their own cohorts.

    One rule for every place that writes a person's name, email, position or agency. The
    account's first invitation was for a cohort the organiser runs (the import or the staff
    import made it for them), and the person holds no role outside the organiser's
    institutions: no part in another institution's cohort, no cohort organised, no agency
    headed or proposed. Never staff, never the admin. Linking an existing account into a cohort
    (import, coach or examiner assignment) gives no right over it: whoever can change its email
    can take it over with a password reset.
    """
    mine = Cohort.objects.filter(organisers=organiser)
    outside = cohorts_outside_institutions_of(organiser)
    person = OuterRef("pk")
    origin = Invitation.objects.filter(user=person).order_by("created_at", "pk").values("cohort")
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .annotate(origin_cohort=Subquery(origin[:1]))
        .filter(origin_cohort__in=mine.values("pk"))
        .exclude(
            Exists(
                ChangeProject.objects.filter(cohort__in=outside).filter(
                    Q(participant=person) | Q(coach=person) | Q(mentor=person)
                )
            )
        )
        .exclude(Exists(Seminar.objects.filter(cohort__in=outside, examiners=person)))
        .exclude(Exists(Invitation.objects.filter(user=person, cohort__in=outside)))
        .exclude(Exists(Cohort.objects.filter(organisers=person)))
        .exclude(Exists(AgencyHead.objects.filter(user=person)))
        .exclude(Exists(Invitation.objects.filter(user=person, role=Role.AGENCY_HEAD)))
    )


def cohorts_outside_institutions_of(organiser: User) -> QuerySet[Cohort]:
    """Cohorts of training institutions the organiser does not organise for (names compared
    without letter case, as everywhere institutions are matched)."""
    theirs = (
        Cohort.objects.filter(organisers=organiser)
        .annotate(institution_key=Lower("institution"))
        .values("institution_key")
    )
    return Cohort.objects.annotate(institution_key=Lower("institution")).exclude(
        institution_key__in=theirs
    )


def coaches_assignable_in(cohort: Cohort) -> QuerySet[User]:
    """Who may be made a coach or an examiner in the cohort: by import, staff import, the coach
    and examiner pages and the admin alike (`examiner_candidates` is this too).

    Active accounts, never the admin; not a participant or an organiser of this cohort (nobody
    coaches or examines the projects they do or run); and the people of the cohort's training
    institution: someone who organises, coaches or examines in its cohorts, or was invited to
    one as coach or examiner. Anyone with a part in another institution's cohorts (any role, or
    an invitation) and none here is that institution's, and is not offered. A trainer new to
    Jejak, with no part anywhere yet, is.
    """
    here = Cohort.objects.filter(institution__iexact=cohort.institution)
    there = Cohort.objects.exclude(institution__iexact=cohort.institution)
    person = OuterRef("pk")

    def serves(cohorts: QuerySet[Cohort]) -> Q:
        return (
            Exists(cohorts.filter(organisers=person))
            | Exists(ChangeProject.objects.filter(cohort__in=cohorts, coach=person))
            | Exists(Seminar.objects.filter(cohort__in=cohorts, examiners=person))
            | Exists(
                Invitation.objects.filter(
                    cohort__in=cohorts, user=person, role__in=[Role.COACH, Role.EXAMINER]
                )
            )
        )

    def belongs(cohorts: QuerySet[Cohort]) -> Q:
        projects = ChangeProject.objects.filter(cohort__in=cohorts)
        return (
            serves(cohorts)
            | Exists(projects.filter(Q(participant=person) | Q(mentor=person)))
            | Exists(Invitation.objects.filter(cohort__in=cohorts, user=person))
        )

    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(Exists(ChangeProject.objects.filter(cohort=cohort, participant=person)))
        .exclude(Exists(Cohort.organisers.through.objects.filter(cohort=cohort, user=person)))
        .filter(serves(here) | ~belongs(there))
    )


def default_rules(programme: str) -> ProgrammeRules:
    """The shipped defaults of a programme, unsaved (when no stored rules apply)."""
    return ProgrammeRules.shipped(programme)


def rules_for(cohort: Cohort) -> ProgrammeRules:
    """The rules the cohort follows (ProgrammeRules.for_cohort)."""
    return ProgrammeRules.for_cohort(cohort)


def current_rules(today: datetime.date | None = None) -> dict[str, ProgrammeRules]:
    """Each programme's rules for a cohort starting today: for reminders across cohorts."""
    today = today or timezone.localdate()
    found: dict[str, ProgrammeRules] = {}
    for rules in ProgrammeRules.objects.filter(effective_from__lte=today).order_by(
        "-effective_from", "-pk"
    ):
        found.setdefault(rules.programme, rules)
    return {
        programme: found.get(programme) or default_rules(programme)
        for programme in Programme.values
    }
