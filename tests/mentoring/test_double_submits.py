"""A double click or a retried POST of a mentoring form creates one row and answers as success."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mentoring.models import Comment, Consultation, JournalEntry, JournalReply, RubricScore
from mentoring.selectors import rubric_for
from tests.conftest import form_token
from tests.mentoring.conftest import put_in_state
from tests.mentoring.factories import HTMX, JournalEntryFactory
from tracker.models import ChangeProject, FormSubmission, Notification, Seminar

S = ChangeProject.State


def _page(client, user, url) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def _post_ten_times(client, url, data, **kwargs) -> list:
    return [client.post(url, data, **kwargs) for _ in range(10)]


def test_ten_identical_comment_posts_make_one_comment(client, world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    page = _page(client, world.participant, world.project.get_absolute_url())
    data = {"body": "Mohon cek jadwal.", "form_token": form_token(page, url)}
    responses = _post_ten_times(client, url, data)
    assert [r.status_code for r in responses] == [302] * 10
    assert {r["Location"] for r in responses} == {f"{world.project.get_absolute_url()}#comments"}
    assert Comment.objects.count() == 1
    # Those told of it are told once.
    assert Notification.objects.filter(recipient=world.coach).count() == 1


def test_a_repeated_htmx_comment_answers_with_the_panel_and_a_fresh_token(client, world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    page = _page(client, world.participant, reverse("mentoring:comments", args=[world.project.pk]))
    token = form_token(page, url)
    data = {"body": "Sudah saya revisi.", "form_token": token}
    first, second = (client.post(url, data, headers=HTMX) for _ in range(2))
    assert Comment.objects.count() == 1
    for response in (first, second):
        fragment = response.content.decode()
        assert response.status_code == 200
        assert "Komentar terkirim." in fragment
        assert fragment.count("Sudah saya revisi.") == 1
        assert form_token(fragment, url) != token
    # The next real comment, from the swapped fragment, is not swallowed.
    fresh = form_token(second.content.decode(), url)
    client.post(url, {"body": "Satu lagi.", "form_token": fresh}, headers=HTMX)
    assert list(Comment.objects.order_by("pk").values_list("body", flat=True)) == [
        "Sudah saya revisi.",
        "Satu lagi.",
    ]


def test_same_token_with_different_content_is_a_new_comment(client, world):
    # Back in the browser, the form edited and sent again: a new submission, not a repeat.
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    token = form_token(_page(client, world.participant, world.project.get_absolute_url()), url)
    client.post(url, {"body": "Pertama.", "form_token": token})
    client.post(url, {"body": "Kedua, setelah kembali.", "form_token": token})
    assert Comment.objects.count() == 2


def test_a_refused_submission_leaves_its_token_free_for_the_corrected_one(client, world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    token = form_token(_page(client, world.participant, world.project.get_absolute_url()), url)
    refused = client.post(url, {"body": "Khusus", "visibility": "reviewers", "form_token": token})
    assert refused.status_code == 400
    assert not FormSubmission.objects.exists()
    # The form comes back with the same token, and the corrected post goes through once.
    assert form_token(refused.content.decode(), url) == token
    for _ in range(2):
        client.post(url, {"body": "Khusus", "form_token": token})
    assert Comment.objects.count() == 1


def test_another_persons_token_is_not_their_submission(client, world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    token = form_token(_page(client, world.participant, world.project.get_absolute_url()), url)
    client.post(url, {"body": "Sama.", "form_token": token})
    client.force_login(world.coach)
    response = client.post(url, {"body": "Sama.", "form_token": token})
    assert response.status_code == 302
    assert sorted(Comment.objects.values_list("author__username", flat=True)) == [
        "coach",
        "participant",
    ]


def test_a_malformed_token_counts_as_none(client, world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    client.force_login(world.participant)
    response = client.post(url, {"body": "Tanpa token.", "form_token": "bukan-token"})
    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.fixture
def yesterday(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC))
    return "2026-11-09"


def test_ten_identical_consultation_posts_record_one_session(client, world, yesterday):
    url = reverse("mentoring:consultation-create", args=[world.project.pk])
    page = _page(client, world.participant, world.project.get_absolute_url())
    data = {
        "held_on": yesterday,
        "consultant_role": "mentor",
        "mode": "in_person",
        "topic": "Strategi pelibatan",
        "outcome": "Peta pemangku kepentingan disepakati.",
        "form_token": form_token(page, url),
    }
    responses = _post_ten_times(client, url, data)
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {
        f"{world.project.get_absolute_url()}#consultations"
    }
    assert Consultation.objects.count() == 1
    assert Notification.objects.filter(recipient=world.mentor).count() == 1
    htmx = client.post(url, data, headers=HTMX)
    assert "Konsultasi tercatat dan menunggu konfirmasi." in htmx.content.decode()
    assert Consultation.objects.count() == 1


def test_ten_identical_journal_posts_write_one_entry(client, world):
    url = reverse("mentoring:journal-create", args=[world.project.pk])
    page = _page(client, world.participant, world.project.get_absolute_url())
    data = {
        "happened": "Sosialisasi sepi.",
        "learned": "Undangan lewat kepala bidang.",
        "next_steps": "Undangan resmi.",
        "sharing": "private",
        "form_token": form_token(page, url),
    }
    responses = _post_ten_times(client, url, data, headers=HTMX)
    assert {r.status_code for r in responses} == {200}
    assert "Catatan refleksi tersimpan." in responses[-1].content.decode()
    assert JournalEntry.objects.count() == 1


def test_ten_identical_journal_replies_make_one_reply(client, world):
    entry = JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)
    url = reverse("mentoring:journal-reply", args=[world.project.pk, entry.pk])
    page = _page(client, world.coach, world.project.get_absolute_url())
    data = {"body": "Refleksi yang jujur.", "form_token": form_token(page, url)}
    responses = _post_ten_times(client, url, data)
    assert {r.status_code for r in responses} == {302}
    assert JournalReply.objects.count() == 1
    assert Notification.objects.filter(recipient=world.participant).count() == 1


def test_ten_identical_seminar_posts_schedule_one_seminar(client, world):
    put_in_state(world.project, S.PROPOSAL_SEMINAR)
    url = reverse("mentoring:seminar-create", args=[world.cohort.pk])
    before = Seminar.objects.count()
    page = _page(client, world.organiser, url)
    data = {
        "kind": "proposal",
        "starts_at": "2026-10-20T09:00",
        "place": "Aula Utama BPSDM",
        "online_link": "",
        "examiners": [world.examiner.pk],
        "projects": [world.project.pk],
        "form_token": form_token(page),
    }
    responses = _post_ten_times(client, url, data)
    assert Seminar.objects.count() == before + 1
    seminar = Seminar.objects.latest("pk")
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {
        reverse("mentoring:seminar-detail", args=[seminar.pk])
    }


def test_ten_identical_score_posts_keep_one_score_per_criterion(client, world, results_seminar):
    # Scores are an upsert on (seminar, project, examiner, criterion): no token needed.
    url = reverse("mentoring:score-project", args=[results_seminar.pk, world.project.pk])
    criteria = list(rubric_for(results_seminar).criteria.all())
    client.force_login(world.examiner)
    responses = _post_ten_times(client, url, {f"criterion_{c.pk}": "20" for c in criteria})
    assert {r.status_code for r in responses} == {302}
    assert RubricScore.objects.filter(examiner=world.examiner).count() == len(criteria)


def test_every_rendering_carries_a_new_token_without_an_id(client, world):
    url = reverse("mentoring:comment-create", args=[world.project.pk])
    first = _page(client, world.participant, world.project.get_absolute_url())
    second = client.get(world.project.get_absolute_url()).content.decode()
    assert form_token(first, url) != form_token(second, url)
    assert f'type="hidden" name="form_token" value="{form_token(first, url)}">' in first
