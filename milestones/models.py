"""The milestone plan of a project, its workflow, schedule changes, evidence and ratings."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from tracker.models import (
    AppendOnlyMixin,
    AppendOnlyQuerySet,
    ChangeProject,
    EmailDelivery,
    ImpactIndicator,
    Role,
    Seminar,
)
from tracker.workflow import Stale, WorkflowModel, acting_as, guard

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

P = ChangeProject.State

# While the proposal is being written (or revised after the seminar, which sends it back through
# coach and mentor approval) the participant edits the plan freely.
PLAN_EDITABLE_STATES = frozenset({P.DRAFT, P.PROPOSAL_REVISION})
# Once coach and mentor approved the proposal, adding a milestone or moving a due date needs the
# mentor's approval of a change request.
CHANGE_REQUEST_STATES = frozenset(
    {
        P.PROPOSAL_SEMINAR,
        P.IMPLEMENTATION,
        P.REPORT_REVIEW,
        P.RESULTS_SEMINAR,
        P.PASSED,
        P.DEFERRED,
        P.MONITORING,
    }
)
# Milestones are carried out (started, evidenced, reviewed) from implementation on; medium- and
# long-term ones go on after training.
WORK_STATES = CHANGE_REQUEST_STATES - {P.PROPOSAL_SEMINAR}


def lock_project(project_id: int) -> ChangeProject:
    """Lock the project row, first: milestone steps and project transitions take their locks in
    the same order, so a report submitted while a short-term milestone is sent back sees one
    or the other."""
    return (
        ChangeProject.objects.select_for_update(of=("self",))
        .select_related("cohort", "agency")
        .get(pk=project_id)
    )


class Term(models.TextChoices):
    SHORT = "short", _("Jangka pendek")
    MEDIUM = "medium", _("Jangka menengah")
    LONG = "long", _("Jangka panjang")


class CoreValue(models.TextChoices):
    """The civil service's core values (BerAKHLAK) a Latsar activity applies."""

    SERVICE = "berorientasi_pelayanan", _("Berorientasi Pelayanan")
    ACCOUNTABLE = "akuntabel", _("Akuntabel")
    COMPETENT = "kompeten", _("Kompeten")
    HARMONIOUS = "harmonis", _("Harmonis")
    LOYAL = "loyal", _("Loyal")
    ADAPTIVE = "adaptif", _("Adaptif")
    COLLABORATIVE = "kolaboratif", _("Kolaboratif")


TERM_RANK = models.Case(
    models.When(term=Term.SHORT, then=models.Value(0)),
    models.When(term=Term.MEDIUM, then=models.Value(1)),
    default=models.Value(2),
)


class Milestone(WorkflowModel):
    """One activity of the plan (tonggak): who does what by when, and what it produces."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        IN_PROGRESS = "in_progress", _("Sedang dikerjakan")
        SUBMITTED = "submitted", _("Diajukan")
        ACCEPTED = "accepted", _("Diterima")
        RETURNED = "returned", _("Dikembalikan")

    # Evidence may be added or removed only while the participant is still working on it.
    EVIDENCE_STATES = frozenset({State.PLANNED, State.IN_PROGRESS, State.RETURNED})

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    term = models.CharField(_("jangka"), max_length=10, choices=Term.choices)
    activity = models.CharField(_("kegiatan"), max_length=300)
    implementer = models.CharField(_("pelaksana"), max_length=200)
    start_date = models.DateField(_("tanggal mulai"))
    due_date = models.DateField(_("tenggat"))
    expected_output = models.CharField(_("keluaran yang diharapkan"), max_length=300)
    # Latsar's habituation activities each name the core values they apply (CoreValue codes).
    core_values = models.JSONField(_("nilai dasar BerAKHLAK"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=1)
    state = FSMField(
        _("status"), max_length=20, choices=State.choices, default=State.PLANNED, protected=True
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    # Copies the database keeps (tracker/summary.py), whoever writes: the latest of its creation,
    # its steps and its evidence (what "stuck" weighs), and its latest submission (the order of
    # a reviewer's queue).
    last_activity_at = models.DateTimeField(
        _("aktivitas terakhir"), default=timezone.now, editable=False
    )
    submitted_at = models.DateTimeField(_("terakhir diajukan"), null=True, editable=False)

    class Meta:
        verbose_name = _("tonggak")
        verbose_name_plural = _("tonggak")
        ordering = ["project_id", TERM_RANK, "order", "due_date", "pk"]
        indexes = [models.Index(fields=["project", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")),
                name="milestone_due_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.activity

    def get_absolute_url(self) -> str:
        return reverse("milestones:detail", args=[self.pk])

    # --- guards: pure reads that say why a step may not run ('' when it may) -----------------

    def project_at_rest_reason(self) -> StrOrPromise:
        if self.project.state in WORK_STATES:
            return ""
        return _(
            "Tonggak dikerjakan setelah rancangan disetujui: selama implementasi dan pemantauan "
            "pascapelatihan. Status proyek sekarang: %(state)s."
        ) % {"state": self.project.get_state_display()}

    def evidence_missing_reason(self) -> StrOrPromise:
        if self.evidence.exists():
            return ""
        return _("Unggah minimal satu bukti (berkas atau tautan) sebelum mengajukan tonggak ini.")

    # --- the workflow machinery's questions ------------------------------------------------

    WORKFLOW_UPDATE_FIELDS = ["state", "updated_at"]
    WORKFLOW_RELATED = ("project__cohort", "project__agency")

    def lock_related(self) -> None:
        lock_project(self.project_id)

    def stale_refusal(self) -> Stale:
        return Stale(
            _(
                "Tonggak ini sekarang berstatus “%(state)s”. Tidak ada yang diubah; periksa "
                "kembali sebelum melanjutkan."
            )
            % {"state": self.get_state_display()}
        )

    # --- transitions: each changes only this row; services do the rest --------------------

    @transition(
        field=state,
        source=State.PLANNED,
        target=State.IN_PROGRESS,
        conditions=[guard(project_at_rest_reason)],
        permission=acting_as(Role.PARTICIPANT),
        custom={"label": _("Mulai kerjakan"), "notify": ()},
    )
    def start(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.IN_PROGRESS, State.RETURNED],
        target=State.SUBMITTED,
        conditions=[guard(project_at_rest_reason), guard(evidence_missing_reason)],
        permission=acting_as(Role.PARTICIPANT),
        custom={"label": _("Ajukan untuk diperiksa"), "notify": (Role.COACH, Role.MENTOR)},
    )
    def submit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.ACCEPTED,
        conditions=[guard(project_at_rest_reason)],
        permission=acting_as(Role.MENTOR, Role.COACH),
        custom={"label": _("Terima"), "notify": (Role.PARTICIPANT,), "comment_allowed": True},
    )
    def accept(self) -> None:
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        conditions=[guard(project_at_rest_reason)],
        permission=acting_as(Role.MENTOR, Role.COACH),
        custom={
            "label": _("Kembalikan"),
            "notify": (Role.PARTICIPANT,),
            "comment_required": True,
        },
    )
    def send_back(self) -> None:
        pass


class ChangeRequest(WorkflowModel):
    """After approval, a new milestone or a moved due date waits for the mentor's decision."""

    class Kind(models.TextChoices):
        ADDITION = "addition", _("Tambah tonggak")
        RESCHEDULE = "reschedule", _("Ubah tenggat")

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu keputusan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.CASCADE,
        related_name="milestone_change_requests",
    )
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("tonggak"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text=_("Tonggak yang dijadwal ulang, atau yang dibuat saat usulan disetujui."),
    )
    reason = models.TextField(_("alasan"))
    # The proposed milestone (additions) ...
    term = models.CharField(_("jangka"), max_length=10, choices=Term.choices, blank=True)
    activity = models.CharField(_("kegiatan"), max_length=300, blank=True)
    implementer = models.CharField(_("pelaksana"), max_length=200, blank=True)
    start_date = models.DateField(_("tanggal mulai"), null=True, blank=True)
    expected_output = models.CharField(_("keluaran yang diharapkan"), max_length=300, blank=True)
    # ... and the due date before and after (old is empty for additions).
    old_due_date = models.DateField(_("tenggat lama"), null=True, blank=True)
    new_due_date = models.DateField(_("tenggat baru"))
    state = FSMField(
        _("status"), max_length=10, choices=State.choices, default=State.PENDING, protected=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("waktu pengajuan"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("waktu keputusan"), null=True, blank=True)
    decision_comment = models.TextField(_("catatan keputusan"), blank=True)

    class Meta:
        verbose_name = _("usulan perubahan jadwal")
        verbose_name_plural = _("usulan perubahan jadwal")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"],
                condition=models.Q(state="pending", kind="reschedule"),
                name="one_pending_reschedule_per_milestone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.activity or self.milestone}"

    @property
    def title(self) -> str:
        return self.activity if self.kind == self.Kind.ADDITION else str(self.milestone)

    WORKFLOW_UPDATE_FIELDS = ["state", "decided_by", "decided_at", "decision_comment"]
    WORKFLOW_RELATED = ("project__cohort", "project__agency")

    def lock_related(self) -> None:
        lock_project(self.project_id)

    def stale_refusal(self) -> Stale:
        return Stale(
            _("Usulan ini sudah diputuskan: %(state)s. Tidak ada yang diubah.")
            % {"state": self.get_state_display()}
        )

    @transition(
        field=state,
        source=State.PENDING,
        target=State.APPROVED,
        permission=acting_as(Role.MENTOR),
        custom={"label": _("Setujui perubahan"), "comment_allowed": True},
    )
    def approve(self, by, comment: str = "") -> None:
        self.decided_by, self.decided_at, self.decision_comment = by, timezone.now(), comment

    @transition(
        field=state,
        source=State.PENDING,
        target=State.REJECTED,
        permission=acting_as(Role.MENTOR),
        custom={"label": _("Tolak perubahan"), "comment_required": True},
    )
    def reject(self, by, comment: str = "") -> None:
        self.decided_by, self.decided_at, self.decision_comment = by, timezone.now(), comment


class MilestoneLog(AppendOnlyMixin, models.Model):
    """One row per step of a milestone or a change request: who, as what, from where to where."""

    class Action(models.TextChoices):
        START = "start", _("Mulai kerjakan")
        SUBMIT = "submit", _("Ajukan untuk diperiksa")
        ACCEPT = "accept", _("Terima")
        SEND_BACK = "send_back", _("Kembalikan")
        REQUEST_CHANGE = "request_change", _("Usulkan perubahan jadwal")
        APPROVE = "approve", _("Setujui perubahan")
        REJECT = "reject", _("Tolak perubahan")

    STATE_CHOICES = [*Milestone.State.choices, *ChangeRequest.State.choices]

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="milestone_logs",
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("tonggak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logs",
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("usulan perubahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    from_state = models.CharField(
        _("dari status"), max_length=20, choices=STATE_CHOICES, blank=True
    )
    to_state = models.CharField(_("ke status"), max_length=20, choices=STATE_CHOICES)
    comment = models.TextField(_("komentar"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat tonggak")
        verbose_name_plural = _("riwayat tonggak")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.action} {self.from_state} → {self.to_state}"


ALLOWED_EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def evidence_path(evidence: Evidence, filename: str) -> str:
    """A random stored name: the person's file name never reaches the file system."""
    extension = PurePath(filename).suffix.lower()
    project_id = evidence.milestone.project_id
    return f"evidence/{project_id}/{uuid.uuid4().hex}{extension}"


class Evidence(models.Model):
    """Proof that a milestone happened: an uploaded document or photo, or a link."""

    class Kind(models.TextChoices):
        FILE = "file", _("Berkas")
        LINK = "link", _("Tautan")

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("tonggak"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("jenis"), max_length=5, choices=Kind.choices)
    caption = models.CharField(_("keterangan"), max_length=300)
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=200, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=150, blank=True)
    content_type = models.CharField(_("jenis isi"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("ukuran (bita)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("waktu unggah"), default=timezone.now)

    class Meta:
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "sha256"],
                condition=~models.Q(sha256=""),
                name="one_copy_of_a_file_per_milestone",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="file") & ~models.Q(file=""))
                | (models.Q(kind="link") & ~models.Q(url="")),
                name="evidence_is_a_file_or_a_link",
            ),
        ]

    def __str__(self) -> str:
        return self.caption

    @property
    def is_file(self) -> bool:
        return self.kind == self.Kind.FILE

    def get_download_url(self) -> str:
        return reverse("milestones:download-evidence", args=[self.pk])


class MilestoneRating(models.Model):
    """An examiner's judgement at the results seminar of how far a short-term milestone got."""

    class Rating(models.TextChoices):
        BELOW = "kurang", _("Kurang (di bawah target)")
        ON = "sesuai", _("Sesuai target")
        ABOVE = "melampaui", _("Melampaui target")

    # PROTECT: a rating is removed on its own, with a deletion record, never along the way.
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("tonggak"), on_delete=models.PROTECT, related_name="ratings"
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        on_delete=models.PROTECT,
        related_name="milestone_ratings",
    )
    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_ratings",
    )
    rating = models.CharField(_("capaian"), max_length=10, choices=Rating.choices)
    note = models.TextField(_("catatan"), blank=True)
    rated_at = models.DateTimeField(_("waktu penilaian"), default=timezone.now)

    class Meta:
        verbose_name = _("penilaian capaian tonggak")
        verbose_name_plural = _("penilaian capaian tonggak")
        ordering = ["milestone_id", "examiner__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "examiner"], name="one_rating_per_examiner_per_milestone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.milestone} · {self.examiner} · {self.get_rating_display()}"


class IndicatorMeasurement(models.Model):
    """A value an impact indicator actually reached on a date, optionally backed by evidence."""

    # PROTECT: a measurement is removed on its own, with a deletion record, never along the way.
    indicator = models.ForeignKey(
        ImpactIndicator,
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    value = models.DecimalField(_("nilai"), max_digits=14, decimal_places=2)
    measured_on = models.DateField(_("tanggal pengukuran"))
    note = models.TextField(_("catatan"), blank=True)
    evidence = models.ForeignKey(
        Evidence,
        verbose_name=_("bukti"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("waktu pencatatan"), default=timezone.now)

    class Meta:
        verbose_name = _("pengukuran indikator")
        verbose_name_plural = _("pengukuran indikator")
        ordering = ["-measured_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"


class Reminder(models.Model):
    """The one reminder email a person gets on a day, of either kind: a second run that day, of
    the same command or of the other one, sends nothing (`services.remind_once_a_day`)."""

    class Kind(models.TextChoices):
        WORK = "work", _("hal yang menunggu")
        SURVEY = "survey", _("survei pascapelatihan")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.WORK)
    sent_on = models.DateField(_("tanggal"))
    items = models.PositiveSmallIntegerField(_("jumlah butir"))
    sent_at = models.DateTimeField(_("waktu kirim"), default=timezone.now)
    # The day's email; when the worker gave up on it, the next run of the command tries again.
    delivery = models.ForeignKey(
        EmailDelivery,
        verbose_name=_("pengiriman email"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        ordering = ["-sent_on", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.sent_on}"


def core_value_labels(codes: list[str]) -> str:
    """The core values' names, in BerAKHLAK order, joined for print."""
    labels = dict(CoreValue.choices)
    return ", ".join(str(labels[code]) for code in CoreValue.values if code in codes)
