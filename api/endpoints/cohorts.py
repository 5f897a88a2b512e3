"""Cohorts and agencies, and the participants' JSON import."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status

from api import cursors, schemas
from api.endpoints.common import _cohort_for_organiser, _require_write, _token, _user, api
from api.selectors import api_agencies, api_cohorts
from tracker import services as tracker_services
from tracker.imports import CONTROL_CHARACTERS, MAX_CELL_CHARS, check_rows
from tracker.workflow import Refused


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
