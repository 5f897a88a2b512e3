from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    Comment,
    Consultation,
    GradeBand,
    JournalEntry,
    JournalReply,
    Rubric,
    RubricCriterion,
    SignOff,
)
from tracker.admin import (
    OrganiserScopedAdmin,
    ReadOnlyAdmin,
    ScopedChoicesMixin,
    SuperuserOnlyAdmin,
)


@admin.register(Comment)
class CommentAdmin(OrganiserScopedAdmin):
    cohort_lookup = "project__cohort__organisers"
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
class ConsultationAdmin(OrganiserScopedAdmin):
    cohort_lookup = "project__cohort__organisers"
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


class JournalReplyInline(ScopedChoicesMixin, admin.StackedInline):
    model = JournalReply
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(JournalEntry)
class JournalEntryAdmin(SuperuserOnlyAdmin):
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
    def reply_count(self, entry: JournalEntry) -> int:
        return entry.reply_total

    @admin.display(description=_("apa yang terjadi"))
    def excerpt(self, entry: JournalEntry) -> str:
        return Truncator(entry.happened).chars(80)


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "project", "stage", "role", "signer"]
    list_filter = ["stage", "role"]
    search_fields = ["project__title", "signer__full_name"]
    list_select_related = ["project", "signer"]


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0


class GradeBandInline(admin.TabularInline):
    model = GradeBand
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    """Organisers keep rubrics as data: criteria with weights, and the bands that give predikat."""

    list_display = ["name", "programme", "regulation", "is_default"]
    list_filter = ["programme", "is_default"]
    search_fields = ["name", "regulation"]
    inlines = [RubricCriterionInline, GradeBandInline]
