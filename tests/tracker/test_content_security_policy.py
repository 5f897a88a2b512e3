"""Every page carries the strict Content-Security-Policy; htmx is configured to live with it."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.milestones.factories import MilestoneFactory, file_evidence, put_project_in
from tests.milestones.files import make_pdf
from tracker.models import ChangeProject

STRICT = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'"
)


def test_login_page_sends_the_strict_policy(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT


@pytest.mark.parametrize("persona", ["participant", "coach", "organiser"])
def test_pages_of_signed_in_people_send_the_strict_policy(client, world, persona):
    client.force_login(world.persona(persona))
    for url in (reverse("tracker:home"), world.project.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == STRICT


def test_htmx_fragment_answers_send_the_policy_too(client, world):
    client.force_login(world.coach)
    response = client.post(
        reverse("mentoring:comment-create", args=[world.project.pk]),
        {"body": "Mohon lengkapi data dasar.", "visibility": "everyone"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT


def test_a_view_with_its_own_stricter_policy_keeps_it(client, world):
    project = put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    milestone = MilestoneFactory(project=project)
    evidence = file_evidence(milestone, make_pdf("Notulen"), name="notulen.pdf")
    client.force_login(world.participant)
    response = client.get(reverse("milestones:download-evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_no_policy_is_sent_when_the_setting_is_empty(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = ""
    assert "Content-Security-Policy" not in client.get(reverse("login"))


def test_htmx_is_told_not_to_inject_its_indicator_styles_nor_to_eval(client, db):
    page = client.get(reverse("login")).content.decode()
    configs = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert len(configs) == 1, "one htmx-config meta tag"
    config = json.loads(configs[0])
    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False
    # The refusal handling the fragments rely on is still there.
    assert {"code": "40[09]", "swap": True, "error": False} in config["responseHandling"]


def test_every_page_has_the_htmx_loading_indicator(client, world):
    client.force_login(world.participant)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert 'hx-indicator="#loading"' in page
    assert 'id="loading" class="loading-bar htmx-indicator"' in page
