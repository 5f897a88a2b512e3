"""Completing the impact review: only once the final round is in, with the organiser's conclusion;
and the post-training commitment of participant, mentor and agency head."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from mentoring.models import Commitment, ImpactConclusion
from mentoring.services import commitment_record, impact_complete_review, round_excuse
from tests.mentoring.impact import answer, in_monitoring
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject, TransitionLog
from tracker.workflow import Forbidden, Refused, blocked_reason

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
S = ChangeProject.State
FINAL_OPEN = datetime.datetime(2027, 1, 20, 9, 0, tzinfo=JAKARTA)


def _complete(world, **overrides):
    arguments = {
        "project": world.project,
        "by": world.organiser,
        "outcome": "partly",
        "barriers": ["funds", "rotation"],
        "summary": "Layanan daring berjalan di dua dari lima puskesmas.",
        **overrides,
    }
    return impact_complete_review(**arguments)


def test_the_review_cannot_complete_without_rounds(world):
    put_project_in(world.project, S.MONITORING)
    with pytest.raises(Refused, match="Belum ada putaran"):
        _complete(world)
    world.project.refresh_from_db()
    assert world.project.state == S.MONITORING


@time_machine.travel(FINAL_OPEN, tick=False)
def test_the_review_cannot_complete_before_the_final_round_is_in(world):
    first, final = in_monitoring(world.project)
    answer(first, world.participant)
    answer(first, world.mentor)
    answer(final, world.participant)
    reason = blocked_reason(world.project, "complete_impact_review")
    assert "mentor" in reason and "alumni" not in reason
    with pytest.raises(Refused, match="Putaran survei akhir belum dijawab"):
        _complete(world)
    assert not ImpactConclusion.objects.exists()
    assert not TransitionLog.objects.filter(project=world.project).exists()


@time_machine.travel(FINAL_OPEN, tick=False)
def test_a_draft_does_not_count_as_an_answer(world):
    _first, final = in_monitoring(world.project)
    answer(final, world.participant)
    answer(final, world.mentor, submit=False)
    with pytest.raises(Refused, match="mentor"):
        _complete(world)


@time_machine.travel(FINAL_OPEN, tick=False)
def test_the_review_completes_with_answers_or_excusals_and_writes_the_conclusion(world):
    _first, final = in_monitoring(world.project)
    answer(final, world.participant)
    round_excuse(survey_round=final, by=world.organiser, role="mentor", reason="Mentor pensiun.")
    assert blocked_reason(world.project, "complete_impact_review") == ""
    log = _complete(world, expected_state=S.MONITORING)
    world.project.refresh_from_db()
    assert world.project.state == S.COMPLETED
    assert log.comment == (
        "Berkelanjutan sebagian. Hambatan: Mutasi atau rotasi jabatan, Keterbatasan anggaran. "
        "Layanan daring berjalan di dua dari lima puskesmas."
    )
    conclusion = ImpactConclusion.objects.get(project=world.project)
    assert (conclusion.outcome, conclusion.barriers, conclusion.transition_log) == (
        "partly",
        ["rotation", "funds"],
        log,
    )
    assert conclusion.barrier_labels() == [
        "Mutasi atau rotasi jabatan",
        "Keterbatasan anggaran",
    ]


@time_machine.travel(FINAL_OPEN, tick=False)
def test_the_conclusion_needs_an_outcome_and_a_summary(world):
    _first, final = in_monitoring(world.project)
    answer(final, world.participant)
    answer(final, world.mentor)
    with pytest.raises(Refused, match="ringkasan"):
        _complete(world, summary=" ")
    with pytest.raises(Refused, match="Pilih kesimpulan"):
        _complete(world, outcome="maybe")
    with pytest.raises(Forbidden):
        _complete(world, by=world.mentor)
    world.project.refresh_from_db()
    assert world.project.state == S.MONITORING


def test_participant_mentor_and_agency_head_each_record_the_commitment_once(world):
    MilestoneFactory(project=world.project, term="medium", activity="Perluasan ke 5 puskesmas")
    MilestoneFactory(project=world.project, term="long", activity="Perda layanan daring")
    MilestoneFactory(project=world.project, term="short", activity="Uji coba")
    in_monitoring(world.project)
    for person, role in (
        (world.participant, "participant"),
        (world.mentor, "mentor"),
        (world.agency_head, "agency_head"),
    ):
        commitment = commitment_record(project=world.project, by=person)
        assert (commitment.role, commitment.signer) == (role, person)
        assert {m["activity"] for m in commitment.milestones} == {
            "Perluasan ke 5 puskesmas",
            "Perda layanan daring",
        }
    with pytest.raises(Refused, match="sudah tercatat"):
        commitment_record(project=world.project, by=world.mentor)
    for person in (world.coach, world.organiser, world.examiner):
        with pytest.raises(Forbidden):
            commitment_record(project=world.project, by=person)
    assert Commitment.objects.filter(project=world.project).count() == 3


def test_the_commitment_is_not_recorded_during_implementation(world):
    put_project_in(world.project, S.IMPLEMENTATION)
    with pytest.raises(Refused, match="saat pelatihan ditutup"):
        commitment_record(project=world.project, by=world.participant)
