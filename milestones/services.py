"""Writes of the milestone plan: plan edits, milestone steps, change requests, evidence, ratings.

Every step that moves a milestone or decides a change request goes through the guarded runner
of every workflow (`tracker.workflow.run`) and leaves a `MilestoneLog` row; its notices are
written (and emails queued) in the same transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from milestones.models import (
    CHANGE_REQUEST_STATES,
    PLAN_EDITABLE_STATES,
    WORK_STATES,
    ChangeRequest,
    CoreValue,
    Evidence,
    IndicatorMeasurement,
    Milestone,
    MilestoneLog,
    MilestoneRating,
    Reminder,
    Term,
    lock_project,
)
from milestones.uploads import check_upload
from tracker import events, summary, workflow
from tracker.models import (
    ChangeProject,
    EmailDelivery,
    ImpactIndicator,
    Programme,
    ProgrammeRules,
    Role,
    Seminar,
    User,
)
from tracker.notifications import email_requeue, notify, people_in_roles
from tracker.services import once_per_form
from tracker.workflow import Forbidden, Refused

PLAN_FIELDS = ("term", "activity", "implementer", "start_date", "due_date", "expected_output")


def _forbidden():
    return Forbidden(_("Anda tidak berwenang melakukan tindakan ini."))


# --- who may try what (their relation to the project; the state is checked by the service) -----


def may_edit_plan(project: ChangeProject, user: User) -> bool:
    """The participant writes the plan and proposes changes to it."""
    return Role.PARTICIPANT in workflow.roles(project, user)


def may_decide_changes(project: ChangeProject, user: User) -> bool:
    """Only the mentor approves or rejects schedule changes."""
    # The mentor relation is a column: no need for the queries of `roles_of`.
    return user.is_authenticated and project.mentor_id == user.pk


def may_rate(project: ChangeProject, user: User) -> bool:
    """Examiners appointed to a results seminar of the project rate its short-term milestones."""
    return project.is_examiner_of(user, "results")


# --- the plan while the proposal is written ----------------------------------------------------


def _check_plan_editable(project: ChangeProject, by: User) -> None:
    if not may_edit_plan(project, by):
        raise _forbidden()
    if project.state not in PLAN_EDITABLE_STATES:
        raise Refused(
            _(
                "Rencana tonggak hanya dapat diubah langsung selama rancangan masih draf atau "
                "direvisi. Setelah rancangan disetujui, ajukan usulan perubahan kepada mentor."
            )
        )


def _check_term_applies(project: ChangeProject, term: str) -> None:
    """Refuse a milestone of a term the programme's rules do not use (Latsar: short only)."""
    rules = ProgrammeRules.for_cohort(project.cohort)
    unused: dict[str, bool] = {
        Term.MEDIUM: not rules.uses_medium_term,
        Term.LONG: not rules.uses_long_term,
    }
    if unused.get(term):
        raise Refused(
            _("%(programme)s tidak memakai tonggak %(term)s; pilih jangka lain.")
            % {
                "programme": project.cohort.get_programme_display_short(),
                "term": str(Term(term).label).lower(),
            }
        )


def _core_values(project: ChangeProject, data: dict) -> list[str]:
    """The core values an activity applies, in BerAKHLAK order; a Latsar activity names one at
    least (Latsar's aktualisasi applies them, each activity saying which)."""
    codes = [code for code in CoreValue.values if code in (data.get("core_values") or [])]
    if not codes and project.cohort.programme == Programme.LATSAR:
        raise Refused(_("Sebutkan nilai dasar BerAKHLAK yang diterapkan kegiatan aktualisasi ini."))
    return codes


def _next_order(project: ChangeProject, term: str) -> int:
    top = project.milestones.filter(term=term).aggregate(top=Max("order"))["top"]
    return (top or 0) + 1


@once_per_form
def milestone_create(*, project: ChangeProject, by: User, data: dict) -> Milestone:
    """Participant adds a milestone to the plan of a draft (or revised) proposal."""
    with transaction.atomic():
        locked = lock_project(project.pk)
        _check_plan_editable(locked, by)
        _check_term_applies(locked, data["term"])
        fields = {name: data[name] for name in PLAN_FIELDS}
        fields["core_values"] = _core_values(locked, data)
        order = data.get("order") or _next_order(locked, fields["term"])
        milestone = Milestone.objects.create(project=locked, order=order, **fields)
        summary.refresh(locked.pk)
        return milestone


def milestone_update(*, milestone: Milestone, by: User, data: dict) -> Milestone:
    """Participant edits a milestone of a draft (or revised) proposal."""
    with transaction.atomic():
        locked = lock_project(milestone.project_id)
        _check_plan_editable(locked, by)
        _check_term_applies(locked, data["term"])
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        for name in PLAN_FIELDS:
            setattr(row, name, data[name])
        row.core_values = _core_values(locked, data)
        row.order = data.get("order") or row.order
        row.save(update_fields=[*PLAN_FIELDS, "core_values", "order", "updated_at"])
        summary.refresh(locked.pk)  # the due date may have moved
    milestone.refresh_from_db()
    return milestone


def milestone_delete(*, milestone: Milestone, by: User) -> None:
    """Participant removes a milestone from a draft (or revised) proposal."""
    with transaction.atomic():
        locked = lock_project(milestone.project_id)
        _check_plan_editable(locked, by)
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if row.logs.exists():
            raise Refused(_("Tonggak ini sudah memiliki riwayat langkah dan tidak dapat dihapus."))
        stored = list(row.evidence.exclude(file="").values_list("file", flat=True))
        row.delete()
        summary.refresh(locked.pk)
        transaction.on_commit(lambda: _delete_files(stored), robust=True)


# --- the milestone workflow -------------------------------------------------------------------


def run_milestone_transition(
    *,
    milestone: Milestone,
    by: User,
    name: str,
    comment: str = "",
    expected_state: str | None = None,
) -> MilestoneLog:
    """Run one milestone step through the guarded runner and write its MilestoneLog row."""

    def record(locked: Milestone, *, from_state: str, role: Role, comment: str) -> MilestoneLog:
        return MilestoneLog.objects.create(
            project_id=locked.project_id,
            milestone=locked,
            actor=by,
            role=role,
            action=name,
            from_state=from_state,
            to_state=locked.state,
            comment=comment,
        )

    return workflow.run(
        milestone,
        by=by,
        name=name,
        record=record,
        comment=comment,
        expected_state=expected_state,
        # Under the project's lock (`Milestone.lock_related`): an acceptance moves its progress.
        before=lambda locked, _log: summary.refresh(locked.project_id),
        notify=_after_milestone_step(name),
    )


def _after_milestone_step(name: str):
    """What a step tells inside its transaction: its people, and listeners of an acceptance."""
    notifies = bool(workflow.declaration(Milestone, name).notify)
    if not notifies and name != "accept":
        return None

    def after(log_pk: int) -> None:
        if notifies:
            notify_milestone_step(log_pk)
        if name == "accept":
            _publish_accepted(log_pk)

    return after


def _publish_accepted(log_pk: int) -> None:
    log = MilestoneLog.objects.select_related("milestone", "project").get(pk=log_pk)
    events.publish(
        cohort_id=log.project.cohort_id,
        event=events.MILESTONE_ACCEPTED,
        data={
            "project": log.project_id,
            "milestone": log.milestone_id,
            "activity": log.milestone.activity,
            "term": log.milestone.term,
            "actor": log.actor_id,
            "at": log.created_at.isoformat(),
        },
    )


def milestone_start(*, milestone, by, expected_state=None) -> MilestoneLog:
    """Participant starts work on a planned milestone."""
    return run_milestone_transition(
        milestone=milestone, by=by, name="start", expected_state=expected_state
    )


def milestone_submit(*, milestone, by, expected_state=None) -> MilestoneLog:
    """Participant submits a milestone with its evidence to coach and mentor."""
    return run_milestone_transition(
        milestone=milestone, by=by, name="submit", expected_state=expected_state
    )


def milestone_accept(*, milestone, by, comment="", expected_state=None) -> MilestoneLog:
    """Mentor or coach accepts a submitted milestone."""
    return run_milestone_transition(
        milestone=milestone, by=by, name="accept", comment=comment, expected_state=expected_state
    )


def milestone_send_back(*, milestone, by, comment, expected_state=None) -> MilestoneLog:
    """Mentor or coach returns a submitted milestone to the participant, saying why."""
    return run_milestone_transition(
        milestone=milestone,
        by=by,
        name="send_back",
        comment=comment,
        expected_state=expected_state,
    )


def notify_milestone_step(log_pk: int) -> None:
    """Inside the step's transaction: tell the people it concerns (reviewers or participant)."""
    log = MilestoneLog.objects.select_related(
        "milestone", "actor", "project__participant", "project__coach", "project__mentor"
    ).get(pk=log_pk)
    roles = workflow.declaration(Milestone, log.action).notify
    recipients = [p for p in people_in_roles(log.project, roles) if p.pk != log.actor_id]
    notify(
        recipients,
        template="milestone",
        context={"log": log, "milestone": log.milestone, "project": log.project},
        project=log.project,
        url=log.milestone.get_absolute_url(),
    )


# --- change requests once the proposal is approved ---------------------------------------------


def _check_may_request(project: ChangeProject, by: User) -> None:
    if not may_edit_plan(project, by):
        raise _forbidden()
    if project.state in PLAN_EDITABLE_STATES:
        raise Refused(
            _("Rancangan masih dapat diubah langsung; ubah rencana tonggak tanpa usulan.")
        )
    if project.state not in CHANGE_REQUEST_STATES:
        raise Refused(
            _("Perubahan jadwal tidak dapat diusulkan saat proyek berstatus %(state)s.")
            % {"state": project.get_state_display()}
        )


def _log_request(change: ChangeRequest, by: User) -> MilestoneLog:
    log = MilestoneLog.objects.create(
        project_id=change.project_id,
        milestone=change.milestone,
        change_request=change,
        actor=by,
        role=Role.PARTICIPANT,
        action=MilestoneLog.Action.REQUEST_CHANGE,
        from_state="",
        to_state=change.state,
        comment=change.reason,
    )
    summary.refresh(change.project_id)  # the milestone asked about was active just now
    notify_change(log.pk)
    return log


@once_per_form
def request_addition(*, project: ChangeProject, by: User, data: dict, reason: str):
    """Participant proposes a new milestone after approval; the mentor decides."""
    with transaction.atomic():
        locked = lock_project(project.pk)
        _check_may_request(locked, by)
        _check_term_applies(locked, data["term"])
        change = ChangeRequest.objects.create(
            project=locked,
            kind=ChangeRequest.Kind.ADDITION,
            reason=reason.strip(),
            term=data["term"],
            activity=data["activity"],
            implementer=data["implementer"],
            start_date=data["start_date"],
            expected_output=data["expected_output"],
            new_due_date=data["due_date"],
            requested_by=by,
        )
        _log_request(change, by)
    return change


@once_per_form
def request_reschedule(
    *, milestone: Milestone, by: User, new_due_date: datetime.date, reason: str
) -> ChangeRequest:
    """Participant asks to move a milestone's due date, saying why; the mentor decides."""
    with transaction.atomic():
        locked = lock_project(milestone.project_id)
        _check_may_request(locked, by)
        row = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if row.state == Milestone.State.ACCEPTED:
            raise Refused(_("Tonggak yang sudah diterima tidak dijadwal ulang."))
        if new_due_date == row.due_date:
            raise Refused(_("Tenggat baru sama dengan tenggat sekarang."))
        if new_due_date < row.start_date:
            raise Refused(_("Tenggat baru tidak boleh sebelum tanggal mulai."))
        if row.change_requests.filter(state=ChangeRequest.State.PENDING).exists():
            raise Refused(
                _("Usulan perubahan tenggat tonggak ini masih menunggu keputusan mentor.")
            )
        change = ChangeRequest.objects.create(
            project=locked,
            kind=ChangeRequest.Kind.RESCHEDULE,
            milestone=row,
            reason=reason.strip(),
            old_due_date=row.due_date,
            new_due_date=new_due_date,
            requested_by=by,
        )
        _log_request(change, by)
    return change


def _decide(*, change: ChangeRequest, by: User, name: str, comment: str, expected_state):
    def apply_and_record(locked: ChangeRequest, *, from_state: str, role: Role, comment: str):
        # An approved addition creates its milestone first: the log row names it.
        if locked.state == ChangeRequest.State.APPROVED:
            _apply(locked, locked.project)
        return MilestoneLog.objects.create(
            project_id=locked.project_id,
            milestone=locked.milestone,
            change_request=locked,
            actor=by,
            role=role,
            action=name,
            from_state=from_state,
            to_state=locked.state,
            comment=comment,
        )

    comment = (comment or "").strip()
    workflow.run(
        change,
        by=by,
        name=name,
        record=apply_and_record,
        comment=comment,
        expected_state=expected_state,
        arguments=(by, comment),
        # Under the project's lock (`ChangeRequest.lock_related`): the plan may have changed,
        # and the milestone decided on was active.
        before=lambda locked, _log: summary.refresh(locked.project_id),
        notify=notify_change,
    )
    return change


def _apply(change: ChangeRequest, project: ChangeProject) -> None:
    if change.kind == ChangeRequest.Kind.RESCHEDULE:
        milestone = Milestone.objects.select_for_update().get(pk=change.milestone_id)
        milestone.due_date = change.new_due_date
        milestone.save(update_fields=["due_date", "updated_at"])
        return
    change.milestone = Milestone.objects.create(
        project=project,
        term=change.term,
        activity=change.activity,
        implementer=change.implementer,
        start_date=change.start_date,
        due_date=change.new_due_date,
        expected_output=change.expected_output,
        order=_next_order(project, change.term),
    )
    change.save(update_fields=["milestone"])


def change_approve(*, change: ChangeRequest, by: User, comment="", expected_state=None):
    """Mentor approves a change request: the new milestone or due date takes effect."""
    return _decide(
        change=change, by=by, name="approve", comment=comment, expected_state=expected_state
    )


def change_reject(*, change: ChangeRequest, by: User, comment, expected_state=None):
    """Mentor rejects a change request, saying why; the plan stays as it was."""
    return _decide(
        change=change, by=by, name="reject", comment=comment, expected_state=expected_state
    )


def notify_change(log_pk: int) -> None:
    """Inside the transaction: a new request goes to the mentor, a decision to the participant."""
    log = MilestoneLog.objects.select_related(
        "change_request__milestone", "actor", "project__participant", "project__mentor"
    ).get(pk=log_pk)
    project = log.project
    waiting = project.mentor if log.action == MilestoneLog.Action.REQUEST_CHANGE else None
    recipient = waiting or project.participant
    if recipient is None or recipient.pk == log.actor_id:
        return
    notify(
        [recipient],
        template="milestone-change",
        context={"log": log, "change": log.change_request, "project": project},
        project=project,
        url=_plan_url(project),
    )


def _plan_url(project: ChangeProject) -> str:
    return reverse("milestones:list", args=[project.pk])


# --- evidence ----------------------------------------------------------------------------------


def _lock_for_evidence(milestone: Milestone, by: User) -> Milestone:
    lock_project(milestone.project_id)
    locked = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project__cohort", "project__agency")
        .get(pk=milestone.pk)
    )
    if Role.PARTICIPANT not in workflow.roles(locked.project, by):
        raise _forbidden()
    if locked.project.state not in WORK_STATES:
        raise Refused(
            _("Bukti diunggah saat proyek dalam implementasi atau pemantauan pascapelatihan.")
        )
    if locked.state not in Milestone.EVIDENCE_STATES:
        raise Refused(
            _("Bukti tonggak berstatus “%(state)s” tidak dapat diubah.")
            % {"state": locked.get_state_display()}
        )
    return locked


@once_per_form
def evidence_upload(*, milestone: Milestone, by: User, upload, caption: str) -> Evidence:
    """Participant uploads a file as evidence; refused files leave no row and no stored file."""
    checked = check_upload(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    stored = ""
    try:
        with transaction.atomic():
            locked = _lock_for_evidence(milestone, by)
            twin = locked.evidence.filter(sha256=checked.sha256).first()
            if twin is not None:
                raise Refused(
                    _("Berkas yang sama sudah diunggah untuk tonggak ini (“%(name)s”).")
                    % {"name": twin.original_name}
                )
            evidence = Evidence(
                milestone=locked,
                kind=Evidence.Kind.FILE,
                caption=caption.strip(),
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
            )
            evidence.file.save(checked.name, checked.content, save=False)
            stored = evidence.file.name
            evidence.save()
            summary.refresh(locked.project_id)  # the milestone is no longer idle
    except BaseException:
        # The row was rolled back; the file must not outlive it.
        if stored:
            default_storage.delete(stored)
        raise
    return evidence


@once_per_form
def evidence_add_link(*, milestone: Milestone, by: User, url: str, caption: str) -> Evidence:
    """Participant adds a link (a shared folder, a news item, a dashboard) as evidence."""
    if not url.lower().startswith(("https://", "http://")):
        raise Refused(_("Tautan harus diawali https:// atau http://."))
    with transaction.atomic():
        locked = _lock_for_evidence(milestone, by)
        evidence = Evidence.objects.create(
            milestone=locked,
            kind=Evidence.Kind.LINK,
            caption=caption.strip(),
            url=url,
            uploaded_by=by,
        )
        summary.refresh(locked.project_id)
        return evidence


def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """Participant removes a piece of evidence from a milestone still being worked on."""
    with transaction.atomic():
        locked = _lock_for_evidence(evidence.milestone, by)
        stored = evidence.file.name if evidence.file else ""
        Evidence.objects.filter(pk=evidence.pk).delete()
        summary.refresh(locked.project_id)  # its activity may have gone with it
        if stored:
            transaction.on_commit(lambda: _delete_files([stored]), robust=True)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- the results seminar: achievement of short-term milestones ------------------------------


def milestone_rate(*, milestone: Milestone, by: User, rating: str, note: str = ""):
    """An examiner of the results seminar rates a short-term milestone: below, on or above."""
    with transaction.atomic():
        project = lock_project(milestone.project_id)
        if not may_rate(project, by):
            raise _forbidden()
        if project.state != ChangeProject.State.RESULTS_SEMINAR:
            raise Refused(
                _("Capaian tonggak dinilai selama seminar laporan. Status proyek: %(state)s.")
                % {"state": project.get_state_display()}
            )
        if milestone.term != Term.SHORT:
            raise Refused(_("Hanya tonggak jangka pendek yang dinilai di seminar."))
        seminar = (
            Seminar.objects.filter(projects=project, kind=Seminar.Kind.RESULTS, examiners=by)
            .order_by("-starts_at")
            .first()
        )
        rated, _created = MilestoneRating.objects.update_or_create(
            milestone=milestone,
            examiner=by,
            defaults={
                "rating": rating,
                "note": note.strip(),
                "seminar": seminar,
                "rated_at": timezone.now(),
            },
        )
    return rated


# --- impact indicators over time ---------------------------------------------------------------


@once_per_form
def indicator_record(
    *,
    indicator: ImpactIndicator,
    by: User,
    value,
    measured_on: datetime.date,
    note: str = "",
    evidence: Evidence | None = None,
) -> IndicatorMeasurement:
    """Participant records the value an impact indicator reached on a date."""
    with transaction.atomic():
        project = lock_project(indicator.project_id)
        if Role.PARTICIPANT not in workflow.roles(project, by):
            raise _forbidden()
        if project.state not in WORK_STATES:
            raise Refused(
                _("Capaian indikator dicatat sejak implementasi sampai pemantauan pascapelatihan.")
            )
        if measured_on > timezone.localdate():
            raise Refused(_("Tanggal pengukuran tidak boleh di masa depan."))
        if evidence is not None and evidence.milestone.project_id != project.pk:
            raise Refused(_("Bukti itu bukan milik proyek ini."))
        return IndicatorMeasurement.objects.create(
            indicator=indicator,
            value=value,
            measured_on=measured_on,
            note=note.strip(),
            evidence=evidence,
            recorded_by=by,
        )


# --- reminders ---------------------------------------------------------------------------------


def remind_once_a_day(
    recipient: User,
    *,
    kind: Reminder.Kind,
    today: datetime.date,
    items: int,
    template: str,
    context: dict,
    url: str,
    cohort_id: int | None,
) -> bool:
    """Queue one reminder email for the person today, unless they already had one today: of
    this kind (a second run) or of the other (the daily digest and the survey reminder share
    the one-a-day rule). False when nothing was queued.

    Today's reminder counts as sent once queued; if the worker gave up on its email (the mail
    server stayed down), the next run of the same kind queues that email again instead.
    """
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            recipient=recipient, sent_on=today, defaults={"items": items, "kind": kind}
        )
        if not created:
            # Queued again only if the worker gave up on it; sent or still trying: skipped.
            return (
                reminder.kind == kind
                and reminder.delivery is not None
                and email_requeue(reminder.delivery)
            )
        notices = notify(
            [recipient], template=template, context=context, url=url, cohort_id=cohort_id
        )
        reminder.delivery = EmailDelivery.objects.filter(notification__in=notices).first()
        reminder.save(update_fields=["delivery"])
    return True


def send_reminder(digest, *, today: datetime.date) -> bool:
    """Queue one person's digest of what waits on them for today (once a day)."""
    return remind_once_a_day(
        digest.recipient,
        kind=Reminder.Kind.WORK,
        today=today,
        items=digest.total,
        template="milestone-reminder",
        context={
            "total": digest.total,
            "overdue": digest.overdue,
            "due_soon": digest.due_soon,
            "to_review": digest.to_review,
            "to_decide": digest.to_decide,
            "waiting": digest.waiting,
            "escalated": digest.escalated,
            "digest": digest,
            "waiting_days": settings.REVIEW_WAITING_DAYS,
        },
        url=digest.first_url or reverse("tracker:home"),
        cohort_id=digest.cohort_id,
    )
