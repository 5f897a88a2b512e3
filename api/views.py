"""Pages of the API app: personal tokens on the profile, a cohort's tokens and webhooks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import selectors, services
from api.forms import InstitutionTokenForm, TokenForm, WebhookForm
from api.models import ApiToken, Webhook, WebhookDelivery
from tracker.http import AuthenticatedRequest
from tracker.models import Cohort
from tracker.workflow import Forbidden, Refused


def _get_cohort_for_organiser(request: AuthenticatedRequest, pk: int) -> Cohort:
    """A cohort the user organises; the admin gets 403, everyone else 404."""
    cohort = get_object_or_404(Cohort, pk=pk)
    if cohort.organisers.filter(pk=request.user.pk).exists():
        return cohort
    if request.user.is_superuser:
        raise PermissionDenied
    raise Http404


def _create_token(request: AuthenticatedRequest, form: TokenForm, **reach) -> ApiToken | None:
    """Make the token from a valid form; None (with the reason on the form) if refused."""
    try:
        token = services.token_create(
            by=request.user,
            form_token=form.cleaned_data["form_token"],
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_on=form.cleaned_data["expires_on"],
            **reach,
        )
    except Forbidden as refused:
        raise PermissionDenied(refused.message) from None
    except Refused as refused:
        form.add_error(None, refused.message)
        return None
    if not hasattr(token, "plain"):
        messages.warning(
            request,
            _(
                "Token “%(name)s” sudah dibuat oleh kiriman sebelumnya; rahasianya hanya "
                "ditampilkan sekali. Cabut lalu buat token baru bila Anda belum menyalinnya."
            )
            % {"name": token.name},
        )
    return token


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST if request.method == "POST" else None)
    created, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            created = _create_token(request, form)
            if created is not None:
                status, form = 200, TokenForm()
    context = {
        "form": form,
        "tokens": selectors.tokens_of(request.user),
        "created": created,
        "cohort": None,
    }
    return render(request, "api/token_list.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("cohort"), pk=pk)
    if not services.may_revoke(token, request.user):
        raise Http404
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” dicabut.") % {"name": token.name})
    if token.cohort_id:
        return redirect("api:cohort-tokens", token.cohort_id)
    if token.kind == ApiToken.Kind.INSTITUTION:
        return redirect("api:institution-tokens")
    return redirect("api:tokens")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def cohort_tokens(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    form = TokenForm(request.POST if request.method == "POST" else None)
    created, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            created = _create_token(request, form, cohort=cohort)
            if created is not None:
                status, form = 200, TokenForm()
    context = {
        "form": form,
        "tokens": selectors.cohort_tokens(cohort),
        "created": created,
        "cohort": cohort,
    }
    return render(request, "api/token_list.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def institution_tokens(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    form = InstitutionTokenForm(request.POST if request.method == "POST" else None)
    created, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            created = _create_token(request, form, institution=form.cleaned_data["institution"])
            if created is not None:
                status, form = 200, InstitutionTokenForm()
    context = {
        "form": form,
        "tokens": selectors.institution_tokens(),
        "created": created,
        "cohort": None,
        "institutions": True,
    }
    return render(request, "api/token_list.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def webhook_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    cohort = _get_cohort_for_organiser(request, pk)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    created, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                webhook = services.webhook_create(
                    cohort=cohort,
                    by=request.user,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                )
            except Forbidden as refused:
                raise PermissionDenied(refused.message) from None
            except Refused as refused:
                form.add_error("url", refused.message)
            else:
                # Shown on this answer only (never in a message, which may travel in a cookie).
                created, status, form = webhook, 200, WebhookForm()
    context = {
        "cohort": cohort,
        "created": created,
        "form": form,
        "webhooks": selectors.webhooks_of(cohort),
        "deliveries": selectors.deliveries_of(cohort),
    }
    return render(request, "api/webhook_list.html", context, status=status)


@require_POST
@login_required
def webhook_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(Webhook.objects.select_related("cohort"), pk=pk)
    cohort = _get_cohort_for_organiser(request, webhook.cohort_id)
    services.webhook_delete(webhook=webhook, by=request.user)
    messages.success(request, _("Webhook %(url)s dihapus.") % {"url": webhook.url})
    return redirect("api:webhooks", cohort.pk)


@require_POST
@login_required
def webhook_redeliver(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("webhook__cohort"), pk=pk)
    cohort = _get_cohort_for_organiser(request, delivery.webhook.cohort_id)
    services.webhook_redeliver(delivery=delivery, by=request.user)
    messages.success(request, _("Peristiwa dikirim ulang; lihat hasilnya di log pengiriman."))
    return redirect("api:webhooks", cohort.pk)
