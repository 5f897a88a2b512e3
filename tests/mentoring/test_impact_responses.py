"""Answering a round: a draft, then one submission; late answers; frozen questionnaire versions."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from mentoring.models import Question, Questionnaire, SurveyResponse, SurveyRoundLog
from mentoring.selectors import current_questionnaire
from mentoring.services import questionnaire_save, survey_save
from milestones.models import IndicatorMeasurement
from tests.mentoring.impact import answer, full_answers, in_monitoring
from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject, ImpactIndicator
from tracker.workflow import Forbidden, Refused, Stale

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
IN_ROUND = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)  # round 1: 15 Jul - 14 Aug
AFTER_DUE = datetime.datetime(2026, 8, 20, 9, 0, tzinfo=JAKARTA)
S = ChangeProject.State


def _question(questionnaire: Questionnaire, topic: str) -> Question:
    return questionnaire.questions.get(topic=topic)


@time_machine.travel(IN_ROUND, tick=False)
def test_a_draft_keeps_its_answers_and_is_not_yet_sent(world):
    first, _final = in_monitoring(world.project)
    draft = answer(first, world.participant, submit=False, progress=5)
    assert draft.state == SurveyResponse.State.DRAFT
    assert draft.submitted_at is None
    progress = _question(draft.questionnaire, "progress")
    assert draft.answers.get(question=progress).value == 5
    assert not SurveyRoundLog.objects.filter(round=first, action="submit").exists()
    again = answer(first, world.participant, submit=False, progress=3)
    assert again.pk == draft.pk
    assert again.answers.get(question=progress).value == 3


@time_machine.travel(IN_ROUND, tick=False)
def test_submitting_happens_once(world):
    first, _final = in_monitoring(world.project)
    response = answer(first, world.participant)
    assert response.state == SurveyResponse.State.SUBMITTED
    assert response.submitted_at is not None
    assert response.is_late is False
    log = SurveyRoundLog.objects.get(round=first, action="submit")
    assert (log.actor, log.role) == (world.participant, "participant")
    with pytest.raises(Stale, match="sudah dikirim"):
        answer(first, world.participant, progress=1)
    progress = _question(response.questionnaire, "progress")
    assert response.answers.get(question=progress).value == 4


@time_machine.travel(IN_ROUND, tick=False)
def test_required_questions_must_be_answered_to_submit(world):
    first, _final = in_monitoring(world.project)
    answers = full_answers(first, world.participant)
    questionnaire = current_questionnaire(world.cohort, "alumni")
    answers[_question(questionnaire, "sustainability").pk] = {"value": "", "follow_up": ""}
    with pytest.raises(Refused, match="Bagaimana status keberlanjutan"):
        survey_save(survey_round=first, by=world.participant, answers=answers, submit=True)
    # The draft part of the same request is rolled back with the refused submission.
    assert not SurveyResponse.objects.filter(round=first).exists()


@time_machine.travel(AFTER_DUE, tick=False)
def test_a_late_answer_is_accepted_and_marked_late(world):
    first, _final = in_monitoring(world.project)
    response = answer(first, world.mentor)
    assert response.state == SurveyResponse.State.SUBMITTED
    assert response.is_late is True
    assert response.role == "mentor"
    assert response.questionnaire.audience == "mentor"
    assert SurveyRoundLog.objects.get(round=first, action="submit").detail == "terlambat"


@time_machine.travel(IN_ROUND, tick=False)
def test_only_the_alumnus_and_the_mentor_answer(world):
    first, _final = in_monitoring(world.project)
    for person in (world.coach, world.organiser, world.agency_head, world.other_participant):
        with pytest.raises(Forbidden):
            survey_save(survey_round=first, by=person, answers={}, submit=False)
    assert not SurveyResponse.objects.exists()


@time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=JAKARTA), tick=False)
def test_a_round_not_yet_open_takes_no_answers(world):
    first, _final = in_monitoring(world.project)
    with pytest.raises(Refused, match="baru dibuka"):
        answer(first, world.participant, submit=False)


@time_machine.travel(IN_ROUND, tick=False)
def test_an_excused_respondent_cannot_answer(world):
    from mentoring.services import round_excuse

    first, _final = in_monitoring(world.project)
    round_excuse(survey_round=first, by=world.organiser, role="mentor", reason="Mentor wafat.")
    with pytest.raises(Refused, match="dibebaskan"):
        answer(first, world.mentor)


@time_machine.travel(IN_ROUND, tick=False)
def test_a_completed_project_takes_no_answers(world):
    first, _final = in_monitoring(world.project)
    put_project_in(world.project, S.COMPLETED)
    with pytest.raises(Refused, match="tidak dapat diisi"):
        answer(first, world.participant)


@time_machine.travel(IN_ROUND, tick=False)
def test_indicator_values_become_measurements_on_submit(world):
    indicator = ImpactIndicator.objects.create(
        project=world.project, name="Waktu layanan", unit="menit", baseline=60, target=15
    )
    first, _final = in_monitoring(world.project)
    answer(first, world.participant, submit=False, indicators={str(indicator.pk): "25"})
    assert not IndicatorMeasurement.objects.exists()
    answer(first, world.participant, indicators={str(indicator.pk): "20.5"})
    measurement = IndicatorMeasurement.objects.get()
    assert (measurement.indicator, measurement.value, measurement.measured_on) == (
        indicator,
        Decimal("20.50"),
        datetime.date(2026, 7, 20),
    )
    assert measurement.recorded_by == world.participant
    assert "putaran 1" in measurement.note


@time_machine.travel(IN_ROUND, tick=False)
def test_another_projects_indicator_is_refused(world):
    foreign = ImpactIndicator.objects.create(
        project=world.other_project, name="Lain", unit="hari", baseline=1, target=2
    )
    first, _final = in_monitoring(world.project)
    with pytest.raises(Refused, match="bukan milik proyek ini"):
        answer(first, world.participant, indicators={str(foreign.pk): "3"})


def _rows(questionnaire: Questionnaire, text: str) -> list[dict]:
    rows = [
        {
            "order": q.order,
            "kind": q.kind,
            "topic": q.topic,
            "text": q.text,
            "follow_up": q.follow_up,
            "required": q.required,
            "choices": q.choices,
        }
        for q in questionnaire.questions.all()
    ]
    rows[0]["text"] = text
    return rows


@time_machine.travel(IN_ROUND, tick=False)
def test_an_answered_questionnaire_is_frozen_and_an_edit_makes_a_new_version(world):
    first, final = in_monitoring(world.project)
    shared = current_questionnaire(world.cohort, "alumni")
    answered = answer(first, world.participant)
    edited = questionnaire_save(
        questionnaire=shared,
        by=world.organiser,
        name="Kuesioner alumni BPSDM",
        shares_answers=False,
        questions=_rows(shared, "Seberapa jauh aksi perubahan Anda berjalan?"),
    )
    assert edited.pk != shared.pk
    assert (edited.version, edited.previous_version, edited.institution) == (
        2,
        shared,
        world.cohort.institution,
    )
    # The answers given keep the version they were given on, word for word.
    answered.refresh_from_db()
    assert answered.questionnaire == shared
    assert shared.questions.order_by("order").first().text.startswith("Bagaimana progres")
    # New answers use the new version.
    assert current_questionnaire(world.cohort, "alumni") == edited
    put_project_in(world.project, S.MONITORING)
    with time_machine.travel(datetime.datetime(2027, 1, 20, 9, 0, tzinfo=JAKARTA), tick=False):
        later = answer(final, world.participant, submit=False)
    assert later.questionnaire == edited


def test_an_unanswered_own_questionnaire_changes_in_place(world):
    shared = current_questionnaire(world.cohort, "alumni")
    own = questionnaire_save(
        questionnaire=shared,
        by=world.organiser,
        name="Versi lembaga",
        shares_answers=False,
        questions=_rows(shared, "Pertanyaan pertama"),
    )
    again = questionnaire_save(
        questionnaire=own,
        by=world.organiser,
        name="Versi lembaga (revisi)",
        shares_answers=True,
        questions=_rows(own, "Pertanyaan pertama, diperbaiki"),
    )
    assert again.pk == own.pk
    assert again.version == 2
    assert again.questions.order_by("order").first().text == "Pertanyaan pertama, diperbaiki"


def test_only_organisers_edit_questionnaires(world):
    shared = current_questionnaire(world.cohort, "alumni")
    with pytest.raises(Forbidden):
        questionnaire_save(
            questionnaire=shared,
            by=world.participant,
            name="x",
            shares_answers=False,
            questions=_rows(shared, "x"),
        )
    assert Questionnaire.objects.filter(programme=world.cohort.programme).count() == 2
