"""Writes of the core domain: every project state change goes through `run_transition`."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tracker import accounts, events, workflow
from tracker.imports import changes, check_rows, coach_not_assignable
from tracker.models import (
    ChangeProject,
    Cohort,
    DeletionRecord,
    FormSubmission,
    ReportNarrative,
    Role,
    TransitionLog,
    User,
)
from tracker.notifications import notify, notify_transition
from tracker.selectors import coaches_assignable_in
from tracker.workflow import Forbidden, Refused


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
    """Run one project transition through the guarded runner and write its TransitionLog row.

    `expected_state` is the state the person saw; if the project has moved since, the attempt is
    refused as stale. `before(locked_project, log)` runs inside the same transaction, after the
    log row exists (e.g. to store seminar results tied to this transition).
    """

    def record(locked: ChangeProject, *, from_state: str, role: Role, comment: str):
        return TransitionLog.objects.create(
            project=locked,
            actor=by,
            role=role,
            transition=name,
            from_state=from_state,
            to_state=locked.state,
            comment=comment,
        )

    def after(log_pk: int) -> None:
        notify_transition(log_pk)
        events.transition_logged(log_pk)

    return workflow.run(
        project,
        by=by,
        name=name,
        record=record,
        comment=comment,
        expected_state=expected_state,
        arguments=arguments,
        before=before,
        notify=after,
    )


def user_set_language(*, user: User, language: str) -> None:
    """Remember the interface language the person chose (emails use it too)."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def notification_mark_read(*, notification, by: User) -> None:
    """Mark one of the user's own notifications as read."""
    if notification.recipient_id != by.pk:
        raise Forbidden(_("Notifikasi ini bukan milik Anda."))
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
    "effective_team",
    "innovation_summary",
)


def may_edit_proposal(project: ChangeProject, user: User) -> bool:
    """Only the participant writes the proposal's texts."""
    # The participant relation is a column: no need for the queries of `roles_of`.
    return user.is_authenticated and project.participant_id == user.pk


def project_update_proposal(*, project: ChangeProject, by: User, data: dict) -> ChangeProject:
    """Participant saves the proposal's texts while it is a draft or being revised."""
    if not may_edit_proposal(project, by):
        raise Forbidden(_("Hanya peserta yang dapat mengubah rancangan."))
    with transaction.atomic():
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        if locked.state not in PROPOSAL_EDITABLE_STATES:
            raise Refused(
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


def project_submit_report(
    *, project, by, narrative: dict[str, str] | None = None, expected_state=None
) -> TransitionLog:
    """Participant submits the implementation report for review, with the final report's
    narrative (ReportNarrative.NARRATIVE_FIELDS) kept with this submission."""
    texts = {name: (narrative or {}).get(name, "").strip() for name in NARRATIVE_FIELDS}

    def keep_narrative(locked: ChangeProject, log: TransitionLog) -> None:
        if any(texts.values()):
            ReportNarrative.objects.create(project=locked, submission=log, **texts)

    return run_transition(
        project=project,
        by=by,
        name="submit_report",
        expected_state=expected_state,
        before=keep_narrative,
    )


NARRATIVE_FIELDS = ReportNarrative.NARRATIVE_FIELDS


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


def project_lapse_deferral(*, project, by, comment="", expected_state=None) -> TransitionLog:
    """Organiser closes a deferral whose window lapsed: failed, or a remedial exam (ujian
    susulan), as the programme's rules say."""
    return run_transition(
        project=project,
        by=by,
        name="lapse_deferral",
        comment=comment,
        expected_state=expected_state,
        arguments=(project.lapse_outcome(),),
    )


def lapse_deferrals() -> list[TransitionLog]:
    """The daily run: every deferral whose window lapsed (the day after its last day) goes where
    the programme's rules say, failed or the remedial exam, through the organiser's transition,
    done by the system with the reason in the log; the project's people and organisers hear."""
    today = timezone.localdate()
    system = accounts.system_user()
    lapsed = ChangeProject.objects.filter(
        state=ChangeProject.State.DEFERRED, deferral_deadline__lt=today
    ).select_related("cohort")
    logs = []
    for project in lapsed.order_by("pk"):
        # The log keeps the reason in the site's language, like a comment someone typed.
        with translation.override(settings.LANGUAGE_CODE):
            if project.lapse_outcome() == ChangeProject.State.REMEDIAL_EXAM:
                reason = _(
                    "Masa penundaan berakhir %(date)s tanpa pengajuan ulang laporan. Sesuai aturan "
                    "program, peserta menempuh ujian susulan; penyelenggara mencatat hasilnya di "
                    "halaman proyek."
                )
            else:
                reason = _(
                    "Masa penundaan berakhir %(date)s tanpa pengajuan ulang laporan. Sesuai aturan "
                    "program, proyek dinyatakan tidak lulus."
                )
            comment = str(reason) % {"date": date_format(project.deferral_deadline)}
        try:
            logs.append(
                project_lapse_deferral(
                    project=project,
                    by=system,
                    comment=comment,
                    expected_state=ChangeProject.State.DEFERRED,
                )
            )
        except Refused:
            # Resubmitted or closed by the organiser since it was read: nothing to do.
            continue
    return logs


def project_pass_remedial_exam(*, project, by, comment="", expected_state=None) -> TransitionLog:
    """Organiser records that the participant passed the remedial exam."""
    return run_transition(
        project=project,
        by=by,
        name="pass_remedial_exam",
        comment=comment,
        expected_state=expected_state,
    )


def project_fail_remedial_exam(*, project, by, comment, expected_state=None) -> TransitionLog:
    """Organiser records that the participant failed the remedial exam, saying why."""
    return run_transition(
        project=project,
        by=by,
        name="fail_remedial_exam",
        comment=comment,
        expected_state=expected_state,
    )


# Closing training and completing the impact review are mentoring's services
# (`impact_close_training`, `impact_complete_review`): they write the survey rounds and the
# conclusion with the transition.


def project_withdraw(*, project, by, comment, expected_state=None) -> TransitionLog:
    """Organiser withdraws a project that has not ended, saying why."""
    return run_transition(
        project=project, by=by, name="withdraw", comment=comment, expected_state=expected_state
    )


# --- organiser tools: participant import, coach assignment ----------------------------------


class ImportRefused(Refused):
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
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))


def cohort_import_participants(*, cohort: Cohort, by: User, rows: list[dict[str, str]]):
    """Organiser imports participant rows: re-checked now, then all written or none.

    A new person gets an account without a password and a draft project in the cohort;
    someone already in the cohort is updated, never added twice. Only accounts the organiser
    manages are updated; anyone else is linked as they are (see `tracker.imports`). A mentor
    named by NIP, name and email without an account gets one. Every participant and mentor
    whose account has no password yet is invited (once per cohort and role) to set one.
    """
    _require_organiser(cohort, by)
    with transaction.atomic():
        # One import per cohort at a time, so two confirmations cannot both add a person.
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        preview = check_rows(cohort, rows, by=by)
        if not preview.ok:
            raise ImportRefused(preview)
        new_mentors: dict[str, User] = {}
        preview.invited = 0
        for check in preview.rows:
            _import_row(cohort, check, new_mentors)
            assert check.user is not None  # _import_row made or updated the account
            preview.invited += accounts.invite(
                user=check.user, by=by, role=Role.PARTICIPANT, cohort=cohort
            )
            if check.mentor is not None:
                preview.invited += accounts.invite(
                    user=check.mentor, by=by, role=Role.MENTOR, cohort=cohort
                )
    return preview


def _import_row(cohort: Cohort, check, new_mentors: dict[str, User]) -> None:
    values = check.values
    if check.new_mentor:
        nip = values["mentor_nip"]
        if nip not in new_mentors:
            mentor = User(
                username=nip,
                nip=nip,
                full_name=values["mentor_name"],
                email=values["mentor_email"],
                agency=check.agency,
            )
            mentor.set_unusable_password()
            mentor.save()
            new_mentors[nip] = mentor
        check.mentor = new_mentors[nip]
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
    if check.action in ("new", "new_project", "link"):
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Rancangan %(label)s %(name)s") % {
                "label": cohort.project_label,
                "name": check.user.full_name,
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
        raise Refused(_("Akun coach ini sudah dinonaktifkan."))
    if cohort.projects.filter(participant=coach).exists():
        raise Refused(_("Peserta angkatan ini tidak dapat menjadi coach di angkatannya."))
    if not coaches_assignable_in(cohort).filter(pk=coach.pk).exists():
        raise Refused(coach_not_assignable(coach, cohort))
    wanted = {project.pk for project in projects}
    if not wanted:
        raise Refused(_("Pilih minimal satu proyek."))
    with transaction.atomic():
        locked = list(
            ChangeProject.objects.select_for_update()
            .filter(cohort=cohort, pk__in=wanted)
            .exclude(state__in=ChangeProject.FINAL_STATES)
        )
        if len(locked) != len(wanted):
            raise Refused(
                _("Hanya proyek angkatan ini yang belum berakhir yang dapat diberi coach.")
            )
        changed = [project.pk for project in locked if project.coach_id != coach.pk]
        ChangeProject.objects.filter(pk__in=changed).update(coach=coach, updated_at=timezone.now())
        if changed:
            _notify_coach_assigned(cohort.pk, coach.pk, changed)
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
        cohort_id=cohort.pk,
    )


# --- one-time form tokens -------------------------------------------------------------------


def once_per_form(service):
    """Make a service that creates something from a form idempotent per submitted form.

    The decorated service takes `form_token` (the form's hidden one-time token; None runs it
    plainly). The token and a digest of the arguments are claimed in the same transaction as the
    creation, under a uniqueness constraint: a double click or a retried POST (same token, same
    content) gets the first result back and creates nothing. On PostgreSQL a concurrent repeat
    waits on the first one's claim and then finds its result. Different content under the same
    token (the form edited after going back in the browser) is a new submission.
    """

    @functools.wraps(service)
    def run(*, form_token=None, by: User, **kwargs):
        if form_token is None:
            return service(by=by, **kwargs)
        digest = _submission_digest(service, kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = FormSubmission.objects.create(user=by, token=form_token, digest=digest)
            except IntegrityError:
                claim = FormSubmission.objects.get(user=by, token=form_token, digest=digest)
                if claim.result is not None:
                    return claim.result
                # What the first submission made is gone since; this one counts afresh.
            result = service(by=by, **kwargs)
            claim.result = result
            claim.save(update_fields=["content_type", "object_id"])
        return result

    return run


def _submission_digest(service, kwargs: dict) -> str:
    plain = json.dumps([service.__qualname__, _plain(kwargs)], sort_keys=True, default=str)
    return hashlib.sha256(plain.encode()).hexdigest()


def _plain(value):
    if isinstance(value, models.Model):
        return [value._meta.label, value.pk]
    if isinstance(value, File):
        content = hashlib.sha256()
        for chunk in value.chunks():
            content.update(chunk)
        value.seek(0)
        return [value.name, content.hexdigest()]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, list | tuple | models.QuerySet):
        return [_plain(item) for item in value]
    return str(value)
