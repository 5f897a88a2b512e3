from __future__ import annotations

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from milestones.models import CoreValue, Evidence, Milestone, MilestoneRating
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
        cleaned = super().clean()
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


class EvidenceUploadForm(forms.Form):
    form_token = FormTokenField()
    file = forms.FileField(
        label=_("Berkas"),
        help_text=_("PDF, DOCX, XLSX, PPTX, JPG atau PNG."),
        error_messages={
            "required": _("Pilih berkas yang akan diunggah."),
            "empty": _("Berkas ini kosong (0 bita). Pilih berkas yang berisi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Coba unggah lagi."),
        },
    )
    caption = forms.CharField(label=_("Keterangan"), max_length=300)


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
        if evidence is not None:
            self.fields["evidence"].queryset = evidence
        self.fields["evidence"].label_from_instance = lambda item: (
            f"{item.caption} · {item.milestone}"
        )
