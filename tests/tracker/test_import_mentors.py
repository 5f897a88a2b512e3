"""The participant import creates and invites a mentor it names by NIP, name and email."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.tracker.test_participant_import import (
    HEADER,
    NEW_NIP,
    SECOND_NIP,
    _confirm_url,
    _csv,
    _row,
    _token,
    _upload,
)
from tracker.models import ChangeProject, Invitation, User

MENTOR_HEADER = [*HEADER, "Nama mentor", "Email mentor"]
MENTOR_NIP = "197512102000031003"


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


def _mentor_row(world, nip=NEW_NIP, email="citra@jejak.example", **mentor):
    """A participant row naming a mentor by `mentor_nip`, `mentor_name` and `mentor_email`."""
    found = {
        "mentor_nip": MENTOR_NIP,
        "mentor_name": "Hari Susanto",
        "mentor_email": "hari@jejak.example",
        **mentor,
    }
    return [
        *_row(world, nip=nip, email=email, mentor=found["mentor_nip"]),
        found["mentor_name"],
        found["mentor_email"],
    ]


def _file(rows) -> bytes:
    return _csv(rows, header=MENTOR_HEADER)


def test_a_new_mentor_is_previewed_created_once_and_invited(organiser, world, run_tasks):
    rows = [_mentor_row(world), _mentor_row(world, nip=SECOND_NIP, email="d@jejak.example")]
    preview = _upload(organiser, world, _file(rows))
    assert preview.status_code == 200
    assert "Mentor Hari Susanto belum punya akun" in preview.content.decode()
    assert not User.objects.filter(nip=MENTOR_NIP).exists()
    response = organiser.post(_confirm_url(world), {"token": _token(preview)})
    assert response.status_code == 302
    mentor = User.objects.get(nip=MENTOR_NIP)
    assert (mentor.full_name, mentor.email, mentor.agency) == (
        "Hari Susanto",
        "hari@jejak.example",
        world.dinas,
    )
    assert not mentor.has_usable_password()
    assert ChangeProject.objects.filter(mentor=mentor, cohort=world.cohort).count() == 2
    invitation = Invitation.objects.get(user=mentor)
    assert (invitation.role, invitation.cohort) == ("mentor", world.cohort)
    page = organiser.get(response["Location"]).content.decode()
    assert "3 undangan dikirim lewat email." in page
    run_tasks()
    (to_mentor,) = [message for message in mail.outbox if message.to == ["hari@jejak.example"]]
    assert "sebagai Mentor" in to_mentor.body


def test_rerunning_with_the_new_mentor_changes_and_sends_nothing(organiser, world, run_tasks):
    content = _file([_mentor_row(world)])
    organiser.post(_confirm_url(world), {"token": _token(_upload(organiser, world, content))})
    run_tasks()
    sent, people = len(mail.outbox), User.objects.count()
    again = _upload(organiser, world, content)
    assert "Sudah terdaftar; tidak berubah" in again.content.decode()
    organiser.post(_confirm_url(world), {"token": _token(again)})
    assert run_tasks() == 0
    assert (len(mail.outbox), User.objects.count()) == (sent, people)


def test_a_new_mentor_added_to_an_existing_project_updates_it(organiser, world):
    row = _mentor_row(world, nip=world.participant.nip, email=world.participant.email)
    row[1] = world.participant.full_name
    preview = _upload(organiser, world, _file([row]))
    assert "Sudah terdaftar; diperbarui" in preview.content.decode()
    organiser.post(_confirm_url(world), {"token": _token(preview)})
    world.project.refresh_from_db()
    assert world.project.mentor.nip == MENTOR_NIP


@pytest.mark.parametrize(
    ("mentor", "message"),
    [
        ({"mentor_name": "", "mentor_email": ""}, "Isi juga nama dan email mentor"),
        ({"mentor_email": "bukan-email"}, "Email mentor “bukan-email” tidak valid."),
        ({"mentor_nip": "12345"}, "NIP mentor harus terdiri dari 18 angka."),
        ({"mentor_nip": SECOND_NIP}, "NIP mentor ini juga peserta di baris 3"),
    ],
)
def test_a_new_mentor_row_with_problems_is_refused_and_nothing_is_written(
    organiser, world, mentor, message
):
    rows = [_mentor_row(world, **mentor), _row(world, nip=SECOND_NIP, email="d@jejak.example")]
    rows[1] += ["", ""]
    before = User.objects.count()
    response = _upload(organiser, world, _file(rows))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_one_new_mentor_written_two_ways_is_refused(organiser, world):
    rows = [
        _mentor_row(world),
        _mentor_row(world, nip=SECOND_NIP, email="d@jejak.example", mentor_name="Hari S."),
    ]
    response = _upload(organiser, world, _file(rows))
    assert response.status_code == 400
    assert "ditulis dengan nama atau email lain di baris 2" in response.content.decode()


def test_a_new_mentor_must_work_above_every_participant_they_mentor(organiser, world):
    rows = [
        _mentor_row(world),
        _mentor_row(world, nip=SECOND_NIP, email="d@jejak.example")[:3]
        + ["LAIN"]
        + _mentor_row(world)[4:],
    ]
    response = _upload(organiser, world, _file(rows))
    assert response.status_code == 400
    assert "bukan di instansi peserta ini atau instansi induknya" in response.content.decode()


def test_the_mentor_columns_are_optional(organiser, world):
    response = _upload(organiser, world, _csv([_row(world)]))
    assert response.status_code == 200
    assert "Akun dan proyek baru" in response.content.decode()
