"""Links of the project list that keep the filters in force: sorting, pages, downloads."""

from __future__ import annotations

from django import template
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reports.filters import CHOICE_SEARCH, SORTS, ProjectFilter, sort_direction

register = template.Library()

# The parameters that choose a page of the list: a new filter, sort or choice drops them all.
PAGE_PARAMS = ("page", "after", "before")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    return changed_query(context["request"].GET, changes)


def changed_query(current: QueryDict, changes: dict[str, object]) -> str:
    """`current` with some parameters changed (None removes one), empty ones left out."""
    query = current.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
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


def picker_context(request: HttpRequest, projects: ProjectFilter, name: str) -> dict:
    """What a choice picker shows: the choice in force, and the choices matching the search,
    each a link to the list with that choice and the other filters kept."""
    search = f"{name}{CHOICE_SEARCH}"
    text = request.GET.get(search, "").strip()[:100]
    list_url = reverse("reports:project-list")

    def choose(value: object) -> str:
        changes = {name: value, search: None, **dict.fromkeys(PAGE_PARAMS)}
        return list_url + changed_query(request.GET, changes)

    field = projects.filters[name]
    null_label = field.extra.get("null_label")
    chosen = None
    if projects.is_bound and projects.form.is_valid():
        chosen = projects.form.cleaned_data.get(name)
        if chosen == "null":
            chosen = null_label
    return {
        "name": name,
        "search_name": search,
        "search_value": text,
        "field": projects.form[name],
        "label": projects.form.fields[name].label,
        "chosen": chosen,
        "clear_href": choose(None),
        "options": None
        if not text
        else [(str(option), choose(option.pk)) for option in projects.choice_options(name, text)],
        "null_href": choose("null") if null_label and chosen != null_label else "",
        "null_label": null_label,
        "choices_url": reverse("reports:project-filter-choices", args=[name]),
    }


@register.inclusion_tag("reports/partials/filter_picker.html", takes_context=True)
def filter_picker(context, name: str) -> dict:
    """A searchable choice of cohort, agency, coach or mentor: a search field whose matches are
    links (HTMX fills them as one types; without JavaScript the form's submit does)."""
    return picker_context(context["request"], context["filter"], name)


@register.simple_tag(takes_context=True)
def page_query(context, **changes) -> str:
    """The current query string on another page of the list: `changes` name that page (its
    cursor or number); the other page parameters are dropped."""
    return changed_query(context["request"].GET, {**dict.fromkeys(PAGE_PARAMS), **changes})


@register.simple_tag(takes_context=True)
def section_query(context, param: str, number: int) -> str:
    """The current query string with the page parameter `param` set to `number`."""
    return changed_query(context["request"].GET, {param: None if number == 1 else number})
