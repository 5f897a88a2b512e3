"""Evidence files leave only through the download view, to people in the project's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS
from tests.milestones.factories import LinkEvidenceFactory, file_evidence
from tests.milestones.files import make_pdf

GETS_FILE = {"participant", "coach", "mentor", "agency_head", "examiner", "organiser", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_download_per_persona(client, world, milestone, persona):
    content = make_pdf("Notulen rapat koordinasi")
    evidence = file_evidence(milestone, content, name="notulen rapat.pdf")
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    if persona in GETS_FILE:
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="notulen rapat.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == content
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404


def test_link_evidence_has_nothing_to_download(client, world, milestone):
    evidence = LinkEvidenceFactory(milestone=milestone)
    client.force_login(world.participant)
    response = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    assert response.status_code == 404


def test_missing_file_is_404_not_500(client, world, milestone, settings):
    evidence = file_evidence(milestone)
    (settings.MEDIA_ROOT / evidence.file.name).unlink()
    client.force_login(world.participant)
    response = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    assert response.status_code == 404
