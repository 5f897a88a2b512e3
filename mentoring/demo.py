"""Demo history for the demo projects: the reviews, seminars and grades that led to their state.

`seed_demo` places each demo project straight into the state its story needs. This fills in what
would have happened on the way there (transition log, sign-offs, seminar results, scores and
grades, consultations, a few comments and a journal entry), dated along the cohort's phases, so the
timeline, the documents and the reports tell a coherent story. Projects that already have history
are left alone, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.models import (
    RESPONDENT_AUDIENCE,
    Comment,
    Commitment,
    Consultation,
    ConsultationLog,
    ImpactConclusion,
    JournalEntry,
    JournalReply,
    ProposalReview,
    ProposalSeminarResult,
    Question,
    RevisionItem,
    RubricScore,
    SeminarGrade,
    SignOff,
    SurveyAnswer,
    SurveyResponse,
    SurveyRound,
    SurveyRoundLog,
)
from mentoring.selectors import rubric_for, score_summaries
from tracker.models import AgencyHead, ChangeProject, ProposalDecision, Role, Seminar, TransitionLog
from tracker.notifications import past_notices, transition_recipients
from tracker.selectors import rules_for
from tracker.summary import refresh as refresh_summary

S = ChangeProject.State

# The steps from draft to each state, as (transition, target state).
PROPOSAL = [("submit_proposal", S.PROPOSAL_REVIEW), ("approve_proposal", S.PROPOSAL_SEMINAR)]
IMPLEMENTING = [*PROPOSAL, ("record_proposal_seminar", S.IMPLEMENTATION)]
REPORTED = [
    *IMPLEMENTING,
    ("submit_report", S.REPORT_REVIEW),
    ("approve_report", S.RESULTS_SEMINAR),
]
PATHS = {
    S.DRAFT: [],
    S.PROPOSAL_REVIEW: PROPOSAL[:1],
    S.PROPOSAL_SEMINAR: PROPOSAL,
    S.PROPOSAL_REVISION: [*PROPOSAL, ("record_proposal_seminar", S.PROPOSAL_REVISION)],
    S.IMPLEMENTATION: IMPLEMENTING,
    S.REPORT_REVIEW: REPORTED[:4],
    S.RESULTS_SEMINAR: REPORTED,
    S.PASSED: [*REPORTED, ("grade", S.PASSED)],
    S.DEFERRED: [*REPORTED, ("grade", S.DEFERRED)],
    S.FAILED: [*REPORTED, ("grade", S.FAILED)],
    S.MONITORING: [*REPORTED, ("grade", S.PASSED), ("close_training", S.MONITORING)],
    S.COMPLETED: [
        *REPORTED,
        ("grade", S.PASSED),
        ("close_training", S.MONITORING),
        ("complete_impact_review", S.COMPLETED),
    ],
    S.WITHDRAWN: [*IMPLEMENTING, ("withdraw", S.WITHDRAWN)],
}
# Share of the maximum each examiner gives, by outcome: it decides the band, hence the predikat.
SCORE_PERCENT: dict[str, tuple[int, int]] = {
    S.PASSED: (86, 83),
    S.DEFERRED: (66, 63),
    S.FAILED: (52, 48),
}
SCORE_PERCENT_OF = {"peserta10": (94, 92), "peserta14": (88, 87)}  # some variety in the grades
COMMENTS = {
    S.PROPOSAL_REVISION: "Rumusan masalah perlu data dasar 2025 dan peta pemangku kepentingan.",
    S.DEFERRED: "Bukti capaian jangka pendek belum lengkap; lengkapi notulen dan daftar hadir.",
    S.FAILED: "Tonggak jangka pendek tidak terlaksana dan tidak ada bukti pendukung.",
    S.WITHDRAWN: "Peserta dimutasi ke unit lain sehingga tidak dapat melanjutkan proyek.",
}


def seed() -> int:
    """Write the history of every demo project that has none yet; returns how many got one."""
    done = 0
    projects = ChangeProject.objects.select_related("participant", "coach", "mentor", "cohort")
    for project in projects.filter(transition_logs__isnull=True).exclude(state=S.DRAFT):
        with transaction.atomic():
            _history(project)
        done += 1
    if done:
        _seminar_notices()
    return done


def _seminar_notices() -> None:
    """The notices scheduling the demo's seminars gave their examiners and participants."""
    now = timezone.now()
    for seminar in Seminar.objects.select_related("cohort").prefetch_related("examiners"):
        # Scheduled about ten days ahead; a seminar still to come was scheduled recently.
        at = min(seminar.starts_at - datetime.timedelta(days=10), now - datetime.timedelta(hours=3))
        past_notices(
            seminar.examiners.all(),
            template="seminar-scheduled",
            context={"seminar": seminar, "project": None},
            at=at,
            url=reverse("mentoring:seminar-detail", args=[seminar.pk]),
        )
        for project in seminar.projects.select_related("participant"):
            past_notices(
                [project.participant],
                template="seminar-scheduled",
                context={"seminar": seminar, "project": project},
                at=at,
                project=project,
                url=project.get_absolute_url(),
            )


def _moments(project: ChangeProject, steps: Sequence[tuple[str, str]]) -> list[datetime.datetime]:
    """When each step happened: along the cohort's phases, never in the future."""
    cohort = project.cohort
    proposal = _seminar(project, Seminar.Kind.PROPOSAL)
    results = _seminar(project, Seminar.Kind.RESULTS)
    day = {
        "submit_proposal": cohort.learning_ends_on - datetime.timedelta(days=6),
        "approve_proposal": cohort.learning_ends_on - datetime.timedelta(days=3),
        "record_proposal_seminar": timezone.localdate(proposal.starts_at)
        if proposal
        else cohort.implementation_starts_on,
        "submit_report": cohort.implementation_ends_on - datetime.timedelta(days=5),
        "approve_report": cohort.implementation_ends_on - datetime.timedelta(days=2),
        "grade": timezone.localdate(results.starts_at) if results else cohort.closes_on,
        "close_training": cohort.closes_on,
        # After the final survey round (12 months), which the demo answers (mentoring/demo.py).
        "complete_impact_review": cohort.closes_on + datetime.timedelta(days=375),
        "withdraw": cohort.implementation_starts_on + datetime.timedelta(days=14),
    }
    latest = timezone.now() - datetime.timedelta(hours=len(steps) + 1)
    moments = []
    for index, (name, _target) in enumerate(steps):
        at = timezone.make_aware(datetime.datetime.combine(day[name], datetime.time(10, 0)))
        at += datetime.timedelta(minutes=30 * index)
        moments.append(min(at, latest + datetime.timedelta(hours=index)))
    return moments


def _seminar(project: ChangeProject, kind: str) -> Seminar | None:
    return project.seminars.filter(kind=kind).order_by("-starts_at").first()


def _held_seminar(project: ChangeProject, kind: str) -> Seminar:
    """The seminar a step of the project's demo path happened at."""
    seminar = _seminar(project, kind)
    if seminar is None:
        raise LookupError(f"The demo data schedules no {kind} seminar for {project}.")
    return seminar


def _history(project: ChangeProject) -> None:
    steps = PATHS[ChangeProject.State(project.state)]
    state = S.DRAFT
    submission: TransitionLog | None = None
    for (name, target), at in zip(steps, _moments(project, steps), strict=True):
        actor, role = _actor(project, name)
        comment = (
            COMMENTS.get(target, "")
            if name in ("record_proposal_seminar", "grade", "withdraw")
            else ""
        )
        if name in ("approve_proposal", "approve_report"):
            stage = "proposal" if name == "approve_proposal" else "report"
            for offset, (signer, signing_role) in enumerate(
                [(project.coach, Role.COACH), (project.mentor, Role.MENTOR)]
            ):
                # Each demo path submits before it approves; demo projects have both reviewers.
                assert submission is not None and signer is not None
                SignOff.objects.create(
                    project=project,
                    submission=submission,
                    stage=stage,
                    role=signing_role,
                    signer=signer,
                    wording=str(SignOff.WORDING),
                    signed_at=at - datetime.timedelta(hours=2 - offset),
                )
        if name == "record_proposal_seminar":
            _decide_proposal(project, target, actor, at, comment)
        if name == "grade":
            _grade(project, target, actor, at, comment)
        log = TransitionLog.objects.create(
            project=project,
            actor=actor,
            role=role,
            transition=name,
            from_state=state,
            to_state=target,
            comment=comment,
            created_at=at,
        )
        # The bell shows what this history told people, as the real transition would have.
        past_notices(
            transition_recipients(log),
            template="transition",
            context={"log": log, "project": project, "transition": log.transition_label},
            at=at,
            project=project,
            log=log,
            url=project.get_absolute_url(),
        )
        if target in (S.PROPOSAL_REVIEW, S.REPORT_REVIEW):
            submission = log
        state = target
    if project.state in (
        S.IMPLEMENTATION,
        S.REPORT_REVIEW,
        S.RESULTS_SEMINAR,
        S.PASSED,
        S.DEFERRED,
        S.MONITORING,
        S.COMPLETED,
    ):
        _conversation(project)


def _actor(project: ChangeProject, name: str):
    if name in ("submit_proposal", "submit_report", "submit_revision", "resubmit"):
        return project.participant, Role.PARTICIPANT
    if name in ("approve_proposal", "approve_report"):
        return project.mentor, Role.MENTOR
    if name in ("record_proposal_seminar", "grade"):
        kind = Seminar.Kind.PROPOSAL if name == "record_proposal_seminar" else Seminar.Kind.RESULTS
        return _held_seminar(project, kind).examiners.order_by("pk").first(), Role.EXAMINER
    return project.cohort.organisers.order_by("pk").first(), Role.ORGANISER


def _decide_proposal(project: ChangeProject, target: str, examiner, at, comment: str) -> None:
    """Every examiner's proposal sheet, then the decision the rubric's rule makes of them."""
    seminar = _held_seminar(project, Seminar.Kind.PROPOSAL)
    rubric = rubric_for(seminar)
    assert rubric is not None, "the demo seeds a proposal rubric for every programme"
    accepted = target == S.IMPLEMENTATION
    decision = ProposalDecision.ACCEPTED if accepted else ProposalDecision.REJECTED
    scored_at = at - datetime.timedelta(hours=1)
    for person in seminar.examiners.order_by("pk"):
        RubricScore.objects.bulk_create(
            RubricScore(
                seminar=seminar,
                project=project,
                examiner=person,
                criterion=criterion,
                score=criterion.max_score * Decimal(85 if accepted else 50) / 100,
                scored_at=scored_at,
            )
            for criterion in rubric.criteria.all()
        )
        ProposalReview.objects.create(
            seminar=seminar,
            project=project,
            examiner=person,
            decision=decision,
            reviewed_at=scored_at,
        )
        if not accepted:
            RevisionItem.objects.create(
                seminar=seminar,
                project=project,
                examiner=person,
                text="Perjelas indikator keberhasilan jangka pendek dan datanya.",
                order=1,
            )
    summary = score_summaries(seminar, [project], rubric)[project.pk]
    # Every examiner's sheet is complete: the rule has decided, as the real service would.
    assert summary.decision == decision and summary.score is not None
    ProposalSeminarResult.objects.create(
        project=project,
        seminar=seminar,
        examiner=examiner,
        accepted=accepted,
        decision=decision,
        score=summary.score,
        rule=rubric.rule_text(),
        notes=comment or "Rancangan layak dilaksanakan; perkuat strategi komunikasi.",
        recorded_at=at,
    )


def _grade(project: ChangeProject, outcome: str, examiner, at, comment: str) -> None:
    seminar = _held_seminar(project, Seminar.Kind.RESULTS)
    rubric = rubric_for(seminar)
    assert rubric is not None, "the demo seeds a rubric for every programme"
    percents = SCORE_PERCENT_OF.get(project.participant.username, SCORE_PERCENT[outcome])
    for percent, person in zip(percents, seminar.examiners.order_by("pk"), strict=False):
        RubricScore.objects.bulk_create(
            RubricScore(
                seminar=seminar,
                project=project,
                examiner=person,
                criterion=criterion,
                score=(criterion.max_score * Decimal(percent) / 100).quantize(Decimal("0.01")),
                scored_at=at - datetime.timedelta(hours=1),
            )
            for criterion in rubric.criteria.all()
        )
    summary = score_summaries(seminar, [project], rubric)[project.pk]
    # Every examiner scored every criterion just above: the score and its band are known.
    assert summary.score is not None and summary.band is not None
    SeminarGrade.objects.create(
        project=project,
        seminar=seminar,
        score=summary.score,
        predikat=summary.band.label,
        outcome=outcome,
        notes=comment,
        decided_by=examiner,
        decided_at=at,
    )
    refresh_summary(project.pk)
    if outcome == S.DEFERRED:
        window = datetime.timedelta(days=rules_for(project.cohort).deferral_days)
        deadline = max(
            timezone.localdate(at) + window, timezone.localdate() + datetime.timedelta(days=14)
        )
        ChangeProject.objects.filter(pk=project.pk).update(deferral_deadline=deadline)


def _conversation(project: ChangeProject) -> None:
    """Consultations (one awaiting the mentor), a comment each way and a shared reflection."""
    assert project.coach is not None and project.mentor is not None  # so is every demo project
    start = project.cohort.implementation_starts_on
    sessions = [
        (
            project.coach,
            Role.COACH,
            3,
            Consultation.Mode.ONLINE,
            "Penajaman rencana tonggak jangka pendek",
            "Urutan kegiatan disepakati; sosialisasi didahulukan.",
            Consultation.Status.CONFIRMED,
        ),
        (
            project.mentor,
            Role.MENTOR,
            10,
            Consultation.Mode.IN_PERSON,
            "Dukungan anggaran dan tim efektif",
            "Mentor menyetujui pembentukan tim efektif lima orang.",
            Consultation.Status.CONFIRMED,
        ),
        (
            project.mentor,
            Role.MENTOR,
            24,
            Consultation.Mode.IN_PERSON,
            "Kendala koordinasi lintas bidang",
            "Mentor akan mengundang kepala bidang terkait dalam rapat pimpinan.",
            Consultation.Status.RECORDED,
        ),
    ]
    for person, role, days, mode, topic, outcome, status in sessions:
        held_on = min(start + datetime.timedelta(days=days), timezone.localdate())
        recorded = timezone.make_aware(datetime.datetime.combine(held_on, datetime.time(16, 0)))
        consultation = Consultation.objects.create(
            project=project,
            recorded_by=project.participant,
            consultant=person,
            consultant_role=role,
            held_on=held_on,
            mode=mode,
            topic=topic,
            outcome=outcome,
            follow_up="Peserta mengirimkan notulen kepada mentor.",
            stage=Consultation.Stage.IMPLEMENTATION,
            status=status,
            created_at=recorded,
            decided_at=min(recorded + datetime.timedelta(days=1), timezone.now())
            if status == Consultation.Status.CONFIRMED
            else None,
        )
        _consultation_history(consultation)
    Comment.objects.create(
        project=project,
        author=project.coach,
        author_role=Role.COACH,
        body="Unggah notulen sosialisasi sebagai bukti tonggak pertama, dengan daftar hadir.",
        visibility=Comment.Visibility.EVERYONE,
    )
    Comment.objects.create(
        project=project,
        author=project.mentor,
        author_role=Role.MENTOR,
        body="Catatan untuk coach: peserta perlu dorongan dalam melibatkan bidang lain.",
        visibility=Comment.Visibility.REVIEWERS,
    )
    entry = JournalEntry.objects.create(
        project=project,
        author=project.participant,
        happened="Sosialisasi pertama dihadiri 25 pegawai; dua bidang belum mengirim perwakilan.",
        learned="Undangan resmi dari pimpinan lebih efektif daripada pesan di grup.",
        next_steps="Meminta mentor menandatangani undangan sosialisasi kedua.",
        sharing=JournalEntry.Sharing.SHARED,
    )
    JournalReply.objects.create(
        entry=entry,
        author=project.coach,
        author_role=Role.COACH,
        body="Refleksi yang baik. Catat juga siapa saja pemangku kepentingan yang belum terlibat.",
    )


def _consultation_history(consultation: Consultation) -> None:
    """The log rows the control form's workflow would have written for this session."""
    ConsultationLog.objects.create(
        consultation=consultation,
        project_id=consultation.project_id,
        actor_id=consultation.recorded_by_id,
        role=Role.PARTICIPANT,
        action=ConsultationLog.Action.RECORD,
        to_state=Consultation.Status.RECORDED,
        created_at=consultation.created_at,
    )
    if consultation.is_decided:
        assert consultation.decided_at is not None  # set with the decision
        ConsultationLog.objects.create(
            consultation=consultation,
            project_id=consultation.project_id,
            actor_id=consultation.consultant_id,
            role=consultation.consultant_role,
            action=ConsultationLog.Action.CONFIRM,
            from_state=Consultation.Status.RECORDED,
            to_state=consultation.status,
            created_at=consultation.decided_at,
        )


# --- after training: survey rounds, answers, commitments, conclusions ---------------------------

# Per alumnus: per round, what each respondent did ("submit" with answers by topic, "draft", or
# nothing), optionally the day the organiser opened the round early, and the conclusion.
IMPACT_STORIES = {
    "peserta15": {
        "rounds": [
            {
                "participant": (
                    "submit",
                    3,
                    {
                        "progress": 5,
                        "sustainability": "expanded",
                        "barriers": ["funds"],
                        "mentor_support": 5,
                        "leadership_support": 4,
                        "indicator": "12",
                        "carry_on": "Rujukan daring diperluas ke RS swasta.",
                    },
                ),
                "mentor": (
                    "submit",
                    9,
                    {
                        "coordination": 5,
                        "progress": 5,
                        "behaviour": 4,
                        "result": 5,
                        "barriers": ["funds"],
                    },
                ),
            },
            {"participant": ("draft", 2, {"progress": 5, "sustainability": "expanded"})},
        ],
    },
    "peserta16": {
        "rounds": [
            {
                "participant": (
                    "submit",
                    18,
                    {
                        "progress": 3,
                        "sustainability": "stalled",
                        "barriers": ["rotation", "funds"],
                        "mentor_support": 3,
                        "leadership_support": 2,
                        "indicator": "310",
                        "carry_on": "Pelatihan petugas gudang baru.",
                    },
                ),
                # The mentor has not answered: the round is past its due date (stuck).
            },
            {},
        ],
    },
    "peserta17": {
        "rounds": [
            {
                "participant": (
                    "submit",
                    4,
                    {
                        "progress": 4,
                        "sustainability": "continued",
                        "barriers": ["stakeholders"],
                        "indicator": "6",
                    },
                ),
                "mentor": (
                    "submit",
                    6,
                    {
                        "coordination": 4,
                        "progress": 4,
                        "behaviour": 4,
                        "result": 4,
                        "barriers": ["stakeholders"],
                    },
                ),
            },
            {
                "participant": (
                    "submit",
                    1,
                    {
                        "progress": 5,
                        "sustainability": "replicated",
                        "barriers": [],
                        "indicator": "12",
                    },
                ),
                "mentor": (
                    "submit",
                    2,
                    {"coordination": 5, "progress": 5, "behaviour": 5, "result": 5, "barriers": []},
                ),
            },
        ],
        "conclusion": (
            "sustained",
            ["stakeholders"],
            "Seluruh 12 parameter uji terakreditasi; "
            "audit internal direplikasi oleh Labkesda Kota Bandung.",
        ),
    },
    "peserta14": {
        # Completed early: the organiser opened both rounds ahead of time for the annual report.
        "open_early": 120,
        "rounds": [
            {
                "participant": (
                    "submit",
                    2,
                    {
                        "progress": 4,
                        "sustainability": "continued",
                        "barriers": ["restructuring"],
                        "indicator": "1",
                    },
                ),
                "mentor": (
                    "submit",
                    3,
                    {
                        "coordination": 4,
                        "progress": 4,
                        "behaviour": 4,
                        "result": 4,
                        "barriers": ["restructuring"],
                    },
                ),
            },
            {
                "participant": (
                    "submit",
                    5,
                    {
                        "progress": 4,
                        "sustainability": "continued",
                        "barriers": [],
                        "indicator": "0.5",
                    },
                ),
                "mentor": (
                    "submit",
                    6,
                    {"coordination": 4, "progress": 5, "behaviour": 4, "result": 4, "barriers": []},
                ),
            },
        ],
        "conclusion": (
            "partly",
            ["restructuring"],
            "Verifikasi berjalan di seluruh program "
            "bantuan kota; penggabungan unit sempat menunda perluasan ke kabupaten.",
        ),
    },
}


def seed_impact() -> int:
    """Survey rounds, answers, commitments and conclusions of the demo projects past training
    that have no rounds yet; returns how many projects got them."""
    done = 0
    projects = ChangeProject.objects.filter(
        state__in=[S.MONITORING, S.COMPLETED], survey_rounds__isnull=True
    ).select_related("participant", "mentor", "cohort", "agency")
    for project in projects:
        closed = project.transition_logs.filter(transition="close_training").first()
        if closed is None:
            continue
        with transaction.atomic():
            _impact_history(project, closed)
        done += 1
    return done


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return min(at, timezone.now() - datetime.timedelta(hours=2))


def _impact_history(project: ChangeProject, closed: TransitionLog) -> None:
    from mentoring.services import add_months

    organiser = closed.actor
    closed_on = timezone.localdate(closed.created_at)
    story = cast(dict[str, Any], IMPACT_STORIES.get(project.participant.username, {"rounds": []}))
    today = timezone.localdate()
    rounds = []
    for number, months in enumerate((6, 12), start=1):
        opens_on = add_months(closed_on, months)
        survey_round = SurveyRound.objects.create(
            project=project,
            number=number,
            months_after=months,
            opens_on=opens_on,
            due_on=opens_on + datetime.timedelta(days=30),
            is_final=number == 2,
            created_at=closed.created_at,
        )
        SurveyRoundLog.objects.create(
            round=survey_round,
            project=project,
            actor=organiser,
            role=Role.ORGANISER,
            action=SurveyRoundLog.Action.SCHEDULE,
            detail=f"dibuka {opens_on:%d-%m-%Y}, batas {survey_round.due_on:%d-%m-%Y}",
            created_at=closed.created_at,
        )
        rounds.append(survey_round)
    if "open_early" in story:
        early = today - datetime.timedelta(days=story["open_early"])
        for survey_round in rounds:
            SurveyRoundLog.objects.create(
                round=survey_round,
                project=project,
                actor=organiser,
                role=Role.ORGANISER,
                action=SurveyRoundLog.Action.OPEN_EARLY,
                detail=f"{survey_round.opens_on:%d-%m-%Y} → {early:%d-%m-%Y}",
                comment="Evaluasi dampak dipercepat untuk laporan tahunan BPSDM.",
                created_at=_at(early, 8),
            )
            survey_round.opens_on = early
            survey_round.due_on = early + datetime.timedelta(days=30)
            survey_round.save(update_fields=["opens_on", "due_on"])
    for survey_round, plan in zip(rounds, story["rounds"], strict=False):
        if survey_round.opens_on > today:
            continue
        survey_round.invited_at = _at(survey_round.opens_on, 7)
        survey_round.save(update_fields=["invited_at"])
        SurveyRoundLog.objects.create(
            round=survey_round,
            project=project,
            action=SurveyRoundLog.Action.INVITE,
            detail=", ".join(str(p) for p in (project.participant, project.mentor) if p),
            created_at=survey_round.invited_at,
        )
        for role, person in (
            (Role.PARTICIPANT, project.participant),
            (Role.MENTOR, project.mentor),
        ):
            if role in plan and person is not None:
                step, after_days, topics = plan[role]
                _demo_response(survey_round, role, person, step, after_days, topics)
    _demo_commitments(project, closed)
    if project.state == S.COMPLETED and "conclusion" in story:
        outcome, barriers, summary = story["conclusion"]
        log = project.transition_logs.get(transition="complete_impact_review")
        ImpactConclusion.objects.create(
            project=project,
            transition_log=log,
            outcome=outcome,
            barriers=barriers,
            summary=summary,
            written_by=log.actor,
            created_at=log.created_at,
        )


def _demo_response(survey_round, role, person, step, after_days, topics) -> None:
    from mentoring.selectors import current_questionnaire
    from milestones.models import IndicatorMeasurement

    project = survey_round.project
    audience = RESPONDENT_AUDIENCE[role]
    questionnaire = current_questionnaire(project.cohort, audience)
    assert questionnaire is not None, "the default questionnaires are seeded by a migration"
    at = _at(survey_round.opens_on + datetime.timedelta(days=after_days), 10)
    submitted = step == "submit"
    response = SurveyResponse.objects.create(
        round=survey_round,
        role=role,
        respondent=person,
        questionnaire=questionnaire,
        state=SurveyResponse.State.SUBMITTED if submitted else SurveyResponse.State.DRAFT,
        submitted_at=at if submitted else None,
        is_late=submitted and timezone.localdate(at) > survey_round.due_on,
        updated_at=at,
    )
    indicator = project.indicators.order_by("pk").first()
    for question in questionnaire.questions.all():
        value = topics.get(question.topic)
        if question.kind == Question.Kind.INDICATORS:
            if indicator is None or "indicator" not in topics:
                continue
            value = {str(indicator.pk): topics["indicator"]}
            if submitted:
                IndicatorMeasurement.objects.create(
                    indicator=indicator,
                    value=Decimal(topics["indicator"]),
                    measured_on=timezone.localdate(at),
                    note=f"Dari survei pascapelatihan putaran {survey_round.number} (Peserta).",
                    recorded_by=person,
                    recorded_at=at,
                )
        elif value is None and submitted:
            defaults: dict[str, Any] = {Question.Kind.SCALE: 4, Question.Kind.YES_NO: True}
            value = defaults.get(question.kind)
        if value is None:
            continue
        SurveyAnswer.objects.create(
            response=response,
            question=question,
            value=value,
            follow_up="Tonggak jangka menengah berjalan sesuai jadwal."
            if question.kind == Question.Kind.YES_NO and value is True
            else "",
        )
    if submitted:
        SurveyRoundLog.objects.create(
            round=survey_round,
            project=project,
            actor=person,
            role=role,
            action=SurveyRoundLog.Action.SUBMIT,
            detail="terlambat" if response.is_late else "",
            created_at=at,
        )


def _demo_commitments(project: ChangeProject, closed: TransitionLog) -> None:
    """The participant, the mentor and the agency head agree to the milestones after training."""
    from milestones.models import Term

    head = (
        AgencyHead.objects.filter(agency_id__in=project.agency_lineage_ids())
        .select_related("user")
        .order_by("pk")
        .first()
    )
    milestones = [
        {
            "term": milestone.term,
            "activity": milestone.activity,
            "due_date": milestone.due_date.isoformat(),
            "expected_output": milestone.expected_output,
        }
        for milestone in project.milestones.filter(term__in=[Term.MEDIUM, Term.LONG]).order_by(
            "due_date", "pk"
        )
    ]
    signatories = [(Role.PARTICIPANT, project.participant), (Role.MENTOR, project.mentor)]
    if head is not None:
        signatories.append((Role.AGENCY_HEAD, head.user))
    for offset, (role, person) in enumerate(signatories, start=1):
        if person is None:
            continue
        Commitment.objects.create(
            project=project,
            role=role,
            signer=person,
            wording=str(Commitment.WORDING),
            milestones=milestones,
            signed_at=closed.created_at + datetime.timedelta(hours=offset),
        )
