"""Downloads for the people of a project, links on its page, and the public verification page."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import views
from reports.models import GeneratedDocument
from tests.conftest import PERSONAS

DOWNLOADERS = {"participant", "coach", "mentor", "organiser", "agency_head", "admin"}


def _login(client, world, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    return client


def _pdf(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", PERSONAS)
def test_project_report_download_by_persona(client, approved_project, world, persona):
    response = _login(client, world, persona).get(
        reverse("reports:project-report", args=[approved_project.pk])
    )

    if persona in DOWNLOADERS:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        document = GeneratedDocument.objects.get()
        assert response["Content-Disposition"] == (
            f'attachment; filename="laporan-proyek-{approved_project.pk}-{document.code}.pdf"'
        )
        assert "no-store" in response["Cache-Control"]
        assert document.generated_by == world.persona(persona)
        assert hashlib.sha256(_pdf(response)).hexdigest() == document.sha256
    else:
        expected = {"anonymous": 302, "examiner": 403}.get(persona, 404)
        assert response.status_code == expected
        assert not GeneratedDocument.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_approval_page_download_by_persona(client, approved_project, world, persona):
    response = _login(client, world, persona).get(
        reverse("reports:approval-page", args=[approved_project.pk])
    )

    if persona in DOWNLOADERS | {"examiner"}:
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(_pdf(response)))
        assert "DISETUJUI UNTUK DISEMINARKAN" in reader.pages[0].extract_text()
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not GeneratedDocument.objects.exists()


def test_approval_page_before_approval_sends_back_with_a_message(client, world):
    client.force_login(world.participant)

    response = client.get(reverse("reports:approval-page", args=[world.project.pk]), follow=True)

    assert response.redirect_chain == [(world.project.get_absolute_url(), 302)]
    assert "Lembar persetujuan belum tersedia" in response.content.decode()
    assert not GeneratedDocument.objects.exists()


def test_agency_head_cannot_download_another_agencys_report(client, world):
    client.force_login(world.agency_head)

    response = client.get(reverse("reports:project-report", args=[world.other_project.pk]))

    assert response.status_code == 404


def test_download_refuses_post(client, approved_project, world):
    client.force_login(world.participant)

    response = client.post(reverse("reports:project-report", args=[approved_project.pk]))

    assert response.status_code == 405


@pytest.mark.parametrize(
    ("persona", "report_link", "approval_link"),
    [
        ("participant", True, True),
        ("mentor", True, True),
        ("examiner", False, True),
        ("agency_head", True, True),
        ("organiser", True, True),
    ],
)
def test_project_page_links_the_documents_the_viewer_may_download(
    client, approved_project, world, persona, report_link, approval_link
):
    client.force_login(world.persona(persona))

    page = client.get(approved_project.get_absolute_url()).content.decode()

    report_url = reverse("reports:project-report", args=[approved_project.pk])
    approval_url = reverse("reports:approval-page", args=[approved_project.pk])
    assert (f'href="{report_url}"' in page) is report_link
    assert (f'href="{approval_url}"' in page) is approval_link


def test_project_page_offers_no_approval_page_before_approval(client, world):
    client.force_login(world.participant)

    page = client.get(world.project.get_absolute_url()).content.decode()

    assert reverse("reports:project-report", args=[world.project.pk]) in page
    assert reverse("reports:approval-page", args=[world.project.pk]) not in page


def test_verification_round_trip_from_the_printed_footer(client, approved_project, world):
    client.force_login(world.participant)
    pdf = _pdf(client.get(reverse("reports:project-report", args=[approved_project.pk])))
    client.logout()
    footer = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    printed_url = re.search(r"https?://\S+/verifikasi/\w+/", footer).group(0)

    response = client.get(printed_url.removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 200
    page = response.content.decode()
    assert hashlib.sha256(pdf).hexdigest() in page
    assert "Laporan Aksi Perubahan Kinerja Organisasi" in page
    assert f"“{approved_project.title}” oleh Budi Peserta" in page
    assert response["X-Robots-Tag"] == "noindex"


def test_verification_page_shows_nothing_more_of_the_project(client, approved_project, world):
    client.force_login(world.participant)
    client.get(reverse("reports:project-report", args=[approved_project.pk]))
    client.logout()
    document = GeneratedDocument.objects.get()

    page = client.get(document.get_absolute_url()).content.decode()

    assert document.display_code in page
    for private in (
        "Rujukan pasien antarfasilitas",  # problem statement
        "Waktu tunggu konfirmasi rujukan",  # indicators
        world.participant.nip,
        world.coach.full_name,
        approved_project.get_absolute_url(),
    ):
        assert private not in page


def test_verification_reads_a_code_typed_in_lower_case_with_dashes(client, approved_project, world):
    client.force_login(world.participant)
    client.get(reverse("reports:project-report", args=[approved_project.pk]))
    document = GeneratedDocument.objects.get()

    response = client.get(reverse("reports:verify", args=[document.display_code.lower()]))

    assert response.status_code == 200


def test_unknown_or_tampered_code_is_404(client, approved_project, world):
    client.force_login(world.participant)
    client.get(reverse("reports:project-report", args=[approved_project.pk]))
    code = GeneratedDocument.objects.get().code
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")

    assert client.get(reverse("reports:verify", args=[tampered])).status_code == 404
    assert client.get(reverse("reports:verify", args=["ZZZZZZZZZZZZ"])).status_code == 404
    assert client.get(reverse("reports:verify", args=[code + "0"])).status_code == 404


def test_verification_is_rate_limited_per_address(client, world, monkeypatch):
    monkeypatch.setattr(views, "VERIFY_LIMIT", 3)
    url = reverse("reports:verify", args=["ZZZZZZZZZZZZ"])

    statuses = [client.get(url, REMOTE_ADDR="203.0.113.5").status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]
    limited = client.get(url, REMOTE_ADDR="203.0.113.5")
    assert limited.status_code == 429
    assert "Terlalu banyak permintaan" in limited.content.decode()
    assert limited["Retry-After"] == str(views.VERIFY_WINDOW_SECONDS)
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 404
