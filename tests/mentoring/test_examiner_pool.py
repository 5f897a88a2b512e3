"""Examiners come from the pool their institution keeps, not from all users."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.selectors import examiner_candidates
from mentoring.services import seminar_add_examiners
from tests.factories import UserFactory
from tests.mentoring.conftest import put_in_state
from tracker.models import ChangeProject, PoolExaminer, Seminar
from tracker.workflow import Refused

S = ChangeProject.State


@pytest.fixture
def waiting(world):
    return put_in_state(world.project, S.PROPOSAL_SEMINAR)


def _create(client, world, examiners):
    return client.post(
        reverse("mentoring:seminar-create", args=[world.cohort.pk]),
        {
            "kind": "proposal",
            "starts_at": "2026-10-20T09:00",
            "place": "Aula Utama BPSDM",
            "online_link": "",
            "examiners": [person.pk for person in examiners],
            "projects": [world.project.pk],
        },
    )


def test_candidates_are_the_institutions_pool_only(world):
    outsider = UserFactory(full_name="Orang Luar")
    elsewhere = UserFactory(full_name="Penguji Lembaga Lain")
    PoolExaminer.objects.create(institution="Pusdiklat Lain", person=elsewhere)

    candidates = set(examiner_candidates(world.cohort))

    assert world.examiner in candidates
    assert outsider not in candidates and elsewhere not in candidates


def test_seminar_form_offers_the_pool_and_refuses_anyone_else(client, world, waiting):
    outsider = UserFactory(full_name="Orang Luar")
    client.force_login(world.organiser)
    before = Seminar.objects.count()

    page = client.get(reverse("mentoring:seminar-create", args=[world.cohort.pk])).content
    response = _create(client, world, [outsider])

    assert f'name="examiners" value="{world.examiner.pk}"'.encode() in page
    assert f'name="examiners" value="{outsider.pk}"'.encode() not in page
    assert response.status_code == 400
    assert Seminar.objects.count() == before


def test_an_examiner_typed_in_by_the_organiser_joins_the_pool(world):
    newcomer = UserFactory(full_name="Penguji Baru")
    seminar = Seminar.objects.get(projects=world.project)

    added = seminar_add_examiners(
        seminar=seminar, by=world.organiser, examiners=[], typed=[newcomer]
    )

    assert added == [newcomer]
    assert PoolExaminer.objects.filter(
        institution=world.cohort.institution, person=newcomer, added_by=world.organiser
    ).exists()
    assert newcomer in seminar.examiners.all()


def test_a_refused_appointment_adds_nobody_to_the_pool(world):
    seminar = Seminar.objects.get(projects=world.project)

    with pytest.raises(Refused):
        seminar_add_examiners(
            seminar=seminar, by=world.organiser, examiners=[], typed=[world.coach]
        )

    assert not PoolExaminer.objects.filter(person=world.coach).exists()


def test_a_participant_of_the_cohort_never_joins_its_pool(world):
    seminar = Seminar.objects.get(projects=world.project)

    with pytest.raises(Refused) as refused:
        seminar_add_examiners(
            seminar=seminar, by=world.organiser, examiners=[], typed=[world.participant]
        )

    assert "Peserta angkatan ini tidak dapat menjadi penguji" in str(refused.value.message)
    assert not PoolExaminer.objects.filter(person=world.participant).exists()
