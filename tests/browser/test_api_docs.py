"""The API docs page (Swagger UI, vendored) draws its operations under the strict CSP."""

from __future__ import annotations

import pytest

from tests.browser.chromium import import_or_skip

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_docs_page_lists_the_operations_and_runs_one_for_the_signed_in_person(new_page, world):
    # new_page fails the test on any script error or CSP refusal.
    page = new_page(user=world.participant)
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Jejak API").first).to_be_visible()
    operation = page.locator(".opblock-get").filter(
        has=page.locator(".opblock-summary-path[data-path='/api/v1/projects']")
    )
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
        "200"
    )
    expect(page.locator(".live-responses-table")).to_contain_text(world.project.title)
