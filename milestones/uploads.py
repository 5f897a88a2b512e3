"""Checking an evidence upload before anything is stored: name, size, type by content, hash.

The content decides, not the name: the first bytes must match the extension and hold no HTML;
a PDF must parse and hold no active content; an Office file must not inflate past its cap or
carry macros; an image is re-encoded upright without its metadata (GPS position included). What
is stored, measured and hashed is the cleaned file, so the duplicate check compares stored bytes
(re-encoding is deterministic: the same photo uploaded twice gives the same bytes).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote

from django.core.files import File
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from milestones.models import ALLOWED_EVIDENCE_TYPES
from tracker import untrusted
from tracker.workflow import Refused

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"

# Office Open XML files are ZIP archives: the part folder and the main content type tell a Word
# document from a workbook or a slide deck.
OOXML_PARTS = {
    ".docx": ("word/", b"wordprocessingml.document.main+xml"),
    ".xlsx": ("xl/", b"spreadsheetml.sheet.main+xml"),
    ".pptx": ("ppt/", b"presentationml.presentation.main+xml"),
}
# An Office file may inflate to ten times the largest upload: text-heavy documents compress
# about 10:1, slide decks full of photos hardly at all.
OOXML_INFLATION = 10

ALLOWED_LABEL = "PDF, DOCX, XLSX, PPTX, JPG, PNG"
DISPLAY_NAME_UNSAFE = re.compile(r"[^\w\s.,()\[\]+&'@-]", re.UNICODE)


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: File  # what to store: the upload itself, or its cleaned copy


def check_upload(upload, *, max_bytes: int) -> CheckedUpload:
    """The upload's safe display name, type, cleaned content and its hash; refuse it clearly."""
    name = display_name(upload.name or "")
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_EVIDENCE_TYPES:
        raise Refused(
            _("Jenis berkas ini tidak diterima. Unggah berkas %(allowed)s.")
            % {"allowed": ALLOWED_LABEL}
        )
    if not upload.size:
        raise Refused(_("Berkas ini kosong (0 bita). Pilih berkas yang berisi."))
    if upload.size > max_bytes:
        raise Refused(
            _("Berkas ini %(size)s; batas ukuran bukti adalah %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    upload.seek(0)
    head = upload.read(untrusted.HTML_SNIFF_BYTES)
    upload.seek(0)
    try:
        untrusted.refuse_html(head)
        if not _signature_matches(head, extension):
            raise _mismatch(extension)
        content = _checked_content(upload, extension, max_bytes)
    except untrusted.UnsafeFile as unsafe:
        raise Refused(unsafe.message) from None
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return CheckedUpload(
        name=name,
        content_type=ALLOWED_EVIDENCE_TYPES[extension],
        size=content.size,
        sha256=digest.hexdigest(),
        content=content,
    )


def display_name(raw: str) -> str:
    """A file name safe to show and to offer for download; refuse names that carry a path."""
    # Django's parser already strips directories; a name that still holds separators (encoded,
    # or backslashes from a non-browser client) is an attempt, not an accident.
    for candidate in (raw, unquote(raw)):
        if "/" in candidate or "\\" in candidate or candidate.strip() in ("", ".", ".."):
            raise Refused(
                _("Nama berkas tidak boleh memuat folder atau “..”. Ganti nama berkasnya.")
            )
    name = unicodedata.normalize("NFKC", raw)
    name = "".join(char for char in name if char.isprintable())
    name = DISPLAY_NAME_UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    path = PurePath(name)
    stem, extension = path.stem.strip(" ."), path.suffix.lower()
    if not stem:
        raise Refused(_("Nama berkas tidak valid. Ganti nama berkasnya."))
    return f"{stem[:100]}{extension}"


def _mismatch(extension: str) -> untrusted.UnsafeFile:
    return untrusted.UnsafeFile(
        _(
            "Isi berkas tidak sesuai dengan jenisnya (%(extension)s). Unggah berkas asli "
            "%(allowed)s, bukan berkas lain yang diganti namanya."
        )
        % {"extension": extension, "allowed": ALLOWED_LABEL}
    )


def _signature_matches(head: bytes, extension: str) -> bool:
    if extension == ".pdf":
        return head.startswith(PDF_SIGNATURE)
    if extension == ".png":
        return head.startswith(PNG_SIGNATURE)
    if extension in (".jpg", ".jpeg"):
        return head.startswith(JPEG_SIGNATURE)
    if extension in OOXML_PARTS:
        return head.startswith(ZIP_SIGNATURE)
    return False


def _checked_content(upload, extension: str, max_bytes: int) -> File:
    """Run the check of the file's type; return what may be stored."""
    if extension == ".pdf":
        untrusted.check_pdf(upload)
        return upload
    if extension in untrusted.IMAGE_FORMATS:
        cleaned = untrusted.clean_image(upload, untrusted.IMAGE_FORMATS[extension])
        return ContentFile(cleaned)
    package = untrusted.inspect_ooxml(upload, max_uncompressed=OOXML_INFLATION * max_bytes)
    folder, main_type = OOXML_PARTS[extension]
    if not any(name.startswith(folder) for name in package.names) or (
        main_type not in package.content_types
    ):
        raise _mismatch(extension)
    return upload
