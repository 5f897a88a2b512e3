"""HTML to PDF/A-3b with WeasyPrint, reaching no file or host but Jejak's own static and media."""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit
from urllib.request import url2pathname

import segno
import weasyprint
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/a-3b"


class URLRefused(ValueError):
    """The document asked for something outside Jejak's static and media files."""


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return roots


def _media_roots() -> list[Path]:
    return [Path(settings.MEDIA_ROOT)]


def site_base_url() -> str:
    """The base URL documents are rendered against, so `{% static %}` paths resolve."""
    return settings.SITE_URL + "/"


class JejakURLFetcher(weasyprint.URLFetcher):
    """Serves WeasyPrint only Jejak's static files and its media.

    URLs under the site's static URL are read from STATIC_ROOT and STATICFILES_DIRS; URLs under
    its media URL through the media storage (local disk or S3-compatible object storage: never
    a disk path of its own). No request ever leaves the process. Anything else (other hosts,
    other schemes, file:// paths outside the roots, `..` or symlinks leading out) is refused.
    """

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        media = self.media_name(url)
        if media is not None:
            try:
                with default_storage.open(media, "rb") as stored:
                    body = stored.read()
            except (OSError, SuspiciousOperation):
                body = None
            if body is not None:
                media_url = urljoin(site_base_url(), settings.MEDIA_URL) + quote(media)
                return URLFetcherResponse(
                    media_url, body=body, headers={"Content-Type": _content_type(media)}
                )
        path = None if media is not None else self.local_path(url)
        if path is None:
            logger.warning("Refused to fetch %s while rendering a PDF", url[:200])
            raise URLRefused(f"Jejak documents may not load {url[:200]}")
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": _content_type(path.name)},
        )

    def media_name(self, url: str) -> str | None:
        """The media storage's name for a URL under the site's media URL (or, with media on this
        disk, a file:// path inside MEDIA_ROOT), else None."""
        parts = _split(url)
        if parts is None:
            return None
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in ("", "localhost") or not _media_on_disk():
                return None
            path = Path(url2pathname(unquote(parts.path)))
            root = Path(settings.MEDIA_ROOT)
            if not path.is_relative_to(root):
                return None
            return _media_name(path.relative_to(root).as_posix())
        prefix = _lower_origin(urljoin(site_base_url(), settings.MEDIA_URL))
        target = f"{scheme}://{parts.netloc.lower()}{parts.path}"
        if scheme in ("http", "https") and target.startswith(prefix):
            return _media_name(unquote(target[len(prefix) :]))
        return None

    def local_path(self, url: str) -> Path | None:
        """The file the URL names inside Jejak's static folders, else None."""
        parts = _split(url)
        if parts is None:
            return None
        scheme = parts.scheme.lower()
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return None
            return _contained(Path(url2pathname(unquote(parts.path))), _static_roots())
        if scheme not in ("http", "https"):
            return None
        target = f"{scheme}://{parts.netloc.lower()}{parts.path}"
        prefix = _lower_origin(urljoin(site_base_url(), settings.STATIC_URL))
        if not target.startswith(prefix):
            return None
        relative = unquote(target[len(prefix) :])
        roots = _static_roots()
        for root in roots:
            found = _contained(root / relative, roots)
            if found is not None:
                return found
        return None


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _media_on_disk() -> bool:
    try:
        default_storage.path("probe")
    except NotImplementedError:  # object storage has names, not paths
        return False
    return True


def _media_name(relative: str) -> str | None:
    """`relative` as a name inside the media storage, if it stays inside and exists there."""
    name = posixpath.normpath(relative) if relative else ""
    if (
        not name
        or name == "."
        or name.startswith(("/", ".."))
        or "\\" in relative
        or "\x00" in relative
    ):
        return None
    if _media_on_disk():
        # A symlink inside MEDIA_ROOT could lead anywhere on the disk.
        found = _contained(Path(default_storage.path(name)), _media_roots())
        return name if found is not None else None
    return name if default_storage.exists(name) else None


def _lower_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"


def _contained(candidate: Path, roots: list[Path]) -> Path | None:
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_file():
        return None
    for root in roots:
        try:
            if resolved.is_relative_to(root.resolve()):
                return resolved
        except OSError:
            continue
    return None


def qr_svg(data: str) -> str:
    """A QR code of `data` as inline SVG, sized by CSS; the page margin adds to its quiet zone."""
    return segno.make_qr(data, error="m").svg_inline(scale=1, border=2, omitsize=True)


def html_to_pdf(html: str, *, csv_name: str, csv_text: str, csv_description: str = "") -> bytes:
    """Render HTML to PDF/A-3b with the CSV attached as the document's source data."""
    fetcher = JejakURLFetcher()
    attachment = weasyprint.Attachment(
        string=csv_text,
        name=csv_name,
        description=csv_description,
        url_fetcher=fetcher,
        relationship="Data",
    )
    document = weasyprint.HTML(string=html, base_url=site_base_url(), url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])


class PartRenderer:
    """Lays out a long document in parts and joins their pages into one PDF/A-3b.

    A report about many projects is rendered a few projects at a time, so the caller can report
    progress and stop at a time limit between parts; the parts share fonts and the image cache.
    """

    def __init__(self) -> None:
        self.fetcher = JejakURLFetcher()
        self.font_config = FontConfiguration()
        self.cache: dict = {}

    def render(self, html: str) -> weasyprint.Document:
        """One part, laid out: its pages can be counted and searched for anchors."""
        document = weasyprint.HTML(string=html, base_url=site_base_url(), url_fetcher=self.fetcher)
        return document.render(
            font_config=self.font_config, pdf_variant=PDF_VARIANT, cache=self.cache
        )

    def attachment(
        self, *, csv_name: str, csv_text: str, csv_description: str = ""
    ) -> weasyprint.Attachment:
        """The CSV attached to the document as its source data."""
        return weasyprint.Attachment(
            string=csv_text,
            name=csv_name,
            description=csv_description,
            url_fetcher=self.fetcher,
            relationship="Data",
        )

    def write(
        self, parts: list[weasyprint.Document], *, attachment: weasyprint.Attachment
    ) -> bytes:
        """The parts' pages in order as one PDF, with the first part's metadata and the CSV."""
        pages = [page for part in parts for page in part.pages]
        return parts[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])
