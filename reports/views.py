from __future__ import annotations

import itertools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.models import Consultation, SeminarGrade
from mentoring.selectors import seminar_list
from milestones.models import Milestone
from reports import exports, limits, services
from reports.documents.agency_report import agency_projects
from reports.documents.base import document_for_code
from reports.filters import (
    CHOICE_SEARCH,
    LISTED_WITH,
    OPTIONAL_COLUMNS,
    PICKED,
    chosen_columns,
    filtered_projects,
    seek_keys,
    sort_index,
    with_figures,
)
from reports.forms import AgencyReportForm
from reports.models import GeneratedDocument, ReportJob
from reports.paging import SeekPaginator, bounded_count
from reports.selectors import (
    jobs_of,
    may_download,
    may_download_minutes,
    may_read_agency,
    may_read_cohort,
)
from reports.templatetags.project_list_tags import PAGE_PARAMS, picker_context
from tracker import fragments
from tracker.http import AuthenticatedRequest
from tracker.models import Agency, ChangeProject, Cohort, Seminar, User
from tracker.selectors import projects_visible_to

# Codes are 60 random bits; capping lookups per address keeps guessing hopeless.
VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 600
# Exports of more rows than the list's largest page are counted: at most EXPORT_LIMIT per person
# in EXPORT_WINDOW_SECONDS (a large export reads and writes every project in scope).
EXPORT_LIMIT = 10
EXPORT_WINDOW_SECONDS = 600
# How soon to try again when the shared cache the limits live in cannot be reached.
LIMITS_RETRY_SECONDS = 60


def _get_project_for_download(request: AuthenticatedRequest, pk: int, kind: str) -> ChangeProject:
    """The project if the user may download this kind of document of it; 404 outside scope, 403."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related("cohort", "agency"), pk=pk
    )
    if not may_download(project, request.user, kind):
        raise PermissionDenied
    return project


def _get_minutes_for_download(
    request: AuthenticatedRequest, pk: int, project_pk: int
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
def project_report(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    project = _get_project_for_download(request, pk, GeneratedDocument.Kind.PROJECT_REPORT)
    try:
        document = services.issue_project_report(project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect(project)
    return _pdf_response(document, "laporan-proyek")


@never_cache
@require_GET
@login_required
def approval_page(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    project = _get_project_for_download(request, pk, GeneratedDocument.Kind.APPROVAL_PAGE)
    try:
        document = services.issue_approval_page(project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect(project)
    return _pdf_response(document, "lembar-persetujuan")


def _project_document(
    request: AuthenticatedRequest, pk: int, kind: str, issue, stem: str
) -> HttpResponse | FileResponse:
    project = _get_project_for_download(request, pk, kind)
    try:
        document = issue(project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect(project)
    return _pdf_response(document, stem)


@never_cache
@require_GET
@login_required
def proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    return _project_document(
        request, pk, GeneratedDocument.Kind.PROPOSAL, services.issue_proposal, "rancangan"
    )


@never_cache
@require_GET
@login_required
def commitment(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    project = _get_project_for_download(request, pk, GeneratedDocument.Kind.COMMITMENT)
    try:
        document = services.issue_commitment(project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect("mentoring:monitoring", project.pk)
    return _pdf_response(document, "komitmen-pascapelatihan")


@never_cache
@require_GET
@login_required
def endorsement_page(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    return _project_document(
        request,
        pk,
        GeneratedDocument.Kind.ENDORSEMENT_PAGE,
        services.issue_endorsement_page,
        "lembar-pengesahan",
    )


@never_cache
@require_GET
@login_required
def final_report(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    return _project_document(
        request,
        pk,
        GeneratedDocument.Kind.FINAL_REPORT,
        services.issue_final_report,
        "laporan-akhir",
    )


@never_cache
@require_GET
@login_required
def control_form(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    return _project_document(
        request,
        pk,
        GeneratedDocument.Kind.CONTROL_FORM,
        services.issue_control_form,
        "kartu-kendali",
    )


@never_cache
@require_GET
@login_required
def seminar_minutes(
    request: AuthenticatedRequest, pk: int, project_pk: int
) -> HttpResponse | FileResponse:
    seminar, project = _get_minutes_for_download(request, pk, project_pk)
    try:
        document = services.issue_seminar_minutes(seminar=seminar, project=project, by=request.user)
    except services.DocumentUnavailable as unavailable:
        messages.error(request, unavailable.message)
        return redirect(project)
    return _pdf_response(document, "berita-acara")


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    address = limits.client_address(request)
    try:
        allowed = limits.take("verify", address, limit=VERIFY_LIMIT, window=VERIFY_WINDOW_SECONDS)
    except limits.LimitsUnavailable:
        # Fail open: with 60-bit codes the limit only sheds load (one indexed lookup each), it
        # is not what keeps guessing hopeless; and someone checking a certificate in front of
        # them should not be turned away because the cache is down.
        allowed = True
    if not allowed:
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


# --- the project list and its downloads ----------------------------------------------------

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
PER_PAGE_OPTIONS = (10, 25, 50, 100)
# The list counts its rows up to this many, and says "more than" beyond: counting 100,000
# visible projects on every page would cost more than the page itself.
COUNT_LIMIT = 1000
# Filters folded under "Filter lainnya" unless one of them is in use.
MORE_FILTERS = (
    "programme",
    "agency",
    "agency_q",
    "coach",
    "coach_q",
    "mentor",
    "mentor_q",
    "overdue",
    "stuck",
    "grade",
)


def _per_page(raw: str | None) -> tuple[int, str]:
    """Rows per page from the request (1 to 100), or the default and why the request was refused."""
    if not raw:
        return DEFAULT_PER_PAGE, ""
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if 1 <= number <= MAX_PER_PAGE:
        return number, ""
    return DEFAULT_PER_PAGE, _(
        "Jumlah baris per halaman harus 1 sampai %(max)d; ditampilkan %(default)d baris."
    ) % {"max": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}


def _list_context(request: AuthenticatedRequest) -> tuple[dict, bool]:
    """What the list draws for this request, and whether its filters were valid."""
    projects = filtered_projects(request.user, request.GET or None)
    per_page, per_page_refusal = _per_page(request.GET.get("per_page"))
    valid = not projects.is_bound or projects.is_valid()
    page = paginator = None
    if valid:
        rows = projects.qs
        counted, exactly = bounded_count(rows, COUNT_LIMIT)
        paginator = SeekPaginator(
            rows,
            seek_keys(projects.sort_value),
            per_page,
            scope=f"projects:{projects.sort_value}",
            counted=counted,
            counted_exactly=exactly,
            walk=ChangeProject.objects.all() if sort_index(projects.sort_value) else None,
            shown=ChangeProject.objects.select_related(*LISTED_WITH),
        )
        page = paginator.page_for(
            page=request.GET.get("page"),
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
        with_figures(page.object_list)
    context = {
        "filter": projects,
        "page": page,
        "paginator": paginator,
        "per_page": per_page,
        "per_page_options": sorted({*PER_PAGE_OPTIONS, per_page}),
        "per_page_refusal": per_page_refusal,
        "sort": projects.sort_value,
        "columns": chosen_columns(request.GET.getlist("cols")),
        "column_choices": list(OPTIONAL_COLUMNS.items()),
        "filtered": any(
            value
            for key, value in request.GET.items()
            if key not in (*PAGE_PARAMS, "per_page", "sort", "cols")
            and not key.endswith(CHOICE_SEARCH)
        ),
        "more_filters": any(request.GET.get(name) for name in MORE_FILTERS),
    }
    return context, valid


@require_GET
@login_required
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    template = "reports/project_list.html"
    fragment = bool(request.htmx and not request.htmx.history_restore_request)
    # A sort header or page link changed the list: bring the form's sort control along.
    oob_controls = fragment and request.htmx.trigger != "project-filter"
    part = "project-results" if fragment else "list-content"
    # The filters, the page and its figures are drawn once per viewer, query and data
    # generation (tracker/fragments.py); the page around them, with its CSRF tokens, each time.
    key = fragments.key(request, "project-list", part, oob_controls)
    html, status = fragments.get(key), 200
    if html is None:
        context, valid = _list_context(request)
        context["oob_controls"] = oob_controls
        html = render_to_string(f"{template}#{part}", context, request)
        if valid:
            fragments.keep(key, html)
        else:
            status = 400
    if fragment:
        response = HttpResponse(html, status=status)
    else:
        response = render(request, template, {"content": html}, status=status)
    if request.htmx:
        # The form sends its empty fields too; the address bar keeps only the filters in use.
        query = QueryDict(mutable=True)
        for key_, values in request.GET.lists():
            query.setlist(key_, [value for value in values if value])
        response["HX-Push-Url"] = f"{request.path}?{query.urlencode()}".rstrip("?")
    # The same URL answers with a page or a fragment; caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export_refusal(user: User) -> HttpResponse | None:
    """Count one large export of the person's; the refusal once EXPORT_LIMIT were counted."""
    try:
        allowed = limits.take("exports", user.pk, limit=EXPORT_LIMIT, window=EXPORT_WINDOW_SECONDS)
    except limits.LimitsUnavailable:
        # Fail closed, as for documents: a large export is the costly request this bounds, and
        # a filtered list of one page is never counted, so it still downloads.
        response = HttpResponse(
            _(
                "Daftar sebesar ini sedang tidak dapat diunduh. Coba lagi beberapa menit lagi, "
                "atau persempit daftar dengan filter."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(LIMITS_RETRY_SECONDS)
        return response
    if allowed:
        return None
    response = HttpResponse(
        _(
            "Anda sudah mengunduh %(limit)s daftar besar dalam %(minutes)s menit terakhir, "
            "batas yang berlaku. Tunggu sebentar lalu coba lagi, atau persempit daftar "
            "dengan filter."
        )
        % {"limit": EXPORT_LIMIT, "minutes": EXPORT_WINDOW_SECONDS // 60},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(EXPORT_WINDOW_SECONDS)
    return response


@require_GET
@login_required
def project_filter_choices(request: AuthenticatedRequest, name: str) -> HttpResponse:
    """The picker's matches for a cohort, agency, coach or mentor filter (an HTMX fragment; the
    list page draws the same one without JavaScript)."""
    if name not in PICKED:
        raise Http404
    context = picker_context(request, filtered_projects(request.user, None), name)
    response = render(request, "reports/partials/filter_choices.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export(
    request: AuthenticatedRequest, build, rows_of=exports.rows, stem: str = "proyek"
) -> HttpResponse:
    """A download of rows about the projects the list shows under the request's filters:
    `rows_of` turns those projects into rows, `build` writes them. A large one counts against
    the person's export limit."""
    # The project rows carry the list's counted columns; other rows only need the projects.
    every_row = rows_of is exports.rows
    projects = filtered_projects(request.user, request.GET or None, every_row=every_row)
    if projects.is_bound and not projects.is_valid():
        problems = "; ".join(
            f"{projects.form.fields[name].label}: {' '.join(errors)}"
            for name, errors in projects.errors.items()
        )
        return HttpResponse(
            _("Filter tidak valid, tidak ada yang diunduh. %(problems)s") % {"problems": problems},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = rows_of(projects.qs)
    # Reading one row past a page tells a large list without asking the database to count.
    first = list(itertools.islice(table, MAX_PER_PAGE + 1))
    if len(first) > MAX_PER_PAGE:
        refusal = _export_refusal(request.user)
        if refusal is not None:
            # Close the half-read rows now: on PostgreSQL they hold a server-side cursor that
            # must not be closed later, by the garbage collector, in someone else's transaction.
            table.close()
            return refusal
    return build(itertools.chain(first, table), f"{stem}-{timezone.localtime():%Y%m%d-%H%M}")


@never_cache
@require_GET
@login_required
def project_export_csv(request: AuthenticatedRequest) -> HttpResponse:
    def build(table, stem):
        response = HttpResponse(exports.csv_bytes(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response

    return _export(request, build)


@never_cache
@require_GET
@login_required
def project_export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    def build(table, stem):
        response = HttpResponse(
            exports.xlsx_bytes(table, title=str(_("Proyek"))),
            content_type=XLSX_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response

    return _export(request, build)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- exports of the other lists: the project list's filters choose the projects ----------------


def _milestones_of(projects):
    return (
        Milestone.objects.filter(project__in=projects.values("pk"))
        .select_related("project__participant", "project__cohort")
        .order_by("project_id", "due_date", "pk")
    )


def _consultations_of(projects):
    return (
        Consultation.objects.filter(project__in=projects.values("pk"))
        .select_related("project__participant", "consultant")
        .order_by("project_id", "held_on", "pk")
    )


def _grades_of(projects):
    return (
        SeminarGrade.objects.filter(project__in=projects.values("pk"))
        .select_related("project__participant", "project__cohort", "seminar")
        .order_by("project_id", "decided_at", "pk")
    )


LIST_EXPORTS = {
    "milestones": (_milestones_of, exports.MILESTONE_COLUMNS, "tonggak", _("Tonggak")),
    "consultations": (
        _consultations_of,
        exports.CONSULTATION_COLUMNS,
        "konsultasi",
        _("Konsultasi"),
    ),
    "grades": (_grades_of, exports.GRADE_COLUMNS, "nilai-seminar", _("Nilai seminar")),
}


def _write(table, columns, stem: str, title, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            exports.xlsx_bytes(table, title=str(title), columns=columns), content_type=XLSX_TYPE
        )
    else:
        response = HttpResponse(
            exports.csv_bytes(table, columns), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"'
    )
    return response


def _survey_export(request: AuthenticatedRequest, build) -> HttpResponse:
    """The submitted survey answers of the projects the user sees (the list's filters apply),
    only the answers they may read."""
    return _export(
        request,
        build,
        rows_of=lambda projects: exports.survey_rows(projects, request.user),
        stem="jawaban-survei",
    )


@never_cache
@require_GET
@login_required
def list_export(request: AuthenticatedRequest, name: str, fmt: str) -> HttpResponse:
    """Milestones, sessions or seminar grades of the projects the project list shows under the
    same filters, as CSV or XLSX."""
    if name not in LIST_EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    objects_of, columns, stem, title = LIST_EXPORTS[name]

    def rows_of(projects):
        return exports.table_rows(objects_of(projects).iterator(chunk_size=500), columns)

    def build(table, _stem):
        return _write(table, columns, stem, title, fmt)

    return _export(request, build, rows_of=rows_of, stem=stem)


@never_cache
@require_GET
@login_required
def survey_export_csv(request: AuthenticatedRequest) -> HttpResponse:
    def build(table, stem):
        body = exports.csv_bytes(table, head=exports.survey_header())
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response

    return _survey_export(request, build)


@never_cache
@require_GET
@login_required
def seminar_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    """The seminars the person examines or organises, as their seminar list shows them."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    seminars = seminar_list(request.user)
    table = exports.table_rows(seminars, exports.SEMINAR_COLUMNS)
    return _write(table, exports.SEMINAR_COLUMNS, "seminar", _("Seminar"), fmt)


@never_cache
@require_GET
@login_required
def survey_export_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    def build(table, stem):
        body = exports.xlsx_bytes(
            table, title=str(_("Jawaban survei")), head=exports.survey_header()
        )
        response = HttpResponse(body, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response

    return _survey_export(request, build)


# --- reports about many projects and their jobs ------------------------------------------------

RECENT_JOBS = 5
STEMS: dict[str, str] = {
    GeneratedDocument.Kind.AGENCY_REPORT: "laporan-dampak",
    GeneratedDocument.Kind.COHORT_RECAP: "rekap-angkatan",
}


def _get_agency_for_report(request: AuthenticatedRequest, pk: int) -> Agency:
    """An agency the user heads, directly or through a parent (the admin: any); else 404."""
    agency = get_object_or_404(Agency, pk=pk)
    if not may_read_agency(agency, request.user):
        raise Http404
    return agency


def _get_cohort_for_recap(request: AuthenticatedRequest, pk: int) -> Cohort:
    """A cohort the user organises (the admin: any); else 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if not may_read_cohort(cohort, request.user):
        raise Http404
    return cohort


def _get_job_for_user(request: AuthenticatedRequest, pk: int) -> ReportJob:
    """A report job the user asked for and whose scope they still reach; else 404."""
    job = get_object_or_404(
        ReportJob.objects.select_related("document"), pk=pk, requested_by=request.user
    )
    if job.kind == GeneratedDocument.Kind.AGENCY_REPORT:
        scope = may_read_agency(
            get_object_or_404(Agency, pk=job.parameters["agency"]), request.user
        )
    else:
        scope = may_read_cohort(
            get_object_or_404(Cohort, pk=job.parameters["cohort"]), request.user
        )
    if not scope:
        raise Http404
    return job


def _after_request(job: ReportJob) -> HttpResponse:
    if job.status == ReportJob.Status.DONE:
        return redirect("reports:job-download", job.pk)
    return redirect(job)


@require_http_methods(["GET", "POST"])
@login_required
def agency_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    agency = _get_agency_for_report(request, pk)
    projects = agency_projects(agency)
    form = AgencyReportForm(request.POST if request.method == "POST" else None, projects=projects)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                job = services.request_agency_report(
                    agency=agency,
                    cohort=form.cleaned_data["cohort"],
                    year=form.cleaned_data["year"],
                    by=request.user,
                )
            except services.DocumentUnavailable as refused:
                form.add_error(None, refused.message)
                status = 429
            else:
                return _after_request(job)
    context = {
        "agency": agency,
        "form": form,
        "project_count": projects.count(),
        "sync_max": settings.REPORT_SYNC_MAX_PROJECTS,
        "jobs": jobs_of(request.user, GeneratedDocument.Kind.AGENCY_REPORT, agency=agency.pk)[
            :RECENT_JOBS
        ],
    }
    return render(request, "reports/agency_report_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def cohort_recap(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_recap(request, pk)
    status, refusal = 200, ""
    if request.method == "POST":
        try:
            job = services.request_cohort_recap(cohort=cohort, by=request.user)
        except services.DocumentUnavailable as refused:
            status, refusal = 429, refused.message
        else:
            return _after_request(job)
    context = {
        "cohort": cohort,
        "refusal": refusal,
        "project_count": cohort.projects.count(),
        "sync_max": settings.REPORT_SYNC_MAX_PROJECTS,
        "jobs": jobs_of(request.user, GeneratedDocument.Kind.COHORT_RECAP, cohort=cohort.pk)[
            :RECENT_JOBS
        ],
    }
    return render(request, "reports/cohort_recap_form.html", context, status=status)


@never_cache
@require_GET
@login_required
def job_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    template = "reports/reportjob_detail.html"
    return render(request, f"{template}#job-status" if request.htmx else template, {"job": job})


@never_cache
@require_GET
@login_required
def job_download(request: AuthenticatedRequest, pk: int) -> HttpResponse | FileResponse:
    job = _get_job_for_user(request, pk)
    if job.status != ReportJob.Status.DONE or job.document is None:
        return redirect(job)
    return _pdf_response(job.document, STEMS[job.kind])


@require_POST
@login_required
def job_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    job = _get_job_for_user(request, pk)
    refusal = ""
    try:
        job = services.retry_report_job(job=job, by=request.user)
    except (services.JobRefused, services.DocumentUnavailable) as refused:
        refusal = refused.message
    if request.htmx:
        # The fragment carries the refusal: htmx would not swap a 429 (see base.html).
        context: dict[str, object] = {
            "job": ReportJob.objects.select_related("document").get(pk=job.pk)
        }
        context["refusal"] = refusal
        return render(request, "reports/reportjob_detail.html#job-status", context)
    if refusal:
        messages.error(request, refusal)
    return redirect(job)
