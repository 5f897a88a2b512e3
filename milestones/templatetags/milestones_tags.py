"""Panels the milestones app contributes to the project page."""

from __future__ import annotations

from django import template

from milestones import selectors, services
from milestones.models import ChangeRequest, IndicatorMeasurement

register = template.Library()


def panel_context(request, project) -> dict:
    """What the milestone panel on the project page shows to this user."""
    pending = [
        change
        for change in selectors.change_requests_of(project)
        if change.state == ChangeRequest.State.PENDING
    ]
    return {
        "request": request,
        "project": project,
        "milestones": selectors.plan_of(project),
        "progress": selectors.progress_of(project),
        "changes": pending,
        "can_decide": services.may_decide_changes(project, request.user),
        "swap_target": "milestone-panel",
        "next_url": project.get_absolute_url(),
    }


@register.inclusion_tag("milestones/partials/panel.html", takes_context=True)
def milestone_panel(context, project):
    """Progress, the plan at a glance and change requests awaiting the mentor."""
    return {**panel_context(context["request"], project), "csrf_token": context.get("csrf_token")}


@register.simple_tag
def latest_measurement(indicator) -> IndicatorMeasurement | None:
    """The newest measurement of an impact indicator, or None."""
    return indicator.measurements.order_by("-measured_on", "-pk").first()
