"""The project list and a project's page: visibility and filters as on the pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema
from ninja.errors import HttpError
from pydantic import Field

from api import cursors, schemas
from api.endpoints.common import _person, _project, _projects, _user, api
from api.endpoints.transitions import offered
from reports.filters import ProjectFilter
from tracker import services as tracker_services
from tracker import workflow
from tracker.models import ChangeProject


def _project_out(project: ChangeProject) -> dict:
    return {
        "id": project.pk,
        "title": project.title,
        "state": project.state,
        "state_label": str(project.get_state_display()),
        "cohort": {"id": project.cohort_id, "name": str(project.cohort)},
        "agency": {"id": project.agency_id, "name": project.agency.name},
        "participant": _person(project.participant),
        "coach": _person(project.coach),
        "mentor": _person(project.mentor),
        "progress": project.progress,
        "milestones_overdue": getattr(project, "milestones_overdue", 0) or 0,
        # The stored predikat of the latest grade (`tracker.summary`); null before the first.
        "grade": project.predikat or None,
        "deferral_deadline": project.deferral_deadline,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
        "url": settings.SITE_URL + project.get_absolute_url(),
    }


class ProjectFilters(Schema):
    state: str | None = None
    cohort: int | None = None
    programme: str | None = None
    agency: int | None = None
    grade: str | None = None
    q: str | None = None
    progress_min: int | None = None
    progress_max: int | None = None
    sort: str | None = Field(
        None,
        description="Urutan seperti daftar proyek: participant, title, agency, cohort, state, "
        "progress, grade, updated; awali dengan `-` untuk urutan terbalik. Tanpa sort: urut id.",
    )
    cursor: str | None = None
    limit: int = 50


@api.get("/projects", response=schemas.ProjectPage, tags=["projects"])
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]):
    """The projects you may see, filtered like the project list (agency includes its units)."""
    data = {
        name: str(value)
        for name, value in filters.dict().items()
        if value not in (None, "")
        and name in ("state", "cohort", "programme", "agency", "grade", "q", "sort")
    }
    # every_row: the counted columns (overdue, stuck) on every row the cursor pages through.
    found = ProjectFilter(data or None, visible=_projects(request), every_row=True)
    if found.is_bound and not found.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in found.errors.items())
        raise HttpError(400, _("Filter tidak valid. %(problems)s") % {"problems": problems})
    projects = found.qs
    if filters.progress_min is not None:
        projects = projects.filter(progress__gte=filters.progress_min)
    if filters.progress_max is not None:
        projects = projects.filter(progress__lte=filters.progress_max)
    if filters.sort:
        rows, next_cursor = cursors.sorted_page(
            projects, found.sort_value, filters.cursor, filters.limit
        )
    else:
        rows, next_cursor = cursors.page(projects, filters.cursor, filters.limit)
    return {"items": [_project_out(project) for project in rows], "next_cursor": next_cursor}


@api.get("/projects/{pk}", response=schemas.ProjectDetailOut, tags=["projects"])
def get_project(request: HttpRequest, pk: int):
    """One project you may see, with its proposal texts and the actions open to you now."""
    project = _project(request, pk)
    with_columns = ProjectFilter(None, visible=_projects(request), every_row=True).qs.get(
        pk=project.pk
    )
    user = _user(request)
    return {
        **_project_out(with_columns),
        **{name: getattr(project, name) for name in tracker_services.PROPOSAL_FIELDS[1:]},
        "transitions_available": [
            declared.name
            for declared in workflow.available(project, user)
            if offered(declared.name)
        ],
    }
