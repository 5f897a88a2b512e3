from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring import services
from mentoring.calendar import calendar_text
from mentoring.forms import (
    AttendanceForm,
    CommentForm,
    ConsultationForm,
    ExaminerAssignmentForm,
    GradeForm,
    JournalEntryForm,
    JournalReplyForm,
    ProposalResultForm,
    ProposalScoreForm,
    RevisionCheckForm,
    ScoreForm,
    SeminarForm,
)
from mentoring.models import CalendarFeed, Comment, Consultation, JournalEntry, SignOff
from mentoring.selectors import (
    attendance_expected,
    attendance_recorded,
    calendar_feed_for,
    calendar_seminars,
    comments_visible_to,
    consultation_counts,
    consultations_of,
    examines,
    incomplete_message,
    is_organiser_of,
    journal_entries_visible_to,
    journal_of,
    organised_cohorts,
    revision_commitment,
    rubric_for,
    score_summaries,
    scoring_refusal,
    seminar_rows,
    seminars_visible_to,
)
from mentoring.selectors import seminar_list as seminar_list_for
from mentoring.services import (
    plain_number,
    project_sign_off,
    seminar_add_examiners,
    seminar_grade,
    seminar_record_proposal_result,
    seminar_record_scores,
    seminar_schedule,
)
from mentoring.services import seminar_update as update_seminar
from tracker import workflow
from tracker.forms import TransitionForm
from tracker.http import AuthenticatedRequest
from tracker.models import ChangeProject, Cohort, Role, Seminar
from tracker.selectors import projects_visible_to
from tracker.views import project_page
from tracker.workflow import Refused


def _get_project_for_user(
    request: AuthenticatedRequest, pk: int, allowed: Iterable[Role] | None = None
) -> ChangeProject:
    """The project if in the user's scope (404 otherwise); 403 without one of `allowed` roles."""
    project = get_object_or_404(
        projects_visible_to(request.user)
        .with_relations(request.user)
        .select_related("participant", "cohort", "agency", "coach", "mentor"),
        pk=pk,
    )
    if allowed is not None and not workflow.roles(project, request.user) & set(allowed):
        raise PermissionDenied
    return project


def _sign_off(request: AuthenticatedRequest, pk: int, stage: str) -> HttpResponse:
    project = _get_project_for_user(request, pk)

    def page(status: int) -> HttpResponse:
        project.refresh_from_db()
        return project_page(request, project, status=status)

    return workflow.perform(
        request,
        call=lambda: project_sign_off(
            project=project,
            by=request.user,
            stage=stage,
            expected_state=request.POST.get("expected_state") or None,
        ),
        render=page,
        redirect_to=project.get_absolute_url(),
        done=lambda signoff: (
            _("Persetujuan Anda sebagai %(role)s tercatat. Status: %(state)s.")
            % {"role": signoff.get_role_display(), "state": project.get_state_display()}
        ),
    )


@require_POST
@login_required
def approve_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _sign_off(request, pk, SignOff.Stage.PROPOSAL)


@require_POST
@login_required
def approve_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _sign_off(request, pk, SignOff.Stage.REPORT)


# --- Comments, consultations and journal


# On the project page a panel shows this many of its newest entries, with a link to the rest.
PREVIEW_SIZE = 5


def comment_panel_context(project: ChangeProject, user, *, form=None, preview=False) -> dict:
    """What the comment panel shows this user: the comments they may read and, maybe, a form.

    As a preview (on the project page) only the newest comments, and how many more there are.
    """
    roles = workflow.roles(project, user)
    comments = list(comments_visible_to(project, user))
    shown = comments[-PREVIEW_SIZE:] if preview else comments
    return {
        "project": project,
        "comments": shown,
        "more": len(comments) - len(shown),
        "may_comment": Comment.writing_role(roles) is not None,
        "may_restrict": Comment.may_restrict(roles),
        "form": form or CommentForm(),
    }


def consultation_panel_context(
    project: ChangeProject, user, *, form=None, kept=None, preview=False
) -> dict:
    """The control form as this user sees it: counts, sessions, and the forms they may use.

    `kept` is the decision form a coach or mentor had filled in when it was refused. As a
    preview (on the project page) the newest sessions and every one awaiting this user.
    """
    roles = workflow.roles(project, user)
    consultations = consultations_of(project)
    is_participant = Role.PARTICIPANT in roles
    has_consultant = bool(project.coach_id or project.mentor_id)
    stage = Consultation.stage_of(project.state)
    may_record = is_participant and has_consultant and stage is not None
    if may_record and form is None:
        form = ConsultationForm(project=project, initial={"held_on": timezone.localdate()})
    awaiting_me = {
        consultation.pk
        for consultation in consultations
        if consultation.consultant_id == user.pk and not consultation.is_decided
    }
    shown = [
        consultation
        for index, consultation in enumerate(consultations)
        if not preview or index < PREVIEW_SIZE or consultation.pk in awaiting_me
    ]
    return {
        "project": project,
        "consultations": shown,
        "more": len(consultations) - len(shown),
        "counts": consultation_counts(consultations),
        "is_participant": is_participant,
        "has_consultant": has_consultant,
        "stage_label": Consultation.Stage(stage).label if stage else "",
        "may_record": may_record,
        "form": form,
        "awaiting_me": awaiting_me,
        "kept": kept or {},
    }


def journal_panel_context(project: ChangeProject, user, *, form=None) -> dict:
    """The journal for its writer (entries and a form) or for coach and mentor (shared ones)."""
    roles = workflow.roles(project, user)
    is_writer = Role.PARTICIPANT in roles
    is_reader = not is_writer and bool(roles & JournalEntry.READER_ROLES)
    return {
        "project": project,
        "shown": is_writer or is_reader,
        "is_writer": is_writer,
        "is_reader": is_reader,
        "entries": journal_of(project, user),
        "form": (form or JournalEntryForm()) if is_writer else None,
        # One token for every reply form of this rendering: each reply's content differs.
        "reply_form": JournalReplyForm(auto_id=False) if is_reader else None,
    }


@dataclass(frozen=True)
class Panel:
    """A panel of the project page that also stands alone as a page, for plain POST errors."""

    page: str
    partial: str
    anchor: str
    context: Callable[..., dict]

    def render(
        self, request: AuthenticatedRequest, project, *, status: int = 200, **extra
    ) -> HttpResponse:
        context = self.context(project, request.user, **extra)
        template = f"{self.page}#{self.partial}" if request.htmx else self.page
        return render(request, template, context, status=status)

    def answer(self, request, project, *, done="", refused=None, invalid=False, **kept):
        """The panel after an action (the whole page for a plain POST that failed)."""
        if done:
            kept = {}
        return workflow.answer(
            request,
            render=lambda status: self.render(request, project, status=status, **kept),
            redirect_to=f"{project.get_absolute_url()}#{self.anchor}",
            done=done,
            refused=refused,
            invalid=invalid,
        )


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
def comment_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    return COMMENTS.render(request, project)


@require_POST
@login_required
def comment_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, Comment.WRITING_ROLES)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return COMMENTS.answer(request, project, invalid=True, form=form)
    try:
        services.comment_post(project=project, by=request.user, **form.cleaned_data)
    except Refused as refused:
        return COMMENTS.answer(request, project, refused=refused, form=form)
    return COMMENTS.answer(request, project, done=_("Komentar terkirim."))


@require_GET
@login_required
def consultation_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk)
    return CONSULTATIONS.render(request, project)


@require_POST
@login_required
def consultation_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, {Role.PARTICIPANT})
    form = ConsultationForm(request.POST, project=project)
    if not form.is_valid():
        return CONSULTATIONS.answer(request, project, invalid=True, form=form)
    try:
        services.consultation_record(project=project, by=request.user, **form.cleaned_data)
    except Refused as refused:
        return CONSULTATIONS.answer(request, project, refused=refused, form=form)
    done = _("Konsultasi tercatat dan menunggu konfirmasi.")
    return CONSULTATIONS.answer(request, project, done=done)


def _decide_consultation(request, pk: int, consultation_pk: int, name: str, service, done):
    """The coach or mentor a session names confirms or disputes it."""
    project = _get_project_for_user(request, pk, {Role.COACH, Role.MENTOR})
    consultation = get_object_or_404(project.consultations, pk=consultation_pk)
    if not workflow.may_attempt(consultation, request.user, name):
        raise PermissionDenied
    form = TransitionForm(request.POST, model=Consultation, name=name)
    kept = {consultation.pk: form}
    if not form.is_valid():
        return CONSULTATIONS.answer(request, project, refused=Refused(form.problems()), kept=kept)
    try:
        service(consultation=consultation, by=request.user, **form.service_arguments())
    except Refused as refused:
        return CONSULTATIONS.answer(request, project, refused=refused, kept=kept)
    return CONSULTATIONS.answer(request, project, done=done)


@require_POST
@login_required
def consultation_confirm(
    request: AuthenticatedRequest, pk: int, consultation_pk: int
) -> HttpResponse:
    return _decide_consultation(
        request,
        pk,
        consultation_pk,
        "confirm",
        services.consultation_confirm,
        _("Konsultasi dikonfirmasi."),
    )


@require_POST
@login_required
def consultation_dispute(
    request: AuthenticatedRequest, pk: int, consultation_pk: int
) -> HttpResponse:
    return _decide_consultation(
        request,
        pk,
        consultation_pk,
        "dispute",
        services.consultation_dispute,
        _("Konsultasi disanggah; peserta diberi tahu."),
    )


@require_GET
@login_required
def journal_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, JOURNAL_ROLES)
    return JOURNAL.render(request, project)


@require_POST
@login_required
def journal_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, {Role.PARTICIPANT})
    form = JournalEntryForm(request.POST)
    if not form.is_valid():
        return JOURNAL.answer(request, project, invalid=True, form=form)
    try:
        services.journal_write(project=project, by=request.user, **form.cleaned_data)
    except Refused as refused:
        return JOURNAL.answer(request, project, refused=refused, form=form)
    return JOURNAL.answer(request, project, done=_("Catatan refleksi tersimpan."))


@require_POST
@login_required
def journal_reply(request: AuthenticatedRequest, pk: int, entry_pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, JournalEntry.READER_ROLES)
    entry = get_object_or_404(journal_entries_visible_to(project, request.user), pk=entry_pk)
    form = JournalReplyForm(request.POST)
    if not form.is_valid():
        refusal = Refused(" ".join(str(error) for error in form.errors["body"]))
        return JOURNAL.answer(request, project, refused=refusal)
    try:
        services.journal_reply(entry=entry, by=request.user, **form.cleaned_data)
    except Refused as refused:
        return JOURNAL.answer(request, project, refused=refused)
    return JOURNAL.answer(request, project, done=_("Tanggapan terkirim; peserta diberi tahu."))


# --- Seminars and grading ------------------------------------------------------------------


def _get_seminar_for_user(request: AuthenticatedRequest, pk: int) -> Seminar:
    """The seminar if the user examines it or organises its cohort (admin: any), else 404."""
    return get_object_or_404(
        seminars_visible_to(request.user).select_related("cohort").prefetch_related("examiners"),
        pk=pk,
    )


def _get_seminar_for_organiser(request: AuthenticatedRequest, pk: int) -> Seminar:
    """The seminar for the organiser of its cohort: 404 outside its scope, 403 for others."""
    seminar = _get_seminar_for_user(request, pk)
    if not is_organiser_of(seminar.cohort, request.user):
        raise PermissionDenied
    return seminar


def _get_cohort_for_organiser(request: AuthenticatedRequest, pk: int) -> Cohort:
    """A cohort the user organises; the admin gets 403, everyone else 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if is_organiser_of(cohort, request.user):
        return cohort
    if request.user.is_superuser:
        raise PermissionDenied
    raise Http404


def _get_examined_project(
    request: AuthenticatedRequest, pk: int, project_pk: int, kind: str
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
def seminar_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "seminars": seminar_list_for(request.user),
        "cohorts": organised_cohorts(request.user),
    }
    return render(request, "mentoring/seminar_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def seminar_create(request: AuthenticatedRequest, cohort_pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, cohort_pk)
    form = SeminarForm(request.POST or None, cohort=cohort)

    def page(status: int = 200) -> HttpResponse:
        context = {"form": form, "cohort": cohort, "seminar": None}
        return render(request, "mentoring/seminar_form.html", context, status=status)

    if request.method == "GET":
        return page()
    return workflow.perform(
        request,
        form=form,
        call=lambda: seminar_schedule(cohort=cohort, by=request.user, **_seminar_fields(form)),
        render=page,
        redirect_to=lambda seminar: reverse("mentoring:seminar-detail", args=[seminar.pk]),
        done=_("Seminar dijadwalkan; penguji dan peserta diberi tahu."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def seminar_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    seminar = _get_seminar_for_organiser(request, pk)
    form = SeminarForm(request.POST or None, instance=seminar, cohort=seminar.cohort)

    def page(status: int = 200) -> HttpResponse:
        context = {"form": form, "cohort": seminar.cohort, "seminar": seminar}
        return render(request, "mentoring/seminar_form.html", context, status=status)

    if request.method == "GET":
        return page()
    return workflow.perform(
        request,
        form=form,
        call=lambda: update_seminar(
            seminar=seminar, by=request.user, **_seminar_fields(form, with_kind=False)
        ),
        render=page,
        redirect_to=reverse("mentoring:seminar-detail", args=[seminar.pk]),
        done=_("Perubahan seminar tersimpan."),
    )


def _seminar_fields(form: SeminarForm, *, with_kind: bool = True) -> dict:
    names = ["starts_at", "place", "online_link", "examiners", "projects"]
    if with_kind:
        names = ["kind", *names, "form_token"]
    return {name: form.cleaned_data[name] for name in names}


@require_GET
@login_required
def seminar_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    seminar = _get_seminar_for_user(request, pk)
    rubric = rubric_for(seminar) if seminar.kind == Seminar.Kind.RESULTS else None
    context = {
        "seminar": seminar,
        "rows": seminar_rows(seminar, request.user, rubric),
        "is_organiser": is_organiser_of(seminar.cohort, request.user),
        "rubric": rubric,
    }
    context["may_record_attendance"] = context["is_organiser"] or examines(seminar, request.user)
    return render(request, "mentoring/seminar_detail.html", context)


def _examiner_action(request, template: str, context, *, seminar: Seminar, form, call, done):
    """An examiner's page on one project: HTMX swaps its action fragment, a plain POST that
    succeeded goes back to the seminar. `context()` is read after the service ran."""

    def page(status: int = 200) -> HttpResponse:
        name = f"{template}#action" if request.htmx else template
        return render(request, name, context(), status=status)

    if request.method == "GET":
        return page()
    return workflow.perform(
        request,
        form=form,
        call=call,
        render=page,
        redirect_to=reverse("mentoring:seminar-detail", args=[seminar.pk]),
        done=done,
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_proposal_result(request: AuthenticatedRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_examined_project(request, pk, project_pk, Seminar.Kind.PROPOSAL)
    form = ProposalResultForm(request.POST or None, initial={"expected_state": project.state})

    def record():
        try:
            return seminar_record_proposal_result(
                seminar=seminar,
                project=project,
                by=request.user,
                notes=form.cleaned_data["notes"],
                expected_state=form.cleaned_data["expected_state"],
            )
        finally:
            project.refresh_from_db()

    def context() -> dict:
        summary = score_summaries(seminar, [project])[project.pk]
        return {
            "seminar": seminar,
            "project": project,
            "form": form,
            "summary": summary,
            "waiting": project.state == ChangeProject.State.PROPOSAL_SEMINAR,
            "results": seminar.proposal_results.filter(project=project).select_related("examiner"),
            "refusal": scoring_refusal(seminar, project)
            or ("" if summary.complete else incomplete_message(summary)),
        }

    return _examiner_action(
        request,
        "mentoring/proposalseminarresult_form.html",
        context,
        seminar=seminar,
        form=form,
        call=record,
        done=lambda result: (
            _("Hasil seminar rancangan tercatat: %(decision)s. Status proyek sekarang: %(state)s.")
            % {"decision": result.get_decision_display(), "state": project.get_state_display()}
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def score_project(request: AuthenticatedRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar = _get_seminar_for_user(request, pk)
    seminar, project = _get_examined_project(request, pk, project_pk, seminar.kind)
    proposal = seminar.kind == Seminar.Kind.PROPOSAL
    rubric = rubric_for(seminar)
    criteria = list(rubric.criteria.all()) if rubric else []
    summary = score_summaries(seminar, [project], rubric)[project.pk]
    mine = next((s for s in summary.sheets if s.examiner.pk == request.user.pk), None)
    own = mine.scores if mine else {}
    initial: dict = {ScoreForm.field_name(c): own[c.pk] for c in criteria if c.pk in own}
    if proposal and mine is not None:
        initial.update(
            decision=mine.decision or None,
            revisions="\n".join(item.text for item in mine.revisions),
        )
    form_class = ProposalScoreForm if proposal else ScoreForm
    form = form_class(request.POST or None, criteria=criteria, initial=initial)

    def context() -> dict:
        summary = score_summaries(seminar, [project], rubric)[project.pk]
        return {
            "seminar": seminar,
            "project": project,
            "form": form,
            "rubric": rubric,
            "summary": summary,
            "proposal": proposal,
            "commitment": None if proposal else revision_commitment(project),
            "refusal": scoring_refusal(seminar, project)
            or ("" if criteria else incomplete_message(summary)),
        }

    def save():
        extra = {}
        if isinstance(form, ProposalScoreForm):
            extra = {
                "decision": form.cleaned_data["decision"],
                "revisions": form.revision_lines(),
            }
        return seminar_record_scores(
            seminar=seminar, project=project, by=request.user, scores=form.scores, **extra
        )

    return _examiner_action(
        request,
        "mentoring/rubricscore_form.html",
        context,
        seminar=seminar,
        form=form,
        call=save,
        done=_("Nilai Anda untuk “%(title)s” tersimpan.") % {"title": project.title},
    )


@require_http_methods(["GET", "POST"])
@login_required
def revision_check(request: AuthenticatedRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_examined_project(request, pk, project_pk, Seminar.Kind.RESULTS)
    commitment = revision_commitment(project)
    form = RevisionCheckForm(request.POST or None, items=commitment.items)

    def context() -> dict:
        return {
            "seminar": seminar,
            "project": project,
            "form": form,
            "commitment": revision_commitment(project),
            "refusal": scoring_refusal(seminar, project)
            or (
                ""
                if commitment.items
                else _("Proyek ini tidak punya komitmen perbaikan untuk diperiksa.")
            ),
        }

    return _examiner_action(
        request,
        "mentoring/revisionitem_check.html",
        context,
        seminar=seminar,
        form=form,
        call=lambda: services.revision_check(
            seminar=seminar, project=project, by=request.user, results=form.results
        ),
        done=_("Pemeriksaan komitmen perbaikan tersimpan."),
    )


@require_POST
@login_required
def revision_commit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = _get_project_for_user(request, pk, allowed={Role.PARTICIPANT})

    def page(status: int) -> HttpResponse:
        project.refresh_from_db()
        return project_page(request, project, status=status)

    return workflow.perform(
        request,
        call=lambda: services.revision_commit(project=project, by=request.user),
        render=page,
        redirect_to=f"{project.get_absolute_url()}#revision-commitment",
        done=_("Komitmen perbaikan Anda tercatat."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def grade_project(request: AuthenticatedRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar, project = _get_examined_project(request, pk, project_pk, Seminar.Kind.RESULTS)
    form = GradeForm(request.POST or None, initial={"expected_state": project.state})

    def grade():
        try:
            return seminar_grade(
                seminar=seminar,
                project=project,
                by=request.user,
                fail=form.cleaned_data["fail"],
                comment=form.cleaned_data["comment"],
                expected_state=form.cleaned_data["expected_state"],
            )
        finally:
            project.refresh_from_db()

    def context() -> dict:
        summary = score_summaries(seminar, [project])[project.pk]
        commitment = revision_commitment(project)
        return {
            "seminar": seminar,
            "project": project,
            "form": form,
            "summary": summary,
            "commitment": commitment,
            "grade": seminar.grades.filter(project=project).select_related("decided_by").first(),
            "refusal": scoring_refusal(seminar, project)
            or ("" if summary.complete else incomplete_message(summary))
            or commitment.check_refusal,
        }

    return _examiner_action(
        request,
        "mentoring/seminargrade_form.html",
        context,
        seminar=seminar,
        form=form,
        call=grade,
        done=lambda graded: (
            _("Hasil ditetapkan: %(outcome)s, nilai %(score)s (%(predikat)s).")
            % {
                "outcome": graded.get_outcome_display(),
                "score": plain_number(graded.score),
                "predikat": graded.predikat,
            }
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def examiner_assignment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    seminar = _get_seminar_for_organiser(request, pk)
    form = ExaminerAssignmentForm(
        request.POST if request.method == "POST" else None,
        seminar=seminar,
        organiser=request.user,
    )

    def page(status: int = 200, fresh: bool = False) -> HttpResponse:
        shown = _get_seminar_for_organiser(request, pk) if fresh else seminar
        context = {
            "seminar": shown,
            "form": ExaminerAssignmentForm(seminar=shown, organiser=request.user)
            if fresh
            else form,
        }
        template = "mentoring/seminar_examiners.html"
        if request.htmx:
            template += "#examiner-panel"
        return render(request, template, context, status=status)

    if request.method == "GET":
        return page()
    if not form.is_valid():
        return workflow.answer(request, render=page, invalid=True)
    try:
        added = seminar_add_examiners(
            seminar=seminar,
            by=request.user,
            examiners=form.cleaned_data["pool"],
            typed=form.cleaned_data["people"],
        )
    except Refused as refused:
        return workflow.answer(request, render=page, refused=refused)
    done = _("%(count)d penguji ditambahkan dan diberi tahu: %(names)s.") % {
        "count": len(added),
        "names": ", ".join(str(person) for person in added),
    }
    return workflow.answer(
        request,
        render=lambda status: page(status, fresh=True),
        redirect_to=reverse("mentoring:seminar-detail", args=[seminar.pk]),
        done=done,
    )


@require_http_methods(["GET", "POST"])
@login_required
def seminar_attendance(request: AuthenticatedRequest, pk: int, project_pk: int) -> HttpResponse:
    seminar = _get_seminar_for_user(request, pk)
    project = get_object_or_404(
        seminar.projects.select_related("participant", "coach", "mentor", "cohort"), pk=project_pk
    )
    if not (examines(seminar, request.user) or is_organiser_of(seminar.cohort, request.user)):
        raise PermissionDenied
    expected = attendance_expected(seminar, project)
    recorded = attendance_recorded(seminar, project)
    initial = [f"{role}:{person_pk}" for (person_pk, role), present in recorded.items() if present]
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        expected=expected,
        initial={"present": initial},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.seminar_record_attendance(
                    seminar=seminar, project=project, by=request.user, present=form.present_pairs()
                )
            except Refused as refused:
                form.add_error(None, refused.message)
                status = refused.status
            else:
                messages.success(request, _("Kehadiran tersimpan."))
                return redirect("mentoring:seminar-detail", seminar.pk)
    context = {"seminar": seminar, "project": project, "form": form, "recorded": bool(recorded)}
    return render(request, "mentoring/seminarattendance_form.html", context, status=status)


# --- the seminar calendar: a page, an .ics download and a secret subscription feed -------------


def _calendar_name(user) -> str:
    return str(_("Seminar Jejak · %(name)s") % {"name": user.get_full_name()})


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    return _calendar_page(request)


def _calendar_page(request: AuthenticatedRequest, *, new_token: str = "") -> HttpResponse:
    """The person's calendar page; right after a feed was made, with its URL (shown once)."""
    context = {
        "seminars": list(calendar_seminars(request.user)),
        "feed": CalendarFeed.objects.filter(user=request.user).first(),
        "feed_url": (
            settings.SITE_URL + reverse("mentoring:calendar-feed", args=[new_token])
            if new_token
            else ""
        ),
    }
    return render(request, "mentoring/calendar.html", context)


@never_cache
@require_GET
@login_required
def calendar_ics(request: AuthenticatedRequest) -> HttpResponse:
    text = calendar_text(calendar_seminars(request.user), name=_calendar_name(request.user))
    return _ics_response(text, "seminar-jejak.ics")


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed_for(token)
    if feed is None:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=timezone.now())
    text = calendar_text(calendar_seminars(feed.user), name=_calendar_name(feed.user))
    response = _ics_response(text, "seminar-jejak.ics")
    response["X-Robots-Tag"] = "noindex"
    return response


# The secret is on this answer only: no cache keeps a copy.
@never_cache
@require_POST
@login_required
def calendar_feed_create(request: AuthenticatedRequest) -> HttpResponse:
    _feed, plain = services.calendar_feed_create(user=request.user)
    messages.success(
        request,
        _("Tautan langganan baru dibuat. Tautan lama, bila ada, tidak berlaku lagi."),
    )
    # Answered with the page, not a redirect: the URL is shown here once and never again.
    return _calendar_page(request, new_token=plain)


@require_POST
@login_required
def calendar_feed_revoke(request: AuthenticatedRequest) -> HttpResponse:
    if services.calendar_feed_revoke(user=request.user):
        messages.success(
            request, _("Tautan langganan dicabut; kalender yang memakainya berhenti diperbarui.")
        )
    return redirect("mentoring:calendar")
