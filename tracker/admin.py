from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tracker.models import (
    Agency,
    AgencyHead,
    ChangeProject,
    Cohort,
    EmailDelivery,
    ImpactIndicator,
    Notification,
    Seminar,
    TransitionLog,
    User,
)
from tracker.notifications import email_requeue


class OrganiserScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see only the objects of cohorts they organise."""

    cohort_lookup = "cohort__organisers"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.cohort_lookup: request.user}).distinct()


class AgencyHeadInline(admin.TabularInline):
    model = AgencyHead
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code", "region"]
    autocomplete_fields = ["parent"]
    inlines = [AgencyHeadInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "nip", "position", "agency", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "agency"]
    search_fields = ["username", "full_name", "nip", "email"]
    ordering = ["full_name"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Data pegawai"),
            {"fields": ("full_name", "nip", "position", "agency", "email", "language")},
        ),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "nip", "agency", "password1", "password2"),
            },
        ),
    )


@admin.register(Cohort)
class CohortAdmin(OrganiserScopedAdmin):
    cohort_lookup = "organisers"
    list_display = [
        "__str__",
        "programme",
        "year",
        "institution",
        "learning_starts_on",
        "closes_on",
    ]
    list_filter = ["programme", "year"]
    search_fields = ["number", "institution"]
    filter_horizontal = ["organisers"]
    date_hierarchy = "learning_starts_on"


class ImpactIndicatorInline(admin.TabularInline):
    model = ImpactIndicator
    extra = 0


@admin.register(ChangeProject)
class ChangeProjectAdmin(OrganiserScopedAdmin):
    list_display = ["title", "participant", "cohort", "agency", "coach", "mentor", "state"]
    list_filter = ["state", "cohort__programme", "cohort"]
    search_fields = ["title", "participant__full_name", "participant__nip"]
    list_select_related = ["participant", "cohort", "agency", "coach", "mentor"]
    autocomplete_fields = ["participant", "agency", "coach", "mentor"]
    # The state moves only through the workflow's transitions, never by editing.
    readonly_fields = ["state", "created_at", "updated_at"]
    inlines = [ImpactIndicatorInline]


@admin.register(Seminar)
class SeminarAdmin(OrganiserScopedAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "kind", "starts_at", "place"]
    list_filter = ["kind", "cohort"]
    search_fields = ["place", "cohort__number"]
    filter_horizontal = ["examiners", "projects"]
    date_hierarchy = "starts_at"


@admin.register(AgencyHead)
class AgencyHeadAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "is_delegate"]
    list_filter = ["is_delegate"]
    search_fields = ["user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]


@admin.register(ImpactIndicator)
class ImpactIndicatorAdmin(OrganiserScopedAdmin):
    cohort_lookup = "project__cohort__organisers"
    list_display = ["name", "project", "unit", "baseline", "target"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the workflow: visible in the admin, never edited there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "project",
        "transition",
        "from_state",
        "to_state",
        "actor",
        "role",
    ]
    list_filter = ["transition", "role", "to_state"]
    search_fields = ["project__title", "actor__full_name", "comment"]
    list_select_related = ["project", "actor"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "message", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["recipient__full_name", "message"]
    list_select_related = ["recipient"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(OrganiserScopedAdmin, ReadOnlyAdmin):
    """How each email fared with the mail server; an organiser sees those of their cohorts.

    The bodies stay out: they may quote comments meant for reviewers only.
    """

    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
    ]
    # Only the cohorts of the rows shown: another institution's cohort names stay out.
    list_filter = ["status", ("cohort", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["to", "subject", "last_error"]
    date_hierarchy = "created_at"
    fields = [
        "to",
        "subject",
        "cohort",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["send_again"]

    @admin.action(description=_("Kirim ulang email yang gagal"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = sum(
            email_requeue(delivery)
            for delivery in queryset.filter(status=EmailDelivery.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d email diantrekan untuk dikirim ulang.",
                "%(count)d email diantrekan untuk dikirim ulang.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
