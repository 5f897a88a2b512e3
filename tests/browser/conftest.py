"""Headless Chromium (Debian's package, never a downloaded one) driving Jejak's live server.

Locally the browser tests skip, saying why, when Chromium or Playwright is missing; in CI
(`CI=true`) that is a failure, because there they must run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.browser.chromium import CHROMIUM_ARGS, chromium_path, import_or_skip, unavailable

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def browser(transactional_db) -> Iterator:
    """A headless Chromium for one test.

    Playwright's sync API runs its calls from an asyncio task, so Django sees another context
    inside it: other connection objects, and an event loop that needs
    DJANGO_ALLOW_ASYNC_UNSAFE. The test database is therefore set up (and flushed, then
    restored from its serialized copy) outside Playwright, and the connections Django opened
    inside are closed before Playwright stops.
    """
    sync_playwright = import_or_skip("playwright.sync_api").sync_playwright
    path = chromium_path()
    if path is None:
        unavailable("Chromium was not found")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            try:
                yield launched
            finally:
                launched.close()
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class PageProblems:
    """JavaScript errors and Content-Security-Policy refusals a page reported."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" and "Content Security Policy" in text:
            self.items.append(f"CSP: {text}")
        elif message.type == "error" and "htmx" in text.lower():
            self.items.append(f"htmx: {text}")


@pytest.fixture
def new_page(browser, live_server) -> Iterator:
    """Open pages in fresh browser contexts (one per person); fails the test if any page hit a
    script error or a CSP refusal, so the strict policy is checked on every browser test."""
    contexts = []
    problems = PageProblems()

    def open_page(*, user=None, viewport: dict | None = None):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        if user is not None:
            sign_in_with_cookie(context, live_server, user)
        page = context.new_page()
        problems.watch(page)
        return page

    open_page.problems = problems  # a test that provokes a refusal on purpose clears it
    yield open_page
    for context in contexts:
        context.close()
    assert not problems.items, "\n".join(problems.items)


def sign_in_with_cookie(context, live_server, user) -> None:
    """Start a session for the user without the login form (the journey test uses the form)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
