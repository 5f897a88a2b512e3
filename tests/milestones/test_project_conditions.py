"""The project workflow's conditions that read the milestone plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from milestones.models import Milestone, Term
from tests.milestones.conftest import with_state
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject
from tracker.services import project_submit_proposal, project_submit_report
from tracker.workflow import Refused

S = ChangeProject.State


@pytest.fixture
def complete_draft(world) -> ChangeProject:
    """Everything but the milestone plan is filled in."""
    project = world.project
    project.goal_short_term = "Rujukan daring di 10 puskesmas."
    project.innovation_summary = "Ketersediaan tempat tidur terlihat langsung."
    project.save()
    return project


def test_proposal_needs_a_short_term_milestone(world, complete_draft):
    MilestoneFactory(project=complete_draft, term=Term.MEDIUM)
    assert complete_draft.missing_for_proposal() == ["minimal satu tonggak jangka pendek"]
    with pytest.raises(Refused) as refused:
        project_submit_proposal(project=complete_draft, by=world.participant)
    assert "minimal satu tonggak jangka pendek" in str(refused.value.message)
    complete_draft.refresh_from_db()
    assert complete_draft.state == S.DRAFT

    MilestoneFactory(project=complete_draft, term=Term.SHORT)
    project_submit_proposal(project=complete_draft, by=world.participant)
    assert complete_draft.state == S.PROPOSAL_REVIEW


def test_project_page_says_the_plan_is_missing(client, world, complete_draft):
    client.force_login(world.participant)
    page = client.get(complete_draft.get_absolute_url()).content.decode()
    assert "Lengkapi dulu: minimal satu tonggak jangka pendek." in page


def test_report_needs_every_short_term_milestone_accepted(client, world, at_work):
    first = MilestoneFactory(project=at_work, state=Milestone.State.ACCEPTED)
    second = MilestoneFactory(project=at_work, state=Milestone.State.IN_PROGRESS)
    MilestoneFactory(project=at_work, term=Term.MEDIUM)  # medium-term work goes on afterwards
    with pytest.raises(Refused) as refused:
        project_submit_report(project=at_work, by=world.participant)
    assert "(1 dari 2 diterima)" in str(refused.value.message)
    at_work.refresh_from_db()
    assert at_work.state == S.IMPLEMENTATION

    client.force_login(world.participant)
    page = client.get(at_work.get_absolute_url()).content.decode()
    assert "semua tonggak jangka pendek harus diterima lebih dulu (1 dari 2 diterima)" in page
    response = client.post(
        reverse("tracker:submit-report", args=[at_work.pk]), {"expected_state": S.IMPLEMENTATION}
    )
    assert response.status_code == 400
    at_work.refresh_from_db()
    assert at_work.state == S.IMPLEMENTATION

    with_state(second, Milestone.State.ACCEPTED)
    project_submit_report(project=at_work, by=world.participant)
    assert at_work.state == S.REPORT_REVIEW
    assert first.project_id == at_work.pk


def test_report_without_any_short_term_milestone_is_refused(world, at_work):
    with pytest.raises(Refused) as refused:
        project_submit_report(project=at_work, by=world.participant)
    assert "rencana belum memuat tonggak jangka pendek" in str(refused.value.message)


def test_a_returned_milestone_blocks_the_report_again(world, at_work):
    put_project_in(at_work, S.IMPLEMENTATION)
    milestone = MilestoneFactory(project=at_work, state=Milestone.State.RETURNED)
    with pytest.raises(Refused):
        project_submit_report(project=at_work, by=world.participant)
    assert milestone.state == Milestone.State.RETURNED
