from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.models import PARTICIPANT_NEXT_STEP, ChangeProject, Role
from tracker.selectors import home_sections, projects_visible_to, roles_on_project


def _get_project_for_user(request: HttpRequest, pk: int) -> tuple[ChangeProject, set[Role]]:
    """The project if the user is in its scope (404 otherwise), with the user's roles on it."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related(
            "participant", "cohort", "agency", "coach", "mentor"
        ),
        pk=pk,
    )
    return project, roles_on_project(request.user, project)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    sections = home_sections(request.user)
    for project in sections["own"]:
        project.next_step = PARTICIPANT_NEXT_STEP[ChangeProject.State(project.state)]
    return render(request, "tracker/home.html", sections)


@require_GET
@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = _get_project_for_user(request, pk)
    context = {
        "project": project,
        "roles": sorted(role.label for role in roles),
        "is_participant": Role.PARTICIPANT in roles,
        "next_step": PARTICIPANT_NEXT_STEP[ChangeProject.State(project.state)],
        "indicators": project.indicators.all(),
        "agency_path": [*project.agency.ancestors(), project.agency],
    }
    return render(request, "tracker/changeproject_detail.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
