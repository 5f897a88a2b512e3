from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import SignOff
from mentoring.services import project_sign_off
from tests.factories import ChangeProjectFactory, UserFactory
from tests.milestones.factories import complete_plan
from tracker.models import ChangeProject, Role, TransitionLog
from tracker.services import run_transition
from tracker.workflow import Forbidden, Refused, Stale

S = ChangeProject.State


@pytest.fixture
def submitted(world):
    """The world's project, complete and submitted for proposal review."""
    project = world.project
    ChangeProject.objects.filter(pk=project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    project.refresh_from_db()
    complete_plan(project)
    run_transition(project=project, by=world.participant, name="submit_proposal")
    return project


def test_one_signoff_keeps_the_project_in_review(world, submitted):
    signoff = project_sign_off(project=submitted, by=world.coach, stage="proposal")
    assert (signoff.role, signoff.signer, signoff.wording) == (
        Role.COACH,
        world.coach,
        "Disetujui untuk diseminarkan",
    )
    submitted.refresh_from_db()
    assert submitted.state == S.PROPOSAL_REVIEW


def test_second_signoff_moves_the_project_to_the_seminar(world, submitted):
    project_sign_off(project=submitted, by=world.mentor, stage="proposal")
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    submitted.refresh_from_db()
    assert submitted.state == S.PROPOSAL_SEMINAR
    approval = TransitionLog.objects.get(project=submitted, transition="approve_proposal")
    assert (approval.actor, approval.role) == (world.coach, Role.COACH)


def test_signing_twice_is_refused(world, submitted):
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    with pytest.raises(Refused, match="sudah menyetujui"):
        project_sign_off(project=submitted, by=world.coach, stage="proposal")
    assert SignOff.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["participant", "examiner", "organiser", "agency_head", "admin"]
)
def test_only_coach_and_mentor_may_sign(world, submitted, persona):
    with pytest.raises(Forbidden):
        project_sign_off(project=submitted, by=world.persona(persona), stage="proposal")
    assert not SignOff.objects.exists()


def test_signing_a_report_while_the_proposal_is_in_review_is_refused(world, submitted):
    with pytest.raises(Stale):
        project_sign_off(project=submitted, by=world.coach, stage="report")
    assert not SignOff.objects.exists()


def test_returned_and_resubmitted_proposal_needs_both_signoffs_again(world, submitted):
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    run_transition(project=submitted, by=world.mentor, name="return_proposal", comment="Revisi.")
    run_transition(project=submitted, by=world.participant, name="submit_proposal")
    project_sign_off(project=submitted, by=world.mentor, stage="proposal")
    submitted.refresh_from_db()
    assert submitted.state == S.PROPOSAL_REVIEW
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    submitted.refresh_from_db()
    assert submitted.state == S.PROPOSAL_SEMINAR


def test_report_signoffs_move_the_project_to_the_results_seminar(world):
    project = ChangeProjectFactory(
        participant=UserFactory(),
        cohort=world.cohort,
        coach=world.coach,
        mentor=world.mentor,
        state=S.IMPLEMENTATION,
    )
    complete_plan(project)
    run_transition(project=project, by=project.participant, name="submit_report")
    project_sign_off(project=project, by=world.coach, stage="report")
    project_sign_off(project=project, by=world.mentor, stage="report")
    project.refresh_from_db()
    assert project.state == S.RESULTS_SEMINAR
    assert set(project.signoffs.values_list("stage", flat=True)) == {"report"}


def test_approve_view_records_the_signoff_and_says_so(client, world, submitted):
    client.force_login(world.coach)
    response = client.post(
        reverse("mentoring:approve-proposal", args=[submitted.pk]),
        {"expected_state": S.PROPOSAL_REVIEW},
        follow=True,
    )
    assert "Persetujuan Anda sebagai Coach tercatat" in response.content.decode()
    assert SignOff.objects.filter(project=submitted, role=Role.COACH).exists()


def test_project_page_offers_the_approve_button_only_to_who_has_not_signed(
    client, world, submitted
):
    project_sign_off(project=submitted, by=world.coach, stage="proposal")
    client.force_login(world.coach)
    assert (
        "Setujui untuk diseminarkan"
        not in client.get(submitted.get_absolute_url()).content.decode()
    )
    client.force_login(world.mentor)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Setujui untuk diseminarkan" in page
    assert "Satu persetujuan sudah tercatat" in page
    client.force_login(world.participant)
    assert (
        "Setujui untuk diseminarkan"
        not in client.get(submitted.get_absolute_url()).content.decode()
    )


def test_approve_on_a_stale_page_tells_what_happened(client, world, submitted):
    run_transition(project=submitted, by=world.mentor, name="return_proposal", comment="Revisi.")
    client.force_login(world.coach)
    response = client.post(
        reverse("mentoring:approve-proposal", args=[submitted.pk]),
        {"expected_state": S.PROPOSAL_REVIEW},
        follow=True,
    )
    page = response.content.decode()
    assert f"{world.mentor.full_name} sudah memindahkan proyek ini ke status “Draf”" in page
    assert not SignOff.objects.exists()
