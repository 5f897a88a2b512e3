"""The participant records a consultation on the control form."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from mentoring.models import Consultation
from tests.mentoring.factories import HTMX, move_project
from tracker.models import ChangeProject, Notification

State = ChangeProject.State


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC))


def _url(world):
    return reverse("mentoring:consultation-create", args=[world.project.pk])


def _session(**changes) -> dict:
    data = {
        "held_on": "2026-11-09",
        "consultant_role": "mentor",
        "mode": "in_person",
        "topic": "Strategi pelibatan pemangku kepentingan",
        "outcome": "Peta pemangku kepentingan disepakati.",
        "follow_up": "Rapat dengan bidang layanan pekan depan.",
    }
    return {**data, **changes}


def _post(client, world, user, data, *, htmx=False):
    client.force_login(user)
    return client.post(_url(world), data, headers=HTMX if htmx else {})


def test_participant_records_a_session_with_the_mentor(client, world):
    response = _post(client, world, world.participant, _session())
    assert response.status_code == 302
    assert response["Location"] == f"{world.project.get_absolute_url()}#consultations"
    consultation = Consultation.objects.get()
    assert consultation.recorded_by == world.participant
    assert consultation.consultant == world.mentor
    assert consultation.held_on == datetime.date(2026, 11, 9)
    assert consultation.mode == Consultation.Mode.IN_PERSON
    assert consultation.follow_up == "Rapat dengan bidang layanan pekan depan."
    assert consultation.status == Consultation.Status.RECORDED
    assert consultation.stage == Consultation.Stage.PROPOSAL


def test_session_with_the_coach_names_the_coach(client, world):
    _post(client, world, world.participant, _session(consultant_role="coach", mode="online"))
    consultation = Consultation.objects.get()
    assert (consultation.consultant, consultation.mode) == (world.coach, "online")


@pytest.mark.parametrize(
    ("state", "stage"),
    [
        (State.PROPOSAL_REVISION, Consultation.Stage.PROPOSAL),
        (State.IMPLEMENTATION, Consultation.Stage.IMPLEMENTATION),
        (State.REPORT_REVIEW, Consultation.Stage.REPORT),
        (State.DEFERRED, Consultation.Stage.REPORT),
        (State.MONITORING, Consultation.Stage.AFTER_TRAINING),
    ],
)
def test_stage_is_taken_from_the_project_state_at_the_time(client, world, state, stage):
    move_project(world.project, state)
    _post(client, world, world.participant, _session())
    assert Consultation.objects.get().stage == stage


def test_named_mentor_is_notified(client, world, mailoutbox, run_tasks):
    _post(client, world, world.participant, _session())
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [[world.mentor.email]]
    assert "Strategi pelibatan pemangku kepentingan" in mailoutbox[0].body
    assert "9 November 2026" in mailoutbox[0].body
    assert Notification.objects.filter(recipient=world.mentor).count() == 1
    assert not Notification.objects.filter(recipient=world.coach).exists()


def test_today_is_accepted(client, world):
    response = _post(client, world, world.participant, _session(held_on="2026-11-10"))
    assert response.status_code == 302


def test_future_date_is_refused_and_nothing_is_recorded(client, world, mailoutbox, run_tasks):
    response = _post(client, world, world.participant, _session(held_on="2026-11-11"))
    run_tasks()
    assert response.status_code == 400
    assert "Tanggal konsultasi tidak boleh di masa depan." in response.content.decode()
    assert not Consultation.objects.exists()
    assert mailoutbox == []


def test_future_date_over_htmx_shows_the_message_in_the_fragment(client, world):
    response = _post(client, world, world.participant, _session(held_on="2026-12-01"), htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in fragment
    assert "Tanggal konsultasi tidak boleh di masa depan." in fragment
    # What was typed stays in the form.
    assert "Strategi pelibatan pemangku kepentingan" in fragment
    assert not Consultation.objects.exists()


def test_htmx_record_replaces_the_panel_with_the_session_and_counts(client, world):
    response = _post(client, world, world.participant, _session(), htmx=True)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section class="card notes-panel" id="consultations"')
    assert "Konsultasi tercatat dan menunggu konfirmasi." in fragment
    assert "Menunggu konfirmasi" in fragment
    assert Consultation.objects.count() == 1


def test_missing_fields_are_refused_with_messages(client, world):
    response = _post(client, world, world.participant, {"held_on": "2026-11-09"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Pilih coach atau mentor." in page
    assert "Isi topik konsultasi." in page
    assert not Consultation.objects.exists()


def test_mentor_cannot_be_named_before_one_is_assigned(client, world):
    ChangeProject.objects.filter(pk=world.project.pk).update(mentor=None)
    response = _post(client, world, world.participant, _session())
    assert response.status_code == 400
    assert "yang sudah ditetapkan untuk proyek ini" in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.FAILED, State.COMPLETED])
def test_ended_project_takes_no_more_sessions(client, world, state):
    move_project(world.project, state)
    response = _post(client, world, world.participant, _session())
    assert response.status_code == 400
    assert "konsultasi tidak dapat dicatat lagi" in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.parametrize("persona", ["coach", "mentor", "examiner", "organiser", "agency_head"])
def test_only_the_participant_records_sessions(client, world, persona):
    response = _post(client, world, world.persona(persona), _session())
    assert response.status_code == 403
    assert not Consultation.objects.exists()


def test_other_participant_gets_404(client, world):
    response = _post(client, world, world.other_participant, _session())
    assert response.status_code == 404
    assert not Consultation.objects.exists()
