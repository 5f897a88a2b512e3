"""Real files of every accepted type, built in memory, and impostors that must be refused."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter

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
