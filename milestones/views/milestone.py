"""One milestone: its steps through the workflow, its evidence, and moving its due date."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from milestones import selectors, services
from milestones.forms import EvidenceLinkForm, EvidenceUploadForm, RescheduleForm, StepForm
from milestones.models import CHANGE_REQUEST_STATES, WORK_STATES, ChangeRequest, Milestone, Term
from milestones.views import access
from tracker.models import Role
from tracker.services import TransitionRefused


@dataclass(frozen=True)
class Step:
    """A milestone step a person starts from the milestone page: one URL, one service."""

    transition: str
    url_name: str
    service: object
    comment_required: bool = False
    comment_allowed: bool = False
    danger: bool = False


STEPS = [
    Step("start", "milestones:start", services.milestone_start),
    Step("submit", "milestones:submit", services.milestone_submit),
    Step("accept", "milestones:accept", services.milestone_accept, comment_allowed=True),
    Step(
        "send_back",
        "milestones:return",
        services.milestone_send_back,
        comment_required=True,
        danger=True,
    ),
]
STEP_BY_TRANSITION = {step.transition: step for step in STEPS}


def _step_label(name: str):
    return next(iter(getattr(Milestone, name)._django_fsm.transitions.values())).custom["label"]


def milestone_steps(milestone: Milestone, user, bound_form=None, failed: str = "") -> list[dict]:
    """The steps this user may take now, each with its form and why it is blocked, if it is."""
    steps = []
    for transition in milestone.get_all_state_transitions():
        if transition.source != milestone.state or not transition.has_perm(milestone, user):
            continue
        step = STEP_BY_TRANSITION[transition.name]
        form = (
            bound_form
            if failed == step.transition and bound_form is not None
            else StepForm(
                initial={"expected_state": milestone.state},
                comment_required=step.comment_required,
            )
        )
        blocked = ""
        if not all(condition(milestone) for condition in transition.conditions):
            blocked = services.milestone_guard_message(milestone, transition.name)
        steps.append(
            {"step": step, "label": _step_label(step.transition), "form": form, "blocked": blocked}
        )
    return steps


def _detail_context(request, milestone, roles, *, bound_form=None, failed="", **forms) -> dict:
    project = milestone.project
    flagged = selectors.with_flags(Milestone.objects.filter(pk=milestone.pk)).get()
    is_participant = Role.PARTICIPANT in roles
    may_add = (
        is_participant
        and project.state in WORK_STATES
        and milestone.state in Milestone.EVIDENCE_STATES
    )
    pending = milestone.change_requests.filter(state=ChangeRequest.State.PENDING).first()
    may_reschedule = (
        is_participant
        and project.state in CHANGE_REQUEST_STATES
        and milestone.state != Milestone.State.ACCEPTED
        and pending is None
    )
    return {
        "project": project,
        "milestone": milestone,
        "flags": flagged,
        "steps": milestone_steps(milestone, request.user, bound_form, failed),
        "evidence": list(milestone.evidence.select_related("uploaded_by")),
        "may_add_evidence": may_add,
        "may_remove_evidence": may_add,
        "upload_form": forms.get("upload_form") or EvidenceUploadForm(),
        "link_form": forms.get("link_form") or EvidenceLinkForm(),
        "pending_change": pending,
        "reschedule_form": (forms.get("reschedule_form") or RescheduleForm())
        if may_reschedule
        else None,
        "history": selectors.milestone_history(milestone),
        "ratings": list(milestone.ratings.select_related("examiner"))
        if milestone.term == Term.SHORT
        else [],
        "max_bytes": settings.EVIDENCE_MAX_BYTES,
    }


def _render_detail(request, milestone, roles, *, status=200, **context) -> HttpResponse:
    template = "milestones/milestone_detail.html"
    if request.htmx:
        template += "#milestone-body"
    # Show the state as it is now (a refused step may have met a milestone that moved).
    milestone.refresh_from_db(fields=["state", "due_date"])
    return render(
        request, template, _detail_context(request, milestone, roles, **context), status=status
    )


def _detail_done(request, milestone, roles, message) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _render_detail(request, milestone, roles)
    return redirect(milestone)


@require_GET
@login_required
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    return _render_detail(request, milestone, roles)


def _step_view(step: Step):
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        milestone, roles = access.get_milestone_for_user(request, pk)
        if not services.may_attempt(milestone, request.user, step.transition):
            raise PermissionDenied
        form = StepForm(request.POST, comment_required=step.comment_required)
        if not form.is_valid():
            return _render_detail(
                request,
                milestone,
                roles,
                bound_form=form,
                failed=step.transition,
                status=access.invalid_status(request),
            )
        kwargs = {
            "milestone": milestone,
            "by": request.user,
            "expected_state": form.cleaned_data["expected_state"],
        }
        if step.comment_required or step.comment_allowed:
            kwargs["comment"] = form.cleaned_data["comment"]
        try:
            step.service(**kwargs)
        except TransitionRefused as refused:
            status = access.refused_status(request, refused)
            return _render_detail(
                request, milestone, roles, bound_form=form, failed=step.transition, status=status
            )
        return _detail_done(
            request,
            milestone,
            roles,
            _("%(step)s: berhasil. Status tonggak sekarang: %(state)s.")
            % {"step": _step_label(step.transition), "state": milestone.get_state_display()},
        )

    view.__name__ = f"{step.transition}_view"
    return view


STEP_VIEWS = {step.url_name.split(":")[1]: _step_view(step) for step in STEPS}


@require_POST
@login_required
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(
            request, milestone, roles, upload_form=form, status=access.invalid_status(request)
        )
    try:
        evidence = services.evidence_upload(
            milestone=milestone,
            by=request.user,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
            form_token=form.cleaned_data["form_token"],
        )
    except TransitionRefused as refused:
        status = access.refused_status(request, refused)
        return _render_detail(request, milestone, roles, upload_form=form, status=status)
    return _detail_done(
        request,
        milestone,
        roles,
        _("Bukti “%(name)s” diunggah.") % {"name": evidence.original_name},
    )


@require_POST
@login_required
def evidence_link(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, milestone, roles, link_form=form, status=access.invalid_status(request)
        )
    try:
        services.evidence_add_link(
            milestone=milestone,
            by=request.user,
            url=form.cleaned_data["url"],
            caption=form.cleaned_data["caption"],
            form_token=form.cleaned_data["form_token"],
        )
    except TransitionRefused as refused:
        status = access.refused_status(request, refused)
        return _render_detail(request, milestone, roles, link_form=form, status=status)
    return _detail_done(request, milestone, roles, _("Tautan bukti ditambahkan."))


@require_POST
@login_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request, pk)
    milestone = evidence.milestone
    roles = milestone.project.roles_of(request.user)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except TransitionRefused as refused:
        return _render_detail(
            request, milestone, roles, status=access.refused_status(request, refused)
        )
    return _detail_done(request, milestone, roles, _("Bukti dihapus."))


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.get_evidence_for_user(request, pk)
    if not evidence.is_file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
def request_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    if not services.may_edit_plan(milestone.project, request.user):
        raise PermissionDenied
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, milestone, roles, reschedule_form=form, status=access.invalid_status(request)
        )
    try:
        services.request_reschedule(
            milestone=milestone,
            by=request.user,
            new_due_date=form.cleaned_data["new_due_date"],
            reason=form.cleaned_data["reason"],
            form_token=form.cleaned_data["form_token"],
        )
    except TransitionRefused as refused:
        status = access.refused_status(request, refused)
        return _render_detail(request, milestone, roles, reschedule_form=form, status=status)
    return _detail_done(
        request, milestone, roles, _("Usulan perubahan tenggat dikirim kepada mentor.")
    )
