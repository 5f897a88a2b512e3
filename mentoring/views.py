from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.forms import GradeForm, ProposalResultForm, ScoreForm, SeminarForm
from mentoring.models import SignOff
from mentoring.selectors import (
    examines,
    is_organiser_of,
    organised_cohorts,
    rubric_for,
    score_summaries,
    scoring_refusal,
    seminar_rows,
    seminars_visible_to,
)
from mentoring.selectors import seminar_list as seminar_list_for
from mentoring.services import (
    incomplete_message,
    plain_number,
    project_sign_off,
    seminar_grade,
    seminar_record_proposal_result,
    seminar_record_scores,
    seminar_schedule,
)
from mentoring.services import seminar_update as update_seminar
from tracker.models import ChangeProject, Cohort, Seminar
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


# --- Seminars and grading ------------------------------------------------------------------


def _get_seminar_for_user(request: HttpRequest, pk: int) -> Seminar:
    """The seminar if the user examines it or organises its cohort (admin: any), else 404."""
    return get_object_or_404(
        seminars_visible_to(request.user).select_related("cohort").prefetch_related("examiners"),
        pk=pk,
    )


def _get_seminar_for_organiser(request: HttpRequest, pk: int) -> Seminar:
    """The seminar for the organiser of its cohort: 404 outside its scope, 403 for others."""
    seminar = _get_seminar_for_user(request, pk)
    if not is_organiser_of(seminar.cohort, request.user):
        raise PermissionDenied
    return seminar


def _get_cohort_for_organiser(request: HttpRequest, pk: int) -> Cohort:
    """A cohort the user organises; the admin gets 403, everyone else 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if is_organiser_of(cohort, request.user):
        return cohort
    if request.user.is_superuser:
        raise PermissionDenied
    raise Http404


def _get_examined_project(
    request: HttpRequest, pk: int, project_pk: int, kind: str
) -> tuple[Seminar, ChangeProject]:
    """A project on a seminar of this kind: 404 outside the seminar, 403 unless an examiner."""
    seminar = _get_seminar_for_user(request, pk)
    if seminar.kind != kind:
        raise Http404
    project = get_object_or_404(
        seminar.projects.select_related("participant", "cohort"), pk=project_pk
    )
    if not examines(seminar, request.user):
        raise PermissionDenied
    return seminar, project


@require_GET
@login_required
def seminar_list(request: HttpRequest) -> HttpResponse:
    context = {
        "seminars": seminar_list_for(request.user),
        "cohorts": organised_cohorts(request.user),
    }
    return render(request, "mentoring/seminar_list.html", context)


def _attempt(form, action) -> int:
    """Run the service for a valid form: 200, or 400/409 with the refusal shown on the form."""
    if not form.is_valid():
        return 400
    try:
        action()
    except TransitionForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except TransitionRefused as refused:
        form.add_error(None, refused.message)
        return refused.status
    return 200


@require_http_methods(["GET", "POST"])
@login_required
def seminar_create(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, cohort_pk)
    form = SeminarForm(request.POST or None, cohort=cohort)
    if request.method == "POST":
        created = []
        status = _attempt(
            form,
            lambda: created.append(
                seminar_schedule(cohort=cohort, by=request.user, **_seminar_fields(form))
            ),
        )
        if status == 200:
            messages.success(request, _("Seminar dijadwalkan; penguji dan peserta diberi tahu."))
            return redirect("mentoring:seminar-detail", created[0].pk)
        return _render_seminar_form(request, form, cohort=cohort, seminar=None, status=status)
    return _render_seminar_form(request, form, cohort=cohort, seminar=None)


@require_http_methods(["GET", "POST"])
@login_required
def seminar_update(request: HttpRequest, pk: int) -> HttpResponse:
    seminar = _get_seminar_for_organiser(request, pk)
    form = SeminarForm(request.POST or None, instance=seminar, cohort=seminar.cohort)
    if request.method == "POST":
        status = _attempt(
            form,
            lambda: update_seminar(
                seminar=seminar, by=request.user, **_seminar_fields(form, with_kind=False)
            ),
        )
        if status == 200:
            messages.success(request, _("Perubahan seminar tersimpan."))
            return redirect("mentoring:seminar-detail", seminar.pk)
        return _render_seminar_form(
            request, form, cohort=seminar.cohort, seminar=seminar, status=status
        )
    return _render_seminar_form(request, form, cohort=seminar.cohort, seminar=seminar)


def _seminar_fields(form: SeminarForm, *, with_kind: bool = True) -> dict:
    names = ["starts_at", "place", "online_link", "examiners", "projects"]
    return {name: form.cleaned_data[name] for name in (["kind", *names] if with_kind else names)}


def _render_seminar_form(request, form, *, cohort, seminar, status=200) -> HttpResponse:
    if status != 200:
        messages.error(request, _("Periksa isian formulir di bawah."))
    context = {"form": form, "cohort": cohort, "seminar": seminar}
    return render(request, "mentoring/seminar_form.html", context, status=status)


@require_GET
@login_required
def seminar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seminar = _get_seminar_for_user(request, pk)
    rubric = rubric_for(seminar) if seminar.kind == Seminar.Kind.RESULTS else None
    context = {
        "seminar": seminar,
        "rows": seminar_rows(seminar, request.user, rubric),
        "is_organiser": is_organiser_of(seminar.cohort, request.user),
        "rubric": rubric,
    }
    return render(request, "mentoring/seminar_detail.html", context)


def _answer(request, template: str, context: dict, *, seminar: Seminar, status: int):
    """A plain successful POST goes back to the seminar; HTMX always gets the action fragment."""
    if request.method == "POST" and status == 200 and not request.htmx:
        return redirect("mentoring:seminar-detail", seminar.pk)
    if request.htmx:
        # htmx swaps only 2xx answers, so a refusal travels as the fragment's message.
        return render(request, f"{template}#action", context)
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def record_proposal_result(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_examined_project(request, pk, project_pk, Seminar.Kind.PROPOSAL)
    form = ProposalResultForm(request.POST or None, initial={"expected_state": project.state})
    status = 200
    if request.method == "POST":
        status = _attempt(
            form,
            lambda: seminar_record_proposal_result(
                seminar=seminar,
                project=project,
                by=request.user,
                accepted=form.accepted,
                notes=form.cleaned_data["notes"],
                expected_state=form.cleaned_data["expected_state"],
            ),
        )
        project.refresh_from_db()
        if status == 200:
            messages.success(
                request,
                _("Hasil seminar rancangan tercatat. Status proyek sekarang: %(state)s.")
                % {"state": project.get_state_display()},
            )
    context = {
        "seminar": seminar,
        "project": project,
        "form": form,
        "waiting": project.state == ChangeProject.State.PROPOSAL_SEMINAR,
        "results": seminar.proposal_results.filter(project=project).select_related("examiner"),
    }
    return _answer(
        request,
        "mentoring/proposalseminarresult_form.html",
        context,
        seminar=seminar,
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def score_project(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_examined_project(request, pk, project_pk, Seminar.Kind.RESULTS)
    rubric = rubric_for(seminar)
    criteria = list(rubric.criteria.all()) if rubric else []
    summary = score_summaries(seminar, [project], rubric)[project.pk]
    own = next((s.scores for s in summary.sheets if s.examiner.pk == request.user.pk), {})
    form = ScoreForm(
        request.POST or None,
        criteria=criteria,
        initial={ScoreForm.field_name(c): own[c.pk] for c in criteria if c.pk in own},
    )
    status = 200
    if request.method == "POST":
        status = _attempt(
            form,
            lambda: seminar_record_scores(
                seminar=seminar, project=project, by=request.user, scores=form.scores
            ),
        )
        if status == 200:
            messages.success(
                request, _("Nilai Anda untuk “%(title)s” tersimpan.") % {"title": project.title}
            )
            summary = score_summaries(seminar, [project], rubric)[project.pk]
    context = {
        "seminar": seminar,
        "project": project,
        "form": form,
        "rubric": rubric,
        "summary": summary,
        "refusal": scoring_refusal(seminar, project)
        or ("" if criteria else incomplete_message(summary)),
    }
    return _answer(
        request, "mentoring/rubricscore_form.html", context, seminar=seminar, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def grade_project(request: HttpRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_examined_project(request, pk, project_pk, Seminar.Kind.RESULTS)
    form = GradeForm(request.POST or None, initial={"expected_state": project.state})
    status = 200
    if request.method == "POST":
        status = _attempt(
            form,
            lambda: seminar_grade(
                seminar=seminar,
                project=project,
                by=request.user,
                fail=form.cleaned_data["fail"],
                comment=form.cleaned_data["comment"],
                expected_state=form.cleaned_data["expected_state"],
            ),
        )
        project.refresh_from_db()
    grade = seminar.grades.filter(project=project).select_related("decided_by").first()
    if status == 200 and grade is not None and request.method == "POST":
        messages.success(
            request,
            _("Hasil ditetapkan: %(outcome)s, nilai %(score)s (%(predikat)s).")
            % {
                "outcome": grade.get_outcome_display(),
                "score": plain_number(grade.score),
                "predikat": grade.predikat,
            },
        )
    summary = score_summaries(seminar, [project])[project.pk]
    context = {
        "seminar": seminar,
        "project": project,
        "form": form,
        "summary": summary,
        "grade": grade,
        "refusal": scoring_refusal(seminar, project)
        or ("" if summary.complete else incomplete_message(summary)),
    }
    return _answer(
        request, "mentoring/seminargrade_form.html", context, seminar=seminar, status=status
    )
