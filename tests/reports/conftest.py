"""A project with a full history: the proposal submitted and approved by coach and mentor."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from mentoring.services import project_sign_off
from tests.factories import SeminarFactory
from tests.mentoring.conftest import score_by_every_examiner
from tests.milestones.factories import complete_plan
from tracker.models import ChangeProject, ImpactIndicator, Seminar
from tracker.services import project_submit_proposal, project_submit_report, run_transition

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, minute, tzinfo=JAKARTA)


def fill_proposal(project: ChangeProject) -> ChangeProject:
    ChangeProject.objects.filter(pk=project.pk).update(
        title="Digitalisasi Layanan Rujukan Pasien melalui Aplikasi SIRUJUK di Dinas Kesehatan",
        problem_statement=(
            "Rujukan pasien antarfasilitas masih dikirim dengan surat kertas dan telepon.\n"
            "Rata-rata waktu tunggu konfirmasi rujukan 3,5 jam; 18% berkas hilang atau tidak "
            "lengkap."
        ),
        goal_short_term="Aplikasi SIRUJUK berjalan di 5 puskesmas percontohan.",
        goal_medium_term="Seluruh 42 puskesmas memakai SIRUJUK.",
        goal_long_term="Rujukan terintegrasi dengan rumah sakit rujukan provinsi.",
        stakeholders="Kepala Dinas, kepala puskesmas, direktur RSUD, Diskominfo.",
        innovation_summary="Formulir rujukan daring dengan status real-time dan notifikasi.",
    )
    complete_plan(project)
    ImpactIndicator.objects.create(
        project=project,
        name="Waktu tunggu konfirmasi rujukan",
        unit="jam",
        baseline=Decimal("3.50"),
        target=Decimal("0.75"),
    )
    ImpactIndicator.objects.create(
        project=project,
        name="Berkas rujukan lengkap",
        unit="persen",
        baseline=Decimal("82"),
        target=Decimal("1250.5"),
    )
    project.refresh_from_db()
    return project


def approve_proposal(world) -> ChangeProject:
    """Fill in world.project; submitted on 1 October, approved by coach and mentor on 2 October."""
    project = fill_proposal(world.project)
    world.participant.position = "Kepala Seksi Pelayanan Kesehatan Rujukan"
    world.participant.save(update_fields=["position"])
    with time_machine.travel(at(1, 9), tick=False):
        project_submit_proposal(project=project, by=world.participant)
    with time_machine.travel(at(2, 10, 15), tick=False):
        project_sign_off(project=project, by=world.coach, stage="proposal")
    with time_machine.travel(at(2, 14, 40), tick=False):
        project_sign_off(project=project, by=world.mentor, stage="proposal")
    project.refresh_from_db()
    assert project.state == ChangeProject.State.PROPOSAL_SEMINAR
    return project


@pytest.fixture
def approved_project(world) -> ChangeProject:
    return approve_proposal(world)


def grade_project(world, project: ChangeProject, outcome: str) -> ChangeProject:
    """Carry an approved proposal through its seminars to the results seminar's outcome."""
    with time_machine.travel(at(20, 10), tick=False):
        run_transition(
            project=project, by=world.examiner, name="record_proposal_seminar", arguments=(True,)
        )
    with time_machine.travel(at(27, 8), tick=False):
        project_submit_report(project=project, by=world.participant)
        project_sign_off(project=project, by=world.coach, stage="report")
        project_sign_off(project=project, by=world.mentor, stage="report")
    results = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    results.examiners.add(world.examiner)
    results.projects.add(project)
    with time_machine.travel(at(30, 13), tick=False):
        score_by_every_examiner(project, percent=85 if outcome == "passed" else 65)
    with time_machine.travel(at(30, 13, 30), tick=False):
        run_transition(
            project=project,
            by=world.examiner,
            name="grade",
            arguments=(outcome,),
            comment="Capaian jangka pendek terpenuhi dengan bukti lengkap.",
        )
    project.refresh_from_db()
    return project
