"""An organiser revokes their cohort's API token in the admin, by ticking it and choosing the
action; the token stops working at once."""

from __future__ import annotations

import pytest
from django.test import Client

from api import services
from tests.authz import with_organiser_permissions
from tests.browser.chromium import import_or_skip

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_organiser_revokes_a_cohort_token_from_the_admin_list(new_page, world):
    with_organiser_permissions(world)
    token = services.token_create(
        by=world.organiser, name="Sinkron LMS", scope="read", cohort=world.cohort
    )
    page = new_page(user=world.organiser)
    page.goto("/admin/api/apitoken/")
    row = page.locator("#result_list tbody tr").filter(has_text="Sinkron LMS")
    expect(row).to_contain_text(token.prefix)
    expect(page.locator("#result_list")).not_to_contain_text(token.digest)
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option("revoke")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 token dicabut.")
    token.refresh_from_db()
    assert token.revoked_at is not None
    # A caller without the browser's session: the token alone no longer opens anything.
    answer = Client().get("/api/v1/projects", headers={"Authorization": f"Bearer {token.plain}"})
    assert answer.status_code == 401
