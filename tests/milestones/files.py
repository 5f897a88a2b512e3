"""Real files of every accepted type, built in memory, and impostors that must be refused."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.annotations import Link
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_OFFICE = "application/vnd.openxmlformats-officedocument"


def make_pdf(text: str = "Notulen") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image(fmt: str, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, format=fmt)
    return buffer.getvalue()


def make_png(colour=(11, 90, 122)) -> bytes:
    return _image("PNG", colour)


def make_jpg(colour=(29, 107, 57)) -> bytes:
    return _image("JPEG", colour)


def _package(main_part: str, main_type: str, parts: dict[str, str]) -> bytes:
    """A minimal Office Open XML package: content types, the root relationship, the parts."""
    overrides = f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_RELS_NS}">'
        f'<Relationship Id="rId1" Type="{_DOC_REL}" Target="{main_part}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def make_docx(text: str = "Laporan kegiatan") -> bytes:
    return _package(
        "word/document.xml",
        f"{_OFFICE}.wordprocessingml.document.main+xml",
        {
            "word/document.xml": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
            )
        },
    )


def make_docm() -> bytes:
    """A macro-enabled Word document: a real Office file, but not one Jejak accepts."""
    return _package(
        "word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        {"word/document.xml": "<w:document/>", "word/vbaProject.bin": "macro"},
    )


def make_xlsx() -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return _package(
        "xl/workbook.xml",
        f"{_OFFICE}.spreadsheetml.sheet.main+xml",
        {
            "xl/workbook.xml": (
                f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'<Relationships xmlns="{_RELS_NS}"><Relationship Id="rId1" '
                f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": (
                f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                "<is><t>Kepatuhan</t></is></c></row></sheetData></worksheet>"
            ),
        },
    )


def make_pptx() -> bytes:
    main = "http://schemas.openxmlformats.org/presentationml/2006/main"
    return _package(
        "ppt/presentation.xml",
        f"{_OFFICE}.presentationml.presentation.main+xml",
        {"ppt/presentation.xml": f'<p:presentation xmlns:p="{main}"/>'},
    )


HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
SVG_IMAGE = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def make_xlsm() -> bytes:
    """A macro-enabled workbook, as Excel saves it (to be renamed .xlsx)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return _package(
        "xl/workbook.xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        {
            "xl/workbook.xml": f'<workbook xmlns="{main}"><sheets/></workbook>',
            "xl/vbaProject.bin": 'Attribute VB_Name = "Module1"',
        },
    )


def make_docx_with_vba_part() -> bytes:
    """A Word document that declares itself macro-free but carries a VBA project part."""
    return _package(
        "word/document.xml",
        f"{_OFFICE}.wordprocessingml.document.main+xml",
        {"word/document.xml": "<w:document/>", "word/vbaProject.bin": "macro"},
    )


def make_xlsx_with_macro_sheet() -> bytes:
    """An Excel 4.0 macro sheet: macros without any VBA project."""
    return _package(
        "xl/workbook.xml",
        f"{_OFFICE}.spreadsheetml.sheet.main+xml",
        {
            "xl/workbook.xml": "<workbook/>",
            "xl/macrosheets/sheet1.xml": "<xm:macrosheet/>",
        },
    )


# --- hand-built ZIP archives: bombs cost kilobytes to build, not the gigabytes they inflate to --

MIB = 1024 * 1024


@dataclass(frozen=True)
class Member:
    """One ZIP member as raw deflate data, with its true CRC and inflated size."""

    name: str
    data: bytes
    crc: int
    size: int


def member(name: str, content: bytes | str) -> Member:
    content = content.encode() if isinstance(content, str) else content
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(
        name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content)
    )


@functools.cache
def bomb_member(name: str, mebibytes: int, prefix: bytes = b"", suffix: bytes = b"") -> Member:
    """`prefix`, then `mebibytes` MiB of one letter, then `suffix`, deflated at ~1000:1.

    Each MiB is compressed once: after a full flush the compressor starts afresh, so every
    further MiB deflates to the very same bytes and the stream is that block repeated.
    """
    chunk = b"a" * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return Member(
        name, head + block * mebibytes + tail, crc, len(prefix) + mebibytes * MIB + len(suffix)
    )


def zip_of(members: list[Member], declared_sizes: dict[str, int] | None = None) -> bytes:
    """A ZIP archive of deflated members; `declared_sizes` makes the directory lie about some."""
    declared_sizes = declared_sizes or {}
    body, directory = io.BytesIO(), io.BytesIO()
    for item in members:
        name = item.name.encode()
        size = declared_sizes.get(item.name, item.size)
        offset = body.tell()
        body.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0,
                8,
                0,
                0x21,
                item.crc,
                len(item.data),
                size,
                len(name),
                0,
            )
        )
        body.write(name + item.data)
        directory.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                item.crc,
                len(item.data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        directory.write(name)
    end = struct.pack(
        "<4s4H2LH",
        b"PK\x05\x06",
        0,
        0,
        len(members),
        len(members),
        directory.tell(),
        body.tell(),
        0,
    )
    return body.getvalue() + directory.getvalue() + end


def office_members(main_part: str, main_type: str, parts: dict[str, str]) -> list[Member]:
    """The members of a minimal Office package, as `_package` writes them."""
    with zipfile.ZipFile(io.BytesIO(_package(main_part, main_type, parts))) as archive:
        return [member(name, archive.read(name)) for name in archive.namelist()]


def make_docx_bomb(mebibytes: int = 1024, *, lie: bool = False) -> bytes:
    """A DOCX of about a megabyte whose document inflates to `mebibytes` MiB."""
    members = office_members(
        "word/document.xml", f"{_OFFICE}.wordprocessingml.document.main+xml", {}
    )
    bomb = bomb_member(
        "word/document.xml",
        mebibytes,
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>",
        b"</w:t></w:r></w:p></w:body></w:document>",
    )
    return zip_of([*members, bomb], {bomb.name: 4096} if lie else None)


# --- PDFs with active content, and benign ones that look a little like them -----------------


def _pdf(change) -> bytes:
    """A one-page PDF, changed by `change(writer)` before it is written."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def make_pdf_with_js_open_action() -> bytes:
    def change(writer):
        script = _action("/JavaScript", JS=TextStringObject("app.alert('Jejak')"))
        writer._root_object[NameObject("/OpenAction")] = script

    return _pdf(change)


def make_pdf_with_document_script() -> bytes:
    """A document-level script: the catalog's /Names /JavaScript tree."""

    def change(writer):
        script = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert(1)")))
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("mulai"), script])}
        )
        names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
        writer._root_object[NameObject("/Names")] = names

    return _pdf(change)


def make_pdf_with_launch_action() -> bytes:
    def change(writer):
        launch = _action("/Launch", F=TextStringObject("cmd.exe"))
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)

    return _pdf(change)


def make_pdf_with_attachment() -> bytes:
    return _pdf(lambda writer: writer.add_attachment("lampiran.exe", WINDOWS_EXE))


def make_pdf_with_page_action() -> bytes:
    def change(writer):
        opened = _action("/URI", URI=TextStringObject("https://jejak.example/"))
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): opened})

    return _pdf(change)


def make_pdf_with_escaped_script_names() -> bytes:
    """The JavaScript open action with its names written as #-escapes, which viewers decode."""
    content = make_pdf_with_js_open_action()
    return content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def make_pdf_with_script_in_object_stream() -> bytes:
    """A script action kept inside a compressed object stream, named by an xref stream."""
    hidden = b"4 0 << /S /JavaScript /JS (app.alert\\('Jejak'\\)) >>"
    packed = zlib.compress(hidden)
    out, offsets = io.BytesIO(), {}

    def write(number: int, body: bytes) -> None:
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    out.write(b"%PDF-1.7\n")
    write(1, b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>")
    write(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    write(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
    write(
        5,
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\n"
        b"endstream" % (len(packed), packed),
    )
    start = out.tell()
    rows = [(0, 0, 65535), *((1, offsets[n], 0) for n in (1, 2, 3)), (2, 5, 0)]
    rows += [(1, offsets[5], 0), (1, start, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    write(
        6,
        b"<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream"
        % (len(table), table),
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def make_pdf_with_page_link_and_open_view() -> bytes:
    """Benign: opens at the first page and carries a web link, as exported reports do."""

    def change(writer):
        page = writer.pages[0].indirect_reference
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])
        writer.add_annotation(0, Link(rect=(50, 50, 200, 80), url="https://jejak.example/"))

    return _pdf(change)


def make_pdf_locked(user_password: str) -> bytes:
    return _pdf(lambda writer: writer.encrypt(user_password, "pemilik", algorithm="AES-128"))


def polyglot(content: bytes, markup: bytes) -> bytes:
    """`content` with `markup` tucked into its first bytes where the format allows it."""
    if content.startswith(b"%PDF-"):
        header, rest = content.split(b"\n", 1)
        return header + b"\n%" + markup + b"\n" + rest
    raise ValueError("only PDFs are built here; images carry markup in their metadata")


# --- images carrying what people did not mean to share ---------------------------------------


def make_photo(orientation: int = 1, *, gps: bool = True, comment: bytes = b"") -> bytes:
    """A 40x20 JPEG, red on the left and blue on the right, with camera EXIF and GPS."""
    image = Image.new("RGB", (40, 20), (200, 0, 0))
    image.paste((0, 0, 200), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamera Dinas"
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "S",
            ExifTags.GPS.GPSLatitude: (6.0, 54.0, 55.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (107.0, 36.0, 36.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=comment, quality=90)
    return buffer.getvalue()


def make_png_with_text(text: str) -> bytes:
    info = PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (11, 90, 122)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def make_png_claiming(width: int, height: int) -> bytes:
    """A PNG header declaring a huge canvas, with almost no pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
