"""`manage.py send_survey_reminders`: invitations when a round opens, reminders before and after
the due date, in the recipient's language, never twice a day."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from mentoring.models import SurveyRoundLog
from mentoring.services import round_excuse
from milestones.models import Reminder
from tests.factories import ChangeProjectFactory
from tests.mentoring.impact import answer, in_monitoring
from tracker.models import EmailDelivery, Notification

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def _at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=JAKARTA), tick=False
    )


def _run() -> str:
    out = StringIO()
    call_command("send_survey_reminders", stdout=out)
    return out.getvalue()


def _subjects(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


@pytest.fixture
def rounds(world):
    world.participant.email = "budi@example.id"
    world.participant.save()
    world.mentor.email = "siti@example.id"
    world.mentor.language = "en"
    world.mentor.save()
    return in_monitoring(world.project)  # round 1 opens 15 July 2026, due 14 August 2026


def test_nothing_is_sent_before_a_round_opens(world, rounds):
    with _at(datetime.date(2026, 7, 14)):
        assert "rounds invited: 0" in _run()
    assert not Notification.objects.exists()


def test_an_opened_round_invites_both_once_in_their_language(world, rounds, run_tasks):
    first, _final = rounds
    with _at(datetime.date(2026, 7, 15)):
        assert "rounds invited: 1" in _run()
        assert "rounds invited: 0" in _run()
        run_tasks()
    assert _subjects(world.participant) == [
        f"[Jejak] {world.project.title}: survei pascapelatihan putaran 1 dibuka"
    ]
    assert len(_subjects(world.mentor)) == 1
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"budi@example.id", "siti@example.id"}
    assert "Yth. Budi Peserta" in sent["budi@example.id"].body
    assert "14 Agustus 2026" in sent["budi@example.id"].body
    assert "Dear Siti Mentor" in sent["siti@example.id"].body
    assert "14 August 2026" in sent["siti@example.id"].body
    assert f"/proyek/{world.project.pk}/survei/{first.pk}/" in sent["siti@example.id"].body
    first.refresh_from_db()
    assert first.invited_at is not None
    assert SurveyRoundLog.objects.filter(round=first, action="invite").count() == 1


def test_reminders_start_before_the_due_date_and_go_once_a_day(world, rounds):
    first, _final = rounds
    with _at(datetime.date(2026, 7, 15)):
        _run()
    with _at(datetime.date(2026, 8, 6)):  # 8 days before the due date: not yet
        assert "reminders queued: 0" in _run()
    with _at(datetime.date(2026, 8, 7)):  # 7 days before
        assert "reminders queued: 2" in _run()
        assert "reminders queued: 0; sudah dikirim hari ini / already sent today: 2" in _run()
    assert Reminder.objects.filter(kind="survey", sent_on=datetime.date(2026, 8, 7)).count() == 2
    # The bell says a sentence and leads to the round; the email keeps its subject.
    notice = Notification.objects.filter(recipient=world.participant).latest("pk")
    assert notice.message == (
        f"Survei pascapelatihan Putaran 1 (6 bulan) untuk {world.project.title} menunggu "
        "jawaban Anda."
    )
    assert notice.url == f"/proyek/{world.project.pk}/survei/{first.pk}/"
    delivery = EmailDelivery.objects.get(notification=notice)
    assert delivery.subject == "[Jejak] Pengingat: 1 survei pascapelatihan menunggu jawaban Anda"


def test_after_the_due_date_the_reminder_says_a_late_answer_is_still_welcome(
    world, rounds, run_tasks
):
    with _at(datetime.date(2026, 7, 15)):
        _run()
    with _at(datetime.date(2026, 8, 20)):
        assert "reminders queued: 2" in _run()
        run_tasks()
    body = next(
        m.body for m in mail.outbox if m.to == ["budi@example.id"] and "Pengingat" in m.subject
    )
    assert "lewat batas 14 Agustus 2026; jawaban terlambat tetap diterima" in body


def test_who_answered_or_was_excused_is_not_reminded(world, rounds):
    first, _final = rounds
    with _at(datetime.date(2026, 7, 15)):
        _run()
    with _at(datetime.date(2026, 8, 1)):
        answer(first, world.participant)
        round_excuse(survey_round=first, by=world.organiser, role="mentor", reason="Cuti besar.")
    with _at(datetime.date(2026, 8, 10)):
        assert "reminders queued: 0" in _run()
    assert not Reminder.objects.exists()


def test_a_reminder_the_worker_gave_up_on_is_queued_again_the_same_day(world, rounds):
    with _at(datetime.date(2026, 7, 15)):
        _run()
    with _at(datetime.date(2026, 8, 10)):
        _run()
        reminder = Reminder.objects.get(recipient=world.participant, kind="survey")
        EmailDelivery.objects.filter(pk=reminder.delivery_id).update(status="failed")
        assert "reminders queued: 1" in _run()
    assert EmailDelivery.objects.get(pk=reminder.delivery_id).status == "queued"


def test_the_notice_for_several_rounds_names_the_first_due(world, rounds):
    other = ChangeProjectFactory(participant=world.participant, mentor=world.mentor)
    in_monitoring(other)
    with _at(datetime.date(2026, 7, 15)):
        _run()
    with _at(datetime.date(2026, 8, 10)):
        _run()

    notice = Notification.objects.filter(recipient=world.participant).latest("pk")
    assert notice.message.startswith("2 survei pascapelatihan menunggu jawaban Anda, antara lain ")
    assert notice.message.endswith("Putaran 1 (6 bulan) untuk " + world.project.title + ".")
