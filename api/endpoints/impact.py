"""Impact: a project's indicators and their measurements, an agency's impact and survey figures."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status

from api import schemas
from api.endpoints.common import (
    PROJECT_RELATIONS,
    _idempotency_key,
    _person,
    _project,
    _projects,
    _require_write,
    _token,
    _user,
    api,
)
from api.models import ApiToken
from milestones import selectors as milestone_selectors
from milestones import services as milestone_services
from reports.documents.agency_report import (
    agency_cohorts,
    agency_projects,
    agency_report_data,
    agency_scope_note,
)
from reports.impact import impact_figures
from reports.selectors import may_read_agency
from tracker.models import Agency, Cohort, ImpactIndicator
from tracker.workflow import Refused


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
