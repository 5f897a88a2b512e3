"""Results: examiners' achievement ratings, and impact indicators measured over time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from milestones import selectors, services
from milestones.forms import MeasurementForm, RatingForm
from milestones.models import WORK_STATES
from milestones.views import access
from tracker import workflow
from tracker.http import AuthenticatedRequest
from tracker.models import ChangeProject, Role
from tracker.workflow import Refused


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
def milestone_ratings(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, _roles = access.get_project_for_user(request, pk)
    return render(request, "milestones/milestone_ratings.html", _ratings_context(request, project))


@require_POST
@login_required
def milestone_rate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    milestone, _roles = access.get_milestone_for_user(request, pk)
    project = milestone.project
    if not services.may_rate(project, request.user):
        raise PermissionDenied
    form = RatingForm(request.POST, auto_id=f"id_rating{milestone.pk}_%s")

    def page(status: int, kept=form) -> HttpResponse:
        context = _ratings_context(request, project, {milestone.pk: kept} if kept else None)
        template = "milestones/milestone_ratings.html"
        if request.htmx:
            template += "#ratings"
        return render(request, template, context, status=status)

    if not form.is_valid():
        return workflow.answer(request, render=page, invalid=True)
    try:
        services.milestone_rate(
            milestone=milestone,
            by=request.user,
            rating=form.cleaned_data["rating"],
            note=form.cleaned_data["note"],
        )
    except Refused as refused:
        return workflow.answer(request, render=page, refused=refused)
    return workflow.answer(
        request,
        render=lambda status: page(status, kept=None),
        redirect_to=reverse("milestones:ratings", args=[project.pk]),
        done=_("Penilaian capaian “%(name)s” tersimpan.") % {"name": milestone},
    )


# --- impact indicators over time ---------------------------------------------------------------


def _indicators_context(request, project, roles, bound=None, failed=None) -> dict:
    may_record = Role.PARTICIPANT in roles and project.state in WORK_STATES
    evidence = selectors.evidence_of_project(project)
    indicators = selectors.indicators_of(project)
    # `form` is for the template only, so it is not part of the selector's type.
    for indicator in indicators:
        indicator.form = None  # type: ignore[attr-defined]
        if may_record:
            indicator.form = (  # type: ignore[attr-defined]
                bound
                if failed == indicator.pk
                else MeasurementForm(evidence=evidence, auto_id=f"id_indicator{indicator.pk}_%s")
            )
    return {"project": project, "indicators": indicators, "may_record": may_record}


@require_GET
@login_required
def indicator_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project, roles = access.get_project_for_user(request, pk)
    return render(
        request, "milestones/indicator_list.html", _indicators_context(request, project, roles)
    )


@require_POST
@login_required
def indicator_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    indicator = access.get_indicator_for_user(request, pk)
    project = indicator.project
    roles = workflow.roles(project, request.user)
    if Role.PARTICIPANT not in roles:
        raise PermissionDenied
    form = MeasurementForm(
        request.POST,
        evidence=selectors.evidence_of_project(project),
        auto_id=f"id_indicator{indicator.pk}_%s",
    )

    def page(status: int) -> HttpResponse:
        context = _indicators_context(request, project, roles, bound=form, failed=indicator.pk)
        return render(request, "milestones/indicator_list.html", context, status=status)

    if not form.is_valid():
        return workflow.answer(request, render=page, invalid=True)
    try:
        services.indicator_record(indicator=indicator, by=request.user, **form.cleaned_data)
    except Refused as refused:
        return workflow.answer(request, render=page, refused=refused)
    return workflow.answer(
        request,
        render=page,
        redirect_to=reverse("milestones:indicators", args=[project.pk]),
        done=_("Capaian “%(name)s” dicatat.") % {"name": indicator.name},
    )
