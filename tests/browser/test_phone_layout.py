"""At 360 px wide no main page scrolls sideways (wide content scrolls inside its own box, which
the keyboard can reach), and axe finds nothing serious in the phone layout either."""

from __future__ import annotations

import pytest

from tests.browser import demo
from tests.browser.test_accessibility import Axe, describe, scan
from tracker.models import User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 780}

# What sticks out past the right edge of the window, to name the culprit when a page overflows.
WIDEST = """() => {
    const limit = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > limit + 1)
        .filter((element) => !element.closest(".table-wrap, .workflow-wrap"))
        .slice(0, 5)
        .map((element) => element.tagName.toLowerCase() + "." + [...element.classList].join(".")
            + " " + Math.round(element.getBoundingClientRect().right) + "px");
}"""


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_a_page_that_is_too_wide_is_caught(new_page, live_server):
    page = new_page(viewport=PHONE)
    page.goto("/masuk/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<pre>' + "x".repeat(200) + '</pre>')"""
    )
    assert sideways_overflow(page) > PHONE["width"]


@pytest.mark.parametrize("login", list(demo.ROLES), ids=lambda login: login or "pengunjung")
def test_main_pages_fit_a_360_px_phone(new_page, login):
    demo.seed()
    user = User.objects.get(username=login) if login else None
    page = new_page(user=user, viewport=PHONE)
    axe = Axe()
    problems = []
    for main in demo.main_pages(login):
        response = page.goto(main.path)
        assert response.status == 200, f"{main.path}: HTTP {response.status}"
        width = sideways_overflow(page)
        if width > PHONE["width"]:
            problems.append(f"{main.path}: {width}px wide; {page.evaluate(WIDEST)}")
        problems += [describe(main.path, violation) for violation in scan(page, axe)]
    assert not problems, "\n".join(problems)
