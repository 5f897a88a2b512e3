from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring import services
from mentoring.forms import (
    CommentForm,
    ConsultationForm,
    DisputeForm,
    ExaminerAssignmentForm,
    GradeForm,
    JournalEntryForm,
    JournalReplyForm,
    ProposalResultForm,
    ScoreForm,
    SeminarForm,
)
from mentoring.models import Comment, Consultation, JournalEntry, SignOff
from mentoring.selectors import (
    comments_visible_to,
    consultation_counts,
    consultations_of,
    examines,
    is_organiser_of,
    journal_entries_visible_to,
    organised_cohorts,
    roles_on,
    rubric_for,
    score_summaries,
    scoring_refusal,
    seminar_rows,
    seminars_visible_to,
)
from mentoring.selectors import seminar_list as seminar_list_for
from mentoring.services import (
    ActionForbidden,
    ActionRefused,
    incomplete_message,
    plain_number,
    project_sign_off,
    seminar_add_examiners,
    seminar_grade,
    seminar_record_proposal_result,
    seminar_record_scores,
    seminar_schedule,
)
from mentoring.services import seminar_update as update_seminar
from tracker.models import ChangeProject, Cohort, Role, Seminar
from tracker.selectors import projects_visible_to
from tracker.services import TransitionForbidden, TransitionRefused


def _get_project_for_user(
    request: HttpRequest, pk: int, allowed: Iterable[Role] | None = None
) -> ChangeProject:
    """The project if in the user's scope (404 otherwise); 403 without one of `allowed` roles."""
    project = get_object_or_404(
        projects_visible_to(request.user).select_related(
            "participant", "cohort", "agency", "coach", "mentor"
        ),
        pk=pk,
    )
    if allowed is not None and not roles_on(project, request.user) & set(allowed):
        raise PermissionDenied
    return project


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


# --- Comments, consultations and journal


def _run(service, **kwargs) -> tuple[object, str]:
    """Call one service: (result, "") on success, (None, why) when refused; forbidden is 403."""
    try:
        return service(**kwargs), ""
    except ActionForbidden as refused:
        raise PermissionDenied(refused.message) from None
    except ActionRefused as refused:
        return None, str(refused.message)


def comment_panel_context(project: ChangeProject, user, *, form=None, notice="", error="") -> dict:
    """What the comment panel shows this user: the comments they may read and, maybe, a form."""
    roles = roles_on(project, user)
    return {
        "project": project,
        "comments": comments_visible_to(project, user),
        "may_comment": Comment.writing_role(roles) is not None,
        "may_restrict": Comment.may_restrict(roles),
        "form": form or CommentForm(),
        "notice": notice,
        "error": error,
    }


def consultation_panel_context(
    project: ChangeProject, user, *, form=None, notice="", error=""
) -> dict:
    """The control form as this user sees it: counts, sessions, and the forms they may use."""
    roles = roles_on(project, user)
    consultations = list(consultations_of(project))
    is_participant = Role.PARTICIPANT in roles
    has_consultant = bool(project.coach_id or project.mentor_id)
    stage = Consultation.stage_of(project.state)
    may_record = is_participant and has_consultant and stage is not None
    if may_record and form is None:
        form = ConsultationForm(project=project, initial={"held_on": timezone.localdate()})
    return {
        "project": project,
        "consultations": consultations,
        "counts": consultation_counts(project),
        "is_participant": is_participant,
        "has_consultant": has_consultant,
        "stage_label": Consultation.Stage(stage).label if stage else "",
        "may_record": may_record,
        "form": form,
        "awaiting_me": {
            consultation.pk
            for consultation in consultations
            if consultation.consultant_id == user.pk and not consultation.is_decided
        },
        "notice": notice,
        "error": error,
    }


def journal_panel_context(project: ChangeProject, user, *, form=None, notice="", error="") -> dict:
    """The journal for its writer (entries and a form) or for coach and mentor (shared ones)."""
    roles = roles_on(project, user)
    is_writer = Role.PARTICIPANT in roles
    is_reader = not is_writer and bool(roles & JournalEntry.READER_ROLES)
    return {
        "project": project,
        "shown": is_writer or is_reader,
        "is_writer": is_writer,
        "is_reader": is_reader,
        "entries": journal_entries_visible_to(project, user),
        "form": (form or JournalEntryForm()) if is_writer else None,
        # One token for every reply form of this rendering: each reply's content differs.
        "reply_form": JournalReplyForm(auto_id=False) if is_reader else None,
        "notice": notice,
        "error": error,
    }


@dataclass(frozen=True)
class Panel:
    """A panel of the project page that also stands alone as a page, for plain POST errors."""

    page: str
    partial: str
    anchor: str
    context: Callable[..., dict]

    def render(self, request: HttpRequest, project, *, status: int = 200, **extra) -> HttpResponse:
        context = self.context(project, request.user, **extra)
        if request.htmx:
            # htmx swaps only 2xx answers, so the fragment carries any error itself.
            return render(request, f"{self.page}#{self.partial}", context)
        return render(request, self.page, context, status=status)

    def done(self, request: HttpRequest, project, message) -> HttpResponse:
        if request.htmx:
            return self.render(request, project, notice=message)
        messages.success(request, message)
        return redirect(f"{project.get_absolute_url()}#{self.anchor}")


COMMENTS = Panel("mentoring/comment_list.html", "comment-panel", "comments", comment_panel_context)
CONSULTATIONS = Panel(
    "mentoring/consultation_list.html",
    "consultation-panel",
    "consultations",
    consultation_panel_context,
)
JOURNAL = Panel("mentoring/journal_list.html", "journal-panel", "journal", journal_panel_context)
JOURNAL_ROLES = {Role.PARTICIPANT, *JournalEntry.READER_ROLES}


@require_GET
@login_required
def comment_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    return COMMENTS.render(request, project)


@require_POST
@login_required
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, Comment.WRITING_ROLES)
    form = CommentForm(request.POST)
    refusal = ""
    if form.is_valid():
        _comment, refusal = _run(
            services.comment_post, project=project, by=request.user, **form.cleaned_data
        )
        if not refusal:
            return COMMENTS.done(request, project, _("Komentar terkirim."))
    return COMMENTS.render(request, project, form=form, error=refusal, status=400)


@require_GET
@login_required
def consultation_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    return CONSULTATIONS.render(request, project)


@require_POST
@login_required
def consultation_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, {Role.PARTICIPANT})
    form = ConsultationForm(request.POST, project=project)
    refusal = ""
    if form.is_valid():
        _consultation, refusal = _run(
            services.consultation_record, project=project, by=request.user, **form.cleaned_data
        )
        if not refusal:
            return CONSULTATIONS.done(
                request, project, _("Konsultasi tercatat dan menunggu konfirmasi.")
            )
    return CONSULTATIONS.render(request, project, form=form, error=refusal, status=400)


@require_POST
@login_required
def consultation_confirm(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, {Role.COACH, Role.MENTOR})
    consultation = get_object_or_404(project.consultations, pk=consultation_pk)
    _decided, refusal = _run(
        services.consultation_confirm, consultation=consultation, by=request.user
    )
    if refusal:
        return CONSULTATIONS.render(request, project, error=refusal, status=400)
    return CONSULTATIONS.done(request, project, _("Konsultasi dikonfirmasi."))


@require_POST
@login_required
def consultation_dispute(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, {Role.COACH, Role.MENTOR})
    consultation = get_object_or_404(project.consultations, pk=consultation_pk)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        refusal = " ".join(form.errors["reason"])
    else:
        _decided, refusal = _run(
            services.consultation_dispute,
            consultation=consultation,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    if refusal:
        return CONSULTATIONS.render(request, project, error=refusal, status=400)
    return CONSULTATIONS.done(request, project, _("Konsultasi disanggah; peserta diberi tahu."))


@require_GET
@login_required
def journal_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, JOURNAL_ROLES)
    return JOURNAL.render(request, project)


@require_POST
@login_required
def journal_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, {Role.PARTICIPANT})
    form = JournalEntryForm(request.POST)
    refusal = ""
    if form.is_valid():
        _entry, refusal = _run(
            services.journal_write, project=project, by=request.user, **form.cleaned_data
        )
        if not refusal:
            return JOURNAL.done(request, project, _("Catatan refleksi tersimpan."))
    return JOURNAL.render(request, project, form=form, error=refusal, status=400)


@require_POST
@login_required
def journal_reply(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, JournalEntry.READER_ROLES)
    entry = get_object_or_404(journal_entries_visible_to(project, request.user), pk=entry_pk)
    form = JournalReplyForm(request.POST)
    if not form.is_valid():
        refusal = " ".join(form.errors["body"])
    else:
        _reply, refusal = _run(
            services.journal_reply, entry=entry, by=request.user, **form.cleaned_data
        )
    if refusal:
        return JOURNAL.render(request, project, error=refusal, status=400)
    return JOURNAL.done(request, project, _("Tanggapan terkirim; peserta diberi tahu."))


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
    if with_kind:
        names = ["kind", *names, "form_token"]
    return {name: form.cleaned_data[name] for name in names}


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


@require_http_methods(["GET", "POST"])
@login_required
def examiner_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    seminar = _get_seminar_for_organiser(request, pk)
    form = ExaminerAssignmentForm(
        request.POST if request.method == "POST" else None,
        seminar=seminar,
        organiser=request.user,
    )
    status, notice = 200, ""
    if request.method == "POST":
        added = []
        status = _attempt(
            form,
            lambda: added.extend(
                seminar_add_examiners(seminar=seminar, by=request.user, examiners=form.examiners)
            ),
        )
        if status == 200:
            notice = _("%(count)d penguji ditambahkan dan diberi tahu: %(names)s.") % {
                "count": len(added),
                "names": ", ".join(str(person) for person in added),
            }
            if not request.htmx:
                messages.success(request, notice)
                return redirect("mentoring:seminar-detail", seminar.pk)
            seminar = _get_seminar_for_organiser(request, pk)
            form = ExaminerAssignmentForm(seminar=seminar, organiser=request.user)
    context = {"seminar": seminar, "form": form, "notice": notice}
    template = "mentoring/seminar_examiners.html"
    if request.htmx:
        template += "#examiner-panel"
    return render(request, template, context, status=status)
