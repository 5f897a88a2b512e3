"""The home page's role sections: built in reports, the app that reads all the others."""

from __future__ import annotations

from django import template

from reports.dashboards import home_dashboard as build_dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def home_dashboard(context) -> dict:
    """The sections for the roles in the context's `roles` (the home view works them out)."""
    return build_dashboard(context["request"].user, context["roles"])
