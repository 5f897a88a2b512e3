"""The seminar panel on the project page and the seminar link in the navigation."""

from __future__ import annotations

from django import template
from django.db.models import Q

from mentoring.selectors import project_seminars
from tracker.models import User

register = template.Library()


@register.inclusion_tag("mentoring/partials/seminar_panel.html", takes_context=True)
def seminar_panel(context, project):
    """The project's seminars, results, scores (reviewers only), grade, and open actions."""
    user = context["request"].user
    return {"project": project, "request": context["request"], **project_seminars(project, user)}


@register.simple_tag(takes_context=True)
def has_seminars(context) -> bool:
    """Whether the navigation shows the seminar list: to examiners and organisers (one query)."""
    user = context["request"].user
    if not user.is_authenticated:
        return False
    if hasattr(user, "organises_cohorts"):  # loaded with the user (tracker.auth.AccountBackend)
        return user.is_superuser or user.organises_cohorts or user.examines_seminars
    return (
        user.is_superuser
        or User.objects.filter(pk=user.pk)
        .filter(Q(organised_cohorts__isnull=False) | Q(examined_seminars__isnull=False))
        .exists()
    )
