from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import ChangeProject, Role, TransitionLog


class SignOff(models.Model):
    """A coach's or mentor's approval of one submission of the proposal or the final report."""

    class Stage(models.TextChoices):
        PROPOSAL = "proposal", _("Rancangan")
        REPORT = "report", _("Laporan")

    SIGNING_ROLES = [(Role.COACH.value, Role.COACH.label), (Role.MENTOR.value, Role.MENTOR.label)]
    WORDING = _("Disetujui untuk diseminarkan")

    project = models.ForeignKey(
        ChangeProject, verbose_name=_("proyek"), on_delete=models.PROTECT, related_name="signoffs"
    )
    submission = models.ForeignKey(
        TransitionLog,
        verbose_name=_("pengajuan"),
        on_delete=models.PROTECT,
        related_name="signoffs",
        help_text=_("Transisi yang membuka penelaahan yang disetujui."),
    )
    stage = models.CharField(_("tahap"), max_length=10, choices=Stage.choices)
    role = models.CharField(_("peran"), max_length=20, choices=SIGNING_ROLES)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penanda tangan"),
        on_delete=models.PROTECT,
        related_name="signoffs",
    )
    wording = models.CharField(_("pernyataan"), max_length=200)
    signed_at = models.DateTimeField(_("waktu persetujuan"), default=timezone.now)

    class Meta:
        verbose_name = _("persetujuan")
        verbose_name_plural = _("persetujuan")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "role"], name="one_signoff_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.signer} · {self.get_stage_display()}"
