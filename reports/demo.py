"""Demo seminar records for `seed_demo_reports`: what the examiners recorded at the demo seminars,
and a few consultations, so the minutes, recaps and impact reports of the demo have content.

`seed_demo` places the demo projects in their states directly; this adds the records those
states imply (results of seminars already held) without running the workflow again. Rows are
created once; a second run changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from mentoring.models import Consultation, ProposalSeminarResult, RubricScore, SeminarGrade
from mentoring.selectors import rubric_for, score_summaries
from tracker.models import ChangeProject, Role, Seminar, User

# participant: (accepted, notes) at their proposal seminar; projects still waiting are left out.
PROPOSAL_RESULTS = {
    "peserta2": (True, "Tambahkan jadwal uji coba per SAMSAT."),
    "peserta6": (False, "Perjelas alur penerbitan akta bersama rumah sakit bersalin mitra."),
    "peserta7": (True, ""),
    "peserta8": (True, "Libatkan instalasi farmasi kabupaten sejak awal."),
    "peserta12": (True, ""),
    "peserta13": (True, ""),
    "peserta3": (True, "Sertakan target waktu layanan per jenis pemeriksaan."),
    "peserta9": (True, ""),
    "peserta10": (True, ""),
    "peserta11": (True, "Pastikan kader dilatih sebelum uji coba."),
    "peserta14": (True, ""),
}
# participant: (per examiner username, the percent of every criterion's maximum), failed reason.
RESULTS_SCORES = {
    "peserta3": ({"penguji": 84, "penguji2": 82}, ""),
    "peserta9": ({"penguji": 66, "penguji2": 63}, ""),
    "peserta10": ({"penguji": 92, "penguji2": 90}, ""),
    "peserta11": (
        {"penguji": 58, "penguji2": 55},
        "Sistem peringatan dini belum dijalankan; data laporan kader tidak tersedia.",
    ),
    "peserta14": ({"penguji": 87, "penguji2": 88}, ""),
}
OUTCOME_OF_STATE = {
    ChangeProject.State.PASSED: SeminarGrade.Outcome.PASSED,
    ChangeProject.State.MONITORING: SeminarGrade.Outcome.PASSED,
    ChangeProject.State.COMPLETED: SeminarGrade.Outcome.PASSED,
    ChangeProject.State.DEFERRED: SeminarGrade.Outcome.DEFERRED,
    ChangeProject.State.FAILED: SeminarGrade.Outcome.FAILED,
}
# participant: [(days after the cohort's start, consultant, stage, topic, outcome)]
CONSULTATIONS = {
    "peserta": [
        (
            10,
            "coach",
            "proposal",
            "Rumusan masalah rujukan",
            "Masalah dipersempit ke rujukan gawat darurat.",
        ),
        (
            17,
            "mentor",
            "proposal",
            "Dukungan direktur RSUD",
            "Mentor mengundang direktur RSUD ke rapat koordinasi.",
        ),
    ],
    "peserta3": [
        (
            15,
            "coach",
            "proposal",
            "Indikator waktu layanan",
            "Indikator dan nilai awal disepakati.",
        ),
        (
            60,
            "mentor",
            "implementation",
            "Uji coba laporan elektronik",
            "Uji coba diperluas ke dua laboratorium.",
        ),
    ],
}


def _people(usernames) -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(username__in=usernames)}


@transaction.atomic
def seed() -> int:
    """Create the demo's seminar results and consultations that are missing; return how many."""
    created = 0
    projects = {
        project.participant.username: project
        for project in ChangeProject.objects.select_related("participant", "cohort")
    }
    people = _people(["penguji", "penguji2", "coach", "mentor"])
    for username, (accepted, notes) in PROPOSAL_RESULTS.items():
        project = projects.get(username)
        seminar = _seminar(project, Seminar.Kind.PROPOSAL)
        if seminar is None:
            continue
        _row, made = ProposalSeminarResult.objects.get_or_create(
            project=project,
            seminar=seminar,
            defaults={
                "examiner": people["penguji"],
                "accepted": accepted,
                "notes": notes,
                "recorded_at": seminar.starts_at + datetime.timedelta(hours=2),
            },
        )
        created += made
    for username, (percents, failed_reason) in RESULTS_SCORES.items():
        project = projects.get(username)
        seminar = _seminar(project, Seminar.Kind.RESULTS)
        if (
            seminar is None
            or SeminarGrade.objects.filter(project=project, seminar=seminar).exists()
        ):
            continue
        rubric = rubric_for(seminar)
        scored_at = seminar.starts_at + datetime.timedelta(hours=3)
        for examiner, percent in percents.items():
            for criterion in rubric.criteria.all():
                RubricScore.objects.get_or_create(
                    seminar=seminar,
                    project=project,
                    examiner=people[examiner],
                    criterion=criterion,
                    defaults={
                        "score": criterion.max_score * Decimal(percent) / 100,
                        "scored_at": scored_at,
                    },
                )
        summary = score_summaries(seminar, [project])[project.pk]
        SeminarGrade.objects.create(
            project=project,
            seminar=seminar,
            score=summary.score,
            predikat=summary.band.label,
            outcome=OUTCOME_OF_STATE[project.state],
            notes=failed_reason,
            decided_by=people["penguji"],
            decided_at=scored_at + datetime.timedelta(minutes=30),
        )
        created += 1
    for username, sessions in CONSULTATIONS.items():
        project = projects.get(username)
        if project is None:
            continue
        for days, consultant, stage, topic, outcome in sessions:
            held_on = project.cohort.learning_starts_on + datetime.timedelta(days=days)
            _row, made = Consultation.objects.get_or_create(
                project=project,
                topic=topic,
                defaults={
                    "recorded_by": project.participant,
                    "consultant": people[consultant],
                    "consultant_role": Role(consultant),
                    "held_on": held_on,
                    "mode": Consultation.Mode.IN_PERSON,
                    "outcome": outcome,
                    "stage": stage,
                    "status": Consultation.Status.CONFIRMED,
                },
            )
            created += made
    return created


def _seminar(project: ChangeProject | None, kind: str) -> Seminar | None:
    if project is None:
        return None
    return project.seminars.filter(kind=kind).order_by("starts_at").first()
