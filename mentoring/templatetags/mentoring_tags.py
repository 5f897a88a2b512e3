"""Panels the mentoring app contributes to the project page."""

from __future__ import annotations

from django import template

from mentoring.selectors import pending_signoff, review_signers

register = template.Library()


@register.inclusion_tag("mentoring/partials/signoff_form.html", takes_context=True)
def signoff_form(context, project):
    """The approve button for a coach or mentor whose sign-off the current review awaits."""
    user = context["request"].user
    stage = pending_signoff(project, user)
    signers = review_signers(project) if stage else set()
    return {
        "project": project,
        "stage": stage,
        "signers": signers,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def signoff_pending(context, project) -> bool:
    """Whether the signed-in coach or mentor has a sign-off to give on this project now."""
    return pending_signoff(project, context["request"].user) is not None
