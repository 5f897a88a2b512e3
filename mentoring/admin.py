from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    Comment,
    Consultation,
    ConsultationLog,
    GradeBand,
    JournalEntry,
    JournalReply,
    Question,
    Questionnaire,
    Rubric,
    RubricCriterion,
    SignOff,
    SurveyAnswer,
    SurveyExcusal,
    SurveyResponse,
    SurveyRound,
    SurveySchedule,
)
from mentoring.selectors import owns_rubric, questionnaires_visible_to, rubrics_visible_to
from tracker.admin import (
    FixedOnceWrittenMixin,
    OrganiserScopedAdmin,
    OwnHistoryMixin,
    ReadOnlyAdmin,
    RecordedDeletionMixin,
    ScopedChoicesMixin,
    SuperuserOnlyAdmin,
    institution_field,
)
from tracker.http import admin_user
from tracker.selectors import institutions_organised_by

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class ReplyTotal(TypedDict):
    reply_total: int


@admin.register(Comment)
class CommentAdmin(FixedOnceWrittenMixin, RecordedDeletionMixin, OrganiserScopedAdmin):
    cohort_lookup = "project__cohort__organisers"
    # Someone's words, to the readers they chose: an organiser deletes (with a record), never
    # rewrites, reassigns or shows them to others.
    fixed_fields = ("project", "author", "author_role", "body", "visibility")
    list_display = ["created_at", "project", "author", "author_role", "visibility", "excerpt"]
    list_filter = [
        "visibility",
        "author_role",
        ("project__cohort", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["body", "project__title", "author__full_name"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]
    date_hierarchy = "created_at"

    @admin.display(description=_("komentar"))
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80)


@admin.register(Consultation)
class ConsultationAdmin(FixedOnceWrittenMixin, RecordedDeletionMixin, OrganiserScopedAdmin):
    cohort_lookup = "project__cohort__organisers"
    # Whose session it was and who confirms it: the control form's evidence.
    fixed_fields = ("project", "recorded_by", "consultant", "consultant_role", "held_on")
    list_display = [
        "held_on",
        "project",
        "recorded_by",
        "consultant",
        "consultant_role",
        "mode",
        "stage",
        "status",
        "topic",
    ]
    list_filter = [
        "status",
        "stage",
        "mode",
        "consultant_role",
        ("project__cohort", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "topic",
        "outcome",
        "project__title",
        "recorded_by__full_name",
        "consultant__full_name",
    ]
    list_select_related = ["project", "recorded_by", "consultant"]
    autocomplete_fields = ["project", "recorded_by", "consultant"]
    date_hierarchy = "held_on"
    # Sessions are the participant's record and confirmation is the named coach's or mentor's
    # act, both in the app: the admin reads and corrects, it does not add or decide.
    readonly_fields = ["stage", "status", "decided_at", "dispute_reason", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ConsultationLog)
class ConsultationLogAdmin(ReadOnlyAdmin):
    """Each step of a session on the control form, as the workflow wrote it."""

    list_display = ["created_at", "project", "consultation", "action", "actor", "role", "to_state"]
    list_filter = ["action", "role"]
    list_select_related = ["project", "consultation", "actor"]
    date_hierarchy = "created_at"


class JournalReplyInline(ScopedChoicesMixin, admin.StackedInline):
    model = JournalReply
    extra = 0
    autocomplete_fields = ["author"]
    # A reply is deleted from its own page, which asks why and keeps a record.
    can_delete = False
    show_change_link = True


@admin.register(JournalEntry)
class JournalEntryAdmin(RecordedDeletionMixin, SuperuserOnlyAdmin):
    """Reflections for superusers only: organisers with staff access must not read them here."""

    list_display = ["created_at", "project", "author", "sharing", "reply_count", "excerpt"]
    list_filter = ["sharing", "project__cohort"]
    search_fields = ["project__title", "author__full_name", "happened", "learned"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]
    date_hierarchy = "created_at"
    inlines = [JournalReplyInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(reply_total=Count("replies"))

    @admin.display(description=_("tanggapan"), ordering="reply_total")
    def reply_count(self, entry: WithAnnotations[JournalEntry, ReplyTotal]) -> int:
        return entry.reply_total

    @admin.display(description=_("apa yang terjadi"))
    def excerpt(self, entry: JournalEntry) -> str:
        return Truncator(entry.happened).chars(80)


@admin.register(JournalReply)
class JournalReplyAdmin(RecordedDeletionMixin, SuperuserOnlyAdmin):
    list_display = ["created_at", "entry", "author", "author_role"]
    search_fields = ["body", "author__full_name"]
    list_select_related = ["entry__author", "author"]
    autocomplete_fields = ["entry", "author"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "project", "stage", "role", "signer"]
    list_filter = ["stage", "role"]
    search_fields = ["project__title", "signer__full_name"]
    list_select_related = ["project", "signer"]


class CriterionFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        error = self.instance.weights_error(weights)
        if error:
            raise ValidationError(error)


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    formset = CriterionFormSet
    extra = 0


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


class RubricAdminForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A shared rubric an organiser edits becomes their institution's own copy: offer theirs.
        field = self.fields.get("institution")
        shown = self.initial.get("institution")
        # Read back, a field's choices are (value, label) pairs.
        if isinstance(field, forms.ChoiceField) and shown not in dict(
            cast("list[tuple[Any, Any]]", field.choices)
        ):
            self.initial["institution"] = field.initial


@admin.register(Rubric)
class RubricAdmin(OwnHistoryMixin, admin.ModelAdmin):
    """Rubrics are data: criteria with weights, and the bands that give predikat.

    The operator keeps the shared rubrics; an organiser keeps their institution's own, and
    saving a shared one makes their institution's copy. A rubric someone has scored against is
    never changed: saving it makes a new version, which later seminars use.
    """

    form = RubricAdminForm
    list_display = [
        "name",
        "programme",
        "kind",
        "regulation",
        "owner",
        "version",
        "is_default",
        "same_as",
    ]
    list_filter = ["programme", "kind", "is_default"]
    search_fields = ["name", "regulation", "institution"]
    readonly_fields = ["version", "previous_version"]
    inlines = [RubricCriterionInline, GradeBandInline]

    @admin.display(description=_("pemilik"), ordering="institution")
    def owner(self, rubric: Rubric) -> StrOrPromise:
        return rubric.institution or _("Bersama (admin sistem)")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request) & rubrics_visible_to(admin_user(request))

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "institution" and not request.user.is_superuser:
            return institution_field(db_field, request)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and (
            request.user.is_superuser or bool(institutions_organised_by(admin_user(request)))
        )

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or owns_rubric(obj, admin_user(request)))

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        if object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            rubric = self.get_object(request, unquote(object_id))
            if rubric is not None:
                # Locked, like scoring locks it: no score can arrive between check and save.
                rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
                if not owns_rubric(rubric, admin_user(request)) or rubric.is_in_use():
                    self._save_as_new_version(request, rubric)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _save_as_new_version(self, request: HttpRequest, rubric: Rubric) -> None:
        if request.method != "POST":
            self.message_user(request, self._new_version_notice(request, rubric), messages.WARNING)
            return
        if not self.has_change_permission(request, rubric):
            raise PermissionDenied
        # Django's "save as new" copies the form and every inline row into a new rubric.
        post = request.POST.copy()
        post["_saveasnew"] = "1"
        # The stubs call request.POST immutable; replacing it is how the admin is told.
        request.POST = post  # type: ignore[assignment]
        # Read back in save_model, which Django calls with the same request.
        request.replaced_rubric = rubric  # type: ignore[attr-defined]

    def _new_version_notice(self, request: HttpRequest, rubric: Rubric) -> StrOrPromise:
        if rubric.is_in_use():
            return _(
                "Rubrik ini sudah dipakai untuk menilai. Perubahan yang Anda simpan menjadi versi "
                "baru untuk seminar berikutnya; nilai yang sudah diberikan tetap memakai versi ini."
            )
        return _(
            "Rubrik ini rubrik bersama. Perubahan yang Anda simpan menjadi rubrik milik lembaga "
            "Anda, dipakai untuk angkatan lembaga Anda; rubrik bersama tidak berubah."
        )

    def save_model(self, request: HttpRequest, obj: Rubric, form, change: bool) -> None:
        replaced = getattr(request, "replaced_rubric", None)
        if replaced is not None:
            obj.previous_version = replaced
            obj.version = replaced.version + 1
        super().save_model(request, obj, form, change)


@admin.register(SurveySchedule)
class SurveyScheduleAdmin(SuperuserOnlyAdmin):
    """When each programme's post-training rounds fall: shared by every institution, so only the
    operator sets it (months after closing, the answering period, the reminder days)."""

    list_display = ["programme", "offsets_months", "window_days", "remind_days_before"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# --- Impact evaluation: read in the admin, written on its pages ---------------------------------
# Questionnaires are edited on their page (an answered version is frozen and saved as a new
# one), rounds move through the organiser's round actions and answers are the respondents' own:
# here they are only read, and an organiser reads only their institutions' and cohorts' rows.


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent, as text: no form field, so no picker offers anything."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        # Whoever reads the parent reads its rows, without a permission of their own.
        return self.admin_site.get_model_admin(self.parent_model).has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = readonly_fields = ("order", "kind", "topic", "text", "required")


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdmin):
    """The shared default questionnaires and the organiser's institutions' own versions."""

    list_display = ["name", "version", "programme", "audience", "institution", "is_default"]
    list_filter = ["programme", "audience", "is_default"]
    search_fields = ["name", "institution"]
    inlines = [QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return questionnaires_visible_to(admin_user(request))


class SurveyExcusalInline(ReadOnlyInline):
    model = SurveyExcusal
    fields = readonly_fields = ("role", "reason", "excused_by", "created_at")


class SurveyResponseInline(ReadOnlyInline):
    model = SurveyResponse
    fields = readonly_fields = ("role", "respondent", "state", "submitted_at", "is_late")
    show_change_link = True


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "months_after", "opens_on", "due_on", "is_final"]
    list_filter = ["is_final", "project__cohort__programme"]
    search_fields = ["project__title", "project__participant__full_name"]
    list_select_related = ["project"]
    date_hierarchy = "opens_on"
    inlines = [SurveyResponseInline, SurveyExcusalInline]


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer
    fields = readonly_fields = ("question", "value", "follow_up")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    cohort_lookup = "round__project__cohort__organisers"
    list_display = ["round", "role", "respondent", "state", "submitted_at", "is_late"]
    list_filter = ["state", "role", "is_late"]
    search_fields = ["round__project__title", "respondent__full_name"]
    list_select_related = ["round__project", "respondent"]
    inlines = [SurveyAnswerInline]
