"""Media on S3-compatible object storage: uploads, downloads, documents and health go through
the storage API, against a real S3 protocol server (moto's server mode) on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from milestones.models import Evidence
from reports.models import GeneratedDocument
from reports.pdf import JejakURLFetcher, URLRefused, html_to_pdf
from tests.milestones.files import make_pdf
from tests.s3 import object_names
from tracker.models import WorkerHeartbeat


@pytest.fixture
def milestone(world):
    from tests.milestones.factories import MilestoneFactory, put_project_in
    from tracker.models import ChangeProject

    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    return MilestoneFactory(project=world.project)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "darkgreen").save(out, "PNG")
    return out.getvalue()


def test_evidence_is_uploaded_to_the_bucket_and_downloaded_from_it(
    client, world, milestone, s3_media
):
    content = make_pdf("Notulen rapat koordinasi")
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:upload-evidence", args=[milestone.pk]),
        {"file": SimpleUploadedFile("notulen.pdf", content), "caption": "Notulen"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert object_names(s3_media) == [evidence.file.name]

    client.force_login(world.mentor)
    download = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == 'attachment; filename="notulen.pdf"'


def test_evidence_missing_from_the_bucket_is_404(client, world, milestone, s3_media):
    from tests.milestones.factories import file_evidence

    evidence = file_evidence(milestone)
    client_s3, bucket = s3_media
    client_s3.delete_object(Bucket=bucket, Key=evidence.file.name)
    client.force_login(world.participant)
    response = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    assert response.status_code == 404


def test_the_pdf_fetcher_reads_media_from_the_bucket(s3_media):
    default_storage.save("evidence/7/foto.png", ContentFile(_png()))

    response = JejakURLFetcher().fetch("http://127.0.0.1:8000/media/evidence/7/foto.png")

    assert response.read() == _png()
    assert response.content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/media/evidence/7/missing.png",
        "http://127.0.0.1:8000/media/../evidence/7/foto.png",
        "http://127.0.0.1:8000/media/%2e%2e/secret.txt",
        "http://127.0.0.1:8000/media/",
        "file:///nonexistent/jejak-media/evidence/7/foto.png",
    ],
)
def test_the_pdf_fetcher_refuses_anything_else_on_object_storage(s3_media, url):
    default_storage.save("evidence/7/foto.png", ContentFile(_png()))
    with pytest.raises(URLRefused):
        JejakURLFetcher().fetch(url)


def test_a_document_image_from_the_bucket_is_drawn(s3_media):
    default_storage.save("evidence/7/foto.png", ContentFile(_png()))
    html = '<html lang="id"><body><img src="/media/evidence/7/foto.png"><p>Isi</p></body></html>'
    pdf = html_to_pdf(html, csv_name="data.csv", csv_text="a\r\n1\r\n")
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


def test_an_issued_document_is_stored_in_the_bucket_and_served_again_unchanged(
    client, world, s3_media
):
    client.force_login(world.participant)
    url = reverse("reports:project-report", args=[world.project.pk])
    first = client.get(url)
    assert first.status_code == 200
    document = GeneratedDocument.objects.get()
    assert object_names(s3_media) == [document.file.name]
    body = b"".join(first.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document.sha256

    again = client.get(url)
    assert b"".join(again.streaming_content) == body
    assert GeneratedDocument.objects.count() == 1


def test_health_probes_the_bucket(client, db, s3_media):
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1)
    assert client.get(reverse("healthz")).json()["storage"] == "ok"
    assert object_names(s3_media) == []  # the probe cleans up after itself

    client_s3, bucket = s3_media
    client_s3.delete_bucket(Bucket=bucket)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]
