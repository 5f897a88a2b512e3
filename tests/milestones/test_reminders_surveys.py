"""Unanswered survey rounds in the daily reminders: the respondents' one email of the day names
them, and past the programme's escalation delay after the due date the cohort's organisers hear
whom each round waits on, with a link to that round. Never two reminder emails a day."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from mentoring.models import SurveyResponse, SurveyRound
from milestones.models import Reminder
from tests.mentoring.impact import answer, in_monitoring
from tracker.models import EmailDelivery, Notification, ProgrammeRules

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
DUE = datetime.date(2026, 8, 14)  # round 1 of a project closed on 15 January 2026


def _at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=JAKARTA), tick=False
    )


def _run(command: str) -> str:
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


@pytest.fixture
def morning(run_tasks, mailoutbox):
    """The morning's reminders on a day: the digest, then the survey run, then the worker; only
    that day's mail is kept."""

    def run(day: datetime.date, *commands: str) -> dict[str, str]:
        mailoutbox.clear()
        with _at(day):
            for command in commands or ("send_reminders", "send_survey_reminders"):
                _run(command)
            run_tasks()
        return {message.to[0]: message.body for message in mailoutbox}

    return run


@pytest.fixture
def first_round(world, run_tasks):
    first, _final = in_monitoring(world.project)
    with _at(datetime.date(2026, 7, 15)):
        _run("send_survey_reminders")  # the invitations
        run_tasks()
    return first


def test_the_digest_names_the_round_and_the_survey_run_sends_no_second_email(
    world, first_round, morning
):
    mail = morning(datetime.date(2026, 8, 10))

    assert set(mail) == {world.participant.email, world.mentor.email}
    body = mail[world.participant.email]
    assert f"Survei pascapelatihan Putaran 1 (6 bulan) ({world.project.title}) belum dijawab" in (
        body
    )
    assert f"/proyek/{world.project.pk}/survei/{first_round.pk}/" in body
    today = Reminder.objects.filter(sent_on=datetime.date(2026, 8, 10))
    assert sorted(today.values_list("kind", flat=True)) == ["work", "work"]
    # The invitation of 15 July, and today's one sentence.
    notices = Notification.objects.filter(recipient=world.participant).order_by("pk")
    assert [notice.message for notice in notices][1:] == [
        f"Satu hal menunggu Anda: Survei pascapelatihan Putaran 1 (6 bulan) "
        f"({world.project.title}) belum dijawab."
    ]


def test_a_survey_reminder_sent_first_leaves_no_digest_that_day(world, first_round, morning):
    mail = morning(datetime.date(2026, 8, 10), "send_survey_reminders")
    assert set(mail) == {world.participant.email, world.mentor.email}

    with _at(datetime.date(2026, 8, 10)):
        output = _run("send_reminders")

    assert "reminders queued: 0; sudah dikirim hari ini / already sent today: 2" in output
    assert list(Reminder.objects.values_list("kind", flat=True)) == ["survey", "survey"]


@pytest.mark.parametrize(
    ("day", "escalated"),
    # Overdue from 15 August; the default escalation delay is seven days.
    [(datetime.date(2026, 8, 21), False), (datetime.date(2026, 8, 22), True)],
)
def test_past_the_delay_after_the_due_date_the_organiser_hears_whom_the_round_waits_on(
    world, first_round, morning, day, escalated
):
    mail = morning(day)

    assert (world.organiser.email in mail) is escalated
    if escalated:
        body = mail[world.organiser.email]
        assert "Tertahan melewati batas eskalasi program:" in body
        assert "belum dijawab, menunggu Budi Peserta sejak 15 Agustus 2026" in body
        assert "belum dijawab, menunggu Siti Mentor sejak 15 Agustus 2026" in body
        assert f"/proyek/{world.project.pk}/pascapelatihan/#round-{first_round.pk}" in body
        notice = Notification.objects.get(recipient=world.organiser)
        assert notice.url == f"/proyek/{world.project.pk}/pascapelatihan/#round-{first_round.pk}"


def test_the_delay_is_the_programmes(world, first_round, morning):
    ProgrammeRules.objects.update_or_create(
        programme=world.cohort.programme,
        regulation="Aturan uji",
        defaults={
            "effective_from": datetime.date(2019, 1, 1),
            "implementation_days": 60,
            "deferral_days": 30,
            "escalation_days": 2,
        },
    )

    assert world.organiser.email in morning(datetime.date(2026, 8, 17))


def test_only_who_still_owes_an_answer_is_named_and_only_to_the_cohorts_organisers(
    world, elsewhere, first_round, morning
):
    # The other tenant's admin records hold a round of their own: its schedule is made afresh.
    SurveyResponse.objects.filter(round__project=elsewhere.project).delete()
    SurveyRound.objects.filter(project=elsewhere.project).delete()
    other_first, _final = in_monitoring(elsewhere.project)
    with _at(datetime.date(2026, 8, 1)):
        answer(first_round, world.participant)
    with _at(datetime.date(2026, 7, 15)):
        _run("send_survey_reminders")

    mail = morning(datetime.date(2026, 8, 25))

    ours = mail[world.organiser.email]
    assert "menunggu Siti Mentor" in ours
    assert "menunggu Budi Peserta" not in ours
    assert elsewhere.project.title not in ours
    theirs = mail[elsewhere.organiser.email]
    assert f"#round-{other_first.pk}" in theirs
    assert world.project.title not in theirs


def test_nothing_is_sent_twice(world, first_round, morning, mailoutbox):
    day = datetime.date(2026, 8, 22)
    first = morning(day)
    again = morning(day)

    assert set(first) == {world.participant.email, world.mentor.email, world.organiser.email}
    assert again == {}
    assert Notification.objects.filter(recipient=world.organiser).count() == 1
    assert Reminder.objects.filter(sent_on=day).count() == 3


def test_the_organisers_link_opens_the_round_on_the_monitoring_page(
    client, world, first_round, morning
):
    morning(datetime.date(2026, 8, 22))
    notice = Notification.objects.get(recipient=world.organiser)
    path, anchor = notice.url.split("#")

    client.force_login(world.organiser)
    page = client.get(path)

    assert page.status_code == 200
    assert f'id="{anchor}"' in page.content.decode()


def test_a_failed_digest_is_queued_again_by_its_own_command_only(world, first_round, morning):
    day = datetime.date(2026, 8, 10)
    morning(day, "send_reminders")
    reminder = Reminder.objects.get(recipient=world.participant, sent_on=day)
    EmailDelivery.objects.filter(pk=reminder.delivery_id).update(status="failed")

    with _at(day):
        assert "reminders queued: 0" in _run("send_survey_reminders")
        assert EmailDelivery.objects.get(pk=reminder.delivery_id).status == "failed"
        assert "reminders queued: 1" in _run("send_reminders")
    assert EmailDelivery.objects.get(pk=reminder.delivery_id).status == "queued"
