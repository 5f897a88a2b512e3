"""The request body is capped before it is read, and an unreadable upload form answers clearly."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.handlers.asgi import ASGIRequest
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from milestones.models import Evidence
from tests.milestones.conftest import media_files
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.milestones.files import make_pdf
from tracker.models import ChangeProject
from tracker.request_body import (
    BodyLimitUploadHandler,
    RequestBodyLimitMiddleware,
    RequestBodyTooLarge,
)

MIB = 1024 * 1024


@pytest.fixture
def milestone(world):
    """A milestone of the world's project, being implemented: evidence may be uploaded."""
    return MilestoneFactory(
        project=put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    )


class UnreadableStream(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body of an oversized request must not be read")

    readline = read


def _upload_url(milestone) -> str:
    return reverse("milestones:upload-evidence", args=[milestone.pk])


def _oversized(client, url, **extra):
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(300 * MIB),
        **{"wsgi.input": UnreadableStream()},
        **extra,
    )


def test_request_max_bytes_is_the_largest_upload_plus_one_mebibyte(settings):
    from tracker import settings as project_settings

    assert project_settings.REQUEST_MAX_BYTES == 11 * MIB
    assert project_settings.FILE_UPLOAD_HANDLERS[0] == (
        "tracker.request_body.BodyLimitUploadHandler"
    )


def test_a_300_mb_upload_is_refused_with_413_before_its_body_is_read(
    client, world, milestone, settings
):
    client.force_login(world.participant)
    response = _oversized(client, _upload_url(milestone))
    assert response.status_code == 413
    page = response.content.decode()
    assert "Kiriman terlalu besar" in page
    assert "lebih besar dari 11,0" in page
    assert "Bukti paling besar 10,0" in page
    assert "<html" in page  # a page of the site, with a way back
    assert "Kembali ke halaman sebelumnya" in page
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_the_cap_holds_on_every_page_not_only_uploads(client, world):
    client.force_login(world.organiser)
    url = reverse("tracker:participant-import", args=[world.cohort.pk])
    assert _oversized(client, url).status_code == 413


def test_htmx_oversized_upload_returns_to_the_page_with_the_message(client, world, milestone):
    client.force_login(world.participant)
    page_url = f"http://testserver{milestone.get_absolute_url()}"
    response = _oversized(
        client, _upload_url(milestone), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page_url
    )
    assert response.status_code == 413
    assert response["HX-Redirect"] == page_url
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "lebih besar dari 11,0" in page


def test_htmx_never_redirects_to_another_site(client, world, milestone):
    client.force_login(world.participant)
    response = _oversized(
        client,
        _upload_url(milestone),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://jahat.example/",
    )
    assert response.status_code == 413
    assert "HX-Redirect" not in response
    assert "jahat.example" not in response.content.decode()


def test_upload_handler_stops_a_body_longer_than_it_declared(settings):
    # ASGI servers hand Django the body as it came: a short Content-Length does not stop it.
    settings.REQUEST_MAX_BYTES = 64 * 1024
    body = encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("bukti.pdf", b"%PDF-" + b"0" * 200_000)}
    )
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": "1000"}
    handlers = [BodyLimitUploadHandler(), MemoryFileUploadHandler()]
    with pytest.raises(RequestBodyTooLarge):
        MultiPartParser(meta, io.BytesIO(body), handlers).parse()


def test_asgi_body_longer_than_declared_is_answered_with_413(settings, rf):
    settings.REQUEST_MAX_BYTES = 64 * 1024
    body = encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("bukti.pdf", b"%PDF-" + b"0" * 200_000)}
    )
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/tonggak/1/bukti/unggah/",
        "query_string": b"",
        "headers": [
            (b"content-type", MULTIPART_CONTENT.encode()),
            (b"content-length", b"1000"),
            (b"host", b"testserver"),
        ],
    }
    request = ASGIRequest(scope, io.BytesIO(body))
    request.user, request.htmx = AnonymousUser(), False
    middleware = RequestBodyLimitMiddleware(lambda request: None)
    response = middleware.process_view(request, None, (), {})
    assert response.status_code == 413


def test_a_chunked_body_without_length_is_not_read_at_all(client, world, milestone, settings):
    # Django reads no body without a Content-Length (nginx de-chunks and sends one); the form
    # then simply has no file.
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("bukti.pdf", make_pdf())})
    client.force_login(world.participant)
    response = client.generic(
        "POST",
        _upload_url(milestone),
        b"",
        CONTENT_TYPE=MULTIPART_CONTENT,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": FakePayload(body)},
    )
    assert response.status_code == 400
    assert "Pilih berkas yang akan diunggah." in response.content.decode()
    assert media_files(settings) == []


# --- a file name Django's parser refuses ----------------------------------------------------

LONG_NAME = ("laporan kegiatan " * 118)[:1996] + ".pdf"  # 2,000 characters


def _long_name_upload(client, milestone, **extra):
    # Built by hand: Django's own file objects cut names to 255 characters, browsers do not.
    assert len(LONG_NAME) == 2000
    body = (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="caption"\r\n\r\nNotulen\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{LONG_NAME}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + make_pdf()
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.generic(
        "POST", _upload_url(milestone), body, content_type=MULTIPART_CONTENT, **extra
    )


def test_a_2000_character_file_name_returns_to_the_form_with_a_clear_error(
    client, world, milestone, settings
):
    client.force_login(world.participant)
    page_url = f"http://testserver{milestone.get_absolute_url()}"
    response = _long_name_upload(client, milestone, HTTP_REFERER=page_url)
    assert response.status_code == 303
    assert response["Location"] == page_url
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "nama berkas terlalu panjang" in page
    assert "Ganti nama berkas dengan nama yang lebih pendek" in page
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_without_a_page_to_return_to_the_long_name_gets_a_page_not_a_bare_400(
    client, world, milestone
):
    client.force_login(world.participant)
    response = _long_name_upload(client, milestone)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Formulir tidak dapat dibaca" in page
    assert "nama berkas terlalu panjang" in page
    assert not Evidence.objects.exists()


def test_htmx_long_name_goes_back_to_the_page_with_the_message(client, world, milestone):
    client.force_login(world.participant)
    page_url = f"http://testserver{milestone.get_absolute_url()}"
    response = _long_name_upload(
        client, milestone, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page_url
    )
    assert response.status_code == 400
    assert response["HX-Redirect"] == page_url
    assert "nama berkas terlalu panjang" in client.get(page_url).content.decode()


def test_form_fields_past_djangos_memory_limit_get_the_friendly_413(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(world.participant)
    url = reverse("tracker:proposal-edit", args=[world.project.pk])
    response = client.post(url, {"title": "x" * 5000})
    assert response.status_code == 413
    assert "Kiriman terlalu besar" in response.content.decode()
