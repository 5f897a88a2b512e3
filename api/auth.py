"""Who calls the API: a bearer token, or the signed-in person of the browser (the docs page).

Either way the caller acts as one person, and the pages' rules apply to that person; every
caller is counted against the rate limit in the shared cache. A bearer header speaks for the
request: when its token is not usable the answer is 401, whoever is signed in in the browser.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from api import services
from reports import limits


class RateLimited(Exception):
    """The caller used up their requests of this window."""


class InvalidToken(AuthenticationError):
    """The request names a bearer token that is unknown, revoked, expired or of an inactive
    account."""


def _count(request: HttpRequest, who: str) -> None:
    if not limits.take("api", who, limit=settings.API_RATE_LIMIT, window=settings.API_RATE_WINDOW):
        raise RateLimited


class TokenAuth(HttpBearer):
    """`Authorization: Bearer jejak_…`: a usable token acts as its owner (narrowed, see
    `api.selectors.narrowed`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.token_for(token.strip())
        if found is None:
            # Never fall back to the session the browser also sends: a script whose token was
            # revoked must not go on acting as whoever is signed in on the same machine, and the
            # integrator must learn that their token is the problem.
            raise InvalidToken
        _count(request, f"token:{found.pk}")
        services.token_touch(found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


class BrowserSession(SessionAuth):
    """The signed-in person, as on the pages; unsafe methods need the CSRF token as there."""

    def __call__(self, request: HttpRequest) -> Any:
        # The CSRF check reads a form body through request.POST; read the raw body first, so
        # the endpoint can still parse it (and refuse a form where JSON belongs with a 400).
        with contextlib.suppress(RawPostDataException):
            request.body  # noqa: B018
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        _count(request, f"user:{user.pk}")
        request.api_token = None  # type: ignore[attr-defined]
        return user


def read_only_refusal() -> str:
    return _("Token ini hanya untuk membaca; buat token dengan cakupan baca dan tulis.")
