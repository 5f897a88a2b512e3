"""API tokens and webhooks in the admin: listed and revoked, never their secrets.

Tokens are made on their pages (the secret is shown once, there) and webhooks registered on the
cohort's page; here the operator and each cohort's organisers see them and switch them off. An
organiser sees their own tokens and those of the cohorts they organise, never an institution's.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services
from api.models import ApiToken, Webhook
from tracker.admin import ReadOnlyAdmin
from tracker.http import admin_user
from tracker.workflow import Refused


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    # The digest stays out of every page: it is all a stolen database would need to check a
    # guessed token offline.
    fields = [
        "name",
        "prefix",
        "kind",
        "user",
        "cohort",
        "institution",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_display = [
        "name",
        "prefix",
        "kind",
        "user",
        "cohort",
        "scope",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["kind", "scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__full_name", "user__username"]
    list_select_related = ["user", "cohort"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = admin.ModelAdmin.get_queryset(self, request)
        user = admin_user(request)
        if user.is_superuser:
            return queryset
        return queryset.filter(
            Q(kind=ApiToken.Kind.COHORT, cohort__organisers=user)
            | Q(kind=ApiToken.Kind.PERSONAL, user=user)
        ).distinct()

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    @admin.action(description=_("Cabut token yang dipilih"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = refused = 0
        for token in queryset.select_related("cohort"):
            try:
                revoked += services.token_revoke(token=token, by=admin_user(request))
            except Refused:
                refused += 1
        self.message_user(
            request,
            ngettext("%(count)d token dicabut.", "%(count)d token dicabut.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d token tidak dapat Anda cabut.",
                    "%(count)d token tidak dapat Anda cabut.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    cohort_lookup = "cohort__organisers"
    # The shared secret stays on no page: whoever reads it could sign a forged delivery.
    fields = ["cohort", "url", "events", "is_active", "created_by", "created_at"]
    list_display = ["url", "cohort", "events", "is_active", "created_by", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "cohort__number", "cohort__institution"]
    list_select_related = ["cohort", "created_by"]
    actions = ["deactivate", "activate"]

    def has_switch_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def _switch(self, request: HttpRequest, queryset: QuerySet[Webhook], active: bool) -> int:
        switched = refused = 0
        for webhook in queryset.select_related("cohort"):
            try:
                switched += services.webhook_set_active(
                    webhook=webhook, by=admin_user(request), active=active
                )
            except Refused:
                refused += 1
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d webhook bukan dari angkatan yang Anda selenggarakan.",
                    "%(count)d webhook bukan dari angkatan yang Anda selenggarakan.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
        return switched

    @admin.action(description=_("Nonaktifkan webhook yang dipilih"), permissions=["switch"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        count = self._switch(request, queryset, active=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d webhook dinonaktifkan; tidak ada kiriman baru ke sana.",
                "%(count)d webhook dinonaktifkan; tidak ada kiriman baru ke sana.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Aktifkan kembali webhook yang dipilih"), permissions=["switch"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        count = self._switch(request, queryset, active=True)
        self.message_user(
            request,
            ngettext(
                "%(count)d webhook diaktifkan kembali.",
                "%(count)d webhook diaktifkan kembali.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
