"""Writing a comment: who may, with which visibility, who hears of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Comment
from tests.mentoring.factories import HTMX
from tracker.models import Notification, Role


def _url(world):
    return reverse("mentoring:comment-create", args=[world.project.pk])


def _post(client, world, user, data, *, htmx=False):
    client.force_login(user)
    return client.post(_url(world), data, headers=HTMX if htmx else {})


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("participant", Role.PARTICIPANT),
        ("coach", Role.COACH),
        ("mentor", Role.MENTOR),
        ("examiner", Role.EXAMINER),
        ("organiser", Role.ORGANISER),
    ],
)
def test_people_on_the_project_comment_and_are_sent_back_to_it(client, world, persona, role):
    response = _post(client, world, world.persona(persona), {"body": "Mohon cek jadwal."})
    assert response.status_code == 302
    assert response["Location"] == f"{world.project.get_absolute_url()}#comments"
    comment = Comment.objects.get()
    assert (comment.author, comment.author_role, comment.body) == (
        world.persona(persona),
        role,
        "Mohon cek jadwal.",
    )
    assert comment.visibility == Comment.Visibility.EVERYONE


@pytest.mark.parametrize("persona", ["agency_head", "admin"])
def test_readers_who_do_not_take_part_may_not_comment(client, world, persona):
    response = _post(client, world, world.persona(persona), {"body": "Bagus."})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_other_participant_gets_404(client, world):
    response = _post(client, world, world.other_participant, {"body": "Halo"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_htmx_post_replaces_the_comment_panel_with_the_new_comment(client, world):
    response = _post(client, world, world.participant, {"body": "Sudah saya revisi."}, htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section class="card notes-panel" id="comments"')
    assert "Sudah saya revisi." in fragment
    assert "Komentar terkirim." in fragment
    # The form comes back empty, ready for the next comment.
    assert "Sudah saya revisi.</textarea>" not in fragment
    assert Comment.objects.count() == 1


def test_empty_comment_is_refused_with_a_message(client, world):
    response = _post(client, world, world.participant, {"body": "   "})
    assert response.status_code == 400
    assert "Komentar tidak boleh kosong." in response.content.decode()
    assert not Comment.objects.exists()


def test_empty_comment_over_htmx_shows_the_message_in_the_fragment(client, world):
    response = _post(client, world, world.participant, {"body": ""}, htmx=True)
    fragment = response.content.decode()
    # htmx swaps 400 and 409 answers (base.html): the refusal shows inside the fragment.
    assert response.status_code == 400
    assert "<html" not in fragment
    assert "Komentar tidak boleh kosong." in fragment
    assert not Comment.objects.exists()


def test_participant_cannot_write_a_reviewer_only_comment(client, world):
    response = _post(
        client, world, world.participant, {"body": "Rahasia", "visibility": "reviewers"}
    )
    assert response.status_code == 400
    assert "Hanya coach, mentor, penguji, dan penyelenggara" in response.content.decode()
    assert not Comment.objects.exists()


def test_coach_writes_a_reviewer_only_comment(client, world):
    response = _post(client, world, world.coach, {"body": "Lemah", "visibility": "reviewers"})
    assert response.status_code == 302
    assert Comment.objects.get().visibility == Comment.Visibility.REVIEWERS


def test_reviewer_only_comment_is_mailed_to_mentor_but_never_to_participant(
    client, world, mailoutbox, run_tasks
):
    _post(
        client,
        world,
        world.coach,
        {"body": "Analisis masalahnya masih lemah.", "visibility": "reviewers"},
    )
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [[world.mentor.email]]
    assert "Analisis masalahnya masih lemah." in mailoutbox[0].body
    assert "khusus penelaah" in mailoutbox[0].subject
    assert not Notification.objects.filter(recipient=world.participant).exists()


def test_open_comment_is_mailed_to_participant_and_mentor_but_not_its_author(
    client, world, mailoutbox, run_tasks
):
    _post(client, world, world.coach, {"body": "Bagus, lanjutkan.", "visibility": ""})
    run_tasks()
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == sorted([world.participant.email, world.mentor.email])
    assert all("Bagus, lanjutkan." in mail.body for mail in mailoutbox)
    notification = Notification.objects.get(recipient=world.participant)
    assert notification.url == f"{world.project.get_absolute_url()}#comments"


def test_participant_comment_notifies_coach_and_mentor(client, world, mailoutbox, run_tasks):
    _post(client, world, world.participant, {"body": "Mohon masukan."})
    run_tasks()
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        [world.coach.email, world.mentor.email]
    )
