"""Lists and charts that fit: at 1280 and 360 px no main page of any demo role scrolls sideways
and no table needs a scroll bar of its own; the project list's essential columns are in view at
1280 px, its column chooser is remembered in the address, and on a phone its results come
before the folded filters; the dashboards' charts show the drawing that fits, with their text
alternatives, and axe finds nothing serious on them."""

from __future__ import annotations

import re

import pytest

from tests.browser import demo
from tests.browser.chromium import import_or_skip
from tests.browser.conftest import DESKTOP
from tests.browser.test_accessibility import Axe, describe, scan
from tests.browser.test_phone_layout import PHONE, WIDEST, sideways_overflow
from tracker.models import User

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"1280": DESKTOP, "360": PHONE}

# Tables that need a scroll bar of their own to show all of their columns.
SCROLLING_TABLES = """() => [...document.querySelectorAll(".table-wrap")]
    .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
    .map((wrap) => (wrap.querySelector("caption") || wrap).textContent.trim().slice(0, 60)
        + " " + wrap.scrollWidth + "/" + wrap.clientWidth + "px")"""


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("login", [login for login in demo.ROLES if login])
def test_no_main_page_or_table_scrolls_sideways(new_page, login, size):
    demo.seed()
    viewport = SIZES[size]
    page = new_page(user=User.objects.get(username=login), viewport=viewport)
    slugs = set()
    problems = []
    for main in [*demo.main_pages(login), *demo.table_pages(login)]:
        slugs.add(main.slug)
        response = page.goto(main.path)
        assert response.status == 200, f"{main.path}: HTTP {response.status}"
        width = sideways_overflow(page)
        if width > viewport["width"]:
            problems.append(f"{main.path}: {width}px wide; {page.evaluate(WIDEST)}")
        problems += [f"{main.path}: table {found}" for found in page.evaluate(SCROLLING_TABLES)]
    assert {"beranda", "daftar-proyek"} <= slugs and any(
        "proyek" in s for s in slugs - {"daftar-proyek"}
    )
    assert not problems, "\n".join(problems)


ESSENTIAL = ["Peserta", "Judul", "Status", "Progres", "Predikat"]


def test_the_lists_essential_columns_are_in_view_at_1280_px(new_page):
    demo.seed()
    page = new_page(user=User.objects.get(username="penyelenggara"), viewport=DESKTOP)
    page.goto("/proyek/")
    headers = page.locator(".project-table thead th")
    expect(headers).to_have_count(len(ESSENTIAL))
    for index, name in enumerate(ESSENTIAL):
        header = headers.nth(index)
        expect(header).to_contain_text(name)
        box = header.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], (name, box)
    assert not page.evaluate(SCROLLING_TABLES)
    # A long title keeps to two lines; the whole title is its tooltip.
    title = page.locator(".project-table a.clamp-2").first
    line = float(title.evaluate("(a) => parseFloat(getComputedStyle(a).lineHeight)"))
    assert title.bounding_box()["height"] <= 2 * line + 1
    assert title.get_attribute("title") == title.text_content()


def test_the_column_chooser_is_remembered_in_the_address(new_page):
    demo.seed()
    page = new_page(user=User.objects.get(username="penyelenggara"), viewport=DESKTOP)
    page.goto("/proyek/")
    chooser = page.locator(".column-chooser")
    chooser.locator("summary").click()
    chooser.get_by_label("Angkatan").check()
    expect(page).to_have_url(re.compile(r"cols=cohort"))
    expect(page.locator(".project-table thead th")).to_have_count(len(ESSENTIAL) + 1)
    expect(page.locator(".project-table thead")).to_contain_text("Angkatan")
    page.reload()
    expect(page.locator(".project-table thead")).to_contain_text("Angkatan")
    expect(page.locator("input[name=cols][value=cohort]")).to_be_checked()
    # Sorting by another column keeps the chosen one.
    page.locator(".project-table thead").get_by_role("link", name=re.compile("Judul")).click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(page).to_have_url(re.compile(r"cols=cohort"))
    expect(page.locator(".project-table thead")).to_contain_text("Angkatan")
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=title"))


def test_on_a_phone_the_results_come_before_the_folded_filters(new_page):
    demo.seed()
    page = new_page(user=User.objects.get(username="penyelenggara"), viewport=PHONE)
    page.goto("/proyek/")
    search = page.get_by_label("Cari judul, nama peserta atau NIP")
    expect(search).to_be_hidden()
    first_row = page.locator(".project-table tbody tr").first
    assert first_row.bounding_box()["y"] < PHONE["height"], (
        "the first result is off the first screen"
    )
    page.locator(".filter-disclosure > summary").click()
    expect(search).to_be_visible()
    search.fill("Puskesmas")
    expect(page).to_have_url(re.compile(r"q=Puskesmas"))


def test_at_1280_px_the_filters_start_open(new_page):
    demo.seed()
    page = new_page(user=User.objects.get(username="penyelenggara"), viewport=DESKTOP)
    page.goto("/proyek/")
    expect(page.get_by_label("Cari judul, nama peserta atau NIP")).to_be_visible()


VISIBLE_CHARTS = """() => [...document.querySelectorAll(".chart svg")]
    .filter((svg) => svg.getBoundingClientRect().width > 0)
    .map((svg) => ({
        label: svg.getAttribute("aria-label"),
        role: svg.getAttribute("role"),
        title: svg.querySelector("title") && svg.querySelector("title").textContent,
        narrow: !!svg.closest(".chart__narrow"),
        width: svg.getBoundingClientRect().width,
        text: Math.min(...[...svg.querySelectorAll("text")]
            .map((text) => text.getBoundingClientRect().height).filter((h) => h > 0)),
    }))"""


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("login", ["kepala", "penyelenggara", "admin"])
def test_dashboard_charts_fit_and_carry_their_text_alternatives(new_page, login, size):
    demo.seed()
    viewport = SIZES[size]
    page = new_page(user=User.objects.get(username=login), viewport=viewport)
    page.goto("/")
    charts = page.evaluate(VISIBLE_CHARTS)
    titles = {chart["title"] for chart in charts}
    assert {
        "Proyek menurut status",
        "Progres tonggak per jangka",
        "Tonggak diterima per bulan",
    } <= titles
    for chart in charts:
        assert chart["role"] == "img" and chart["label"] == chart["title"], chart
        assert chart["narrow"] == (size == "360"), chart  # one drawing of each chart shows
        assert chart["width"] <= viewport["width"], chart
        assert chart["text"] >= 9, chart  # the smallest label is still readable
    if login == "kepala":
        # The post-training charts too, at the dashboard's sizes.
        assert "Hambatan yang disebut alumni dan mentor" in titles
    # Screen readers get each milestone chart's figures as a table.
    expect(page.get_by_role("table", name="Tonggak diterima per bulan").first).to_be_attached()
    assert sideways_overflow(page) <= viewport["width"]
    assert not [describe(f"/ ({login}, {size})", found) for found in scan(page, Axe())]
