from __future__ import annotations

from typing import cast

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from milestones.models import (
    ALLOWED_EVIDENCE_TYPES,
    CoreValue,
    Evidence,
    Milestone,
    MilestoneRating,
)
from tracker.forms import FormTokenField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MilestoneForm(forms.ModelForm):
    """A milestone of the plan; the service, not the form, writes it."""

    form_token = FormTokenField()
    core_values = forms.MultipleChoiceField(
        label=_("Nilai dasar BerAKHLAK yang diterapkan"),
        choices=CoreValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wajib untuk kegiatan aktualisasi Latsar; program lain boleh mengosongkannya."),
    )

    class Meta:
        model = Milestone
        fields = [
            "term",
            "activity",
            "implementer",
            "start_date",
            "due_date",
            "expected_output",
            "core_values",
            "order",
        ]
        widgets = {"start_date": DATE_WIDGET, "due_date": DATE_WIDGET}
        help_texts = {"order": _("Kosongkan untuk menaruhnya di akhir jangka ini.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "order" in self.fields:
            self.fields["order"].required = False

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("Tenggat tidak boleh sebelum tanggal mulai."))
        return cleaned


class AdditionRequestForm(MilestoneForm):
    """A milestone proposed after approval, with the reason the mentor will read."""

    reason = forms.CharField(
        label=_("Alasan penambahan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta(MilestoneForm.Meta):
        fields = ["term", "activity", "implementer", "start_date", "due_date", "expected_output"]


class RescheduleForm(forms.Form):
    form_token = FormTokenField()
    new_due_date = forms.DateField(label=_("Tenggat baru"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Alasan perubahan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


# Several files in one upload: enough for a set of field photos, few enough to check in a request.
EVIDENCE_MAX_FILES = 10
EVIDENCE_ACCEPT = ",".join(
    sorted(ALLOWED_EVIDENCE_TYPES) + sorted(set(ALLOWED_EVIDENCE_TYPES.values()))
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name; each is checked by the upload service, not here."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class EvidenceUploadForm(forms.Form):
    """One or more files as evidence: chosen from the device, or a photo taken there and then."""

    form_token = FormTokenField()
    file = MultipleFileField(
        label=_("Berkas"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, PPTX, JPG atau PNG."),
        error_messages={
            "empty": _("Berkas ini kosong (0 bita). Pilih berkas yang berisi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Coba unggah lagi."),
        },
    )
    # On a phone `capture` opens the camera; the photo is scaled down and stripped on the server.
    photo = forms.FileField(
        label=_("Atau ambil foto"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png", "capture": "environment"}
        ),
        error_messages={
            "empty": _("Berkas ini kosong (0 bita). Pilih berkas yang berisi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Coba unggah lagi."),
        },
    )
    caption = forms.CharField(label=_("Keterangan"), max_length=300)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        uploads = list(cleaned.get("file") or [])
        if cleaned.get("photo"):
            uploads.append(cleaned["photo"])
        if not uploads and not self.has_error("file") and not self.has_error("photo"):
            self.add_error("file", _("Pilih berkas yang akan diunggah."))
        if len(uploads) > EVIDENCE_MAX_FILES:
            self.add_error(
                "file",
                _("Paling banyak %(count)d berkas sekali unggah.") % {"count": EVIDENCE_MAX_FILES},
            )
        cleaned["uploads"] = uploads
        return cleaned


class EvidenceLinkForm(forms.Form):
    """A link as evidence; its ids differ from the upload form's, which shares the page."""

    form_token = FormTokenField()

    url = forms.URLField(
        label=_("Tautan"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    caption = forms.CharField(label=_("Keterangan"), max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "id_link_%s")
        super().__init__(*args, **kwargs)


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Capaian"), choices=MilestoneRating.Rating.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeasurementForm(forms.Form):
    form_token = FormTokenField()
    value = forms.DecimalField(label=_("Nilai"), max_digits=14, decimal_places=2)
    measured_on = forms.DateField(label=_("Tanggal pengukuran"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.ModelChoiceField(
        label=_("Bukti"), queryset=Evidence.objects.none(), required=False
    )

    def __init__(self, *args, evidence=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["evidence"])
        if evidence is not None:
            field.queryset = evidence
        # Replacing the method on this one field is how Django labels a field's choices.
        field.label_from_instance = lambda obj: f"{obj.caption} · {obj.milestone}"  # type: ignore[method-assign]
