"""Nobody examines a project they coach or mentor: such an appointment is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.services import seminar_add_examiners
from tests.mentoring.conftest import put_in_state
from tracker.models import ChangeProject, PoolExaminer, Seminar
from tracker.workflow import Refused

S = ChangeProject.State


@pytest.fixture
def waiting(world):
    return put_in_state(world.project, S.PROPOSAL_SEMINAR)


def _data(world, examiners) -> dict:
    return {
        "kind": "proposal",
        "starts_at": "2026-10-20T09:00",
        "place": "Aula Utama BPSDM",
        "online_link": "",
        "examiners": [person.pk for person in examiners],
        "projects": [world.project.pk],
    }


@pytest.mark.parametrize(("persona", "role"), [("coach", "coach"), ("mentor", "mentor")])
def test_the_projects_coach_or_mentor_cannot_examine_it(client, world, waiting, persona, role):
    # A coach can be in the pool (a widyaiswara examines other people's projects).
    PoolExaminer.objects.create(institution=world.cohort.institution, person=world.persona(persona))
    client.force_login(world.organiser)
    before = Seminar.objects.count()

    response = client.post(
        reverse("mentoring:seminar-create", args=[world.cohort.pk]),
        _data(world, [world.examiner, world.persona(persona)]),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f"{world.persona(persona).full_name} adalah {role} proyek" in page
    assert "tidak dapat mengujinya" in page
    assert Seminar.objects.count() == before


def test_adding_the_mentor_as_examiner_later_is_refused(world, waiting):
    seminar = Seminar.objects.get(projects=world.project, kind=Seminar.Kind.PROPOSAL)

    with pytest.raises(Refused) as refused:
        seminar_add_examiners(seminar=seminar, by=world.organiser, examiners=[world.mentor])

    assert "Siti Mentor adalah mentor proyek" in str(refused.value.message)
    assert world.mentor not in seminar.examiners.all()
