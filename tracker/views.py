from __future__ import annotations

import secrets
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker import fragments, health, services, workflow
from tracker.diagram import workflow_svg
from tracker.forms import (
    CoachAssignmentForm,
    ParticipantImportForm,
    ProposalForm,
    transition_form,
)
from tracker.http import AuthenticatedRequest, HtmxRequest
from tracker.imports import COLUMN_LABELS, UnreadableFile, check_rows, read_table
from tracker.models import (
    PARTICIPANT_NEXT_STEP,
    ChangeProject,
    Cohort,
    Notification,
    ReportNarrative,
    Role,
    User,
)
from tracker.selectors import held_roles, open_projects_of, projects_visible_to, share_reads
from tracker.workflow import Forbidden, Refused

# What the project page shows of the project's people and agency (with its agencies above, for
# the breadcrumb: a ministry, its directorate general and directorate cost no query of their own).
PROJECT_PAGE_RELATIONS = (
    "participant",
    "cohort",
    "agency__parent__parent__parent",
    "coach",
    "mentor",
)


def _get_project_for_user(
    request: AuthenticatedRequest, pk: int
) -> tuple[ChangeProject, frozenset[Role]]:
    """The project if the user is in its scope (404 otherwise), with the user's roles on it."""
    project = get_object_or_404(
        projects_visible_to(request.user)
        .with_relations(request.user)
        .select_related(*PROJECT_PAGE_RELATIONS),
        pk=pk,
    )
    return project, workflow.roles(project, request.user)


# The project page's workflow actions, each a named view. Sign-offs, seminar results and grades
# are the mentoring app's, on their own panels and pages; closing training schedules the survey
# rounds, so it is mentoring's view too (tracker must not import mentoring), and completing the
# impact review takes its conclusion on mentoring's monitoring page.
ACTION_URLS = {
    "submit_proposal": "tracker:submit-proposal",
    "return_proposal": "tracker:return-proposal",
    "submit_revision": "tracker:submit-revision",
    "submit_report": "tracker:submit-report",
    "return_report": "tracker:return-report",
    "resubmit": "tracker:resubmit",
    "lapse_deferral": "tracker:lapse-deferral",
    "pass_remedial_exam": "tracker:pass-remedial-exam",
    "fail_remedial_exam": "tracker:fail-remedial-exam",
    "close_training": "mentoring:close-training",
    "withdraw": "tracker:withdraw",
}


def _earlier_input(project: ChangeProject, declared) -> dict:
    """A report sent back is submitted again with the narrative written the time before."""
    if declared.name != "submit_report":
        return {}
    narrative = project.report_narratives.order_by("-written_at", "-pk").first()
    if narrative is None:
        return {}
    return {name: getattr(narrative, name) for name in ReportNarrative.NARRATIVE_FIELDS}


def project_actions(project: ChangeProject, user, bound_form=None, failed: str = "") -> list[dict]:
    """The actions this user may take now, each with its form (the failed one keeps its input).

    An action refused because the project moved on may no longer be offered; its comment is
    then shown on its own, so nothing the person typed is lost.
    """
    actions: list[dict[str, Any]] = []
    for declared in workflow.available(project, user):
        if declared.name not in ACTION_URLS:
            continue
        form = bound_form if failed == declared.name and bound_form is not None else None
        actions.append(
            {
                "declared": declared,
                "url": reverse(ACTION_URLS[declared.name], args=[project.pk]),
                "form": form
                or transition_form(
                    model=ChangeProject,
                    name=declared.name,
                    initial={"expected_state": project.state, **_earlier_input(project, declared)},
                ),
                "blocked": workflow.blocked_reason(project, declared.name),
            }
        )
    offered = {action["declared"].name for action in actions}
    unsent = bound_form.data.get("comment", "").strip() if bound_form is not None else ""
    if failed and failed not in offered and unsent:
        actions.append({"declared": bound_form.declared, "unsent": unsent})
    return actions


@require_GET
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    # The sections per role are drawn by the reports app's `home_dashboard` tag: they read the
    # milestones and mentoring apps, which tracker must not import.
    # The sections are drawn once per person, page and data generation (tracker/fragments.py);
    # the page around them, with its CSRF tokens, each time.
    key = fragments.key(request, "home")
    content = fragments.get(key)
    if content is None:
        context = {"roles": held_roles(request.user)}
        content = render_to_string("tracker/home.html#home-content", context, request)
        fragments.keep(key, content)
    return render(request, "tracker/home.html", {"content": content})


def project_page(request, project, *, bound_form=None, failed="", status=200) -> HttpResponse:
    """The project page; after a refused action, with that action's form as it was sent."""
    share_reads(project)
    roles = workflow.roles(project, request.user)
    is_participant = Role.PARTICIPANT in roles
    context = {
        "project": project,
        "roles": sorted(str(role.label) for role in roles),
        "is_participant": is_participant,
        "may_edit_proposal": is_participant and project.state in services.PROPOSAL_EDITABLE_STATES,
        "next_step": PARTICIPANT_NEXT_STEP[ChangeProject.State(project.state)],
        "agency_path": [*project.agency.ancestors(), project.agency],
        "actions": project_actions(project, request.user, bound_form, failed),
        "diagram": workflow_svg(current=project.state),
    }
    return render(request, "tracker/changeproject_detail.html", context, status=status)


@require_GET
@login_required
def project_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, _roles = _get_project_for_user(request, pk)
    return project_page(request, project)


@require_http_methods(["GET", "POST"])
@login_required
def proposal_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, _roles = _get_project_for_user(request, pk)
    if not services.may_edit_proposal(project, request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        form = ProposalForm(request.POST)
        if form.is_valid():
            try:
                services.project_update_proposal(
                    project=project, by=request.user, data=form.cleaned_data
                )
            except Refused as refused:
                messages.error(request, refused.message)
                status = refused.status
                project.refresh_from_db()
            else:
                messages.success(request, _("Rancangan tersimpan."))
                return redirect(project)
        else:
            messages.error(request, _("Periksa isian formulir di bawah."))
            status = 400
    else:
        form = ProposalForm(initial=model_to_dict(project, fields=services.PROPOSAL_FIELDS))
    context = {
        "project": project,
        "form": form,
        "editable": project.state in services.PROPOSAL_EDITABLE_STATES,
        "missing": project.missing_for_proposal(),
    }
    return render(request, "tracker/changeproject_form.html", context, status=status)


def project_action(request: AuthenticatedRequest, pk: int, name: str, service) -> HttpResponse:
    """Run one workflow action of the project page through its service and answer it (other
    apps' views of project-page actions use it too)."""
    project, _roles = _get_project_for_user(request, pk)
    if not workflow.may_attempt(project, request.user, name):
        raise PermissionDenied
    form = transition_form(request.POST, model=ChangeProject, name=name)

    def page(status: int) -> HttpResponse:
        return project_page(request, project, bound_form=form, failed=name, status=status)

    if not form.is_valid():
        return workflow.answer(request, render=page, invalid=True)
    try:
        service(project=project, by=request.user, **form.service_arguments())
    except Refused as refused:
        project.refresh_from_db()
        form = form.against(project.state)
        return workflow.answer(request, render=page, refused=refused)
    done = _("%(action)s: berhasil. Status sekarang: %(state)s.") % {
        "action": form.declared.label,
        "state": project.get_state_display(),
    }
    return workflow.answer(request, render=page, redirect_to=project.get_absolute_url(), done=done)


@require_POST
@login_required
def submit_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "submit_proposal", services.project_submit_proposal)


@require_POST
@login_required
def return_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "return_proposal", services.project_return_proposal)


@require_POST
@login_required
def submit_revision(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "submit_revision", services.project_submit_revision)


@require_POST
@login_required
def submit_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "submit_report", services.project_submit_report)


@require_POST
@login_required
def return_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "return_report", services.project_return_report)


@require_POST
@login_required
def resubmit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "resubmit", services.project_resubmit)


@require_POST
@login_required
def lapse_deferral(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "lapse_deferral", services.project_lapse_deferral)


@require_POST
@login_required
def pass_remedial_exam(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "pass_remedial_exam", services.project_pass_remedial_exam)


@require_POST
@login_required
def fail_remedial_exam(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "fail_remedial_exam", services.project_fail_remedial_exam)


@require_POST
@login_required
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return project_action(request, pk, "withdraw", services.project_withdraw)


@require_GET
@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    notifications = request.user.notifications.select_related("project")[:100]
    return render(request, "tracker/notification_list.html", {"notifications": notifications})


@require_POST
@login_required
def notification_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, by=request.user)
    return redirect(notification.url or "tracker:notifications")


@require_POST
@login_required
def notifications_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(by=request.user)
    messages.success(request, _("%(count)d notifikasi ditandai sudah dibaca.") % {"count": count})
    return redirect("tracker:notifications")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered on the account so emails follow it."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)
    return response


@require_GET
@login_required
def workflow_diagram(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "tracker/workflow.html", {"diagram": workflow_svg(current=None)})


@never_cache
@require_GET
def healthz(request: HtmxRequest) -> JsonResponse:
    """Database, cache, storage, static files and worker, as JSON naming what failed (no login;
    a probe from this machine is answered on any host name and over plain HTTP, see
    tracker.middleware.LocalHealthProbeMiddleware)."""
    status, body = health.run_checks()
    return JsonResponse(body, status=status)


# --- organiser tools -----------------------------------------------------------------------

IMPORT_SESSION_KEY = "participant_import"


def _get_cohort_for_organiser(request: AuthenticatedRequest, pk: int) -> Cohort:
    """A cohort the user organises; the admin gets 403, everyone else 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if cohort.organisers.filter(pk=request.user.pk).exists():
        return cohort
    if request.user.is_superuser:
        raise PermissionDenied
    raise Http404


def _import_context(cohort: Cohort, form: ParticipantImportForm) -> dict:
    return {
        "cohort": cohort,
        "form": form,
        "columns": COLUMN_LABELS.values(),
        "preview": None,
        "imported": None,
        "token": "",
        "notice": "",
        "refusal": "",
    }


def _render_import(request, context: dict, status: int = 200) -> HttpResponse:
    template = "tracker/participant_import.html"
    if request.htmx:
        template += "#import-panel"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def participant_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    bound = request.method == "POST"
    form = ParticipantImportForm(request.POST, request.FILES) if bound else ParticipantImportForm()
    context = _import_context(cohort, form)
    if request.method == "GET":
        return _render_import(request, context)
    # A new upload always replaces the preview kept from an earlier one.
    request.session.pop(IMPORT_SESSION_KEY, None)
    if not form.is_valid():
        return _render_import(request, context, status=400)
    upload = form.cleaned_data["file"]
    try:
        rows = read_table(upload.name, upload.read())
    except UnreadableFile as unreadable:
        form.add_error("file", unreadable.message)
        return _render_import(request, context, status=400)
    preview = check_rows(cohort, rows, by=request.user)
    context["preview"] = preview
    if not preview.ok:
        return _render_import(request, context, status=400)
    # Only the rows are kept, as text; confirming checks them again against the database.
    token = secrets.token_urlsafe(16)
    request.session[IMPORT_SESSION_KEY] = {
        "cohort": cohort.pk,
        "token": token,
        "name": upload.name[:200],
        "rows": rows,
    }
    context["token"] = token
    return _render_import(request, context)


@require_POST
@login_required
def participant_import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    stored = request.session.get(IMPORT_SESSION_KEY) or {}
    context = _import_context(cohort, ParticipantImportForm())
    if stored.get("cohort") != cohort.pk or not constant_time_compare(
        stored.get("token", ""), request.POST.get("token", "")
    ):
        context["refusal"] = _(
            "Pratinjau impor tidak ditemukan atau sudah diganti; unggah berkasnya lagi."
        )
        return _render_import(request, context, status=400)
    try:
        preview = services.cohort_import_participants(
            cohort=cohort, by=request.user, rows=stored["rows"]
        )
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from None
    except services.ImportRefused as refused:
        request.session.pop(IMPORT_SESSION_KEY, None)
        context.update(preview=refused.preview, refusal=refused.message)
        return _render_import(request, context, status=400)
    request.session.pop(IMPORT_SESSION_KEY, None)
    message = (
        _(
            "Impor selesai: %(new)d akun baru, %(new_project)d proyek baru untuk akun yang "
            "sudah ada, %(link)d proyek baru untuk akun di luar angkatan Anda (akunnya tidak "
            "diubah), %(update)d diperbarui, %(unchanged)d tidak berubah."
        )
        % preview.counts
    )
    if preview.invited:
        invited = _("%(count)d undangan dikirim lewat email.") % {"count": preview.invited}
        message = f"{message} {invited}"
    if request.htmx:
        context.update(imported=preview, notice=message)
        return _render_import(request, context)
    messages.success(request, message)
    return redirect(f"{reverse('reports:project-list')}?cohort={cohort.pk}")


@require_http_methods(["GET", "POST"])
@login_required
def coach_assignment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    form = CoachAssignmentForm(request.POST if request.method == "POST" else None, cohort=cohort)
    status, notice = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            coach = form.cleaned_data["coach"]
            try:
                count = services.cohort_assign_coach(
                    cohort=cohort,
                    by=request.user,
                    coach=coach,
                    projects=form.cleaned_data["projects"],
                )
            except Forbidden as refused:
                raise PermissionDenied(refused.message) from None
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                notice = _("%(coach)s kini coach %(count)d proyek lagi.") % {
                    "coach": coach,
                    "count": count,
                }
                if not request.htmx:
                    messages.success(request, notice)
                    return redirect("tracker:coach-assignment", cohort.pk)
                status, form = 200, CoachAssignmentForm(cohort=cohort)
    only_missing = request.GET.get("tanpa-coach") == "1"
    projects = open_projects_of(cohort)
    if only_missing:
        projects = projects.filter(coach__isnull=True)
    context = {
        "cohort": cohort,
        "form": form,
        "projects": projects,
        "selected": set(cast(QueryDict, form.data).getlist("projects")) if form.is_bound else set(),
        "only_missing": only_missing,
        # Coaches of the organiser's projects, and those invited to their cohorts as coaches.
        "known_coaches": User.objects.filter(
            Q(coached_projects__cohort__organisers=request.user)
            | Q(invitations__role=Role.COACH, invitations__cohort__organisers=request.user)
        )
        .distinct()
        .order_by("full_name"),
        "notice": notice,
    }
    template = "tracker/coach_assignment.html"
    if request.htmx:
        template += "#coach-panel"
    return render(request, template, context, status=status)
