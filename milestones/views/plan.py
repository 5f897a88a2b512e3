"""The plan of a project: the milestone list, edits while drafting, change requests after."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milestones import selectors, services
from milestones.forms import AdditionRequestForm, DecisionForm, MilestoneForm
from milestones.models import CHANGE_REQUEST_STATES, PLAN_EDITABLE_STATES
from milestones.templatetags.milestones_tags import panel_context
from milestones.views import access
from tracker.models import Role
from tracker.services import TransitionRefused


def _plan_context(request, project, roles, **forms) -> dict:
    is_participant = Role.PARTICIPANT in roles
    editable = is_participant and project.state in PLAN_EDITABLE_STATES
    may_request = is_participant and project.state in CHANGE_REQUEST_STATES
    return {
        "project": project,
        "milestones": selectors.plan_of(project),
        "progress": selectors.progress_of(project),
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
def milestone_list(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    return _render_plan(request, project, roles)


def _plan_done(request, project, roles, message) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _render_plan(request, project, roles)
    return redirect("milestones:list", project.pk)


@require_POST
@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _render_plan(
            request, project, roles, add_form=form, status=access.invalid_status(request)
        )
    try:
        milestone = services.milestone_create(
            project=project,
            by=request.user,
            data=form.cleaned_data,
            form_token=form.cleaned_data["form_token"],
        )
    except TransitionRefused as refused:
        return _render_plan(request, project, roles, status=access.refused_status(request, refused))
    return _plan_done(
        request, project, roles, _("Tonggak “%(name)s” ditambahkan.") % {"name": milestone}
    )


PLAN_FIELD_NAMES = list(MilestoneForm.Meta.fields)


@require_http_methods(["GET", "POST"])
@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                services.milestone_update(
                    milestone=milestone, by=request.user, data=form.cleaned_data
                )
            except TransitionRefused as refused:
                status = access.refused_status(request, refused)
            else:
                messages.success(request, _("Tonggak diperbarui."))
                return redirect("milestones:list", project.pk)
        else:
            status = access.invalid_status(request)
    else:
        form = MilestoneForm(initial=model_to_dict(milestone, fields=PLAN_FIELD_NAMES))
    context = {
        "milestone": milestone,
        "project": project,
        "form": form,
        "editable": project.state in PLAN_EDITABLE_STATES,
    }
    return render(request, "milestones/milestone_form.html", context, status=status)


@require_POST
@login_required
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = access.get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    try:
        services.milestone_delete(milestone=milestone, by=request.user)
    except TransitionRefused as refused:
        return _render_plan(request, project, roles, status=access.refused_status(request, refused))
    return _plan_done(
        request, project, roles, _("Tonggak “%(name)s” dihapus.") % {"name": milestone}
    )


@require_POST
@login_required
def request_addition(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    form = AdditionRequestForm(request.POST)
    if not form.is_valid():
        return _render_plan(
            request, project, roles, addition_form=form, status=access.invalid_status(request)
        )
    try:
        services.request_addition(
            project=project,
            by=request.user,
            data=form.cleaned_data,
            reason=form.cleaned_data["reason"],
            form_token=form.cleaned_data["form_token"],
        )
    except TransitionRefused as refused:
        status = access.refused_status(request, refused)
        return _render_plan(request, project, roles, addition_form=form, status=status)
    return _plan_done(request, project, roles, _("Usulan tonggak baru dikirim kepada mentor."))


def _decision_view(name: str, service, comment_required: bool, done_message):
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        change = access.get_change_for_user(request, pk)
        project = change.project
        roles = project.roles_of(request.user)
        if not services.may_decide_changes(project, request.user):
            raise PermissionDenied
        form = DecisionForm(request.POST, comment_required=comment_required)
        if not form.is_valid():
            # The decision forms sit in a list of requests, so say what was wrong up front.
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
            status = 400
        else:
            try:
                service(
                    change=change,
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                    expected_state=form.cleaned_data["expected_state"],
                )
            except TransitionRefused as refused:
                status = access.refused_status(request, refused)
            else:
                status = 200
                messages.success(request, done_message)
        return _after_decision(request, project, roles, status)

    view.__name__ = f"{name}_view"
    return view


def _after_decision(request, project, roles, status) -> HttpResponse:
    if request.htmx:
        if request.htmx.target == "milestone-panel":
            return render(
                request,
                "milestones/partials/panel.html",
                panel_context(request, project),
                status=status,
            )
        return _render_plan(request, project, roles, status=status)
    if status != 200:
        return _render_plan(request, project, roles, status=status)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("milestones:list", project.pk)


change_approve = _decision_view(
    "approve", services.change_approve, False, _("Usulan perubahan disetujui.")
)
change_reject = _decision_view(
    "reject", services.change_reject, True, _("Usulan perubahan ditolak.")
)
