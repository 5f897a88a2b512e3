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
from tracker.models import ChangeProject, EmailDelivery, Notification, Role

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


@pytest.fixture
def remind(run_tasks):
    """Run the command, then the worker: what the morning cron job and `db_worker` do."""

    def run() -> str:
        out = StringIO()
        call_command("send_reminders", stdout=out)
        run_tasks()
        return out.getvalue()

    return run


@time_machine.travel(NOW, tick=False)
def test_each_person_hears_about_what_waits_on_them(world, waiting, mailoutbox, remind):
    remind()
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
    # The in-app notice is a sentence and leads to the most pressing item, not to the home page.
    notice = world.participant.notifications.get()
    assert notice.message == "2 hal menunggu Anda, antara lain tonggak “Sudah lewat tenggat”."
    assert notice.url == Milestone.objects.get(activity="Sudah lewat tenggat").get_absolute_url()


@time_machine.travel(NOW, tick=False)
def test_second_run_on_the_same_day_sends_nothing(world, waiting, mailoutbox, remind):
    remind()
    sent = len(mailoutbox)
    output = remind()
    assert len(mailoutbox) == sent == 4
    assert "reminders queued: 0" in output
    assert Reminder.objects.count() == 4


def test_next_day_reminds_again(world, waiting, mailoutbox, remind):
    with time_machine.travel(NOW, tick=False):
        remind()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        remind()
    assert len(mailoutbox) == 8


@time_machine.travel(NOW, tick=False)
def test_waiting_threshold_comes_from_settings(world, waiting, mailoutbox, settings, remind):
    settings.REVIEW_WAITING_DAYS = 7
    remind()
    # Five and four days of waiting are within a week: coach and mentor hear nothing yet.
    assert {message.to[0] for message in mailoutbox} == {
        world.participant.email,
        world.other_participant.email,
    }


@time_machine.travel(NOW, tick=False)
def test_a_reminder_the_worker_gave_up_on_is_sent_by_the_next_run(
    world, waiting, mailoutbox, monkeypatch, settings, remind
):
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.send

    def broken(self, *args, **kwargs):
        raise OSError("SMTP down")

    settings.EMAIL_MAX_ATTEMPTS = 1
    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    assert "reminders queued: 4" in remind()
    assert mailoutbox == []
    assert Reminder.objects.count() == 4
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"failed"}
    # The day's notices are under the bell all the same.
    assert world.participant.notifications.filter(message__startswith="2 hal menunggu").exists()

    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert "reminders queued: 4" in remind()
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [
            world.participant.email,
            world.coach.email,
            world.mentor.email,
            world.other_participant.email,
        ]
    )
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Notification.objects.count() == 4
    assert "reminders queued: 0" in remind()
    assert len(mailoutbox) == 4


@time_machine.travel(NOW, tick=False)
def test_a_reminder_still_being_retried_is_not_queued_twice(
    world, waiting, mailoutbox, monkeypatch, remind
):
    from django.core.mail import EmailMultiAlternatives

    def broken(self, *args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    remind()
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {"retrying"}
    assert "reminders queued: 0" in remind()
    assert EmailDelivery.objects.count() == 4


@time_machine.travel(NOW, tick=False)
def test_a_reminder_email_belongs_to_the_cohort_of_everything_it_lists(world, waiting, remind):
    remind()
    participant = EmailDelivery.objects.get(to=world.participant.email)
    assert participant.cohort == world.cohort


# --- once across servers: two hosts with the same timer ----------------------------------------


def _held_elsewhere(name: str):
    """Hold the lock from another thread (another database connection), as another host would."""
    import threading

    from django.db import connection

    from tracker.locks import held_alone

    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with held_alone(name) as mine:
                assert mine
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(30)
    return release, thread


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@time_machine.travel(NOW, tick=False)
def test_a_run_while_another_server_sends_sends_nothing(world, waiting, mailoutbox, remind):
    release, thread = _held_elsewhere("send_reminders")
    try:
        output = remind()
    finally:
        release.set()
        thread.join()

    assert "Another run is sending the reminders" in output
    assert not Reminder.objects.exists()
    assert mailoutbox == []
    output = remind()  # the lock is free again: the next run sends
    assert "reminders queued: 4" in output
    assert len(mailoutbox) == 4
