"""The header's navigation: which section a page belongs to, and the icons beside the labels."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Pages that are not a navigation item belong to the section people reach them from.
SECTION_OF_VIEW = {
    "tracker:home": "home",
    "tracker:notifications": "notifications",
    "tracker:workflow": "workflow",
    "tracker:profile": "profile",
    "mentoring:seminar-list": "seminars",
    "mentoring:seminar-detail": "seminars",
    "mentoring:seminar-update": "seminars",
    "mentoring:seminar-create": "seminars",
    "mentoring:examiner-assignment": "seminars",
    "mentoring:score-project": "seminars",
    "mentoring:grade-project": "seminars",
    "mentoring:record-proposal-result": "seminars",
    "tracker:notification-read": "notifications",
    # An organiser's cohort tools and the reports are reached from the home page's dashboard.
    "tracker:participant-import": "home",
    "tracker:participant-import-confirm": "home",
    "tracker:coach-assignment": "home",
    "tracker:invitations": "home",
    "tracker:staff-import": "home",
    "tracker:staff-import-confirm": "home",
    "tracker:agency-head-proposal": "home",
    "reports:agency-report": "home",
    "reports:cohort-recap": "home",
    "reports:job": "home",
    "reports:project-list": "projects",
}
# Everything under a project (its milestones, notes, reports) is the projects section.
PROJECT_NAMESPACES = {"tracker", "milestones", "mentoring", "reports"}


def section_of(request: HttpRequest | None) -> str:
    """The navigation section of the page the request resolved to ("" when none)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.view_name in SECTION_OF_VIEW:
        return SECTION_OF_VIEW[match.view_name]
    if match.namespace in PROJECT_NAMESPACES and "pk" in match.kwargs:
        return "projects"
    return ""


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, section: str, view_name: str) -> str:
    """aria-current for a navigation link: "page" on its own page, "true" within its section."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == view_name:
        return mark_safe(' aria-current="page"')
    if section_of(request) == section:
        return mark_safe(' aria-current="true"')
    return ""


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    """A decorative icon from the page's sprite (templates/tracker/partials/icons.html)."""
    classes = f"icon {extra_class}".strip()
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="#icon-{}"></use></svg>',
        classes,
        name,
    )
