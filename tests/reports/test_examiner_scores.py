"""One rule for each examiner's scores: the project page, the minutes and their CSV agree."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mentoring.selectors import sees_examiner_scores
from reports.documents.seminar_minutes import seminar_minutes_data
from reports.models import GeneratedDocument
from reports.services import issue_seminar_minutes
from tests.reports.conftest import record_proposal_seminar
from tracker.models import Seminar

# Who sees each examiner's scores on the project page today: everyone reviewing the project.
SEES_SCORES = {"coach", "mentor", "examiner", "organiser", "admin"}
MINUTES_TAKERS = ["participant", *sorted(SEES_SCORES)]


def _results_seminar(project) -> Seminar:
    return Seminar.objects.get(projects=project, kind=Seminar.Kind.RESULTS)


def _read(document: GeneratedDocument) -> tuple[str, list[list[str]]]:
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    (content,) = reader.attachments["berita-acara-seminar.csv"]
    return text, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _items(rows: list[list[str]]) -> set[str]:
    return {row[2] for row in rows[1:]}


@pytest.mark.parametrize(
    "persona", ["participant", *sorted(SEES_SCORES), "agency_head", "other_participant"]
)
def test_who_sees_each_examiners_scores(world, persona):
    assert sees_examiner_scores(world.project, world.persona(persona)) is (persona in SEES_SCORES)


def test_participants_minutes_give_the_grade_without_each_examiners_scores(passed_project, world):
    seminar = _results_seminar(passed_project)

    document = issue_seminar_minutes(seminar=seminar, project=passed_project, by=world.participant)

    text, rows = _read(document)
    assert "Memuaskan" in text and "85,00" in text  # the final score and the predikat
    assert "Salinan ini tidak memuat nilai tiap penguji" in text
    assert "Total tertimbang" not in text
    assert "KRITERIA PENILAIAN" in text and "NILAI PER KRITERIA" not in text
    items = _items(rows)
    assert {"nilai_akhir", "predikat", "kriteria", "bobot"} <= items
    assert not {item for item in items if item.startswith(("nilai_penguji", "total_penguji"))}
    assert ["kesimpulan", "", "nilai_akhir", "85.00"] in rows


def test_reviewers_minutes_keep_each_examiners_scores(passed_project, world):
    seminar = _results_seminar(passed_project)

    document = issue_seminar_minutes(seminar=seminar, project=passed_project, by=world.coach)

    text, rows = _read(document)
    assert "Total tertimbang Penguji I" in text
    assert "Salinan ini tidak memuat" not in text
    assert {"nilai_penguji_1", "total_penguji_1"} <= _items(rows)


def test_one_audience_is_never_served_the_others_stored_minutes(passed_project, world):
    seminar = _results_seminar(passed_project)

    def issue(user):
        return issue_seminar_minutes(seminar=seminar, project=passed_project, by=user)

    full = issue(world.organiser)
    for_participant = issue(world.participant)

    assert for_participant.pk != full.pk
    assert for_participant.data_sha256 != full.data_sha256
    assert issue(world.coach).pk == full.pk  # the same data for the same audience: stored
    assert issue(world.participant).pk == for_participant.pk
    assert issue(world.examiner).pk == full.pk
    assert GeneratedDocument.objects.count() == 2


@pytest.mark.parametrize("persona", MINUTES_TAKERS)
def test_page_and_minutes_download_agree_on_who_sees_the_scores(
    client, passed_project, world, persona
):
    seminar = _results_seminar(passed_project)
    client.force_login(world.persona(persona))

    page = client.get(passed_project.get_absolute_url()).content.decode()
    response = client.get(reverse("reports:seminar-minutes", args=[passed_project.pk, seminar.pk]))

    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    (content,) = pdf.attachments["berita-acara-seminar.csv"]
    attached = _items(list(csv.reader(io.StringIO(content.decode("utf-8-sig")))))
    shown = persona in SEES_SCORES
    assert ("Nilai per penguji" in page) is shown
    assert ("nilai_penguji_1" in attached) is shown
    assert ("total_penguji_1" in attached) is shown


def test_minutes_data_without_examiner_scores_keep_criteria_and_grade(passed_project):
    seminar = _results_seminar(passed_project)

    minutes = seminar_minutes_data(seminar, passed_project, examiner_scores=False)

    assert [column.key for column in minutes.results.columns] == ["kriteria", "bobot"]
    assert minutes.results.rows[0][0] == "Capaian terhadap rencana"
    assert len(minutes.results.rows) == 6
    assert [item.key for item in minutes.outcome.fields][:2] == ["nilai_akhir", "predikat"]
    assert minutes.scores_withheld
    assert [s.person.name for s in minutes.signatures] == ["Bambang Penguji"]  # still signed


def test_proposal_minutes_withhold_each_examiners_scores_from_the_participant_too(world):
    seminar = record_proposal_seminar(world)

    first = issue_seminar_minutes(seminar=seminar, project=world.project, by=world.participant)
    again = issue_seminar_minutes(seminar=seminar, project=world.project, by=world.examiner)

    assert again.pk != first.pk
    withheld = seminar_minutes_data(seminar, world.project, examiner_scores=False)
    assert withheld.scores_withheld
    assert all(len(row) == 2 for row in withheld.scores.rows)  # criterion and weight only
    full = seminar_minutes_data(seminar, world.project)
    assert full.scores.rows[0][2] == 85
