from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ChangeProjectFactory
from tests.mentoring.conftest import fill_scores, score_proposal
from tracker.models import ChangeProject

S = ChangeProject.State


def _url(seminar) -> str:
    return reverse("mentoring:seminar-detail", args=[seminar.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("examiner", 200),
        ("organiser", 200),
        ("admin", 200),
        ("participant", 404),
        ("other_participant", 404),
        ("coach", 404),
        ("mentor", 404),
        ("agency_head", 404),
        ("stranger", 404),
    ],
)
def test_seminar_is_seen_by_its_examiners_and_organisers_only(
    client, world, proposal_seminar, persona, status
):
    client.force_login(world.persona(persona))
    response = client.get(_url(proposal_seminar))
    assert response.status_code == status
    if status == 200:
        assert world.project.title in response.content.decode()


def test_examiner_sees_what_waits_for_them(client, world, proposal_seminar):
    client.force_login(world.examiner)
    page = client.get(_url(proposal_seminar)).content.decode()
    assert "0 dari 1 penguji sudah menilai" in page
    assert reverse("mentoring:score-project", args=[proposal_seminar.pk, world.project.pk]) in page
    record = reverse(
        "mentoring:record-proposal-result", args=[proposal_seminar.pk, world.project.pk]
    )
    assert record not in page
    score_proposal(proposal_seminar, world.project, world.examiner, 85)
    page = client.get(_url(proposal_seminar)).content.decode()
    assert "85,00 · Diterima" in page
    assert record in page
    assert reverse("mentoring:seminar-update", args=[proposal_seminar.pk]) not in page


def test_organiser_may_edit_but_not_record(client, world, proposal_seminar):
    client.force_login(world.organiser)
    page = client.get(_url(proposal_seminar)).content.decode()
    assert reverse("mentoring:seminar-update", args=[proposal_seminar.pk]) in page
    assert "Catat hasil" not in page


def test_results_seminar_shows_scoring_progress_and_the_grade_link(
    client, world, results_seminar, second_examiner
):
    fill_scores(results_seminar, world.project, world.examiner, 80)
    client.force_login(world.examiner)
    page = client.get(_url(results_seminar)).content.decode()
    assert "1 dari 2 penguji sudah menilai" in page
    assert "nilai bawaan, dapat diubah penyelenggara" in page
    grade_url = reverse("mentoring:grade-project", args=[results_seminar.pk, world.project.pk])
    assert grade_url not in page
    fill_scores(results_seminar, world.project, second_examiner, 90)
    page = client.get(_url(results_seminar)).content.decode()
    assert "2 dari 2 penguji sudah menilai" in page
    assert "85,00 · Memuaskan" in page
    assert grade_url in page


def test_query_count_is_the_same_for_one_and_many_projects(
    client, world, results_seminar, second_examiner, django_assert_num_queries
):
    fill_scores(results_seminar, world.project, world.examiner, 80)
    client.force_login(world.examiner)
    # Session, user, seminar, examiners, projects, rubric, criteria, bands, scores, grades,
    # the organiser check and the navigation check.
    with django_assert_num_queries(11) as one:
        client.get(_url(results_seminar))
    for _ in range(6):
        project = ChangeProjectFactory(cohort=world.cohort, state=S.RESULTS_SEMINAR)
        results_seminar.projects.add(project)
        fill_scores(results_seminar, project, second_examiner, 70)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(_url(results_seminar)).content.decode()
    assert page.count("penguji sudah menilai") == 7
