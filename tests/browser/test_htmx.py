"""HTMX swaps only its fragment, shows the loading bar meanwhile, and lives with the strict CSP."""

from __future__ import annotations

import re

import pytest

from mentoring.models import Comment
from tests.browser.chromium import import_or_skip

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Marks the page before the swap: a full reload would lose both marks.
MARK = """() => {
    window.jejakMark = "before-swap";
    document.querySelector("h1").dataset.mark = "kept";
    window.jejakIndicator = [];
    document.body.addEventListener("htmx:beforeSend", () => window.jejakIndicator.push(
        document.getElementById("loading").classList.contains("htmx-request")));
}"""


def test_posting_a_comment_swaps_only_the_comment_panel(new_page, world):
    page = new_page(user=world.coach)
    page.goto(world.project.get_absolute_url())
    comments = page.locator("#comments")
    expect(comments.get_by_text("Belum ada komentar")).to_be_visible()
    page.evaluate(MARK)
    requests = []
    page.on("request", lambda request: requests.append(request))

    comments.get_by_label("Komentar").fill("Data dasar antrean mohon dilampirkan.")
    comments.get_by_role("button", name="Kirim komentar").click()

    expect(comments.get_by_role("status")).to_have_text("Komentar terkirim.")
    expect(comments.get_by_text("Data dasar antrean mohon dilampirkan.")).to_be_visible()
    assert page.evaluate("() => window.jejakMark") == "before-swap"
    assert page.evaluate("() => document.querySelector('h1').dataset.mark") == "kept"
    assert page.url.endswith(world.project.get_absolute_url())
    posts = [request for request in requests if request.method == "POST"]
    assert len(posts) == 1
    assert posts[0].headers.get("hx-request") == "true"
    assert posts[0].headers.get("hx-target") == "comments"
    # The bar was on while the request ran, and is off again.
    assert page.evaluate("() => window.jejakIndicator") == [True]
    expect(page.locator("#loading")).not_to_have_class(re.compile("htmx-request"))
    # htmx added no <style> of its own (the CSP would have refused it).
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    assert Comment.objects.get(project=world.project).author == world.coach


def test_a_refused_comment_keeps_its_text_in_the_swapped_panel(new_page, world):
    page = new_page(user=world.participant)
    page.goto(world.project.get_absolute_url())
    page.evaluate(MARK)
    comments = page.locator("#comments")
    comments.get_by_role("button", name="Kirim komentar").click()
    expect(comments.locator(".errorlist").first).to_be_visible()
    assert page.evaluate("() => window.jejakMark") == "before-swap"
    assert not Comment.objects.filter(project=world.project).exists()


def test_the_strict_policy_is_enforced_by_the_browser(new_page, world):
    page = new_page(user=world.participant)
    response = page.goto(world.project.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    blocked = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation",
                (event) => resolve(event.violatedDirective), {once: true});
            const script = document.createElement("script");
            script.textContent = "window.jejakInline = true";
            document.body.append(script);
        })"""
    )
    assert blocked.startswith("script-src")
    assert page.evaluate("() => window.jejakInline") is None
    assert any("Content Security Policy" in item for item in new_page.problems.items)
    new_page.problems.items.clear()  # provoked on purpose
