from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Agency, ChangeProject


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
        PROPOSAL = "proposal", _("Rancangan")
        ENDORSEMENT_PAGE = "endorsement_page", _("Lembar pengesahan laporan")
        FINAL_REPORT = "final_report", _("Laporan akhir")
        CONTROL_FORM = "control_form", _("Kartu kendali konsultasi")
        COMMITMENT = "commitment", _("Komitmen pascapelatihan")

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


class ReportJob(models.Model):
    """A report about many projects, asked for by one person and built in the background.

    Its page shows the progress (projects laid out of all) and, once done, the document; a failed
    or overdue job can be run again by whoever asked for it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    class Failure(models.TextChoices):
        TIME_LIMIT = "time_limit", _("Melebihi batas waktu")
        ERROR = "error", _("Kesalahan sistem")

    kind = models.CharField(
        _("jenis laporan"), max_length=30, choices=GeneratedDocument.Kind.choices
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diminta oleh"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    parameters = models.JSONField(
        _("parameter"), default=dict, help_text=_("Instansi, angkatan atau tahun yang diminta.")
    )
    title = models.CharField(_("cakupan"), max_length=300)
    data_key = models.CharField(
        _("kunci data"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("SHA-256 dari data laporan saat diminta atau dibuat."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("proyek selesai disusun"), default=0)
    progress_total = models.PositiveIntegerField(_("jumlah proyek"), default=0)
    failure = models.CharField(_("sebab gagal"), max_length=20, choices=Failure.choices, blank=True)
    error = models.TextField(_("rincian kesalahan"), blank=True)
    document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("dokumen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
    )
    attempt = models.PositiveSmallIntegerField(_("percobaan ke"), default=1)
    task_id = models.CharField(_("ID tugas latar"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("diminta pada"), default=timezone.now)
    started_at = models.DateTimeField(_("mulai dibuat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("pembuatan laporan")
        verbose_name_plural = _("pembuatan laporan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("reports:job", args=[self.pk])

    def timed_out(self, now=None) -> bool:
        """Running well past the time limit: its worker stopped without saying so."""
        if self.status != self.Status.RUNNING or self.started_at is None:
            return False
        grace = datetime.timedelta(seconds=settings.REPORT_JOB_TIME_LIMIT + 60)
        return (now or timezone.now()) > self.started_at + grace

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED or self.timed_out()

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.timed_out()

    @property
    def failure_message(self) -> str:
        """Why the job failed and what to do, in the reader's language."""
        if self.failure == self.Failure.ERROR:
            return _(
                "Laporan gagal dibuat karena kesalahan pada sistem. Coba lagi; bila tetap gagal, "
                "hubungi admin Jejak dan sebutkan nomor permintaan %(number)s."
            ) % {"number": self.pk}
        return _(
            "Pembuatan laporan dihentikan karena melewati batas waktu %(minutes)s menit. Coba "
            "lagi; bila tetap gagal, persempit cakupannya dengan memilih angkatan atau tahun."
        ) % {"minutes": max(1, settings.REPORT_JOB_TIME_LIMIT // 60)}

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.progress_done * 100 // self.progress_total if self.progress_total else 0


class AgencyFigures(models.Model):
    """That one agency's dashboard figures were counted on `computed_on` (`reports.figures`),
    and how many projects it had: the counts themselves are its `AgencyFigureCount` rows."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("instansi"), primary_key=True, on_delete=models.CASCADE
    )
    computed_on = models.DateField(_("dihitung pada"))
    projects = models.PositiveIntegerField(_("jumlah proyek"))

    class Meta:
        verbose_name = _("angka instansi")
        verbose_name_plural = _("angka instansi")

    def __str__(self) -> str:
        return f"{self.agency_id} @ {self.computed_on}"


class AgencyFigureCount(models.Model):
    """One count of an agency's figures, named by `key` (`reports.figures.Figures.counts`): a
    row per count, so the database adds up a thousand agencies' in one grouped read."""

    agency = models.ForeignKey(
        AgencyFigures, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="counts"
    )
    key = models.CharField(_("kunci"), max_length=120)
    count = models.PositiveIntegerField(_("jumlah"))

    class Meta:
        verbose_name = _("hitungan angka instansi")
        verbose_name_plural = _("hitungan angka instansi")
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="one_count_per_agency_and_key")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.key}={self.count}"


class AgencySubtreeCount(models.Model):
    """One count of the figures of an agency and every unit under it added up, named as an
    `AgencyFigureCount` is: a province's head reads their province's rows, not each unit's.
    Moved by the changes of the units' counts as they are stored (`reports.figures`)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("kunci"), max_length=120)
    count = models.IntegerField(_("jumlah"))

    class Meta:
        verbose_name = _("hitungan angka instansi beserta unitnya")
        verbose_name_plural = _("hitungan angka instansi beserta unitnya")
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="one_subtree_count_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}+ {self.key}={self.count}"


class AgencyFiguresMark(models.Model):
    """An agency whose figures changed since they were computed. Written by database triggers
    on every change to its projects or milestones; deleted by whoever recomputed the figures,
    exactly the rows it read (`reports.figures`)."""

    # A bare id, not a foreign key: triggers write it, and an agency being deleted still marks.
    agency = models.BigIntegerField(_("instansi"), db_index=True)

    class Meta:
        verbose_name = _("tanda angka instansi")
        verbose_name_plural = _("tanda angka instansi")
