"""The project list: filters and pages change the address, survive a reload and the back button."""

from __future__ import annotations

import re

import pytest

from milestones.models import Milestone
from tests.browser.chromium import import_or_skip
from tests.factories import ChangeProjectFactory, UserFactory
from tests.mentoring.factories import SeminarGradeFactory
from tests.milestones.factories import MilestoneFactory
from tracker.models import ChangeProject

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def many_projects(world):
    """30 implementation projects and 3 drafts in the organiser's cohort (plus the world's two)."""
    for _ in range(30):
        ChangeProjectFactory(
            participant=UserFactory(), cohort=world.cohort, state=ChangeProject.State.IMPLEMENTATION
        )
    for _ in range(3):
        ChangeProjectFactory(participant=UserFactory(), cohort=world.cohort)
    return world


def test_filter_and_page_push_the_address_and_survive_a_reload(new_page, many_projects):
    page = new_page(user=many_projects.organiser)
    page.goto("/proyek/")
    expect(page.get_by_role("status").first).to_contain_text("35 proyek")

    page.locator("#id_state").select_option(ChangeProject.State.IMPLEMENTATION)
    expect(page).to_have_url(re.compile(r"state=implementation"))
    expect(page.get_by_role("status").first).to_contain_text("30 proyek")
    expect(page.locator("#project-results tbody tr")).to_have_count(25)

    page.get_by_role("link", name=re.compile("Berikutnya")).click()
    expect(page).to_have_url(
        re.compile(r"state=implementation.*after=|after=.*state=implementation")
    )
    expect(page.locator("#project-results tbody tr")).to_have_count(5)

    page.reload()
    expect(page.locator("#id_state")).to_have_value(ChangeProject.State.IMPLEMENTATION)
    expect(page.locator("#project-results tbody tr")).to_have_count(5)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"[?&]after="))
    expect(page.locator("#project-results tbody tr")).to_have_count(25)


def test_last_previous_and_first_links_move_through_the_list(new_page, many_projects):
    page = new_page(user=many_projects.organiser)
    page.goto("/proyek/?per_page=10")
    rows = page.locator("#project-results tbody tr")
    first_title = rows.first.get_by_role("link").inner_text()
    page.get_by_role("link", name=re.compile("Terakhir")).click()
    expect(page).to_have_url(re.compile(r"page=last"))
    expect(rows).to_have_count(5)
    expect(page.locator(".pagination")).to_contain_text("Halaman 4 dari 4")
    page.get_by_role("link", name=re.compile("Sebelumnya")).click()
    expect(page).to_have_url(re.compile(r"before="))
    expect(rows).to_have_count(10)
    page.get_by_role("link", name=re.compile("Pertama")).click()
    expect(rows.first.get_by_role("link")).to_have_text(first_title)
    expect(page.get_by_role("link", name=re.compile("Pertama"))).to_have_count(0)


def test_the_coach_picker_searches_as_one_types_and_its_match_filters(new_page, many_projects):
    page = new_page(user=many_projects.organiser)
    page.goto("/proyek/?state=draft")
    page.get_by_text("Filter lainnya").click()
    page.locator("#id_coach_q").fill("hend")
    match = page.locator("#coach-choices").get_by_role("link", name="Hendra Coach")
    expect(match).to_be_visible()
    match.click()
    expect(page).to_have_url(re.compile(rf"coach={many_projects.coach.pk}"))
    expect(page.locator("#picker-coach")).to_contain_text("Dipilih: Hendra Coach")
    expect(page.locator("#project-results tbody tr")).to_have_count(1)


def test_sorting_by_progress_and_predikat_reads_the_kept_columns(new_page, world):
    """The sort headers order by the projects' summary columns, kept by the services."""
    done = ChangeProjectFactory(participant=UserFactory(), cohort=world.cohort, title="Tuntas")
    for state in (Milestone.State.ACCEPTED, Milestone.State.ACCEPTED):
        MilestoneFactory(project=done, state=state)
    half = ChangeProjectFactory(participant=UserFactory(), cohort=world.cohort, title="Separuh")
    for state in (Milestone.State.ACCEPTED, Milestone.State.PLANNED):
        MilestoneFactory(project=half, state=state)
    SeminarGradeFactory(project=half, predikat="Memuaskan", decided_by=world.examiner)
    page = new_page(user=world.organiser)
    page.goto("/proyek/")
    rows = page.locator("#project-results tbody tr")
    expect(rows).to_have_count(4)

    page.get_by_role("link", name=re.compile(r"^Progres")).click()
    expect(page).to_have_url(re.compile(r"sort=progress"))
    expect(rows.last).to_contain_text("Tuntas")
    expect(rows.last).to_contain_text("100%")
    page.get_by_role("link", name=re.compile(r"^Progres")).click()
    expect(page).to_have_url(re.compile(r"sort=-progress"))
    expect(rows.first).to_contain_text("Tuntas")
    expect(rows.nth(1)).to_contain_text("50%")

    page.get_by_role("link", name=re.compile(r"^Predikat")).click()
    expect(page).to_have_url(re.compile(r"sort=grade"))
    page.get_by_role("link", name=re.compile(r"^Predikat")).click()
    expect(page).to_have_url(re.compile(r"sort=-grade"))
    expect(rows.first).to_contain_text("Separuh")
    expect(rows.first).to_contain_text("Memuaskan")
