"""A project with a full history: the proposal submitted and approved by coach and mentor."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from mentoring.models import Consultation
from mentoring.services import project_sign_off, seminar_grade, seminar_record_proposal_result
from milestones.models import IndicatorMeasurement, Milestone, MilestoneRating, Term
from tests.factories import SeminarFactory
from tests.mentoring.conftest import (
    fill_scores,
    score_by_every_examiner,
    score_proposal_by_every_examiner,
)
from tests.mentoring.factories import ConsultationFactory
from tests.milestones.factories import (
    LinkEvidenceFactory,
    MilestoneFactory,
    complete_plan,
    file_evidence,
)
from tracker.models import ChangeProject, ImpactIndicator, Role, Seminar
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
        score_proposal_by_every_examiner(project)
        run_transition(
            project=project,
            by=world.examiner,
            name="record_proposal_seminar",
            arguments=("accepted",),
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


NARRATIVE = {
    "executive_summary": "SIRUJUK memangkas waktu tunggu rujukan dari 3,5 jam menjadi 1,25 jam.",
    "implementation": (
        "Rapat koordinasi dengan RSUD pada pekan pertama.\n"
        "Uji coba di lima puskesmas percontohan selama empat pekan."
    ),
    "lessons_learned": "Pemangku kepentingan perlu dilibatkan sejak rancangan.",
    "conclusion": "SIRUJUK diperluas ke 42 puskesmas; Diskominfo menyiapkan server.",
}


def endorse_report(world) -> ChangeProject:
    """world.project past its proposal seminar, its report submitted with the narrative on
    27 October and signed off by coach (09.00) and mentor (11.30) the same day."""
    approve_proposal(world)
    with time_machine.travel(at(20, 10), tick=False):
        score_proposal_by_every_examiner(world.project)
        run_transition(
            project=world.project,
            by=world.examiner,
            name="record_proposal_seminar",
            arguments=("accepted",),
        )
    project = ChangeProject.objects.get(pk=world.project.pk)
    with time_machine.travel(at(27, 8), tick=False):
        project_submit_report(project=project, by=world.participant, narrative=NARRATIVE)
    with time_machine.travel(at(27, 9), tick=False):
        project_sign_off(project=project, by=world.coach, stage="report")
    with time_machine.travel(at(27, 11, 30), tick=False):
        project_sign_off(project=project, by=world.mentor, stage="report")
    project.refresh_from_db()
    assert project.state == ChangeProject.State.RESULTS_SEMINAR
    return project


def record_proposal_seminar(world) -> Seminar:
    """Approve world.project and accept it at the world's proposal seminar on 5 October."""
    project = approve_proposal(world)
    seminar = Seminar.objects.get(projects=project, kind=Seminar.Kind.PROPOSAL)
    Seminar.objects.filter(pk=seminar.pk).update(starts_at=at(5, 8, 30), place="Aula BPSDM")
    with time_machine.travel(at(5, 9, 45), tick=False):
        score_proposal_by_every_examiner(project)
    with time_machine.travel(at(5, 10), tick=False):
        seminar_record_proposal_result(
            seminar=seminar,
            project=project,
            by=world.examiner,
            notes="Lengkapi peta pemangku kepentingan sebelum uji coba.",
        )
    seminar.refresh_from_db()
    return seminar


def complete_project(world) -> ChangeProject:
    """A passed project with everything a report prints, each record written as in real use.

    Proposal approved (1-2 Oct) and accepted at the proposal seminar (5 Oct); a plan of two
    accepted short-term milestones with evidence and one medium-term one; sessions with the coach
    and mentor; two indicators measured; report approved (27 Oct) and graded Memuaskan (30 Oct).
    """
    record_proposal_seminar(world)
    project = ChangeProject.objects.get(pk=world.project.pk)
    first = project.milestones.get()
    Milestone.objects.filter(pk=first.pk).update(
        activity="Rapat koordinasi dengan direktur RSUD dan kepala puskesmas",
        expected_output="Notulen dan kesepakatan alur rujukan",
        due_date=datetime.date(2026, 10, 30),
    )
    second = MilestoneFactory(
        project=project,
        term=Term.SHORT,
        state=Milestone.State.ACCEPTED,
        activity="Uji coba SIRUJUK di 5 puskesmas percontohan",
        expected_output="Laporan uji coba dan jumlah rujukan daring",
        due_date=datetime.date(2026, 11, 20),
    )
    MilestoneFactory(
        project=project,
        term=Term.MEDIUM,
        activity="Perluasan SIRUJUK ke seluruh 42 puskesmas",
        expected_output="SK penerapan dan data pengguna",
        start_date=datetime.date(2027, 1, 4),
        due_date=datetime.date(2027, 6, 30),
    )
    LinkEvidenceFactory(milestone=first, caption="Berita rapat koordinasi di laman dinas")
    file_evidence(second, name="laporan-uji-coba.pdf")
    for day, consultant, role, stage, topic in [
        (3, world.coach, Role.COACH, Consultation.Stage.PROPOSAL, "Penajaman rumusan masalah"),
        (9, world.mentor, Role.MENTOR, Consultation.Stage.IMPLEMENTATION, "Izin uji coba"),
        (16, world.mentor, Role.MENTOR, Consultation.Stage.IMPLEMENTATION, "Hasil uji coba"),
    ]:
        ConsultationFactory(
            project=project,
            consultant=consultant,
            consultant_role=role,
            stage=stage,
            held_on=datetime.date(2026, 10, day),
            topic=topic,
            outcome="Disepakati langkah berikutnya dan penanggung jawabnya.",
            status=Consultation.Status.CONFIRMED,
            decided_at=at(day, 16),
        )
    for indicator, value in zip(project.indicators.order_by("pk"), ["1.25", "96"], strict=True):
        IndicatorMeasurement.objects.create(
            indicator=indicator,
            value=Decimal(value),
            measured_on=datetime.date(2026, 11, 25),
            recorded_by=world.participant,
        )
    with time_machine.travel(at(27, 8), tick=False):
        project_submit_report(project=project, by=world.participant)
        project_sign_off(project=project, by=world.coach, stage="report")
        project_sign_off(project=project, by=world.mentor, stage="report")
    results = SeminarFactory(
        cohort=world.cohort, kind=Seminar.Kind.RESULTS, starts_at=at(30, 9), place="Aula BPSDM"
    )
    results.examiners.add(world.examiner)
    results.projects.add(project)
    with time_machine.travel(at(30, 11), tick=False):
        fill_scores(results, project, world.examiner, 85)
        for milestone, rating in [(first, "sesuai"), (second, "melampaui")]:
            MilestoneRating.objects.create(
                milestone=milestone, examiner=world.examiner, seminar=results, rating=rating
            )
    with time_machine.travel(at(30, 13, 30), tick=False):
        seminar_grade(
            seminar=results,
            project=project,
            by=world.examiner,
            comment="Capaian jangka pendek terpenuhi dengan bukti lengkap.",
        )
    project.refresh_from_db()
    assert project.state == ChangeProject.State.PASSED
    return project


@pytest.fixture
def passed_project(world) -> ChangeProject:
    return complete_project(world)


@pytest.fixture
def immediate_tasks(settings):
    """Background tasks run at once, in the test's own process and transaction."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
