"""One milestone: its steps through the workflow, its evidence, and moving its due date."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from milestones import selectors, services
from milestones.forms import EvidenceLinkForm, EvidenceUploadForm, RescheduleForm
from milestones.models import CHANGE_REQUEST_STATES, WORK_STATES, ChangeRequest, Milestone, Term
from milestones.views import access
from tracker import workflow
from tracker.forms import TransitionForm
from tracker.http import AuthenticatedRequest
from tracker.models import Role
from tracker.workflow import Forbidden, Refused

# The milestone page's workflow steps, each a named view below.
STEP_URLS = {
    "start": "milestones:start",
    "submit": "milestones:submit",
    "accept": "milestones:accept",
    "send_back": "milestones:return",
}


def milestone_steps(milestone: Milestone, user, bound_form=None, failed: str = "") -> list[dict]:
    """The steps this user may take now, each with its form and why it is blocked, if it is."""
    steps = []
    for declared in workflow.available(milestone, user):
        form = bound_form if failed == declared.name and bound_form is not None else None
        steps.append(
            {
                "declared": declared,
                "url": reverse(STEP_URLS[declared.name], args=[milestone.pk]),
                "form": form
                or TransitionForm(
                    model=Milestone, name=declared.name, initial={"expected_state": milestone.state}
                ),
                "blocked": workflow.blocked_reason(milestone, declared.name),
            }
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
        "request_max_bytes": settings.REQUEST_MAX_BYTES,
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


def _answer(request, milestone, roles, *, done="", refused=None, invalid=False, **forms):
    """The milestone page (or its body, for HTMX) after an action; forms keep what was typed."""
    kept = {} if done else forms
    return workflow.answer(
        request,
        render=lambda status: _render_detail(request, milestone, roles, status=status, **kept),
        redirect_to=milestone.get_absolute_url(),
        done=done,
        refused=refused,
        invalid=invalid,
    )


@require_GET
@login_required
def milestone_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    return _render_detail(request, milestone, roles)


def _step(request: AuthenticatedRequest, pk: int, name: str, service) -> HttpResponse:
    """Run one milestone step through its service and answer it."""
    milestone, roles = access.get_milestone_for_user(request, pk)
    if not workflow.may_attempt(milestone, request.user, name):
        raise PermissionDenied
    form = TransitionForm(request.POST, model=Milestone, name=name)
    if not form.is_valid():
        return _answer(request, milestone, roles, invalid=True, bound_form=form, failed=name)
    try:
        service(milestone=milestone, by=request.user, **form.service_arguments())
    except Refused as refused:
        milestone.refresh_from_db()
        form = form.against(milestone.state)
        return _answer(request, milestone, roles, refused=refused, bound_form=form, failed=name)
    done = _("%(step)s: berhasil. Status tonggak sekarang: %(state)s.") % {
        "step": form.declared.label,
        "state": milestone.get_state_display(),
    }
    return _answer(request, milestone, roles, done=done)


@require_POST
@login_required
def start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "start", services.milestone_start)


@require_POST
@login_required
def submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "submit", services.milestone_submit)


@require_POST
@login_required
def accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "accept", services.milestone_accept)


@require_POST
@login_required
def send_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "send_back", services.milestone_send_back)


@require_POST
@login_required
def evidence_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer(request, milestone, roles, invalid=True, upload_form=form)
    # One service call per file, under the form's one token: a retried upload (a dropped
    # connection, a double tap) stores nothing twice, and one refused file spares the others.
    uploaded, refusals = [], []
    for upload in form.cleaned_data["uploads"]:
        try:
            evidence = services.evidence_upload(
                milestone=milestone,
                by=request.user,
                upload=upload,
                caption=form.cleaned_data["caption"],
                form_token=form.cleaned_data["form_token"],
            )
        except Refused as refused:
            if isinstance(refused, Forbidden):
                return _answer(request, milestone, roles, refused=refused)
            refusals.append((upload.name, refused))
        else:
            uploaded.append(evidence.original_name)
    named = [f"{name}: {refused.message}" for name, refused in refusals]
    if not uploaded:
        if len(refusals) == 1:
            return _answer(request, milestone, roles, refused=refusals[0][1], upload_form=form)
        for message in named[:-1]:
            messages.error(request, message)
        return _answer(request, milestone, roles, refused=Refused(named[-1]), upload_form=form)
    for message in named:
        messages.error(request, message)
    if len(uploaded) == 1:
        done = _("Bukti “%(name)s” diunggah.") % {"name": uploaded[0]}
    else:
        done = ngettext(
            "%(count)d berkas bukti diunggah: %(names)s.",
            "%(count)d berkas bukti diunggah: %(names)s.",
            len(uploaded),
        ) % {"count": len(uploaded), "names": ", ".join(uploaded)}
    return _answer(request, milestone, roles, done=done)


@require_POST
@login_required
def evidence_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        return _answer(request, milestone, roles, invalid=True, link_form=form)
    try:
        services.evidence_add_link(
            milestone=milestone,
            by=request.user,
            url=form.cleaned_data["url"],
            caption=form.cleaned_data["caption"],
            form_token=form.cleaned_data["form_token"],
        )
    except Refused as refused:
        return _answer(request, milestone, roles, refused=refused, link_form=form)
    return _answer(request, milestone, roles, done=_("Tautan bukti ditambahkan."))


@require_POST
@login_required
def evidence_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request, pk)
    milestone = evidence.milestone
    roles = workflow.roles(milestone.project, request.user)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except Refused as refused:
        return _answer(request, milestone, roles, refused=refused)
    return _answer(request, milestone, roles, done=_("Bukti dihapus."))


@require_GET
@login_required
def evidence_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
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
def request_reschedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    if not services.may_edit_plan(milestone.project, request.user):
        raise PermissionDenied
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _answer(request, milestone, roles, invalid=True, reschedule_form=form)
    try:
        services.request_reschedule(
            milestone=milestone,
            by=request.user,
            new_due_date=form.cleaned_data["new_due_date"],
            reason=form.cleaned_data["reason"],
            form_token=form.cleaned_data["form_token"],
        )
    except Refused as refused:
        return _answer(request, milestone, roles, refused=refused, reschedule_form=form)
    done = _("Usulan perubahan tenggat dikirim kepada mentor.")
    return _answer(request, milestone, roles, done=done)
