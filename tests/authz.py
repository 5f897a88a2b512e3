"""The authorization matrix's vocabulary; each app lists its rows in tests/<app>/authz_rows.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    case: str = ""  # tells apart rows of one URL (an admin page for an object in and out of scope)

    def status_for(self, persona: str) -> int:
        return self.expect.get(persona, self.others)

    @property
    def key(self) -> str:
        return f"{self.name}[{self.case}]" if self.case else self.name


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


# --- The Django admin: staff only; the organiser holds the demo organiser group's permissions ---

STAFF_ONLY = 302  # the admin sends anyone without staff rights (and anonymous) to its login page
NOT_THEIRS = 302  # an object outside the admin's queryset: a redirect to the admin index


def with_organiser_permissions(world: World) -> None:
    from tracker.organisers import organiser_group

    world.organiser.groups.add(organiser_group())


def admin_page(
    name: str,
    organiser: int,
    *,
    admin: int = 200,
    args=lambda world: [],
    method: str = "get",
    data=lambda world: {},
    setup=lambda world: None,
    case: str = "",
) -> Row:
    """An admin URL: the organiser and the admin get what is given, everyone else the login."""

    def prepare(world: World) -> None:
        with_organiser_permissions(world)
        setup(world)

    return Row(
        name,
        others=STAFF_ONLY,
        expect={"organiser": organiser, "admin": admin},
        args=args,
        method=method,
        data=data,
        setup=prepare,
        case=case,
    )


def model_admin_pages(
    label: str, obj, *, add: int = 200, change: int = 200, delete: int = 200, setup=None
) -> list[Row]:
    """The changelist, add, change, delete and history pages of one model's admin, for `obj`
    (a function of the world): the organiser gets what is given, the admin 200 throughout."""
    setup = setup or (lambda world: None)
    pages = [admin_page(f"admin:{label}_changelist", 200, setup=setup)]
    pages.append(admin_page(f"admin:{label}_add", add, setup=setup))
    for page, status in (("change", change), ("delete", delete), ("history", change)):
        pages.append(
            admin_page(
                f"admin:{label}_{page}", status, args=lambda world: [obj(world).pk], setup=setup
            )
        )
    return pages


def read_only_admin_pages(label: str, obj) -> list[Row]:
    """The admin pages of a model written only on its own pages: listed and read by the organiser
    (their rows) and the admin, added and deleted by nobody."""
    rows = model_admin_pages(label, obj, add=403, delete=403)
    writes = {f"admin:{label}_add", f"admin:{label}_delete"}
    return [
        replace(row, expect={**row.expect, "admin": 403}) if row.name in writes else row
        for row in rows
    ]
