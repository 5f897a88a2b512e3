"""Panels the mentoring app contributes to the project page."""

from __future__ import annotations

from django import template

from mentoring.selectors import pending_signoff

register = template.Library()


@register.inclusion_tag("mentoring/partials/signoff_form.html", takes_context=True)
def signoff_form(context, project):
    """The approve button for a coach or mentor whose sign-off the current review awaits."""
    user = context["request"].user
    stage = pending_signoff(project, user)
    signers = project.current_review_signers(stage) if stage else set()
    return {
        "project": project,
        "stage": stage,
        "signers": signers,
        "csrf_token": context.get("csrf_token"),
    }
