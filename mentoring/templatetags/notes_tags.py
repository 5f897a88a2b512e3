"""Project-page panels for comments, the consultation log and the reflection journal."""

from __future__ import annotations

from django import template

from mentoring.views import (
    comment_panel_context,
    consultation_panel_context,
    journal_panel_context,
)

register = template.Library()


def _panel(context, build, project, **options) -> dict:
    # An inclusion tag renders in a fresh context: hand the CSRF token on for the forms.
    panel = build(project, context["request"].user, **options)
    return {**panel, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("mentoring/comment_list.html#comment-panel", takes_context=True)
def comment_panel(context, project):
    """The newest comments this user may read, and the comment form if they may write."""
    return _panel(context, comment_panel_context, project, preview=True)


@register.inclusion_tag("mentoring/consultation_list.html#consultation-panel", takes_context=True)
def consultation_panel(context, project):
    """Counts per stage, the newest sessions, and this user's record or confirm/dispute forms."""
    return _panel(context, consultation_panel_context, project, preview=True)


@register.inclusion_tag("mentoring/journal_list.html#journal-panel", takes_context=True)
def journal_panel(context, project):
    """The reflection journal for its participant, or its shared entries for coach and mentor."""
    return _panel(context, journal_panel_context, project)


@register.simple_tag(takes_context=True)
def journal_shown(context, project) -> bool:
    """Whether the reflection journal is shown to the signed-in person on this project."""
    return journal_panel_context(project, context["request"].user)["shown"]
