"""The home page's role sections: built in reports, the app that reads all the others."""

from __future__ import annotations

from django import template

from reports import charts
from reports.dashboards import home_dashboard as build_dashboard

register = template.Library()

# On a screen the printed chart is drawn narrower, so its 3.2-unit text reads at about 15 px
# when the chart fills a dashboard card.
WEB_SIZE = {"width": 105, "label_width": 42}


@register.simple_tag(takes_context=True)
def home_dashboard(context) -> dict:
    """The sections for the roles in the context's `roles` (the home view works them out)."""
    return build_dashboard(context["request"].user, context["roles"])


@register.simple_tag
def states_chart(rows: list[dict], title: str) -> str:
    """The dashboard's projects per status as bars (the same drawing as the printed reports).

    The figures are listed beside the chart as well; the SVG carries its own title for screen
    readers.
    """
    bars = [charts.Bar(str(row["label"]), row["total"]) for row in rows]
    return charts.bar_chart(bars, title=str(title), **WEB_SIZE)


@register.simple_tag
def grades_chart(grades: list[tuple[str, int]], title: str) -> str:
    """Projects per predikat, from (label, count) pairs."""
    bars = [charts.Bar(str(label), total) for label, total in grades]
    return charts.bar_chart(bars, title=str(title), **WEB_SIZE)
