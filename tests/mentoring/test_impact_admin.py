"""Questionnaires, survey rounds and answers in the admin: read, never written there; an
organiser reads the shared defaults and their own institutions' and cohorts' rows only."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from mentoring.models import Questionnaire, SurveyResponse
from tests.authz import with_organiser_permissions
from tests.mentoring.impact import answer, in_monitoring

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
FIRST_OPEN = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)


@pytest.fixture
def organiser(client, world):
    with_organiser_permissions(world)
    client.force_login(world.organiser)
    return world.organiser


@pytest.fixture
def answered(world):
    with time_machine.travel(FIRST_OPEN, tick=False):
        first, _final = in_monitoring(world.project)
        return answer(first, world.participant)


def test_the_organiser_reads_the_defaults_and_their_institutions_questionnaires(
    client, world, elsewhere, here, organiser
):
    page = client.get(reverse("admin:mentoring_questionnaire_changelist")).content.decode()
    assert f"Kuesioner alumni {world.cohort.institution}" in page
    assert "Kuesioner alumni Pusdiklat Lain" not in page
    default = Questionnaire.objects.filter(institution="").first()
    assert default is not None
    assert default.name in page
    theirs = Questionnaire.objects.get(institution="Pusdiklat Lain")
    change = reverse("admin:mentoring_questionnaire_change", args=[theirs.pk])
    assert client.get(change).status_code == 302  # outside their queryset: back to the index


def test_a_questionnaire_shows_its_questions_and_takes_no_edit(client, organiser):
    questionnaire = Questionnaire.objects.filter(institution="").first()
    url = reverse("admin:mentoring_questionnaire_change", args=[questionnaire.pk])
    page = client.get(url)
    assert page.status_code == 200
    first = questionnaire.questions.order_by("order", "pk").first()
    assert first.text in page.content.decode()
    client.post(url, {"name": "Diubah di admin"})
    questionnaire.refresh_from_db()
    assert questionnaire.name != "Diubah di admin"
    assert client.get(reverse("admin:mentoring_questionnaire_add")).status_code == 403


def test_the_organiser_reads_a_round_and_its_answers(client, world, organiser, answered):
    survey_round = answered.round
    page = client.get(reverse("admin:mentoring_surveyround_change", args=[survey_round.pk]))
    assert page.status_code == 200
    assert "Budi Peserta" in page.content.decode()
    response_page = client.get(
        reverse("admin:mentoring_surveyresponse_change", args=[answered.pk])
    ).content.decode()
    assert "Layanan daring dipertahankan." in response_page  # a text answer, shown as text
    assert 'name="answers-0-value"' not in response_page
    delete = reverse("admin:mentoring_surveyresponse_delete", args=[answered.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SurveyResponse.objects.filter(pk=answered.pk).exists()


def test_another_institutions_rounds_and_answers_stay_hidden(client, world, elsewhere, organiser):
    theirs = elsewhere.records["mentoring.surveyresponse"]
    listed = client.get(reverse("admin:mentoring_surveyresponse_changelist")).content.decode()
    assert reverse("admin:mentoring_surveyresponse_change", args=[theirs.pk]) not in listed
    assert (
        client.get(
            reverse("admin:mentoring_surveyround_change", args=[theirs.round_id])
        ).status_code
        == 302
    )
