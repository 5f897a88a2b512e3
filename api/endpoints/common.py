"""The REST API, version 1: endpoints parse input, call one selector or service, and answer.

Visibility is the pages' (`tracker.selectors.projects_visible_to`, narrowed for organisation
tokens); refusals are the services' own (`Refused` 400, `Forbidden` 403, `Stale` 409), with the
pages' messages.
"""

from __future__ import annotations

import uuid
from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation

from api.auth import BrowserSession, InvalidToken, RateLimited, TokenAuth, read_only_refusal
from api.selectors import api_projects
from tracker.models import ChangeProject, ChangeProjectQuerySet, Cohort, User
from tracker.workflow import Refused


class JejakApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The operation ids clients generate code from stay those of the one-module API
        # (`api_endpoints_<view>`), whichever module of this package holds the view.
        return f"api_endpoints_{operation.view_func.__name__}"


api = JejakApi(
    title="Jejak API",
    version="1",
    description=(
        "Proyek perubahan pelatihan kepemimpinan: baca dan ubah dengan aturan yang sama "
        "seperti halaman Jejak. Autentikasi: `Authorization: Bearer <token>`."
    ),
    auth=[TokenAuth(), BrowserSession()],
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

PROJECT_RELATIONS = ("participant", "cohort", "agency", "coach", "mentor")


# --- answers to refusals ------------------------------------------------------------------------


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": _(
                "Terlalu banyak permintaan: batasnya %(limit)d per %(seconds)d detik. "
                "Tunggu sebentar lalu coba lagi."
            )
            % {"limit": settings.API_RATE_LIMIT, "seconds": settings.API_RATE_WINDOW}
        },
        status=429,
    )
    response["Retry-After"] = str(settings.API_RATE_WINDOW)
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        detail = _("Token API ini tidak berlaku: tidak dikenal, sudah dicabut, atau kedaluwarsa.")
        challenge = 'Bearer realm="jejak", error="invalid_token"'  # RFC 6750, section 3
    else:
        detail = _("Perlu token API yang berlaku (Authorization: Bearer <token>).")
        challenge = 'Bearer realm="jejak"'
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Tidak ditemukan.")}, status=404)


@api.exception_handler(RawPostDataException)
def not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A multipart form was read by a middleware before the endpoint could parse its body.
    return api.create_response(
        request,
        {"detail": _("Kirim isi permintaan sebagai JSON (Content-Type: application/json).")},
        status=400,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # django-ninja's own, in English
        detail = _("Kirim isi permintaan sebagai JSON (Content-Type: application/json).")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Periksa isian permintaan."), "errors": exc.errors},
        status=400,
    )


# --- helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _token(request: HttpRequest):
    return getattr(request, "api_token", None)


def _require_write(request: HttpRequest) -> None:
    token = _token(request)
    if token is not None and not token.writes:
        raise HttpError(403, read_only_refusal())


def _projects(request: HttpRequest) -> QuerySet[ChangeProject]:
    return api_projects(_user(request), _token(request))


def _project(request: HttpRequest, pk: int) -> ChangeProject:
    """The project if the caller sees it (404 otherwise), with its people joined."""
    return get_object_or_404(
        cast(ChangeProjectQuerySet, _projects(request))
        .with_relations(_user(request))
        .select_related(*PROJECT_RELATIONS),
        pk=pk,
    )


def _cohort_for_organiser(request: HttpRequest, pk: int) -> Cohort:
    """A cohort the caller organises (within the token's reach); the admin 403, others 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    token = _token(request)
    if token is not None and token.cohort_id not in (None, cohort.pk):
        raise Http404
    if token is not None and token.institution.lower() not in ("", cohort.institution.lower()):
        raise Http404
    user = _user(request)
    if cohort.organisers.filter(pk=user.pk).exists():
        return cohort
    if user.is_superuser:
        raise HttpError(403, _("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    raise Http404


def _idempotency_key(request: HttpRequest) -> uuid.UUID | None:
    """The client's `Idempotency-Key` (a UUID): a retried request with the same key and body
    gets the first result and creates nothing (the forms' one-time token, `once_per_form`)."""
    try:
        return uuid.UUID(request.headers.get("Idempotency-Key", ""))
    except ValueError:
        return None


def _person(user: User | None) -> dict | None:
    return {"id": user.pk, "full_name": user.full_name or user.username} if user else None


def _checked(form) -> dict:
    """The page form's cleaned data, or its errors as the refusal (400, the page's words)."""
    if not form.is_valid():
        raise Refused(" ".join(str(error) for errors in form.errors.values() for error in errors))
    return form.cleaned_data
