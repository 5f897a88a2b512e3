"""The request body is capped before anything reads it; an unreadable form gets a clear message.

`REQUEST_MAX_BYTES` is the largest upload plus room for the rest of the form. The middleware
refuses a larger declared Content-Length (413) before Django reads a byte, and parses POST forms
itself, before the CSRF check does, so that what goes wrong while reading them (a file past the
cap, form fields past DATA_UPLOAD_MAX_MEMORY_SIZE, a part header Django refuses, such as a file
name of thousands of characters) answers with a message in the user's language, not a bare 400.
The upload handler counts the bytes actually received, whatever the declared length, and stops
at the same cap.

Django never reads a body without a Content-Length (WSGI gives it an empty stream, and the
multipart parser stops at length 0); nginx de-chunks chunked uploads, applies its own
`client_max_body_size` and sends the length on. The handler covers servers that pass a longer
body than declared (ASGI).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class RequestBodyTooLarge(RequestDataTooBig):
    """More body arrived than REQUEST_MAX_BYTES allows."""


class BodyLimitUploadHandler(FileUploadHandler):
    """First upload handler: stops the upload once the file bytes received pass the cap."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.REQUEST_MAX_BYTES:
            raise RequestBodyTooLarge("Request body exceeded REQUEST_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size):
        return None


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """Refuse oversized bodies unread, and unreadable multipart forms with a clear message.

    Works in `process_view`, which runs after every middleware has set up the request (session,
    user, language, messages, htmx) and before any of them reads the body; it must come before
    CsrfViewMiddleware in MIDDLEWARE.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _declared_length(request) > settings.REQUEST_MAX_BYTES:
            return _too_large(request)
        if request.method == "POST":
            try:
                # Parse now, where its failures can be answered (CSRF would parse it next).
                request.POST  # noqa: B018
            except RequestDataTooBig:
                return _too_large(request)
            except MultiPartParserError:
                return _unreadable_form(request)
        return None


def _page_url(request: HttpRequest) -> str:
    """The page the person sent the form from, if it is one of ours; else the home page."""
    for candidate in (request.headers.get("HX-Current-URL"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return ""


def _refuse(request: HttpRequest, message, *, status: int, title) -> HttpResponse:
    back = _page_url(request)
    if getattr(request, "htmx", False) and back:
        # htmx does not swap this status; it follows HX-Redirect whatever the status.
        messages.error(request, message)
        response = HttpResponse(status=status)
        response["HX-Redirect"] = back
        return response
    context = {"title": title, "message": message, "back": back or reverse("tracker:home")}
    return render(request, "tracker/request_refused.html", context, status=status)


def _too_large(request: HttpRequest) -> HttpResponse:
    message = _(
        "Kiriman ini lebih besar dari %(limit)s, batas Jejak; tidak ada yang diterima. Bukti "
        "paling besar %(evidence)s dan daftar peserta paling besar %(list)s. Perkecil berkasnya "
        "(misalnya simpan ulang PDF dengan ukuran lebih kecil), lalu coba lagi."
    ) % {
        "limit": filesizeformat(settings.REQUEST_MAX_BYTES),
        "evidence": filesizeformat(settings.EVIDENCE_MAX_BYTES),
        "list": filesizeformat(settings.PARTICIPANT_IMPORT_MAX_BYTES),
    }
    return _refuse(request, message, status=413, title=_("Kiriman terlalu besar"))


def _unreadable_form(request: HttpRequest) -> HttpResponse:
    message = _(
        "Formulir tidak dapat dibaca: nama berkas terlalu panjang atau kirimannya rusak. Tidak "
        "ada yang disimpan. Ganti nama berkas dengan nama yang lebih pendek (misalnya di bawah "
        "100 huruf), lalu unggah lagi."
    )
    back = _page_url(request)
    if back and not getattr(request, "htmx", False):
        # Back to the form, with the message where the form shows its errors.
        messages.error(request, message)
        return HttpResponseRedirect(back, status=303)
    return _refuse(request, message, status=400, title=_("Formulir tidak dapat dibaca"))
