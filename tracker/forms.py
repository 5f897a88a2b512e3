from __future__ import annotations

import re
import uuid
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tracker import workflow
from tracker.imports import MAX_BYTES
from tracker.models import Agency, ChangeProject, Cohort, User
from tracker.notifications import single_line
from tracker.selectors import coaches_assignable_in, open_projects_of, person_by_handle
from tracker.validators import validate_nip


class FormTokenInput(forms.HiddenInput):
    """A hidden input without an id: a page may hold several forms, each with its token."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("id", None)
        return context


class FormTokenField(forms.UUIDField):
    """The hidden one-time token of a form that creates something (`once_per_form`).

    Each rendering of an unbound form gets a new token; a malformed one counts as none.
    """

    widget = FormTokenInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", uuid.uuid4)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class TransitionForm(forms.Form):
    """Any workflow action: the state the person saw, and a comment where the action takes one.

    The model's declaration of the transition decides whether a comment is asked for and
    whether it is required; the services check it again.
    """

    expected_state = forms.ChoiceField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Komentar"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, model: type[models.Model], name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.declared = workflow.declaration(model, name)
        expected_state = cast(forms.ChoiceField, self.fields["expected_state"])
        expected_state.choices = workflow.state_field(model).choices or []
        if not self.declared.takes_comment:
            del self.fields["comment"]
        else:
            self.fields["comment"].label = self.declared.comment_label
            self.fields["comment"].required = self.declared.comment_required
            self.fields["comment"].error_messages["required"] = self.declared.comment_missing

    def against(self, state: str) -> TransitionForm:
        """The same input, aimed at the state the person is shown now (after a conflict)."""
        data = cast(QueryDict, self.data).copy()  # bound: the POST it was given
        data["expected_state"] = state
        return type(self)(data, model=self.model, name=self.declared.name)

    def problems(self) -> str:
        """Every error of the form in one line, for forms that sit in a list of items."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)

    def service_arguments(self) -> dict:
        """The cleaned input as the transition's service takes it."""
        arguments = {"expected_state": self.cleaned_data["expected_state"]}
        if "comment" in self.fields:
            arguments["comment"] = self.cleaned_data["comment"]
        return arguments


class ReportSubmissionForm(TransitionForm):
    """Submitting the report: the final report's narrative goes with it (laporan akhir)."""

    executive_summary = forms.CharField(
        label=_("Ringkasan eksekutif"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tulis ringkasan eksekutif laporan.")},
    )
    implementation = forms.CharField(
        label=_("Pelaksanaan"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang dikerjakan, oleh siapa, kendala dan cara mengatasinya."),
        error_messages={"required": _("Tulis uraian pelaksanaan.")},
    )
    lessons_learned = forms.CharField(
        label=_("Pelajaran yang dipetik"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tulis pelajaran yang dipetik.")},
    )
    conclusion = forms.CharField(
        label=_("Kesimpulan dan tindak lanjut"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Tulis kesimpulan dan tindak lanjut.")},
    )

    NARRATIVE_FIELDS = ("executive_summary", "implementation", "lessons_learned", "conclusion")

    @property
    def narrative_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.NARRATIVE_FIELDS]

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        arguments["narrative"] = {name: self.cleaned_data[name] for name in self.NARRATIVE_FIELDS}
        return arguments


# The workflow actions whose form asks for more than a comment.
TRANSITION_FORMS: dict[str, type[TransitionForm]] = {"submit_report": ReportSubmissionForm}


def transition_form(*args, model: type[models.Model], name: str, **kwargs) -> TransitionForm:
    """The form of one workflow action: its own class where it has one, else TransitionForm."""
    form_class = TRANSITION_FORMS.get(name, TransitionForm) if model is ChangeProject else None
    return (form_class or TransitionForm)(*args, model=model, name=name, **kwargs)


class ParticipantImportForm(forms.Form):
    """The participant list to preview: a CSV or XLSX file with the agreed columns."""

    file = forms.FileField(
        label=_("Berkas peserta (.csv atau .xlsx)"),
        error_messages={
            "required": _("Pilih berkas CSV atau XLSX."),
            "empty": _("Berkas yang diunggah kosong."),
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(size)d KB).") % {"size": MAX_BYTES // 1024}
            )
        return upload


class PersonField(forms.CharField):
    """A person typed as a username or a NIP; cleans to the active user it names.

    With `among` set (a queryset), only someone in it is accepted, and anyone else gets the
    same answer as a handle nobody has (`refusal`): the form must not tell which usernames and
    NIPs exist outside the organiser's reach, nor whose they are.
    """

    def __init__(self, *args: Any, refusal: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.among: models.QuerySet[User] | None = None
        self.refusal = refusal or _(
            "Tidak ada pengguna aktif dengan username atau NIP “%(handle)s”."
        )

    def clean(self, value):
        handle = super().clean(value)
        if not handle:
            return None
        person = person_by_handle(handle)
        if person is None or (
            self.among is not None and not self.among.filter(pk=person.pk).exists()
        ):
            raise forms.ValidationError(self.refusal % {"handle": handle})
        return person


class CoachAssignmentForm(forms.Form):
    """One coach for many of a cohort's open projects."""

    coach = PersonField(
        label=_("Coach (username atau NIP)"),
        max_length=150,
        error_messages={"required": _("Isi username atau NIP coach.")},
        refusal=_(
            "“%(handle)s” tidak dapat menjadi coach di angkatan ini: periksa username atau "
            "NIP-nya. Peserta dan penyelenggara angkatan ini, admin Jejak, dan orang lembaga "
            "pelatihan lain tidak dapat menjadi coach."
        ),
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Proyek"),
        queryset=ChangeProject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Pilih minimal satu proyek."),
            "invalid_choice": _(
                "Hanya proyek angkatan ini yang belum berakhir yang dapat dipilih."
            ),
            "invalid_pk_value": _("Pilihan proyek tidak valid."),
        },
    )

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        projects = cast(forms.ModelMultipleChoiceField, self.fields["projects"])
        projects.queryset = open_projects_of(cohort)
        cast(PersonField, self.fields["coach"]).among = coaches_assignable_in(cohort)


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
            "effective_team",
            "innovation_summary",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields if name != "title"}
        help_texts = {
            "problem_statement": _("Kondisi saat ini, masalah yang ingin diubah, dan datanya."),
            "goal_short_term": _("Yang dicapai selama pelatihan (sekitar 2 bulan)."),
            "goal_medium_term": _("Yang dicapai 6–12 bulan setelah pelatihan."),
            "goal_long_term": _("Yang dicapai 1–2 tahun setelah pelatihan."),
            "stakeholders": _("Siapa yang terlibat atau terdampak, dan perannya."),
            "effective_team": _("Anggota tim yang membantu Anda dan tugas masing-masing."),
            "innovation_summary": _("Terobosan yang Anda tawarkan, dalam beberapa kalimat."),
        }

    def clean_title(self) -> str:
        # A title is one line: it heads pages and documents and goes into email subjects.
        title = single_line(self.cleaned_data["title"])
        if not title:
            raise ValidationError(_("Isi judul proyek."), code="required")
        return title


class StaffPersonForm(forms.Form):
    """One person typed in by hand: a staff list of one row, checked like any other."""

    role = forms.ChoiceField(
        label=_("Peran"),
        choices=[("coach", _("Coach")), ("penguji", _("Penguji")), ("mentor", _("Mentor"))],
        error_messages={"required": _("Pilih peran.")},
    )
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    agency_code = forms.CharField(label=_("Kode instansi"), max_length=32, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)


class StaffImportForm(ParticipantImportForm):
    """The staff list to preview: coaches, examiners and mentors, a CSV or XLSX file."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Berkas staf (.csv atau .xlsx)")


# --- one's own account ---------------------------------------------------------------------


class LoginForm(AuthenticationForm):
    """Django's login form with a correct Indonesian refusal (Django's own catalogue reads
    "nama pengguna nama pengguna")."""

    error_messages = {
        "invalid_login": _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil pada kata sandi."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi penyelenggara atau admin."),
    }


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, sending through the worker; an invited person who never set a
    password may ask here for a new link too."""

    def get_users(self, email):
        people = User.objects.filter(email__iexact=email, is_active=True)
        for person in people:
            if (
                person.has_usable_password()
                or person.invitations.filter(sent_at__isnull=False).exists()
            ):
                yield person

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # Queued for the worker (retries, delivery record), never sent during the request.
        from tracker.accounts import send_password_reset

        send_password_reset(user=context["user"], uid=context["uid"], token=context["token"])


class ProfileForm(forms.ModelForm):
    """What a person changes about themselves; NIP and agency are the organisers' to change."""

    current_password = forms.CharField(
        label=_("Kata sandi saat ini"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Wajib diisi bila Anda mengganti email."),
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "position", "language"]

    def __init__(self, *args, user: User, **kwargs) -> None:
        kwargs["instance"] = user
        super().__init__(*args, **kwargs)
        self.user = user
        self.original_email = user.email
        self.fields["full_name"].required = True
        self.fields["email"].required = True
        self.fields["full_name"].error_messages["required"] = _("Isi nama lengkap Anda.")
        self.fields["email"].error_messages["required"] = _("Isi alamat email Anda.")

    def clean_full_name(self) -> str:
        name = single_line(self.cleaned_data["full_name"])
        if not name:
            raise ValidationError(_("Isi nama lengkap Anda."), code="required")
        return name

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        email = cleaned.get("email")
        # Whoever holds the email can reset the password: changing it takes the password.
        if email and email.lower() != self.original_email.lower():
            password = cleaned.get("current_password") or ""
            if not self.user.check_password(password):
                self.add_error(
                    "current_password",
                    _("Untuk mengganti email, tulis kata sandi Anda saat ini dengan benar."),
                )
        return cleaned

    def _post_clean(self) -> None:
        # Validate the fields without writing them onto the account: the service writes.
        pass


class AgencyHeadProposalForm(forms.Form):
    """An organiser proposes the head (or delegate) of one of their participants' agencies."""

    agency = forms.ModelChoiceField(
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        error_messages={
            "required": _("Pilih instansi."),
            "invalid_choice": _("Pilih instansi peserta angkatan ini atau instansi induknya."),
        },
    )
    nip = forms.CharField(
        label=_("NIP"), max_length=30, error_messages={"required": _("NIP wajib diisi.")}
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    is_delegate = forms.BooleanField(
        label=_("Pejabat yang ditunjuk (bukan kepala instansi sendiri)"), required=False
    )

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies

    def clean_nip(self) -> str:
        nip = re.sub(r"[\s.\-]", "", self.cleaned_data["nip"])
        validate_nip(nip)
        return nip

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        nip = cleaned.get("nip")
        if nip and not User.objects.filter(nip=nip).exists():
            # A new account: its invitation goes to this address.
            if not cleaned.get("full_name"):
                self.add_error("full_name", _("Nama lengkap wajib diisi untuk orang baru."))
            if not cleaned.get("email"):
                self.add_error("email", _("Email wajib diisi: undangan dikirim ke alamat ini."))
        return cleaned
