"""Reads for mentoring: pending sign-offs; who may read which comment, session, reflection."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    CENT,
    CalendarFeed,
    Comment,
    Consultation,
    GradeBand,
    JournalEntry,
    JournalReply,
    ProposalReview,
    ProposalSeminarResult,
    Question,
    Questionnaire,
    RevisionItem,
    Rubric,
    RubricCriterion,
    RubricScore,
    SeminarAttendance,
    SeminarGrade,
    SignOff,
    SurveyExcusal,
    SurveyResponse,
    SurveyRound,
    SurveyRoundLog,
    SurveySchedule,
    combine_decisions,
    project_score,
    sheet_total,
)
from milestones.selectors import WaitingItem
from tracker import workflow
from tracker.models import (
    ChangeProject,
    Cohort,
    ImpactIndicator,
    PoolExaminer,
    ProposalDecision,
    Role,
    Seminar,
    TransitionLog,
    User,
    token_digest,
)
from tracker.selectors import (
    coaches_assignable_in,
    first_on_each_side,
    institutions_organised_by,
    loaded,
    transitions_of,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class SeminarOutcomes(TypedDict):
    """What `seminars_of` prefetches on each seminar: this project's results and grades."""

    project_results: list[ProposalSeminarResult]
    project_grades: list[SeminarGrade]


class AwaitedSignoff(TypedDict):
    """What `signoffs_awaiting` annotates: when the review opened and whose sign-off it awaits."""

    submitted_at: datetime.datetime | None
    awaiting_role: str


if TYPE_CHECKING:
    SeminarWithOutcomes = WithAnnotations[Seminar, SeminarOutcomes]
    ProjectAwaitingSignoff = WithAnnotations[ChangeProject, AwaitedSignoff]

STAGE_OF_REVIEW_STATE = {
    ChangeProject.State.PROPOSAL_REVIEW: SignOff.Stage.PROPOSAL,
    ChangeProject.State.REPORT_REVIEW: SignOff.Stage.REPORT,
}


def pending_signoff(project: ChangeProject, user) -> str | None:
    """The stage this user can sign off now, or None (reads the page's shared log)."""
    stage = STAGE_OF_REVIEW_STATE.get(project.state)
    if stage is None:
        return None
    roles: AbstractSet[str] = workflow.roles(project, user) & {Role.COACH, Role.MENTOR}
    return stage if roles - review_signers(project) else None


def review_signers(project: ChangeProject) -> set[str]:
    """Roles that signed off the submission now under review, from the page's shared reads."""
    opened = [log for log in transitions_of(project) if log.to_state == project.state]
    if not opened:
        return set()
    return {s.role for s in signoffs_of(project) if s.submission_id == opened[-1].pk}


# --- Comments, consultations and journal


def comments_visible_to(project: ChangeProject, user: User) -> QuerySet[Comment]:
    """The project's comments this user may read: one rule for pages, partials, mail, exports."""
    # Outside the project's scope: none. Reviewers-only comments reach reviewers and the admin,
    # never the participant (see Comment.sees_restricted).
    roles = workflow.roles(project, user)
    comments = Comment.objects.filter(project=project).select_related("author")
    if not roles:
        return comments.none()
    if not Comment.sees_restricted(roles):
        comments = comments.filter(visibility=Comment.Visibility.EVERYONE)
    return comments.order_by("created_at", "pk")


def consultations_of(project: ChangeProject) -> list[Consultation]:
    """The project's control-form entries, newest session first, with the people named (read
    once per loaded project)."""
    return loaded(
        project,
        "consultations",
        lambda: list(
            project.consultations.select_related("recorded_by", "consultant").order_by(
                "-held_on", "-pk"
            )
        ),
    )


def consultation_counts(consultations: list[Consultation]) -> list[dict]:
    """Per stage, in workflow order: how many sessions were recorded, confirmed and disputed."""
    counts: dict[str, dict[str, int]] = {
        value: {"recorded": 0, "confirmed": 0, "disputed": 0} for value in Consultation.Stage
    }
    for consultation in consultations:
        row = counts[consultation.stage]
        row["recorded"] += 1
        if consultation.status != Consultation.Status.RECORDED:
            row[consultation.status] += 1
    return [
        {**counts[value], "stage": value, "label": label}
        for value, label in Consultation.Stage.choices
    ]


def signoffs_of(project: ChangeProject) -> list[SignOff]:
    """The project's coach and mentor sign-offs, oldest first (read once per loaded project)."""
    return loaded(
        project,
        "signoffs",
        lambda: list(project.signoffs.select_related("signer").order_by("signed_at", "pk")),
    )


def proposal_signed_by_both(project: ChangeProject) -> bool:
    """Whether coach and mentor both signed off one proposal submission (the approval page)."""
    return stage_signed_by_both(project, SignOff.Stage.PROPOSAL)


def stage_signed_by_both(project: ChangeProject, stage: str) -> bool:
    """Whether coach and mentor both signed off one submission of the stage (proposal: the
    approval page; report: the endorsement page)."""
    signed: dict[int, set[str]] = defaultdict(set)
    for signoff in signoffs_of(project):
        if signoff.stage == stage:
            signed[signoff.submission_id].add(signoff.role)
    return any(roles >= {Role.COACH, Role.MENTOR} for roles in signed.values())


def seminars_of(project: ChangeProject) -> list[SeminarWithOutcomes]:
    """The project's seminars, earliest first, with their examiners and this project's results
    and grades (read once per loaded project)."""
    return loaded(
        project,
        "seminars",
        lambda: list(
            project.seminars.select_related("cohort")
            .prefetch_related(
                "examiners",
                Prefetch(
                    "proposal_results",
                    queryset=ProposalSeminarResult.objects.filter(project=project).select_related(
                        "examiner"
                    ),
                    to_attr="project_results",
                ),
                Prefetch(
                    "grades",
                    queryset=SeminarGrade.objects.filter(project=project).select_related(
                        "decided_by"
                    ),
                    to_attr="project_grades",
                ),
            )
            .order_by("starts_at", "pk")
        ),
    )


def journal_entries_visible_to(project: ChangeProject, user: User) -> QuerySet[JournalEntry]:
    """Reflections this user may read: own ones as participant, shared ones as coach or mentor."""
    # Nobody else, not even the admin in the app's pages: the journal is not an oversight tool.
    entries = JournalEntry.objects.filter(project=project)
    if user.is_authenticated and project.participant_id == user.pk:
        entries = entries.filter(author=user)
    elif workflow.roles(project, user) & JournalEntry.READER_ROLES:
        entries = entries.filter(sharing=JournalEntry.Sharing.SHARED)
    else:
        return entries.none()
    return entries.select_related("author").prefetch_related(
        Prefetch("replies", queryset=JournalReply.objects.select_related("author"))
    )


def journal_of(project: ChangeProject, user: User) -> list[JournalEntry]:
    """`journal_entries_visible_to` as a list, read once per loaded project and user."""
    return loaded(
        project, f"journal:{user.pk}", lambda: list(journal_entries_visible_to(project, user))
    )


# --- Seminars and grading ------------------------------------------------------------------

# A project goes on a seminar of a kind only while it waits in the matching state.
STATE_OF_KIND: dict[str, ChangeProject.State] = {
    Seminar.Kind.PROPOSAL: ChangeProject.State.PROPOSAL_SEMINAR,
    Seminar.Kind.RESULTS: ChangeProject.State.RESULTS_SEMINAR,
}
# Who sees every examiner's scores, on pages and in documents; the others see only the final grade.
REVIEWER_ROLES = {Role.EXAMINER, Role.ORGANISER, Role.COACH, Role.MENTOR, Role.ADMIN}


def sees_examiner_scores(project: ChangeProject, user: User, roles=None) -> bool:
    """Whether the user may see each examiner's rubric scores of the project, not only its grade.

    The one rule for the project page, the seminar minutes and their attached CSV alike.
    """
    roles = workflow.roles(project, user) if roles is None else roles
    return bool(set(roles) & REVIEWER_ROLES)


def seminars_visible_to(user: User) -> QuerySet[Seminar]:
    """Seminars the user examines or whose cohort they organise; the admin sees all."""
    seminars = Seminar.objects.all()
    if not user.is_authenticated:
        return seminars.none()
    if user.is_superuser:
        return seminars
    return seminars.filter(
        Q(pk__in=Seminar.objects.filter(examiners=user).values("pk"))
        | Q(cohort__in=Cohort.objects.filter(organisers=user).values("pk"))
    )


def seminar_list(user: User) -> list[Seminar]:
    """The seminars a person sees, newest first, with their cohort, examiners and size."""
    return list(
        seminars_visible_to(user)
        .select_related("cohort")
        .prefetch_related("examiners")
        .annotate(project_count=Count("projects", distinct=True))
        .order_by("-starts_at", "-pk")
    )


def organised_cohorts(user: User) -> QuerySet[Cohort]:
    """Cohorts the user organises, for which they may schedule seminars."""
    return (
        Cohort.objects.filter(organisers=user) if user.is_authenticated else Cohort.objects.none()
    )


def is_organiser_of(cohort: Cohort, user: User) -> bool:
    return cohort.organisers.filter(pk=user.pk).exists()


def eligible_projects(
    cohort: Cohort, kind: str | None, seminar: Seminar | None = None
) -> QuerySet[ChangeProject]:
    """The cohort's projects that may go on a seminar of this kind (all kinds when None).

    Projects already on the seminar stay eligible, so editing it never drops them by surprise.
    """
    states = [STATE_OF_KIND[kind]] if kind in STATE_OF_KIND else list(STATE_OF_KIND.values())
    scope = Q(state__in=states)
    if seminar is not None and seminar.pk:
        scope |= Q(pk__in=seminar.projects.values("pk"))
    return (
        cohort.projects.filter(scope)
        .select_related("participant")
        .order_by("participant__full_name", "pk")
    )


def examiner_candidates(cohort: Cohort) -> QuerySet[User]:
    """People who may examine the cohort's seminars: the active members of its institution's
    examiner pool who may also coach in it (never the admin, its participants or its
    organisers)."""
    return coaches_assignable_in(cohort).filter(
        pk__in=PoolExaminer.objects.filter(institution=cohort.institution).values("person")
    )


def rubric_for(seminar: Seminar) -> Rubric | None:
    """The rubric this seminar is scored with: the one its scores already use, else the
    current rubric for its cohort (so a rubric added later never mixes into a seminar that
    has started scoring)."""
    rubrics = Rubric.objects.prefetch_related("criteria", "bands")
    used = rubrics.filter(
        pk__in=RubricScore.objects.filter(seminar=seminar).values("criterion__rubric")
    )
    return used.first() or current_rubric(rubrics, seminar.cohort, seminar.kind)


def current_rubric(
    rubrics: QuerySet[Rubric], cohort: Cohort, kind: str = Seminar.Kind.RESULTS
) -> Rubric | None:
    """The newest rubric of the cohort's programme for a kind of seminar: its institution's
    own, else a shared one."""
    return (
        rubrics.filter(
            programme=cohort.programme, kind=kind, institution__in=["", cohort.institution]
        )
        .order_by(Case(When(institution="", then=1), default=0), "-pk")
        .first()
    )


def rubrics_visible_to(user: User) -> QuerySet[Rubric]:
    """Shared rubrics and those of the institutions the user organises for; all for the admin."""
    if user.is_superuser:
        return Rubric.objects.all()
    return Rubric.objects.filter(institution__in=["", *institutions_organised_by(user)])


def owns_rubric(rubric: Rubric, user: User) -> bool:
    """Whether the user keeps this rubric: the admin keeps all, an organiser their institution's."""
    return user.is_superuser or (
        bool(rubric.institution) and rubric.institution in institutions_organised_by(user)
    )


@dataclass
class ExaminerSheet:
    """One examiner's scores for one project at one seminar; at a proposal seminar also their
    own decision and the revisions they require (the sheet is complete with its decision)."""

    examiner: User
    scores: dict[int, Decimal]
    complete: bool
    total: Decimal | None
    decision: str = ""
    revisions: list[RevisionItem] = field(default_factory=list)

    def get_decision_display(self) -> str:
        return str(ProposalDecision(self.decision).label) if self.decision else ""


@dataclass
class ScoreSummary:
    """Every examiner's sheet for a project, and the score and band once all are complete."""

    rubric: Rubric | None
    criteria: list[RubricCriterion]
    sheets: list[ExaminerSheet] = field(default_factory=list)
    score: Decimal | None = None
    band: GradeBand | None = None
    # Proposal seminars: the decision the rubric's rule combines from the complete sheets.
    decision: ProposalDecision | None = None

    def get_decision_display(self) -> str:
        return str(self.decision.label) if self.decision else ""

    @property
    def revisions(self) -> list[RevisionItem]:
        return [item for sheet in self.sheets for item in sheet.revisions]

    @property
    def complete(self) -> bool:
        return bool(self.criteria and self.sheets) and all(s.complete for s in self.sheets)

    @property
    def scored_count(self) -> int:
        return sum(1 for sheet in self.sheets if sheet.complete)

    @property
    def missing(self) -> list[User]:
        return [sheet.examiner for sheet in self.sheets if not sheet.complete]

    def rows(self) -> list[dict]:
        """Per criterion, each examiner with their score (None if missing), in sheet order."""
        return [
            {
                "criterion": c,
                "cells": [(sheet.examiner, sheet.scores.get(c.pk)) for sheet in self.sheets],
            }
            for c in self.criteria
        ]


def score_summaries(
    seminar: Seminar, projects: list[ChangeProject], rubric: Rubric | None = None
) -> dict[int, ScoreSummary]:
    """Per project: each current examiner's sheet at this seminar, and the score when complete
    (with the band at a results seminar, the combined decision at a proposal seminar)."""
    rubric = rubric if rubric is not None else rubric_for(seminar)
    criteria = list(rubric.criteria.all()) if rubric else []
    examiners = sorted(seminar.examiners.all(), key=lambda person: (person.full_name, person.pk))
    project_ids = [p.pk for p in projects]
    entered = entered_scores([seminar.pk], project_ids) if criteria else {}
    proposal = seminar.kind == Seminar.Kind.PROPOSAL
    reviews = proposal_reviews([seminar.pk], project_ids) if proposal else {}
    revisions: dict[tuple[int, int], list[RevisionItem]] = defaultdict(list)
    if proposal:
        for item in RevisionItem.objects.filter(seminar=seminar, project_id__in=project_ids):
            revisions[(item.project_id, item.examiner_id)].append(item)
    summaries = {}
    for project in projects:
        summary = ScoreSummary(rubric=rubric, criteria=criteria)
        for examiner in examiners:
            given = entered.get((seminar.pk, project.pk, examiner.pk), {})
            scores = {c.pk: given[c.pk] for c in criteria if c.pk in given}
            decision = reviews.get((seminar.pk, project.pk, examiner.pk), "")
            complete = sheet_complete(criteria, scores) and (bool(decision) or not proposal)
            total = (
                sheet_total(_sheet(criteria, scores)).quantize(CENT)
                if sheet_complete(criteria, scores)
                else None
            )
            summary.sheets.append(
                ExaminerSheet(
                    examiner,
                    scores,
                    complete,
                    total,
                    decision=decision,
                    revisions=revisions.get((project.pk, examiner.pk), []),
                )
            )
        if summary.complete and rubric is not None:
            summary.score = project_score(_sheet(criteria, s.scores) for s in summary.sheets)
            if proposal:
                summary.decision = combine_decisions(
                    rubric.decision_rule,
                    score=summary.score,
                    decisions=[sheet.decision for sheet in summary.sheets],
                    accept_min=rubric.accept_min_score,
                    revision_min=rubric.revision_min_score,
                )
            else:
                summary.band = rubric.band_for(summary.score)
        summaries[project.pk] = summary
    return summaries


def proposal_reviews(seminar_ids: list[int], project_ids: list[int]) -> dict[tuple, str]:
    """(seminar, project, examiner) -> the examiner's own decision at a proposal seminar.

    Like the scores, a decision counts once given since the project last came to the seminar.
    """
    arrived = TransitionLog.objects.filter(
        project=OuterRef("project_id"), to_state=ChangeProject.State.PROPOSAL_SEMINAR
    ).order_by("-pk")
    rows = (
        ProposalReview.objects.filter(seminar_id__in=seminar_ids, project_id__in=project_ids)
        .annotate(arrived=Subquery(arrived.values("created_at")[:1]))
        .filter(Q(arrived__isnull=True) | Q(reviewed_at__gte=F("arrived")))
        .values_list("seminar_id", "project_id", "examiner_id", "decision")
    )
    return {(s, p, e): decision for s, p, e, decision in rows}


def entered_scores(
    seminar_ids: list[int], project_ids: list[int]
) -> dict[tuple[int, int, int], dict[int, Decimal]]:
    """(seminar, project, examiner) -> {criterion: score} of the scores that count now.

    A score counts once given since the project last came to the seminar's state: a report
    resubmitted after a deferral is scored afresh.
    """
    arrived = TransitionLog.objects.filter(
        project=OuterRef("project_id"), to_state=OuterRef("arrival_state")
    ).order_by("-pk")
    rows = (
        RubricScore.objects.filter(seminar_id__in=seminar_ids, project_id__in=project_ids)
        .annotate(
            arrival_state=Case(
                *(
                    When(seminar__kind=kind, then=Value(state))
                    for kind, state in STATE_OF_KIND.items()
                )
            )
        )
        .annotate(arrived=Subquery(arrived.values("created_at")[:1]))
        .filter(Q(arrived__isnull=True) | Q(scored_at__gte=F("arrived")))
        .values_list("seminar_id", "project_id", "examiner_id", "criterion_id", "score")
    )
    entered: dict[tuple[int, int, int], dict[int, Decimal]] = defaultdict(dict)
    for seminar_id, project_id, examiner_id, criterion_id, score in rows:
        entered[(seminar_id, project_id, examiner_id)][criterion_id] = score
    return entered


def sheet_complete(criteria: Iterable[RubricCriterion], scores: dict[int, Decimal]) -> bool:
    """An examiner's sheet is complete when every criterion of the rubric has a score."""
    criteria = list(criteria)
    return bool(criteria) and all(c.pk in scores for c in criteria)


def _sheet(criteria: list[RubricCriterion], scores: dict[int, Decimal]):
    return [(scores[c.pk], c.weight, c.max_score) for c in criteria]


def scoring_refusal(seminar: Seminar, project: ChangeProject) -> StrOrPromise | None:
    """Why the project cannot be scored or decided at this seminar now, or None."""
    decided: QuerySet
    if seminar.kind == Seminar.Kind.PROPOSAL:
        if project.state != ChangeProject.State.PROPOSAL_SEMINAR:
            return _("Proyek ini tidak sedang menunggu penilaian seminar rancangan.")
        decided = ProposalSeminarResult.objects.filter(seminar=seminar, project=project)
    else:
        if project.state != ChangeProject.State.RESULTS_SEMINAR:
            return _("Proyek ini tidak sedang menunggu penilaian seminar laporan.")
        decided = SeminarGrade.objects.filter(seminar=seminar, project=project)
    if decided.exists():
        return _("Hasil seminar ini sudah ditetapkan; nilainya tidak dapat diubah lagi.")
    return None


def grading_refusal(project: ChangeProject) -> str:
    """Why the project cannot be graded at its latest results seminar now ('' when it can).

    The one rule of "every examiner has scored, and every committed revision is checked": the
    project's `grade` transition asks it.
    """
    results = project.seminars.filter(kind=Seminar.Kind.RESULTS).order_by("-starts_at", "-pk")
    seminar = results.prefetch_related("examiners").first()
    if seminar is None:
        return str(_("Proyek ini belum dijadwalkan pada seminar laporan."))
    refusal = scoring_refusal(seminar, project)
    if refusal:
        return str(refusal)
    summary = score_summaries(seminar, [project])[project.pk]
    if not summary.complete:
        return str(incomplete_message(summary))
    return revision_commitment(project).check_refusal


def proposal_deciding_refusal(project: ChangeProject) -> str:
    """Why the proposal seminar's combined decision cannot be recorded now ('' when it can).

    The one rule of "every examiner has scored and decided": `record_proposal_seminar` asks it.
    """
    proposals = project.seminars.filter(kind=Seminar.Kind.PROPOSAL).order_by("-starts_at", "-pk")
    seminar = proposals.prefetch_related("examiners").first()
    if seminar is None:
        return str(_("Proyek ini belum dijadwalkan pada seminar rancangan."))
    refusal = scoring_refusal(seminar, project)
    if refusal:
        return str(refusal)
    summary = score_summaries(seminar, [project])[project.pk]
    return "" if summary.complete else str(incomplete_message(summary))


NEEDS_COMMITMENT = [ProposalDecision.REVISION, ProposalDecision.REJECTED]

# From the proposal seminar's decision to the results seminar's grade, which checks what was
# committed: after it, a commitment never stated no longer waits on anyone.
COMMITMENT_DUE_STATES = [
    ChangeProject.State.PROPOSAL_REVISION,
    ChangeProject.State.PROPOSAL_REVIEW,
    ChangeProject.State.PROPOSAL_SEMINAR,
    ChangeProject.State.IMPLEMENTATION,
    ChangeProject.State.REPORT_REVIEW,
    ChangeProject.State.RESULTS_SEMINAR,
]


def commitment_awaited(project: ChangeProject) -> ProposalSeminarResult | None:
    """The proposal seminar decision whose revisions the participant has yet to commit to."""
    if project.state not in COMMITMENT_DUE_STATES:
        return None
    return (
        ProposalSeminarResult.objects.filter(
            project=project, decision__in=NEEDS_COMMITMENT, committed_at__isnull=True
        )
        .filter(Exists(RevisionItem.objects.filter(seminar=OuterRef("seminar"), project=project)))
        .order_by("-recorded_at", "-pk")
        .first()
    )


def report_commitment_refusal(project: ChangeProject) -> str:
    """Why the report cannot be submitted yet: the proposal seminar asked for revisions and the
    participant has not stated their komitmen perbaikan ('' when nothing waits for it)."""
    if commitment_awaited(project) is None:
        return ""
    return workflow.Reason(
        _(
            "Laporan belum dapat diajukan: seminar rancangan meminta perbaikan dan Anda belum "
            "menyatakan komitmen perbaikan. Nyatakan komitmen itu di bagian Seminar lebih dulu."
        ),
        url=project.get_absolute_url() + "#revision-commitment",
        label=_("Nyatakan komitmen perbaikan"),
    )


def committed_revisions(project: ChangeProject) -> list[RevisionItem]:
    """The revisions the project's proposal seminars required when not accepting it as it was:
    what the participant commits to and the results seminar checks, earliest first."""
    decided = ProposalSeminarResult.objects.filter(project=project, decision__in=NEEDS_COMMITMENT)
    return list(
        RevisionItem.objects.filter(project=project, seminar__in=decided.values("seminar"))
        .select_related("seminar", "examiner", "checked_by")
        .order_by("seminar__starts_at", "seminar_id", "examiner__full_name", "order", "pk")
    )


def commitment_percent(items: Iterable[RevisionItem]) -> Decimal | None:
    """The commitment score: the mean share of the committed revisions carried out (0-100),
    once every item is checked. The one place it is computed: pages, grade and minutes read it
    through `RevisionCommitment.percent`."""
    checks = [item.result for item in items]
    if not checks or not all(checks):
        return None
    percent = RevisionItem.CHECK_PERCENT
    earned = sum((percent[RevisionItem.Check(c)] for c in checks), Decimal(0))
    return (earned / len(checks)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class RevisionCommitment:
    """The project's revision commitment: its items, when it was stated, how far it was kept."""

    items: list[RevisionItem]
    committed_at: datetime.datetime | None
    awaited: ProposalSeminarResult | None

    @property
    def percent(self) -> Decimal | None:
        return commitment_percent(self.items)

    @property
    def checked(self) -> bool:
        return bool(self.items) and all(item.result for item in self.items)

    @property
    def unchecked(self) -> int:
        return sum(1 for item in self.items if not item.result)

    @property
    def check_refusal(self) -> str:
        """Why the results seminar cannot be graded yet: a committed revision is unchecked."""
        if not self.unchecked:
            return ""
        return str(
            _(
                "Komitmen perbaikan belum selesai diperiksa: %(count)d dari %(total)d butir "
                "belum diperiksa. Periksa setiap butir lebih dulu; nilainya ditetapkan bersama "
                "hasil seminar."
            )
            % {"count": self.unchecked, "total": len(self.items)}
        )


def revision_commitment(project: ChangeProject) -> RevisionCommitment:
    """Everything shown of a project's komitmen perbaikan (project page, results examiners,
    minutes)."""
    items = committed_revisions(project)
    committed = (
        ProposalSeminarResult.objects.filter(project=project, committed_at__isnull=False)
        .order_by("-committed_at")
        .values_list("committed_at", flat=True)
        .first()
    )
    return RevisionCommitment(
        items=items, committed_at=committed, awaited=commitment_awaited(project)
    )


def incomplete_message(summary: ScoreSummary) -> str:
    """Why a seminar's sheets are not enough to grade or decide yet."""
    if not summary.criteria:
        return str(_("Belum ada rubrik untuk program ini; minta penyelenggara menambahkannya."))
    if not summary.sheets:
        return str(_("Seminar ini belum punya penguji."))
    if summary.rubric is not None and summary.rubric.kind == Seminar.Kind.PROPOSAL:
        return _(
            "Penilaian belum lengkap: %(names)s belum mengisi semua kriteria dan keputusannya. "
            "Hasil dapat ditetapkan setelah semua penguji menilai."
        ) % {"names": ", ".join(str(person) for person in summary.missing)}
    return _(
        "Nilai belum lengkap: %(names)s belum mengisi semua kriteria. "
        "Hasil dapat ditetapkan setelah semua penguji menilai."
    ) % {"names": ", ".join(str(person) for person in summary.missing)}


def seminar_rows(seminar: Seminar, user: User, rubric: Rubric | None = None) -> list[dict]:
    """The seminar's projects with their recording or scoring status and what the user may do."""
    projects = list(
        seminar.projects.select_related("participant", "cohort").order_by(
            "participant__full_name", "pk"
        )
    )
    is_examiner = examines(seminar, user)
    if seminar.kind == Seminar.Kind.PROPOSAL:
        # Results come oldest first, so the last one per project is the current decision.
        latest = {
            result.project_id: result
            for result in seminar.proposal_results.select_related("examiner")
        }
        proposal_summaries = score_summaries(seminar, projects, rubric)
        return [
            _entry(
                seminar,
                project,
                is_examiner,
                result=latest.get(project.pk),
                summary=proposal_summaries[project.pk],
            )
            for project in projects
        ]
    summaries = score_summaries(seminar, projects, rubric)
    grades = {grade.project_id: grade for grade in seminar.grades.select_related("decided_by")}
    return [
        _entry(
            seminar,
            project,
            is_examiner,
            summary=summaries[project.pk],
            grade=grades.get(project.pk),
        )
        for project in projects
    ]


def project_seminars(project: ChangeProject, user: User) -> dict:
    """What the project page shows of the project's seminars, by what this user may see (worked
    out once per loaded project and user)."""
    return loaded(project, f"seminar-entries:{user.pk}", lambda: _project_seminars(project, user))


def _project_seminars(project: ChangeProject, user: User) -> dict:
    roles = workflow.roles(project, user)
    entries = []
    seminars = seminars_of(project)
    for seminar in seminars:
        grade = next(iter(seminar.project_grades), None)
        is_examiner = examines(seminar, user)
        # A proposal seminar that has not decided and is not deciding now (the project does
        # not wait for it) has no sheets to show: the page spares itself their queries.
        unscored = (
            seminar.kind == Seminar.Kind.PROPOSAL
            and not seminar.project_results
            and project.state != ChangeProject.State.PROPOSAL_SEMINAR
        )
        summary = (
            ScoreSummary(rubric=None, criteria=[])
            if unscored
            else score_summaries(seminar, [project])[project.pk]
        )
        entry = _entry(seminar, project, is_examiner, summary=summary, grade=grade)
        # As `seminars_visible_to`: its examiners, its cohort's organisers, the admin.
        can_view = is_examiner or bool(roles & {Role.ORGANISER, Role.ADMIN})
        entry.update(seminar=seminar, can_view=can_view)
        entry["results"] = seminar.project_results
        entries.append(entry)
    return {
        "entries": entries,
        "shows_scores": sees_examiner_scores(project, user),
        "commitment": (
            revision_commitment(project)
            if any(r.needs_commitment for s in seminars for r in s.project_results)
            else RevisionCommitment(items=[], committed_at=None, awaited=None)
        ),
    }


def examines(seminar: Seminar, user: User) -> bool:
    """Whether the user is one of the seminar's examiners (uses prefetched examiners)."""
    return any(person.pk == user.pk for person in seminar.examiners.all())


def _entry(seminar, project, is_examiner, *, result=None, summary=None, grade=None) -> dict:
    """One project at one seminar: its status there and the examiner actions open now."""
    waiting = project.state == STATE_OF_KIND[seminar.kind]
    if seminar.kind == Seminar.Kind.PROPOSAL:
        can_score = is_examiner and waiting and result is None
        return {
            "project": project,
            "result": result,
            "summary": summary,
            "waiting": waiting,
            "can_score": can_score,
            "can_record": can_score and summary is not None and summary.complete,
        }
    can_score = is_examiner and waiting and grade is None
    return {
        "project": project,
        "summary": summary,
        "grade": grade,
        "waiting": waiting,
        "can_score": can_score,
        "can_grade": can_score and summary.complete,
    }


# --- dashboards ----------------------------------------------------------------------------


def signoffs_awaiting(user: User, *, oldest: int | None = None) -> QuerySet[ProjectAwaitingSignoff]:
    """Projects in review whose current submission still lacks this user's coach/mentor approval,
    oldest review first: read from the projects' rows (`awaits_coach_signoff` and the others,
    copied by database triggers from the submissions and sign-offs: tracker/summary.py). With
    `oldest`, only from the `oldest` first on each side.

    Each has `submitted_at` (when the review opened) and `awaiting_role` (coach or mentor).
    """
    as_coach = Q(coach=user, awaits_coach_signoff=True)
    sides = [as_coach, Q(mentor=user, awaits_mentor_signoff=True)]
    awaiting = ChangeProject.objects.filter(sides[0] | sides[1])
    if oldest is not None:
        projects = ChangeProject.objects.all()
        first = projects.filter(first_on_each_side(projects, sides, "review_opened_at", oldest))
        # The page's rows found first, then joined: never the people of every candidate.
        ordered = first.order_by("review_opened_at", "pk").values("pk")[:oldest]
        awaiting = awaiting.filter(pk__in=Subquery(ordered))
    return (
        awaiting.annotate(
            submitted_at=F("review_opened_at"),
            awaiting_role=Case(
                When(as_coach, then=Value(Role.COACH.value)), default=Value(Role.MENTOR.value)
            ),
        )
        .select_related("participant", "cohort")
        .order_by("review_opened_at", "pk")
    )


def consultations_awaiting(user: User) -> QuerySet[Consultation]:
    """Sessions the participant recorded with this user that the user has not yet decided."""
    return (
        Consultation.objects.filter(consultant=user, status=Consultation.Status.RECORDED)
        .exclude(project__state__in=ChangeProject.FINAL_STATES)
        .select_related("project__participant", "project__cohort")
        .order_by("created_at", "pk")
    )


def journal_entries_awaiting_reply(user: User) -> QuerySet[JournalEntry]:
    """Reflections shared with this user as coach or mentor that nobody has answered yet."""
    return (
        JournalEntry.objects.filter(sharing=JournalEntry.Sharing.SHARED)
        .filter(Q(project__coach=user) | Q(project__mentor=user))
        .exclude(project__state__in=ChangeProject.FINAL_STATES)
        .exclude(Exists(JournalReply.objects.filter(entry=OuterRef("pk"))))
        .select_related("project__participant", "project__cohort")
        .order_by("created_at", "pk")
    )


def comments_for_participant(user: User) -> QuerySet[Comment]:
    """Others' comments on the user's own projects that a participant may read, newest first."""
    comments = Comment.objects.filter(project__participant=user).exclude(author=user)
    if not Comment.sees_restricted({Role.PARTICIPANT}):
        comments = comments.filter(visibility=Comment.Visibility.EVERYONE)
    return comments.select_related("author", "project").order_by("-created_at", "-pk")


def rubrics_for(seminars: list[Seminar]) -> dict[int, Rubric | None]:
    """`rubric_for` for many seminars at once (three queries, whatever their number)."""
    used = dict(
        RubricScore.objects.filter(seminar__in=seminars)
        .order_by()
        .values_list("seminar_id", "criterion__rubric_id")
        .distinct()
    )
    cohorts = {seminar.cohort for seminar in seminars}
    rubrics = list(
        Rubric.objects.filter(
            Q(pk__in=set(used.values()))
            | Q(
                programme__in={cohort.programme for cohort in cohorts},
                kind__in={seminar.kind for seminar in seminars},
                institution__in={"", *(cohort.institution for cohort in cohorts)},
            )
        )
        .prefetch_related("criteria", "bands")
        .order_by("-pk")
    )
    by_pk: dict[int | None, Rubric] = {rubric.pk: rubric for rubric in rubrics}
    newest: dict[tuple[str, str, str], Rubric] = {}
    for rubric in rubrics:
        newest.setdefault((rubric.programme, rubric.kind, rubric.institution), rubric)

    def current(seminar: Seminar) -> Rubric | None:
        cohort = seminar.cohort
        return newest.get((cohort.programme, seminar.kind, cohort.institution)) or newest.get(
            (cohort.programme, seminar.kind, "")
        )

    return {seminar.pk: by_pk.get(used.get(seminar.pk)) or current(seminar) for seminar in seminars}


@dataclass
class ExaminerTask:
    """A project waiting at one of the examiner's seminars, and what the examiner can do now."""

    seminar: Seminar
    project: ChangeProject
    action: str  # "record", "score", "grade" or "wait" (other examiners still scoring)
    scored: int = 0
    criteria: int = 0

    @property
    def url(self) -> str:
        name = {
            "record": "mentoring:record-proposal-result",
            "score": "mentoring:score-project",
            "grade": "mentoring:grade-project",
        }.get(self.action)
        if name is None:
            return reverse("mentoring:seminar-detail", args=[self.seminar.pk])
        return reverse(name, args=[self.seminar.pk, self.project.pk])


def examiner_tasks(user: User) -> list[ExaminerTask]:
    """Projects waiting at seminars the user examines, earliest seminar first; constant queries."""
    seminars = {
        seminar.pk: seminar
        for seminar in Seminar.objects.filter(examiners=user)
        .select_related("cohort")
        .prefetch_related("examiners")
    }
    if not seminars:
        return []
    waiting = Q()
    for kind, state in STATE_OF_KIND.items():
        waiting |= Q(seminar__kind=kind, changeproject__state=state)
    pairs = list(
        Seminar.projects.through.objects.filter(seminar_id__in=seminars)
        .filter(waiting)
        # Decided at this seminar: a later seminar of the same kind takes the project up again.
        .exclude(
            Exists(
                SeminarGrade.objects.filter(
                    seminar=OuterRef("seminar_id"), project=OuterRef("changeproject_id")
                )
            )
        )
        .exclude(
            Exists(
                ProposalSeminarResult.objects.filter(
                    seminar=OuterRef("seminar_id"), project=OuterRef("changeproject_id")
                )
            )
        )
        .select_related("changeproject__participant", "changeproject__cohort")
        .order_by("seminar__starts_at", "changeproject__participant__full_name", "pk")
    )
    held = list({p.seminar_id: seminars[p.seminar_id] for p in pairs}.values())
    rubrics = rubrics_for(held)
    project_ids = [p.changeproject_id for p in pairs]
    entered = entered_scores([seminar.pk for seminar in held], project_ids)
    reviews = proposal_reviews(
        [seminar.pk for seminar in held if seminar.kind == Seminar.Kind.PROPOSAL], project_ids
    )
    tasks = []
    for pair in pairs:
        seminar, project = seminars[pair.seminar_id], pair.changeproject
        rubric = rubrics.get(seminar.pk)
        criteria = list(rubric.criteria.all()) if rubric else []
        proposal = seminar.kind == Seminar.Kind.PROPOSAL

        def done(
            examiner_id: int, seminar=seminar, project=project, proposal=proposal, criteria=criteria
        ) -> bool:
            key = (seminar.pk, project.pk, examiner_id)
            scored = sheet_complete(criteria, entered.get(key, {}))
            return scored and (not proposal or key in reviews)

        mine = sum(
            1 for c in criteria if c.pk in entered.get((seminar.pk, project.pk, user.pk), {})
        )
        if not done(user.pk):
            action = "score"
        elif all(done(e.pk) for e in seminar.examiners.all()):
            action = "record" if proposal else "grade"
        else:
            action = "wait"
        tasks.append(ExaminerTask(seminar, project, action, scored=mine, criteria=len(criteria)))
    return tasks


def projects_awaiting_seminar(projects: QuerySet[ChangeProject]) -> QuerySet[ChangeProject]:
    """Projects waiting for a seminar that is not yet scheduled for them.

    A project waits in the seminar state of a kind; it is scheduled once it is on a seminar of
    that kind which has not decided on it yet (an earlier seminar's decision does not count).
    """
    through = Seminar.projects.through.objects.filter(changeproject=OuterRef("pk"))
    decided_proposal = ProposalSeminarResult.objects.filter(
        seminar=OuterRef("seminar_id"), project=OuterRef("changeproject_id")
    )
    decided_results = SeminarGrade.objects.filter(
        seminar=OuterRef("seminar_id"), project=OuterRef("changeproject_id")
    )
    on_proposal = through.filter(seminar__kind=Seminar.Kind.PROPOSAL).exclude(
        Exists(decided_proposal)
    )
    on_results = through.filter(seminar__kind=Seminar.Kind.RESULTS).exclude(Exists(decided_results))
    return projects.alias(
        scheduled_proposal=Exists(on_proposal), scheduled_results=Exists(on_results)
    ).filter(
        Q(state=ChangeProject.State.PROPOSAL_SEMINAR, scheduled_proposal=False)
        | Q(state=ChangeProject.State.RESULTS_SEMINAR, scheduled_results=False)
    )


def attendance_expected(seminar: Seminar, project: ChangeProject) -> list[tuple[User, str]]:
    """Who is expected at the seminar for the project, as (person, role): its examiners, then
    the project's coach and mentor."""
    expected = [
        (person, Role.EXAMINER.value)
        for person in sorted(
            seminar.examiners.all(), key=lambda person: (person.full_name, person.pk)
        )
    ]
    for person, role in ((project.coach, Role.COACH), (project.mentor, Role.MENTOR)):
        if person is not None:
            expected.append((person, role.value))
    return expected


def attendance_recorded(seminar: Seminar, project: ChangeProject) -> dict[tuple[int, str], bool]:
    """What was recorded of the project at the seminar: (person id, role) -> present."""
    return {
        (row.person_id, row.role): row.present
        for row in SeminarAttendance.objects.filter(seminar=seminar, project=project)
    }


def calendar_feed_for(token: str) -> CalendarFeed | None:
    """The feed this URL token opens, of an active account; None for any other token."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(digest=token_digest(token), user__is_active=True)
        .first()
    )


def calendar_seminars(user: User) -> QuerySet[Seminar]:
    """Every seminar on the person's calendar: those they examine or organise, and those listing
    a project they carry out, coach or mentor."""
    if not user.is_authenticated:
        return Seminar.objects.none()
    theirs = ChangeProject.objects.filter(Q(participant=user) | Q(coach=user) | Q(mentor=user))
    return (
        Seminar.objects.filter(
            Q(pk__in=Seminar.objects.filter(examiners=user).values("pk"))
            | Q(cohort__in=Cohort.objects.filter(organisers=user).values("pk"))
            | Q(
                pk__in=Seminar.projects.through.objects.filter(
                    changeproject__in=theirs.values("pk")
                ).values("seminar_id")
            )
        )
        .select_related("cohort")
        .prefetch_related(
            "examiners",
            Prefetch(
                "projects",
                queryset=ChangeProject.objects.select_related("participant").order_by("pk"),
            ),
        )
        .order_by("starts_at", "pk")
    )


# --- what waits on coaches and mentors, for reminders and escalation -----------------------------


def signoffs_waiting(now: datetime.datetime) -> list[WaitingItem]:
    """Proposals and reports in review longer than REVIEW_WAITING_DAYS, once per coach or mentor
    who has not signed off the latest submission yet."""
    cutoff = now - datetime.timedelta(days=settings.REVIEW_WAITING_DAYS)
    reviews = {
        ChangeProject.State.PROPOSAL_REVIEW: (
            SignOff.Stage.PROPOSAL,
            gettext_lazy("Rancangan “{title}” dari {participant} menunggu persetujuan"),
        ),
        ChangeProject.State.REPORT_REVIEW: (
            SignOff.Stage.REPORT,
            gettext_lazy("Laporan “{title}” dari {participant} menunggu persetujuan"),
        ),
    }
    projects = ChangeProject.objects.filter(state__in=list(reviews)).select_related(
        "participant", "coach", "mentor", "cohort"
    )
    items = []
    for project in projects:
        stage, phrase = reviews[ChangeProject.State(project.state)]
        opened = project.latest_submission(stage)
        if opened is None or opened.created_at >= cutoff:
            continue
        signed = set(opened.signoffs.values_list("role", flat=True))
        for role, person in ((Role.COACH, project.coach), (Role.MENTOR, project.mentor)):
            if person is None or role in signed:
                continue
            items.append(
                WaitingItem(
                    what=format_lazy(phrase, title=project.title, participant=project.participant),
                    url=project.get_absolute_url() + "#actions",
                    project=project,
                    waits_on=person,
                    since=opened.created_at,
                )
            )
    return items


def consultations_waiting(now: datetime.datetime) -> list[WaitingItem]:
    """Sessions logged longer than REVIEW_WAITING_DAYS ago that their coach or mentor has
    neither confirmed nor disputed."""
    cutoff = now - datetime.timedelta(days=settings.REVIEW_WAITING_DAYS)
    sessions = (
        Consultation.objects.filter(status=Consultation.Status.RECORDED, created_at__lt=cutoff)
        .exclude(project__state__in=ChangeProject.FINAL_STATES)
        .select_related("project__participant", "project__cohort", "consultant")
        .order_by("created_at", "pk")
    )
    return [
        WaitingItem(
            what=format_lazy(
                gettext_lazy("Sesi konsultasi “{topic}” dengan {participant} menunggu konfirmasi"),
                topic=session.topic,
                participant=session.project.participant,
            ),
            url=reverse("mentoring:consultations", args=[session.project_id]),
            project=session.project,
            waits_on=session.consultant,
            since=session.created_at,
        )
        for session in sessions
    ]


def surveys_waiting(now: datetime.datetime) -> list[WaitingItem]:
    """The survey rounds a respondent still owes, near or past their due date (the rounds their
    survey reminder names), waiting on them since the round became overdue: past the programme's
    escalation delay after that, the organisers hear of it, with a link to the round."""
    zone = timezone.get_current_timezone()
    items = []
    for digest in survey_digests(timezone.localdate(now)):
        for survey_round in digest.rounds:
            project = survey_round.project
            overdue_from = survey_round.due_on + datetime.timedelta(days=1)
            items.append(
                WaitingItem(
                    what=format_lazy(
                        gettext_lazy("Survei pascapelatihan {round} ({project}) belum dijawab"),
                        round=survey_round,
                        project=project.title,
                    ),
                    url=reverse("mentoring:survey-answer", args=[project.pk, survey_round.pk]),
                    project=project,
                    waits_on=digest.recipient,
                    since=datetime.datetime.combine(overdue_from, datetime.time(), tzinfo=zone),
                    escalation_url=reverse("mentoring:monitoring", args=[project.pk])
                    + f"#round-{survey_round.pk}",
                )
            )
    return items


def commitments_waiting(now: datetime.datetime) -> list[WaitingItem]:
    """Komitmen perbaikan not yet stated: each waits on its participant from the proposal
    decision that asked for the revisions (one per project, its earliest such decision)."""
    awaited = (
        ProposalSeminarResult.objects.filter(
            decision__in=NEEDS_COMMITMENT,
            committed_at__isnull=True,
            recorded_at__lte=now,
            project__state__in=COMMITMENT_DUE_STATES,
        )
        .filter(
            Exists(
                RevisionItem.objects.filter(
                    seminar=OuterRef("seminar"), project=OuterRef("project")
                )
            )
        )
        .select_related("project__participant", "project__cohort")
        .order_by("recorded_at", "pk")
    )
    first: dict[int, ProposalSeminarResult] = {}
    for result in awaited:
        first.setdefault(result.project_id, result)
    return [
        WaitingItem(
            what=format_lazy(
                gettext_lazy("Komitmen perbaikan untuk “{project}” belum dinyatakan"),
                project=result.project.title,
            ),
            url=result.project.get_absolute_url() + "#revision-commitment",
            project=result.project,
            waits_on=result.project.participant,
            since=result.recorded_at,
        )
        for result in first.values()
    ]


# What the seminar's people still owe once it was held: each examiner's sheet, then the result.
SHEET_PHRASES = {
    Seminar.Kind.PROPOSAL: gettext_lazy(
        "Penilaian seminar rancangan “{title}” dari {participant} belum diisi"
    ),
    Seminar.Kind.RESULTS: gettext_lazy(
        "Penilaian seminar laporan “{title}” dari {participant} belum diisi"
    ),
}
OUTCOME_PHRASES = {
    Seminar.Kind.PROPOSAL: gettext_lazy(
        "Hasil seminar rancangan “{title}” dari {participant} belum dicatat"
    ),
    Seminar.Kind.RESULTS: gettext_lazy(
        "Predikat seminar laporan “{title}” dari {participant} belum ditetapkan"
    ),
}
OUTCOME_URL_NAMES = {
    Seminar.Kind.PROPOSAL: "mentoring:record-proposal-result",
    Seminar.Kind.RESULTS: "mentoring:grade-project",
}


def seminar_sheets_waiting(now: datetime.datetime) -> list[WaitingItem]:
    """Projects of a seminar that was held and has not decided on them yet: every examiner who
    has not scored (and, at a proposal seminar, decided) waits since the seminar's start; once
    all have, every examiner waits on recording the result or the grade, since the same start.

    Only the project's latest seminar of that kind counts (a project moved to a later one waits
    there), and only while the project is at that seminar's state (withdrawn, it waits nowhere).
    """
    through = Seminar.projects.through.objects
    latest = (
        through.filter(
            changeproject=OuterRef("changeproject_id"), seminar__kind=OuterRef("seminar__kind")
        )
        .order_by("-seminar__starts_at", "-seminar_id")
        .values("seminar_id")[:1]
    )
    at_state = Q()
    for kind, state in STATE_OF_KIND.items():
        at_state |= Q(seminar__kind=kind, changeproject__state=state)
    pairs = list(
        through.filter(at_state, seminar__starts_at__lte=now)
        .filter(seminar_id=Subquery(latest))
        .exclude(
            Exists(
                SeminarGrade.objects.filter(
                    seminar=OuterRef("seminar_id"), project=OuterRef("changeproject_id")
                )
            )
        )
        .exclude(
            Exists(
                ProposalSeminarResult.objects.filter(
                    seminar=OuterRef("seminar_id"), project=OuterRef("changeproject_id")
                )
            )
        )
        .select_related("changeproject__participant", "changeproject__cohort")
        .order_by("seminar__starts_at", "seminar_id", "changeproject_id")
    )
    if not pairs:
        return []
    seminars = {
        seminar.pk: seminar
        for seminar in Seminar.objects.filter(pk__in={p.seminar_id for p in pairs})
        .select_related("cohort")
        .prefetch_related("examiners")
    }
    held = list(seminars.values())
    rubrics = rubrics_for(held)
    project_ids = [p.changeproject_id for p in pairs]
    entered = entered_scores(list(seminars), project_ids)
    reviews = proposal_reviews(
        [seminar.pk for seminar in held if seminar.kind == Seminar.Kind.PROPOSAL], project_ids
    )
    items = []
    for pair in pairs:
        seminar, project = seminars[pair.seminar_id], pair.changeproject
        rubric = rubrics.get(seminar.pk)
        criteria = list(rubric.criteria.all()) if rubric else []
        kind = Seminar.Kind(seminar.kind)
        examiners = sorted(seminar.examiners.all(), key=lambda p: (p.full_name, p.pk))

        def done(examiner: User, seminar=seminar, project=project, criteria=criteria) -> bool:
            key = (seminar.pk, project.pk, examiner.pk)
            scored = sheet_complete(criteria, entered.get(key, {}))
            return scored and (seminar.kind != Seminar.Kind.PROPOSAL or key in reviews)

        missing = [examiner for examiner in examiners if not done(examiner)]
        phrase, url_name = (
            (SHEET_PHRASES[kind], "mentoring:score-project")
            if missing
            else (OUTCOME_PHRASES[kind], OUTCOME_URL_NAMES[kind])
        )
        for examiner in missing or examiners:
            items.append(
                WaitingItem(
                    what=format_lazy(phrase, title=project.title, participant=project.participant),
                    url=reverse(url_name, args=[seminar.pk, project.pk]),
                    project=project,
                    waits_on=examiner,
                    since=seminar.starts_at,
                    # The organiser follows the seminar, not an examiner's own sheet.
                    escalation_url=reverse("mentoring:seminar-detail", args=[seminar.pk]),
                )
            )
    return items


# Work handed back to the participant, by the transition that did it and the state it left the
# project in: it waits on them until they submit it again. A deferral is not here: the
# programme's deferral window and its lapse already close it.
RETURNS = {
    (ChangeProject.State.DRAFT, "return_proposal"): gettext_lazy(
        "Rancangan “{title}” yang dikembalikan belum diajukan lagi"
    ),
    (ChangeProject.State.PROPOSAL_REVISION, "record_proposal_seminar"): gettext_lazy(
        "Revisi rancangan “{title}” yang ditolak di seminar rancangan belum diajukan"
    ),
    (ChangeProject.State.IMPLEMENTATION, "return_report"): gettext_lazy(
        "Laporan “{title}” yang dikembalikan belum diajukan lagi"
    ),
}


def returns_waiting(now: datetime.datetime) -> list[WaitingItem]:
    """Proposals and reports returned to their participant (a sign-off's return, a proposal
    seminar's rejection) and not submitted again: each waits on the participant since the
    return, the transition that brought the project to its state."""
    arrival = TransitionLog.objects.filter(
        project=OuterRef("pk"), to_state=OuterRef("state")
    ).order_by("-pk")
    returned = Q()
    for state, transition in RETURNS:
        returned |= Q(state=state, arrived_by=transition)
    projects = (
        ChangeProject.objects.filter(state__in={state for state, _name in RETURNS})
        .annotate(
            arrived_by=Subquery(arrival.values("transition")[:1]),
            returned_at=Subquery(arrival.values("created_at")[:1]),
        )
        .filter(returned, returned_at__lte=now)
        .select_related("participant", "cohort")
        .order_by("returned_at", "pk")
    )
    return [
        WaitingItem(
            what=format_lazy(RETURNS[(project.state, project.arrived_by)], title=project.title),
            url=project.get_absolute_url(),
            project=project,
            waits_on=project.participant,
            since=project.returned_at,
        )
        for project in projects
    ]


# --- impact evaluation after training ------------------------------------------------------------


def survey_schedule_for(programme: str) -> SurveySchedule:
    """The programme's round schedule; 6 and 12 months, 30 days to answer, if none is set."""
    found = SurveySchedule.objects.filter(programme=programme).first()
    return found or SurveySchedule(programme=programme, offsets_months=[6, 12], window_days=30)


def current_questionnaire(cohort: Cohort, audience: str) -> Questionnaire | None:
    """The version new answers use: the cohort's institution's own latest one, else the latest
    shared default of the programme."""
    versions = Questionnaire.objects.filter(programme=cohort.programme, audience=audience)
    return (
        versions.filter(institution=cohort.institution).order_by("-version", "-pk").first()
        or versions.filter(institution="").order_by("-version", "-pk").first()
    )


def respondents_of(survey_round: SurveyRound) -> list[tuple[str, User | None]]:
    """(role, person) of whom the round asks: the alumnus, and the mentor if there is one."""
    project = survey_round.project
    found: list[tuple[str, User | None]] = [(Role.PARTICIPANT, project.participant)]
    if project.mentor_id is not None:
        found.append((Role.MENTOR, project.mentor))
    return found


def respondent_role(survey_round: SurveyRound, user: User) -> str | None:
    """In which role the user answers this round, or None if it does not ask them."""
    if not user.is_authenticated:
        return None
    project = survey_round.project
    if project.participant_id == user.pk:
        return Role.PARTICIPANT
    if project.mentor_id == user.pk:
        return Role.MENTOR
    return None


# Who reads the answers of a project's rounds, and their free text (DESIGN: organisers and the
# project's mentor and coach only). The participant reads their own answers, and the mentor's
# only where the mentor's questionnaire says they are shared; agency heads read their agency's.
FULL_READERS = frozenset({Role.ORGANISER, Role.COACH, Role.MENTOR, Role.ADMIN})
FREE_TEXT_READERS = FULL_READERS


def response_visible(response: SurveyResponse, user: User, roles: Iterable[Role]) -> bool:
    """Whether the user may read this response's answers at all."""
    roles = set(roles)
    if roles & FULL_READERS or Role.AGENCY_HEAD in roles:
        return True
    if Role.PARTICIPANT in roles:
        return response.respondent_id == user.pk or response.questionnaire.shares_answers
    return False


def free_text_visible(response: SurveyResponse, user: User, roles: Iterable[Role]) -> bool:
    """Whether the user may read this response's free-text answers."""
    return bool(set(roles) & FREE_TEXT_READERS) or response.respondent_id == user.pk


@dataclass
class ShownAnswer:
    question: Question
    text: str  # what the answer says, choices as their labels; '' when unanswered
    follow_up: str


def answer_text(question: Question, value, indicators: dict[int, ImpactIndicator]) -> str:
    """An answer as a person reads it."""
    if value in (None, "", [], {}):
        return ""
    kind = question.kind
    if kind == Question.Kind.SCALE:
        return f"{value} · {question.label_of(value)}"
    if kind == Question.Kind.SINGLE:
        return question.label_of(value)
    if kind == Question.Kind.MULTIPLE:
        return ", ".join(question.label_of(item) for item in value)
    if kind == Question.Kind.YES_NO:
        return str(_("Ya") if value else _("Tidak"))
    if kind == Question.Kind.INDICATORS:
        parts = []
        for key, number in value.items():
            indicator = indicators.get(int(key))
            if indicator is not None:
                parts.append(f"{indicator.name}: {number} {indicator.unit}")
        return "; ".join(parts)
    return str(value)


def shown_answers(
    response: SurveyResponse, user: User, roles: Iterable[Role], indicators=None
) -> list[ShownAnswer]:
    """The response's answers the user may read, in question order; free text left out for
    those who may not read it."""
    free_text = free_text_visible(response, user, roles)
    given = {answer.question_id: answer for answer in response.answers.all()}
    indicators = indicators or {}
    shown = []
    for question in response.questionnaire.questions.all():
        if question.kind in Question.TEXT_KINDS and not free_text:
            continue
        answer = given.get(question.pk)
        shown.append(
            ShownAnswer(
                question=question,
                text=answer_text(question, answer.value if answer else None, indicators),
                follow_up=(answer.follow_up if answer and free_text else ""),
            )
        )
    return shown


def rounds_of(project: ChangeProject) -> list[SurveyRound]:
    """The project's survey rounds with their responses (and answers), excusals and log."""
    return loaded(
        project,
        "survey_rounds",
        lambda: list(
            project.survey_rounds.prefetch_related(
                Prefetch(
                    "responses",
                    queryset=SurveyResponse.objects.select_related("respondent").prefetch_related(
                        "answers", Prefetch("questionnaire__questions")
                    ),
                ),
                "excusals",
                Prefetch("logs", queryset=SurveyRoundLog.objects.select_related("actor")),
            ).order_by("number")
        ),
    )


@dataclass
class RespondentStatus:
    role: str
    person: User | None
    response: SurveyResponse | None
    excusal: SurveyExcusal | None

    @property
    def label(self) -> str:
        if self.excusal is not None:
            return str(_("Dibebaskan"))
        if self.response is None:
            return str(_("Belum mengisi"))
        if self.response.state == SurveyResponse.State.SUBMITTED:
            return str(_("Terkirim, terlambat") if self.response.is_late else _("Terkirim"))
        return str(_("Draf tersimpan"))

    @property
    def settled(self) -> bool:
        return self.excusal is not None or (
            self.response is not None and self.response.state == SurveyResponse.State.SUBMITTED
        )


def respondent_statuses(survey_round: SurveyRound) -> list[RespondentStatus]:
    """Per respondent of the round: their response or excusal (from prefetched rows)."""
    responses = {response.role: response for response in survey_round.responses.all()}
    excusals = {excusal.role: excusal for excusal in survey_round.excusals.all()}
    return [
        RespondentStatus(role, person, responses.get(role), excusals.get(role))
        for role, person in respondents_of(survey_round)
    ]


def rounds_awaiting(user: User, today) -> QuerySet[SurveyRound]:
    """Open rounds of projects in monitoring that wait for this person's answers."""
    submitted = SurveyResponse.objects.filter(
        round=OuterRef("pk"), respondent=user, state=SurveyResponse.State.SUBMITTED
    )
    mine = Q(project__participant=user) | Q(project__mentor=user)
    excused = SurveyExcusal.objects.filter(
        round=OuterRef("pk"),
        role=Case(
            When(round__project__participant=user, then=Value(Role.PARTICIPANT.value)),
            default=Value(Role.MENTOR.value),
        ),
    )
    return (
        SurveyRound.objects.filter(mine, project__state=ChangeProject.State.MONITORING)
        .filter(opens_on__lte=today)
        .exclude(Exists(submitted))
        .exclude(Exists(excused))
        .select_related("project__participant", "project__cohort")
        .order_by("due_on", "pk")
    )


@dataclass
class SurveyDigest:
    """The open rounds waiting on one person, near or past their due date, for one reminder."""

    recipient: User
    rounds: list[SurveyRound] = field(default_factory=list)

    @property
    def cohort_id(self) -> int | None:
        cohorts = {survey_round.project.cohort_id for survey_round in self.rounds}
        return cohorts.pop() if len(cohorts) == 1 else None


def survey_digests(today) -> list[SurveyDigest]:
    """Per respondent: the rounds they still owe that are due within the programme's reminder
    days or overdue (not the ones whose invitation went out today)."""
    schedules = {s.programme: s.remind_days_before for s in SurveySchedule.objects.all()}
    rounds = (
        SurveyRound.objects.filter(
            project__state=ChangeProject.State.MONITORING,
            opens_on__lte=today,
            invited_at__isnull=False,
        )
        .select_related("project__participant", "project__mentor", "project__cohort")
        .prefetch_related("responses", "excusals")
        .order_by("due_on", "pk")
    )
    digests: dict[int, SurveyDigest] = {}
    for survey_round in rounds:
        days = schedules.get(survey_round.project.cohort.programme, 7)
        if survey_round.due_on - datetime.timedelta(days=days) > today:
            continue
        if timezone.localdate(survey_round.invited_at) == today:
            continue
        for status in respondent_statuses(survey_round):
            if status.person is None or status.settled or not status.person.is_active:
                continue
            digests.setdefault(status.person.pk, SurveyDigest(status.person)).rounds.append(
                survey_round
            )
    return [digest for _pk, digest in sorted(digests.items())]


def questionnaires_visible_to(user: User) -> QuerySet[Questionnaire]:
    """The questionnaires an organiser works with: shared defaults and their institutions' own."""
    if user.is_superuser:
        return Questionnaire.objects.all()
    return Questionnaire.objects.filter(
        Q(institution="") | Q(institution__in=institutions_organised_by(user))
    )


def owns_questionnaire(questionnaire: Questionnaire, user: User) -> bool:
    """Whether the user edits this questionnaire in place (their institution's own)."""
    if user.is_superuser:
        return True
    return bool(questionnaire.institution) and questionnaire.institution in (
        institutions_organised_by(user)
    )
