"""Evidence uploads: real files of every accepted type pass; everything else is refused cleanly."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from milestones import services
from milestones.models import Evidence, Milestone
from milestones.uploads import display_name
from tests.milestones.conftest import media_files, with_state
from tests.milestones.factories import MilestoneFactory
from tests.milestones.files import (
    HTML_PAGE,
    PNG_SIGNATURE,
    SVG_IMAGE,
    WINDOWS_EXE,
    make_docm,
    make_docx,
    make_docx_bomb,
    make_docx_with_vba_part,
    make_jpg,
    make_pdf,
    make_pdf_locked,
    make_pdf_with_attachment,
    make_pdf_with_document_script,
    make_pdf_with_escaped_script_names,
    make_pdf_with_js_open_action,
    make_pdf_with_launch_action,
    make_pdf_with_page_action,
    make_pdf_with_page_link_and_open_view,
    make_pdf_with_script_in_object_stream,
    make_photo,
    make_png,
    make_png_claiming,
    make_png_with_text,
    make_pptx,
    make_xlsm,
    make_xlsx,
    make_xlsx_with_macro_sheet,
    polyglot,
)
from tests.tracker.test_untrusted_links import EMBEDDED_OBJECT, EXTERNAL_TEMPLATE, OPEN_URI
from tracker.workflow import Refused

ACCEPTED = [
    ("notulen rapat.pdf", make_pdf, "application/pdf"),
    ("foto kegiatan.png", make_png, "image/png"),
    ("Foto Sosialisasi.JPG", make_jpg, "image/jpeg"),
    (
        "laporan.docx",
        make_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "data kepatuhan.xlsx",
        make_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "paparan.pptx",
        make_pptx,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
]


def _upload(client, milestone, name, content, **extra):
    return client.post(
        reverse("milestones:upload-evidence", args=[milestone.pk]),
        {"file": SimpleUploadedFile(name, content), "caption": "Dokumentasi kegiatan"},
        **extra,
    )


@pytest.mark.parametrize(("name", "build", "content_type"), ACCEPTED)
def test_participant_uploads_real_file(
    client, world, milestone, settings, name, build, content_type
):
    content = build()
    client.force_login(world.participant)
    response = _upload(client, milestone, name, content)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == name.replace(".JPG", ".jpg")
    assert evidence.content_type == content_type
    assert evidence.uploaded_by == world.participant
    stored = media_files(settings)
    assert stored == [evidence.file.name]
    # The stored name is random, inside the project's evidence folder, never the person's name.
    assert stored[0].startswith(f"evidence/{milestone.project_id}/")
    assert name.rsplit(".", 1)[0] not in stored[0]
    kept = (settings.MEDIA_ROOT / stored[0]).read_bytes()
    # Size and hash describe the stored file; documents are stored as they came, images
    # re-encoded (the same picture, without its metadata).
    assert evidence.size == len(kept)
    assert evidence.sha256 == hashlib.sha256(kept).hexdigest()
    if content_type.startswith("image/"):
        assert _pixels(kept) == pytest.approx(_pixels(content), abs=3)
    else:
        assert kept == content


def _pixels(content: bytes) -> tuple:
    with Image.open(io.BytesIO(content)) as image:
        return (*image.size, *image.convert("RGB").getpixel((5, 5)))


BIG_PDF = make_pdf() + b"\n%" + b"0" * 4096 + b"\n"
# A ZIP that is not an Office document, and a macro-enabled Word file dressed as .docx.
PLAIN_ZIP = io.BytesIO()
with zipfile.ZipFile(PLAIN_ZIP, "w") as _archive:
    _archive.writestr("word/document.xml", "<w/>")
MACRO_DOCX = make_docm()

REFUSED = [
    ("over the size limit", "besar.pdf", BIG_PDF, "batas ukuran bukti adalah 2,0"),
    ("zero bytes", "kosong.pdf", b"", "Berkas ini kosong"),
    ("wrong extension", "catatan.txt", b"Catatan rapat", "Jenis berkas ini tidak diterima"),
    ("html renamed to pdf", "laporan.pdf", HTML_PAGE, "kode halaman web (HTML)"),
    ("executable renamed to pdf", "laporan.pdf", WINDOWS_EXE, "Isi berkas tidak sesuai"),
    ("svg", "logo.svg", SVG_IMAGE, "Jenis berkas ini tidak diterima"),
    ("svg renamed to png", "logo.png", SVG_IMAGE, "kode halaman web (HTML)"),
    ("png renamed to jpg", "foto.jpg", make_png(), "Isi berkas tidak sesuai"),
    ("workbook renamed to docx", "laporan.docx", make_xlsx(), "Isi berkas tidak sesuai"),
    ("zip without office parts", "laporan.docx", PLAIN_ZIP.getvalue(), "Isi berkas tidak sesuai"),
    ("macro-enabled word document", "laporan.docx", MACRO_DOCX, "memuat makro"),
    ("external template", "laporan.docx", EXTERNAL_TEMPLATE, "mengambil atau menjalankan"),
    ("embedded object", "laporan.docx", EMBEDDED_OBJECT, "objek atau tautan sisipan"),
    ("pdf opening an address", "laporan.pdf", OPEN_URI, "PDF ini memuat isi aktif (URI)"),
    ("path traversal", "..%2F..%2Fetc%2Fbukti.pdf", make_pdf(), "tidak boleh memuat folder"),
    ("name without a name", ".pdf", make_pdf(), "Jenis berkas ini tidak diterima"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_refused_upload_leaves_database_and_media_unchanged(
    client, world, milestone, settings, case, name, content, message
):
    settings.EVIDENCE_MAX_BYTES = 2048
    client.force_login(world.participant)
    before = media_files(settings)
    response = _upload(client, milestone, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert media_files(settings) == before


def test_same_file_twice_to_one_milestone_is_refused(client, world, milestone, settings):
    content = make_pdf("Notulen")
    client.force_login(world.participant)
    assert _upload(client, milestone, "notulen.pdf", content).status_code == 302
    stored = media_files(settings)
    response = _upload(client, milestone, "notulen-salinan.pdf", content)
    assert response.status_code == 400
    assert "Berkas yang sama sudah diunggah untuk tonggak ini (“notulen.pdf”)" in (
        response.content.decode()
    )
    assert Evidence.objects.count() == 1
    assert media_files(settings) == stored


def test_same_file_may_support_another_milestone(client, world, milestone):
    other = MilestoneFactory(project=milestone.project)
    content = make_png()
    client.force_login(world.participant)
    assert _upload(client, milestone, "foto.png", content).status_code == 302
    assert _upload(client, other, "foto.png", content).status_code == 302
    assert Evidence.objects.count() == 2


def test_service_refuses_a_name_that_still_carries_a_path(world, milestone, settings):
    upload = SimpleUploadedFile("..\\..\\windows\\bukti.pdf", make_pdf())
    with pytest.raises(Refused) as refused:
        services.evidence_upload(
            milestone=milestone, by=world.participant, upload=upload, caption="Bukti"
        )
    assert "tidak boleh memuat folder" in str(refused.value.message)
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_a_row_that_cannot_be_written_leaves_no_file(world, milestone, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence, "save", fail)
    with pytest.raises(RuntimeError):
        services.evidence_upload(
            milestone=milestone,
            by=world.participant,
            upload=SimpleUploadedFile("notulen.pdf", make_pdf()),
            caption="Notulen",
        )
    assert media_files(settings) == []


def test_display_name_is_sanitised(client, world, milestone):
    assert display_name("Laporan <akhir>: “final”?.PDF") == "Laporan _akhir__ _final__.pdf"
    client.force_login(world.participant)
    _upload(client, milestone, "<img src=x onerror=alert(1)>.pdf", make_pdf())
    evidence = Evidence.objects.get()
    assert evidence.original_name == "_img src_x onerror_alert(1)_.pdf"
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "<img src=x" not in page


def test_size_limit_defaults_to_ten_mebibytes(settings):
    from tracker import settings as project_settings

    assert project_settings.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024


def test_htmx_upload_answers_with_the_fragment(client, world, milestone):
    client.force_login(world.participant)
    response = _upload(client, milestone, "foto.png", make_png(), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Bukti “foto.png” diunggah." in page
    assert reverse("milestones:download-evidence", args=[Evidence.objects.get().pk]) in page


def test_htmx_refused_upload_shows_the_message_in_place(client, world, milestone):
    client.force_login(world.participant)
    response = _upload(client, milestone, "logo.svg", SVG_IMAGE, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "Jenis berkas ini tidak diterima" in response.content.decode()


def test_upload_form_has_progress_bar_and_works_without_javascript(client, world, milestone):
    client.force_login(world.participant)
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'action="{reverse("milestones:upload-evidence", args=[milestone.pk])}"' in page
    assert "data-upload-progress" in page
    assert "<progress" in page
    assert "js/evidence-upload.js" in page


def test_evidence_is_frozen_once_submitted(client, world, milestone, settings):
    with_state(milestone, Milestone.State.SUBMITTED)
    client.force_login(world.participant)
    response = _upload(client, milestone, "foto.png", make_png())
    assert response.status_code == 400
    assert "tidak dapat diubah" in response.content.decode()
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_only_the_participant_uploads(client, world, milestone, settings):
    client.force_login(world.mentor)
    assert _upload(client, milestone, "foto.png", make_png()).status_code == 403
    client.force_login(world.other_participant)
    assert _upload(client, milestone, "foto.png", make_png()).status_code == 404
    assert media_files(settings) == []


def test_participant_adds_a_link(client, world, milestone):
    client.force_login(world.participant)
    url = reverse("milestones:add-link", args=[milestone.pk])
    response = client.post(url, {"url": "javascript:alert(1)", "caption": "x"})
    assert response.status_code == 400
    assert not Evidence.objects.exists()
    response = client.post(
        url, {"url": "https://dinkes.example.go.id/berita/1", "caption": "Berita kegiatan"}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.url) == ("link", "https://dinkes.example.go.id/berita/1")
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert 'rel="noopener noreferrer nofollow"' in page


def test_participant_removes_evidence_and_its_file(
    client, world, milestone, settings, django_capture_on_commit_callbacks
):
    client.force_login(world.participant)
    _upload(client, milestone, "notulen.pdf", make_pdf())
    evidence = Evidence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("milestones:delete-evidence", args=[evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


# --- hostile files: polyglots, active PDFs, bombs, macros --------------------------------------

HOSTILE = [
    ("pdf with html", "laporan.pdf", lambda: polyglot(make_pdf(), b"<html><body>x"), "HTML"),
    ("pdf with script", "a.pdf", lambda: polyglot(make_pdf(), b"<SCRIPT>alert(1)"), "HTML"),
    ("pdf with svg", "a.pdf", lambda: polyglot(make_pdf(), b"<Svg onload=alert(1)>"), "HTML"),
    ("pdf with doctype", "a.pdf", lambda: polyglot(make_pdf(), b"<!DocType html>"), "HTML"),
    ("jpeg with html", "foto.jpg", lambda: make_photo(comment=b"<html><script>1</script>"), "HTML"),
    ("png with html", "foto.png", lambda: make_png_with_text("<script>alert(1)</script>"), "HTML"),
    ("pdf opening a script", "a.pdf", make_pdf_with_js_open_action, "isi aktif (JavaScript)"),
    ("pdf document script", "a.pdf", make_pdf_with_document_script, "isi aktif (JavaScript)"),
    ("pdf escaped names", "a.pdf", make_pdf_with_escaped_script_names, "isi aktif (JavaScript)"),
    ("pdf object stream", "a.pdf", make_pdf_with_script_in_object_stream, "isi aktif"),
    ("pdf launching a program", "a.pdf", make_pdf_with_launch_action, "isi aktif (Launch)"),
    ("pdf with attachment", "a.pdf", make_pdf_with_attachment, "isi aktif (EmbeddedFile)"),
    ("pdf page action", "a.pdf", make_pdf_with_page_action, "isi aktif (AA)"),
    ("pdf locked", "a.pdf", lambda: make_pdf_locked("rahasia"), "dikunci dengan kata sandi"),
    ("pdf unreadable", "a.pdf", lambda: b"%PDF-1.7\n" + b"\x00rusak" * 40, "PDF ini rusak"),
    ("docx inflating to 1 GiB", "laporan.docx", make_docx_bomb, "dipadatkan secara tidak wajar"),
    (
        "docx lying about its size",
        "laporan.docx",
        lambda: make_docx_bomb(lie=True),
        "mengembang menjadi lebih dari 100,0",
    ),
    ("macro workbook renamed", "data.xlsx", make_xlsm, "memuat makro"),
    ("docx with a vba part", "laporan.docx", make_docx_with_vba_part, "memuat makro"),
    ("excel 4 macro sheet", "data.xlsx", make_xlsx_with_macro_sheet, "memuat makro"),
    ("image bomb", "foto.png", lambda: make_png_claiming(100_000, 100_000), "terlalu besar"),
    ("image over the pixel cap", "foto.png", lambda: make_png_claiming(10_000, 6_000), "terlalu"),
    ("broken image", "foto.png", lambda: PNG_SIGNATURE + b"rusak" * 40, "Gambar ini rusak"),
]


@pytest.mark.parametrize(
    ("case", "name", "build", "message"), HOSTILE, ids=[row[0] for row in HOSTILE]
)
def test_hostile_upload_is_refused_with_a_reason_and_nothing_is_stored(
    client, world, milestone, settings, case, name, build, message
):
    client.force_login(world.participant)
    response = _upload(client, milestone, name, build())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


BENIGN = [
    ("pdf opening at its first page, with a web link", make_pdf_with_page_link_and_open_view),
    ("pdf restricted from editing, no password to open", lambda: make_pdf_locked("")),
]


@pytest.mark.parametrize(("case", "build"), BENIGN, ids=[row[0] for row in BENIGN])
def test_pdfs_without_active_content_are_accepted(client, world, milestone, case, build):
    client.force_login(world.participant)
    assert _upload(client, milestone, "laporan.pdf", build()).status_code == 302
    assert Evidence.objects.count() == 1


def _stored_image(settings, evidence) -> Image.Image:
    image = Image.open(settings.MEDIA_ROOT / evidence.file.name)
    image.load()
    return image


def test_photo_is_stored_without_its_gps_position_and_camera_data(
    client, world, milestone, settings
):
    photo = make_photo(comment=b"catatan pribadi")
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    client.force_login(world.participant)
    assert _upload(client, milestone, "foto.jpg", photo).status_code == 302
    evidence = Evidence.objects.get()
    stored = _stored_image(settings, evidence)
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert dict(stored.getexif()) == {}
    assert "comment" not in stored.info
    kept = (settings.MEDIA_ROOT / evidence.file.name).read_bytes()
    assert b"Exif" not in kept and b"Kamera Dinas" not in kept
    # What an agency head downloads is the cleaned file.
    client.force_login(world.agency_head)
    response = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    assert b"".join(response.streaming_content) == kept


def test_photo_taken_sideways_is_stored_upright(client, world, milestone, settings):
    # Orientation 6: the camera held the phone turned; viewers rotate it 90 degrees clockwise,
    # so the red left half ends up on top.
    client.force_login(world.participant)
    assert _upload(client, milestone, "foto.jpg", make_photo(orientation=6)).status_code == 302
    stored = _stored_image(settings, Evidence.objects.get())
    assert stored.size == (20, 40)
    red, _green, blue = stored.getpixel((10, 5))
    assert red > 150 and blue < 60
    red, _green, blue = stored.getpixel((10, 35))
    assert blue > 150 and red < 60
    assert ExifTags.Base.Orientation not in stored.getexif()


def test_png_text_chunks_are_not_kept(client, world, milestone, settings):
    client.force_login(world.participant)
    png = make_png_with_text("Lokasi rumah: Jl. Merdeka 1")
    assert _upload(client, milestone, "foto.png", png).status_code == 302
    evidence = Evidence.objects.get()
    assert b"Merdeka" not in (settings.MEDIA_ROOT / evidence.file.name).read_bytes()
    assert "Comment" not in _stored_image(settings, evidence).info


def test_same_photo_twice_is_still_recognised_after_re_encoding(client, world, milestone):
    photo = make_photo()
    client.force_login(world.participant)
    assert _upload(client, milestone, "foto.jpg", photo).status_code == 302
    response = _upload(client, milestone, "foto-lagi.jpg", photo)
    assert response.status_code == 400
    assert "Berkas yang sama sudah diunggah untuk tonggak ini (“foto.jpg”)" in (
        response.content.decode()
    )
    assert Evidence.objects.count() == 1
