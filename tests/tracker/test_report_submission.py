"""Submitting the report from the project page: the final report's narrative goes with it."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from mentoring.models import ProposalSeminarResult
from mentoring.services import revision_commit, seminar_record_proposal_result
from tests.html import element, ids
from tests.mentoring.conftest import score_proposal_by_every_examiner
from tests.reports.conftest import NARRATIVE, approve_proposal, at
from tracker import workflow
from tracker.models import ChangeProject, ReportNarrative
from tracker.services import project_return_report, run_transition

S = ChangeProject.State


@pytest.fixture
def at_work(world) -> ChangeProject:
    project = approve_proposal(world)
    with time_machine.travel(at(20, 10), tick=False):
        score_proposal_by_every_examiner(project)
        run_transition(
            project=project,
            by=world.examiner,
            name="record_proposal_seminar",
            arguments=("accepted",),
        )
    project.refresh_from_db()
    assert project.state == S.IMPLEMENTATION
    return project


def _submit(client, project, **data):
    return client.post(
        reverse("tracker:submit-report", args=[project.pk]),
        {"expected_state": S.IMPLEMENTATION, **data},
    )


def test_participant_submits_the_report_with_its_narrative(client, world, at_work):
    client.force_login(world.participant)

    with time_machine.travel(at(27, 8), tick=False):
        response = _submit(client, at_work, **NARRATIVE)

    assert response.status_code == 302
    at_work.refresh_from_db()
    assert at_work.state == S.REPORT_REVIEW
    narrative = ReportNarrative.objects.get(project=at_work)
    assert narrative.implementation == NARRATIVE["implementation"]
    assert narrative.submission == at_work.transition_logs.get(transition="submit_report")


def test_report_without_its_narrative_is_refused_and_changes_nothing(client, world, at_work):
    client.force_login(world.participant)

    response = _submit(client, at_work, executive_summary="Ringkas.")

    assert response.status_code == 400
    assert "Tulis uraian pelaksanaan." in response.content.decode()
    at_work.refresh_from_db()
    assert at_work.state == S.IMPLEMENTATION
    assert not ReportNarrative.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("coach", 403), ("other_participant", 404)])
def test_only_the_participant_submits_the_report(client, world, at_work, persona, status):
    client.force_login(world.persona(persona))

    response = _submit(client, at_work, **NARRATIVE)

    assert response.status_code == status
    assert not ReportNarrative.objects.exists()


def test_project_page_asks_for_the_narrative_only_of_the_participant(client, world, at_work):
    client.force_login(world.participant)
    page = ids(client.get(at_work.get_absolute_url()).content.decode())
    client.force_login(world.mentor)
    mentor_page = ids(client.get(at_work.get_absolute_url()).content.decode())

    assert {"id_executive_summary", "id_implementation", "id_conclusion"} <= page
    assert "id_executive_summary" not in mentor_page


def test_returned_report_offers_the_narrative_written_before(client, world, at_work):
    client.force_login(world.participant)
    _submit(client, at_work, **NARRATIVE)
    project_return_report(project=at_work, by=world.coach, comment="Lengkapi bukti uji coba.")

    page = client.get(at_work.get_absolute_url()).content.decode()

    assert element(page, "id_lessons_learned").text.strip() == NARRATIVE["lessons_learned"]


@pytest.fixture
def revised_at_work(world) -> ChangeProject:
    """The proposal accepted with revisions the examiner requires; no commitment stated yet."""
    project = approve_proposal(world)
    with time_machine.travel(at(20, 10), tick=False):
        seminar = score_proposal_by_every_examiner(project, percent=70, decision="revision")
        seminar_record_proposal_result(seminar=seminar, project=project, by=world.examiner)
    project.refresh_from_db()
    assert project.state == S.IMPLEMENTATION
    return project


WAITS = "Laporan belum dapat diajukan: seminar rancangan meminta perbaikan"


def test_report_waits_for_the_revision_commitment(client, world, revised_at_work):
    assert workflow.blocked_reason(revised_at_work, "submit_report").startswith(WAITS)
    client.force_login(world.participant)

    response = _submit(client, revised_at_work, **NARRATIVE)

    assert response.status_code == 400
    assert WAITS in response.content.decode()
    revised_at_work.refresh_from_db()
    assert revised_at_work.state == S.IMPLEMENTATION
    assert not ReportNarrative.objects.exists()


def test_project_page_says_what_to_do_and_links_the_commitment(client, world, revised_at_work):
    client.force_login(world.participant)

    page = client.get(revised_at_work.get_absolute_url()).content.decode()

    actions = element(page, "actions")
    assert WAITS in actions.text
    assert "Nyatakan komitmen perbaikan" in actions.text
    assert f"{revised_at_work.get_absolute_url()}#revision-commitment" in [
        href for _text, href in actions.links
    ]
    assert "revision-commitment" in ids(page)
    assert "id_executive_summary" not in ids(page)


def test_report_goes_once_the_commitment_is_stated(client, world, revised_at_work):
    client.force_login(world.participant)
    client.post(reverse("mentoring:revision-commit", args=[revised_at_work.pk]))
    assert workflow.blocked_reason(revised_at_work, "submit_report") == ""

    with time_machine.travel(at(27, 8), tick=False):
        response = _submit(client, revised_at_work, **NARRATIVE)

    assert response.status_code == 302
    revised_at_work.refresh_from_db()
    assert revised_at_work.state == S.REPORT_REVIEW


def test_one_commitment_covers_every_decision_left_uncommitted(world, revised_at_work):
    first = ProposalSeminarResult.objects.get(project=revised_at_work)
    later = ProposalSeminarResult.objects.create(
        project=revised_at_work,
        seminar=first.seminar,
        examiner=world.examiner,
        accepted=True,
        decision="revision",
    )

    revision_commit(project=revised_at_work, by=world.participant)

    assert not ProposalSeminarResult.objects.filter(committed_at__isnull=True).exists()
    assert later.pk != first.pk
    assert workflow.blocked_reason(revised_at_work, "submit_report") == ""
