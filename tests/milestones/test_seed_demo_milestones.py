from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management import call_command
from pypdf import PdfReader

from milestones import selectors
from milestones.models import ChangeRequest, Evidence, Milestone, MilestoneRating, Term
from tracker.models import ChangeProject

S = ChangeProject.State


def _snapshot():
    return {
        model._meta.label: sorted(map(str, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in {"tracker", "milestones"}
    }


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_milestones", stdout=StringIO())


def test_second_run_changes_nothing(seeded, settings):
    before = _snapshot()
    files = sorted(settings.MEDIA_ROOT.rglob("*"))
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_milestones", stdout=StringIO())
    assert _snapshot() == before
    assert sorted(settings.MEDIA_ROOT.rglob("*")) == files
    assert len(before["milestones.Milestone"]) > 30


def test_peserta2_shows_progress_an_overdue_and_a_stuck_milestone(seeded):
    project = ChangeProject.objects.get(participant__username="peserta2")
    progress = selectors.progress_of(selectors.plan_of(project))
    assert 0 < progress.accepted < progress.total
    assert progress.overdue == 1
    assert progress.stuck == 1


def test_the_demo_respects_the_workflow_rules(seeded):
    # The invited participant who has not set a password yet has the bare draft the import made.
    unusable = UNUSABLE_PASSWORD_PREFIX
    projects = ChangeProject.objects.exclude(state=S.WITHDRAWN)
    for project in projects.exclude(participant__password__startswith=unusable):
        assert project.proposal_is_complete(), project
    past_report = [S.REPORT_REVIEW, S.RESULTS_SEMINAR, S.PASSED, S.DEFERRED, S.FAILED]
    for project in ChangeProject.objects.filter(state__in=[*past_report, S.MONITORING]):
        assert project.short_term_milestones_accepted(), project
    for milestone in Milestone.objects.filter(state__in=["submitted", "accepted"]):
        assert milestone.evidence.exists(), milestone


def test_mentor_has_a_change_to_decide_and_examiners_rated(seeded):
    change = ChangeRequest.objects.get(state=ChangeRequest.State.PENDING)
    assert change.project.mentor.username == "mentor"
    passed = ChangeProject.objects.get(participant__username="peserta3")
    assert MilestoneRating.objects.filter(milestone__project=passed).count() == 2 * (
        passed.milestones.filter(term=Term.SHORT).count()
    )


def test_demo_evidence_file_is_a_real_pdf(seeded):
    evidence = Evidence.objects.filter(kind="file").first()
    assert evidence is not None
    with evidence.file.open("rb") as handle:
        pdf = PdfReader(handle)
        assert len(pdf.pages) == 1
        assert evidence.caption in pdf.pages[0].extract_text()


def test_command_needs_the_demo_projects(db):
    out = StringIO()
    call_command("seed_demo_milestones", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert not Milestone.objects.exists()
