from __future__ import annotations

from dataclasses import replace

from mentoring.models import CalendarFeed, JournalEntry, Rubric
from tests.authz import (
    IN_PROJECT_SCOPE,
    LOGIN,
    NOT_THEIRS,
    OUT_OF_SCOPE,
    Row,
    admin_page,
    model_admin_pages,
    project_action,
    read_only_admin_pages,
)
from tests.factories import SeminarFactory
from tests.mentoring.factories import ConsultationFactory, JournalEntryFactory
from tracker.models import Seminar, token_digest


def _proposal_seminar(world) -> Seminar:
    return Seminar.objects.get(projects=world.project, kind=Seminar.Kind.PROPOSAL)


def _add_results_seminar(world) -> None:
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)


def _results_seminar(world) -> Seminar:
    return Seminar.objects.get(projects=world.project, kind=Seminar.Kind.RESULTS)


def _participant_feed(world) -> str:
    # Only the digest is stored: the row is (re)set to a token the test knows.
    CalendarFeed.objects.update_or_create(
        user=world.participant, defaults={"digest": token_digest("t" * 43)}
    )
    return "t" * 43


# Seminar pages: the seminar's examiners and its cohort's organisers see it (the admin sees all);
# only the organiser may change it and only an examiner may act on its projects (others 403).
SEMINAR_ONLY = {"examiner": 200, "organiser": 200, "admin": 200, "anonymous": LOGIN}
EXAMINER_ACTS = {"examiner": 200, "organiser": 403, "admin": 403, "anonymous": LOGIN}

# The world's project is a draft: coach and mentor may sign, but nothing awaits sign-off (302 back
# to the project with a message); everyone else in scope is refused.
ROWS = [
    # The project is a draft: coach and mentor may sign off, but not now (409, it is not in review).
    project_action("mentoring:approve-proposal", {"coach": 409, "mentor": 409}),
    project_action("mentoring:approve-report", {"coach": 409, "mentor": 409}),
    # Everyone signed in gets the list; it is empty for those who neither examine nor organise.
    Row("mentoring:seminar-list", others=200, expect={"anonymous": LOGIN}),
    Row(
        "mentoring:seminar-create",
        others=OUT_OF_SCOPE,
        expect={"organiser": 200, "admin": 403, "anonymous": LOGIN},
        args=lambda world: [world.cohort.pk],
    ),
    Row(
        "mentoring:seminar-detail",
        others=OUT_OF_SCOPE,
        expect=SEMINAR_ONLY,
        args=lambda world: [_proposal_seminar(world).pk],
    ),
    Row(
        "mentoring:seminar-update",
        others=OUT_OF_SCOPE,
        expect={"organiser": 200, "examiner": 403, "admin": 403, "anonymous": LOGIN},
        args=lambda world: [_proposal_seminar(world).pk],
    ),
    # An empty POST from the examiner is a malformed form (400); nothing moves.
    Row(
        "mentoring:record-proposal-result",
        others=OUT_OF_SCOPE,
        expect={**EXAMINER_ACTS, "examiner": 400},
        args=lambda world: [_proposal_seminar(world).pk, world.project.pk],
        method="post",
    ),
    # The calendar is everyone's own; the feed answers whoever holds its secret URL.
    Row("mentoring:calendar", others=200, expect={"anonymous": LOGIN}),
    Row("mentoring:calendar-ics", others=200, expect={"anonymous": LOGIN}),
    Row(
        "mentoring:calendar-feed-create",
        others=200,
        expect={"anonymous": LOGIN},
        method="post",
    ),
    Row(
        "mentoring:calendar-feed-revoke",
        others=302,
        expect={"anonymous": LOGIN},
        method="post",
    ),
    Row(
        "mentoring:calendar-feed",
        others=200,
        args=lambda world: [_participant_feed(world)],
    ),
    # Attendance: the seminar's examiners and its cohort's organisers record it.
    Row(
        "mentoring:seminar-attendance",
        others=OUT_OF_SCOPE,
        expect={"examiner": 200, "organiser": 200, "admin": 403, "anonymous": LOGIN},
        args=lambda world: [_proposal_seminar(world).pk, world.project.pk],
    ),
    Row(
        "mentoring:score-project",
        others=OUT_OF_SCOPE,
        expect=EXAMINER_ACTS,
        args=lambda world: [_results_seminar(world).pk, world.project.pk],
        setup=_add_results_seminar,
    ),
    Row(
        "mentoring:grade-project",
        others=OUT_OF_SCOPE,
        expect={**EXAMINER_ACTS, "examiner": 400},
        args=lambda world: [_results_seminar(world).pk, world.project.pk],
        method="post",
        setup=_add_results_seminar,
    ),
    # The results examiner checks the revision commitment (the page says when there is none).
    Row(
        "mentoring:revision-check",
        others=OUT_OF_SCOPE,
        expect=EXAMINER_ACTS,
        args=lambda world: [_results_seminar(world).pk, world.project.pk],
        setup=_add_results_seminar,
    ),
    # Only the participant commits; a draft has nothing to commit to (400, refused).
    project_action("mentoring:revision-commit", {"participant": 400}),
]


# --- Comments, consultations and journal
# Empty POSTs: whoever may act gets 400 (the form is refused), the rest in scope 403.


def _consultation_with_mentor(world) -> None:
    ConsultationFactory(project=world.project, consultant=world.mentor)


def _shared_entry(world) -> None:
    JournalEntryFactory(project=world.project, sharing=JournalEntry.Sharing.SHARED)


def _consultation_args(world) -> list:
    return [world.project.pk, world.project.consultations.get().pk]


def _entry_args(world) -> list:
    return [world.project.pk, world.project.journal_entries.get().pk]


def _decision(name: str, allowed: dict[str, int]) -> Row:
    row = project_action(name, allowed, setup=_consultation_with_mentor)
    return replace(row, args=_consultation_args)


ROWS += [
    Row(
        "mentoring:comments",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
    ),
    # Agency heads and the admin read comments but do not write them.
    project_action(
        "mentoring:comment-create",
        {"participant": 400, "coach": 400, "mentor": 400, "examiner": 400, "organiser": 400},
    ),
    Row(
        "mentoring:consultations",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
    ),
    project_action("mentoring:consultation-create", {"participant": 400}),
    # The session names the mentor: the mentor's empty POST lacks the state they saw (400); it
    # is not the coach's to decide (403).
    _decision("mentoring:consultation-confirm", {"mentor": 400}),
    _decision("mentoring:consultation-dispute", {"mentor": 400}),
    Row(
        "mentoring:journal",
        others=OUT_OF_SCOPE,
        expect={
            "participant": 200,
            "coach": 200,
            "mentor": 200,
            "examiner": 403,
            "organiser": 403,
            "agency_head": 403,
            "admin": 403,
            "anonymous": LOGIN,
        },
        args=lambda world: [world.project.pk],
    ),
    project_action("mentoring:journal-create", {"participant": 400}),
    replace(
        project_action(
            "mentoring:journal-reply", {"coach": 400, "mentor": 400}, setup=_shared_entry
        ),
        args=_entry_args,
    ),
]

# Appointing examiners in bulk: the cohort's organiser only; the examiner and the admin see the
# seminar but may not change it (403); everyone else 404.
ROWS += [
    Row(
        "mentoring:examiner-assignment",
        others=OUT_OF_SCOPE,
        expect={"organiser": 200, "examiner": 403, "admin": 403, "anonymous": LOGIN},
        args=lambda world: [_proposal_seminar(world).pk],
    ),
]


def _shared_rubric(world) -> Rubric:
    return Rubric.objects.get(
        programme=world.cohort.programme, kind="results", institution="", is_default=True
    )


def _add_other_institutions_rubric(world) -> None:
    Rubric.objects.create(
        programme=world.cohort.programme,
        regulation="Peraturan LAN 5/2022",
        name="Rubrik lembaga lain",
        institution="Pusdiklat Lain",
    )


# Rubrics in the admin: the organiser reads the shared ones (saving one makes their institution's
# copy) and never reaches another institution's; only the admin deletes a shared one.
ROWS += [
    *model_admin_pages("mentoring_rubric", _shared_rubric, delete=403),
    admin_page(
        "admin:mentoring_rubric_change",
        NOT_THEIRS,
        args=lambda world: [Rubric.objects.get(institution="Pusdiklat Lain").pk],
        setup=_add_other_institutions_rubric,
        case="another institution",
    ),
]


# --- Impact evaluation after training ---------------------------------------------------------
# The project is put into monitoring with its rounds scheduled seven months ago: the first round
# is open, the final one is not yet.


def _monitored(world) -> None:
    from django.utils import timezone

    from mentoring.services import add_months
    from tests.mentoring.impact import in_monitoring

    in_monitoring(world.project, closed_on=add_months(timezone.localdate(), -7))


def _round_args(number: int):
    return lambda world: [world.project.pk, world.project.survey_rounds.get(number=number).pk]


def _alumni_questionnaire(world) -> list:
    from mentoring.selectors import current_questionnaire

    return [current_questionnaire(world.cohort, "alumni").pk]


ORGANISER_ONLY = {
    "participant": 403,
    "coach": 403,
    "mentor": 403,
    "examiner": 403,
    "organiser": 200,
    "agency_head": 403,
    "stranger": 403,
    "other_participant": 403,
    "admin": 200,
    "anonymous": LOGIN,
}

ROWS += [
    # The draft cannot be closed: the organiser's empty POST lacks the state they saw (400).
    project_action("mentoring:close-training", {"organiser": 400}),
    Row(
        "mentoring:monitoring",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
        setup=_monitored,
    ),
    # Only the two respondents answer; everyone else in scope is refused.
    Row(
        "mentoring:survey-answer",
        others=OUT_OF_SCOPE,
        expect={
            **dict.fromkeys(("coach", "examiner", "organiser", "agency_head"), 403),
            "admin": 403,
            "participant": 200,
            "mentor": 200,
            "anonymous": LOGIN,
        },
        args=_round_args(1),
        setup=_monitored,
    ),
    # Opening the final round early works for its organiser (302 back to the page).
    replace(
        project_action("mentoring:round-open", {"organiser": 302}, setup=_monitored),
        args=_round_args(2),
    ),
    # Empty POSTs: the organiser's form is refused (400).
    replace(
        project_action("mentoring:round-extend", {"organiser": 400}, setup=_monitored),
        args=_round_args(1),
    ),
    replace(
        project_action("mentoring:round-excuse", {"organiser": 400}, setup=_monitored),
        args=_round_args(1),
    ),
    project_action("mentoring:complete-impact-review", {"organiser": 400}, setup=_monitored),
    # The project is a draft: the signatories are refused for now (400), the rest 403.
    project_action(
        "mentoring:commitment-record", {"participant": 400, "mentor": 400, "agency_head": 400}
    ),
    Row("mentoring:questionnaire-list", others=403, expect=ORGANISER_ONLY),
    Row(
        "mentoring:questionnaire-edit",
        others=403,
        expect=ORGANISER_ONLY,
        args=_alumni_questionnaire,
    ),
]


def _own_questionnaire(world):
    from mentoring.models import Questionnaire

    return Questionnaire.objects.create(
        programme=world.cohort.programme,
        audience="alumni",
        name="Kuesioner alumni lembaga",
        institution=world.cohort.institution,
    )


def _survey_round(world):
    import datetime

    from mentoring.models import SurveyRound

    return SurveyRound.objects.create(
        project=world.project,
        number=1,
        months_after=6,
        opens_on=datetime.date(2027, 6, 1),
        due_on=datetime.date(2027, 6, 30),
    )


def _survey_response(world):
    from mentoring.models import SurveyResponse

    return SurveyResponse.objects.create(
        round=_survey_round(world),
        role="participant",
        respondent=world.participant,
        questionnaire=_own_questionnaire(world),
    )


# Questionnaires, rounds and answers in the admin: read only (they are written on their pages).
ROWS += [
    *read_only_admin_pages("mentoring_questionnaire", _own_questionnaire),
    *read_only_admin_pages("mentoring_surveyround", _survey_round),
    *read_only_admin_pages("mentoring_surveyresponse", _survey_response),
]
