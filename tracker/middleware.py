from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class PreferredLanguageMiddleware:
    """Indonesian unless the person chose otherwise: their saved language, then the cookie.

    The browser's Accept-Language is deliberately ignored: Jejak is Indonesian first, and
    English is a choice a user makes, not a guess from their browser.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if cookie in supported:
            language = cookie
        elif user is not None and user.is_authenticated:
            language = user.language
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    """Send the strict Content-Security-Policy of settings on every response that has none.

    Templates carry no inline script, event handler or style, so the policy allows only Jejak's
    own files; a view that needs a stricter policy (evidence downloads) sets its own.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class DatabaseBusyMiddleware:
    """A database that is locked, busy or away answers 503 with "try again", never a 500.

    The request's transaction was rolled back, so nothing changed; the page says so.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("Database busy or unavailable for %s: %s", request.path, exception)
        # Standalone template: the database the usual context processors read is what failed.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response


class LocalHealthProbeMiddleware:
    """Answer `GET /healthz` from this machine before host validation and the HTTPS redirect.

    A load balancer probes the local nginx by address over plain HTTP (its Host is no site
    name), and nginx hands the probe on from 127.0.0.1. Only that one path, only GET or HEAD,
    only from a loopback address: the health view reads no body and builds no URL from the Host,
    so nothing a caller sends there can be reflected or redirected.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info == "/healthz"
            and request.method in ("GET", "HEAD")
            and _is_loopback(request.META.get("REMOTE_ADDR", ""))
        ):
            from tracker.views import healthz

            return healthz(request)
        return self.get_response(request)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
