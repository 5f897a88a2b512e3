from __future__ import annotations

from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from reports.documents.agency_report import agency_cohorts, cohort_years
from tracker.models import ChangeProject, Cohort


class AgencyReportForm(forms.Form):
    """Which of the agency's projects the impact report covers: all, one cohort, or one year."""

    cohort = forms.ModelChoiceField(
        label=_("Angkatan"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("Semua angkatan"),
    )
    year = forms.TypedChoiceField(
        label=_("Tahun angkatan"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, projects: QuerySet[ChangeProject], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["cohort"]).queryset = agency_cohorts(projects)
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", _("Semua tahun")),
            *((year, str(year)) for year in cohort_years(projects)),
        ]

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        cohort, year = cleaned.get("cohort"), cleaned.get("year")
        if cohort is not None and year is not None and cohort.year != year:
            raise forms.ValidationError(
                _("%(cohort)s bukan angkatan tahun %(year)s; pilih salah satu saja.")
                % {"cohort": cohort, "year": year}
            )
        return cleaned
