"""The demo walk of the reports issue: each role downloads its document and the public page
confirms it. Also renders the demo documents for a look (REPORTS_DEMO_DIR=/some/folder)."""

from __future__ import annotations

import io
import os
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from mentoring.models import ProposalSeminarResult, SeminarGrade
from reports.models import GeneratedDocument
from tracker.models import Agency, ChangeProject, Cohort, Seminar, User


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def test_demo_seminar_records_are_seeded_once(demo):
    counts = (ProposalSeminarResult.objects.count(), SeminarGrade.objects.count())
    call_command("seed_demo", stdout=StringIO())

    assert (ProposalSeminarResult.objects.count(), SeminarGrade.objects.count()) == counts
    # With last year's cohort, whose alumni are past training, and the Latsar aktualisasi.
    assert counts == (15, 8)
    grades = dict(SeminarGrade.objects.values_list("project__participant__username", "predikat"))
    assert grades["peserta10"] == "Sangat Memuaskan"
    assert grades["peserta9"] == "Kurang Memuaskan"
    assert SeminarGrade.objects.get(project__participant__username="peserta11").outcome == "failed"


def _download(client, username: str, method: str, url: str, data=None) -> bytes:
    client.force_login(User.objects.get(username=username))
    response = getattr(client, method)(url, data or {}, follow=True)
    assert response.status_code == 200, (username, url)
    assert response["Content-Type"] == "application/pdf", (username, url)
    return b"".join(response.streaming_content)


def test_demo_roles_download_their_documents_and_the_public_page_confirms_them(demo, client):
    dinkes = Agency.objects.get(code="DINKES-JABAR")
    pka = Cohort.objects.get(programme="pka", year=2026)
    peserta = ChangeProject.objects.get(participant__username="peserta")
    results = Seminar.objects.get(cohort=pka, kind=Seminar.Kind.RESULTS)
    graded = results.projects.get(participant__username="peserta3")
    downloads = {
        "agency": _download(
            client, "kepala", "post", reverse("reports:agency-report", args=[dinkes.pk])
        ),
        "project": _download(
            client, "kepala", "get", reverse("reports:project-report", args=[peserta.pk])
        ),
        "recap": _download(
            client, "penyelenggara", "post", reverse("reports:cohort-recap", args=[pka.pk])
        ),
        "minutes": _download(
            client,
            "penyelenggara",
            "get",
            reverse("reports:seminar-minutes", args=[graded.pk, results.pk]),
        ),
    }
    client.logout()
    folder = os.environ.get("REPORTS_DEMO_DIR")
    for name, pdf in downloads.items():
        reader = PdfReader(io.BytesIO(pdf))
        footer = reader.pages[0].extract_text()
        code = re.search(r"/verifikasi/(\w+)/", footer).group(1)
        page = client.get(reverse("reports:verify", args=[code]))
        assert page.status_code == 200, name
        document = GeneratedDocument.objects.get(code=code)
        assert document.sha256 in page.content.decode()
        if folder:
            Path(folder, f"demo-{name}.pdf").write_bytes(pdf)
    agency_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(downloads["agency"])).pages
    )
    for title in ChangeProject.objects.filter(
        agency__in=[dinkes, *dinkes.children.all()]
    ).values_list("title", flat=True):
        assert " ".join(title.split())[:40] in " ".join(agency_text.split())


def test_demo_has_post_training_figures_for_kepala(demo, client):
    from mentoring.models import ImpactConclusion, SurveyResponse, SurveyRound

    call_command("seed_demo", stdout=StringIO())  # twice: nothing more
    assert SurveyRound.objects.count() == 10
    assert ImpactConclusion.objects.count() == 2
    answered = SurveyResponse.objects.filter(state="submitted", round__number=1)
    assert {"peserta15", "peserta17"} <= set(
        answered.filter(role="mentor").values_list(
            "round__project__participant__username", flat=True
        )
    )
    client.force_login(User.objects.get(username="kepala"))
    html = client.get("/").content.decode()
    assert "Setelah pelatihan" in html
    assert "Keterbatasan anggaran" in html
    assert "proyek tertahan di pemantauan" in html
