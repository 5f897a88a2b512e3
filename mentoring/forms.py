from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import Comment, Consultation, JournalEntry
from tracker.models import ChangeProject, Role


class PanelForm(forms.Form):
    """A form on the project page: its ids are prefixed so that several forms can share a page."""

    id_prefix = "note"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class CommentForm(PanelForm):
    """A comment; visibility is offered to reviewers only (the service refuses the rest)."""

    id_prefix = "comment"

    body = forms.CharField(
        label=_("Komentar"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Komentar tidak boleh kosong.")},
    )
    visibility = forms.ChoiceField(
        label=_("Dapat dibaca oleh"),
        choices=Comment.Visibility.choices,
        required=False,
        widget=forms.RadioSelect,
        initial=Comment.Visibility.EVERYONE,
    )

    def clean_visibility(self) -> str:
        return self.cleaned_data["visibility"] or Comment.Visibility.EVERYONE


class ConsultationForm(PanelForm):
    """One session of the control form, as the participant records it."""

    id_prefix = "consultation"

    held_on = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Isi tanggal konsultasi."),
            "invalid": _("Tanggal tidak valid."),
        },
    )
    consultant_role = forms.ChoiceField(
        label=_("Konsultasi dengan"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih coach atau mentor."),
            "invalid_choice": _("Pilih coach atau mentor yang sudah ditetapkan untuk proyek ini."),
        },
    )
    mode = forms.ChoiceField(
        label=_("Cara"),
        choices=Consultation.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih tatap muka atau daring.")},
    )
    topic = forms.CharField(
        label=_("Topik"),
        max_length=200,
        error_messages={"required": _("Isi topik konsultasi.")},
    )
    outcome = forms.CharField(
        label=_("Hasil"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Isi hasil konsultasi.")},
    )
    follow_up = forms.CharField(
        label=_("Tindak lanjut yang disepakati"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, project: ChangeProject, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        people = [(Role.COACH, project.coach), (Role.MENTOR, project.mentor)]
        self.fields["consultant_role"].choices = [
            (role.value, f"{role.label}: {person}") for role, person in people if person
        ]


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan sanggahan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Alasan sanggahan wajib diisi.")},
    )


class JournalEntryForm(PanelForm):
    id_prefix = "journal"

    happened = forms.CharField(
        label=_("Apa yang terjadi"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Ceritakan apa yang terjadi.")},
    )
    learned = forms.CharField(
        label=_("Apa yang saya pelajari"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan apa yang Anda pelajari.")},
    )
    next_steps = forms.CharField(
        label=_("Apa yang akan saya lakukan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tuliskan langkah Anda berikutnya.")},
    )
    sharing = forms.ChoiceField(
        label=_("Siapa yang dapat membaca"),
        choices=JournalEntry.Sharing.choices,
        initial=JournalEntry.Sharing.PRIVATE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih apakah catatan ini pribadi atau dibagikan.")},
    )


class JournalReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Tanggapan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tanggapan tidak boleh kosong.")},
    )
