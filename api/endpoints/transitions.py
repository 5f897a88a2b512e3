"""A project's transition log, and running a transition by name through its one service."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from api import schemas
from api.endpoints.common import _checked, _person, _project, _require_write, _user, api
from api.endpoints.seminars import _seminar
from mentoring import services as mentoring_services
from mentoring.forms import ConclusionForm, GradeForm, ProposalResultForm
from mentoring.models import SignOff
from tracker import services as tracker_services
from tracker import workflow
from tracker.models import ChangeProject, Seminar, TransitionLog
from tracker.selectors import transitions_of
from tracker.workflow import Refused

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


@api.get("/projects/{pk}/transitions", response=list[schemas.TransitionOut], tags=["projects"])
def list_transitions(request: HttpRequest, pk: int):
    """The project's transition log, oldest first."""
    return [_transition_out(log) for log in transitions_of(_project(request, pk))]


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
