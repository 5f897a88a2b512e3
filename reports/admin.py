from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reports.models import GeneratedDocument, ReportJob
from tracker.admin import SuperuserOnlyAdmin


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(SuperuserOnlyAdmin):
    """Issued documents are records: the operator looks them up, nobody edits them."""

    list_display = ["code", "kind", "title", "subject", "generated_at", "generated_by"]
    list_filter = ["kind"]
    search_fields = ["code", "title", "subject"]
    date_hierarchy = "generated_at"
    list_select_related = ["generated_by"]
    readonly_fields = [field.name for field in GeneratedDocument._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(ReportJob)
class ReportJobAdmin(SuperuserOnlyAdmin):
    """Report requests, for the operator: who asked for what, how it went, and why it failed."""

    list_display = ["pk", "kind", "title", "requested_by", "status", "failure", "created_at"]
    list_filter = ["kind", "status", "failure"]
    search_fields = ["title", "requested_by__full_name", "requested_by__username"]
    date_hierarchy = "created_at"
    list_select_related = ["requested_by"]
    readonly_fields = [field.name for field in ReportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
