"""The admin keeps the rules the pages and the import keep: nobody approves their own project,
and what the workflow has fixed (identity, the approved plan) is not edited in the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.admin_forms import change_page_data
from tests.factories import ChangeProjectFactory, UserFactory
from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject, ImpactIndicator


def _change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _post(client, obj, **changes):
    page = client.get(_change_url(obj))
    assert page.status_code == 200
    return client.post(_change_url(obj), change_page_data(page) | changes)


def _errors(response) -> str:
    assert response.status_code == 200, "the form was saved"
    form = response.context["adminform"].form
    assert form.errors, "no form error"
    return str(form.errors)


def _fresh(project: ChangeProject) -> ChangeProject:
    return ChangeProject.objects.get(pk=project.pk)


@pytest.fixture
def organiser(client, staff_organiser):
    client.force_login(staff_organiser)
    return client


# --- self-approval ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["coach", "mentor"])
def test_the_organiser_cannot_coach_or_mentor_a_project_of_their_cohort(organiser, world, field):
    before = getattr(world.project, f"{field}_id")
    response = _post(organiser, world.project, **{field: world.organiser.pk})
    assert field in _errors(response)
    assert getattr(_fresh(world.project), f"{field}_id") == before


def test_the_participant_cannot_coach_their_own_project(organiser, world):
    response = _post(organiser, world.project, coach=world.participant.pk)
    assert "Peserta tidak dapat menjadi coach proyeknya sendiri." in _errors(response)
    assert _fresh(world.project).coach == world.coach


def test_the_participant_cannot_mentor_their_own_project(organiser, world):
    response = _post(organiser, world.project, mentor=world.participant.pk)
    assert "Peserta tidak dapat menjadi mentor proyeknya sendiri." in _errors(response)
    assert _fresh(world.project).mentor == world.mentor


def test_another_participant_of_the_cohort_cannot_coach_or_mentor_in_it(organiser, world):
    peer = world.other_participant
    assert "coach" in _errors(_post(organiser, world.project, coach=peer.pk))
    assert "mentor" in _errors(_post(organiser, world.project, mentor=peer.pk))
    assert (_fresh(world.project).coach, _fresh(world.project).mentor) == (
        world.coach,
        world.mentor,
    )


def test_a_mentor_outside_the_participants_agency_is_refused_as_in_the_import(organiser, world):
    # The examiner works in an agency of their own: not the participant's superior.
    response = _post(organiser, world.project, mentor=world.examiner.pk)
    assert "atasan langsung peserta" in _errors(response)
    assert _fresh(world.project).mentor == world.mentor


def test_the_organiser_cannot_be_made_a_participant_of_their_cohort(organiser, world):
    page = organiser.get(reverse("admin:tracker_changeproject_add"))
    data = change_page_data(page) | {
        "participant": world.organiser.pk,
        "cohort": world.cohort.pk,
        "agency": world.dinas.pk,
        "title": "Proyek penyelenggara sendiri",
    }
    response = organiser.post(reverse("admin:tracker_changeproject_add"), data)
    assert "participant" in _errors(response)
    assert not ChangeProject.objects.filter(participant=world.organiser).exists()


def test_a_proper_coach_and_mentor_are_still_saved(organiser, world):
    coach = UserFactory(username="coach_baru")
    mentor = UserFactory(username="mentor_baru", agency=world.province)
    # People the organiser's pickers offer: they already guide another project of the cohort.
    ChangeProjectFactory(cohort=world.cohort, coach=coach, mentor=mentor)
    response = _post(organiser, world.project, coach=coach.pk, mentor=mentor.pk)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (_fresh(world.project).coach, _fresh(world.project).mentor) == (coach, mentor)


@pytest.mark.parametrize("who", ["participant", "other_participant", "organiser"])
def test_a_seminar_cannot_take_its_own_cohorts_participants_or_organiser_as_examiners(
    organiser, world, who
):
    seminar = world.project.seminars.get()
    person = getattr(world, who)
    response = _post(organiser, seminar, examiners=[world.examiner.pk, person.pk])
    assert "examiners" in _errors(response)
    assert list(seminar.examiners.all()) == [world.examiner]


# --- what the workflow fixed ------------------------------------------------------------------


def test_a_draft_is_still_edited_in_the_admin(organiser, world):
    response = _post(organiser, world.project, title="Judul dibetulkan")
    assert response.status_code == 302
    assert _fresh(world.project).title == "Judul dibetulkan"


@pytest.mark.parametrize(
    "state",
    [
        ChangeProject.State.PROPOSAL_REVIEW,
        ChangeProject.State.IMPLEMENTATION,
        ChangeProject.State.PASSED,
    ],
)
def test_identity_and_approved_plan_are_read_only_once_submitted(organiser, world, state):
    put_project_in(world.project, state)
    page = organiser.get(_change_url(world.project)).content.decode()
    for field in ("title", "problem_statement", "participant", "cohort", "agency"):
        assert f'name="{field}"' not in page
    before = _fresh(world.project)
    forged = change_page_data(organiser.get(_change_url(world.project))) | {
        "title": "Judul diganti diam-diam",
        "problem_statement": "Masalah lain",
        "participant": world.other_participant.pk,
        "agency": world.other_agency.pk,
        "deferral_deadline": "2030-01-01",
    }
    organiser.post(_change_url(world.project), forged)
    after = _fresh(world.project)
    assert (after.title, after.problem_statement, after.participant_id, after.agency_id) == (
        before.title,
        before.problem_statement,
        before.participant_id,
        before.agency_id,
    )
    assert after.deferral_deadline is None


def test_a_finished_project_keeps_its_coach_and_mentor(organiser, world):
    put_project_in(world.project, ChangeProject.State.COMPLETED)
    page = organiser.get(_change_url(world.project)).content.decode()
    assert 'name="coach"' not in page
    coach = UserFactory(username="coach_baru")
    data = change_page_data(organiser.get(_change_url(world.project))) | {"coach": coach.pk}
    organiser.post(_change_url(world.project), data)
    assert _fresh(world.project).coach == world.coach


def test_a_form_opened_on_a_draft_saves_nothing_once_the_proposal_is_submitted(world):
    model_admin = admin.site._registry[ChangeProject]
    request = RequestFactory().post("/admin/")
    request.user = world.admin
    stale = _fresh(world.project)
    form_class = model_admin.get_form(request, stale, change=True)
    data = {
        name: getattr(stale, f"{name}_id", None) or getattr(stale, name)
        for name in form_class.base_fields
    }
    # The participant submits between the form's loading and its validation.
    put_project_in(world.project, ChangeProject.State.PROPOSAL_REVIEW)
    form = form_class(data | {"title": "Judul diganti"}, instance=stale)
    assert not form.is_valid()
    assert "Muat ulang" in str(form.errors)


def test_indicators_are_fixed_with_the_plan(organiser, world):
    indicator = ImpactIndicator.objects.create(
        project=world.project, name="Waktu layanan", unit="menit", baseline=60, target=15
    )
    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    response = organiser.post(
        _change_url(indicator),
        {"project": world.project.pk, "name": "Waktu layanan", "unit": "menit", "baseline": 60},
    )
    assert response.status_code == 403
    assert ImpactIndicator.objects.get(pk=indicator.pk).target == 15
    other = ChangeProjectFactory(cohort=world.cohort, participant=UserFactory())
    put_project_in(other, ChangeProject.State.IMPLEMENTATION)
    added = organiser.post(
        reverse("admin:tracker_impactindicator_add"),
        {"project": other.pk, "name": "Baru", "unit": "hari", "baseline": 1, "target": 2},
    )
    assert "project" in _errors(added)
    assert not ImpactIndicator.objects.filter(project=other).exists()


def test_the_milestone_plan_is_fixed_once_submitted(organiser, world):
    from tests.milestones.factories import MilestoneFactory

    milestone = MilestoneFactory(project=world.project)
    due = milestone.due_date
    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    page = organiser.get(_change_url(milestone))
    assert 'name="due_date"' not in page.content.decode()
    forged = change_page_data(page) | {"due_date": "2030-01-01", "activity": "Lain"}
    organiser.post(_change_url(milestone), forged)
    assert type(milestone).objects.get(pk=milestone.pk).due_date == due
    added = organiser.post(
        reverse("admin:milestones_milestone_add"),
        {
            "project": world.project.pk,
            "term": milestone.term,
            "activity": "Tonggak selundupan",
            "due_date": "2030-01-01",
            "order": 9,
        },
    )
    assert _errors(added)
    assert not type(milestone).objects.filter(activity="Tonggak selundupan").exists()


@pytest.mark.parametrize("who", ["coach", "mentor", "examiner"])
def test_those_who_sign_off_or_grade_cannot_be_made_organisers_of_the_cohort(organiser, world, who):
    response = _post(
        organiser, world.cohort, organisers=[world.organiser.pk, getattr(world, who).pk]
    )
    assert "tidak dapat menjadi penyelenggaranya" in _errors(response)
    assert list(world.cohort.organisers.all()) == [world.organiser]
