"""Reads for mentoring: pending sign-offs; who may read which comment, session, reflection."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from mentoring.models import Comment, Consultation, JournalEntry, JournalReply, SignOff
from tracker.models import ChangeProject, Role, User

STAGE_OF_REVIEW_STATE = {
    ChangeProject.State.PROPOSAL_REVIEW: SignOff.Stage.PROPOSAL,
    ChangeProject.State.REPORT_REVIEW: SignOff.Stage.REPORT,
}


def pending_signoff(project: ChangeProject, user) -> str | None:
    """The stage this user can sign off now, or None."""
    stage = STAGE_OF_REVIEW_STATE.get(project.state)
    if stage is None:
        return None
    roles = project.roles_of(user) & {Role.COACH, Role.MENTOR}
    return stage if roles - project.current_review_signers(stage) else None


# --- Comments, consultations and journal


def roles_on(project: ChangeProject, user: User) -> set[Role]:
    """The user's roles on the project, worked out once per loaded project and user."""
    # roles_of costs four queries; one page asks for it from several panels. Writes (services)
    # call roles_of themselves, so a stale answer could never let a change through.
    known = project.__dict__.setdefault("_roles_on", {})
    if user.pk not in known:
        known[user.pk] = frozenset(project.roles_of(user))
    return set(known[user.pk])


def comments_visible_to(project: ChangeProject, user: User) -> QuerySet[Comment]:
    """The project's comments this user may read: one rule for pages, partials, mail, exports."""
    # Outside the project's scope: none. Reviewers-only comments reach reviewers and the admin,
    # never the participant (see Comment.sees_restricted).
    roles = roles_on(project, user)
    comments = Comment.objects.filter(project=project).select_related("author")
    if not roles:
        return comments.none()
    if not Comment.sees_restricted(roles):
        comments = comments.filter(visibility=Comment.Visibility.EVERYONE)
    return comments.order_by("created_at", "pk")


def consultations_of(project: ChangeProject) -> QuerySet[Consultation]:
    """The project's control-form entries, newest session first, with the people named."""
    return project.consultations.select_related("recorded_by", "consultant").order_by(
        "-held_on", "-pk"
    )


def consultation_counts(project: ChangeProject) -> list[dict]:
    """Per stage, in workflow order: how many sessions were recorded, confirmed and disputed."""
    rows = (
        project.consultations.values("stage")
        .annotate(
            recorded=Count("pk"),
            confirmed=Count("pk", filter=Q(status=Consultation.Status.CONFIRMED)),
            disputed=Count("pk", filter=Q(status=Consultation.Status.DISPUTED)),
        )
        .order_by()
    )
    by_stage = {row["stage"]: row for row in rows}
    empty = {"recorded": 0, "confirmed": 0, "disputed": 0}
    return [
        {**empty, **by_stage.get(value, {}), "stage": value, "label": label}
        for value, label in Consultation.Stage.choices
    ]


def journal_entries_visible_to(project: ChangeProject, user: User) -> QuerySet[JournalEntry]:
    """Reflections this user may read: own ones as participant, shared ones as coach or mentor."""
    # Nobody else, not even the admin in the app's pages: the journal is not an oversight tool.
    entries = JournalEntry.objects.filter(project=project)
    if user.is_authenticated and project.participant_id == user.pk:
        entries = entries.filter(author=user)
    elif roles_on(project, user) & JournalEntry.READER_ROLES:
        entries = entries.filter(sharing=JournalEntry.Sharing.SHARED)
    else:
        return entries.none()
    return entries.select_related("author").prefetch_related(
        Prefetch("replies", queryset=JournalReply.objects.select_related("author"))
    )
