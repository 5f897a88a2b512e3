"""Panels the milestones app contributes to the project page."""

from __future__ import annotations

from django import template

from milestones import selectors, services
from milestones.models import ChangeRequest

register = template.Library()


def panel_context(request, project) -> dict:
    """What the milestone panel on the project page shows to this user."""
    pending = [
        change
        for change in selectors.change_requests_of(project)
        if change.state == ChangeRequest.State.PENDING
    ]
    milestones = selectors.plan_of(project)
    return {
        "request": request,
        "project": project,
        "milestones": milestones,
        "progress": selectors.progress_of(milestones),
        "changes": pending,
        "can_decide": services.may_decide_changes(project, request.user),
        "swap_target": "milestone-panel",
        "next_url": project.get_absolute_url(),
    }


@register.inclusion_tag("milestones/partials/panel.html", takes_context=True)
def milestone_panel(context, project):
    """Progress, the plan at a glance and change requests awaiting the mentor."""
    return {**panel_context(context["request"], project), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("milestones/partials/indicators.html")
def indicator_panel(project):
    """The project's impact indicators: baseline, target and the latest value measured."""
    return {"project": project, "indicators": selectors.indicators_with_latest(project)}
