from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    Comment,
    Consultation,
    JournalEntry,
    RubricCriterion,
    SeminarAttendance,
)
from mentoring.selectors import eligible_projects, examiner_candidates
from mentoring.services import score_range_message
from tracker.forms import FormTokenField
from tracker.models import ChangeProject, Cohort, Role, Seminar, User
from tracker.selectors import person_by_handle


class PanelForm(forms.Form):
    """A form on the project page: its ids are prefixed so that several forms can share a page."""

    id_prefix = "note"

    form_token = FormTokenField()

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
        cast(forms.ChoiceField, self.fields["consultant_role"]).choices = [
            (role.value, f"{role.label}: {person}") for role, person in people if person
        ]


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
    form_token = FormTokenField()
    body = forms.CharField(
        label=_("Tanggapan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Tanggapan tidak boleh kosong.")},
    )


class ProjectChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, project: ChangeProject) -> str:
        return f"{project.title} — {project.participant} ({project.get_state_display()})"


class SeminarForm(forms.ModelForm):
    """Schedule or change a seminar: its kind (fixed once saved), time, place, people, projects."""

    form_token = FormTokenField()

    examiners = forms.ModelMultipleChoiceField(
        label=_("Penguji"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Pilih minimal satu penguji."),
            "invalid_choice": _("Penguji yang dipilih tidak dapat menguji seminar angkatan ini."),
        },
    )
    online_link = forms.URLField(
        label=_("Tautan daring"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Tautan daring harus berupa alamat web, misalnya https://…")},
    )
    projects = ProjectChoiceField(
        label=_("Proyek"),
        queryset=ChangeProject.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Seminar rancangan memuat proyek berstatus “Seminar rancangan”; seminar laporan "
            "memuat proyek berstatus “Seminar laporan”."
        ),
        error_messages={
            "invalid_choice": _(
                "Proyek yang dipilih tidak berstatus sesuai jenis seminar ini atau bukan proyek "
                "angkatan ini."
            )
        },
    )

    class Meta:
        model = Seminar
        fields = ["kind", "starts_at", "place", "online_link", "examiners", "projects"]
        widgets = {
            "kind": forms.RadioSelect,
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.cohort = cohort
        # Radio buttons need no "---------" choice: none ticked means none chosen.
        cast(forms.ChoiceField, self.fields["kind"]).choices = Seminar.Kind.choices
        if self.instance.pk:
            self.fields["kind"].disabled = True
            kind = self.instance.kind
        else:
            kind = self.data.get("kind")
        projects = cast(forms.ModelMultipleChoiceField, self.fields["projects"])
        projects.queryset = eligible_projects(cohort, kind, self.instance)
        examiners = cast(forms.ModelMultipleChoiceField, self.fields["examiners"])
        examiners.queryset = examiner_candidates(cohort).order_by("full_name", "username")
        self.fields["starts_at"].error_messages["invalid"] = _(
            "Isi tanggal dan jam seminar, misalnya 2026-10-20 09:00."
        )


class ProposalResultForm(forms.Form):
    """An examiner's decision on one proposal: accepted, or revise with notes."""

    ACCEPTED, REVISE = "accepted", "revise"

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[(ACCEPTED, _("Diterima")), (REVISE, _("Perlu revisi"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih keputusan: diterima atau perlu revisi.")},
    )
    notes = forms.CharField(
        label=_("Catatan untuk peserta"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wajib diisi bila rancangan perlu direvisi."),
    )
    expected_state = forms.ChoiceField(
        choices=ChangeProject.State.choices, widget=forms.HiddenInput
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == self.REVISE and not (cleaned.get("notes") or "").strip():
            self.add_error("notes", _("Catatan wajib diisi bila rancangan perlu direvisi."))
        return cleaned

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPTED


class ScoreForm(forms.Form):
    """One score per rubric criterion, each between 0 and the criterion's maximum."""

    def __init__(self, *args, criteria: list[RubricCriterion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            message = score_range_message(criterion)
            self.fields[self.field_name(criterion)] = forms.DecimalField(
                label=criterion.name,
                min_value=Decimal(0),
                max_value=criterion.max_score,
                max_digits=6,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "score-input", "inputmode": "decimal"}),
                error_messages={
                    "required": _("Isi nilai “%(criterion)s”.") % {"criterion": criterion.name},
                    "invalid": message,
                    "min_value": message,
                    "max_value": message,
                    "max_digits": message,
                    "max_decimal_places": _("Nilai paling banyak dua angka di belakang koma."),
                    "max_whole_digits": message,
                },
            )

    @staticmethod
    def field_name(criterion: RubricCriterion) -> str:
        return f"criterion_{criterion.pk}"

    def rows(self) -> list[tuple[RubricCriterion, forms.BoundField]]:
        return [(criterion, self[self.field_name(criterion)]) for criterion in self.criteria]

    @property
    def scores(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[self.field_name(c)] for c in self.criteria}


class GradeForm(forms.Form):
    """Set the seminar outcome; failing is a separate, explicit decision with a reason."""

    fail = forms.BooleanField(
        label=_("Nyatakan tidak lulus (keputusan tersendiri, bukan dari predikat)"),
        required=False,
    )
    comment = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib diisi bila proyek dinyatakan tidak lulus."),
    )
    expected_state = forms.ChoiceField(
        choices=ChangeProject.State.choices, widget=forms.HiddenInput
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("fail") and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Alasan wajib diisi bila proyek dinyatakan tidak lulus."))
        return cleaned


class ExaminerAssignmentForm(forms.Form):
    """Several examiners for one seminar: picked from the usual examiners, or typed one a line."""

    pool = forms.ModelMultipleChoiceField(
        label=_("Dari daftar penguji lembaga"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Pilihan penguji tidak valid.")},
    )
    people = forms.CharField(
        label=_("Penguji lain: username atau NIP, satu per baris"),
        help_text=_("Orang yang Anda tulis di sini masuk ke daftar penguji lembaga."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, seminar: Seminar, organiser: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seminar = seminar
        cast(forms.ModelMultipleChoiceField, self.fields["pool"]).queryset = (
            examiner_candidates(seminar.cohort)
            .exclude(examined_seminars=seminar)
            .distinct()
            .order_by("full_name", "username")
        )

    def clean_people(self) -> list[User]:
        found, refused = [], []
        candidates = examiner_candidates(self.seminar.cohort)
        for line in self.cleaned_data["people"].splitlines():
            if not line.strip():
                continue
            person = person_by_handle(line)
            if person is None or not candidates.filter(pk=person.pk).exists():
                # One answer for "nobody" and "not eligible": the page must not tell an
                # organiser which usernames and NIPs exist outside their institution.
                refused.append(line.strip())
            else:
                found.append(person)
        if refused:
            raise forms.ValidationError(not_an_examiner_here(refused))
        return found

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors and not (cleaned.get("pool") or cleaned.get("people")):
            raise forms.ValidationError(_("Pilih atau tulis minimal satu penguji."))
        return cleaned

    @property
    def examiners(self) -> list[User]:
        return [*self.cleaned_data["pool"], *self.cleaned_data["people"]]


def not_an_examiner_here(handles: list[str]) -> str:
    """The one refusal for typed examiners who do not exist or may not examine here."""
    return _(
        "Tidak dapat dijadikan penguji angkatan ini: %(names)s. Periksa username atau NIP-nya; "
        "peserta dan penyelenggara angkatan ini, admin Jejak, dan orang lembaga pelatihan lain "
        "tidak dapat menjadi penguji."
    ) % {"names": ", ".join(f"“{name}”" for name in handles)}


class AttendanceForm(forms.Form):
    """Who was present at the seminar for one project: its examiners, coach and mentor."""

    present = forms.MultipleChoiceField(
        label=_("Hadir"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, expected: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = dict(SeminarAttendance.ATTENDING_ROLES)
        cast(forms.MultipleChoiceField, self.fields["present"]).choices = [
            (f"{role}:{person.pk}", f"{person.get_full_name()} ({roles[role]})")
            for person, role in expected
        ]

    def present_pairs(self) -> list[tuple[int, str]]:
        pairs = []
        for value in self.cleaned_data["present"]:
            role, _sep, pk = value.partition(":")
            pairs.append((int(pk), role))
        return pairs
