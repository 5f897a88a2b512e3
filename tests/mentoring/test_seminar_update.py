from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ChangeProjectFactory, UserFactory
from tests.mentoring.conftest import put_in_state
from tracker.models import ChangeProject, PoolExaminer, Seminar

S = ChangeProject.State


def _url(seminar) -> str:
    return reverse("mentoring:seminar-update", args=[seminar.pk])


def _data(seminar, **overrides) -> dict:
    local = timezone.localtime(seminar.starts_at)
    data = {
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "place": seminar.place,
        "online_link": seminar.online_link,
        "examiners": [person.pk for person in seminar.examiners.all()],
        "projects": [project.pk for project in seminar.projects.all()],
    }
    data.update(overrides)
    return data


@pytest.fixture
def seminar(proposal_seminar):
    # Whole minutes, as the form's date-time input sends them.
    Seminar.objects.filter(pk=proposal_seminar.pk).update(
        starts_at=timezone.make_aware(datetime.datetime(2026, 10, 20, 9, 0))
    )
    proposal_seminar.refresh_from_db()
    return proposal_seminar


def test_organiser_moves_the_seminar_and_everyone_on_it_is_told(
    client, world, seminar, mailoutbox, run_tasks
):
    client.force_login(world.organiser)
    response = client.post(_url(seminar), _data(seminar, starts_at="2026-10-21T13:30"))
    run_tasks()
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert timezone.localtime(seminar.starts_at).strftime("%d %H:%M") == "21 13:30"
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        world.examiner.email,
        world.participant.email,
    ]


def test_adding_people_tells_only_the_newcomers(client, world, seminar, mailoutbox, run_tasks):
    newcomer = UserFactory(full_name="Penguji Baru")
    PoolExaminer.objects.create(institution=world.cohort.institution, person=newcomer)
    late = ChangeProjectFactory(cohort=world.cohort, state=S.PROPOSAL_SEMINAR)
    client.force_login(world.organiser)
    data = _data(
        seminar,
        examiners=[world.examiner.pk, newcomer.pk],
        projects=[world.project.pk, late.pk],
    )
    assert client.post(_url(seminar), data).status_code == 302
    run_tasks()
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [newcomer.email, late.participant.email]
    )
    assert set(seminar.examiners.all()) == {world.examiner, newcomer}


def test_a_project_that_moved_on_stays_on_the_seminar_when_editing(client, world, seminar):
    put_in_state(world.project, S.IMPLEMENTATION)
    client.force_login(world.organiser)
    page = client.get(_url(seminar)).content.decode()
    assert world.project.title in page
    response = client.post(_url(seminar), _data(seminar, place="Ruang Rapat 3"))
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.place == "Ruang Rapat 3"
    assert list(seminar.projects.all()) == [world.project]


def test_the_kind_cannot_change_once_scheduled(client, world, seminar):
    client.force_login(world.organiser)
    response = client.post(_url(seminar), _data(seminar, kind="results"))
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert seminar.kind == Seminar.Kind.PROPOSAL


def test_removing_every_examiner_is_refused(client, world, seminar):
    client.force_login(world.organiser)
    response = client.post(_url(seminar), _data(seminar, examiners=[]))
    assert response.status_code == 400
    assert "Pilih minimal satu penguji." in response.content.decode()
    assert list(seminar.examiners.all()) == [world.examiner]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("examiner", 403), ("admin", 403), ("participant", 404), ("coach", 404), ("stranger", 404)],
)
def test_only_the_organiser_may_change_it(client, world, seminar, persona, status):
    client.force_login(world.persona(persona))
    response = client.post(_url(seminar), _data(seminar, place="Dipindah diam-diam"))
    assert response.status_code == status
    seminar.refresh_from_db()
    assert seminar.place == "Aula BPSDM"
