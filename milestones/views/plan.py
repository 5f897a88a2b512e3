"""The plan of a project: the milestone list, edits while drafting, change requests after."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milestones import selectors, services
from milestones.forms import AdditionRequestForm, MilestoneForm
from milestones.models import CHANGE_REQUEST_STATES, PLAN_EDITABLE_STATES, ChangeRequest
from milestones.templatetags.milestones_tags import panel_context
from milestones.views import access
from tracker import workflow
from tracker.forms import TransitionForm
from tracker.http import AuthenticatedRequest
from tracker.models import Role
from tracker.workflow import Refused


def _plan_context(request, project, roles, **forms) -> dict:
    is_participant = Role.PARTICIPANT in roles
    editable = is_participant and project.state in PLAN_EDITABLE_STATES
    may_request = is_participant and project.state in CHANGE_REQUEST_STATES
    milestones = selectors.plan_of(project)
    return {
        "project": project,
        "milestones": milestones,
        "progress": selectors.progress_of(milestones),
        "changes": selectors.change_requests_of(project),
        "can_edit": editable,
        "can_request": may_request,
        "can_decide": services.may_decide_changes(project, request.user),
        "add_form": forms.get("add_form") or (MilestoneForm() if editable else None),
        "addition_form": forms.get("addition_form")
        or (AdditionRequestForm() if may_request else None),
        "swap_target": "milestone-plan",
    }


def _render_plan(request, project, roles, *, status=200, **forms) -> HttpResponse:
    template = "milestones/milestone_list.html"
    if request.htmx:
        template += "#milestone-plan"
    return render(request, template, _plan_context(request, project, roles, **forms), status=status)


@require_GET
@login_required
def milestone_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    return _render_plan(request, project, roles)


def _plan_answer(request, project, roles, *, done="", refused=None, invalid=False, **forms):
    """The plan page (or the plan fragment, for HTMX) after an action; forms keep their input."""
    kept = {} if done else forms
    return workflow.answer(
        request,
        render=lambda status: _render_plan(request, project, roles, status=status, **kept),
        redirect_to=reverse("milestones:list", args=[project.pk]),
        done=done,
        refused=refused,
        invalid=invalid,
    )


@require_POST
@login_required
def milestone_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _plan_answer(request, project, roles, invalid=True, add_form=form)
    try:
        milestone = services.milestone_create(
            project=project,
            by=request.user,
            data=form.cleaned_data,
            form_token=form.cleaned_data["form_token"],
        )
    except Refused as refused:
        return _plan_answer(request, project, roles, refused=refused, add_form=form)
    done = _("Tonggak “%(name)s” ditambahkan.") % {"name": milestone}
    return _plan_answer(request, project, roles, done=done)


PLAN_FIELD_NAMES = list(MilestoneForm.Meta.fields)


@require_http_methods(["GET", "POST"])
@login_required
def milestone_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = MilestoneForm(request.POST)
    else:
        form = MilestoneForm(initial=model_to_dict(milestone, fields=PLAN_FIELD_NAMES))

    def page(status: int = 200) -> HttpResponse:
        context = {
            "milestone": milestone,
            "project": project,
            "form": form,
            "editable": project.state in PLAN_EDITABLE_STATES,
        }
        return render(request, "milestones/milestone_form.html", context, status=status)

    if request.method == "GET":
        return page()
    if not form.is_valid():
        return workflow.answer(request, render=page, invalid=True)
    try:
        services.milestone_update(milestone=milestone, by=request.user, data=form.cleaned_data)
    except Refused as refused:
        return workflow.answer(request, render=page, refused=refused)
    return workflow.answer(
        request,
        render=page,
        redirect_to=reverse("milestones:list", args=[project.pk]),
        done=_("Tonggak diperbarui."),
    )


@require_POST
@login_required
def milestone_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    try:
        services.milestone_delete(milestone=milestone, by=request.user)
    except Refused as refused:
        return _plan_answer(request, project, roles, refused=refused)
    done = _("Tonggak “%(name)s” dihapus.") % {"name": milestone}
    return _plan_answer(request, project, roles, done=done)


@require_POST
@login_required
def request_addition(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    form = AdditionRequestForm(request.POST)
    if not form.is_valid():
        return _plan_answer(request, project, roles, invalid=True, addition_form=form)
    try:
        services.request_addition(
            project=project,
            by=request.user,
            data=form.cleaned_data,
            reason=form.cleaned_data["reason"],
            form_token=form.cleaned_data["form_token"],
        )
    except Refused as refused:
        return _plan_answer(request, project, roles, refused=refused, addition_form=form)
    done = _("Usulan tonggak baru dikirim kepada mentor.")
    return _plan_answer(request, project, roles, done=done)


def _decide(request: AuthenticatedRequest, pk: int, name: str, service, done) -> HttpResponse:
    """The mentor's decision on a change request, from the plan or the project's panel."""
    change = access.get_change_for_user(request, pk)
    project = change.project
    roles = workflow.roles(project, request.user)
    if not services.may_decide_changes(project, request.user):
        raise PermissionDenied
    form = TransitionForm(request.POST, model=ChangeRequest, name=name)

    def page(status: int) -> HttpResponse:
        if request.htmx and request.htmx.target == "milestone-panel":
            context = panel_context(request, project)
            return render(request, "milestones/partials/panel.html", context, status=status)
        return _render_plan(request, project, roles, status=status)

    if not form.is_valid():
        # The decision forms sit in a list of requests, so say what was wrong up front.
        return workflow.answer(request, render=page, refused=Refused(form.problems()))
    try:
        service(change=change, by=request.user, **form.service_arguments())
    except Refused as refused:
        return workflow.answer(request, render=page, refused=refused)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("milestones:list", args=[project.pk])
    return workflow.answer(request, render=page, redirect_to=back, done=done)


@require_POST
@login_required
def change_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, "approve", services.change_approve, _("Usulan perubahan disetujui.")
    )


@require_POST
@login_required
def change_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "reject", services.change_reject, _("Usulan perubahan ditolak."))
