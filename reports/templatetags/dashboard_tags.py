"""The home page's role sections: built in reports, the app that reads all the others."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

from reports.dashboards import PAGE_PARAMS
from reports.dashboards import home_dashboard as build_dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def home_dashboard(context) -> dict:
    """The sections for the roles in the context's `roles` (the home view works them out), each
    long one at the page the address names."""
    query = context["request"].GET
    pages = {section: query.get(param, 1) for section, param in PAGE_PARAMS.items()}
    return build_dashboard(context["request"].user, context["roles"], pages=pages)


@register.inclusion_tag("reports/partials/section_pages.html", takes_context=True)
def section_pages(context, page: Page, section: str, anchor: str) -> dict:
    """Links to the previous and next page of a home page section, keeping the others' pages."""
    return {
        "request": context["request"],
        "page": page,
        "param": PAGE_PARAMS[section],
        "anchor": anchor,
    }
