from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, Webhook
from tracker.forms import FormTokenField
from tracker.models import Cohort

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TokenForm(forms.Form):
    """A new token: its name, what it may do, and its last valid day."""

    form_token = FormTokenField()
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Untuk mengenalinya nanti, misalnya “Sinkronisasi SIPKA”."),
    )
    scope = forms.ChoiceField(
        label=_("Cakupan"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    expires_on = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Kosongkan untuk masa berlaku bawaan."),
    )


class InstitutionTokenForm(TokenForm):
    """The admin's token for one training institution (those that have cohorts)."""

    institution = forms.ChoiceField(label=_("Lembaga pelatihan"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = Cohort.objects.order_by("institution").values_list("institution", flat=True)
        field = self.fields["institution"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in dict.fromkeys(names)]


class WebhookForm(forms.Form):
    """An HTTPS endpoint and the events it hears of."""

    url = forms.URLField(label=_("Alamat HTTPS"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Peristiwa"),
        choices=Webhook.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=Webhook.Event.values,
    )
