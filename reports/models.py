from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import ChangeProject


def document_upload_to(document: GeneratedDocument, filename: str) -> str:
    # Media may be served by a plain web server, and the code is printed on every page: the
    # file's name must not follow from the code, so it gets its own random part.
    generated = timezone.localtime(document.generated_at)
    return f"documents/{generated:%Y/%m}/{document.kind}-{secrets.token_hex(16)}.pdf"


class GeneratedDocument(models.Model):
    """One PDF that Jejak issued: anyone holding its code can check what it is and its hash."""

    class Kind(models.TextChoices):
        PROJECT_REPORT = "project_report", _("Laporan proyek perubahan")
        APPROVAL_PAGE = "approval_page", _("Lembar persetujuan rancangan")
        SEMINAR_MINUTES = "seminar_minutes", _("Berita acara seminar")
        AGENCY_REPORT = "agency_report", _("Laporan dampak instansi")
        COHORT_RECAP = "cohort_recap", _("Rekapitulasi angkatan")

    code = models.CharField(_("kode verifikasi"), max_length=16, unique=True)
    kind = models.CharField(_("jenis dokumen"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=300)
    subject = models.CharField(
        _("perihal"),
        max_length=500,
        help_text=_("Untuk siapa dokumen ini, misalnya proyek dan peserta."),
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="generated_documents",
    )
    generated_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibuat oleh"),
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    data_sha256 = models.CharField(
        _("sidik data"),
        max_length=64,
        db_index=True,
        help_text=_("SHA-256 dari data dokumen: data yang sama memakai dokumen yang sama."),
    )
    sha256 = models.CharField(_("SHA-256 berkas"), max_length=64)
    file = models.FileField(_("berkas"), upload_to=document_upload_to, max_length=200)

    class Meta:
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        ordering = ["-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.display_code} · {self.title}"

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed on the document."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def get_absolute_url(self) -> str:
        return reverse("reports:verify", args=[self.code])

    @property
    def verification_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()
