"""The refreshed pages at 1280 and 360 px: the navigation fits on one line and marks where you
are, no main page of any role scrolls sideways, and evidence goes up several files at a time
with a clear retry when the connection drops."""

from __future__ import annotations

import pytest

from milestones.models import Evidence, Milestone
from tests.browser import demo
from tests.browser.chromium import import_or_skip
from tests.browser.conftest import DESKTOP
from tests.browser.test_accessibility import Axe, describe, scan
from tests.browser.test_phone_layout import PHONE, WIDEST, sideways_overflow
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.milestones.files import make_pdf, make_png
from tracker.models import ChangeProject, User

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAV_TOPS = """() => [...document.querySelectorAll(".site-nav__list > li")]
    .map((item) => Math.round(item.getBoundingClientRect().top))"""


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_navigation_fits_one_line_at_1280_px(new_page, language):
    demo.seed()
    organiser = User.objects.get(username="penyelenggara")  # the longest menu: seminars, admin
    User.objects.filter(pk=organiser.pk).update(language=language)
    page = new_page(user=organiser, viewport=DESKTOP)
    page.goto("/")
    tops = page.evaluate(NAV_TOPS)
    assert len(tops) == 6
    assert len(set(tops)) == 1, tops
    assert page.locator(".site-nav a[aria-current=page]").count() == 1
    # Navigation links carry no underline; the icons beside them are drawn.
    decoration = page.locator(".site-nav a").first.evaluate(
        "(link) => getComputedStyle(link).textDecorationLine"
    )
    assert decoration == "none"
    assert page.locator(".site-nav a svg.icon").first.bounding_box()["width"] > 10


@pytest.mark.parametrize("login", list(demo.ROLES), ids=lambda login: login or "pengunjung")
def test_main_pages_fit_1280_px_without_scrolling_sideways(new_page, login):
    demo.seed()
    user = User.objects.get(username=login) if login else None
    page = new_page(user=user, viewport=DESKTOP)
    problems = []
    for main in demo.main_pages(login):
        response = page.goto(main.path)
        assert response.status == 200, f"{main.path}: HTTP {response.status}"
        width = sideways_overflow(page)
        if width > DESKTOP["width"]:
            problems.append(f"{main.path}: {width}px wide; {page.evaluate(WIDEST)}")
    assert not problems, "\n".join(problems)


@pytest.fixture
def open_milestone(world) -> Milestone:
    project = put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    milestone = MilestoneFactory(project=project)
    Milestone.objects.filter(pk=milestone.pk).update(state=Milestone.State.IN_PROGRESS)
    return milestone


FILES = [
    {"name": "notulen.pdf", "mimeType": "application/pdf", "buffer": make_pdf()},
    {"name": "foto-kegiatan.png", "mimeType": "image/png", "buffer": make_png()},
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_participant_uploads_several_files_at_once(new_page, world, open_milestone, viewport):
    page = new_page(user=world.participant, viewport=viewport)
    page.goto(open_milestone.get_absolute_url())
    upload = page.locator("form.ms-upload")
    expect(upload.locator("input[name=photo]")).to_have_attribute("capture", "environment")
    upload.get_by_label("Berkas").set_input_files(files=FILES)
    upload.get_by_label("Keterangan").fill("Dokumentasi rapat")
    upload.get_by_role("button", name="Unggah bukti").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "2 berkas bukti diunggah: notulen.pdf, foto-kegiatan.png."
    )
    expect(page.get_by_role("link", name="foto-kegiatan.png")).to_be_visible()
    assert sideways_overflow(page) <= viewport["width"]
    assert not [describe("upload", found) for found in scan(page, Axe())]
    assert Evidence.objects.filter(milestone=open_milestone).count() == 2


def test_a_dropped_connection_offers_a_retry_that_stores_each_file_once(
    new_page, world, open_milestone
):
    page = new_page(user=world.participant, viewport=PHONE)
    page.goto(open_milestone.get_absolute_url())
    dropped = []

    def drop_the_first_upload(route):
        if not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/bukti/unggah/", drop_the_first_upload)
    upload = page.locator("form.ms-upload")
    upload.get_by_label("Berkas").set_input_files(files=FILES)
    upload.get_by_label("Keterangan").fill("Dokumentasi rapat")
    upload.get_by_role("button", name="Unggah bukti").click()
    status = upload.locator("[data-upload-status]")
    expect(status).to_contain_text("Koneksi terputus")
    new_page.problems.items.clear()  # htmx logs the dropped request, as it should
    retry = upload.get_by_role("button", name="Coba unggah lagi")
    expect(retry).to_be_visible()
    retry.click()
    expect(page.get_by_role("status").first).to_contain_text("2 berkas bukti diunggah")
    assert dropped
    assert Evidence.objects.filter(milestone=open_milestone).count() == 2
