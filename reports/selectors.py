"""Reads of the reports app: who may download or read which document, and a person's report jobs.

The documents' data live in reports/documents/, one module each.
"""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import GeneratedDocument, ReportJob
from tracker import workflow
from tracker.models import Agency, ChangeProject, Cohort, Role, Seminar, User
from tracker.selectors import headed_agency_ids

Kind = GeneratedDocument.Kind

# Who may download which document of a project. Examiners may take the approval page (it is what
# clears the project for the seminar they examine), not the whole project report.
READERS = frozenset(
    {Role.PARTICIPANT, Role.COACH, Role.MENTOR, Role.ORGANISER, Role.AGENCY_HEAD, Role.ADMIN}
)
# Examiners judge the proposal and the report: they take those, and the pages that sign them.
READERS_AND_EXAMINERS = READERS | {Role.EXAMINER}

DOWNLOADERS = {
    Kind.PROPOSAL: READERS_AND_EXAMINERS,
    Kind.ENDORSEMENT_PAGE: READERS_AND_EXAMINERS,
    Kind.FINAL_REPORT: READERS_AND_EXAMINERS,
    # The control form is the participant's record with coach and mentor, not seminar material.
    Kind.CONTROL_FORM: READERS,
    # The post-training commitment: its signatories, and those who follow the project for them.
    Kind.COMMITMENT: frozenset(
        {Role.PARTICIPANT, Role.COACH, Role.MENTOR, Role.ORGANISER, Role.AGENCY_HEAD, Role.ADMIN}
    ),
    Kind.PROJECT_REPORT: frozenset(
        {Role.PARTICIPANT, Role.COACH, Role.MENTOR, Role.ORGANISER, Role.AGENCY_HEAD, Role.ADMIN}
    ),
    Kind.APPROVAL_PAGE: frozenset(
        {
            Role.PARTICIPANT,
            Role.COACH,
            Role.MENTOR,
            Role.EXAMINER,
            Role.ORGANISER,
            Role.AGENCY_HEAD,
            Role.ADMIN,
        }
    ),
}


def may_download(project: ChangeProject, user: User, kind: str, roles=None) -> bool:
    """Whether the user's relation to the project lets them download this kind of document."""
    roles = workflow.roles(project, user) if roles is None else roles
    return bool(set(roles) & DOWNLOADERS[Kind(kind)])


def may_read_agency(agency: Agency, user: User) -> bool:
    """Whether the user heads the agency or one above it (or is the admin)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or agency.pk in headed_agency_ids(user)


def may_read_cohort(cohort: Cohort, user: User) -> bool:
    """Whether the user organises the cohort (or is the admin)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or cohort.organisers.filter(pk=user.pk).exists()


def may_download_minutes(seminar: Seminar, project: ChangeProject, user: User) -> bool:
    """Whether the user may take the minutes of this project at this seminar.

    The project's participant, coach and mentor, the seminar's own examiners, the organisers of
    its cohort and the admin. Reads prefetched examiners and remembers the organisers per cohort,
    so a seminar page with many projects asks once.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.pk in (
        project.participant_id,
        project.coach_id,
        project.mentor_id,
    ):
        return True
    if any(examiner.pk == user.pk for examiner in seminar.examiners.all()):
        return True
    cohort = seminar.cohort
    if "_organiser_ids" not in cohort.__dict__:
        cohort.__dict__["_organiser_ids"] = set(cohort.organisers.values_list("pk", flat=True))
    return user.pk in cohort.__dict__["_organiser_ids"]


def jobs_of(user: User, kind: str, **parameters) -> QuerySet[ReportJob]:
    """The user's report jobs of a kind for these parameters (agency, cohort), newest first."""
    filters = {f"parameters__{name}": value for name, value in parameters.items()}
    return (
        ReportJob.objects.filter(requested_by=user, kind=kind, **filters)
        .select_related("document")
        .order_by("-created_at", "-pk")
    )
