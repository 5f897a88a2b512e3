"""Inspecting files people upload, before anything parses, stores or serves them.

One place for the checks the participant import and evidence uploads share: HTML hidden in the
first bytes, Office packages (OOXML) that inflate too far or carry macros, PDFs with active
content, and images that carry metadata. Every check reads a bounded amount of the file and
raises `UnsafeFile` with a message in the user's language; callers turn it into their own refusal.

Why an Office package cannot exhaust memory here. First the central directory is checked:
declared sizes past the cap, a part over 1 MiB inflating more than 100-fold, more than
MAX_ZIP_ENTRIES parts, encryption, and any method but stored or deflate (the only ones whose
reads zipfile bounds) are refused. Then every part is inflated ZIP_CHUNK bytes at a time (zipfile
never yields more per read), opened with a size one byte past what is left of the cap, and the
file is refused as soon as the count passes the cap, or when a part is not exactly its declared
size and CRC. Only then may a parser read whole parts (openpyxl does; a whole-part read inflates
the real stream at once): each real stream is now known to be its declared size, and together
they fit in the cap. Nothing is ever extracted to disk.
"""

from __future__ import annotations

import copy
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class UnsafeFile(Exception):
    """The file is refused; `message` says why, in the user's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class DamagedFile(UnsafeFile):
    """The file is refused because it cannot be read at all (broken, truncated, not that type)."""


# --- HTML in the first bytes ----------------------------------------------------------------

# Browsers and mail clients that sniff content look at the first few hundred bytes; a file that
# starts like a PDF or an image but carries markup there is a polyglot, whatever its type.
HTML_SNIFF_BYTES = 1024
HTML_MARKERS = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<img",
    b"<style",
    b"<meta",
    b"<link",
    b"<form",
    b"<?xml-stylesheet",
)


def refuse_html(head: bytes) -> None:
    """Refuse a file whose first bytes hold HTML markup, in any letter case."""
    lowered = head[:HTML_SNIFF_BYTES].lower()
    if any(marker in lowered for marker in HTML_MARKERS):
        raise UnsafeFile(
            _(
                "Berkas ini memuat kode halaman web (HTML) di bagian awalnya. Simpan ulang "
                "dokumennya dari aplikasi aslinya, lalu unggah lagi."
            )
        )


# --- Office Open XML packages (DOCX, XLSX, PPTX) --------------------------------------------

ZIP_CHUNK = 64 * 1024
MAX_ZIP_ENTRIES = 5000
# Office XML rarely compresses past 20:1; a part over 1 MiB that inflates 100-fold is a bomb
# (Apache POI refuses the same ratio).
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
CONTENT_TYPES = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 256 * 1024
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    OverflowError,
    struct.error,
)


# Relationship parts (`_rels/*.rels`) are kept to read where the package points: each is small in
# any real document (a few KiB), so one past this is refused as unreadable.
MAX_RELS_BYTES = 1024 * 1024
MAX_ALL_RELS_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class OfficePackage:
    """What an inspected package holds: its part names, its content-type declarations and its
    relationship parts (name -> XML)."""

    names: frozenset[str]
    content_types: bytes  # empty when the package declares none: then it is not an Office file
    relationships: tuple[tuple[str, bytes], ...] = ()


def _unreadable_office() -> DamagedFile:
    return DamagedFile(
        _("Berkas Office ini rusak atau tidak dapat dibaca. Simpan ulang, lalu unggah lagi.")
    )


def _too_large(limit: int) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Isi berkas Office ini mengembang menjadi lebih dari %(limit)s saat dibuka; "
            "berkas seperti ini tidak diterima."
        )
        % {"limit": filesizeformat(limit)}
    )


def inspect_ooxml(fileobj, *, max_uncompressed: int) -> OfficePackage:
    """Check an Office package's real inflated size, ratio and macros without extracting it."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            _check_directory(entries, max_uncompressed)
            kept = _inflate_every_part(archive, entries, max_uncompressed)
    except UnsafeFile:
        raise
    except ZIP_ERRORS:
        raise _unreadable_office() from None
    finally:
        fileobj.seek(0)
    package = OfficePackage(
        names=frozenset(entry.filename for entry in entries),
        content_types=kept.pop(CONTENT_TYPES, b""),
        relationships=tuple(sorted(kept.items())),
    )
    _refuse_macros(package)
    _refuse_links_and_embeddings(package)
    return package


def _is_kept(name: str) -> bool:
    return name == CONTENT_TYPES or name.lower().endswith(".rels")


def _check_directory(entries: list[zipfile.ZipInfo], max_uncompressed: int) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _unreadable_office()
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            # Encrypted parts cannot be checked; bzip2 and LZMA inflate without a bound per read.
            raise _unreadable_office()
        total += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * entry.compress_size:
            raise UnsafeFile(
                _(
                    "Berkas Office ini dipadatkan secara tidak wajar (bagian “%(part)s” "
                    "mengembang lebih dari %(ratio)d kali); berkas seperti ini tidak diterima."
                )
                % {"part": entry.filename[:100], "ratio": MAX_RATIO}
            )
    if total > max_uncompressed:
        raise _too_large(max_uncompressed)


def _inflate_every_part(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], max_uncompressed: int
) -> dict[str, bytes]:
    """Inflate each part in bounded steps, keeping only the content types and the
    relationship parts (name -> bytes)."""
    left = max_uncompressed
    found: dict[str, bytes] = {}
    kept_total = 0
    for entry in entries:
        # The declared size may lie: open the part allowing one byte past what is left of the
        # cap, and check the CRC here (zipfile would check it at that byte, and fail there).
        probe = copy.copy(entry)
        probe.file_size, probe.CRC = left + 1, None  # type: ignore[assignment]  # no CRC: checked below
        size, crc, kept = 0, 0, []
        keep = _is_kept(entry.filename)
        most = MAX_CONTENT_TYPES_BYTES if entry.filename == CONTENT_TYPES else MAX_RELS_BYTES
        with archive.open(probe) as part:
            while chunk := part.read(ZIP_CHUNK):
                size += len(chunk)
                if size > left:
                    raise _too_large(max_uncompressed)
                crc = zlib.crc32(chunk, crc)
                if keep:
                    if size > most or kept_total + size > MAX_ALL_RELS_BYTES:
                        raise _unreadable_office()
                    kept.append(chunk)
        if size != entry.file_size or crc != entry.CRC:
            raise _unreadable_office()
        left -= size
        if keep:
            if entry.filename in found:
                raise _unreadable_office()  # two parts of one name: which one is read?
            found[entry.filename] = b"".join(kept)
            kept_total += size
    return found


def _refuse_macros(package: OfficePackage) -> None:
    # VBA lives in a vbaProject part; Excel 4.0 macros live in macro sheets and need no VBA.
    names = " ".join(package.names).lower()
    types = package.content_types.lower()
    if "vbaproject" in names or "macrosheets/" in names or b"macro" in types or b"vba" in types:
        raise UnsafeFile(
            _(
                "Berkas Office ini memuat makro. Simpan ulang sebagai dokumen biasa tanpa makro "
                "(.docx, .xlsx atau .pptx), lalu unggah lagi."
            )
        )


# Parts that carry other files or controls inside the package: OLE objects and packages
# (`embeddings/`), ActiveX controls, and a workbook's links to other workbooks.
EMBEDDED_PART_FOLDERS = ("/embeddings/", "/activex/", "/externallinks/")
# Relationships that make Office fetch or run something when the file opens, wherever they
# point: a template (Word fetches an external one, the way the Follina attack came in), an OLE
# object, an embedded package, a link to another workbook, a control, a framed or sub-document.
ACTIVE_RELATIONSHIPS = frozenset(
    {
        "attachedtemplate",
        "oleobject",
        "package",
        "externallink",
        "externallinkpath",
        "control",
        "activexcontrol",
        "activexcontrolbinary",
        "frame",
        "subdocument",
    }
)
# The one relationship that may point outside the package: a hyperlink the reader clicks.
EXTERNAL_ALLOWED = frozenset({"hyperlink"})


def _linked_or_embedded(what: str) -> UnsafeFile:
    return UnsafeFile(
        _(
            "Berkas Office ini memuat %(what)s. Berkas seperti ini dapat mengambil atau "
            "menjalankan isi dari luar saat dibuka. Simpan ulang sebagai dokumen biasa tanpa "
            "tautan templat, data eksternal atau objek sisipan, lalu unggah lagi."
        )
        % {"what": what}
    )


def _refuse_links_and_embeddings(package: OfficePackage) -> None:
    for name in package.names:
        if any(folder in f"/{name.lower()}" for folder in EMBEDDED_PART_FOLDERS):
            raise _linked_or_embedded(
                _("objek atau tautan sisipan (%(part)s)") % {"part": name[:100]}
            )
    for _name, xml in package.relationships:
        for kind, external in _relationships(xml):
            if kind in ACTIVE_RELATIONSHIPS:
                raise _linked_or_embedded(
                    _("objek aktif atau tautan eksternal (%(kind)s)") % {"kind": kind}
                )
            if external and kind not in EXTERNAL_ALLOWED:
                raise _linked_or_embedded(
                    _("tautan ke isi di luar berkas (%(kind)s)") % {"kind": kind}
                )


def _relationships(xml: bytes) -> list[tuple[str, bool]]:
    """(the relationship type's last word, lower-cased; whether it points outside) per entry."""
    from xml.parsers import expat

    found: list[tuple[str, bool]] = []

    def refuse_dtd(*args: object) -> None:
        # Office never writes a DTD; refusing one keeps entity expansion out of the parser.
        raise _unreadable_office()

    def start(name: str, attributes: dict[str, str]) -> None:
        if name.rsplit(" ", 1)[-1] == "Relationship":
            kind = attributes.get("Type", "").rstrip("/").rsplit("/", 1)[-1].lower()
            external = attributes.get("TargetMode", "").strip().lower() == "external"
            found.append((kind, external))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, ValueError):
        raise _unreadable_office() from None
    return found


# --- PDF ------------------------------------------------------------------------------------

# Keys and action types that make a viewer run code, open other files, or carry files inside.
PDF_ACTIVE_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/RichMedia",
        "/RichMediaContent",
    }
)
PDF_ACTIVE_TYPES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/FileAttachment",
        "/RichMedia",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        # Opens another file, wherever it sits (a link, a bookmark, the open action).
        "/GoToR",
    }
)
# What a PDF may do by itself when it opens: show a place in itself. Anything else there (a web
# address, another file, a program) happens without the reader asking for it.
PDF_OPEN_ACTION_TYPES = frozenset({"/GoTo"})
PDF_TYPE_KEYS = ("/S", "/Type", "/Subtype")
# pypdf bounds each stream it inflates; object streams must be inflated to see the objects in
# them, so their total is bounded too.
PDF_STREAM_MAX_BYTES = 16 * 1024 * 1024
PDF_OBJECT_STREAMS_MAX_BYTES = 64 * 1024 * 1024
PDF_MAX_DEPTH = 64


def _unreadable_pdf() -> DamagedFile:
    return DamagedFile(
        _("PDF ini rusak atau tidak dapat diperiksa. Simpan ulang sebagai PDF, lalu unggah lagi.")
    )


def check_pdf(fileobj) -> None:
    """Refuse a PDF that cannot be parsed, is locked, or holds active content anywhere."""
    from pypdf import PdfReader, apply_configuration

    fileobj.seek(0)
    limits = {
        "zlib_maximum_output_length": PDF_STREAM_MAX_BYTES,
        "lzw_maximum_output_length": PDF_STREAM_MAX_BYTES,
        "run_length_maximum_output_length": PDF_STREAM_MAX_BYTES,
        "brotli_maximum_output_length": PDF_STREAM_MAX_BYTES,
        "array_based_stream_maximum_output_length": PDF_STREAM_MAX_BYTES,
    }
    try:
        with apply_configuration(None, **limits):
            reader = PdfReader(fileobj, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise UnsafeFile(
                    _("PDF ini dikunci dengan kata sandi. Unggah versi tanpa kata sandi.")
                )
            for obj in _pdf_objects(reader):
                _refuse_active(obj)
    except UnsafeFile:
        raise
    except Exception:
        # pypdf's errors on hostile input are not a closed set (PdfReadError, ValueError,
        # KeyError, AssertionError, RecursionError, ...): whatever it cannot read is refused.
        raise _unreadable_pdf() from None
    finally:
        fileobj.seek(0)


def _pdf_objects(reader):
    """The trailer and every object the cross-reference tables name, object streams included."""
    from pypdf.generic import IndirectObject

    yield reader.trailer
    for generation, objects in reader.xref.items():
        for idnum in objects:
            yield reader.get_object(IndirectObject(idnum, generation, reader))
    inflated, seen = 0, set()
    for idnum, (stream_id, _index) in sorted(reader.xref_objStm.items(), key=lambda i: i[1]):
        if stream_id not in seen:
            seen.add(stream_id)
            inflated += len(reader.get_object(stream_id).get_data())
            if inflated > PDF_OBJECT_STREAMS_MAX_BYTES:
                raise _unreadable_pdf()
        yield reader.get_object(idnum)


def _refuse_active(obj) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [(obj, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > PDF_MAX_DEPTH:
            raise _unreadable_pdf()
        if isinstance(value, DictionaryObject):
            # dict.items: the raw values, so references are not followed (each indirect object
            # is visited on its own).
            for key, item in dict.items(value):
                found = key if key in PDF_ACTIVE_KEYS else ""
                if key == "/OpenAction":
                    found = found or _active_open_action(item)
                if key in PDF_TYPE_KEYS:
                    kind = item.get_object() if isinstance(item, IndirectObject) else item
                    if isinstance(kind, str) and kind in PDF_ACTIVE_TYPES:
                        found = kind
                if found:
                    raise UnsafeFile(
                        _(
                            "PDF ini memuat isi aktif (%(feature)s): skrip, tindakan otomatis, "
                            "peluncuran program atau berkas sisipan. Cetak ulang sebagai PDF "
                            "biasa, lalu unggah lagi."
                        )
                        % {"feature": str(found).lstrip("/")}
                    )
                stack.append((item, depth + 1))
        elif isinstance(value, ArrayObject):
            stack.extend((item, depth + 1) for item in list.__iter__(value))


def _active_open_action(value: Any) -> str:
    """The type of the first action the open action runs (itself, or one it chains with /Next)
    that is not a move within the document; empty if there is none."""
    from pypdf.generic import ArrayObject, DictionaryObject

    if isinstance(value.get_object(), ArrayObject):
        return ""  # a destination: only the place the document opens at
    pending, steps = [value], 0
    while pending:
        steps += 1
        if steps > PDF_MAX_DEPTH:
            raise _unreadable_pdf()
        action = pending.pop().get_object()
        if isinstance(action, ArrayObject):
            pending.extend(list.__iter__(action))  # /Next may list several actions
            continue
        if not isinstance(action, DictionaryObject):
            continue
        kind = dict.get(action, "/S")
        kind = kind.get_object() if kind is not None else None
        if kind not in PDF_OPEN_ACTION_TYPES:
            return str(kind or "/OpenAction")
        following = dict.get(action, "/Next")
        if following is not None:
            pending.append(following)
    return ""


# --- images ---------------------------------------------------------------------------------

# A 50-megapixel phone photo is 8160 x 6120; decoding one takes about 150 MB. Pillow's own
# DecompressionBombError (at twice its MAX_IMAGE_PIXELS) is caught as well.
MAX_IMAGE_PIXELS = 50_000_000
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}


def _too_many_pixels() -> UnsafeFile:
    return UnsafeFile(
        _(
            "Gambar ini terlalu besar (lebih dari %(limit)d megapiksel). Perkecil ukurannya, "
            "lalu unggah lagi."
        )
        % {"limit": MAX_IMAGE_PIXELS // 1_000_000}
    )


# A 12-megapixel phone photo is 4000 x 3000 and 4-6 MB; at 2,048 px on its long side it is still
# sharp on any screen and in an A4 report, at a fifth of the size.
MAX_IMAGE_SIDE = 2048


def clean_image(fileobj, image_format: str) -> bytes:
    """The image re-encoded upright, at most MAX_IMAGE_SIDE px on its long side, without EXIF
    (GPS included), XMP, comments or text chunks."""
    from PIL import ExifTags, Image, ImageOps

    fileobj.seek(0)
    try:
        with Image.open(fileobj, formats=[image_format]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            image.load()
            turned = image.getexif().get(ExifTags.Base.Orientation, 1) in range(2, 9)
            # Turn the pixels as the camera meant before the orientation tag goes with the rest.
            upright = ImageOps.exif_transpose(image) if turned else image
            if max(upright.size) > MAX_IMAGE_SIDE:
                # A copy, not thumbnail() in place: `upright` may be the opened file's image.
                scale = MAX_IMAGE_SIDE / max(upright.size)
                size = (max(1, round(upright.width * scale)), max(1, round(upright.height * scale)))
                upright = upright.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            buffer = io.BytesIO()
            options: dict = {"icc_profile": image.info.get("icc_profile")}
            if image_format == "JPEG":
                # Untouched photos keep their quantisation tables, so re-saving loses next to
                # nothing; the comment segment would otherwise be copied.
                options.update(comment=b"", quality="keep" if upright is image else 85)
            upright.save(buffer, format=image_format, **options)
    except UnsafeFile:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise DamagedFile(
            _("Gambar ini rusak atau tidak dapat dibaca. Simpan ulang, lalu unggah lagi.")
        ) from None
    finally:
        fileobj.seek(0)
    return buffer.getvalue()
