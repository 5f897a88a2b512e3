from __future__ import annotations

from django.contrib import admin

from mentoring.models import GradeBand, Rubric, RubricCriterion


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
