"""Invitations: sent when an import is saved, the link sets the password once, expiry, resend."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.tracker.test_participant_import import (
    NEW_NIP,
    SECOND_NIP,
    _confirm_url,
    _csv,
    _row,
    _token,
    _upload,
)
from tracker.models import EmailDelivery, Invitation, User

LINK = re.compile(r"https?://[^\s\"<>]+/undangan/[^\s\"<>]+/")
NEW_PASSWORD = "Sawah-Hijau-2026!"


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


def _import(client, world, rows) -> None:
    preview = _upload(client, world, _csv(rows))
    response = client.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def _mail_to(address: str):
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return message


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def _path(link: str) -> str:
    return link.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _set_password(client, link: str, password: str = NEW_PASSWORD):
    """Open the link (which moves the token into the session) and post the new password."""
    opened = client.get(_path(link))
    assert opened.status_code == 302
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def test_saving_an_import_invites_each_new_account_by_email(organiser, world, run_tasks):
    _import(organiser, world, [_row(world)])
    person = User.objects.get(nip=NEW_NIP)
    invitation = Invitation.objects.get(user=person)
    assert (invitation.cohort, invitation.role, invitation.invited_by) == (
        world.cohort,
        "participant",
        world.organiser,
    )
    assert invitation.status == Invitation.Status.INVITED
    assert run_tasks() == 1
    message = _mail_to("citra@jejak.example")
    assert "Rina Penyelenggara mengundang Anda ke Jejak sebagai Peserta" in message.body
    assert str(world.cohort) in message.body
    assert _link(message).startswith("http://127.0.0.1:8000/undangan/")
    # The organiser sees the email's fate: the delivery belongs to the cohort.
    assert EmailDelivery.objects.get(to="citra@jejak.example").cohort == world.cohort


def test_the_link_sets_the_password_logs_in_and_lands_on_the_project(
    organiser, world, run_tasks, client
):
    _import(organiser, world, [_row(world)])
    run_tasks()
    response = _set_password(client, _link(_mail_to("citra@jejak.example")))
    person = User.objects.get(nip=NEW_NIP)
    project = person.projects.get(cohort=world.cohort)
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200  # logged in
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert Invitation.objects.get(user=person).status == Invitation.Status.ACCEPTED
    client.logout()
    assert client.login(request=_request(), username=NEW_NIP, password=NEW_PASSWORD)


def _request():
    from django.http import HttpRequest

    return HttpRequest()


def test_a_used_link_is_refused_with_a_way_to_ask_for_a_new_one(
    organiser, world, run_tasks, client
):
    _import(organiser, world, [_row(world)])
    run_tasks()
    link = _link(_mail_to("citra@jejak.example"))
    _set_password(client, link)
    client.logout()
    again = client.get(_path(link))
    assert again.status_code == 200
    page = again.content.decode()
    assert "Undangan tidak berlaku" in page
    assert "sudah kedaluwarsa atau sudah pernah dipakai" in page
    assert reverse("password_reset") in page
    # Nor can the form be posted with the old token.
    person = User.objects.get(nip=NEW_NIP)
    assert person.check_password(NEW_PASSWORD)


def test_a_link_expires_after_the_configured_days(organiser, world, run_tasks, client, settings):
    settings.INVITATION_DAYS = 3
    # Django's tokens count local wall-clock seconds: the clock is frozen from the start, so
    # making and checking the link see the same clock.
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _import(organiser, world, [_row(world)])
        run_tasks()
        link = _link(_mail_to("citra@jejak.example"))
        invitation = Invitation.objects.get(user__nip=NEW_NIP)
        clock.shift(datetime.timedelta(days=2, hours=23))
        assert client.get(_path(link)).status_code == 302  # still good just before
        assert invitation.status == Invitation.Status.INVITED
        clock.shift(datetime.timedelta(hours=2))
        page = client.get(_path(link)).content.decode()
        assert "Undangan tidak berlaku" in page
        assert invitation.status == Invitation.Status.EXPIRED


def test_the_invitation_is_in_the_recipients_language(organiser, world, run_tasks):
    # Someone already in Jejak (another institution imported them), who reads English and has
    # not set a password yet: linked as they are, and invited in English.
    english = User(
        username="199303032017011003",
        nip="199303032017011003",
        full_name="Dewi Lestari",
        email="dewi@jejak.example",
        language="en",
    )
    english.set_unusable_password()
    english.save()
    rows = [_row(world), _row(world, nip=english.nip, email="lain@jejak.example")]
    _import(organiser, world, rows)
    run_tasks()
    message = _mail_to("dewi@jejak.example")
    # Strings of the English catalogue: the role, and the cohort's name.
    assert " Participant " in message.body
    assert "Cohort" in message.subject
    indonesian = _mail_to("citra@jejak.example")
    assert " Peserta " in indonesian.body
    assert "Angkatan" in indonesian.subject


def test_rerunning_the_import_sends_no_second_invitation(organiser, world, run_tasks, client):
    content = _csv([_row(world), _row(world, nip=SECOND_NIP, email="d@x.example")])
    client.force_login(world.organiser)
    for _attempt in range(2):
        preview = _upload(client, world, content)
        client.post(_confirm_url(world), {"token": _token(preview)})
    assert Invitation.objects.filter(cohort=world.cohort).count() == 2
    assert run_tasks() == 2


def test_people_who_can_log_in_already_get_no_invitation(organiser, world, run_tasks):
    row = _row(world, world.participant.nip, world.participant.full_name, "budi@jejak.example")
    _import(organiser, world, [row])
    assert not Invitation.objects.filter(user=world.participant).exists()
    # Their mentor (an account with a password) is not invited either.
    assert not Invitation.objects.filter(user=world.mentor).exists()


# --- resend -----------------------------------------------------------------------------------


def _resend_url(world, invitation) -> str:
    return reverse("tracker:invitation-resend", args=[world.cohort.pk, invitation.pk])


def test_organiser_resends_one_with_a_fresh_link_and_a_double_click_sends_once(
    organiser, world, run_tasks, client, settings
):
    settings.INVITATION_DAYS = 3
    _import(organiser, world, [_row(world)])
    run_tasks()
    invitation = Invitation.objects.get(user__nip=NEW_NIP)
    client.force_login(world.organiser)
    later = timezone.now() + datetime.timedelta(days=5)  # expired by now
    with time_machine.travel(later, tick=False):
        assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.EXPIRED
        first = client.post(_resend_url(world, invitation), follow=True)
        second = client.post(_resend_url(world, invitation), follow=True)
        assert "Undangan dikirim ulang ke Citra Peserta Baru" in first.content.decode()
        assert "baru saja dikirim; tidak dikirim dua kali" in second.content.decode()
        assert run_tasks() == 1
        invitation.refresh_from_db()
        assert (invitation.send_count, invitation.status) == (2, Invitation.Status.INVITED)
        fresh = [message for message in mail.outbox if message.to == ["citra@jejak.example"]][-1]
        assert client.get(_path(_link(fresh))).status_code == 302  # the new link works


def test_resend_all_sends_each_pending_invitation_once(organiser, world, run_tasks, client):
    _import(organiser, world, [_row(world), _row(world, nip=SECOND_NIP, email="d@x.example")])
    run_tasks()
    client.force_login(world.organiser)
    url = reverse("tracker:invitations-resend-all", args=[world.cohort.pk])
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5), tick=False):
        page = client.post(url, follow=True).content.decode()
        client.post(url)
    assert "2 undangan yang belum diterima dikirim ulang." in page
    assert run_tasks() == 2


def test_an_accepted_invitation_is_not_resent(organiser, world, run_tasks, client):
    _import(organiser, world, [_row(world)])
    run_tasks()
    _set_password(client, _link(_mail_to("citra@jejak.example")))
    client.force_login(world.organiser)
    invitation = Invitation.objects.get(user__nip=NEW_NIP)
    page = client.post(_resend_url(world, invitation), follow=True).content.decode()
    assert "sudah menerima undangan dan dapat masuk" in page
    assert run_tasks() == 0


def test_another_cohorts_invitation_is_not_found(organiser, world, elsewhere, client):
    invitation = Invitation.objects.create(
        user=elsewhere.participant,
        cohort=elsewhere.cohort,
        role="participant",
        invited_by=elsewhere.organiser,
        approved_by=elsewhere.organiser,
    )
    client.force_login(world.organiser)
    assert client.post(_resend_url(world, invitation)).status_code == 404


def test_the_list_shows_each_status_including_a_failed_email(
    organiser, world, run_tasks, client, settings
):
    _import(organiser, world, [_row(world), _row(world, nip=SECOND_NIP, email="d@x.example")])
    settings.EMAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "tests.tracker.test_invitations.RefusingBackend"
    run_tasks()
    client.force_login(world.organiser)
    page = client.get(reverse("tracker:invitations", args=[world.cohort.pk])).content.decode()
    assert page.count("Email gagal") >= 2
    assert "Citra Peserta Baru" in page


class RefusingBackend:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_list_query_count_does_not_grow_with_its_rows(
    organiser, world, run_tasks, client, django_assert_max_num_queries
):
    _import(organiser, world, [_row(world)])
    client.force_login(world.organiser)
    url = reverse("tracker:invitations", args=[world.cohort.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    _import(
        organiser,
        world,
        [_row(world, nip=f"1990010120150310{n:02d}", email=f"p{n}@x.example") for n in range(5)],
    )
    client.force_login(world.organiser)
    with django_assert_max_num_queries(12):
        assert client.get(url).content.decode().count("Diundang") >= 5


def test_the_link_of_a_deactivated_account_leads_nowhere(organiser, world, run_tasks, client):
    _import(organiser, world, [_row(world)])
    run_tasks()
    User.objects.filter(nip=NEW_NIP).update(is_active=False)
    page = client.get(_path(_link(_mail_to("citra@jejak.example"))))
    assert page.status_code == 200
    assert "Undangan tidak berlaku" in page.content.decode()
    assert "_auth_user_id" not in client.session
