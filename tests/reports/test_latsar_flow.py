"""A Latsar aktualisasi from draft to graduation: short-term habituation activities with their
core values, mentor-first pages, the Latsar rubric, and its documents."""

from __future__ import annotations

import datetime

import time_machine

from mentoring.selectors import rubric_for
from mentoring.services import project_sign_off, seminar_grade, seminar_record_proposal_result
from milestones.models import Milestone, Term
from milestones.services import milestone_create
from reports.documents.endorsement_page import endorsement_page_data
from reports.documents.final_report import final_report_data
from reports.documents.proposal import proposal_data
from reports.services import issue_final_report, issue_proposal
from tests.factories import SeminarFactory
from tests.mentoring.conftest import fill_scores, score_proposal_by_every_examiner
from tests.reports.conftest import NARRATIVE, at
from tests.reports.test_services import _pages_text, _read
from tracker.models import ChangeProject, Cohort, Programme, Seminar
from tracker.services import project_submit_proposal, project_submit_report

S = ChangeProject.State


def test_latsar_aktualisasi_runs_from_draft_to_passed_with_its_documents(world):
    Cohort.objects.filter(pk=world.cohort.pk).update(programme=Programme.LATSAR, city="Bandung")
    world.cohort.refresh_from_db()
    project = ChangeProject.objects.get(pk=world.project.pk)
    ChangeProject.objects.filter(pk=project.pk).update(
        title="Aktualisasi Nilai BerAKHLAK dalam Pelayanan Administrasi Kependudukan",
        problem_statement="Antrean layanan KTP-el rata-rata 2 jam.",
        goal_short_term="Antrean di bawah 45 menit selama masa habituasi.",
        innovation_summary="Pendaftaran antrean daring dan loket prioritas.",
    )
    activity = milestone_create(
        project=project,
        by=world.participant,
        data={
            "term": Term.SHORT,
            "activity": "Menyusun SOP antrean daring",
            "implementer": "Peserta bersama kepala seksi",
            "start_date": datetime.date(2026, 10, 5),
            "due_date": datetime.date(2026, 10, 20),
            "expected_output": "SOP yang ditandatangani kepala dinas",
            "core_values": ["berorientasi_pelayanan", "akuntabel"],
            "form_token": None,
        },
    )
    with time_machine.travel(at(1, 9), tick=False):
        project_submit_proposal(project=project, by=world.participant)
    with time_machine.travel(at(2, 10), tick=False):
        project_sign_off(project=project, by=world.mentor, stage="proposal")
        project_sign_off(project=project, by=world.coach, stage="proposal")
    proposal_seminar = Seminar.objects.get(projects=project, kind=Seminar.Kind.PROPOSAL)
    with time_machine.travel(at(5, 10), tick=False):
        score_proposal_by_every_examiner(project)
        seminar_record_proposal_result(seminar=proposal_seminar, project=project, by=world.examiner)
    project.refresh_from_db()
    assert project.state == S.IMPLEMENTATION

    Milestone.objects.filter(pk=activity.pk).update(state=Milestone.State.ACCEPTED)
    with time_machine.travel(at(27, 8), tick=False):
        project_submit_report(project=project, by=world.participant, narrative=NARRATIVE)
        project_sign_off(project=project, by=world.mentor, stage="report")
        project_sign_off(project=project, by=world.coach, stage="report")
    results = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS, starts_at=at(30, 9))
    results.examiners.add(world.examiner)
    results.projects.add(project)
    rubric = rubric_for(results)
    assert rubric.name == "Rubrik seminar aktualisasi Latsar (bawaan)"
    with time_machine.travel(at(30, 11), tick=False):
        fill_scores(results, project, world.examiner, 85)
        grade = seminar_grade(seminar=results, project=project, by=world.examiner)
    project.refresh_from_db()
    assert project.state == S.PASSED
    assert (grade.predikat, grade.score) == ("Memuaskan", 85)

    proposal = proposal_data(project)
    assert proposal.document_title == "Rancangan Aktualisasi"
    assert proposal.activities.rows[0][1] == "Berorientasi Pelayanan, Akuntabel"
    endorsement = endorsement_page_data(project)
    assert [s.role for s in endorsement.signatures] == ["Mentor", "Coach"]
    assert endorsement.place_date == "Bandung, 27 Oktober 2026"
    report = final_report_data(project)
    assert report.document_title == "Laporan akhir Aktualisasi"
    text = " ".join(_pages_text(_read(issue_final_report(project=project, by=world.mentor))[0]))
    assert "Memuaskan" in text and "Menyusun SOP antrean daring" in text
    proposal_text = " ".join(
        _pages_text(_read(issue_proposal(project=project, by=world.participant))[0])
    )
    assert "KEGIATAN AKTUALISASI DAN NILAI DASAR BERAKHLAK" in proposal_text
