"""`manage.py send_reminders`: the right people, once a day."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from milestones.models import Milestone, MilestoneLog, Reminder
from tests.milestones.factories import MilestoneFactory, RescheduleFactory, put_project_in
from tracker.models import ChangeProject, Role

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 30, 7, 0, tzinfo=JAKARTA)
TODAY = NOW.date()
M = Milestone.State


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _submitted(project, actor, activity, days_ago):
    milestone = MilestoneFactory(project=project, activity=activity, state=M.SUBMITTED)
    MilestoneLog.objects.create(
        project=project,
        milestone=milestone,
        actor=actor,
        role=Role.PARTICIPANT,
        action="submit",
        from_state=M.IN_PROGRESS,
        to_state=M.SUBMITTED,
        created_at=NOW - datetime.timedelta(days=days_ago),
    )
    return milestone


@pytest.fixture
def waiting(world, at_work):
    start = _days(-30)
    MilestoneFactory(
        project=at_work, activity="Segera jatuh tempo", start_date=start, due_date=_days(3)
    )
    MilestoneFactory(
        project=at_work,
        activity="Sudah lewat tenggat",
        start_date=start,
        due_date=_days(-2),
        state=M.IN_PROGRESS,
    )
    MilestoneFactory(project=at_work, activity="Masih lama", start_date=start, due_date=_days(20))
    MilestoneFactory(
        project=at_work,
        activity="Selesai tapi lewat",
        start_date=start,
        due_date=_days(-9),
        state=M.ACCEPTED,
    )
    _submitted(at_work, world.participant, "Menunggu pemeriksaan lama", days_ago=5)
    _submitted(at_work, world.participant, "Baru diajukan", days_ago=1)
    change = RescheduleFactory(
        milestone=MilestoneFactory(
            project=at_work, activity="Dijadwal ulang", start_date=start, due_date=_days(12)
        )
    )
    change.requested_at = NOW - datetime.timedelta(days=4)
    change.save()
    put_project_in(world.other_project, ChangeProject.State.IMPLEMENTATION)
    MilestoneFactory(
        project=world.other_project,
        activity="Lewat di proyek lain",
        start_date=start,
        due_date=_days(-1),
    )
    # A draft's plan reminds nobody.
    draft = MilestoneFactory(activity="Rencana draf", start_date=start, due_date=_days(1))
    return draft


def _run() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_each_person_hears_about_what_waits_on_them(world, waiting, mailoutbox):
    _run()
    mail = {message.to[0]: message.body for message in mailoutbox}
    assert sorted(mail) == sorted(
        [
            world.participant.email,
            world.coach.email,
            world.mentor.email,
            world.other_participant.email,
        ]
    )
    participant = mail[world.participant.email]
    assert "Segera jatuh tempo" in participant and "Sudah lewat tenggat" in participant
    for quiet in ("Masih lama", "Selesai tapi lewat", "Baru diajukan", "Rencana draf"):
        assert quiet not in participant
    assert "Menunggu pemeriksaan lama" in mail[world.coach.email]
    assert "Dijadwal ulang" not in mail[world.coach.email]
    mentor = mail[world.mentor.email]
    assert "Menunggu pemeriksaan lama" in mentor and "Dijadwal ulang" in mentor
    assert "Baru diajukan" not in mentor
    assert "Lewat di proyek lain" in mail[world.other_participant.email]
    assert waiting.project.participant.email not in mail
    assert world.participant.notifications.filter(message__startswith="[Jejak] 2 hal").exists()


@time_machine.travel(NOW, tick=False)
def test_second_run_on_the_same_day_sends_nothing(world, waiting, mailoutbox):
    _run()
    sent = len(mailoutbox)
    output = _run()
    assert len(mailoutbox) == sent == 4
    assert "reminders sent: 0" in output
    assert Reminder.objects.count() == 4


def test_next_day_reminds_again(world, waiting, mailoutbox):
    with time_machine.travel(NOW, tick=False):
        _run()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        _run()
    assert len(mailoutbox) == 8


@time_machine.travel(NOW, tick=False)
def test_waiting_threshold_comes_from_settings(world, waiting, mailoutbox, settings):
    settings.REVIEW_WAITING_DAYS = 7
    _run()
    # Five and four days of waiting are within a week: coach and mentor hear nothing yet.
    assert {message.to[0] for message in mailoutbox} == {
        world.participant.email,
        world.other_participant.email,
    }


@time_machine.travel(NOW, tick=False)
def test_a_failed_send_is_retried_on_the_next_run(world, waiting, mailoutbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def broken(self, *args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(OSError):
        _run()
    assert not Reminder.objects.exists()
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    _run()
    assert len(mailoutbox) == 4
