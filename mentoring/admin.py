from __future__ import annotations

from django.contrib import admin

from mentoring.models import SignOff
from tracker.admin import ReadOnlyAdmin


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["signed_at", "project", "stage", "role", "signer"]
    list_filter = ["stage", "role"]
    search_fields = ["project__title", "signer__full_name"]
    list_select_related = ["project", "signer"]
