from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from milestones.models import (
    ChangeRequest,
    Evidence,
    IndicatorMeasurement,
    Milestone,
    MilestoneLog,
    MilestoneRating,
    Reminder,
    lock_project,
)
from tracker import summary
from tracker.admin import (
    FixedOnceWrittenMixin,
    OrganiserScopedAdmin,
    RecordedDeletionMixin,
    SuperuserOnlyAdmin,
    plan_is_open,
)
from tracker.models import ChangeProject


class ProjectScopedAdmin(OrganiserScopedAdmin):
    cohort_lookup = "project__cohort__organisers"


EVIDENCE_FIELDS = ("kind", "caption", "original_name", "url", "size", "uploaded_by", "uploaded_at")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = EVIDENCE_FIELDS
    readonly_fields = EVIDENCE_FIELDS
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Files come in only through the checked upload, never through the admin.
        return False


# The plan the proposal seminar approved: after the draft, a due date moves only by a change
# request the mentor approves, never by editing here.
PLAN_FIELDS = (
    "project",
    "term",
    "activity",
    "implementer",
    "start_date",
    "due_date",
    "expected_output",
    "order",
)


class MilestoneAdminForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        project = cleaned.get("project") or getattr(self.instance, "project", None)
        changed = [name for name in PLAN_FIELDS if name in self.changed_data]
        if project is not None and changed and not plan_is_open(project):
            raise forms.ValidationError(
                _(
                    "Rencana tonggak proyek ini sudah diajukan: tanggal dan kegiatannya diubah "
                    "lewat permintaan perubahan yang disetujui mentor. Tidak ada yang disimpan."
                )
            )
        return cleaned


@admin.register(Milestone)
class MilestoneAdmin(ProjectScopedAdmin):
    form = MilestoneAdminForm
    list_display = ["activity", "project", "term", "due_date", "state"]
    list_filter = ["term", "state"]
    search_fields = ["activity", "project__title", "project__participant__full_name"]
    autocomplete_fields = ["project"]
    # The state moves only through the workflow services.
    readonly_fields = ["state", "created_at", "updated_at"]
    inlines = [EvidenceInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = list(super().get_readonly_fields(request, obj))
        if obj is not None and not plan_is_open(obj.project):
            return [*PLAN_FIELDS, *fixed]
        return fixed

    # The admin's views run in a transaction: the projects' summaries change with the plan,
    # under their row locks, like the plan services do it.
    def save_model(self, request: HttpRequest, obj: Milestone, form, change: bool) -> None:
        moved_from = form.initial.get("project") if change else None
        projects = sorted({obj.project_id, *([moved_from] if moved_from else [])})
        for project_id in projects:
            lock_project(project_id)
        super().save_model(request, obj, form, change)
        for project_id in projects:
            summary.refresh(project_id)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # The evidence inline is saved after the milestone: its activity moves with it.
        super().save_related(request, form, formsets, change)
        summary.refresh(form.instance.project_id)

    def delete_model(self, request: HttpRequest, obj: Milestone) -> None:
        lock_project(obj.project_id)
        super().delete_model(request, obj)
        summary.refresh(obj.project_id)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        projects = sorted(set(queryset.values_list("project_id", flat=True)))
        for project_id in projects:
            lock_project(project_id)
        super().delete_queryset(request, queryset)
        summary.refresh_many(ChangeProject.objects.filter(pk__in=projects))


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ProjectScopedAdmin):
    list_display = ["project", "kind", "title", "new_due_date", "state", "requested_at"]
    list_filter = ["kind", "state"]
    search_fields = ["project__title", "activity", "milestone__activity"]
    readonly_fields = [field.name for field in ChangeRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(MilestoneLog)
class MilestoneLogAdmin(ProjectScopedAdmin):
    list_display = ["created_at", "project", "milestone", "action", "actor", "role", "to_state"]
    list_filter = ["action", "role"]
    readonly_fields = [field.name for field in MilestoneLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MilestoneRating)
class MilestoneRatingAdmin(FixedOnceWrittenMixin, RecordedDeletionMixin, OrganiserScopedAdmin):
    cohort_lookup = "milestone__project__cohort__organisers"
    # The examiner's judgement, which the grade rests on.
    fixed_fields = ("milestone", "examiner", "seminar", "rating", "note")
    list_display = ["milestone", "examiner", "rating", "rated_at"]
    list_filter = ["rating"]
    list_select_related = ["milestone", "examiner"]
    readonly_fields = ["rated_at"]


@admin.register(IndicatorMeasurement)
class IndicatorMeasurementAdmin(FixedOnceWrittenMixin, RecordedDeletionMixin, OrganiserScopedAdmin):
    cohort_lookup = "indicator__project__cohort__organisers"
    # What was measured, when, with which evidence and by whom: the impact reports read it.
    fixed_fields = ("indicator", "value", "measured_on", "evidence", "recorded_by")
    # Evidence has no admin of its own: an organiser may pick that of their cohorts' projects.
    choice_lookups = {"evidence": "milestone__project__cohort__organisers"}
    list_display = ["indicator", "value", "measured_on", "recorded_by"]
    list_select_related = ["indicator", "recorded_by"]
    readonly_fields = ["recorded_at"]


@admin.register(Reminder)
class ReminderAdmin(SuperuserOnlyAdmin):
    list_display = ["sent_on", "recipient", "kind", "items", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["recipient", "kind", "sent_on", "items", "sent_at"]
