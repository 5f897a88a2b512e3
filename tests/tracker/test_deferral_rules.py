"""A deferral at the edges of the programme's rules: the window, the number of resubmissions, and
what a lapsed window leads to (failed, or a remedial exam the organiser records)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject, ProgrammeRules, TransitionLog
from tracker.services import (
    project_fail_remedial_exam,
    project_lapse_deferral,
    project_pass_remedial_exam,
    project_resubmit,
)
from tracker.workflow import Forbidden, Refused

S = ChangeProject.State
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
DEADLINE = datetime.date(2026, 12, 15)


def _on(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=JAKARTA), tick=False
    )


LAST_DAY = _on(DEADLINE, 23)
DAY_AFTER = _on(DEADLINE + datetime.timedelta(days=1), 0)


@pytest.fixture
def deferred(world) -> ChangeProject:
    ChangeProject.objects.filter(pk=world.project.pk).update(deferral_deadline=DEADLINE)
    return put_project_in(world.project, S.DEFERRED)


def _rules(world, **values) -> None:
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(**values)


def test_the_deferral_cannot_be_closed_on_its_last_day(world, deferred):
    with LAST_DAY, pytest.raises(Refused) as refused:
        project_lapse_deferral(project=deferred, by=world.organiser)

    assert "Masa penundaan masih berjalan sampai 15 Desember 2026" in str(refused.value.message)
    deferred.refresh_from_db()
    assert deferred.state == S.DEFERRED


def test_a_lapsed_deferral_fails_when_the_rules_say_so(world, deferred):
    with DAY_AFTER:
        log = project_lapse_deferral(project=deferred, by=world.organiser)

    deferred.refresh_from_db()
    assert deferred.state == S.FAILED
    assert (log.transition, log.from_state, log.to_state) == (
        "lapse_deferral",
        S.DEFERRED,
        S.FAILED,
    )


def test_a_lapsed_deferral_leads_to_the_remedial_exam_the_rules_name(world, deferred):
    _rules(world, lapse_outcome=ProgrammeRules.Lapse.REMEDIAL_EXAM)

    with DAY_AFTER:
        project_lapse_deferral(project=deferred, by=world.organiser)

    deferred.refresh_from_db()
    assert deferred.state == S.REMEDIAL_EXAM


def test_organiser_records_a_passed_remedial_exam(world, deferred):
    put_project_in(deferred, S.REMEDIAL_EXAM)

    project_pass_remedial_exam(project=deferred, by=world.organiser, comment="Nilai 78.")

    deferred.refresh_from_db()
    assert deferred.state == S.PASSED
    assert TransitionLog.objects.get(transition="pass_remedial_exam").comment == "Nilai 78."


def test_a_failed_remedial_exam_needs_a_reason(world, deferred):
    put_project_in(deferred, S.REMEDIAL_EXAM)

    with pytest.raises(Refused):
        project_fail_remedial_exam(project=deferred, by=world.organiser, comment="")
    project_fail_remedial_exam(project=deferred, by=world.organiser, comment="Tidak hadir.")

    deferred.refresh_from_db()
    assert deferred.state == S.FAILED


@pytest.mark.parametrize("persona", ["participant", "coach", "mentor", "examiner"])
def test_only_the_organiser_closes_a_deferral(world, deferred, persona):
    with DAY_AFTER, pytest.raises(Forbidden):
        project_lapse_deferral(project=deferred, by=world.persona(persona))


def test_resubmission_on_the_last_day_but_not_the_day_after(world, deferred):
    with DAY_AFTER, pytest.raises(Refused) as refused:
        project_resubmit(project=deferred, by=world.participant)
    assert "Batas waktu pengajuan ulang sudah lewat." in str(refused.value.message)

    with LAST_DAY:
        project_resubmit(project=deferred, by=world.participant)
    deferred.refresh_from_db()
    assert deferred.state == S.RESULTS_SEMINAR


def test_resubmissions_stop_at_the_number_the_rules_allow(world, deferred):
    with LAST_DAY:
        project_resubmit(project=deferred, by=world.participant)
    put_project_in(deferred, S.DEFERRED)  # deferred again at the next seminar

    with LAST_DAY, pytest.raises(Refused) as refused:
        project_resubmit(project=deferred, by=world.participant)

    assert "aturan program mengizinkan 1 kali" in str(refused.value.message)
    _rules(world, resubmissions_allowed=2)
    with LAST_DAY:
        project_resubmit(project=deferred, by=world.participant)
    deferred.refresh_from_db()
    assert deferred.state == S.RESULTS_SEMINAR


def test_project_page_offers_the_organiser_to_close_a_lapsed_deferral(client, world, deferred):
    client.force_login(world.organiser)
    url = reverse("tracker:lapse-deferral", args=[deferred.pk])

    with DAY_AFTER:
        page = client.get(deferred.get_absolute_url()).content.decode()
        response = client.post(url, {"expected_state": S.DEFERRED})

    assert f'action="{url}"' in page
    assert response.status_code == 302
    deferred.refresh_from_db()
    assert deferred.state == S.FAILED


def test_participant_may_not_post_the_closing(client, world, deferred):
    client.force_login(world.participant)

    with DAY_AFTER:
        response = client.post(
            reverse("tracker:lapse-deferral", args=[deferred.pk]), {"expected_state": S.DEFERRED}
        )

    assert response.status_code == 403
    deferred.refresh_from_db()
    assert deferred.state == S.DEFERRED
