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


# --- Comments, consultations and journal


class Comment(models.Model):
    """A remark on a project, for everyone on it or for its reviewers only."""

    class Visibility(models.TextChoices):
        EVERYONE = "everyone", _("Semua pihak proyek ini")
        REVIEWERS = "reviewers", _("Hanya penelaah (coach, mentor, penguji, penyelenggara)")

    # Agency heads only read: they follow the project but are not part of its conversation. The
    # admin (operator) reads everything and writes only if they also hold one of these roles.
    WRITING_ROLES = (Role.PARTICIPANT, Role.COACH, Role.MENTOR, Role.EXAMINER, Role.ORGANISER)
    REVIEWER_ROLES = frozenset({Role.COACH, Role.MENTOR, Role.EXAMINER, Role.ORGANISER})

    project = models.ForeignKey(
        ChangeProject, verbose_name=_("proyek"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.PROTECT,
        related_name="project_comments",
    )
    author_role = models.CharField(_("peran penulis"), max_length=20, choices=Role.choices)
    body = models.TextField(_("komentar"))
    visibility = models.CharField(
        _("dapat dibaca oleh"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.EVERYONE,
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("komentar")
        verbose_name_plural = _("komentar")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["project", "visibility", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} · {self.body[:60]}"

    @classmethod
    def writing_role(cls, roles: set[Role]) -> Role | None:
        """The role in which someone with these relations writes, or None if they only read."""
        return next((role for role in cls.WRITING_ROLES if role in roles), None)

    @classmethod
    def may_restrict(cls, roles: set[Role]) -> bool:
        """Whether someone with these relations may write a reviewers-only comment."""
        return bool(roles & cls.REVIEWER_ROLES) and Role.PARTICIPANT not in roles

    @classmethod
    def sees_restricted(cls, roles: set[Role]) -> bool:
        """Whether someone with these relations reads reviewers-only comments.

        The participant never does, whatever else they are; the admin (operator) does.
        """
        if Role.PARTICIPANT in roles:
            return False
        return bool(roles & (cls.REVIEWER_ROLES | {Role.ADMIN}))


CONSULTING_ROLES = [(Role.COACH.value, Role.COACH.label), (Role.MENTOR.value, Role.MENTOR.label)]


class Consultation(models.Model):
    """A session on the control form: logged by the participant, confirmed by whom it names."""

    class Stage(models.TextChoices):
        PROPOSAL = "proposal", _("Rancangan")
        IMPLEMENTATION = "implementation", _("Implementasi")
        REPORT = "report", _("Laporan")
        AFTER_TRAINING = "after_training", _("Pascapelatihan")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("Tatap muka")
        ONLINE = "online", _("Daring")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Menunggu konfirmasi")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        DISPUTED = "disputed", _("Disanggah")

    STAGE_OF_STATE = {
        ChangeProject.State.DRAFT: Stage.PROPOSAL,
        ChangeProject.State.PROPOSAL_REVIEW: Stage.PROPOSAL,
        ChangeProject.State.PROPOSAL_SEMINAR: Stage.PROPOSAL,
        ChangeProject.State.PROPOSAL_REVISION: Stage.PROPOSAL,
        ChangeProject.State.IMPLEMENTATION: Stage.IMPLEMENTATION,
        ChangeProject.State.REPORT_REVIEW: Stage.REPORT,
        ChangeProject.State.RESULTS_SEMINAR: Stage.REPORT,
        ChangeProject.State.DEFERRED: Stage.REPORT,
        ChangeProject.State.PASSED: Stage.AFTER_TRAINING,
        ChangeProject.State.MONITORING: Stage.AFTER_TRAINING,
        # Failed, completed and withdrawn projects take no more consultations.
    }

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        related_name="recorded_consultations",
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("konsultasi dengan"),
        on_delete=models.PROTECT,
        related_name="given_consultations",
    )
    consultant_role = models.CharField(_("sebagai"), max_length=20, choices=CONSULTING_ROLES)
    held_on = models.DateField(_("tanggal"))
    mode = models.CharField(_("cara"), max_length=10, choices=Mode.choices)
    topic = models.CharField(_("topik"), max_length=200)
    outcome = models.TextField(_("hasil"))
    follow_up = models.TextField(_("tindak lanjut yang disepakati"), blank=True)
    stage = models.CharField(_("tahap"), max_length=20, choices=Stage.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECORDED
    )
    decided_at = models.DateTimeField(_("waktu konfirmasi atau sanggahan"), null=True, blank=True)
    dispute_reason = models.TextField(_("alasan sanggahan"), blank=True)
    created_at = models.DateTimeField(_("dicatat pada"), default=timezone.now)

    class Meta:
        verbose_name = _("konsultasi")
        verbose_name_plural = _("konsultasi")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["project", "stage", "status"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} · {self.consultant} · {self.topic}"

    @classmethod
    def stage_of(cls, state: str) -> str | None:
        """The control-form stage a project in this state is in; None once the project ended."""
        return cls.STAGE_OF_STATE.get(state)

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.RECORDED


class JournalEntry(models.Model):
    """A participant's reflection: private, or shared with the project's coach and mentor."""

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("Pribadi: hanya saya")
        SHARED = "shared", _("Dibagikan kepada coach dan mentor")

    READER_ROLES = frozenset({Role.COACH, Role.MENTOR})

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.CASCADE,
        related_name="journal_entries",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.PROTECT,
        related_name="journal_entries",
    )
    happened = models.TextField(_("apa yang terjadi"))
    learned = models.TextField(_("apa yang saya pelajari"))
    next_steps = models.TextField(_("apa yang akan saya lakukan"))
    sharing = models.CharField(
        _("dibagikan"), max_length=10, choices=Sharing.choices, default=Sharing.PRIVATE
    )
    created_at = models.DateTimeField(_("ditulis pada"), default=timezone.now)

    class Meta:
        verbose_name = _("catatan refleksi")
        verbose_name_plural = _("catatan refleksi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "sharing"])]

    def __str__(self) -> str:
        return f"{self.author} · {self.created_at:%Y-%m-%d}"

    @property
    def is_shared(self) -> bool:
        return self.sharing == self.Sharing.SHARED


class JournalReply(models.Model):
    """A coach's or mentor's answer to a shared reflection."""

    entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("catatan refleksi"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.PROTECT,
        related_name="journal_replies",
    )
    author_role = models.CharField(_("peran penulis"), max_length=20, choices=CONSULTING_ROLES)
    body = models.TextField(_("tanggapan"))
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("tanggapan refleksi")
        verbose_name_plural = _("tanggapan refleksi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} · {self.body[:60]}"
