"""Pages of impact evaluation after training: the monitoring page, the survey, the organiser's
round management, the conclusion, the commitment and the questionnaires.

Kept apart from `views.py` (past its size already): these pages are one object family.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring import services
from mentoring.forms import (
    ConclusionForm,
    QuestionFormSet,
    QuestionnaireForm,
    RoundExcuseForm,
    RoundExtendForm,
    RoundOpenForm,
    SurveyForm,
)
from mentoring.models import RESPONDENT_AUDIENCE, Commitment, Question, SurveyResponse
from mentoring.selectors import (
    current_questionnaire,
    owns_questionnaire,
    questionnaires_visible_to,
    respondent_role,
    respondent_statuses,
    response_visible,
    rounds_of,
    shown_answers,
)
from mentoring.views import _get_project_for_user
from milestones.selectors import indicators_with_latest
from tracker import workflow
from tracker.http import AuthenticatedRequest
from tracker.models import ChangeProject, Role
from tracker.selectors import institutions_organised_by, share_reads
from tracker.views import project_action

S = ChangeProject.State


def _round_of(project: ChangeProject, round_pk: int):
    """The project's round (404 if it belongs to another project)."""
    found = next((r for r in rounds_of(project) if r.pk == round_pk), None)
    if found is None:
        raise Http404
    return found


def monitoring_context(project: ChangeProject, user, **forms) -> dict:
    """What the monitoring page shows this user: rounds, statuses, the answers they may read,
    the organiser's tools, the commitment and the conclusion."""
    roles = workflow.roles(project, user)
    today = timezone.localdate()
    indicators = {indicator.pk: indicator for indicator in indicators_with_latest(project)}
    is_organiser = Role.ORGANISER in roles
    manages = is_organiser and project.state == S.MONITORING
    entries = []
    for survey_round in rounds_of(project):
        statuses: list[dict] = []
        for status in respondent_statuses(survey_round):
            response = status.response
            answers = None
            if (
                response is not None
                and response.state == SurveyResponse.State.SUBMITTED
                and response_visible(response, user, roles)
            ):
                answers = shown_answers(response, user, roles, indicators)
            statuses.append({"status": status, "answers": answers})
        settled = all(status.settled for status in respondent_statuses(survey_round))
        entries.append(
            {
                "round": survey_round,
                "open": survey_round.is_open(today),
                "overdue": survey_round.is_overdue(today) and not settled,
                "statuses": statuses,
                "mine": respondent_role(survey_round, user)
                and project.state == S.MONITORING
                and survey_round.is_open(today),
                "logs": list(survey_round.logs.all()),
            }
        )
    try:
        conclusion = project.impact_conclusion
    except ObjectDoesNotExist:
        conclusion = None
    commitments = list(project.commitments.select_related("signer"))
    signed = {commitment.role for commitment in commitments}
    commit_role = next(
        (r for r in (Role.PARTICIPANT, Role.MENTOR, Role.AGENCY_HEAD) if r in roles), None
    )
    return {
        "project": project,
        "entries": entries,
        "indicators": list(indicators.values()),
        "is_organiser": is_organiser,
        "manages": manages,
        "today": today,
        "conclusion": conclusion,
        "commitments": commitments,
        "may_commit": commit_role is not None
        and commit_role not in signed
        and project.state in services.COMMITMENT_STATES,
        "commitment_wording": Commitment.WORDING,
        "complete_blocked": workflow.blocked_reason(project, "complete_impact_review")
        if manages
        else "",
        "conclusion_form": forms.get("conclusion_form")
        or ConclusionForm(initial={"expected_state": project.state}),
        "extend_form": forms.get("extend_form") or RoundExtendForm(),
        "excuse_form": forms.get("excuse_form") or RoundExcuseForm(),
        "open_form": RoundOpenForm(),
    }


def _monitoring_page(
    request: AuthenticatedRequest, project: ChangeProject, status: int = 200, **forms
):
    project.refresh_from_db()
    share_reads(project)
    project.__dict__["_loaded"].clear()
    context = monitoring_context(project, request.user, **forms)
    return render(request, "mentoring/monitoring_detail.html", context, status=status)


@require_GET
@login_required
def monitoring(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = share_reads(_get_project_for_user(request, pk))
    context = monitoring_context(project, request.user)
    return render(request, "mentoring/monitoring_detail.html", context)


@require_POST
@login_required
def close_training(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The project page's "Tutup pelatihan": the transition and the rounds, in one go."""
    return project_action(request, pk, "close_training", services.impact_close_training)


def _organiser_round_action(
    request: AuthenticatedRequest, pk: int, round_pk: int, form, call, done, *, form_name: str
) -> HttpResponse:
    project = _get_project_for_user(request, pk, allowed={Role.ORGANISER})
    survey_round = _round_of(project, round_pk)
    page_url = reverse("mentoring:monitoring", args=[project.pk])

    def page(status: int) -> HttpResponse:
        return _monitoring_page(request, project, status, **{form_name: form})

    return workflow.perform(
        request,
        form=form,
        call=lambda: call(survey_round, form),
        render=page,
        redirect_to=f"{page_url}#round-{survey_round.pk}",
        done=done,
    )


@require_POST
@login_required
def round_open(request: AuthenticatedRequest, pk: int, round_pk: int) -> HttpResponse:
    form = RoundOpenForm(request.POST)
    return _organiser_round_action(
        request,
        pk,
        round_pk,
        form,
        lambda survey_round, form: services.round_open_early(
            survey_round=survey_round, by=request.user, comment=form.cleaned_data["comment"]
        ),
        _("Putaran dibuka hari ini; alumni dan mentor sudah diundang."),
        form_name="open_form",
    )


@require_POST
@login_required
def round_extend(request: AuthenticatedRequest, pk: int, round_pk: int) -> HttpResponse:
    form = RoundExtendForm(request.POST)
    return _organiser_round_action(
        request,
        pk,
        round_pk,
        form,
        lambda survey_round, form: services.round_extend(
            survey_round=survey_round,
            by=request.user,
            due_on=form.cleaned_data["due_on"],
            comment=form.cleaned_data["comment"],
        ),
        _("Batas pengisian diperpanjang."),
        form_name="extend_form",
    )


@require_POST
@login_required
def round_excuse(request: AuthenticatedRequest, pk: int, round_pk: int) -> HttpResponse:
    form = RoundExcuseForm(request.POST)
    return _organiser_round_action(
        request,
        pk,
        round_pk,
        form,
        lambda survey_round, form: services.round_excuse(
            survey_round=survey_round,
            by=request.user,
            role=form.cleaned_data["role"],
            reason=form.cleaned_data["reason"],
        ),
        _("Responden dibebaskan dari putaran ini; alasannya tercatat."),
        form_name="excuse_form",
    )


@require_POST
@login_required
def complete_impact_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    if not workflow.may_attempt(project, request.user, "complete_impact_review"):
        raise PermissionDenied
    form = ConclusionForm(request.POST)

    def page(status: int) -> HttpResponse:
        return _monitoring_page(request, project, status, conclusion_form=form)

    return workflow.perform(
        request,
        form=form,
        call=lambda: services.impact_complete_review(
            project=project,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            barriers=form.cleaned_data["barriers"],
            summary=form.cleaned_data["summary"],
            expected_state=form.cleaned_data["expected_state"] or None,
        ),
        render=page,
        redirect_to=reverse("mentoring:monitoring", args=[project.pk]),
        done=_("Evaluasi dampak selesai; kesimpulannya tercatat."),
    )


@require_POST
@login_required
def commitment_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(
        request, pk, allowed={Role.PARTICIPANT, Role.MENTOR, Role.AGENCY_HEAD}
    )
    return workflow.perform(
        request,
        call=lambda: services.commitment_record(project=project, by=request.user),
        render=lambda status: _monitoring_page(request, project, status),
        redirect_to=f"{reverse('mentoring:monitoring', args=[project.pk])}#commitment",
        done=lambda commitment: (
            _("Komitmen Anda sebagai %(role)s tercatat.") % {"role": commitment.get_role_display()}
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_answer(request: AuthenticatedRequest, pk: int, round_pk: int) -> HttpResponse:
    """The respondent's own survey page (phone-first): save a draft, or submit once."""
    project = share_reads(_get_project_for_user(request, pk))
    survey_round = _round_of(project, round_pk)
    role = respondent_role(survey_round, request.user)
    if role is None:
        raise PermissionDenied
    response = next((r for r in survey_round.responses.all() if r.role == role), None)
    questionnaire = (
        response.questionnaire
        if response is not None
        else current_questionnaire(project.cohort, RESPONDENT_AUDIENCE[role])
    )
    questions = list(questionnaire.questions.all()) if questionnaire else []
    indicators = (
        list(project.indicators.all())
        if any(q.kind == Question.Kind.INDICATORS for q in questions)
        else []
    )
    answers = list(response.answers.all()) if response is not None else []
    today = timezone.localdate()
    excused = any(excusal.role == role for excusal in survey_round.excusals.all())
    form = SurveyForm(
        request.POST or None, questions=questions, indicators=indicators, answers=answers
    )

    def page(status: int) -> HttpResponse:
        nonlocal response
        response = SurveyResponse.objects.filter(round=survey_round, role=role).first()
        context = {
            "project": project,
            "round": survey_round,
            "role": Role(role),
            "questionnaire": questionnaire,
            "form": form,
            "response": response,
            "submitted": response is not None and response.state == SurveyResponse.State.SUBMITTED,
            "is_open": survey_round.is_open(today) and project.state == S.MONITORING,
            "late": survey_round.is_overdue(today),
            "excused": excused,
        }
        return render(request, "mentoring/surveyresponse_form.html", context, status=status)

    if request.method == "GET":
        return page(200)
    submit = request.POST.get("action") == "submit"
    return workflow.perform(
        request,
        form=form,
        call=lambda: services.survey_save(
            survey_round=survey_round, by=request.user, answers=form.answers(), submit=submit
        ),
        render=page,
        redirect_to=lambda saved: (
            reverse("mentoring:monitoring", args=[project.pk])
            if saved.state == SurveyResponse.State.SUBMITTED
            else reverse("mentoring:survey-answer", args=[project.pk, survey_round.pk])
        ),
        done=lambda saved: (
            (
                _("Jawaban Anda terkirim (terlambat, tetap diterima). Terima kasih.")
                if saved.is_late
                else _("Jawaban Anda terkirim. Terima kasih.")
            )
            if saved.state == SurveyResponse.State.SUBMITTED
            else _("Draf jawaban tersimpan. Kirim bila sudah lengkap.")
        ),
    )


# --- questionnaires ---------------------------------------------------------------------------


def _require_organiser(request: AuthenticatedRequest) -> None:
    if not (request.user.is_superuser or institutions_organised_by(request.user)):
        raise PermissionDenied


@require_GET
@login_required
def questionnaire_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_organiser(request)
    questionnaires = questionnaires_visible_to(request.user).prefetch_related("responses")
    rows = [
        {
            "questionnaire": q,
            "in_use": bool(q.responses.all()),
            "owned": owns_questionnaire(q, request.user),
        }
        for q in questionnaires.order_by("programme", "audience", "institution", "-version")
    ]
    return render(request, "mentoring/questionnaire_list.html", {"rows": rows})


def _question_rows(formset) -> list[dict]:
    rows: list[dict] = []
    for form in formset:
        if not form.has_changed() and not form.initial:
            continue
        if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("text"):
            continue
        data = form.cleaned_data
        rows.append(
            {
                "order": data.get("order") or len(rows) + 1,
                "kind": data["kind"],
                "topic": data.get("topic") or "",
                "text": data["text"],
                "follow_up": data.get("follow_up") or "",
                "required": bool(data.get("required")),
                "choices": data.get("choice_lines") or [],
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def questionnaire_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Edit a questionnaire; an answered one (or a shared default) becomes a new version."""
    _require_organiser(request)
    questionnaire = get_object_or_404(questionnaires_visible_to(request.user), pk=pk)
    initial = [
        {
            "order": q.order,
            "kind": q.kind,
            "topic": q.topic,
            "text": q.text,
            "follow_up": q.follow_up,
            "required": q.required,
            "choice_lines": "\n".join(f"{key} = {label}" for key, label in q.choices),
        }
        for q in questionnaire.questions.all()
    ]
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    formset = QuestionFormSet(request.POST or None, initial=initial, prefix="questions")
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.questionnaire_save(
                    questionnaire=questionnaire,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    shares_answers=form.cleaned_data["shares_answers"],
                    questions=_question_rows(formset),
                )
            except workflow.Refused as refused:
                if isinstance(refused, workflow.Forbidden):
                    raise PermissionDenied(refused.message) from None
                messages.error(request, refused.message)
                status = refused.status
            else:
                if saved.pk == questionnaire.pk:
                    messages.success(request, _("Kuesioner tersimpan."))
                else:
                    messages.success(
                        request,
                        _(
                            "Kuesioner ini sudah dipakai atau milik bersama, jadi perubahan "
                            "disimpan sebagai versi %(version)s. Jawaban lama tetap pada versi "
                            "sebelumnya."
                        )
                        % {"version": saved.version},
                    )
                return redirect("mentoring:questionnaire-edit", saved.pk)
        else:
            status = 400
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "formset": formset,
        "frozen": questionnaire.is_in_use() or not owns_questionnaire(questionnaire, request.user),
    }
    return render(request, "mentoring/questionnaire_form.html", context, status=status)
