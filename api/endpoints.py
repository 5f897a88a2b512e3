"""The REST API, version 1: endpoints parse input, call one selector or service, and answer.

Visibility is the pages' (`tracker.selectors.projects_visible_to`, narrowed for organisation
tokens); refusals are the services' own (`Refused` 400, `Forbidden` 403, `Stale` 409), with the
pages' messages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import Field

from api import cursors, schemas
from api.auth import BrowserSession, RateLimited, TokenAuth, read_only_refusal
from api.models import ApiToken
from api.selectors import api_agencies, api_cohorts, api_projects
from mentoring import services as mentoring_services
from mentoring.forms import (
    ConclusionForm,
    GradeForm,
    ProposalResultForm,
    ProposalScoreForm,
    ScoreForm,
    SeminarForm,
)
from mentoring.models import SignOff
from mentoring.selectors import (
    examines,
    is_organiser_of,
    rubric_for,
    sees_examiner_scores,
    seminars_of,
    seminars_visible_to,
)
from milestones import selectors as milestone_selectors
from milestones import services as milestone_services
from milestones.models import Evidence
from reports.documents.agency_report import (
    agency_cohorts,
    agency_projects,
    agency_report_data,
    agency_scope_note,
)
from reports.filters import ProjectFilter
from reports.impact import impact_figures
from reports.selectors import may_read_agency
from tracker import services as tracker_services
from tracker import workflow
from tracker.imports import CONTROL_CHARACTERS, MAX_CELL_CHARS, check_rows
from tracker.models import (
    Agency,
    ChangeProject,
    ChangeProjectQuerySet,
    Cohort,
    ImpactIndicator,
    Seminar,
    TransitionLog,
    User,
)
from tracker.selectors import transitions_of
from tracker.workflow import Refused

api = NinjaAPI(
    title="Jejak API",
    version="1",
    description=(
        "Proyek perubahan pelatihan kepemimpinan: baca dan ubah dengan aturan yang sama "
        "seperti halaman Jejak. Autentikasi: `Authorization: Bearer <token>`."
    ),
    auth=[TokenAuth(), BrowserSession()],
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

# The project page's own actions, by transition name, each through its one service (sign-offs,
# seminar results, grades and the impact conclusion: PROJECT_ACTIONS below).
PROJECT_TRANSITIONS: dict[str, Callable[..., TransitionLog]] = {
    "submit_proposal": tracker_services.project_submit_proposal,
    "return_proposal": tracker_services.project_return_proposal,
    "submit_revision": tracker_services.project_submit_revision,
    "submit_report": tracker_services.project_submit_report,
    "return_report": tracker_services.project_return_report,
    "resubmit": tracker_services.project_resubmit,
    "lapse_deferral": tracker_services.project_lapse_deferral,
    "pass_remedial_exam": tracker_services.project_pass_remedial_exam,
    "fail_remedial_exam": tracker_services.project_fail_remedial_exam,
    # Closing training schedules the survey rounds in the same transaction (mentoring).
    "close_training": mentoring_services.impact_close_training,
    "withdraw": tracker_services.project_withdraw,
}

PROJECT_RELATIONS = ("participant", "cohort", "agency", "coach", "mentor")


# --- answers to refusals ------------------------------------------------------------------------


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": _(
                "Terlalu banyak permintaan: batasnya %(limit)d per %(seconds)d detik. "
                "Tunggu sebentar lalu coba lagi."
            )
            % {"limit": settings.API_RATE_LIMIT, "seconds": settings.API_RATE_WINDOW}
        },
        status=429,
    )
    response["Retry-After"] = str(settings.API_RATE_WINDOW)
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": _("Perlu token API yang berlaku (Authorization: Bearer <token>).")},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="jejak"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Tidak ditemukan.")}, status=404)


@api.exception_handler(RawPostDataException)
def not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A multipart form was read by a middleware before the endpoint could parse its body.
    return api.create_response(
        request,
        {"detail": _("Kirim isi permintaan sebagai JSON (Content-Type: application/json).")},
        status=400,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # django-ninja's own, in English
        detail = _("Kirim isi permintaan sebagai JSON (Content-Type: application/json).")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Periksa isian permintaan."), "errors": exc.errors},
        status=400,
    )


# --- helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _token(request: HttpRequest):
    return getattr(request, "api_token", None)


def _require_write(request: HttpRequest) -> None:
    token = _token(request)
    if token is not None and not token.writes:
        raise HttpError(403, read_only_refusal())


def _projects(request: HttpRequest) -> QuerySet[ChangeProject]:
    return api_projects(_user(request), _token(request))


def _project(request: HttpRequest, pk: int) -> ChangeProject:
    """The project if the caller sees it (404 otherwise), with its people joined."""
    return get_object_or_404(
        cast(ChangeProjectQuerySet, _projects(request))
        .with_relations(_user(request))
        .select_related(*PROJECT_RELATIONS),
        pk=pk,
    )


def _cohort_for_organiser(request: HttpRequest, pk: int) -> Cohort:
    """A cohort the caller organises (within the token's reach); the admin 403, others 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    token = _token(request)
    if token is not None and token.cohort_id not in (None, cohort.pk):
        raise Http404
    if token is not None and token.institution.lower() not in ("", cohort.institution.lower()):
        raise Http404
    user = _user(request)
    if cohort.organisers.filter(pk=user.pk).exists():
        return cohort
    if user.is_superuser:
        raise HttpError(403, _("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    raise Http404


def _idempotency_key(request: HttpRequest) -> uuid.UUID | None:
    """The client's `Idempotency-Key` (a UUID): a retried request with the same key and body
    gets the first result and creates nothing (the forms' one-time token, `once_per_form`)."""
    try:
        return uuid.UUID(request.headers.get("Idempotency-Key", ""))
    except ValueError:
        return None


def _person(user: User | None) -> dict | None:
    return {"id": user.pk, "full_name": user.full_name or user.username} if user else None


def _project_out(project: ChangeProject) -> dict:
    return {
        "id": project.pk,
        "title": project.title,
        "state": project.state,
        "state_label": str(project.get_state_display()),
        "cohort": {"id": project.cohort_id, "name": str(project.cohort)},
        "agency": {"id": project.agency_id, "name": project.agency.name},
        "participant": _person(project.participant),
        "coach": _person(project.coach),
        "mentor": _person(project.mentor),
        "progress": project.progress,
        "milestones_overdue": getattr(project, "milestones_overdue", 0) or 0,
        # The stored predikat of the latest grade (`tracker.summary`); null before the first.
        "grade": project.predikat or None,
        "deferral_deadline": project.deferral_deadline,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
        "url": settings.SITE_URL + project.get_absolute_url(),
    }


def _transition_out(log) -> dict:
    return {
        "id": log.pk,
        "transition": log.transition,
        "label": str(workflow.label(ChangeProject, log.transition)),
        "from_state": log.from_state,
        "to_state": log.to_state,
        "actor": _person(log.actor),
        "role": log.role,
        "comment": log.comment,
        "created_at": log.created_at,
    }


# --- read endpoints -----------------------------------------------------------------------------


class ProjectFilters(Schema):
    state: str | None = None
    cohort: int | None = None
    programme: str | None = None
    agency: int | None = None
    grade: str | None = None
    q: str | None = None
    progress_min: int | None = None
    progress_max: int | None = None
    sort: str | None = Field(
        None,
        description="Urutan seperti daftar proyek: participant, title, agency, cohort, state, "
        "progress, grade, updated; awali dengan `-` untuk urutan terbalik. Tanpa sort: urut id.",
    )
    cursor: str | None = None
    limit: int = 50


@api.get("/projects", response=schemas.ProjectPage, tags=["projects"])
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]):
    """The projects you may see, filtered like the project list (agency includes its units)."""
    data = {
        name: str(value)
        for name, value in filters.dict().items()
        if value not in (None, "")
        and name in ("state", "cohort", "programme", "agency", "grade", "q", "sort")
    }
    # every_row: the counted columns (overdue, stuck) on every row the cursor pages through.
    found = ProjectFilter(data or None, visible=_projects(request), every_row=True)
    if found.is_bound and not found.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in found.errors.items())
        raise HttpError(400, _("Filter tidak valid. %(problems)s") % {"problems": problems})
    projects = found.qs
    if filters.progress_min is not None:
        projects = projects.filter(progress__gte=filters.progress_min)
    if filters.progress_max is not None:
        projects = projects.filter(progress__lte=filters.progress_max)
    if filters.sort:
        rows, next_cursor = cursors.sorted_page(
            projects, found.sort_value, filters.cursor, filters.limit
        )
    else:
        rows, next_cursor = cursors.page(projects, filters.cursor, filters.limit)
    return {"items": [_project_out(project) for project in rows], "next_cursor": next_cursor}


@api.get("/projects/{pk}", response=schemas.ProjectDetailOut, tags=["projects"])
def get_project(request: HttpRequest, pk: int):
    """One project you may see, with its proposal texts and the actions open to you now."""
    project = _project(request, pk)
    with_columns = ProjectFilter(None, visible=_projects(request), every_row=True).qs.get(
        pk=project.pk
    )
    user = _user(request)
    return {
        **_project_out(with_columns),
        **{name: getattr(project, name) for name in tracker_services.PROPOSAL_FIELDS[1:]},
        "transitions_available": [
            declared.name
            for declared in workflow.available(project, user)
            if offered(declared.name)
        ],
    }


@api.get("/projects/{pk}/milestones", response=list[schemas.MilestoneOut], tags=["projects"])
def list_milestones(request: HttpRequest, pk: int):
    """The project's milestone plan, in plan order."""
    project = _project(request, pk)
    return [
        {
            "id": milestone.pk,
            "term": milestone.term,
            "activity": milestone.activity,
            "implementer": milestone.implementer,
            "start_date": milestone.start_date,
            "due_date": milestone.due_date,
            "expected_output": milestone.expected_output,
            "order": milestone.order,
            "state": milestone.state,
            "state_label": str(milestone.get_state_display()),
            "overdue": bool(getattr(milestone, "is_overdue", False)),
        }
        for milestone in milestone_selectors.plan_of(project)
    ]


@api.get("/projects/{pk}/evidence", response=list[schemas.EvidenceOut], tags=["projects"])
def list_evidence(request: HttpRequest, pk: int):
    """Metadata of the project's evidence; the bytes only through the access-checked page."""
    project = _project(request, pk)
    evidence = (
        Evidence.objects.filter(milestone__project=project)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    return [
        {
            "id": item.pk,
            "milestone_id": item.milestone_id,
            "kind": item.kind,
            "caption": item.caption,
            "original_name": item.original_name,
            "content_type": item.content_type,
            "size": item.size,
            "link": item.url,
            "download_url": settings.SITE_URL
            + reverse("milestones:download-evidence", args=[item.pk])
            if item.file
            else "",
            "uploaded_by": _person(item.uploaded_by),
            "uploaded_at": item.uploaded_at,
        }
        for item in evidence
    ]


@api.get("/projects/{pk}/transitions", response=list[schemas.TransitionOut], tags=["projects"])
def list_transitions(request: HttpRequest, pk: int):
    """The project's transition log, oldest first."""
    return [_transition_out(log) for log in transitions_of(_project(request, pk))]


@api.get("/projects/{pk}/seminars", response=list[schemas.SeminarOut], tags=["projects"])
def list_seminars(request: HttpRequest, pk: int):
    """The project's seminars with their results; examiners' notes only for reviewers."""
    project = _project(request, pk)
    notes = sees_examiner_scores(project, _user(request))
    return [
        {
            "id": seminar.pk,
            "kind": seminar.kind,
            "starts_at": seminar.starts_at,
            "place": seminar.place,
            "examiners": [_person(examiner) for examiner in seminar.examiners.all()],
            "proposal_results": [
                {
                    "examiner": _person(result.examiner),
                    "accepted": result.accepted,
                    "decision": result.decision,
                    "notes": result.notes if notes else None,
                    "recorded_at": result.recorded_at,
                }
                for result in seminar.project_results
            ],
            "grades": [
                {
                    "score": grade.score,
                    "predikat": grade.predikat,
                    "outcome": grade.outcome,
                    "decided_at": grade.decided_at,
                }
                for grade in seminar.project_grades
            ],
        }
        for seminar in seminars_of(project)
    ]


def _measurement_out(measurement) -> dict:
    return {
        "id": measurement.pk,
        "value": measurement.value,
        "measured_on": measurement.measured_on,
        "note": measurement.note,
        "evidence_id": measurement.evidence_id,
        "recorded_by": _person(measurement.recorded_by),
        "recorded_at": measurement.recorded_at,
    }


@api.get("/projects/{pk}/indicators", response=list[schemas.IndicatorOut], tags=["projects"])
def list_indicators(request: HttpRequest, pk: int):
    """The project's impact indicators with their measurements, newest first."""
    project = _project(request, pk)
    return [
        {
            "id": indicator.pk,
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": indicator.baseline,
            "target": indicator.target,
            "measurements": [_measurement_out(m) for m in getattr(indicator, "history", [])],
        }
        for indicator in milestone_selectors.indicators_of(project)
    ]


class PageParams(Schema):
    cursor: str | None = None
    limit: int = 50


@api.get("/cohorts", response=schemas.CohortPage, tags=["cohorts"])
def list_cohorts(request: HttpRequest, params: Query[PageParams]):
    """Cohorts of the projects you see, and those you organise."""
    rows, next_cursor = cursors.page(
        api_cohorts(_user(request), _token(request)), params.cursor, params.limit
    )
    items = [
        {
            "id": cohort.pk,
            "name": str(cohort),
            "programme": cohort.programme,
            "number": cohort.number,
            "year": cohort.year,
            "institution": cohort.institution,
            "project_label": cohort.project_label,
            "learning_starts_on": cohort.learning_starts_on,
            "implementation_starts_on": cohort.implementation_starts_on,
            "implementation_ends_on": cohort.implementation_ends_on,
            "closes_on": cohort.closes_on,
        }
        for cohort in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@api.get("/agencies", response=schemas.AgencyPage, tags=["cohorts"])
def list_agencies(request: HttpRequest, params: Query[PageParams]):
    """Agencies of the projects you see, with the agencies above them."""
    rows, next_cursor = cursors.page(
        api_agencies(_user(request), _token(request)), params.cursor, params.limit
    )
    items = [
        {
            "id": agency.pk,
            "code": agency.code,
            "name": agency.name,
            "parent_id": agency.parent_id,
            "region": agency.region,
        }
        for agency in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


class ImpactParams(Schema):
    cohort: int | None = None
    year: int | None = None


def _counts(table) -> list[dict]:
    return [{"label": str(row[0]), "count": int(row[1])} for row in table.rows]


def _agency_for_reader(request: HttpRequest, pk: int) -> Agency:
    """An agency the caller heads (or one below it; the admin: any), as on the agency head's
    dashboard, with a personal token or a session: an organisation token's reach is a cohort's.
    404 otherwise."""
    agency = get_object_or_404(Agency, pk=pk)
    if _token(request) is not None and _token(request).kind != ApiToken.Kind.PERSONAL:
        raise Http404
    if not may_read_agency(agency, _user(request)):
        raise Http404
    return agency


def _agency_cohort(agency: Agency, params: ImpactParams) -> Cohort | None:
    if params.cohort is None:
        return None
    cohort = agency_cohorts(agency_projects(agency)).filter(pk=params.cohort).first()
    if cohort is None:
        raise Refused(_("Angkatan ini tidak memiliki proyek di instansi ini."))
    return cohort


@api.get("/agencies/{pk}/impact", response=schemas.ImpactOut, tags=["cohorts"])
def agency_impact(request: HttpRequest, pk: int, params: Query[ImpactParams]):
    """The agency impact report's figures (the agency and its units), for its heads and the
    admin."""
    agency = _agency_for_reader(request, pk)
    report = agency_report_data(agency, cohort=_agency_cohort(agency, params), year=params.year)
    figures: dict[str, int | float | str | None] = {}
    for field in report.figures.fields:
        value = field.value
        if isinstance(value, Decimal):
            figures[field.key] = float(value)
        elif value is None or isinstance(value, int | str):
            figures[field.key] = value
        else:  # a date
            figures[field.key] = str(value)
    return {
        "agency": {"id": agency.pk, "name": agency.name},
        "scope": report.scope_note,
        "as_of": report.as_of,
        "figures": figures,
        "states": _counts(report.states),
        "grades": _counts(report.grades),
    }


def _shares(shares) -> list[dict]:
    return [
        {"key": share.key, "label": share.label, "count": share.count, "percent": share.percent}
        for share in shares
    ]


@api.get("/agencies/{pk}/survey", response=schemas.SurveyFiguresOut, tags=["cohorts"])
def agency_survey(request: HttpRequest, pk: int, params: Query[ImpactParams]):
    """The post-training survey's figures of the agency and its units, as the agency head's
    dashboard and the agency report count them: response rate, alumni and mentor mean scores,
    sustainability, barriers, conclusions. Figures only, never anyone's answers."""
    agency = _agency_for_reader(request, pk)
    cohort = _agency_cohort(agency, params)
    today = timezone.localdate()
    figures = impact_figures(agency_projects(agency, cohort=cohort, year=params.year), today=today)
    return {
        "agency": {"id": agency.pk, "name": agency.name},
        "scope": agency_scope_note(cohort, params.year),
        "as_of": today,
        "projects": figures.projects,
        "answers_owed": figures.owed,
        "answers_in": figures.answered,
        "response_rate": figures.response_rate,
        "late": figures.late,
        "excused": figures.excused,
        "assessed": figures.assessed,
        "alive": figures.alive,
        "alive_percent": figures.alive_share,
        "stuck": figures.stuck,
        "means": [
            {
                "topic": row.topic,
                "label": row.label,
                "alumni": row.alumni,
                "mentor": row.mentor,
                "alumni_count": row.alumni_count,
                "mentor_count": row.mentor_count,
            }
            for row in figures.means
        ],
        "sustainability": _shares(figures.sustainability),
        "barriers": _shares(figures.barriers),
        "barrier_mentions": figures.barrier_mentions,
        "conclusions": _shares(figures.conclusions),
    }


# --- write endpoints ----------------------------------------------------------------------------


def _checked(form) -> dict:
    """The page form's cleaned data, or its errors as the refusal (400, the page's words)."""
    if not form.is_valid():
        raise Refused(" ".join(str(error) for errors in form.errors.values() for error in errors))
    return form.cleaned_data


def _examined_seminar(request: HttpRequest, pk: int | None) -> Seminar:
    """The seminar named in the request (see `_seminar`); the examiner's own checks (kind,
    list, appointment) are the service's."""
    if pk is None:
        raise Refused(_("Sebutkan seminarnya (`seminar`) untuk tindakan ini."))
    return _seminar(request, pk)


def _log_of(project: ChangeProject, name: str) -> TransitionLog:
    return TransitionLog.objects.filter(project=project, transition=name).latest("pk")


def _sign_off(stage: str) -> Callable[..., dict]:
    def sign(request: HttpRequest, project: ChangeProject, body: schemas.TransitionIn) -> dict:
        name, review_state = mentoring_services.APPROVAL_OF_STAGE[SignOff.Stage(stage)]
        signoff = mentoring_services.project_sign_off(
            project=project, by=_user(request), stage=stage, expected_state=body.expected_state
        )
        # The second of the two sign-offs moves the project; the first only waits for it.
        log = _log_of(project, name) if project.state != review_state else None
        return {
            "log": log,
            "signoff": {
                "stage": signoff.stage,
                "role": signoff.role,
                "signer": _person(signoff.signer),
                "signed_at": signoff.signed_at,
            },
        }

    return sign


def _record_proposal_seminar(
    request: HttpRequest, project: ChangeProject, body: schemas.TransitionIn
) -> dict:
    """The combined decision of the proposal seminar's examiners, by the rubric's rule, once
    every examiner has scored (`PUT /seminars/{pk}/projects/{project_pk}/scores`)."""
    cleaned = _checked(
        ProposalResultForm({"notes": body.comment, "expected_state": body.expected_state})
    )
    result = mentoring_services.seminar_record_proposal_result(
        seminar=_examined_seminar(request, body.seminar),
        project=project,
        by=_user(request),
        notes=cleaned["notes"],
        expected_state=cleaned["expected_state"],
    )
    return {
        "log": _log_of(project, "record_proposal_seminar"),
        "proposal_result": {
            "examiner": _person(result.examiner),
            "accepted": result.accepted,
            "decision": result.decision,
            "notes": result.notes,
            "recorded_at": result.recorded_at,
        },
    }


def _grade(request: HttpRequest, project: ChangeProject, body: schemas.TransitionIn) -> dict:
    cleaned = _checked(
        GradeForm(
            {"fail": body.fail, "comment": body.comment, "expected_state": body.expected_state}
        )
    )
    graded = mentoring_services.seminar_grade(
        seminar=_examined_seminar(request, body.seminar),
        project=project,
        by=_user(request),
        fail=cleaned["fail"],
        comment=cleaned["comment"],
        expected_state=cleaned["expected_state"],
    )
    return {
        "log": _log_of(project, "grade"),
        "grade": {
            "score": graded.score,
            "predikat": graded.predikat,
            "outcome": graded.outcome,
            "decided_at": graded.decided_at,
        },
    }


def _complete_impact_review(
    request: HttpRequest, project: ChangeProject, body: schemas.TransitionIn
) -> dict:
    cleaned = _checked(
        ConclusionForm(
            {
                "outcome": body.outcome,
                "barriers": body.barriers,
                "summary": body.summary,
                "expected_state": body.expected_state,
            }
        )
    )
    log = mentoring_services.impact_complete_review(
        project=project,
        by=_user(request),
        outcome=cleaned["outcome"],
        barriers=cleaned["barriers"],
        summary=cleaned["summary"],
        expected_state=cleaned["expected_state"] or None,
    )
    return {"log": log}


# The actions with more to say than a comment, each through the service its page calls, its
# input checked by that page's form.
PROJECT_ACTIONS: dict[str, Callable[..., dict]] = {
    "approve_proposal": _sign_off(SignOff.Stage.PROPOSAL),
    "approve_report": _sign_off(SignOff.Stage.REPORT),
    "record_proposal_seminar": _record_proposal_seminar,
    "grade": _grade,
    "complete_impact_review": _complete_impact_review,
}
# A sign-off's service answers who may sign in its own words, before it looks at the state.
SIGN_OFFS = frozenset({"approve_proposal", "approve_report"})


def _run_plain(request: HttpRequest, project: ChangeProject, body: schemas.TransitionIn) -> dict:
    arguments = {"expected_state": body.expected_state}
    if workflow.declaration(ChangeProject, body.name).takes_comment:
        arguments["comment"] = body.comment
    return {"log": PROJECT_TRANSITIONS[body.name](project=project, by=_user(request), **arguments)}


def offered(name: str) -> bool:
    """Whether the API runs this project transition."""
    return name in PROJECT_TRANSITIONS or name in PROJECT_ACTIONS


@api.post(
    "/projects/{pk}/transitions",
    response={
        200: schemas.TransitionDone,
        400: schemas.Error,
        403: schemas.Error,
        409: schemas.Error,
    },
    tags=["projects"],
)
def run_transition(request: HttpRequest, pk: int, body: schemas.TransitionIn):
    """Run a transition by name from the state you saw: 409 if the project moved since.

    Sign-offs (`approve_proposal`, `approve_report`) record your approval as coach or mentor;
    the second one moves the project. Examiners send `seminar` with `record_proposal_seminar`
    (the examiners' combined decision, once all have scored) or `grade` (and `fail`);
    `complete_impact_review` takes the conclusion
    (`outcome`, `barriers`, `summary`).
    """
    _require_write(request)
    project = _project(request, pk)
    if not offered(body.name):
        raise Refused(_("Tindakan ini tidak dikenal."))
    user = _user(request)
    if body.name not in SIGN_OFFS and not workflow.may_attempt(project, user, body.name):
        raise HttpError(403, _("Anda tidak berwenang melakukan tindakan ini."))
    if body.expected_state not in ChangeProject.State.values:
        raise Refused(_("Status yang diharapkan tidak dikenal."))
    try:
        done = PROJECT_ACTIONS.get(body.name, _run_plain)(request, project, body)
    finally:
        project.refresh_from_db()
    log = done.pop("log")
    if log is not None:
        log.actor = user
    return {
        "state": project.state,
        "state_label": str(project.get_state_display()),
        "transition": _transition_out(log) if log is not None else None,
        **done,
    }


@api.post(
    "/indicators/{pk}/measurements",
    response={201: schemas.MeasurementOut, 400: schemas.Error, 403: schemas.Error},
    tags=["projects"],
)
def record_measurement(request: HttpRequest, pk: int, body: schemas.MeasurementIn):
    """Record the value an impact indicator reached on a date (the participant). Send an
    `Idempotency-Key` header (a UUID) to make a retry safe."""
    _require_write(request)
    indicator = get_object_or_404(
        ImpactIndicator.objects.filter(project__in=_projects(request)).select_related(
            *(f"project__{name}" for name in PROJECT_RELATIONS)
        ),
        pk=pk,
    )
    evidence = None
    if body.evidence_id is not None:
        evidence = (
            milestone_selectors.evidence_of_project(indicator.project)
            .filter(pk=body.evidence_id)
            .first()
        )
        if evidence is None:
            raise Refused(_("Bukti itu bukan milik proyek ini."))
    measurement = milestone_services.indicator_record(
        form_token=_idempotency_key(request),
        indicator=indicator,
        by=_user(request),
        value=body.value,
        measured_on=body.measured_on,
        note=body.note,
        evidence=evidence,
    )
    measurement.refresh_from_db()  # the value as stored (two decimals)
    return Status(201, _measurement_out(measurement))


# --- seminars: scheduling and scoring -------------------------------------------------------------


def _seminar(request: HttpRequest, pk: int) -> Seminar:
    """A seminar the caller examines or organises, within the token's reach (404 otherwise)."""
    seminar = get_object_or_404(seminars_visible_to(_user(request)).select_related("cohort"), pk=pk)
    token = _token(request)
    if token is not None and token.cohort_id not in (None, seminar.cohort_id):
        raise Http404
    if token is not None and token.institution.lower() not in (
        "",
        seminar.cohort.institution.lower(),
    ):
        raise Http404
    return seminar


def _seminar_out(seminar: Seminar) -> dict:
    rubric = rubric_for(seminar)
    return {
        "id": seminar.pk,
        "kind": seminar.kind,
        "cohort": {"id": seminar.cohort_id, "name": str(seminar.cohort)},
        "starts_at": seminar.starts_at,
        "place": seminar.place,
        "online_link": seminar.online_link,
        "examiners": [_person(person) for person in seminar.examiners.order_by("full_name", "pk")],
        "projects": [
            {"id": project.pk, "name": project.title} for project in seminar.projects.order_by("pk")
        ],
        "criteria": [
            {
                "id": criterion.pk,
                "name": criterion.name,
                "weight": criterion.weight,
                "max_score": criterion.max_score,
            }
            for criterion in (rubric.criteria.all() if rubric else ())
        ],
    }


def _seminar_form(body: schemas.SeminarIn, **kwargs) -> SeminarForm:
    return SeminarForm(
        {
            "kind": body.kind,
            "starts_at": body.starts_at,
            "place": body.place,
            "online_link": body.online_link,
            "examiners": [str(pk) for pk in body.examiners],
            "projects": [str(pk) for pk in body.projects],
        },
        **kwargs,
    )


@api.post(
    "/cohorts/{pk}/seminars",
    response={201: schemas.SeminarDetailOut, 400: schemas.Error, 403: schemas.Error},
    tags=["seminars"],
)
def schedule_seminar(request: HttpRequest, pk: int, body: schemas.SeminarIn):
    """Schedule a seminar of a cohort you organise, as the seminar form does; examiners and
    participants are told. Send an `Idempotency-Key` header (a UUID) to make a retry safe."""
    _require_write(request)
    cohort = _cohort_for_organiser(request, pk)
    form = _seminar_form(body, cohort=cohort)
    cleaned = _checked(form)
    seminar = mentoring_services.seminar_schedule(
        form_token=_idempotency_key(request),
        cohort=cohort,
        by=_user(request),
        **{name: cleaned[name] for name in SEMINAR_FIELDS},
    )
    return Status(201, _seminar_out(seminar))


SEMINAR_FIELDS = ("kind", "starts_at", "place", "online_link", "examiners", "projects")


@api.get("/seminars/{pk}", response=schemas.SeminarDetailOut, tags=["seminars"])
def get_seminar(request: HttpRequest, pk: int):
    """A seminar you examine or organise: its people, projects and rubric criteria."""
    return _seminar_out(_seminar(request, pk))


@api.put(
    "/seminars/{pk}",
    response={200: schemas.SeminarDetailOut, 400: schemas.Error, 403: schemas.Error},
    tags=["seminars"],
)
def update_seminar(request: HttpRequest, pk: int, body: schemas.SeminarIn):
    """Change a seminar of a cohort you organise (its kind stays); everyone hears when its time
    or place moved, else only the people added."""
    _require_write(request)
    seminar = _seminar(request, pk)
    user = _user(request)
    if not is_organiser_of(seminar.cohort, user):
        raise HttpError(403, _("Hanya penyelenggara angkatan ini yang dapat mengatur seminarnya."))
    cleaned = _checked(_seminar_form(body, instance=seminar, cohort=seminar.cohort))
    seminar = mentoring_services.seminar_update(
        seminar=seminar, by=user, **{name: cleaned[name] for name in SEMINAR_FIELDS[1:]}
    )
    return _seminar_out(seminar)


@api.put(
    "/seminars/{pk}/projects/{project_pk}/scores",
    response={200: schemas.ScoresOut, 400: schemas.Error, 403: schemas.Error},
    tags=["seminars"],
)
def record_scores(request: HttpRequest, pk: int, project_pk: int, body: schemas.ScoresIn):
    """Enter, or correct, your score for every rubric criterion of a project on a seminar you
    examine (criteria: `GET /seminars/{pk}`); at a proposal seminar also your own `decision`
    and the `revisions` you require, as on the page's sheet."""
    _require_write(request)
    seminar = _seminar(request, pk)
    project = get_object_or_404(_projects(request).filter(seminars=seminar), pk=project_pk)
    user = _user(request)
    if not examines(seminar, user):
        raise HttpError(403, _("Hanya penguji seminar ini yang dapat melakukan tindakan ini."))
    rubric = rubric_for(seminar)
    criteria = list(rubric.criteria.all()) if rubric else []
    given = {score.criterion: score.score for score in body.scores}
    if set(given) - {criterion.pk for criterion in criteria}:
        raise Refused(_("Isi satu nilai untuk setiap kriteria rubrik."))
    data = {ScoreForm.field_name(c): given[c.pk] for c in criteria if c.pk in given}
    proposal = seminar.kind == Seminar.Kind.PROPOSAL
    if proposal:
        form: ScoreForm = ProposalScoreForm(
            {**data, "decision": body.decision, "revisions": "\n".join(body.revisions)},
            criteria=criteria,
        )
    else:
        form = ScoreForm(data, criteria=criteria)
    _checked(form)
    saved = mentoring_services.seminar_record_scores(
        seminar=seminar,
        project=project,
        by=user,
        scores=form.scores,
        **(
            {"decision": form.cleaned_data["decision"], "revisions": form.revision_lines()}
            if isinstance(form, ProposalScoreForm)
            else {}
        ),
    )
    return {
        "scores": [
            {"criterion": score.criterion_id, "score": score.score, "scored_at": score.scored_at}
            for score in saved
        ]
    }


def _import_out(preview, *, saved: bool, detail: str = "") -> dict:
    return {
        "saved": saved,
        "ok": preview.ok,
        "error_count": preview.error_count,
        "counts": preview.counts,
        "invited": preview.invited,
        "rows": [
            {
                "line": check.line,
                "nip": check.values["nip"],
                "full_name": check.values["full_name"],
                "action": check.action if not check.errors else "",
                "action_label": check.action_label if not check.errors else "",
                "errors": [str(error) for error in check.errors],
                "notes": [str(note) for note in check.notes],
            }
            for check in preview.rows
        ],
        "detail": detail,
    }


@api.post(
    "/cohorts/{pk}/participants/import",
    response={200: schemas.ImportOut, 400: schemas.ImportOut | schemas.Error, 403: schemas.Error},
    tags=["cohorts"],
)
def import_participants(request: HttpRequest, pk: int, body: schemas.ImportIn):
    """Import participants as JSON rows with the spreadsheet's checks: a preview unless
    `confirm` is true; confirming the same rows twice changes nothing the second time."""
    _require_write(request)
    cohort = _cohort_for_organiser(request, pk)
    rows = []
    for index, row in enumerate(body.rows, start=1):
        values = {key: str(value).strip() for key, value in row.dict().items()}
        if any(CONTROL_CHARACTERS.search(value) for value in values.values()):
            raise Refused(
                _("Baris %(line)d berisi karakter kendali; hapus lalu kirim lagi.")
                % {"line": index}
            )
        if any(values.values()):
            rows.append({"line": str(index), **{k: v[:MAX_CELL_CHARS] for k, v in values.items()}})
    if not rows:
        raise Refused(_("Tidak ada baris peserta untuk diimpor."))
    user = _user(request)
    if not body.confirm:
        preview = check_rows(cohort, rows, by=user)
        return Status(200 if preview.ok else 400, _import_out(preview, saved=False))
    try:
        preview = tracker_services.cohort_import_participants(cohort=cohort, by=user, rows=rows)
    except tracker_services.ImportRefused as refusal:
        return Status(400, _import_out(refusal.preview, saved=False, detail=str(refusal.message)))
    return Status(200, _import_out(preview, saved=True))
