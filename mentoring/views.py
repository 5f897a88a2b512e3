from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mentoring.models import SignOff
from mentoring.services import project_sign_off
from tracker.models import ChangeProject
from tracker.selectors import projects_visible_to
from tracker.services import TransitionForbidden, TransitionRefused


def _get_project_for_user(request: HttpRequest, pk: int) -> ChangeProject:
    """The project if the user is in its scope, else 404."""
    return get_object_or_404(projects_visible_to(request.user), pk=pk)


def _sign_off(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    try:
        signoff = project_sign_off(
            project=project,
            by=request.user,
            stage=stage,
            expected_state=request.POST.get("expected_state") or None,
        )
    except TransitionForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except TransitionRefused as refused:
        messages.error(request, refused.message)
        return redirect(project)
    messages.success(
        request,
        _("Persetujuan Anda sebagai %(role)s tercatat. Status: %(state)s.")
        % {"role": signoff.get_role_display(), "state": project.get_state_display()},
    )
    return redirect(project)


@require_POST
@login_required
def approve_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    return _sign_off(request, pk, SignOff.Stage.PROPOSAL)


@require_POST
@login_required
def approve_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _sign_off(request, pk, SignOff.Stage.REPORT)
