"""Checking an evidence upload before anything is stored: name, size, type by content, hash."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from milestones.models import ALLOWED_EVIDENCE_TYPES
from tracker.workflow import Refused

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"

# Office Open XML files are ZIP archives: the part folder and the main content type tell a Word
# document from a workbook or a slide deck (and refuse macro-enabled variants, whose main type
# differs).
OOXML_PARTS = {
    ".docx": ("word/", b"wordprocessingml.document.main+xml"),
    ".xlsx": ("xl/", b"spreadsheetml.sheet.main+xml"),
    ".pptx": ("ppt/", b"presentationml.presentation.main+xml"),
}
# Only the archive's directory and one small part are ever read, never extracted, so a zip bomb
# costs nothing; these bounds stop absurd directories and oversized content-type parts.
MAX_ZIP_ENTRIES = 5000
MAX_CONTENT_TYPES_BYTES = 256 * 1024

ALLOWED_LABEL = "PDF, DOCX, XLSX, PPTX, JPG, PNG"
DISPLAY_NAME_UNSAFE = re.compile(r"[^\w\s.,()\[\]+&'@-]", re.UNICODE)


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload, *, max_bytes: int) -> CheckedUpload:
    """The upload's safe display name, type, size and hash; refuse it with a clear message."""
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
    if not _content_matches(upload, extension):
        raise Refused(
            _(
                "Isi berkas tidak sesuai dengan jenisnya (%(extension)s). Unggah berkas asli "
                "%(allowed)s, bukan berkas lain yang diganti namanya."
            )
            % {"extension": extension, "allowed": ALLOWED_LABEL}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=name,
        content_type=ALLOWED_EVIDENCE_TYPES[extension],
        size=upload.size,
        sha256=digest.hexdigest(),
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


def _content_matches(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if extension == ".pdf":
        return head.startswith(PDF_SIGNATURE)
    if extension == ".png":
        return head.startswith(PNG_SIGNATURE)
    if extension in (".jpg", ".jpeg"):
        return head.startswith(JPEG_SIGNATURE)
    if extension in OOXML_PARTS:
        return head.startswith(ZIP_SIGNATURE) and _is_office_file(upload, *OOXML_PARTS[extension])
    return False


def _is_office_file(upload, folder: str, main_type: bytes) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return False
            if not any(entry.filename.startswith(folder) for entry in entries):
                return False
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > MAX_CONTENT_TYPES_BYTES:
                return False
            with archive.open(types) as part:
                content = part.read(MAX_CONTENT_TYPES_BYTES + 1)
            return main_type in content
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        RuntimeError,
        NotImplementedError,
        EOFError,
        OSError,
    ):
        return False
    finally:
        upload.seek(0)
