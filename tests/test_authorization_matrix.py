"""Who may reach which URL: one table, and a check that no URL pattern is missing from it.

Every new URL adds a row to its app's `tests/<app>/authz_rows.py`.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.authz_rows import ROWS as API_ROWS
from tests.authz import with_organiser_permissions
from tests.conftest import PERSONAS
from tests.mentoring.authz_rows import ROWS as MENTORING_ROWS
from tests.milestones.authz_rows import ROWS as MILESTONES_ROWS
from tests.reports.authz_rows import ROWS as REPORTS_ROWS
from tests.tracker.authz_rows import ROWS as TRACKER_ROWS
from tracker.models import User

MATRIX = [*TRACKER_ROWS, *MILESTONES_ROWS, *MENTORING_ROWS, *REPORTS_ROWS, *API_ROWS]

EXEMPT_NAMESPACES = {"admin"}


def _named_patterns(patterns, namespace: str | None = None) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names |= _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if str(pattern.pattern).startswith(("static/", "media/", "^media/", "^static/")):
                continue
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_is_in_the_matrix():
    in_matrix = [row.key for row in MATRIX]
    assert len(set(in_matrix)) == len(in_matrix), "a URL name appears twice in the matrix"
    missing = _named_patterns(get_resolver().url_patterns) - {row.name for row in MATRIX}
    assert not missing, f"add rows to the authorization matrix for: {sorted(missing)}"


ADMIN_SITE_PAGES = [
    "index",
    "app_list",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "view_on_site",
    "autocomplete",
]


def test_every_admin_page_an_organiser_reaches_is_in_the_matrix(world):
    with_organiser_permissions(world)
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=world.organiser.pk)
    reachable = {f"admin:{name}" for name in ADMIN_SITE_PAGES}
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_module_permission(request) and model_admin.has_view_or_change_permission(
            request
        ):
            label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            reachable |= {f"{label}_{page}" for page in ("changelist", "add", "change")}
            reachable |= {f"{label}_{page}" for page in ("delete", "history")}
            if model is User:
                reachable.add("admin:auth_user_password_change")
    missing = reachable - {row.name for row in MATRIX}
    assert not missing, f"add admin rows to the authorization matrix for: {sorted(missing)}"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.key)
@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_matrix(client, world, row, persona):
    row.setup(world)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, args=row.args(world))
    response = getattr(client, row.method)(url, row.data(world))
    assert response.status_code == row.status_for(persona), (
        f"{persona} {row.method.upper()} {url}: {response.status_code}"
    )
