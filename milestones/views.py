"""Milestone pages: the plan, one milestone with its evidence, change requests, ratings,
indicator measurements. Each POST view: load through an access helper, validate, call one
service, then redirect (plain POST) or answer with the changed fragment (HTMX)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milestones import selectors, services
from milestones.forms import (
    AdditionRequestForm,
    DecisionForm,
    EvidenceLinkForm,
    EvidenceUploadForm,
    MeasurementForm,
    MilestoneForm,
    RatingForm,
    RescheduleForm,
    StepForm,
)
from milestones.models import (
    CHANGE_REQUEST_STATES,
    PLAN_EDITABLE_STATES,
    WORK_STATES,
    ChangeRequest,
    Evidence,
    Milestone,
    Term,
)
from milestones.templatetags.milestones_tags import panel_context
from tracker.models import ChangeProject, ImpactIndicator, Role
from tracker.selectors import projects_visible_to
from tracker.services import TransitionForbidden, TransitionRefused

PROJECT_RELATIONS = ("participant", "cohort", "agency", "coach", "mentor")


# --- access helpers: 404 outside the project's scope ------------------------------------------


def _get_project_for_user(request: HttpRequest, pk: int) -> tuple[ChangeProject, set[Role]]:
    """The project if the user is in its scope (404 otherwise), with the user's roles on it."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related(*PROJECT_RELATIONS), pk=pk
    )
    return project, project.roles_of(request.user)


def _in_scope(model, request: HttpRequest, lookup: str):
    return model.objects.filter(**{f"{lookup}__in": projects_visible_to(request.user)})


def _get_milestone_for_user(request: HttpRequest, pk: int) -> tuple[Milestone, set[Role]]:
    """The milestone if its project is in the user's scope (404 otherwise), with their roles."""
    milestone = get_object_or_404(
        _in_scope(Milestone, request, "project").select_related(
            *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )
    return milestone, milestone.project.roles_of(request.user)


def _get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    """The evidence if its project is in the user's scope, else 404."""
    return get_object_or_404(
        _in_scope(Evidence, request, "milestone__project").select_related(
            "milestone__project__cohort", "milestone__project__agency"
        ),
        pk=pk,
    )


def _get_change_for_user(request: HttpRequest, pk: int) -> ChangeRequest:
    """The change request if its project is in the user's scope, else 404."""
    return get_object_or_404(
        _in_scope(ChangeRequest, request, "project").select_related(
            "milestone", *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )


def _get_indicator_for_user(request: HttpRequest, pk: int) -> ImpactIndicator:
    """The impact indicator if its project is in the user's scope, else 404."""
    return get_object_or_404(
        _in_scope(ImpactIndicator, request, "project").select_related(
            *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )


def _refused(request: HttpRequest, refused: TransitionRefused) -> int:
    if isinstance(refused, TransitionForbidden):
        raise PermissionDenied(refused.message)
    messages.error(request, refused.message)
    return refused.status


def _invalid(request: HttpRequest) -> int:
    messages.error(request, _("Periksa isian formulir di bawah."))
    return 400


# --- the plan ----------------------------------------------------------------------------------


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
        "can_decide": Role.MENTOR in roles,
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
    project, roles = _get_project_for_user(request, pk)
    return _render_plan(request, project, roles)


def _plan_done(request, project, roles, message) -> HttpResponse:
    messages.success(request, message)
    if request.htmx:
        return _render_plan(request, project, roles)
    return redirect("milestones:list", project.pk)


@require_POST
@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = _get_project_for_user(request, pk)
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _render_plan(request, project, roles, add_form=form, status=_invalid(request))
    try:
        milestone = services.milestone_create(
            project=project, by=request.user, data=form.cleaned_data
        )
    except TransitionRefused as refused:
        return _render_plan(request, project, roles, status=_refused(request, refused))
    return _plan_done(
        request, project, roles, _("Tonggak “%(name)s” ditambahkan.") % {"name": milestone}
    )


PLAN_FIELD_NAMES = list(MilestoneForm.Meta.fields)


@require_http_methods(["GET", "POST"])
@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = _get_milestone_for_user(request, pk)
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
                status = _refused(request, refused)
            else:
                messages.success(request, _("Tonggak diperbarui."))
                return redirect("milestones:list", project.pk)
        else:
            status = _invalid(request)
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
    milestone, roles = _get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    try:
        services.milestone_delete(milestone=milestone, by=request.user)
    except TransitionRefused as refused:
        return _render_plan(request, project, roles, status=_refused(request, refused))
    return _plan_done(
        request, project, roles, _("Tonggak “%(name)s” dihapus.") % {"name": milestone}
    )


# --- one milestone: its steps and evidence -------------------------------------------------------


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
    milestone.refresh_from_db()
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
    milestone, roles = _get_milestone_for_user(request, pk)
    return _render_detail(request, milestone, roles)


def _step_view(step: Step):
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        milestone, roles = _get_milestone_for_user(request, pk)
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
                status=_invalid(request),
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
            status = _refused(request, refused)
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
    milestone, roles = _get_milestone_for_user(request, pk)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, milestone, roles, upload_form=form, status=_invalid(request))
    try:
        evidence = services.evidence_upload(
            milestone=milestone,
            by=request.user,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
        )
    except TransitionRefused as refused:
        status = _refused(request, refused)
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
    milestone, roles = _get_milestone_for_user(request, pk)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, milestone, roles, link_form=form, status=_invalid(request))
    try:
        services.evidence_add_link(
            milestone=milestone,
            by=request.user,
            url=form.cleaned_data["url"],
            caption=form.cleaned_data["caption"],
        )
    except TransitionRefused as refused:
        status = _refused(request, refused)
        return _render_detail(request, milestone, roles, link_form=form, status=status)
    return _detail_done(request, milestone, roles, _("Tautan bukti ditambahkan."))


@require_POST
@login_required
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _get_evidence_for_user(request, pk)
    milestone = evidence.milestone
    roles = milestone.project.roles_of(request.user)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except TransitionRefused as refused:
        return _render_detail(request, milestone, roles, status=_refused(request, refused))
    return _detail_done(request, milestone, roles, _("Bukti dihapus."))


@require_GET
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _get_evidence_for_user(request, pk)
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


# --- change requests ---------------------------------------------------------------------------


@require_POST
@login_required
def request_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, roles = _get_milestone_for_user(request, pk)
    if not services.may_edit_plan(milestone.project, request.user):
        raise PermissionDenied
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, milestone, roles, reschedule_form=form, status=_invalid(request)
        )
    try:
        services.request_reschedule(
            milestone=milestone,
            by=request.user,
            new_due_date=form.cleaned_data["new_due_date"],
            reason=form.cleaned_data["reason"],
        )
    except TransitionRefused as refused:
        status = _refused(request, refused)
        return _render_detail(request, milestone, roles, reschedule_form=form, status=status)
    return _detail_done(
        request, milestone, roles, _("Usulan perubahan tenggat dikirim kepada mentor.")
    )


@require_POST
@login_required
def request_addition(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = _get_project_for_user(request, pk)
    if not services.may_edit_plan(project, request.user):
        raise PermissionDenied
    form = AdditionRequestForm(request.POST)
    if not form.is_valid():
        return _render_plan(request, project, roles, addition_form=form, status=_invalid(request))
    try:
        services.request_addition(
            project=project,
            by=request.user,
            data=form.cleaned_data,
            reason=form.cleaned_data["reason"],
        )
    except TransitionRefused as refused:
        status = _refused(request, refused)
        return _render_plan(request, project, roles, addition_form=form, status=status)
    return _plan_done(request, project, roles, _("Usulan tonggak baru dikirim kepada mentor."))


def _decision_view(name: str, service, comment_required: bool, done_message):
    @require_POST
    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        change = _get_change_for_user(request, pk)
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
                status = _refused(request, refused)
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


# --- achievement ratings at the results seminar --------------------------------------------------


def _ratings_context(request, project, forms: dict | None = None) -> dict:
    may_rate = services.may_rate(project, request.user)
    rows = []
    for milestone in selectors.short_term_with_ratings(project):
        own = next((r for r in milestone.rating_list if r.examiner_id == request.user.pk), None)
        form = (forms or {}).get(milestone.pk)
        if form is None and may_rate:
            form = RatingForm(
                initial={"rating": own.rating, "note": own.note} if own else None,
                auto_id=f"id_rating{milestone.pk}_%s",
            )
        rows.append({"milestone": milestone, "ratings": milestone.rating_list, "form": form})
    return {
        "project": project,
        "rows": rows,
        "may_rate": may_rate,
        "open": project.state == ChangeProject.State.RESULTS_SEMINAR,
    }


@require_GET
@login_required
def milestone_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    project, _roles = _get_project_for_user(request, pk)
    return render(request, "milestones/milestone_ratings.html", _ratings_context(request, project))


@require_POST
@login_required
def milestone_rate(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, _roles = _get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_rate(project, request.user):
        raise PermissionDenied
    form = RatingForm(request.POST, auto_id=f"id_rating{milestone.pk}_%s")
    status = 200
    if not form.is_valid():
        status = _invalid(request)
    else:
        try:
            services.milestone_rate(
                milestone=milestone,
                by=request.user,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
            )
        except TransitionRefused as refused:
            status = _refused(request, refused)
        else:
            messages.success(
                request, _("Penilaian capaian “%(name)s” tersimpan.") % {"name": milestone}
            )
            if not request.htmx:
                return redirect("milestones:ratings", project.pk)
            form = None
    context = _ratings_context(request, project, {milestone.pk: form} if form else None)
    template = "milestones/milestone_ratings.html"
    if request.htmx:
        template += "#ratings"
    return render(request, template, context, status=status)


# --- impact indicators over time ---------------------------------------------------------------


def _indicators_context(request, project, roles, bound=None, failed=None) -> dict:
    may_record = Role.PARTICIPANT in roles and project.state in WORK_STATES
    evidence = selectors.evidence_of_project(project)
    indicators = selectors.indicators_of(project)
    for indicator in indicators:
        indicator.form = None
        if may_record:
            indicator.form = (
                bound
                if failed == indicator.pk
                else MeasurementForm(evidence=evidence, auto_id=f"id_indicator{indicator.pk}_%s")
            )
    return {"project": project, "indicators": indicators, "may_record": may_record}


@require_GET
@login_required
def indicator_list(request: HttpRequest, pk: int) -> HttpResponse:
    project, roles = _get_project_for_user(request, pk)
    return render(
        request, "milestones/indicator_list.html", _indicators_context(request, project, roles)
    )


@require_POST
@login_required
def indicator_record(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _get_indicator_for_user(request, pk)
    project = indicator.project
    roles = project.roles_of(request.user)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = MeasurementForm(
        request.POST,
        evidence=selectors.evidence_of_project(project),
        auto_id=f"id_indicator{indicator.pk}_%s",
    )
    if form.is_valid():
        try:
            services.indicator_record(indicator=indicator, by=request.user, **form.cleaned_data)
        except TransitionRefused as refused:
            status = _refused(request, refused)
        else:
            messages.success(request, _("Capaian “%(name)s” dicatat.") % {"name": indicator.name})
            return redirect(reverse("milestones:indicators", args=[project.pk]))
    else:
        status = _invalid(request)
    context = _indicators_context(request, project, roles, bound=form, failed=indicator.pk)
    return render(request, "milestones/indicator_list.html", context, status=status)
