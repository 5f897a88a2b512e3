"""What a person clicks for the reminders issue: the survey round named on the home card, and
the calendar feed URL shown once when made, then only replaced or revoked."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from mentoring.models import CalendarFeed
from mentoring.services import add_months
from tests.browser.chromium import import_or_skip
from tests.mentoring.impact import in_monitoring

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_alumnus_goes_from_the_home_card_to_the_waiting_round(new_page, world):
    # Closed seven months ago: the 6-month round is open and unanswered.
    in_monitoring(world.project, closed_on=add_months(timezone.localdate(), -7))
    page = new_page(user=world.participant)

    page.goto("/")
    step = page.locator(".dash-card .next-step")
    expect(step).to_contain_text("Batas pengisian")
    step.get_by_role("link", name="Isi survei pascapelatihan Putaran 1").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Survei pascapelatihan")
    assert page.get_by_role("button", name="Kirim jawaban").is_visible()


def test_the_feed_url_is_shown_once_then_replaced_or_revoked(new_page, world):
    page = new_page(user=world.mentor)
    page.goto("/kalender/")

    page.get_by_role("button", name="Buat tautan langganan").click()
    # The URL is the site's (SITE_URL); the live server answers its path.
    first = urlsplit(page.get_by_label("Tautan langganan").input_value()).path
    assert "/kalender/langganan/" in first and first.endswith(".ics")
    expect(page.get_by_text("tidak akan ditampilkan lagi")).to_be_visible()
    assert page.request.get(first).status == 200

    page.goto("/kalender/")
    expect(page.get_by_text("Tautan langganan Anda aktif sejak")).to_be_visible()
    assert page.get_by_label("Tautan langganan").count() == 0

    page.get_by_role("button", name="Ganti tautan").click()
    second = urlsplit(page.get_by_label("Tautan langganan").input_value()).path
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200

    page.get_by_role("button", name="Cabut tautan").click()
    expect(page.locator(".message--success")).to_contain_text("Tautan langganan dicabut")
    assert page.request.get(second).status == 404
    assert not CalendarFeed.objects.filter(user=world.mentor).exists()
