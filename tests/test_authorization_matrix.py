"""Who may reach which URL: one table, and a check that no URL pattern is missing from it.

Every new URL adds a row. `expect` maps persona -> status; personas not named get `others`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS, World


@dataclass(frozen=True)
class Row:
    name: str
    others: int
    expect: dict[str, int] = field(default_factory=dict)
    args: Callable[[World], list] = lambda world: []
    method: str = "get"
    data: Callable[[World], dict] = lambda world: {}

    def status_for(self, persona: str) -> int:
        return self.expect.get(persona, self.others)


LOGIN = 302  # anonymous users are sent to the login page
IN_PROJECT_SCOPE = {
    "participant": 200,
    "coach": 200,
    "mentor": 200,
    "examiner": 200,
    "organiser": 200,
    "agency_head": 200,
    "admin": 200,
    "anonymous": LOGIN,
}

MATRIX = [
    Row("tracker:home", others=200, expect={"anonymous": LOGIN}),
    Row(
        "tracker:project-detail",
        others=404,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
    ),
    Row("login", others=302, expect={"anonymous": 200}),
    Row("logout", others=302, method="post"),
    Row("set_language", others=302, method="post", data=lambda world: {"language": "en"}),
    Row("healthz", others=200),
]

EXEMPT_NAMESPACES = {"admin"}


def _named_patterns(patterns, namespace: str | None = None) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXEMPT_NAMESPACES:
                continue
            inner = pattern.namespace if pattern.namespace else namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            names |= _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if str(pattern.pattern).startswith(("static/", "media/", "^media/", "^static/")):
                continue
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_pattern_is_in_the_matrix():
    in_matrix = {row.name for row in MATRIX}
    assert len(in_matrix) == len(MATRIX), "a URL name appears twice in the matrix"
    missing = _named_patterns(get_resolver().url_patterns) - in_matrix
    assert not missing, f"add rows to the authorization matrix for: {sorted(missing)}"


@pytest.mark.parametrize("row", MATRIX, ids=lambda row: row.name)
@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_matrix(client, world, row, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, args=row.args(world))
    response = getattr(client, row.method)(url, row.data(world))
    assert response.status_code == row.status_for(persona), (
        f"{persona} {row.method.upper()} {url}: {response.status_code}"
    )
