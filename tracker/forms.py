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


class ProposalForm(forms.ModelForm):
    """The proposal's texts (rancangan); the service, not the form, writes them."""

    class Meta:
        model = ChangeProject
        fields = [
            "title",
            "problem_statement",
            "goal_short_term",
            "goal_medium_term",
            "goal_long_term",
            "stakeholders",
            "innovation_summary",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields if name != "title"}
        help_texts = {
            "problem_statement": _("Kondisi saat ini, masalah yang ingin diubah, dan datanya."),
            "goal_short_term": _("Yang dicapai selama pelatihan (sekitar 2 bulan)."),
            "goal_medium_term": _("Yang dicapai 6–12 bulan setelah pelatihan."),
            "goal_long_term": _("Yang dicapai 1–2 tahun setelah pelatihan."),
            "stakeholders": _("Siapa yang terlibat atau terdampak, dan perannya."),
            "innovation_summary": _("Terobosan yang Anda tawarkan, dalam beberapa kalimat."),
        }
