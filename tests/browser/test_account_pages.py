"""The account pages pass the same axe-core scan as the main pages, on a phone too."""

from __future__ import annotations

import pytest

from tests.browser.chromium import import_or_skip
from tests.browser.test_accessibility import describe, scan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Axe = import_or_skip("axe_playwright_python.sync_playwright").Axe
PHONE = {"width": 360, "height": 740}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_account_pages_have_no_serious_accessibility_problems(new_page, world, viewport):
    axe = Axe()
    problems = []
    organiser = new_page(user=world.organiser, viewport=viewport)
    for path in (
        "/profil/",
        "/akun/kata-sandi/",
        f"/angkatan/{world.cohort.pk}/undangan/",
        f"/angkatan/{world.cohort.pk}/impor-staf/",
        f"/angkatan/{world.cohort.pk}/kepala-instansi/",
    ):
        assert organiser.goto(path).status == 200, path
        problems += [describe(path, violation) for violation in scan(organiser, axe)]
    visitor = new_page(viewport=viewport)
    for path in ("/masuk/", "/lupa-kata-sandi/", "/lupa-kata-sandi/terkirim/", "/undangan/MQ/1-x/"):
        assert visitor.goto(path).status == 200, path
        problems += [describe(path, violation) for violation in scan(visitor, axe)]
    assert not problems, "\n".join(problems)


def test_the_lockout_page_passes_the_scan(new_page, world, settings):
    settings.AXES_FAILURE_LIMIT = 1
    page = new_page()
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill("participant")
    page.get_by_label("Kata sandi").fill("salah")
    page.get_by_role("button", name="Masuk", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Terlalu banyak percobaan masuk"
    assert not [describe("lockout", violation) for violation in scan(page, Axe())]
