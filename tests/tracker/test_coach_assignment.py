"""Bulk coach assignment: one coach for many of a cohort's open projects, organiser only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.html import element
from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject, Notification

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(world) -> str:
    return reverse("tracker:coach-assignment", args=[world.cohort.pk])


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


@pytest.fixture
def new_coach(db):
    return UserFactory(username="coach_baru", full_name="Dewi Coach Baru", nip="197901012005012001")


def _coaches(*projects) -> list:
    return [ChangeProject.objects.get(pk=project.pk).coach_id for project in projects]


def test_organiser_assigns_one_coach_to_many_projects(
    organiser, world, new_coach, run_tasks, mailoutbox
):
    third = ChangeProjectFactory(cohort=world.cohort)
    response = organiser.post(
        _url(world),
        {"coach": "coach_baru", "projects": [world.other_project.pk, third.pk]},
    )
    run_tasks()
    assert response.status_code == 302
    assert _coaches(world.other_project, third) == [new_coach.pk, new_coach.pk]
    assert _coaches(world.project) == [world.coach.pk]
    page = organiser.get(response["Location"]).content.decode()
    assert "Dewi Coach Baru kini coach 2 proyek lagi." in page
    notification = Notification.objects.get(recipient=new_coach)
    assert str(world.cohort) in notification.message
    assert [mail.to for mail in mailoutbox] == [[new_coach.email]]
    assert world.other_project.title in mailoutbox[0].body


def test_coach_may_be_named_by_nip(organiser, world, new_coach):
    nip = f"{new_coach.nip[:8]} {new_coach.nip[8:14]} {new_coach.nip[14:]}"
    organiser.post(_url(world), {"coach": nip, "projects": [world.other_project.pk]})
    assert _coaches(world.other_project) == [new_coach.pk]


def test_unknown_coach_is_refused_and_nothing_changes(organiser, world):
    response = organiser.post(_url(world), {"coach": "siapa", "projects": [world.other_project.pk]})
    assert response.status_code == 400
    assert "“siapa” tidak dapat menjadi coach di angkatan ini" in response.content.decode()
    assert _coaches(world.other_project) == [None]


def test_no_project_chosen_is_refused(organiser, world, new_coach):
    response = organiser.post(_url(world), {"coach": "coach_baru"})
    assert response.status_code == 400
    assert "Pilih minimal satu proyek." in response.content.decode()


def test_project_of_another_cohort_or_a_finished_one_is_refused(organiser, world, new_coach):
    elsewhere = ChangeProjectFactory(cohort=CohortFactory())
    put_project_in(world.project, ChangeProject.State.WITHDRAWN)
    for project in (elsewhere, world.project):
        response = organiser.post(_url(world), {"coach": "coach_baru", "projects": [project.pk]})
        assert response.status_code == 400
        assert "belum berakhir" in response.content.decode()
    assert _coaches(elsewhere, world.project) == [None, world.coach.pk]


def test_a_participant_of_the_cohort_cannot_coach_in_it(organiser, world):
    response = organiser.post(
        _url(world), {"coach": "participant", "projects": [world.other_project.pk]}
    )
    assert response.status_code == 400
    assert "“participant” tidak dapat menjadi coach di angkatan ini" in response.content.decode()
    assert _coaches(world.other_project) == [None]


def test_page_lists_open_projects_and_can_show_only_those_without_coach(organiser, world):
    page = organiser.get(_url(world)).content.decode()
    assert world.project.title in page
    assert world.other_project.title in page
    only_missing = organiser.get(f"{_url(world)}?tanpa-coach=1").content.decode()
    assert world.project.title not in only_missing
    assert world.other_project.title in only_missing
    # Coaches already at work in the organiser's cohorts are offered as suggestions.
    assert '<option value="coach">Hendra Coach</option>' in page


def test_htmx_assignment_answers_with_the_panel_and_a_message(organiser, world, new_coach):
    response = organiser.post(
        _url(world), {"coach": "coach_baru", "projects": [world.other_project.pk]}, **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="coach-panel">')
    assert "Dewi Coach Baru kini coach 1 proyek lagi." in page
    assert "Dewi Coach Baru" in element(page, tag="tbody").text


def test_htmx_refusal_comes_back_in_the_panel(organiser, world):
    response = organiser.post(_url(world), {"coach": "", "projects": []}, **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="coach-panel">')
    assert "Isi username atau NIP coach." in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coach", 404), ("mentor", 404), ("examiner", 404), ("stranger", 404), ("admin", 403)],
)
def test_only_the_cohorts_organiser_may_assign(client, world, new_coach, persona, status):
    client.force_login(world.persona(persona))
    response = client.post(_url(world), {"coach": "coach_baru", "projects": [world.project.pk]})
    assert response.status_code == status
    assert _coaches(world.project) == [world.coach.pk]


def test_page_query_count_is_the_same_for_1_and_50_projects(
    organiser, world, django_assert_num_queries
):
    ChangeProject.objects.exclude(pk=world.project.pk).delete()
    with django_assert_num_queries(6):
        organiser.get(_url(world))
    for _ in range(49):
        ChangeProjectFactory(cohort=world.cohort, coach=UserFactory(), mentor=UserFactory())
    with django_assert_num_queries(6):
        page = organiser.get(_url(world)).content.decode()
    assert page.count('name="projects"') == 50


def test_the_admin_or_another_institutions_coach_cannot_be_assigned(organiser, world):
    elsewhere = CohortFactory(institution="Pusdiklat Kementerian Lain")
    outsider = UserFactory(username="coach_lain")
    ChangeProjectFactory(cohort=elsewhere, coach=outsider)
    for handle in ("admin", "coach_lain"):
        response = organiser.post(
            _url(world), {"coach": handle, "projects": [world.other_project.pk]}
        )
        assert response.status_code == 400
        assert "tidak dapat menjadi coach di angkatan ini" in response.content.decode()
    assert _coaches(world.other_project) == [None]


def test_the_page_answers_the_same_for_nobody_and_for_someone_not_eligible(organiser, world):
    # Another institution's coach, the admin, the organiser and a made-up name: one answer
    # that names nobody, so the page cannot be used to learn who has an account.
    far = UserFactory(username="coach_lain", full_name="Tono Lain")
    ChangeProjectFactory(cohort=CohortFactory(institution="Pusdiklat Lain"), coach=far)
    for handle in ("coach_lain", far.nip, "admin", "organiser", "tidakada"):
        response = organiser.post(
            _url(world), {"coach": handle, "projects": [world.other_project.pk]}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert f"“{handle}” tidak dapat menjadi coach di angkatan ini" in page
        assert "Tono Lain" not in page
    assert _coaches(world.other_project) == [None]
