"""Evidence from a phone: the camera hint, several files in one upload, photos scaled down."""

from __future__ import annotations

import io
import uuid
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from milestones.forms import EVIDENCE_MAX_FILES
from milestones.models import Evidence
from tests.milestones.conftest import media_files
from tests.milestones.files import make_pdf, make_photo, make_png, make_xlsx

pytestmark = pytest.mark.django_db


def _post(client, milestone, files, *, token=None, photo=None, **extra):
    data = {"file": files, "caption": "Dokumentasi uji coba", "form_token": token or uuid.uuid4()}
    if photo is not None:
        data["photo"] = photo
    return client.post(reverse("milestones:upload-evidence", args=[milestone.pk]), data, **extra)


def _big_photo(width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel camera JPEG with the camera's make and a GPS position in its EXIF."""
    image = Image.new("RGB", (width, height), (200, 0, 0))
    image.paste((0, 0, 200), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamera Dinas"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (6.0, 54.0, 55.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=90)
    return buffer.getvalue()


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def _tags(html: str, tag: str, **wanted: str) -> list[dict]:
    reader = _Tags()
    reader.feed(html)
    return [
        attrs
        for name, attrs in reader.found
        if name == tag and all(attrs.get(key) == value for key, value in wanted.items())
    ]


def test_evidence_inputs_hint_the_camera_and_take_several_files(client, world, milestone):
    client.force_login(world.participant)
    page = client.get(milestone.get_absolute_url()).content.decode()
    [picker] = _tags(page, "input", type="file", name="file")
    assert "multiple" in picker
    assert ".pdf" in picker["accept"] and "image/jpeg" in picker["accept"]
    [camera] = _tags(page, "input", type="file", name="photo")
    assert camera["capture"] == "environment"
    assert camera["accept"] == "image/jpeg,image/png"
    # The page keeps its progress bar and offers a retry the script shows after a dropped line.
    assert _tags(page, "progress")
    [retry] = _tags(page, "button", **{"data-upload-retry": ""})
    assert "hidden" in retry
    [status] = [attrs for attrs in _tags(page, "p") if "data-upload-status" in attrs]
    assert "Koneksi terputus" in status["data-offline"]


def test_participant_uploads_several_files_at_once(client, world, milestone, settings):
    client.force_login(world.participant)
    files = [
        SimpleUploadedFile("notulen.pdf", make_pdf()),
        SimpleUploadedFile("foto.png", make_png()),
        SimpleUploadedFile("data.xlsx", make_xlsx()),
    ]
    response = _post(client, milestone, files, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "3 berkas bukti diunggah: notulen.pdf, foto.png, data.xlsx." in response.content.decode()
    names = set(Evidence.objects.values_list("original_name", flat=True))
    assert names == {"notulen.pdf", "foto.png", "data.xlsx"}
    assert len(media_files(settings)) == 3


def test_a_photo_from_the_camera_comes_with_the_files(client, world, milestone):
    client.force_login(world.participant)
    photo = SimpleUploadedFile("image.jpg", make_photo())
    response = _post(
        client, milestone, [SimpleUploadedFile("notulen.pdf", make_pdf())], photo=photo
    )
    assert response.status_code == 302
    assert Evidence.objects.count() == 2


def test_retried_upload_stores_each_file_once(client, world, milestone, settings):
    # The connection dropped after the server stored the files; the phone sends the form again.
    client.force_login(world.participant)
    token = uuid.uuid4()
    for _attempt in range(2):
        files = [
            SimpleUploadedFile("notulen.pdf", make_pdf()),
            SimpleUploadedFile("foto.png", make_png()),
        ]
        assert _post(client, milestone, files, token=token).status_code == 302
    assert Evidence.objects.count() == 2
    assert len(media_files(settings)) == 2


def test_one_refused_file_spares_the_others_and_says_which(client, world, milestone, settings):
    client.force_login(world.participant)
    files = [
        SimpleUploadedFile("notulen.pdf", make_pdf()),
        SimpleUploadedFile("gambar.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
    ]
    response = _post(client, milestone, files, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bukti “notulen.pdf” diunggah." in page
    assert "gambar.svg: Jenis berkas ini tidak diterima" in page
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["notulen.pdf"]
    assert len(media_files(settings)) == 1


def test_every_file_refused_is_a_refusal_naming_each(client, world, milestone, settings):
    client.force_login(world.participant)
    files = [SimpleUploadedFile("a.svg", b"<svg/>"), SimpleUploadedFile("b.exe", b"MZ\x90\x00")]
    response = _post(client, milestone, files, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "a.svg: Jenis berkas ini tidak diterima" in page
    assert "b.exe: Jenis berkas ini tidak diterima" in page
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_an_upload_without_any_file_asks_for_one(client, world, milestone):
    client.force_login(world.participant)
    response = _post(client, milestone, [])
    assert response.status_code == 400
    assert "Pilih berkas yang akan diunggah." in response.content.decode()
    assert not Evidence.objects.exists()


def test_too_many_files_at_once_are_refused(client, world, milestone, settings):
    client.force_login(world.participant)
    files = [
        SimpleUploadedFile(f"foto-{number}.png", make_png())
        for number in range(EVIDENCE_MAX_FILES + 1)
    ]
    response = _post(client, milestone, files)
    assert response.status_code == 400
    assert f"Paling banyak {EVIDENCE_MAX_FILES} berkas sekali unggah." in response.content.decode()
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_only_the_participant_uploads_several_files(client, world, milestone, settings):
    files = [SimpleUploadedFile("notulen.pdf", make_pdf())]
    client.force_login(world.mentor)
    assert _post(client, milestone, files).status_code == 403
    client.force_login(world.other_participant)
    assert _post(client, milestone, files).status_code == 404
    assert media_files(settings) == []


def test_a_12_megapixel_photo_is_stored_at_2048_px_without_metadata(
    client, world, milestone, settings
):
    photo = _big_photo()
    client.force_login(world.participant)
    assert (
        _post(client, milestone, [SimpleUploadedFile("sosialisasi.jpg", photo)]).status_code == 302
    )
    evidence = Evidence.objects.get()
    kept = (settings.MEDIA_ROOT / evidence.file.name).read_bytes()
    with Image.open(io.BytesIO(kept)) as stored:
        assert stored.size == (2048, 1536)
        assert dict(stored.getexif()) == {}
        red, _green, blue = stored.convert("RGB").getpixel((100, 700))
        assert red > 150 and blue < 60
    assert b"Kamera Dinas" not in kept and b"Exif" not in kept
    assert evidence.size == len(kept) < len(photo)


def test_a_tall_png_is_scaled_on_its_long_side(client, world, milestone, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 3000), (11, 90, 122)).save(buffer, format="PNG")
    client.force_login(world.participant)
    response = _post(client, milestone, [SimpleUploadedFile("poster.png", buffer.getvalue())])
    assert response.status_code == 302
    with Image.open(settings.MEDIA_ROOT / Evidence.objects.get().file.name) as stored:
        assert stored.size == (819, 2048)


def test_a_small_photo_keeps_its_size(client, world, milestone, settings):
    client.force_login(world.participant)
    assert (
        _post(client, milestone, [SimpleUploadedFile("foto.jpg", make_photo())]).status_code == 302
    )
    with Image.open(settings.MEDIA_ROOT / Evidence.objects.get().file.name) as stored:
        assert stored.size == (40, 20)
