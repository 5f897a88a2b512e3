from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tracker.models import ChangeProject


class TransitionForm(forms.Form):
    """A workflow action: the state the person saw, and a comment (required for some actions)."""

    expected_state = forms.ChoiceField(
        choices=ChangeProject.State.choices, widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Komentar"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, comment_required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = comment_required
        if comment_required:
            self.fields["comment"].error_messages["required"] = _(
                "Komentar wajib diisi untuk tindakan ini."
            )
