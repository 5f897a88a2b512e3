"""The seminar panel on the project page: what each persona sees and may do from there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.services import seminar_grade, seminar_record_proposal_result
from tests.mentoring.conftest import fill_scores, score_proposal_by_every_examiner


def _page(client, user, project) -> str:
    client.force_login(user)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_project_without_seminars_says_so(client, world):
    world.project.seminars.clear()
    assert "Proyek ini belum masuk jadwal seminar." in _page(
        client, world.participant, world.project
    )


def test_page_title_is_only_the_project_title(client, world):
    page = _page(client, world.participant, world.project)
    assert f"<title>{world.project.title} · Jejak</title>" in page


def test_examiner_gets_the_score_link_while_the_proposal_waits(client, world, proposal_seminar):
    url = reverse("mentoring:score-project", args=[proposal_seminar.pk, world.project.pk])
    record = reverse(
        "mentoring:record-proposal-result", args=[proposal_seminar.pk, world.project.pk]
    )
    assert url in _page(client, world.examiner, world.project)
    assert record not in _page(client, world.examiner, world.project)
    assert url not in _page(client, world.organiser, world.project)
    assert url not in _page(client, world.participant, world.project)


def test_examiner_gets_the_record_link_once_every_examiner_scored(client, world, proposal_seminar):
    score_proposal_by_every_examiner(world.project)
    record = reverse(
        "mentoring:record-proposal-result", args=[proposal_seminar.pk, world.project.pk]
    )
    assert record in _page(client, world.examiner, world.project)
    assert record not in _page(client, world.organiser, world.project)


def test_everyone_on_the_project_reads_the_proposal_outcome_and_notes(
    client, world, proposal_seminar
):
    score_proposal_by_every_examiner(world.project, percent=40, decision="rejected")
    seminar_record_proposal_result(
        seminar=proposal_seminar,
        project=world.project,
        by=world.examiner,
        notes="Tambahkan peta pemangku kepentingan.",
    )
    page = _page(client, world.participant, world.project)
    assert "Ditolak, rancangan direvisi" in page
    assert "Tambahkan peta pemangku kepentingan." in page
    assert reverse("mentoring:seminar-detail", args=[proposal_seminar.pk]) not in page
    examiner_page = _page(client, world.examiner, world.project)
    assert reverse("mentoring:seminar-detail", args=[proposal_seminar.pk]) in examiner_page
    record_url = reverse(
        "mentoring:record-proposal-result", args=[proposal_seminar.pk, world.project.pk]
    )
    assert record_url not in examiner_page


@pytest.mark.parametrize("persona", ["coach", "mentor", "organiser", "examiner"])
def test_reviewers_see_every_examiners_scores(
    client, world, results_seminar, second_examiner, persona
):
    fill_scores(results_seminar, world.project, world.examiner, 77)
    page = _page(client, world.persona(persona), world.project)
    assert "Dewi Penguji Kedua" in page
    assert "77,00" in page
    assert "1 dari 2 penguji sudah mengisi semua kriteria." in page
    assert "nilai bawaan, dapat diubah penyelenggara" in page


@pytest.mark.parametrize("persona", ["participant", "agency_head"])
def test_participant_sees_only_the_final_result(
    client, world, results_seminar, second_examiner, persona
):
    fill_scores(results_seminar, world.project, world.examiner, 77)
    page = _page(client, world.persona(persona), world.project)
    assert "77,00" not in page
    assert "Hasil seminar laporan belum ditetapkan." in page

    fill_scores(results_seminar, world.project, second_examiner, 83)
    seminar_grade(
        seminar=results_seminar,
        project=world.project,
        by=world.examiner,
        comment="Perluas ke kabupaten lain.",
    )
    page = _page(client, world.persona(persona), world.project)
    assert "Total tertimbang" not in page
    assert "77,00" not in page
    assert "80,00" in page
    assert "Memuaskan" in page
    assert "Perluas ke kabupaten lain." in page
    assert "nilai bawaan, dapat diubah penyelenggara" in page


def test_examiner_gets_score_then_grade_links(client, world, results_seminar, second_examiner):
    score_url = reverse("mentoring:score-project", args=[results_seminar.pk, world.project.pk])
    grade_url = reverse("mentoring:grade-project", args=[results_seminar.pk, world.project.pk])
    page = _page(client, world.examiner, world.project)
    assert score_url in page
    assert grade_url not in page
    fill_scores(results_seminar, world.project, world.examiner, 90)
    fill_scores(results_seminar, world.project, second_examiner, 90)
    page = _page(client, world.examiner, world.project)
    assert grade_url in page
    coach_page = _page(client, world.coach, world.project)
    assert score_url not in coach_page
    assert grade_url not in coach_page


def test_deferred_project_shows_its_resubmission_deadline(
    client, world, results_seminar, second_examiner
):
    fill_scores(results_seminar, world.project, world.examiner, 62)
    fill_scores(results_seminar, world.project, second_examiner, 62)
    seminar_grade(seminar=results_seminar, project=world.project, by=world.examiner)
    world.project.refresh_from_db()
    page = _page(client, world.participant, world.project)
    assert "Ditunda" in page
    assert "Batas pengajuan ulang" in page
    assert "Kurang Memuaskan" in page
