"""Helpers for the tests of impact evaluation: a project closed into monitoring, answers."""

from __future__ import annotations

import datetime

from mentoring.models import Question, SurveyResponse, SurveyRound
from mentoring.services import schedule_rounds, survey_save
from tracker.models import ChangeProject, User

CLOSED_ON = datetime.date(2026, 1, 15)


def in_monitoring(project: ChangeProject, *, closed_on: datetime.date = CLOSED_ON):
    """Put the project into monitoring with its rounds scheduled from `closed_on`."""
    ChangeProject.objects.filter(pk=project.pk).update(state=ChangeProject.State.MONITORING)
    project.refresh_from_db()
    return schedule_rounds(project, by=None, closed_on=closed_on)


def full_answers(survey_round: SurveyRound, user: User, **overrides) -> dict[int, dict]:
    """An answer to every question the user's questionnaire asks (overrides by topic)."""
    from mentoring.models import RESPONDENT_AUDIENCE
    from mentoring.selectors import current_questionnaire, respondent_role

    role = respondent_role(survey_round, user)
    questionnaire = current_questionnaire(survey_round.project.cohort, RESPONDENT_AUDIENCE[role])
    answers = {}
    for question in questionnaire.questions.all():
        if question.topic in overrides:
            value = overrides[question.topic]
        elif question.kind == Question.Kind.SCALE:
            value = 4
        elif question.kind == Question.Kind.SINGLE:
            value = str(question.choices[0][0])
        elif question.kind == Question.Kind.MULTIPLE:
            value = [str(question.choices[0][0])]
        elif question.kind == Question.Kind.YES_NO:
            value = True
        elif question.kind == Question.Kind.INDICATORS:
            value = {}
        else:
            value = "Layanan daring dipertahankan."
        answers[question.pk] = {"value": value, "follow_up": ""}
    return answers


def answer(survey_round: SurveyRound, user: User, *, submit: bool = True, **overrides):
    """The user answers every question of the round and (by default) submits."""
    return survey_save(
        survey_round=survey_round,
        by=user,
        answers=full_answers(survey_round, user, **overrides),
        submit=submit,
    )


def submitted(survey_round: SurveyRound) -> list[SurveyResponse]:
    return list(survey_round.responses.filter(state=SurveyResponse.State.SUBMITTED))


def final_round_settled(project: ChangeProject) -> SurveyRound:
    """The project's rounds scheduled, and both respondents of the final one excused."""
    from mentoring.models import SurveyExcusal

    rounds = schedule_rounds(project, by=None, closed_on=CLOSED_ON)
    organiser = project.cohort.organisers.first() or project.participant
    for role in ("participant", "mentor"):
        SurveyExcusal.objects.create(
            round=rounds[-1], role=role, reason="Uji: dibebaskan.", excused_by=organiser
        )
    return rounds[-1]
