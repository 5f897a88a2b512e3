"""Request types for views: what Jejak's middleware and `@login_required` guarantee."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from tracker.models import User


class HtmxRequest(HttpRequest):
    """Any request: django-htmx's middleware adds `htmx` (false-y unless htmx sent it)."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request behind `@login_required`: its user is a real account, never anonymous."""

    user: User


def admin_user(request: HttpRequest) -> User:
    """The account behind a Django admin request: the admin site lets in only active staff."""
    return cast("User", request.user)
