"""The renderer reaches Jejak's own static and media files and nothing else."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from reports.pdf import JejakURLFetcher, URLRefused, html_to_pdf

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "darkgreen").save(out, "PNG")
    return out.getvalue()


PIXEL = _png()


@pytest.fixture
def media(settings):
    root = Path(settings.MEDIA_ROOT)
    (root / "evidence").mkdir(parents=True)
    (root / "evidence" / "foto.png").write_bytes(PIXEL)
    return root


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/jejak.css",
        "http://127.0.0.1:8000/media/evidence/foto.png",
        "HTTP://127.0.0.1:8000/static/css/jejak.css",
    ],
)
def test_fetcher_reads_own_static_and_media_files_from_disk(media, url):
    response = JejakURLFetcher().fetch(url)

    body = response.read()
    assert body == (PIXEL if url.endswith(".png") else (STATIC_DIR / "css/jejak.css").read_bytes())
    assert response.content_type in ("text/css", "image/png")


def test_fetcher_reads_file_urls_inside_the_roots(media):
    fetcher = JejakURLFetcher()

    assert fetcher.fetch((media / "evidence/foto.png").as_uri()).read() == PIXEL
    stylesheet = STATIC_DIR / "css/jejak.css"
    assert fetcher.fetch(stylesheet.as_uri()).read() == stylesheet.read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://evil.example/static/css/jejak.css",
        "http://127.0.0.1:9999/static/css/jejak.css",  # another port is another site
        "https://127.0.0.1:8000/static/css/jejak.css",  # another scheme is another site
        "http://127.0.0.1:8000/admin/",
        "http://127.0.0.1:8000/static/../tracker/settings.py",
        "http://127.0.0.1:8000/static/%2e%2e/tracker/settings.py",
        "http://127.0.0.1:8000/media/../../etc/passwd",
        "http://127.0.0.1:8000/static/css/missing.css",
        "file:///etc/passwd",
        f"file://{STATIC_DIR}/../tracker/settings.py",
        "file://otherhost/etc/passwd",
        "ftp://127.0.0.1/static/css/jejak.css",
        "data:text/plain;base64,SGVsbG8=",
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_everything_else(media, url):
    with pytest.raises(URLRefused):
        JejakURLFetcher().fetch(url)


def test_fetcher_refuses_a_symlink_leading_out_of_media(media):
    (media / "evidence" / "escape.txt").symlink_to("/etc/hostname")

    with pytest.raises(URLRefused):
        JejakURLFetcher().fetch("http://127.0.0.1:8000/media/evidence/escape.txt")


def test_rendering_skips_outside_resources_and_keeps_own_images(media, caplog):
    html = """<html lang="id"><body>
      <img src="/media/evidence/foto.png" style="width: 2cm">
      <img src="http://example.com/tracker.png">
      <link rel="stylesheet" href="file:///etc/passwd">
      <p>Isi</p></body></html>"""

    with caplog.at_level(logging.WARNING, logger="reports.pdf"):
        pdf = html_to_pdf(html, csv_name="data.csv", csv_text="a\r\n1\r\n")

    refused = [record.getMessage() for record in caplog.records if record.name == "reports.pdf"]
    assert any("http://example.com/tracker.png" in message for message in refused)
    assert any("file:///etc/passwd" in message for message in refused)
    assert not any("foto.png" in message for message in refused)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert len(page.images) == 1
