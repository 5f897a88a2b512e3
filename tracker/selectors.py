"""Reads for the core domain; visibility of projects lives here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tracker.models import Agency, AgencyHead, ChangeProject, Cohort, Role, Seminar, User


def agency_subtree_ids(agency_ids: Iterable[int]) -> set[int]:
    """The given agencies and all their sub-units, one query per level of depth."""
    found: set[int] = set(agency_ids)
    frontier = set(found)
    while frontier:
        children = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = children - found
        found |= frontier
    return found


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
    headed = headed_agency_ids(user)
    if headed:
        scope |= Q(agency_id__in=headed)
    return projects.filter(scope)


def with_list_columns(projects: QuerySet[ChangeProject]) -> QuerySet[ChangeProject]:
    return projects.select_related("participant", "cohort", "agency", "coach", "mentor")


def home_sections(user: User) -> dict:
    """What the home page shows, one entry per role the user holds somewhere."""
    base = with_list_columns(ChangeProject.objects.all()).order_by("cohort", "participant")
    sections = {
        "own": list(base.filter(participant=user)),
        "coached": list(base.filter(coach=user)),
        "mentored": list(base.filter(mentor=user)),
        "seminars": list(
            Seminar.objects.filter(examiners=user)
            .select_related("cohort")
            .annotate(project_count=Count("projects", distinct=True))
            .order_by("starts_at")
        ),
        "cohorts": list(
            Cohort.objects.filter(organisers=user).annotate(
                project_count=Count("projects", distinct=True)
            )
        ),
        "headed_agencies": list(AgencyHead.objects.filter(user=user).select_related("agency")),
    }
    headed = headed_agency_ids(user) if sections["headed_agencies"] else set()
    sections["agency_projects"] = list(base.filter(agency_id__in=headed)) if headed else []
    sections["agency_counts"] = state_counts(ChangeProject.objects.filter(agency_id__in=headed))
    return sections


def state_counts(projects: QuerySet[ChangeProject]) -> list[tuple[str, int]]:
    """(state label, number of projects) in workflow order, leaving out empty states."""
    totals = dict(projects.values_list("state").annotate(total=Count("pk")).order_by())
    return [
        (label, totals[value]) for value, label in ChangeProject.State.choices if value in totals
    ]


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
