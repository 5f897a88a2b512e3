"""Attendance at a seminar: examiners, coach and mentor present, recorded for the minutes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import SeminarAttendance
from mentoring.services import seminar_record_attendance
from reports.documents.seminar_minutes import seminar_minutes_data
from tests.reports.conftest import record_proposal_seminar
from tracker.models import Role, Seminar
from tracker.workflow import Forbidden, Refused


def _seminar(world) -> Seminar:
    return Seminar.objects.get(projects=world.project, kind=Seminar.Kind.PROPOSAL)


def _url(world) -> str:
    return reverse("mentoring:seminar-attendance", args=[_seminar(world).pk, world.project.pk])


@pytest.mark.parametrize("persona", ["examiner", "organiser"])
def test_examiner_or_organiser_records_who_was_present(client, world, persona):
    client.force_login(world.persona(persona))

    response = client.post(
        _url(world),
        {"present": [f"examiner:{world.examiner.pk}", f"mentor:{world.mentor.pk}"]},
    )

    assert response.status_code == 302
    recorded = {
        (row.person, row.role): row.present
        for row in SeminarAttendance.objects.filter(project=world.project)
    }
    assert recorded == {
        (world.examiner, Role.EXAMINER): True,
        (world.coach, Role.COACH): False,
        (world.mentor, Role.MENTOR): True,
    }
    assert all(row.recorded_by == world.persona(persona) for row in SeminarAttendance.objects.all())


def test_recording_again_changes_the_answer_and_keeps_one_row_each(world):
    seminar = _seminar(world)
    present = [(world.coach.pk, Role.COACH)]
    seminar_record_attendance(
        seminar=seminar, project=world.project, by=world.examiner, present=present
    )

    seminar_record_attendance(seminar=seminar, project=world.project, by=world.examiner, present=[])

    assert SeminarAttendance.objects.count() == 3
    assert not SeminarAttendance.objects.filter(present=True).exists()


def test_someone_not_expected_cannot_be_recorded(world):
    with pytest.raises(Refused):
        seminar_record_attendance(
            seminar=_seminar(world),
            project=world.project,
            by=world.organiser,
            present=[(world.participant.pk, Role.COACH)],
        )
    assert not SeminarAttendance.objects.exists()


@pytest.mark.parametrize("persona", ["coach", "mentor", "participant"])
def test_project_people_do_not_record_attendance(world, persona):
    with pytest.raises(Forbidden):
        seminar_record_attendance(
            seminar=_seminar(world), project=world.project, by=world.persona(persona), present=[]
        )


def test_the_form_offers_examiners_coach_and_mentor(client, world):
    client.force_login(world.organiser)

    page = client.get(_url(world)).content.decode()

    for value in (
        f"examiner:{world.examiner.pk}",
        f"coach:{world.coach.pk}",
        f"mentor:{world.mentor.pk}",
    ):
        assert f'value="{value}"' in page


def test_minutes_list_coach_and_mentor_only_when_they_attended(world):
    seminar = record_proposal_seminar(world)
    assert not seminar_minutes_data(seminar, world.project).present.shown

    seminar_record_attendance(
        seminar=seminar,
        project=world.project,
        by=world.examiner,
        present=[(world.examiner.pk, Role.EXAMINER), (world.mentor.pk, Role.MENTOR)],
    )

    minutes = seminar_minutes_data(seminar, world.project)
    assert [row[:2] for row in minutes.present.rows] == [
        ("Penguji I", "Bambang Penguji"),
        ("Mentor", "Siti Mentor"),
    ]


def test_minutes_carry_the_institution_as_letterhead(world):
    seminar = record_proposal_seminar(world)

    letterhead = seminar_minutes_data(seminar, world.project).letterhead

    assert letterhead.parent_agency == world.cohort.institution
    assert letterhead.agency != world.project.agency.name
