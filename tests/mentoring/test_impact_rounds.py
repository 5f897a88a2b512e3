"""Closing training schedules the survey rounds; the organiser opens early, extends, excuses."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from mentoring.models import SurveyExcusal, SurveyRound, SurveyRoundLog, SurveySchedule
from mentoring.services import (
    add_months,
    impact_close_training,
    round_excuse,
    round_extend,
    round_open_early,
)
from tests.mentoring.impact import answer, in_monitoring
from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject, Notification, TransitionLog
from tracker.workflow import Forbidden, Refused

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
S = ChangeProject.State


@time_machine.travel(datetime.datetime(2026, 1, 15, 9, 0, tzinfo=JAKARTA), tick=False)
def test_closing_training_schedules_rounds_at_6_and_12_months(world):
    project = put_project_in(world.project, S.PASSED)
    log = impact_close_training(project=project, by=world.organiser, expected_state=S.PASSED)
    project.refresh_from_db()
    assert project.state == S.MONITORING
    assert log.transition == "close_training"
    rounds = list(project.survey_rounds.order_by("number"))
    assert [(r.number, r.months_after, r.opens_on, r.due_on, r.is_final) for r in rounds] == [
        (1, 6, datetime.date(2026, 7, 15), datetime.date(2026, 8, 14), False),
        (2, 12, datetime.date(2027, 1, 15), datetime.date(2027, 2, 14), True),
    ]
    logs = SurveyRoundLog.objects.filter(project=project, action="schedule")
    assert [entry.actor for entry in logs] == [world.organiser, world.organiser]
    assert "15 Juli 2026" in logs[0].detail


@time_machine.travel(datetime.datetime(2026, 1, 15, 9, 0, tzinfo=JAKARTA), tick=False)
def test_the_programme_schedule_decides_the_offsets(world):
    SurveySchedule.objects.filter(programme=world.cohort.programme).update(
        offsets_months=[3, 9, 18], window_days=14
    )
    project = put_project_in(world.project, S.PASSED)
    impact_close_training(project=project, by=world.organiser)
    rounds = list(project.survey_rounds.order_by("number"))
    assert [(r.months_after, r.opens_on, r.is_final) for r in rounds] == [
        (3, datetime.date(2026, 4, 15), False),
        (9, datetime.date(2026, 10, 15), False),
        (18, datetime.date(2027, 7, 15), True),
    ]
    assert rounds[0].due_on == datetime.date(2026, 4, 29)


def test_a_refused_close_schedules_nothing(world):
    project = put_project_in(world.project, S.PASSED)
    with pytest.raises(Forbidden):
        impact_close_training(project=project, by=world.mentor)
    assert not SurveyRound.objects.filter(project=project).exists()
    assert not TransitionLog.objects.filter(project=project).exists()


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 1, 15), 12) == datetime.date(2027, 1, 15)


@time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=JAKARTA), tick=False)
def test_organiser_opens_a_round_early_and_it_is_logged_and_invites(world):
    first, _final = in_monitoring(world.project)
    round_open_early(survey_round=first, by=world.organiser, comment="Jadwal evaluasi LAN.")
    first.refresh_from_db()
    assert first.opens_on == datetime.date(2026, 3, 2)
    assert first.invited_at is not None
    log = SurveyRoundLog.objects.get(round=first, action="open_early")
    assert (log.actor, log.comment) == (world.organiser, "Jadwal evaluasi LAN.")
    assert log.detail == "15 Juli 2026 → 2 Maret 2026"
    invited = set(
        Notification.objects.filter(project=world.project).values_list("recipient", flat=True)
    )
    assert invited == {world.participant.pk, world.mentor.pk}
    with pytest.raises(Refused, match="sudah dibuka"):
        round_open_early(survey_round=first, by=world.organiser)


def test_only_the_organiser_manages_rounds(world):
    first, _final = in_monitoring(world.project)
    for person in (world.participant, world.mentor, world.coach, world.agency_head):
        with pytest.raises(Forbidden):
            round_extend(survey_round=first, by=person, due_on=datetime.date(2026, 9, 30))
        with pytest.raises(Forbidden):
            round_excuse(survey_round=first, by=person, role="mentor", reason="Pensiun.")
    first.refresh_from_db()
    assert first.due_on == datetime.date(2026, 8, 14)
    assert not SurveyExcusal.objects.exists()


def test_extending_moves_the_due_date_later_only(world):
    first, _final = in_monitoring(world.project)
    with pytest.raises(Refused, match="sesudah batas"):
        round_extend(survey_round=first, by=world.organiser, due_on=datetime.date(2026, 8, 1))
    round_extend(
        survey_round=first, by=world.organiser, due_on=datetime.date(2026, 9, 30), comment="Cuti."
    )
    first.refresh_from_db()
    assert first.due_on == datetime.date(2026, 9, 30)
    log = SurveyRoundLog.objects.get(round=first, action="extend")
    assert log.detail == "14 Agustus 2026 → 30 September 2026"


def test_excusing_needs_a_reason_and_happens_once(world):
    first, _final = in_monitoring(world.project)
    with pytest.raises(Refused, match="alasan"):
        round_excuse(survey_round=first, by=world.organiser, role="mentor", reason="  ")
    round_excuse(survey_round=first, by=world.organiser, role="mentor", reason="Mentor pensiun.")
    excusal = SurveyExcusal.objects.get(round=first)
    assert (excusal.role, excusal.reason, excusal.excused_by) == (
        "mentor",
        "Mentor pensiun.",
        world.organiser,
    )
    assert SurveyRoundLog.objects.get(round=first, action="excuse").comment == "Mentor pensiun."
    with pytest.raises(Refused, match="sudah dibebaskan"):
        round_excuse(survey_round=first, by=world.organiser, role="mentor", reason="Lagi.")


@time_machine.travel(datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA), tick=False)
def test_a_respondent_who_answered_is_not_excused(world):
    first, _final = in_monitoring(world.project)
    answer(first, world.participant)
    with pytest.raises(Refused, match="sudah mengirim"):
        round_excuse(survey_round=first, by=world.organiser, role="participant", reason="x")


def test_rounds_of_a_completed_project_are_not_changed(world):
    first, _final = in_monitoring(world.project)
    put_project_in(world.project, S.COMPLETED)
    with pytest.raises(Refused, match="tidak dapat diubah"):
        round_extend(survey_round=first, by=world.organiser, due_on=datetime.date(2026, 12, 1))


def test_the_operator_sets_a_programmes_offsets_in_the_admin(client, world):
    schedule = SurveySchedule.objects.get(programme=world.cohort.programme)
    url = f"/admin/mentoring/surveyschedule/{schedule.pk}/change/"
    client.force_login(world.organiser)
    assert client.get(url).status_code == 403  # staff without the operator's rights
    client.force_login(world.admin)
    data = {
        "programme": schedule.programme,
        "offsets_months": "[3, 9]",
        "window_days": "21",
        "remind_days_before": "5",
    }
    assert client.post(url, {**data, "offsets_months": "[0, 99]"}).status_code == 200
    assert client.post(url, data).status_code == 302
    schedule.refresh_from_db()
    assert (schedule.offsets_months, schedule.window_days) == ([3, 9], 21)
