"""The home page's role sections: built in reports, the app that reads all the others."""

from __future__ import annotations

from django import template
from django.core.paginator import Page
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from reports import charts
from reports.dashboards import PAGE_PARAMS
from reports.dashboards import home_dashboard as build_dashboard
from reports.templatetags.reports_tags import TERM_LEGEND, month_columns, term_bars

register = template.Library()

# On a screen the printed chart is drawn narrower, so its 3.2-unit text reads at about 15 px
# when the chart fills a dashboard card; the label column holds the longest state name.
WEB_SIZE = {"width": 120, "label_width": 54}
# On a phone: fewer units across the same width, so the text stays about 13 px; labels shortened.
PHONE_SIZE = {"width": 70, "label_width": 38}


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


def _wide_and_narrow(wide: SafeString, narrow: SafeString) -> SafeString:
    """A chart drawn twice for the screen, wide and narrow; the stylesheet shows the one that
    fits (the other is display: none, so screen readers meet the chart once)."""
    return format_html(
        '<span class="chart__wide">{}</span><span class="chart__narrow">{}</span>', wide, narrow
    )


def _web_bar_chart(
    bars: list[charts.Bar], title: str, *, label_width: float | None = None
) -> SafeString:
    """The printed bar chart at the screen's sizes; on phones its labels are shortened."""
    narrow = [charts.Bar(Truncator(bar.label).chars(18), bar.value) for bar in bars]
    wide_size = {**WEB_SIZE, **({"label_width": label_width} if label_width else {})}
    return _wide_and_narrow(
        charts.bar_chart(bars, title=title, **wide_size),
        charts.bar_chart(narrow, title=title, **PHONE_SIZE),
    )


@register.simple_tag
def states_chart(rows: list[dict], title: str) -> SafeString:
    """The dashboard's projects per status as bars (the same drawing as the printed reports).

    The figures are listed beside the chart as well; the SVG carries its own title for screen
    readers.
    """
    return _web_bar_chart([charts.Bar(str(row["label"]), row["total"]) for row in rows], str(title))


@register.simple_tag
def grades_chart(grades: list[tuple[str, int]], title: str) -> SafeString:
    """Projects per predikat, from (label, count) pairs."""
    return _web_bar_chart([charts.Bar(str(label), total) for label, total in grades], str(title))


@register.simple_tag
def terms_chart(terms, title: str) -> SafeString:
    """Milestones per term (accepted, under way, planned) as stacked bars, wide and narrow."""
    legend = [str(name) for name in TERM_LEGEND]
    return _wide_and_narrow(
        charts.stacked_bar_chart(
            term_bars(terms), title=str(title), legend=legend, width=120, label_width=34
        ),
        charts.stacked_bar_chart(
            term_bars(terms, short=True),
            title=str(title),
            legend=legend,
            width=70,
            label_width=33,
            note_width=11,
        ),
    )


@register.simple_tag
def trend_web_chart(trend, title: str) -> SafeString:
    """Milestones accepted per month as columns, wide and narrow."""
    columns = month_columns(trend)
    return _wide_and_narrow(
        charts.column_chart(columns, title=str(title), width=120, plot_height=26),
        charts.column_chart(columns, title=str(title), width=70, plot_height=22),
    )


# The post-training charts: long labels (barriers) keep a wider label column on the screen too.
IMPACT_CHARTS = {"means": 54, "sustainability": 54, "barriers": 74}


@register.simple_tag
def impact_chart(figures, which: str) -> SafeString:
    """One of the dashboard's post-training charts (`IMPACT_CHARTS`), wide and narrow."""
    draw = getattr(figures, f"{which}_chart")
    return _wide_and_narrow(
        draw(width=WEB_SIZE["width"], label_width=IMPACT_CHARTS[which]),
        draw(label_chars=18, **PHONE_SIZE),
    )
