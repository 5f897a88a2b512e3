"""A project's milestone plan and the metadata of its evidence."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from api import schemas
from api.endpoints.common import _person, _project, api
from milestones import selectors as milestone_selectors
from milestones.models import Evidence


@api.get("/projects/{pk}/milestones", response=list[schemas.MilestoneOut], tags=["projects"])
def list_milestones(request: HttpRequest, pk: int):
    """The project's milestone plan, in plan order."""
    project = _project(request, pk)
    return [
        {
            "id": milestone.pk,
            "term": milestone.term,
            "activity": milestone.activity,
            "implementer": milestone.implementer,
            "start_date": milestone.start_date,
            "due_date": milestone.due_date,
            "expected_output": milestone.expected_output,
            "order": milestone.order,
            "state": milestone.state,
            "state_label": str(milestone.get_state_display()),
            "overdue": bool(getattr(milestone, "is_overdue", False)),
        }
        for milestone in milestone_selectors.plan_of(project)
    ]


@api.get("/projects/{pk}/evidence", response=list[schemas.EvidenceOut], tags=["projects"])
def list_evidence(request: HttpRequest, pk: int):
    """Metadata of the project's evidence; the bytes only through the access-checked page."""
    project = _project(request, pk)
    evidence = (
        Evidence.objects.filter(milestone__project=project)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    return [
        {
            "id": item.pk,
            "milestone_id": item.milestone_id,
            "kind": item.kind,
            "caption": item.caption,
            "original_name": item.original_name,
            "content_type": item.content_type,
            "size": item.size,
            "link": item.url,
            "download_url": settings.SITE_URL
            + reverse("milestones:download-evidence", args=[item.pk])
            if item.file
            else "",
            "uploaded_by": _person(item.uploaded_by),
            "uploaded_at": item.uploaded_at,
        }
        for item in evidence
    ]
