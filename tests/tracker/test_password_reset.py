"""Forgotten and changed passwords: Django's flow with Jejak's pages, email through the worker."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from tracker.models import EmailDelivery, Invitation, User

LINK = re.compile(r"https?://[^\s\"<>]+/atur-kata-sandi/[^\s\"<>]+/")
NEW_PASSWORD = "Kopi-Tubruk-2026!"


def _ask(client, email: str):
    return client.post(reverse("password_reset"), {"email": email})


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _reset(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    opened = client.get(_path(link))
    assert opened.status_code == 302
    return client.post(
        opened["Location"],
        {"new_password1": password, "new_password2": confirm or password},
    )


def test_known_and_unknown_addresses_get_the_same_answer(client, world, run_tasks):
    known = _ask(client, world.participant.email)
    unknown = _ask(client, "tidak-ada@jejak.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    page = client.get(known["Location"]).content.decode()
    assert "Bila alamat itu terdaftar di Jejak" in page
    # The email is queued for the worker, not sent during the request.
    assert mail.outbox == []
    assert run_tasks() == 1
    (message,) = mail.outbox
    assert message.to == [world.participant.email]
    assert "Atur ulang kata sandi" in message.subject


def test_the_link_sets_a_new_password_that_logs_in(client, world, run_tasks):
    _ask(client, world.participant.email)
    run_tasks()
    link = LINK.search(mail.outbox[0].body).group(0)
    assert link.startswith("http://127.0.0.1:8000/")  # SITE_URL, never the request's host
    response = _reset(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    finished = client.get(response["Location"]).content.decode()
    assert "Kata sandi baru Anda sudah tersimpan" in finished
    assert client.login(request=HttpRequest(), username="participant", password=NEW_PASSWORD)


def test_the_link_works_once(client, world, run_tasks):
    _ask(client, world.participant.email)
    run_tasks()
    link = LINK.search(mail.outbox[0].body).group(0)
    _reset(client, link)
    again = client.get(_path(link))
    assert again.status_code == 200
    assert "Tautan tidak berlaku" in again.content.decode()


def test_a_host_header_cannot_redirect_the_link(client, world, run_tasks, settings):
    settings.ALLOWED_HOSTS = ["*"]
    client.post(
        reverse("password_reset"), {"email": world.participant.email}, HTTP_HOST="evil.example"
    )
    run_tasks()
    assert "evil.example" not in mail.outbox[0].body


def test_password_validators_speak_the_users_language(client, world, run_tasks):
    _ask(client, world.participant.email)
    run_tasks()
    response = _reset(client, LINK.search(mail.outbox[0].body).group(0), password="12345")
    assert response.status_code == 200
    page = response.content.decode()
    # Django's own Indonesian catalogue: too short, too common, entirely numeric.
    assert "Kata sandi terlalu pendek" in page
    assert "seluruhnya terdiri dari angka" in page


def test_the_reset_email_is_in_the_recipients_language(client, world, run_tasks):
    world.participant.language = "en"
    world.participant.save(update_fields=["language"])
    _ask(client, world.participant.email)
    delivery = EmailDelivery.objects.get()
    assert delivery.body_text.startswith("Dear ")  # Django's "Yth." is translated already
    assert delivery.cohort is None  # no organiser reads someone's reset email


def test_an_invited_person_without_a_password_can_ask_for_a_new_link(client, world, run_tasks):
    person = User(username="199001012015031001", full_name="Citra", email="citra@jejak.example")
    person.set_unusable_password()
    person.save()
    Invitation.objects.create(
        user=person,
        cohort=world.cohort,
        role="participant",
        invited_by=world.organiser,
        approved_by=world.organiser,
        sent_at="2026-01-01T00:00:00Z",
    )
    _ask(client, "CITRA@jejak.example")
    run_tasks()
    _reset(client, LINK.search(mail.outbox[0].body).group(0))
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(user=person).status == Invitation.Status.ACCEPTED


def test_inactive_accounts_get_no_email(client, world, run_tasks):
    world.stranger.is_active = False
    world.stranger.save(update_fields=["is_active"])
    assert _ask(client, world.stranger.email).status_code == 302
    assert run_tasks() == 0


def test_a_reset_unlocks_an_account_locked_by_guessing(client, world, run_tasks, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        client.post(reverse("login"), {"username": "participant", "password": "salah"})
    _ask(client, world.participant.email)
    run_tasks()
    _reset(client, LINK.search(mail.outbox[0].body).group(0))
    response = client.post(
        reverse("login"),
        {"username": "participant", "password": NEW_PASSWORD},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 302


# --- change while logged in ---------------------------------------------------------------


@pytest.fixture
def participant(client, world):
    client.force_login(world.participant)
    return client


def test_a_logged_in_person_changes_their_password(participant, world):
    response = participant.post(
        reverse("password_change"),
        {
            "old_password": "demo12345",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Kata sandi Anda sudah diganti." in response.content.decode()
    world.participant.refresh_from_db()
    assert world.participant.check_password(NEW_PASSWORD)
    # Still logged in on this device.
    assert participant.get(reverse("tracker:profile")).status_code == 200


def test_a_wrong_old_password_changes_nothing(participant, world):
    response = participant.post(
        reverse("password_change"),
        {"old_password": "salah", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in response.content.decode()
    world.participant.refresh_from_db()
    assert world.participant.check_password("demo12345")
