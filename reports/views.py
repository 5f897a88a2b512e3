from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from reports import services
from reports.models import GeneratedDocument
from reports.selectors import document_for_code, may_download, may_download_minutes
from tracker.models import ChangeProject, Seminar
from tracker.selectors import projects_visible_to

# Codes are 60 random bits; capping lookups per address keeps guessing hopeless.
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 600


def _get_project_for_download(request: HttpRequest, pk: int, kind: str) -> ChangeProject:
    """The project if the user may download this kind of document of it; 404 outside scope, 403."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related("cohort", "agency"), pk=pk
    )
    if not may_download(project, request.user, kind):
        raise PermissionDenied
    return project


def _get_minutes_for_download(
    request: HttpRequest, pk: int, project_pk: int
) -> tuple[Seminar, ChangeProject]:
    """The seminar and project if the user may take their minutes; 404 outside scope, 403."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related("cohort", "agency"), pk=project_pk
    )
    seminar = get_object_or_404(
        project.seminars.select_related("cohort").prefetch_related("examiners"), pk=pk
    )
    if not may_download_minutes(seminar, project, request.user):
        raise PermissionDenied
    return seminar, project


def _pdf_response(document: GeneratedDocument, stem: str) -> FileResponse:
    number = document.project_id or document.pk
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{stem}-{number}-{document.code}.pdf",
        content_type="application/pdf",
    )


@never_cache
@require_GET
@login_required
def project_report(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_download(request, pk, GeneratedDocument.Kind.PROJECT_REPORT)
    document = services.issue_project_report(project=project, by=request.user)
    return _pdf_response(document, "laporan-proyek")


@never_cache
@require_GET
@login_required
def approval_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_download(request, pk, GeneratedDocument.Kind.APPROVAL_PAGE)
    try:
        document = services.issue_approval_page(project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect(project)
    return _pdf_response(document, "lembar-persetujuan")


@never_cache
@require_GET
@login_required
def seminar_minutes(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_minutes_for_download(request, pk, project_pk)
    try:
        document = services.issue_seminar_minutes(seminar=seminar, project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect(project)
    return _pdf_response(document, "berita-acara")


def _over_verify_limit(request: HttpRequest) -> bool:
    key = f"reports:verify:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=VERIFY_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=VERIFY_WINDOW_SECONDS)
        count = 1
    return count > VERIFY_LIMIT


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if _over_verify_limit(request):
        response = render(
            request, "reports/generateddocument_verify.html", {"limited": True}, status=429
        )
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return response
    document = document_for_code(code)
    if document is None:
        raise Http404
    response = render(request, "reports/generateddocument_verify.html", {"document": document})
    response["X-Robots-Tag"] = "noindex"
    return response
