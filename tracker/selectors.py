"""Reads for the core domain; visibility of projects lives here and nowhere else."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    Agency,
    AgencyHead,
    ChangeProject,
    Cohort,
    Role,
    Seminar,
    User,
    lineage_sql,
    subtree_sql,
)


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


def headed_subtree_sql(user: User) -> RawSQL:
    """The agencies the user heads and all their units, as one recursive subquery."""
    agency, head = Agency._meta.db_table, AgencyHead._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE subtree (id) AS ("  # noqa: S608 - the table names are ours
        f" SELECT agency_id FROM {head} WHERE user_id = %s"
        f" UNION SELECT unit.id FROM {agency} unit JOIN subtree ON unit.parent_id = subtree.id"
        f") SELECT id FROM subtree",
        [user.pk],
    )


def headed_agency_ids(user: User) -> set[int]:
    """Agencies the user heads, with their sub-units."""
    return agency_subtree_ids(
        AgencyHead.objects.filter(user=user).values_list("agency_id", flat=True)
    )


def projects_visible_to(user: User) -> QuerySet[ChangeProject]:
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
    row = (
        User.objects.filter(pk=user.pk)
        .values(**{role.value: Exists(related) for role, related in checks.items()})
        .get()
    )
    held = {role for role in checks if row[role.value]}
    if user.is_superuser:
        held.add(Role.ADMIN)
    return held


def project_timeline(project: ChangeProject) -> list[dict]:
    """What happened to the project, oldest first: transitions, sign-offs, seminars, sessions."""
    events = [
        {
            "at": log.created_at,
            "kind": "transition",
            "title": log.transition_label,
            "detail": log.get_to_state_display(),
            "actor": log.actor,
            "role": log.get_role_display(),
            "comment": log.comment,
        }
        for log in project.transition_logs.select_related("actor")
    ]
    events += [
        {
            "at": signoff.signed_at,
            "kind": "signoff",
            "title": signoff.wording,
            "detail": signoff.get_stage_display(),
            "actor": signoff.signer,
            "role": signoff.get_role_display(),
            "comment": "",
        }
        for signoff in project.signoffs.select_related("signer")
    ]
    events += [
        {
            "at": seminar.starts_at,
            "kind": "seminar",
            "title": seminar.get_kind_display(),
            "detail": seminar.place or seminar.online_link,
            "actor": None,
            "role": "",
            "comment": "",
        }
        for seminar in project.seminars.all()
    ]
    # Consultations come from the mentoring app through the reverse relation (no import upward);
    # comments stay out: the timeline is shown to everyone in scope.
    for consultation in project.consultations.select_related("recorded_by", "consultant"):
        events.append(
            {
                "at": consultation.created_at,
                "kind": "consultation",
                "title": _("Konsultasi dicatat"),
                "detail": f"{consultation.get_stage_display()} · {consultation.topic}",
                "actor": consultation.recorded_by,
                "role": Role.PARTICIPANT.label,
                "comment": "",
            }
        )
        if consultation.decided_at is not None:
            events.append(
                {
                    "at": consultation.decided_at,
                    "kind": "consultation",
                    "title": _("Konsultasi: %(status)s")
                    % {"status": consultation.get_status_display()},
                    "detail": consultation.topic,
                    "actor": consultation.consultant,
                    "role": consultation.get_consultant_role_display(),
                    "comment": consultation.dispute_reason,
                }
            )
    return sorted(events, key=lambda event: event["at"])


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
    """Accounts an organiser may update (import): people who are, in Jejak, only their cohorts'.

    That is participants of the organiser's cohorts with no relation elsewhere: not in another
    cohort, not coaching, mentoring or examining outside them, not organising or heading an
    agency, not staff. Anyone else's name, email, position and agency belong to them and to the
    other cohorts they stand in, so an import links such a person and leaves the account alone.
    """
    mine = Cohort.objects.filter(organisers=organiser)
    elsewhere = ChangeProject.objects.exclude(cohort__in=mine)
    person = OuterRef("pk")
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .filter(Exists(ChangeProject.objects.filter(cohort__in=mine, participant=person)))
        .exclude(
            Exists(elsewhere.filter(Q(participant=person) | Q(coach=person) | Q(mentor=person)))
        )
        .exclude(Exists(Seminar.objects.exclude(cohort__in=mine).filter(examiners=person)))
        .exclude(Exists(Cohort.objects.filter(organisers=person)))
        .exclude(Exists(AgencyHead.objects.filter(user=person)))
    )


def coaches_assignable_in(cohort: Cohort) -> QuerySet[User]:
    """Who may be made a coach in the cohort, by import or by the coach page.

    Active accounts, never the admin, not a participant of this cohort, and not another
    institution's people: someone who organises, coaches or examines only in cohorts of other
    training institutions is not offered. A trainer new to Jejak (no such duty anywhere yet) is.
    """
    here = Cohort.objects.filter(institution__iexact=cohort.institution)
    there = Cohort.objects.exclude(institution__iexact=cohort.institution)

    def serves(cohorts: QuerySet[Cohort]):
        person = OuterRef("pk")
        return (
            Exists(cohorts.filter(organisers=person))
            | Exists(ChangeProject.objects.filter(cohort__in=cohorts, coach=person))
            | Exists(Seminar.objects.filter(cohort__in=cohorts, examiners=person))
        )

    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(Exists(ChangeProject.objects.filter(cohort=cohort, participant=OuterRef("pk"))))
        .filter(serves(here) | ~serves(there))
    )
