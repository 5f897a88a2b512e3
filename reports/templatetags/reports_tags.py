"""Formatting for printed documents, and the download links the reports app adds to a project."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import date_format, number_format
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.selectors import proposal_signed_by_both, stage_signed_by_both
from reports import charts, timeline, todo
from reports.models import GeneratedDocument
from reports.selectors import may_download, may_download_minutes
from tracker import workflow
from tracker.models import ChangeProject

register = template.Library()

EMPTY = "—"


@register.filter
def long_datetime(value: datetime.datetime) -> str:
    """12 Maret 2026, 14.05 WIB: the Indonesian way, in the site's time zone."""
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


@register.filter
def long_date(value: datetime.date) -> str:
    return date_format(value)


@register.filter
def cell(value, kind: str = "text"):
    """A value of a document's data formatted for print according to its kind."""
    if value is None or value == "":
        return EMPTY
    if kind == "datetime" and isinstance(value, datetime.datetime):
        return long_datetime(value)
    if kind == "date" and isinstance(value, datetime.date):
        return long_date(value)
    if kind == "number" and isinstance(value, int | float | Decimal):
        return floatformat(value, "-2g")
    if kind == "score" and isinstance(value, int | float | Decimal):
        return floatformat(value, "2g")
    if kind == "longtext":
        lines = (line.strip() for line in str(value).splitlines())
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines if line))
    return value


# The states after a report was submitted: the final report is offered without asking for its
# narrative (the project page's query count stays as it was); a project without one sends the
# person back with a message.
S = ChangeProject.State
REPORTED_STATES = frozenset(
    {
        S.REPORT_REVIEW,
        S.RESULTS_SEMINAR,
        S.PASSED,
        S.DEFERRED,
        S.FAILED,
        S.MONITORING,
        S.COMPLETED,
    }
)


@register.inclusion_tag("reports/partials/downloads.html", takes_context=True)
def report_downloads(context, project):
    """Links to the project's documents that this user may download."""
    user = context["request"].user
    roles = workflow.roles(project, user)
    Kind = GeneratedDocument.Kind
    links = []
    if may_download(project, user, Kind.PROJECT_REPORT, roles=roles):
        links.append(Kind.PROJECT_REPORT)
    if may_download(project, user, Kind.APPROVAL_PAGE, roles=roles) and proposal_signed_by_both(
        project
    ):
        links.append(Kind.APPROVAL_PAGE)
    if may_download(project, user, Kind.PROPOSAL, roles=roles):
        links.append(Kind.PROPOSAL)
    if may_download(project, user, Kind.CONTROL_FORM, roles=roles):
        links.append(Kind.CONTROL_FORM)
    if (
        may_download(project, user, Kind.FINAL_REPORT, roles=roles)
        and project.state in REPORTED_STATES
    ):
        links.append(Kind.FINAL_REPORT)
    if may_download(project, user, Kind.ENDORSEMENT_PAGE, roles=roles) and stage_signed_by_both(
        project, "report"
    ):
        links.append(Kind.ENDORSEMENT_PAGE)
    return {"project": project, "links": links}


@register.inclusion_tag("reports/partials/minutes_link.html", takes_context=True)
def minutes_link(context, seminar, project, recorded, paragraph=False):
    """A link to the project's minutes at the seminar, once recorded and if the user may take it.

    `recorded` is what the page already knows (the seminar's result or grade for the project),
    so a seminar page with many projects costs no query per row.
    """
    user = context["request"].user
    shown = bool(recorded) and may_download_minutes(seminar, project, user)
    return {"seminar": seminar, "project": project, "shown": shown, "paragraph": paragraph}


@register.inclusion_tag("reports/partials/agency_report_links.html")
def agency_report_links(headships):
    """The home page's block for agency heads: the impact report of each agency they head."""
    return {"agencies": [headship.agency for headship in headships]}


@register.inclusion_tag("reports/partials/cohort_recap_link.html")
def cohort_recap_link(cohort):
    """The home page's link for organisers: the recap of a cohort they organise."""
    return {"cohort": cohort}


# --- charts in the reports about many projects ------------------------------------------------


@register.simple_tag
def count_chart(table):
    """A bar chart of a (label, count) table, such as projects per status or per predikat."""
    return charts.bar_chart(
        [charts.Bar(str(label), count) for label, count in table.rows], title=str(table.title)
    )


@register.simple_tag
def share_chart(table):
    """A bar chart of a (label, count, percent) table, such as barriers or sustainability."""
    return charts.bar_chart(
        [charts.Bar(str(row[0]), row[1]) for row in table.rows],
        title=str(table.title),
        label_width=70,
    )


@register.simple_tag
def means_chart(table):
    """Alumni and mentor mean scores side by side, from the (aspect, alumni, mentor, ...) table."""
    return charts.paired_bar_chart(
        [(str(row[0]), row[1], row[2]) for row in table.rows],
        title=str(table.title),
        legend=(_("Alumni"), _("Mentor")),
        maximum=5,
    )


TERM_LEGEND = (gettext_lazy("Diterima"), gettext_lazy("Dalam proses"), gettext_lazy("Direncanakan"))


def term_bars(terms, *, short: bool = False) -> list[charts.StackedBar]:
    """Milestones per term as stacked bars (accepted, under way, planned), each noted with its
    accepted of planned: "2 dari 3 diterima", or "2/3" where the chart is narrow."""
    bars = []
    for term in terms:
        accepted, total = number_format(term.accepted), number_format(term.total)
        note = (
            f"{accepted}/{total}"
            if short
            else _("%(accepted)s dari %(total)s diterima") % {"accepted": accepted, "total": total}
        )
        bars.append(
            charts.StackedBar(term.label, (term.accepted, term.under_way, term.planned), note=note)
        )
    return bars


def month_columns(trend) -> list[charts.Column]:
    """Milestones accepted per month as columns: the month's short name, and its year under the
    first month and under each January."""
    return [
        charts.Column(
            capfirst(str(MONTHS_3[row.month.month])),
            row.accepted,
            str(row.month.year) if index == 0 or row.month.month == 1 else "",
        )
        for index, row in enumerate(trend)
    ]


@register.simple_tag
def term_chart(terms):
    """Milestones per term as stacked bars: accepted, under way, planned."""
    return charts.stacked_bar_chart(
        term_bars(terms), title=_("Progres tonggak"), legend=[str(name) for name in TERM_LEGEND]
    )


@register.simple_tag
def trend_chart(trend):
    """Milestones accepted per month as columns, oldest month first."""
    return charts.column_chart(month_columns(trend), title=_("Tonggak diterima per bulan"))


@register.simple_tag
def milestone_bar(line):
    """One project's share of accepted milestones as a small bar."""
    return charts.progress_bar(
        line.milestones_accepted, line.milestones_total, title=_("Tonggak diterima")
    )


@register.simple_tag
def page_of(start_pages, project_id):
    """The page a project's section starts on, once the sections have been laid out."""
    if not start_pages:
        return EMPTY
    return start_pages.get(project_id, EMPTY)


@register.inclusion_tag("tracker/partials/timeline.html")
def project_timeline(project, shown: int = 6):
    """What happened to the project, oldest first: the latest `shown` events in view, the
    earlier ones folded away."""
    events = timeline.project_timeline(project)
    return {"earlier": events[:-shown], "latest": events[-shown:]}


@register.simple_tag(takes_context=True)
def waiting_on_me(context, project):
    """What else waits on the signed-in person on this project (milestones, sessions, ...)."""
    return todo.waiting_on(project, context["request"].user)
