"""The CSV/XLSX export of survey answers holds only what the person may read."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.mentoring.impact import answer, in_monitoring

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
IN_ROUND = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)
ALUMNI_TEXT = "Alumni: loket daring dipertahankan."
MENTOR_TEXT = "Mentor: catatan untuk penyelenggara."


@pytest.fixture
def answered(world):
    with time_machine.travel(IN_ROUND, tick=False):
        first, _final = in_monitoring(world.project)
        answer(first, world.participant, carry_on=ALUMNI_TEXT, progress=5)
        answer(first, world.mentor, **{"": MENTOR_TEXT, "progress": 2})
    return first


def _csv(client, user) -> list[list[str]]:
    client.force_login(user)
    response = client.get(reverse("reports:survey-export-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _answers(rows) -> list[str]:
    return [row[11] for row in rows[1:]]


def test_organiser_exports_every_answer_with_free_text(client, world, answered):
    rows = _csv(client, world.organiser)
    assert rows[0][:2] == ["ID proyek", "Judul"]
    answers = _answers(rows)
    assert ALUMNI_TEXT in answers and MENTOR_TEXT in answers
    assert "5 · Sangat Baik" in answers and "2 · Kurang" in answers


def test_participant_exports_their_own_answers_only(client, world, answered):
    answers = _answers(_csv(client, world.participant))
    assert ALUMNI_TEXT in answers and "5 · Sangat Baik" in answers
    assert MENTOR_TEXT not in answers and "2 · Kurang" not in answers


def test_agency_head_exports_scores_without_free_text(client, world, answered):
    answers = _answers(_csv(client, world.agency_head))
    assert "5 · Sangat Baik" in answers and "2 · Kurang" in answers
    assert ALUMNI_TEXT not in answers and MENTOR_TEXT not in answers


@pytest.mark.parametrize("persona", ["examiner", "other_participant", "stranger"])
def test_people_outside_or_without_reading_rights_export_no_answers(
    client, world, answered, persona
):
    assert _csv(client, world.persona(persona))[1:] == []


def test_the_xlsx_holds_the_same_rows(client, world, answered):
    client.force_login(world.agency_head)
    response = client.get(reverse("reports:survey-export-xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[11] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "5 · Sangat Baik" in values
    assert ALUMNI_TEXT not in values
