"""Pages of one's own account: login (and its lockout), invitation, password reset and change,
profile; and the organiser's invitations and staff import."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker import accounts, staff_imports
from tracker.forms import (
    AgencyHeadProposalForm,
    LoginForm,
    PasswordResetRequestForm,
    ProfileForm,
    StaffImportForm,
    StaffPersonForm,
)
from tracker.http import AuthenticatedRequest, HtmxRequest
from tracker.imports import UnreadableFile, read_table
from tracker.models import Agency, Invitation, Role
from tracker.selectors import held_roles
from tracker.views import _get_cohort_for_organiser
from tracker.workflow import Forbidden, Refused

MODEL_BACKEND = "tracker.auth.AccountBackend"

# --- login and its lockout -------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def locked_out(request: HtmxRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login (also the admin's): when to try again (429)."""
    until = _locked_until(request, credentials)
    context = {
        "until": until,
        "minutes": max(1, round((until - timezone.now()).total_seconds() / 60)),
        "failure_limit": get_failure_limit(request, credentials),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _locked_until(request, credentials):
    """The lock lifts a cool-off after the last failure counted (attempts while locked out are
    not counted); the latest of the account's and the address's, so never too early."""
    handler = AxesProxyHandler.get_implementation()
    cool_off = get_cool_off(request)
    latest = None
    if hasattr(handler, "get_user_attempts"):
        for attempts in handler.get_user_attempts(request, credentials):
            found = attempts.aggregate(latest=Max("attempt_time"))["latest"]
            if found is not None and (latest is None or found > latest):
                latest = found
    return (latest or timezone.now()) + cool_off


# --- invitation and password reset ----------------------------------------------------------


# The mixin calls the password-reset view it is mixed into.
if TYPE_CHECKING:
    _ConfirmView = auth_views.PasswordResetConfirmView
else:
    _ConfirmView = object


class ActiveOnly(_ConfirmView):
    """A link of a deactivated account leads nowhere, even one sent before it was deactivated."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class InvitationAcceptView(ActiveOnly, auth_views.PasswordResetConfirmView):
    """The invitation link: set a password, be logged in, land on one's project."""

    token_generator = accounts.invitation_tokens
    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND

    def form_valid(self, form):
        super().form_valid(form)
        accounts.invitations_accept(self.user)
        AxesProxyHandler.reset_attempts(username=self.user.get_username())
        messages.success(
            self.request,
            _("Kata sandi tersimpan. Selamat datang di Jejak, %(name)s.")
            % {"name": self.user.get_short_name()},
        )
        return HttpResponseRedirect(accounts.landing_url(self.user))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(ActiveOnly, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_set.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever reads the account's email has just proved it: invitations are taken, and a
        # lockout of the account (by someone guessing) no longer stands in their way.
        accounts.invitations_accept(self.user)
        AxesProxyHandler.reset_attempts(username=self.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_finished.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("tracker:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi Anda sudah diganti."))
        return response


# --- profile ------------------------------------------------------------------------------


def role_links(user) -> list[dict]:
    """The roles the person holds, each with where they act in it."""
    links = {
        Role.PARTICIPANT: (reverse("reports:project-list"), _("Proyek saya")),
        Role.COACH: (reverse("reports:project-list"), _("Proyek yang saya dampingi")),
        Role.MENTOR: (reverse("reports:project-list"), _("Proyek yang saya mentori")),
        Role.EXAMINER: (reverse("mentoring:seminar-list"), _("Seminar yang saya uji")),
        Role.ORGANISER: (reverse("tracker:home"), _("Angkatan yang saya selenggarakan")),
        Role.AGENCY_HEAD: (reverse("tracker:home"), _("Dasbor instansi")),
        Role.ADMIN: (reverse("admin:index"), _("Administrasi")),
    }
    held = held_roles(user)
    return [
        {"role": role.label, "url": links[role][0], "where": links[role][1]}
        for role in Role
        if role in held
    ]


@require_http_methods(["GET", "POST"])
@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changed = accounts.user_update_profile(user=user, data=form.cleaned_data)
            messages.success(
                request, _("Profil tersimpan.") if changed else _("Tidak ada yang berubah.")
            )
            response = redirect("tracker:profile")
            # The language cookie outranks the account's language (PreferredLanguageMiddleware).
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
            return response
        status = 400
    context = {"form": form, "person": user, "roles": role_links(user)}
    return render(request, "tracker/user_profile.html", context, status=status)


# --- organiser: invitations of a cohort -----------------------------------------------------


@require_GET
@login_required
def invitation_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    invitations = list(accounts.cohort_invitations(cohort))
    counts = dict.fromkeys(Invitation.Status, 0)
    for invitation in invitations:
        counts[invitation.status] += 1
    context = {
        "cohort": cohort,
        "invitations": invitations,
        "counts": [
            (status.label, counts[status]) for status in Invitation.Status if counts[status]
        ],
        "days": settings.INVITATION_DAYS,
    }
    return render(request, "tracker/invitation_list.html", context)


def _invitations_answer(request, cohort, message: str, *, error: bool = False) -> HttpResponse:
    (messages.error if error else messages.success)(request, message)
    return redirect("tracker:invitations", cohort.pk)


@require_POST
@login_required
def invitation_resend(request: AuthenticatedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    invitation = get_object_or_404(cohort.invitations.select_related("user"), pk=invitation_pk)
    try:
        sent = accounts.invitation_resend(invitation=invitation, by=request.user)
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from None
    except Refused as refused:
        return _invitations_answer(request, cohort, refused.message, error=True)
    if sent:
        message = _("Undangan dikirim ulang ke %(name)s (%(email)s) dengan tautan baru.")
    else:
        message = _("Undangan ke %(name)s (%(email)s) baru saja dikirim; tidak dikirim dua kali.")
    return _invitations_answer(
        request, cohort, message % {"name": invitation.user, "email": invitation.user.email}
    )


@require_POST
@login_required
def invitations_resend_all(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    try:
        count = accounts.cohort_resend_invitations(cohort=cohort, by=request.user)
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from None
    return _invitations_answer(
        request,
        cohort,
        _("%(count)d undangan yang belum diterima dikirim ulang.") % {"count": count},
    )


# --- organiser: staff import ----------------------------------------------------------------

STAFF_SESSION_KEY = "staff_import"


def _staff_context(cohort, form) -> dict:
    return {
        "cohort": cohort,
        "form": form,
        "person_form": StaffPersonForm(),
        "columns": staff_imports.STAFF_COLUMNS.labels.values(),
        "roles": [label for _value, label in staff_imports.STAFF_ROLE_CHOICES],
        "preview": None,
        "imported": None,
        "token": "",
        "notice": "",
        "refusal": "",
    }


def _render_staff(request, context: dict, status: int = 200) -> HttpResponse:
    template = "tracker/staff_import.html"
    if request.htmx:
        template += "#staff-panel"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def staff_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A staff list, or one person typed in (a list of one): previewed, then confirmed."""
    cohort = _get_cohort_for_organiser(request, pk)
    bound = request.method == "POST"
    one = bound and request.POST.get("one") == "1"
    form = StaffImportForm(request.POST, request.FILES) if bound and not one else StaffImportForm()
    person = StaffPersonForm(request.POST if one else None)
    context = {**_staff_context(cohort, form), "person_form": person}
    if not bound:
        return _render_staff(request, context)
    request.session.pop(STAFF_SESSION_KEY, None)
    if one:
        if not person.is_valid():
            return _render_staff(request, context, status=400)
        rows = [{"line": "1", **person.cleaned_data}]
    else:
        if not form.is_valid():
            return _render_staff(request, context, status=400)
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload.name, upload.read(), columns=staff_imports.STAFF_COLUMNS)
        except UnreadableFile as unreadable:
            form.add_error("file", unreadable.message)
            return _render_staff(request, context, status=400)
    preview = staff_imports.check_staff_rows(cohort, rows, by=request.user)
    context["preview"] = preview
    if not preview.ok:
        return _render_staff(request, context, status=400)
    token = secrets.token_urlsafe(16)
    request.session[STAFF_SESSION_KEY] = {"cohort": cohort.pk, "token": token, "rows": rows}
    context["token"] = token
    return _render_staff(request, context)


@require_POST
@login_required
def staff_import_confirm(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    stored = request.session.get(STAFF_SESSION_KEY) or {}
    context = _staff_context(cohort, StaffImportForm())
    if stored.get("cohort") != cohort.pk or not constant_time_compare(
        stored.get("token", ""), request.POST.get("token", "")
    ):
        context["refusal"] = _(
            "Pratinjau impor tidak ditemukan atau sudah diganti; unggah berkasnya lagi."
        )
        return _render_staff(request, context, status=400)
    try:
        preview = staff_imports.cohort_import_staff(
            cohort=cohort, by=request.user, rows=stored["rows"]
        )
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from None
    except staff_imports.StaffImportRefused as refused:
        request.session.pop(STAFF_SESSION_KEY, None)
        context.update(preview=refused.preview, refusal=refused.message)
        return _render_staff(request, context, status=400)
    request.session.pop(STAFF_SESSION_KEY, None)
    message = (
        _(
            "Impor staf selesai: %(new)d akun baru diundang, %(invite)d akun yang sudah ada "
            "diundang, %(invited)d sudah diundang sebelumnya, %(known)d sudah dapat masuk."
        )
        % preview.counts
    )
    if request.htmx:
        context.update(imported=preview, notice=message)
        return _render_staff(request, context)
    messages.success(request, message)
    return redirect("tracker:invitations", cohort.pk)


# --- organiser: proposing an agency head --------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def agency_head_proposal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    agencies = Agency.objects.filter(pk__in=accounts.agencies_of_cohort(cohort)).order_by("name")
    form = AgencyHeadProposalForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = accounts.agency_head_propose(cohort=cohort, by=request.user, **data)
            except Forbidden as refused:
                raise PermissionDenied(refused.message) from None
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s diusulkan sebagai kepala %(agency)s. Admin Jejak menetapkannya; "
                        "undangan dikirim setelah itu."
                    )
                    % {"name": invitation.user, "agency": invitation.agency},
                )
                return redirect("tracker:agency-head-proposal", cohort.pk)
    proposals = (
        Invitation.objects.filter(
            role=Role.AGENCY_HEAD, invited_by=request.user, agency__in=agencies
        )
        .select_related("user", "agency", "notification__email")
        .order_by("agency__name", "user__full_name")
    )
    context = {"cohort": cohort, "form": form, "proposals": proposals}
    return render(request, "tracker/agency_head_proposal.html", context, status=status)
