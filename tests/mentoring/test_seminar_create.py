from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.mentoring.conftest import put_in_state
from tracker.models import ChangeProject, Notification, Seminar

S = ChangeProject.State


def _url(world) -> str:
    return reverse("mentoring:seminar-create", args=[world.cohort.pk])


def _data(world, **overrides) -> dict:
    data = {
        "kind": "proposal",
        "starts_at": "2026-10-20T09:00",
        "place": "Aula Utama BPSDM",
        "online_link": "",
        "examiners": [world.examiner.pk],
        "projects": [world.project.pk],
    }
    data.update(overrides)
    return data


@pytest.fixture
def waiting(world):
    return put_in_state(world.project, S.PROPOSAL_SEMINAR)


def test_organiser_sees_the_form_with_the_cohorts_waiting_projects(client, world, waiting):
    put_in_state(world.other_project, S.DRAFT)
    client.force_login(world.organiser)
    page = client.get(_url(world)).content.decode()
    assert world.project.title in page
    assert world.other_project.title not in page
    assert f'name="examiners" value="{world.examiner.pk}"' in page
    # Participants of the cohort cannot examine it, so they are not offered.
    assert f'name="examiners" value="{world.participant.pk}"' not in page


def test_organiser_schedules_a_proposal_seminar_and_people_are_told(
    client, world, waiting, mailoutbox, run_tasks
):
    client.force_login(world.organiser)
    response = client.post(_url(world), _data(world))
    run_tasks()
    seminar = Seminar.objects.get(place="Aula Utama BPSDM")
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:seminar-detail", args=[seminar.pk])
    assert seminar.cohort == world.cohort
    assert seminar.kind == Seminar.Kind.PROPOSAL
    assert list(seminar.examiners.all()) == [world.examiner]
    assert list(seminar.projects.all()) == [world.project]
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        world.examiner.email,
        world.participant.email,
    ]
    to_participant = next(mail for mail in mailoutbox if mail.to == [world.participant.email])
    assert "Jadwal Seminar rancangan: 20 Oktober 2026, 09.00" in to_participant.subject
    assert world.project.title in to_participant.body
    assert "Aula Utama BPSDM" in to_participant.body
    to_examiner = next(mail for mail in mailoutbox if mail.to == [world.examiner.email])
    assert "Anda ditunjuk sebagai penguji" in to_examiner.body
    assert Notification.objects.get(recipient=world.participant).project == world.project


def test_results_seminar_takes_projects_waiting_for_it(client, world):
    put_in_state(world.project, S.RESULTS_SEMINAR)
    client.force_login(world.organiser)
    response = client.post(_url(world), _data(world, kind="results"))
    assert response.status_code == 302
    assert Seminar.objects.get(kind="results").projects.get() == world.project


def test_a_project_in_the_wrong_state_is_refused_and_nothing_is_saved(client, world, waiting):
    client.force_login(world.organiser)
    before = Seminar.objects.count()
    response = client.post(_url(world), _data(world, kind="results"))
    assert response.status_code == 400
    assert "tidak berstatus sesuai jenis seminar" in response.content.decode()
    assert Seminar.objects.count() == before


def test_another_cohorts_project_is_refused(client, world):
    stray = ChangeProjectFactory(cohort=CohortFactory(), state=S.PROPOSAL_SEMINAR)
    client.force_login(world.organiser)
    before = Seminar.objects.count()
    response = client.post(_url(world), _data(world, projects=[stray.pk]))
    assert response.status_code == 400
    assert Seminar.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"place": "", "online_link": ""}, "Isi tempat seminar atau tautan daringnya."),
        ({"examiners": []}, "Pilih minimal satu penguji."),
        ({"starts_at": "besok pagi"}, "Isi tanggal dan jam seminar"),
        ({"online_link": "bukan tautan"}, "Tautan daring harus berupa alamat web"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, world, waiting, mailoutbox, overrides, message
):
    client.force_login(world.organiser)
    before = Seminar.objects.count()
    response = client.post(_url(world), _data(world, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Seminar.objects.count() == before
    assert mailoutbox == []


def test_online_only_seminar_is_fine(client, world, waiting):
    client.force_login(world.organiser)
    link = "https://zoom.example/j/123"
    response = client.post(_url(world), _data(world, place="", online_link=link))
    assert response.status_code == 302
    assert Seminar.objects.get(online_link=link).place == ""


def test_a_participant_of_the_cohort_cannot_be_appointed_examiner(client, world, waiting):
    client.force_login(world.organiser)
    response = client.post(_url(world), _data(world, examiners=[world.other_participant.pk]))
    assert response.status_code == 400
    assert "tidak dapat menguji seminar angkatan ini" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("examiner", 404),
        ("coach", 404),
        ("participant", 404),
        ("stranger", 404),
        ("admin", 403),
    ],
)
def test_only_the_cohorts_organiser_may_schedule(client, world, waiting, persona, status):
    client.force_login(world.persona(persona))
    before = Seminar.objects.count()
    assert client.post(_url(world), _data(world)).status_code == status
    assert Seminar.objects.count() == before


def test_organiser_of_another_cohort_gets_404(client, world, waiting):
    other = UserFactory()
    CohortFactory().organisers.add(other)
    client.force_login(other)
    assert client.get(_url(world)).status_code == 404
