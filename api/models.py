"""API tokens (personal and organisation) and webhooks with their delivery log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Cohort


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens not revoked and not expired, of active accounts."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )


class ApiToken(models.Model):
    """A bearer token: shown once, stored as a digest, with an expiry, a scope and a reach.

    A personal token acts as its owner and reaches what they reach on the pages. An organisation
    token (a cohort's, made by one of its organisers; an institution's, made by the admin) also
    acts as the person who made it, narrowed to that cohort's or institution's projects.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Pribadi")
        COHORT = "cohort", _("Angkatan")
        INSTITUTION = "institution", _("Lembaga pelatihan")

    class Scope(models.TextChoices):
        READ = "read", _("Baca")
        WRITE = "write", _("Baca dan tulis")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.PERSONAL)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("angkatan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    institution = models.CharField(_("lembaga pelatihan"), max_length=200, blank=True)
    name = models.CharField(_("nama"), max_length=100)
    scope = models.CharField(_("cakupan"), max_length=5, choices=Scope.choices)
    prefix = models.CharField(_("awalan"), max_length=12)
    digest = models.CharField(_("sidik token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    expires_at = models.DateTimeField(_("kedaluwarsa"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_token_reach_matches_kind",
                condition=(
                    models.Q(kind="personal", cohort__isnull=True, institution="")
                    | models.Q(kind="cohort", cohort__isnull=False, institution="")
                    | (
                        models.Q(kind="institution", cohort__isnull=True)
                        & ~models.Q(institution="")
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def writes(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Webhook(models.Model):
    """An HTTPS endpoint an organiser registered for their cohort's events."""

    class Event(models.TextChoices):
        PROJECT_STATE_CHANGED = "project.state_changed", _("Status proyek berubah")
        MILESTONE_ACCEPTED = "milestone.accepted", _("Tonggak diterima")
        REPORT_GRADED = "report.graded", _("Laporan dinilai")
        SURVEY_SUBMITTED = "survey.submitted", _("Survei diisi")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("angkatan"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("alamat"), max_length=500)
    secret = models.CharField(_("rahasia"), max_length=64)
    events = models.JSONField(_("peristiwa"), default=list)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhook")
        ordering = ["cohort", "pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one webhook, with the outcome of its attempts."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RETRYING = "retrying", _("Dicoba lagi")
        DELIVERED = "delivered", _("Terkirim")
        FAILED = "failed", _("Gagal")

    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("peristiwa"), max_length=40, choices=Webhook.Event.choices)
    payload = models.JSONField(_("isi"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    response_status = models.PositiveSmallIntegerField(_("kode jawaban"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("percobaan terakhir"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"
