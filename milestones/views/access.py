"""Access helpers: each loads an object through the one visibility rule (404 outside scope)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from milestones.models import ChangeRequest, Evidence, Milestone
from tracker import workflow
from tracker.http import AuthenticatedRequest
from tracker.models import ChangeProject, ImpactIndicator, Role
from tracker.selectors import projects_visible_to

PROJECT_RELATIONS = ("participant", "cohort", "agency", "coach", "mentor")


def get_project_for_user(
    request: AuthenticatedRequest, pk: int
) -> tuple[ChangeProject, frozenset[Role]]:
    """The project if the user is in its scope (404 otherwise), with the user's roles on it."""
    project = get_object_or_404(
        projects_visible_to(request.user)
        .with_relations(request.user)
        .select_related(*PROJECT_RELATIONS),
        pk=pk,
    )
    return project, workflow.roles(project, request.user)


def _in_scope(model, request: AuthenticatedRequest, lookup: str):
    return model.objects.filter(**{f"{lookup}__in": projects_visible_to(request.user)})


def get_milestone_for_user(
    request: AuthenticatedRequest, pk: int
) -> tuple[Milestone, frozenset[Role]]:
    """The milestone if its project is in the user's scope (404 otherwise), with their roles."""
    milestone = get_object_or_404(
        _in_scope(Milestone, request, "project").select_related(
            *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )
    return milestone, workflow.roles(milestone.project, request.user)


def get_evidence_for_user(request: AuthenticatedRequest, pk: int) -> Evidence:
    """The evidence if its project is in the user's scope, else 404."""
    return get_object_or_404(
        _in_scope(Evidence, request, "milestone__project").select_related(
            "milestone__project__cohort", "milestone__project__agency"
        ),
        pk=pk,
    )


def get_change_for_user(request: AuthenticatedRequest, pk: int) -> ChangeRequest:
    """The change request if its project is in the user's scope, else 404."""
    return get_object_or_404(
        _in_scope(ChangeRequest, request, "project").select_related(
            "milestone", *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )


def get_indicator_for_user(request: AuthenticatedRequest, pk: int) -> ImpactIndicator:
    """The impact indicator if its project is in the user's scope, else 404."""
    return get_object_or_404(
        _in_scope(ImpactIndicator, request, "project").select_related(
            *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )
