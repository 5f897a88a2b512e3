"""Links of the project list that keep the filters in force: sorting, pages, downloads."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from reports.filters import SORTS, sort_direction

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    # Empty filters add nothing to a bookmark; leave them out of the links.
    for key in [key for key, value in query.items() if value == ""]:
        query.pop(key)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("reports/partials/sort_header.html", takes_context=True)
def sort_header(context, param: str) -> dict:
    """A column header that sorts by its column, and says which way the list is sorted now."""
    current = context["sort"]
    label = SORTS[param][0]
    if current == param:
        direction, next_sort = "ascending", f"-{param}"
    elif current == f"-{param}":
        direction, next_sort = "descending", param
    else:
        direction, next_sort = "", param
    return {
        "request": context["request"],
        "label": label,
        "direction": direction,
        "next_sort": next_sort,
        "hint": _("urutkan %(direction)s") % {"direction": sort_direction(next_sort)},
    }
