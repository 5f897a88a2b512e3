"""The daily run closes lapsed deferrals as the programme's rules say: failed, or the remedial
exam the organiser records. Through the organiser's transition, logged as the system with the
reason, the project's people and organisers told; once, on the day after the window's last day."""

from __future__ import annotations

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tests.milestones.factories import put_project_in
from tests.milestones.test_reminders import _held_elsewhere
from tracker.accounts import system_user
from tracker.models import ChangeProject, Notification, ProgrammeRules, Role, TransitionLog
from tracker.services import project_pass_remedial_exam, project_resubmit
from tracker.workflow import Forbidden

S = ChangeProject.State
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
DEADLINE = datetime.date(2026, 12, 15)


def _morning(day: datetime.date, hour: int = 7):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=JAKARTA), tick=False
    )


LAST_DAY = _morning(DEADLINE, 23)
DAY_AFTER = _morning(DEADLINE + datetime.timedelta(days=1), 0)


def _run() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


@pytest.fixture
def deferred(world) -> ChangeProject:
    ChangeProject.objects.filter(pk=world.project.pk).update(deferral_deadline=DEADLINE)
    project = put_project_in(world.project, S.DEFERRED)
    Notification.objects.all().delete()
    return project


def _told(world) -> set[str]:
    return set(
        Notification.objects.filter(transition_log__transition="lapse_deferral").values_list(
            "recipient__username", flat=True
        )
    )


def test_nothing_is_closed_on_the_last_day_of_the_window(world, deferred):
    with LAST_DAY:
        assert "lapsed deferrals closed: 0" in _run()

    deferred.refresh_from_db()
    assert deferred.state == S.DEFERRED
    assert not TransitionLog.objects.filter(transition="lapse_deferral").exists()


def test_the_day_after_a_lapsed_deferral_fails_logged_as_the_system_with_the_reason(
    world, deferred
):
    with DAY_AFTER:
        assert "lapsed deferrals closed: 1" in _run()

    deferred.refresh_from_db()
    assert deferred.state == S.FAILED
    log = TransitionLog.objects.get(transition="lapse_deferral")
    assert log.actor == system_user()
    assert log.role == Role.SYSTEM
    assert (log.from_state, log.to_state) == (S.DEFERRED, S.FAILED)
    assert log.comment == (
        "Masa penundaan berakhir 15 Desember 2026 tanpa pengajuan ulang laporan. Sesuai aturan "
        "program, proyek dinyatakan tidak lulus."
    )
    assert _told(world) == {
        world.participant.username,
        world.coach.username,
        world.mentor.username,
        world.organiser.username,
    }


def test_with_the_remedial_exam_rule_the_organiser_is_told_to_record_it(world, deferred):
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(
        lapse_outcome=ProgrammeRules.Lapse.REMEDIAL_EXAM
    )

    with DAY_AFTER:
        _run()

    deferred.refresh_from_db()
    assert deferred.state == S.REMEDIAL_EXAM
    log = TransitionLog.objects.get(transition="lapse_deferral")
    assert "penyelenggara mencatat hasilnya di halaman proyek" in log.comment
    assert world.organiser.username in _told(world)
    notice = Notification.objects.get(recipient=world.organiser, transition_log=log)
    assert notice.url == deferred.get_absolute_url()
    # The organiser then records the exam as before.
    project_pass_remedial_exam(project=deferred, by=world.organiser, comment="Nilai 80.")
    deferred.refresh_from_db()
    assert deferred.state == S.PASSED


def test_a_second_run_and_a_resubmitted_or_running_deferral_are_left_alone(world, deferred):
    put_project_in(world.other_project, S.DEFERRED)
    ChangeProject.objects.filter(pk=world.other_project.pk).update(
        deferral_deadline=DEADLINE + datetime.timedelta(days=10)
    )

    with DAY_AFTER:
        assert "lapsed deferrals closed: 1" in _run()
        assert "lapsed deferrals closed: 0" in _run()

    assert TransitionLog.objects.filter(transition="lapse_deferral").count() == 1
    world.other_project.refresh_from_db()
    assert world.other_project.state == S.DEFERRED


def test_a_deferral_resubmitted_on_its_last_day_is_not_closed(world, deferred):
    with LAST_DAY:
        project_resubmit(project=deferred, by=world.participant)
    with DAY_AFTER:
        assert "lapsed deferrals closed: 0" in _run()

    deferred.refresh_from_db()
    assert deferred.state == S.RESULTS_SEMINAR


def test_the_system_account_signs_in_nowhere_and_runs_no_other_transition(world, deferred):
    system = system_user()

    assert system.is_system and not system.is_active and not system.has_usable_password()
    assert system_user().pk == system.pk
    with LAST_DAY, pytest.raises(Forbidden):
        project_resubmit(project=deferred, by=system)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_while_another_server_runs_closes_nothing(world, deferred):
    release, thread = _held_elsewhere("send_reminders")
    try:
        with DAY_AFTER:
            output = _run()
    finally:
        release.set()
        thread.join()

    assert "Another run is sending the reminders" in output
    deferred.refresh_from_db()
    assert deferred.state == S.DEFERRED
