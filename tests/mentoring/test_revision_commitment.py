"""Komitmen perbaikan: the participant commits to the proposal seminar's required revisions,
and an examiner of the results seminar checks each as done, partly done or not done."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mentoring.models import ProposalSeminarResult, RevisionItem, SeminarGrade
from mentoring.selectors import revision_commitment
from mentoring.services import seminar_grade, seminar_record_proposal_result
from tests.factories import SeminarFactory, UserFactory
from tests.html import element
from tests.mentoring.conftest import put_in_state, score_by_every_examiner, score_proposal
from tracker import workflow
from tracker.models import ChangeProject
from tracker.workflow import Refused

S = ChangeProject.State


@pytest.fixture
def accepted_with_revision(world, proposal_seminar):
    """The world's proposal accepted with two revisions the examiner requires."""
    score_proposal(
        proposal_seminar,
        world.project,
        world.examiner,
        70,
        "revision",
        ["Lengkapi peta pemangku kepentingan.", "Tambahkan indikator waktu tunggu."],
    )
    result = seminar_record_proposal_result(
        seminar=proposal_seminar, project=world.project, by=world.examiner
    )
    assert result.decision == "revision"
    world.project.refresh_from_db()
    return result


def _commit_url(project) -> str:
    return reverse("mentoring:revision-commit", args=[project.pk])


def _check_url(seminar, project) -> str:
    return reverse("mentoring:revision-check", args=[seminar.pk, project.pk])


def test_participant_sees_the_items_and_commits(client, world, accepted_with_revision):
    client.force_login(world.participant)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Lengkapi peta pemangku kepentingan." in page
    assert "Peserta belum menyatakan komitmen perbaikan." in page
    assert _commit_url(world.project) in page
    response = client.post(_commit_url(world.project))
    assert response.status_code == 302
    assert response["Location"].endswith("#revision-commitment")
    accepted_with_revision.refresh_from_db()
    assert accepted_with_revision.committed_at is not None
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Peserta menyatakan komitmen perbaikan pada" in page
    assert _commit_url(world.project) not in page


def test_a_second_commitment_is_refused(client, world, accepted_with_revision):
    client.force_login(world.participant)
    client.post(_commit_url(world.project))
    first = ProposalSeminarResult.objects.get().committed_at
    response = client.post(_commit_url(world.project))
    assert response.status_code == 400
    assert "Tidak ada komitmen perbaikan yang menunggu" in response.content.decode()
    assert ProposalSeminarResult.objects.get().committed_at == first


def test_an_accepted_proposal_has_nothing_to_commit_to(client, world, proposal_seminar):
    score_proposal(proposal_seminar, world.project, world.examiner, 90, "accepted")
    seminar_record_proposal_result(
        seminar=proposal_seminar, project=world.project, by=world.examiner
    )
    client.force_login(world.participant)
    assert client.post(_commit_url(world.project)).status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coach", 403),
        ("mentor", 403),
        ("organiser", 403),
        ("other_participant", 404),
        ("stranger", 404),
    ],
)
def test_only_the_participant_commits(client, world, accepted_with_revision, persona, status):
    client.force_login(world.persona(persona))
    assert client.post(_commit_url(world.project)).status_code == status
    accepted_with_revision.refresh_from_db()
    assert accepted_with_revision.committed_at is None


@pytest.fixture
def at_results(world, accepted_with_revision, results_seminar):
    put_in_state(world.project, S.RESULTS_SEMINAR)
    return results_seminar


def _check_data(values) -> dict:
    items = RevisionItem.objects.order_by("order")
    return {f"item_{item.pk}": value for item, value in zip(items, values, strict=True)}


def test_results_examiner_sees_the_commitment_while_scoring(client, world, at_results):
    client.force_login(world.examiner)
    url = reverse("mentoring:score-project", args=[at_results.pk, world.project.pk])
    page = client.get(url).content.decode()
    assert "Komitmen perbaikan dari seminar rancangan" in page
    assert "Tambahkan indikator waktu tunggu." in page
    assert _check_url(at_results, world.project) in page


def test_results_examiner_checks_each_item(client, world, at_results):
    client.force_login(world.examiner)
    response = client.post(_check_url(at_results, world.project), _check_data(["done", "partly"]))
    assert response.status_code == 302
    items = list(RevisionItem.objects.order_by("order"))
    assert [item.result for item in items] == ["done", "partly"]
    assert {item.checked_by for item in items} == {world.examiner}
    assert {item.checked_seminar for item in items} == {at_results}
    assert revision_commitment(world.project).percent == Decimal(75)


def test_every_item_must_be_checked(client, world, at_results):
    client.force_login(world.examiner)
    data = _check_data(["done", "partly"])
    data.pop(next(iter(data)))
    response = client.post(_check_url(at_results, world.project), data)
    assert response.status_code == 400
    assert "Pilih hasil pemeriksaan untuk" in response.content.decode()
    assert not RevisionItem.objects.exclude(result="").exists()


def test_no_check_after_the_grade(client, world, at_results, second_examiner):
    score_by_every_examiner(world.project)
    client.force_login(world.examiner)
    client.post(_check_url(at_results, world.project), _check_data(["done", "not_done"]))
    seminar_grade(seminar=at_results, project=world.project, by=world.examiner)
    response = client.post(_check_url(at_results, world.project), _check_data(["done", "done"]))
    assert response.status_code == 400
    assert [item.result for item in RevisionItem.objects.order_by("order")] == [
        "done",
        "not_done",
    ]


def _grade_url(seminar, project) -> str:
    return reverse("mentoring:grade-project", args=[seminar.pk, project.pk])


UNCHECKED = "Komitmen perbaikan belum selesai diperiksa: 1 dari 2 butir belum diperiksa."


def test_grade_is_refused_until_every_item_is_checked(world, at_results, second_examiner):
    score_by_every_examiner(world.project)
    first = RevisionItem.objects.order_by("order").first()
    RevisionItem.objects.filter(pk=first.pk).update(result="done")

    with pytest.raises(Refused) as refused:
        seminar_grade(seminar=at_results, project=world.project, by=world.examiner)

    assert str(refused.value.message).startswith(UNCHECKED)
    assert not SeminarGrade.objects.exists()
    world.project.refresh_from_db()
    assert world.project.state == S.RESULTS_SEMINAR
    # The transition's own guard says the same, for every caller (the API too).
    assert workflow.blocked_reason(world.project, "grade").startswith(UNCHECKED)


def test_grade_page_says_to_check_first_and_links_the_check(client, world, at_results):
    score_by_every_examiner(world.project)
    client.force_login(world.examiner)

    page = client.get(_grade_url(at_results, world.project)).content.decode()

    assert "Komitmen perbaikan belum selesai diperiksa: 2 dari 2 butir" in page
    assert "Tambahkan indikator waktu tunggu." in page
    assert _check_url(at_results, world.project) in page
    assert 'type="submit" class="button" disabled' in page
    response = client.post(
        _grade_url(at_results, world.project), {"expected_state": S.RESULTS_SEMINAR}
    )
    assert response.status_code == 400
    assert "Komitmen perbaikan belum selesai diperiksa" in response.content.decode()
    assert not SeminarGrade.objects.exists()


def test_the_grade_keeps_the_commitment_score_shown_on_form_and_project_page(
    client, world, at_results
):
    score_by_every_examiner(world.project)
    client.force_login(world.examiner)
    client.post(_check_url(at_results, world.project), _check_data(["done", "partly"]))
    page = client.get(_grade_url(at_results, world.project)).content.decode()
    assert "Komitmen perbaikan terlaksana:</strong> 75,00%" in page

    response = client.post(
        _grade_url(at_results, world.project), {"expected_state": S.RESULTS_SEMINAR}
    )

    assert response.status_code == 302
    grade = SeminarGrade.objects.get()
    assert grade.commitment_score == Decimal(75)
    assert grade.commitment_score == revision_commitment(world.project).percent
    client.force_login(world.participant)
    panel = element(client.get(world.project.get_absolute_url()).content.decode(), "seminars")
    assert "Nilaikomitmenperbaikan75,00" in panel.text.replace(" ", "")


def test_a_proposal_accepted_as_it_was_grades_without_commitment_score(
    world, proposal_seminar, second_examiner
):
    score_proposal(proposal_seminar, world.project, world.examiner, 90, "accepted")
    seminar_record_proposal_result(
        seminar=proposal_seminar, project=world.project, by=world.examiner
    )
    put_in_state(world.project, S.RESULTS_SEMINAR)
    results = SeminarFactory(cohort=world.cohort, kind="results")
    results.examiners.add(world.examiner)
    results.projects.add(world.project)
    score_by_every_examiner(world.project)

    grade = seminar_grade(seminar=results, project=world.project, by=world.examiner)

    assert grade.commitment_score is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 403),
        ("participant", 404),
        ("coach", 404),
        ("mentor", 404),
        ("stranger", 404),
    ],
)
def test_only_a_results_examiner_checks(client, world, at_results, persona, status):
    client.force_login(world.persona(persona))
    response = client.post(_check_url(at_results, world.project), _check_data(["done", "done"]))
    assert response.status_code == status
    assert not RevisionItem.objects.exclude(result="").exists()


def test_a_proposal_seminar_has_no_commitment_check(client, world, at_results):
    proposal = world.project.seminars.get(kind="proposal")
    client.force_login(world.examiner)
    assert client.get(_check_url(proposal, world.project)).status_code == 404


@pytest.mark.parametrize(
    ("page", "heading"),
    [
        ("record-proposal-result", "Hasil seminar rancangan"),
        ("revision-check", "Pemeriksaan komitmen perbaikan"),
        ("grade-project", "Tetapkan hasil seminar laporan"),
        ("score-project", "Penilaian seminar laporan"),
    ],
)
def test_examiner_pages_share_one_seminar_header(client, world, at_results, page, heading):
    seminar = (
        world.project.seminars.get(kind="proposal")
        if page == "record-proposal-result"
        else at_results
    )
    client.force_login(world.examiner)

    html = client.get(reverse(f"mentoring:{page}", args=[seminar.pk, world.project.pk]))

    header = element(html.content.decode(), tag="header", cls="page-header")
    assert header.text.startswith(seminar.get_kind_display())
    assert f"{heading} {world.project.title} · {world.participant}" in header.text
    assert (world.project.title, world.project.get_absolute_url()) in header.links
    crumbs = element(html.content.decode(), tag="nav", cls="breadcrumbs")
    assert reverse("mentoring:seminar-detail", args=[seminar.pk]) in dict(crumbs.links).values()


@pytest.mark.parametrize(("persona", "status"), [("examiner", 403), ("agency_head", 403)])
def test_neither_examiner_nor_agency_head_commits(
    client, world, accepted_with_revision, persona, status
):
    client.force_login(world.persona(persona))
    assert client.post(_commit_url(world.project)).status_code == status
    accepted_with_revision.refresh_from_db()
    assert accepted_with_revision.committed_at is None


def test_an_examiner_not_on_the_results_seminar_cannot_check(client, world, at_results):
    outsider = UserFactory(username="examiner3", full_name="Eko Penguji Lain")
    other = SeminarFactory(cohort=world.cohort, kind="results")
    other.examiners.add(outsider)
    client.force_login(outsider)

    page = client.get(_check_url(at_results, world.project))
    response = client.post(_check_url(at_results, world.project), _check_data(["done", "done"]))

    assert page.status_code == 404
    assert response.status_code == 404
    assert not RevisionItem.objects.exclude(result="").exists()


@pytest.mark.parametrize("persona", ["participant", "coach", "mentor", "stranger"])
def test_the_check_page_is_not_shown_to_others(client, world, at_results, persona):
    client.force_login(world.persona(persona))
    assert client.get(_check_url(at_results, world.project)).status_code == 404
