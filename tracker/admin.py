"""The Django admin: everything for the operator; for organisers, their own cohorts only.

Staff who are not superusers (organisers) reach exactly what the scoped querysets below give
them, and every picker offers only that: a forged id posted to a form fails its validation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.admin import AccessFailureLogAdmin as AxesAccessFailureLogAdmin
from axes.admin import AccessLogAdmin as AxesAccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin as TaskResultAdmin
from django_tasks_db.models import DBTaskResult

from tracker import summary
from tracker.accounts import agency_head_approve, agency_head_invite
from tracker.http import admin_user
from tracker.imports import coach_not_assignable, mentor_refusal
from tracker.models import (
    Agency,
    AgencyHead,
    ChangeProject,
    Cohort,
    DeletionRecord,
    EmailDelivery,
    ImpactIndicator,
    Invitation,
    Notification,
    ProgrammeRules,
    Seminar,
    TransitionLog,
    User,
)
from tracker.notifications import email_requeue
from tracker.selectors import (
    accounts_managed_by,
    agency_lineage_ids,
    coaches_assignable_in,
    institutions_organised_by,
    people_organised_by,
)
from tracker.services import PROPOSAL_FIELDS, delete_with_record

# The mixins below call the admin classes they are mixed into.
if TYPE_CHECKING:
    _BaseAdmin = admin.options.BaseModelAdmin
    _ModelAdmin = admin.ModelAdmin
else:
    _BaseAdmin = _ModelAdmin = object


class OwnHistoryMixin(_ModelAdmin):
    """An object's history page shows a non-superuser only their own actions on it: the
    change messages of others (another institution's organiser, the operator) are theirs."""

    def get_paginator(
        self, request: HttpRequest, queryset: QuerySet, per_page: int, *args: Any, **kwargs: Any
    ) -> Paginator:
        # The history view pages its LogEntry rows through here; change lists page their own
        # model's rows.
        if queryset.model is LogEntry and not request.user.is_superuser:
            queryset = queryset.filter(user=request.user)
        return super().get_paginator(request, queryset, per_page, *args, **kwargs)


class ScopedChoicesMixin(OwnHistoryMixin):
    """Every foreign-key and many-to-many picker offers a non-superuser only what the related
    model's admin shows them; a related model without an admin offers nothing, unless
    `choice_lookups` names the field's path from that model to the organiser."""

    choice_lookups: dict[str, str] = {}

    def get_field_queryset(self, db, db_field, request: HttpRequest):
        queryset = super().get_field_queryset(db, db_field, request)
        if request.user.is_superuser:
            return queryset
        model = db_field.remote_field.model
        if db_field.name in self.choice_lookups:
            lookup = {self.choice_lookups[db_field.name]: request.user}
            return model._default_manager.using(db).filter(**lookup).distinct()
        try:
            return self.admin_site.get_model_admin(model).get_queryset(request)
        except NotRegistered:
            return model._default_manager.none()


def institution_field(db_field, request: HttpRequest) -> forms.ChoiceField:
    """An organiser files things only under the training institutions they organise for."""
    names = institutions_organised_by(admin_user(request))
    return forms.ChoiceField(
        label=db_field.verbose_name,
        choices=[(name, name) for name in names],
        initial=names[0] if len(names) == 1 else None,
        error_messages={
            "invalid_choice": _("Pilih lembaga pelatihan yang angkatannya Anda selenggarakan."),
            "required": _("Pilih lembaga pelatihan."),
        },
    )


class OrganiserScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Staff who are not superusers see only the objects of cohorts they organise."""

    cohort_lookup = "cohort__organisers"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.cohort_lookup: request.user}).distinct()

    def in_scope(self, request: HttpRequest, obj) -> bool:
        return (
            obj is None
            or request.user.is_superuser
            or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)


class SuperuserOnlyAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """For the operator only, whatever permissions a staff account was given."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class ReferenceDataAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """Shared by every institution: anyone with the permission reads it, only the operator
    writes it (an agency head reads all of an agency's projects, so heads are granted by him)."""

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


class FixedOnceWrittenMixin(_ModelAdmin):
    """Records that are someone's act (a comment, a confirmation, a rating, a measurement):
    for staff who are not superusers, the fields in `fixed_fields` keep what the person wrote
    once the row exists, and a forged POST changing one fails validation; and they add none.
    Nobody speaks, rates or measures for someone else in the admin, where no log would show
    it."""

    fixed_fields: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Such a record is written by the person who acts, on the page where they act.
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or request.user.is_superuser or not self.fixed_fields:
            return form
        fixed = self.fixed_fields

        class FixedFieldsForm(form):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean() or {}
                for name in fixed:
                    if name in self.changed_data and name in self.fields:
                        self.add_error(
                            name,
                            _(
                                "Bagian ini dicatat oleh orang yang bertindak dan tidak diubah "
                                "di admin."
                            ),
                        )
                return cleaned

        return FixedFieldsForm


class DeletionReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penghapusan"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Disimpan bersama isi data yang dihapus, siapa, dan kapan."),
        error_messages={"required": _("Tulis alasan penghapusan.")},
    )


class RecordedDeletionMixin(_ModelAdmin):
    """Records people relied on: deleting one asks why and writes a deletion record of every
    row it removes (see `delete_with_record`); there is no bulk delete."""

    delete_confirmation_template = "admin/recorded_delete_confirmation.html"

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request: HttpRequest, object_id, extra_context=None):
        form = DeletionReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                # Read by delete_model, which Django calls with the same request.
                request.deletion_reason = form.cleaned_data["reason"]  # type: ignore[attr-defined]
            else:
                # Django deletes on any non-empty POST: without a reason, show the page again.
                request.POST = QueryDict()
        return super().delete_view(request, object_id, {**(extra_context or {}), "reason": form})

    def delete_model(self, request: HttpRequest, obj) -> None:
        delete_with_record(obj=obj, by=admin_user(request), reason=request.deletion_reason)  # type: ignore[attr-defined]

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        raise PermissionDenied


class AgencyHeadInline(ScopedChoicesMixin, admin.TabularInline):
    model = AgencyHead
    extra = 0
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The heads an organiser may read are those `AgencyHeadAdmin` lists them: the same here.
        return self.admin_site.get_model_admin(AgencyHead).get_queryset(request)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Agency)
class AgencyAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "parent", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code", "region"]
    autocomplete_fields = ["parent"]
    inlines = [AgencyHeadInline]

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        for head in formset.new_objects:
            if isinstance(head, AgencyHead):
                agency_head_invite(head=head, by=admin_user(request))


PERSONAL_FIELDS = ("full_name", "nip", "position", "agency", "email", "language")


@admin.register(User)
class UserAdmin(ScopedChoicesMixin, DjangoUserAdmin):
    """The operator manages accounts. An organiser reads the people of their cohorts and
    corrects the personal data of the accounts made for their cohorts (`accounts_managed_by`);
    they never see or set privileges or anyone else's password, and accounts come from the
    participant import."""

    list_display = ["username", "full_name", "nip", "position", "agency", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "agency"]
    search_fields = ["username", "full_name", "nip", "email"]
    ordering = ["full_name"]
    autocomplete_fields = ["agency"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pegawai"), {"fields": PERSONAL_FIELDS}),
        (
            _("Hak akses"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "nip", "agency", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=people_organised_by(admin_user(request)).values("pk"))

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        login = ("username", "password") if obj is not None and obj.pk == request.user.pk else ()
        return (
            (None, {"fields": login or ("username",)}),
            (_("Data pegawai"), {"fields": PERSONAL_FIELDS}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("username",)

    def get_list_filter(self, request: HttpRequest):
        return self.list_filter if request.user.is_superuser else ["agency"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None
            or request.user.is_superuser
            or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        # Changing someone's email is a password reset away from acting as them: only the
        # accounts made for this organiser's cohorts, which nobody else relies on.
        return accounts_managed_by(admin_user(request)).filter(pk=obj.pk).exists()

    def user_change_password(self, request: HttpRequest, id, form_url=""):
        if not request.user.is_superuser and unquote(id) != str(request.user.pk):
            if self.get_object(request, unquote(id)) is None:
                raise Http404
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class CohortAdminForm(forms.ModelForm):
    def clean_organisers(self) -> QuerySet[User]:
        organisers = self.cleaned_data["organisers"]
        if self.instance.pk and organisers.filter(projects__cohort=self.instance).exists():
            # An organiser closes, withdraws and schedules the cohort's projects: not their own.
            raise forms.ValidationError(
                _("Peserta angkatan ini tidak dapat menjadi penyelenggaranya.")
            )
        if (
            self.instance.pk
            and organisers.filter(
                Q(coached_projects__cohort=self.instance)
                | Q(mentored_projects__cohort=self.instance)
                | Q(examined_seminars__cohort=self.instance)
            ).exists()
        ):
            # Nor projects they sign off or grade: the other side of `coaches_assignable_in`.
            raise forms.ValidationError(
                _("Coach, mentor dan penguji angkatan ini tidak dapat menjadi penyelenggaranya.")
            )
        return organisers


@admin.register(Cohort)
class CohortAdmin(OrganiserScopedAdmin):
    form = CohortAdminForm
    cohort_lookup = "organisers"
    list_display = [
        "__str__",
        "programme",
        "year",
        "institution",
        "learning_starts_on",
        "closes_on",
    ]
    list_filter = ["programme", "year"]
    search_fields = ["number", "institution"]
    filter_horizontal = ["organisers"]
    date_hierarchy = "learning_starts_on"

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "institution" and not request.user.is_superuser:
            return institution_field(db_field, request)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new institution is a new tenant: the operator opens it with its first cohort.
        return super().has_add_permission(request) and (
            request.user.is_superuser or bool(institutions_organised_by(admin_user(request)))
        )

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not change and not request.user.is_superuser:
            form.instance.organisers.add(request.user)


def plan_is_open(project: ChangeProject | None) -> bool:
    """Whether the admin may still edit the project's plan (its indicators): in draft only."""
    return project is None or project.state == ChangeProject.State.DRAFT


class ImpactIndicatorInline(ScopedChoicesMixin, admin.TabularInline):
    model = ImpactIndicator
    extra = 0

    # Baselines and targets are part of the approved plan the seminars judged.
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return plan_is_open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return plan_is_open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return plan_is_open(obj) and super().has_delete_permission(request, obj)


# Who the project is and what was approved: fixed once the proposal has left its draft (the
# sign-offs, seminars and grade are of exactly this), as the proposal page fixes its texts.
PROJECT_IDENTITY_FIELDS = ("participant", "cohort", "agency")
PROJECT_APPROVED_FIELDS = (*PROJECT_IDENTITY_FIELDS, *PROPOSAL_FIELDS)
# Who guides it may change while it runs (the coach page and the import do the same).
PROJECT_GUIDE_FIELDS = ("coach", "mentor")


def project_locked_fields(state: str) -> tuple[str, ...]:
    """The project's fields nobody edits in the admin in this state."""
    if state == ChangeProject.State.DRAFT:
        return ()
    if state in ChangeProject.FINAL_STATES:
        return (*PROJECT_APPROVED_FIELDS, *PROJECT_GUIDE_FIELDS)
    return PROJECT_APPROVED_FIELDS


class ChangeProjectAdminForm(forms.ModelForm):
    """The admin's project form keeps the rules the import and the coach page keep: nobody
    coaches or mentors their own project or a project of a cohort they organise, the coach is
    someone the cohort may have (`coaches_assignable_in`), the mentor the participant's
    superior (`mentor_refusal`); and what the workflow has fixed stays as it is."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instance = self.instance
        if instance.pk:
            # Locked like a transition locks it (the admin's view is atomic): a proposal
            # submitted between opening the form and saving it is not edited by the save.
            state = (
                ChangeProject.objects.select_for_update()
                .filter(pk=instance.pk)
                .values_list("state", flat=True)
                .get()
            )
            if state != instance.state:
                raise forms.ValidationError(
                    _(
                        "Proyek ini baru saja berpindah ke status “%(state)s”. Muat ulang "
                        "halaman ini; tidak ada yang disimpan."
                    )
                    % {"state": ChangeProject.State(state).label}
                )
            locked = [name for name in project_locked_fields(state) if name in self.changed_data]
            if locked:
                raise forms.ValidationError(
                    _(
                        "Proyek ini berstatus “%(state)s”: identitas dan isi rancangan yang "
                        "sudah diajukan tidak diubah di sini. Tidak ada yang disimpan."
                    )
                    % {"state": ChangeProject.State(state).label}
                )
        cohort, participant = cleaned.get("cohort"), cleaned.get("participant")
        if cohort is None or participant is None:
            return cleaned
        if "participant" in self.changed_data and (
            participant.is_staff
            or participant.is_superuser
            or cohort.organisers.filter(pk=participant.pk).exists()
        ):
            self.add_error(
                "participant", _("Akun pengelola Jejak tidak dapat menjadi peserta angkatan.")
            )
        changed = set(self.changed_data)
        coach = cleaned.get("coach")
        if coach is not None and changed & {"coach", "participant", "cohort"}:
            if coach.pk == participant.pk:
                self.add_error("coach", _("Peserta tidak dapat menjadi coach proyeknya sendiri."))
            elif not coaches_assignable_in(cohort).filter(pk=coach.pk).exists():
                self.add_error("coach", coach_not_assignable(coach, cohort))
        mentor, agency = cleaned.get("mentor"), cleaned.get("agency")
        if mentor is not None and changed & {"mentor", "participant", "cohort", "agency"}:
            refusal = mentor_refusal(
                mentor,
                is_participant=mentor.pk == participant.pk,
                agency=agency,
                lineage=agency_lineage_ids([agency.pk]) if agency else set(),
                in_cohort=cohort.projects.filter(participant=mentor)
                .exclude(pk=instance.pk)
                .exists(),
                organises_cohort=cohort.organisers.filter(pk=mentor.pk).exists(),
            )
            if refusal:
                self.add_error("mentor", refusal)
        return cleaned


@admin.register(ChangeProject)
class ChangeProjectAdmin(OrganiserScopedAdmin):
    form = ChangeProjectAdminForm
    list_display = ["title", "participant", "cohort", "agency", "coach", "mentor", "state"]
    list_filter = ["state", "cohort__programme", ("cohort", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "participant__full_name", "participant__nip"]
    list_select_related = ["participant", "cohort", "agency", "coach", "mentor"]
    autocomplete_fields = ["participant", "agency", "coach", "mentor"]
    # The state (and the deferral window grading sets) move only through the workflow's
    # transitions, never by editing.
    readonly_fields = ["state", "deferral_deadline", "created_at", "updated_at"]
    inlines = [ImpactIndicatorInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fixed
        return [*project_locked_fields(obj.state), *fixed]

    def save_model(self, request: HttpRequest, obj: ChangeProject, form, change: bool) -> None:
        # A whole-row save writes the summary columns as they were read with the form: write
        # them afresh under the row lock, in the admin's transaction.
        if change:
            ChangeProject.objects.select_for_update().filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        summary.refresh(obj.pk)


class SeminarAdminForm(forms.ModelForm):
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        cohort, projects = cleaned.get("cohort"), cleaned.get("projects")
        if cohort and projects and any(project.cohort_id != cohort.pk for project in projects):
            self.add_error("projects", _("Proyek seminar harus dari angkatan seminar ini."))
        examiners = cleaned.get("examiners")
        if cohort and examiners is not None:
            # The examiner pages' rule (`mentoring.selectors.examiner_candidates` is this one):
            # nobody examines their own cohort, and examiners are the institution's people.
            same_cohort = self.instance.pk and "cohort" not in self.changed_data
            kept = (
                set(self.instance.examiners.values_list("pk", flat=True)) if same_cohort else set()
            )
            added = [person.pk for person in examiners if person.pk not in kept]
            allowed = set(
                coaches_assignable_in(cohort).filter(pk__in=added).values_list("pk", flat=True)
            )
            if set(added) - allowed:
                self.add_error(
                    "examiners",
                    _(
                        "Penguji adalah orang lembaga pelatihan angkatan ini; peserta dan "
                        "penyelenggara angkatan ini serta admin Jejak tidak dapat menjadi penguji."
                    ),
                )
        return cleaned


@admin.register(Seminar)
class SeminarAdmin(OrganiserScopedAdmin):
    form = SeminarAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["__str__", "kind", "starts_at", "place"]
    list_filter = ["kind", ("cohort", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["place", "cohort__number"]
    filter_horizontal = ["examiners", "projects"]
    date_hierarchy = "starts_at"


@admin.register(AgencyHead)
class AgencyHeadAdmin(ReferenceDataAdmin):
    list_display = ["user", "agency", "is_delegate"]
    list_filter = ["is_delegate"]
    search_fields = ["user__full_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A head without a password yet is invited to set one.
            agency_head_invite(head=obj, by=admin_user(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Who heads which agency is about people: an organiser reads it for their own people.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user__in=people_organised_by(admin_user(request)).values("pk"))


class ImpactIndicatorAdminForm(forms.ModelForm):
    def clean_project(self) -> ChangeProject:
        project = self.cleaned_data["project"]
        if project is not None and not plan_is_open(project):
            raise forms.ValidationError(
                _("Indikator hanya dapat diubah selama rancangan proyeknya masih draf.")
            )
        return project


@admin.register(ImpactIndicator)
class ImpactIndicatorAdmin(OrganiserScopedAdmin):
    form = ImpactIndicatorAdminForm
    cohort_lookup = "project__cohort__organisers"
    list_display = ["name", "project", "unit", "baseline", "target"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or plan_is_open(obj.project))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or plan_is_open(obj.project))


class ReadOnlyAdmin(OrganiserScopedAdmin):
    """Records written by the workflow: visible in the admin, never edited there."""

    cohort_lookup = "project__cohort__organisers"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "project",
        "transition",
        "from_state",
        "to_state",
        "actor",
        "role",
    ]
    list_filter = ["transition", "role", "to_state"]
    search_fields = ["project__title", "actor__full_name", "comment"]
    list_select_related = ["project", "actor"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(SuperuserOnlyAdmin, ReadOnlyAdmin):
    """Someone's own messages: the operator may look one up, nobody else."""

    list_display = ["created_at", "recipient", "message", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["recipient__full_name", "message"]
    list_select_related = ["recipient"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    """How each email fared with the mail server; an organiser sees those of their cohorts.

    The bodies stay out: they may quote comments meant for reviewers only.
    """

    cohort_lookup = "cohort__organisers"

    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
    ]
    # Only the cohorts of the rows shown: another institution's cohort names stay out.
    list_filter = ["status", ("cohort", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["to", "subject", "last_error"]
    date_hierarchy = "created_at"
    fields = [
        "to",
        "subject",
        "cohort",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["send_again"]

    @admin.action(description=_("Kirim ulang email yang gagal"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = sum(
            email_requeue(delivery)
            for delivery in queryset.filter(status=EmailDelivery.Status.FAILED)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d email diantrekan untuk dikirim ulang.",
                "%(count)d email diantrekan untuk dikirim ulang.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )


@admin.register(DeletionRecord)
class DeletionRecordAdmin(SuperuserOnlyAdmin):
    """What was deleted, by whom, when and why: read here, never changed or removed."""

    list_display = ["deleted_at", "content_type", "object_repr", "deleted_by", "reason"]
    list_filter = ["content_type"]
    search_fields = ["object_repr", "reason", "deleted_by__full_name"]
    list_select_related = ["content_type", "deleted_by"]
    date_hierarchy = "deleted_at"
    readonly_fields = [field.name for field in DeletionRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# The admin is part of Jejak, not a separate "Django administration".
admin.site.site_header = _("Administrasi Jejak")
admin.site.site_title = _("Administrasi Jejak")
admin.site.index_title = _("Kelola data Jejak")

# Groups carry permissions and task results carry people's addresses: the operator's only.
admin.site.unregister(Group)
admin.site.unregister(DBTaskResult)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyAdmin, DjangoGroupAdmin):
    pass


@admin.register(DBTaskResult)
class DBTaskResultAdmin(SuperuserOnlyAdmin, TaskResultAdmin):
    pass


# Login attempts name people and addresses from every institution: the operator's only. Deleting
# an attempt unlocks its account or address.
@admin.register(AccessAttempt)
class AccessAttemptAdmin(SuperuserOnlyAdmin, AxesAccessAttemptAdmin):
    pass


@admin.register(AccessLog)
class AccessLogAdmin(SuperuserOnlyAdmin, AxesAccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SuperuserOnlyAdmin, AxesAccessFailureLogAdmin):
    pass


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Who was invited to what, and what became of it; an organiser reads their cohorts'. The
    operator grants the agency headships organisers proposed (action below)."""

    cohort_lookup = "cohort__organisers"
    list_display = [
        "user",
        "email",
        "role",
        "cohort",
        "agency",
        "invited_by",
        "approved_by",
        "sent_at",
        "accepted_at",
    ]
    list_filter = [
        "role",
        ("approved_by", admin.EmptyFieldListFilter),
        ("cohort", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["user__full_name", "user__nip", "user__email"]
    list_select_related = ["user", "cohort", "agency", "invited_by"]
    fields = [
        "user",
        "role",
        "cohort",
        "agency",
        "is_delegate",
        "invited_by",
        "approved_by",
        "created_at",
        "sent_at",
        "send_count",
        "accepted_at",
    ]
    actions = ["approve_agency_heads"]

    @admin.display(description=_("email"))
    def email(self, invitation: Invitation) -> str:
        # The invitation goes there: check it before approving a proposed agency head.
        return invitation.user.email

    @admin.action(description=_("Setujui kepala instansi yang diusulkan"))
    def approve_agency_heads(self, request: HttpRequest, queryset: QuerySet) -> None:
        if not request.user.is_superuser:
            raise PermissionDenied
        proposed = queryset.filter(role="agency_head", approved_by__isnull=True)
        approved = [agency_head_approve(invitation=one, by=admin_user(request)) for one in proposed]
        self.message_user(
            request,
            _("%(count)d kepala instansi ditetapkan.") % {"count": len(approved)},
            messages.SUCCESS,
        )

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("approve_agency_heads", None)
        return actions


@admin.register(ProgrammeRules)
class ProgrammeRulesAdmin(ReferenceDataAdmin):
    """The programmes' rules: the operator edits them; organisers read which apply."""

    list_display = [
        "programme",
        "regulation",
        "effective_from",
        "is_default",
        "implementation_days",
        "deferral_days",
        "lapse_outcome",
        "due_soon_days",
        "escalation_days",
        "same_as",
    ]
    list_filter = ["programme", "is_default"]
