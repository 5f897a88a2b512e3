"""Milestone progress per term and milestones accepted per month: the selectors, the organiser's
and agency head's dashboards (charts with a table for screen readers), and the printed reports."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from milestones.models import Milestone, MilestoneLog, Term
from milestones.selectors import accepted_per_month, milestone_terms, recent_months
from reports.documents.agency_report import agency_report_data
from reports.documents.cohort_recap import cohort_recap_data
from reports.services import issue_collection
from tests.factories import ChangeProjectFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.reports.test_services import _attached_csv, _pages_text
from tracker.models import ChangeProject, Role

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
HOME = reverse("tracker:home")
M = Milestone.State


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _accepted(project: ChangeProject, at: datetime.datetime, term=Term.SHORT) -> Milestone:
    milestone = MilestoneFactory(project=project, term=term, state=M.ACCEPTED)
    MilestoneLog.objects.create(
        project=project,
        milestone=milestone,
        actor=project.mentor or project.participant,
        role=Role.MENTOR,
        action=MilestoneLog.Action.ACCEPT,
        from_state=M.SUBMITTED,
        to_state=M.ACCEPTED,
        created_at=at,
    )
    return milestone


@pytest.fixture
def plan(world):
    """The world's project at work: two short-term milestones accepted (October and November),
    one medium-term under way, one long-term planned; the other agency's project has one more
    accepted in November."""
    project = put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    # 23.30 in Jakarta on 31 October is still October there (16.30 UTC).
    _accepted(project, datetime.datetime(2026, 10, 31, 23, 30, tzinfo=JAKARTA))
    _accepted(project, datetime.datetime(2026, 11, 2, 8, 0, tzinfo=JAKARTA))
    MilestoneFactory(project=project, term=Term.MEDIUM, state=M.IN_PROGRESS)
    MilestoneFactory(project=project, term=Term.LONG, state=M.PLANNED)
    other = put_project_in(world.other_project, ChangeProject.State.IMPLEMENTATION)
    _accepted(other, datetime.datetime(2026, 11, 3, 8, 0, tzinfo=JAKARTA))
    return project


# --- selectors -------------------------------------------------------------------------------


def test_recent_months_run_oldest_first_across_the_new_year():
    assert recent_months(3, today=datetime.date(2027, 1, 15)) == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]


def test_milestone_terms_counts_each_term_of_each_group(world, plan):
    terms = milestone_terms(ChangeProject.objects.filter(pk=plan.pk), "cohort")[world.cohort.pk]
    assert (terms["short"].total, terms["short"].accepted, terms["short"].planned) == (2, 2, 0)
    assert terms["medium"].under_way == 1
    assert terms["long"].planned == 1 and terms["long"].share == 0
    assert terms["short"].share == 100


def test_acceptances_are_counted_in_the_month_of_jakarta_and_only_in_the_window(world, plan):
    # An acceptance before the window does not count.
    _accepted(plan, datetime.datetime(2026, 5, 31, 12, 0, tzinfo=JAKARTA))
    months = recent_months(6, today=NOW.date())
    counts = accepted_per_month(ChangeProject.objects.filter(pk=plan.pk), None, months=months)
    assert counts == {None: {datetime.date(2026, 10, 1): 1, datetime.date(2026, 11, 1): 1}}


def test_only_acceptances_count_as_accepted(world, plan):
    milestone = MilestoneFactory(project=plan, state=M.SUBMITTED)
    MilestoneLog.objects.create(
        project=plan,
        milestone=milestone,
        actor=plan.participant,
        role=Role.PARTICIPANT,
        action=MilestoneLog.Action.SUBMIT,
        from_state=M.IN_PROGRESS,
        to_state=M.SUBMITTED,
        created_at=NOW,
    )
    months = recent_months(1, today=NOW.date())
    counts = accepted_per_month(ChangeProject.objects.filter(pk=plan.pk), "cohort", months=months)
    assert counts == {world.cohort.pk: {datetime.date(2026, 11, 1): 1}}


# --- dashboards ------------------------------------------------------------------------------


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _figure(page: str, title: str) -> str:
    match = re.search(
        rf'<figure class="chart-figure">\s*<figcaption[^>]*>{title}</figcaption>(.*?)</figure>',
        page,
        re.DOTALL,
    )
    assert match, f"no chart {title!r}"
    return match.group(1)


def test_agency_head_sees_the_plan_per_term_and_per_month(client, world, plan):
    page = _home(client, world.agency_head)
    terms = _figure(page, "Progres tonggak per jangka")
    assert "<title>Progres tonggak per jangka</title>" in terms
    assert ">2 dari 2 diterima</text>" in terms  # the note beside the wide bar
    assert ">2/2</text>" in terms  # and beside the narrow one
    # Screen readers read the figures as a table.
    assert re.search(r"<th scope=\"row\">Jangka menengah</th><td>0</td><td>1</td><td>0</td>", terms)
    trend = _figure(page, "Tonggak diterima per bulan")
    assert "<title>Tonggak diterima per bulan</title>" in trend
    assert ">Jun</text>" in trend and ">2026</text>" in trend and ">Nov</text>" in trend
    # October and November once each: the other agency's acceptance is outside the head's reach.
    assert '<th scope="row">Oktober 2026</th><td>1</td>' in trend
    assert '<th scope="row">November 2026</th><td>1</td>' in trend
    assert '<th scope="row">Juni 2026</th><td>0</td>' in trend


def test_organiser_sees_the_plan_of_each_cohort(client, world, plan):
    page = _home(client, world.organiser)
    # The organiser runs the cohort of both projects: both November acceptances count.
    trend = _figure(page, "Tonggak diterima per bulan")
    assert '<th scope="row">November 2026</th><td>2</td>' in trend
    terms = _figure(page, "Progres tonggak per jangka")
    assert '<th scope="row">Jangka pendek</th><td>3</td><td>0</td><td>0</td>' in terms


def test_a_cohort_without_milestones_has_no_plan_charts(client, world):
    page = _home(client, world.organiser)
    assert "Progres tonggak per jangka" not in page
    assert "Proyek menurut status" in page


@pytest.mark.parametrize("persona", ["participant", "coach", "mentor", "examiner", "stranger"])
def test_other_roles_get_no_plan_charts(client, world, plan, persona):
    page = _home(client, world.persona(persona))
    assert "Tonggak diterima per bulan" not in page


# --- printed reports -------------------------------------------------------------------------


def test_agency_report_prints_the_months_and_attaches_them(world, plan):
    data = agency_report_data(world.province, today=NOW.date())
    assert [(row.label, row.accepted) for row in data.trend][-2:] == [
        ("Oktober 2026", 1),
        ("November 2026", 1),
    ]
    reader = _pdf(issue_collection(data, by=world.agency_head))
    text = " ".join(_pages_text(reader))
    assert "TONGGAK DITERIMA PER BULAN" in text.upper()
    assert "Dari Juni 2026 sampai November 2026" in text
    rows = _attached_csv(reader, "laporan-dampak-instansi.csv")
    months = [row for row in rows if row[0] == "tonggak_per_bulan"]
    assert ("tonggak_per_bulan", "6", "bulan", "2026-11-01") in months
    assert ("tonggak_per_bulan", "6", "diterima", "1") in months


def test_cohort_recap_prints_the_months_of_the_cohort(world, plan):
    data = cohort_recap_data(world.cohort, today=NOW.date())
    assert data.trend[-1].accepted == 2
    text = " ".join(_pages_text(_pdf(issue_collection(data, by=world.organiser))))
    assert "Dari Juni 2026 sampai November 2026" in text


def test_a_report_without_acceptances_says_so(world):
    data = agency_report_data(world.province, today=NOW.date())
    text = " ".join(_pages_text(_pdf(issue_collection(data, by=world.agency_head))))
    assert "Tidak ada tonggak yang diterima dari Juni 2026 sampai November 2026." in text


def _pdf(document) -> PdfReader:
    with document.file.open("rb") as stored:
        return PdfReader(io.BytesIO(stored.read()))


# --- the system's admin ----------------------------------------------------------------------


def test_the_admin_sees_every_project_as_charts(client, world, plan):
    page = _home(client, world.admin)
    assert "Semua proyek" in page
    assert "<title>Proyek menurut status</title>" in page
    # Both agencies' projects: the admin's overview is not scoped.
    trend = _figure(page, "Tonggak diterima per bulan")
    assert '<th scope="row">November 2026</th><td>2</td>' in trend
    assert "?state=implementation" in page


@pytest.mark.parametrize("persona", ["organiser", "agency_head", "participant"])
def test_only_the_admin_gets_the_overview(client, world, plan, persona):
    assert "overview-heading" not in _home(client, world.persona(persona))


def test_the_admin_overview_costs_the_same_for_1_and_30_projects(
    client, world, plan, django_assert_max_num_queries
):
    client.force_login(world.admin)
    with django_assert_max_num_queries(50) as one:
        client.get(HOME)
    for _ in range(30):
        project = ChangeProjectFactory(cohort=world.cohort)
        _accepted(put_project_in(project, ChangeProject.State.IMPLEMENTATION), NOW)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(HOME).content.decode()
    assert '<th scope="row">November 2026</th><td>32</td>' in page
