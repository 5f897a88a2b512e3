"""Writes of the core domain: every project state change goes through `run_transition`."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, can_proceed

from tracker.imports import changes, check_rows
from tracker.models import ChangeProject, Cohort, DeletionRecord, Role, TransitionLog, User
from tracker.notifications import notify, notify_transition


class TransitionRefused(Exception):
    """The transition cannot happen; `message` says why, in the user's language."""

    status = 400

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class TransitionForbidden(TransitionRefused):
    status = 403


class StaleTransition(TransitionRefused):
    """Someone else moved the project first; nothing was changed."""

    status = 409

    def __init__(self, project: ChangeProject) -> None:
        self.project = project
        self.last_log = project.transition_logs.select_related("actor").order_by("-pk").first()
        if self.last_log is not None:
            message = _(
                "Proyek ini sudah dipindahkan ke status “%(state)s” oleh %(actor)s. "
                "Tidak ada yang diubah; periksa kembali sebelum melanjutkan."
            ) % {"state": project.get_state_display(), "actor": self.last_log.actor}
        else:
            message = _("Proyek ini sekarang berstatus “%(state)s”. Tidak ada yang diubah.") % {
                "state": project.get_state_display()
            }
        super().__init__(message)


def transition_meta(name: str):
    """The declared transitions of `ChangeProject.<name>`, or None when there is no such name."""
    meta = getattr(getattr(ChangeProject, name, None), "_django_fsm", None)
    return meta


def transition_custom(name: str) -> dict:
    meta = transition_meta(name)
    return next(iter(meta.transitions.values())).custom if meta else {}


def may_attempt(project: ChangeProject, user: User, name: str) -> bool:
    """Whether the user's relation to the project allows this transition at all, state aside."""
    meta = transition_meta(name)
    return any(t.has_perm(project, user) for t in meta.transitions.values())


def acting_role(project: ChangeProject, user: User, name: str) -> Role:
    """The role in which the user performs this transition (their first matching relation)."""
    meta = transition_meta(name)
    transition = next(iter(meta.transitions.values()))
    allowed = transition.custom.get("roles") or getattr(transition.permission, "roles", ())
    roles = project.roles_of(user)
    for role in allowed:
        if role in roles:
            return role
    return Role.ADMIN if Role.ADMIN in roles else next(iter(allowed))


def locked_transition(
    queryset,
    *,
    pk: int,
    by: User,
    name: str,
    stale,
    refused_message,
    update_fields: list[str],
    expected_state: str | None = None,
    comment: str = "",
    comment_required: bool = False,
    arguments: tuple = (),
    lock_of: tuple[str, ...] = (),
):
    """Inside an open transaction: lock the row, re-check state and permission, run, save.

    Shared by every guarded state machine (projects, milestones, change requests). `stale(row)`
    builds the error for a row that moved since the person saw it; `refused_message(row, name)`
    says which condition is unmet. Returns the locked, saved row and the state it left.
    """
    locked = queryset.select_for_update(of=lock_of).get(pk=pk)
    if expected_state is not None and locked.state != expected_state:
        raise stale(locked)
    method = getattr(locked, name)
    if not can_proceed(method, check_conditions=False):
        raise stale(locked)
    meta = getattr(type(locked), name)._django_fsm
    if not meta.has_transition_perm(locked, locked.state, by):
        raise TransitionForbidden(_("Anda tidak berwenang melakukan tindakan ini."))
    if not can_proceed(method):
        raise TransitionRefused(refused_message(locked, name))
    if comment_required and not comment:
        raise TransitionRefused(_("Komentar wajib diisi untuk tindakan ini."))
    from_state = locked.state
    method(*arguments)
    locked.save(update_fields=update_fields)
    return locked, from_state


def run_transition(
    *,
    project: ChangeProject,
    by: User,
    name: str,
    comment: str = "",
    expected_state: str | None = None,
    arguments: tuple = (),
    before=None,
) -> TransitionLog:
    """Lock the project, re-check state and permission, transition, save, log, notify on commit.

    `expected_state` is the state the person saw; if the project has moved since, the attempt is
    refused as stale. `before(locked_project, log)` runs inside the same transaction, after the
    log row exists (e.g. to store seminar results tied to this transition).
    """
    meta = transition_meta(name)
    if meta is None:
        raise TransitionRefused(_("Tindakan ini tidak dikenal."))
    comment = (comment or "").strip()
    try:
        with transaction.atomic():
            locked, from_state = locked_transition(
                ChangeProject.objects.select_related("cohort", "agency"),
                pk=project.pk,
                by=by,
                name=name,
                stale=StaleTransition,
                refused_message=_guard_message,
                update_fields=["state", "deferral_deadline", "updated_at"],
                expected_state=expected_state,
                comment=comment,
                comment_required=bool(transition_custom(name).get("comment_required")),
                arguments=arguments,
            )
            log = TransitionLog.objects.create(
                project=locked,
                actor=by,
                role=acting_role(locked, by, name),
                transition=name,
                from_state=from_state,
                to_state=locked.state,
                comment=comment,
            )
            if before is not None:
                before(locked, log)
            transaction.on_commit(partial(notify_transition, log.pk), robust=True)
    except ConcurrentTransition:
        project.refresh_from_db()
        raise StaleTransition(project) from None
    project.refresh_from_db()
    return log


def _guard_message(project: ChangeProject, name: str):
    if name in ("submit_proposal", "submit_revision"):
        return _("Rancangan belum lengkap: %(missing)s.") % {
            "missing": ", ".join(project.missing_for_proposal())
        }
    if name in ("approve_proposal", "approve_report"):
        return _("Persetujuan coach dan mentor belum lengkap.")
    if name == "grade":
        return _("Belum semua penguji seminar laporan memberi nilai.")
    if name == "resubmit":
        return _("Batas waktu pengajuan ulang sudah lewat.")
    if name == "submit_report":
        return short_term_milestones_message(project)
    return _("Syarat tindakan ini belum terpenuhi.")


def short_term_milestones_message(project: ChangeProject):
    """Why the report cannot go yet: how many short-term milestones are accepted of how many."""
    accepted, total = project.short_term_milestone_counts()
    if not total:
        return _("Laporan belum dapat diajukan: rencana belum memuat tonggak jangka pendek.")
    return _(
        "Laporan belum dapat diajukan: semua tonggak jangka pendek harus diterima lebih dulu "
        "(%(accepted)d dari %(total)d diterima)."
    ) % {"accepted": accepted, "total": total}


def available_transitions(project: ChangeProject, user: User) -> list[str]:
    """Names of the transitions this user may start now (conditions aside for sign-offs)."""
    names = []
    for transition in project.get_available_user_state_transitions(user):
        if transition.name not in names:
            names.append(transition.name)
    return names


def user_set_language(*, user: User, language: str) -> None:
    """Remember the interface language the person chose (emails use it too)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def notification_mark_read(*, notification, by: User) -> None:
    """Mark one of the user's own notifications as read."""
    if notification.recipient_id != by.pk:
        raise TransitionForbidden(_("Notifikasi ini bukan milik Anda."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    return by.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


def delete_with_record(*, obj: models.Model, by: User, reason: str) -> list[DeletionRecord]:
    """Remove a record and whatever it takes along, writing each removed row to the deletion
    record first: who, when, why, and what it said. A reason is required."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tulis alasan penghapusan."))
    with transaction.atomic():
        collector = Collector(using=router.db_for_write(type(obj)))
        collector.collect([obj])
        removed = [row for rows in collector.data.values() for row in rows]
        removed += [row for queryset in collector.fast_deletes for row in queryset]
        now = timezone.now()
        records = DeletionRecord.objects.bulk_create(
            DeletionRecord(
                content_type=ContentType.objects.get_for_model(row),
                object_pk=str(row.pk),
                object_repr=str(row)[:200],
                data=serializers.serialize("python", [row])[0]["fields"],
                reason=reason,
                deleted_by=by,
                deleted_at=now,
            )
            for row in removed
        )
        collector.delete()
    return records


# While the proposal is drafted, or revised after its seminar, the participant edits its texts.
PROPOSAL_EDITABLE_STATES = frozenset(
    {ChangeProject.State.DRAFT, ChangeProject.State.PROPOSAL_REVISION}
)
PROPOSAL_FIELDS = (
    "title",
    "problem_statement",
    "goal_short_term",
    "goal_medium_term",
    "goal_long_term",
    "stakeholders",
    "innovation_summary",
)


def may_edit_proposal(project: ChangeProject, user: User) -> bool:
    """Only the participant writes the proposal's texts."""
    # The participant relation is a column: no need for the queries of `roles_of`.
    return user.is_authenticated and project.participant_id == user.pk


def project_update_proposal(*, project: ChangeProject, by: User, data: dict) -> ChangeProject:
    """Participant saves the proposal's texts while it is a draft or being revised."""
    if not may_edit_proposal(project, by):
        raise TransitionForbidden(_("Hanya peserta yang dapat mengubah rancangan."))
    with transaction.atomic():
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        if locked.state not in PROPOSAL_EDITABLE_STATES:
            raise TransitionRefused(
                _(
                    "Rancangan berstatus “%(state)s” dan tidak dapat diubah lagi. "
                    "Tidak ada yang diubah."
                )
                % {"state": locked.get_state_display()}
            )
        for name in PROPOSAL_FIELDS:
            setattr(locked, name, data[name])
        locked.save(update_fields=[*PROPOSAL_FIELDS, "updated_at"])
    project.refresh_from_db()
    return project


# One service per transition; views call these.


def project_submit_proposal(*, project, by, expected_state=None) -> TransitionLog:
    """Participant submits the draft proposal to coach and mentor."""
    return run_transition(
        project=project, by=by, name="submit_proposal", expected_state=expected_state
    )


def project_return_proposal(*, project, by, comment, expected_state=None) -> TransitionLog:
    """Coach or mentor returns the proposal to draft, saying why."""
    return run_transition(
        project=project,
        by=by,
        name="return_proposal",
        comment=comment,
        expected_state=expected_state,
    )


def project_submit_revision(*, project, by, expected_state=None) -> TransitionLog:
    """Participant submits the revised proposal after the proposal seminar."""
    return run_transition(
        project=project, by=by, name="submit_revision", expected_state=expected_state
    )


def project_submit_report(*, project, by, expected_state=None) -> TransitionLog:
    """Participant submits the implementation report for review."""
    return run_transition(
        project=project, by=by, name="submit_report", expected_state=expected_state
    )


def project_return_report(*, project, by, comment, expected_state=None) -> TransitionLog:
    """Coach or mentor returns the report to implementation, saying why."""
    return run_transition(
        project=project,
        by=by,
        name="return_report",
        comment=comment,
        expected_state=expected_state,
    )


def project_resubmit(*, project, by, expected_state=None) -> TransitionLog:
    """Participant resubmits a deferred report within the deferral window."""
    return run_transition(project=project, by=by, name="resubmit", expected_state=expected_state)


def project_close_training(*, project, by, expected_state=None) -> TransitionLog:
    """Organiser closes training for a passed project; post-training monitoring starts."""
    return run_transition(
        project=project, by=by, name="close_training", expected_state=expected_state
    )


def project_complete_impact_review(*, project, by, comment="", expected_state=None):
    """Organiser records that the post-training impact review is done."""
    return run_transition(
        project=project,
        by=by,
        name="complete_impact_review",
        comment=comment,
        expected_state=expected_state,
    )


def project_withdraw(*, project, by, comment, expected_state=None) -> TransitionLog:
    """Organiser withdraws a project that has not ended, saying why."""
    return run_transition(
        project=project, by=by, name="withdraw", comment=comment, expected_state=expected_state
    )


# --- organiser tools: participant import, coach assignment ----------------------------------


class ImportRefused(TransitionRefused):
    """The rows cannot be imported as they are; `preview` shows each row's problems."""

    def __init__(self, preview) -> None:
        super().__init__(
            _("%(count)d baris bermasalah; tidak ada yang disimpan.")
            % {"count": preview.error_count}
        )
        self.preview = preview


def _require_organiser(cohort: Cohort, user: User) -> None:
    """Refuse (403) anyone but the cohort's organisers."""
    if not cohort.organisers.filter(pk=user.pk).exists():
        raise TransitionForbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))


def cohort_import_participants(*, cohort: Cohort, by: User, rows: list[dict[str, str]]):
    """Organiser imports participant rows: re-checked now, then all written or none.

    A new person gets an account (no password until the admin sets one) and a draft project in
    the cohort; someone already in the cohort is updated, never added twice.
    """
    _require_organiser(cohort, by)
    with transaction.atomic():
        # One import per cohort at a time, so two confirmations cannot both add a person.
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        preview = check_rows(cohort, rows)
        if not preview.ok:
            raise ImportRefused(preview)
        for check in preview.rows:
            _import_row(cohort, check)
    return preview


def _import_row(cohort: Cohort, check) -> None:
    values = check.values
    if check.action == "new":
        user = User(
            username=values["nip"],
            nip=values["nip"],
            full_name=values["full_name"],
            email=values["email"],
            position=values["position"],
            agency=check.agency,
        )
        user.set_unusable_password()
        user.save()
        check.user = user
    elif check.action == "new_project":
        _update_user(check.user, changes(check).get("user", {}))
    if check.action in ("new", "new_project"):
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Rancangan %(label)s %(name)s") % {
                "label": cohort.project_label,
                "name": values["full_name"],
            }
        check.project = ChangeProject.objects.create(
            participant=check.user,
            cohort=cohort,
            agency=check.agency,
            coach=check.coach,
            mentor=check.mentor,
            title=str(title)[:300],
        )
    elif check.action == "update":
        changed = changes(check)
        _update_user(check.user, changed.get("user", {}))
        if changed.get("project"):
            for name, value in changed["project"].items():
                setattr(check.project, name, value)
            check.project.save(update_fields=[*changed["project"], "updated_at"])


def _update_user(user: User, fields: dict) -> None:
    if not fields:
        return
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=list(fields))


def cohort_assign_coach(
    *, cohort: Cohort, by: User, coach: User, projects: Iterable[ChangeProject]
) -> int:
    """Organiser makes one person the coach of many of the cohort's open projects at once."""
    _require_organiser(cohort, by)
    if not coach.is_active:
        raise TransitionRefused(_("Akun coach ini sudah dinonaktifkan."))
    if cohort.projects.filter(participant=coach).exists():
        raise TransitionRefused(_("Peserta angkatan ini tidak dapat menjadi coach di angkatannya."))
    wanted = {project.pk for project in projects}
    if not wanted:
        raise TransitionRefused(_("Pilih minimal satu proyek."))
    with transaction.atomic():
        locked = list(
            ChangeProject.objects.select_for_update()
            .filter(cohort=cohort, pk__in=wanted)
            .exclude(state__in=ChangeProject.FINAL_STATES)
        )
        if len(locked) != len(wanted):
            raise TransitionRefused(
                _("Hanya proyek angkatan ini yang belum berakhir yang dapat diberi coach.")
            )
        changed = [project.pk for project in locked if project.coach_id != coach.pk]
        ChangeProject.objects.filter(pk__in=changed).update(coach=coach, updated_at=timezone.now())
        if changed:
            transaction.on_commit(
                partial(_notify_coach_assigned, cohort.pk, coach.pk, changed), robust=True
            )
    return len(changed)


def _notify_coach_assigned(cohort_pk: int, coach_pk: int, project_ids: list[int]) -> None:
    cohort = Cohort.objects.get(pk=cohort_pk)
    projects = list(
        ChangeProject.objects.filter(pk__in=project_ids)
        .select_related("participant")
        .order_by("participant__full_name", "pk")
    )
    notify(
        User.objects.filter(pk=coach_pk),
        template="coach-assigned",
        context={"cohort": cohort, "projects": projects},
        url=reverse("tracker:home"),
    )
