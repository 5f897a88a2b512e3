"""Seminars: a project's results, and scheduling and scoring them."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Status
from ninja.errors import HttpError

from api import schemas
from api.endpoints.common import (
    _checked,
    _cohort_for_organiser,
    _idempotency_key,
    _person,
    _project,
    _projects,
    _require_write,
    _token,
    _user,
    api,
)
from mentoring import services as mentoring_services
from mentoring.forms import ProposalScoreForm, ScoreForm, SeminarForm
from mentoring.selectors import (
    examines,
    is_organiser_of,
    rubric_for,
    sees_examiner_scores,
    seminars_of,
    seminars_visible_to,
)
from tracker.models import Seminar
from tracker.workflow import Refused


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
