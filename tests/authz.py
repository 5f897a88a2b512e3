"""The authorization matrix's vocabulary; each app lists its rows in tests/<app>/authz_rows.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import World


@dataclass(frozen=True)
class Row:
    """One URL: the status each persona gets; personas not named in `expect` get `others`."""

    name: str
    others: int
    expect: dict[str, int] = field(default_factory=dict)
    args: Callable[[World], list] = lambda world: []
    method: str = "get"
    data: Callable[[World], dict] = lambda world: {}
    setup: Callable[[World], None] = lambda world: None

    def status_for(self, persona: str) -> int:
        return self.expect.get(persona, self.others)


LOGIN = 302  # anonymous users are sent to the login page
OUT_OF_SCOPE = 404
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


def project_action(
    name: str, allowed: dict[str, int], *, data=lambda world: {}, setup=lambda world: None
) -> Row:
    """A POST action on `world.project`: allowed personas as given, the rest in scope 403."""
    expect = {
        "coach": 403,
        "mentor": 403,
        "examiner": 403,
        "organiser": 403,
        "agency_head": 403,
        "participant": 403,
        "admin": 403,
        "anonymous": LOGIN,
        **allowed,
    }
    return Row(
        name,
        others=OUT_OF_SCOPE,
        expect=expect,
        args=lambda world: [world.project.pk],
        method="post",
        data=data,
        setup=setup,
    )
