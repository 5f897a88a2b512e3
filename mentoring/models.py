from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from tracker.models import (
    AppendOnlyMixin,
    AppendOnlyQuerySet,
    ChangeProject,
    Programme,
    ProposalDecision,
    Role,
    Seminar,
    TransitionLog,
)
from tracker.workflow import Stale, WorkflowModel, guard


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

    # PROTECT: a comment is removed on its own, with a deletion record, never along the way.
    project = models.ForeignKey(
        ChangeProject, verbose_name=_("proyek"), on_delete=models.PROTECT, related_name="comments"
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
    def writing_role(cls, roles: AbstractSet[Role]) -> Role | None:
        """The role in which someone with these relations writes, or None if they only read."""
        return next((role for role in cls.WRITING_ROLES if role in roles), None)

    @classmethod
    def may_restrict(cls, roles: AbstractSet[Role]) -> bool:
        """Whether someone with these relations may write a reviewers-only comment."""
        return bool(roles & cls.REVIEWER_ROLES) and Role.PARTICIPANT not in roles

    @classmethod
    def sees_restricted(cls, roles: AbstractSet[Role]) -> bool:
        """Whether someone with these relations reads reviewers-only comments.

        The participant never does, whatever else they are; the admin (operator) does.
        """
        if Role.PARTICIPANT in roles:
            return False
        return bool(roles & (cls.REVIEWER_ROLES | {Role.ADMIN}))


CONSULTING_ROLES = [(Role.COACH.value, Role.COACH.label), (Role.MENTOR.value, Role.MENTOR.label)]


def consulted(consultation: models.Model, user) -> bool:
    """A transition permission: only the coach or mentor the session names decides on it."""
    # django-fsm calls it with the Consultation whose transition it guards.
    return user.is_authenticated and cast(Consultation, consultation).consultant_id == user.pk


# Read by workflow.declarations: who may run the transitions it guards.
consulted.roles = (Role.COACH, Role.MENTOR)  # type: ignore[attr-defined]


class Consultation(WorkflowModel):
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

    STAGE_OF_STATE: dict[str, Stage] = {
        ChangeProject.State.DRAFT: Stage.PROPOSAL,
        ChangeProject.State.PROPOSAL_REVIEW: Stage.PROPOSAL,
        ChangeProject.State.PROPOSAL_SEMINAR: Stage.PROPOSAL,
        ChangeProject.State.PROPOSAL_REVISION: Stage.PROPOSAL,
        ChangeProject.State.IMPLEMENTATION: Stage.IMPLEMENTATION,
        ChangeProject.State.REPORT_REVIEW: Stage.REPORT,
        ChangeProject.State.RESULTS_SEMINAR: Stage.REPORT,
        ChangeProject.State.DEFERRED: Stage.REPORT,
        ChangeProject.State.REMEDIAL_EXAM: Stage.REPORT,
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
    status = FSMField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.RECORDED,
        protected=True,
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

    # --- the workflow machinery's questions ------------------------------------------------

    WORKFLOW_UPDATE_FIELDS = ["status", "dispute_reason", "decided_at"]
    WORKFLOW_RELATED = ("project", "consultant")

    def stale_refusal(self) -> Stale:
        if not self.is_decided:
            return Stale(_("Konsultasi ini belum diputuskan. Tidak ada yang diubah."))
        return Stale(
            _("Konsultasi ini sudah “%(status)s” sejak %(when)s. Tidak ada yang diubah.")
            % {
                "status": self.get_status_display(),
                "when": date_format(timezone.localtime(self.decided_at), "DATETIME_FORMAT"),
            }
        )

    # --- transitions: each changes only this row; services do the rest --------------------

    @transition(
        field=status,
        source=Status.RECORDED,
        target=Status.CONFIRMED,
        permission=consulted,
        custom={"label": _("Konfirmasi"), "notify": (Role.PARTICIPANT,)},
    )
    def confirm(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=status,
        source=Status.RECORDED,
        target=Status.DISPUTED,
        permission=consulted,
        custom={
            "label": _("Sanggah"),
            "notify": (Role.PARTICIPANT,),
            "comment_required": True,
            "comment_label": _("Alasan sanggahan"),
        },
    )
    def dispute(self, reason: str) -> None:
        self.dispute_reason = reason
        self.decided_at = timezone.now()


class ConsultationLog(AppendOnlyMixin, models.Model):
    """One row per step of a session on the control form: recorded, confirmed or disputed."""

    class Action(models.TextChoices):
        RECORD = "record", _("Catat konsultasi")
        CONFIRM = "confirm", _("Konfirmasi")
        DISPUTE = "dispute", _("Sanggah")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("konsultasi"),
        on_delete=models.PROTECT,
        related_name="logs",
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="consultation_logs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    from_state = models.CharField(
        _("dari status"), max_length=10, choices=Consultation.Status.choices, blank=True
    )
    to_state = models.CharField(_("ke status"), max_length=10, choices=Consultation.Status.choices)
    comment = models.TextField(_("komentar"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat konsultasi")
        verbose_name_plural = _("riwayat konsultasi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.action} {self.from_state} → {self.to_state}"


class JournalEntry(models.Model):
    """A participant's reflection: private, or shared with the project's coach and mentor."""

    class Sharing(models.TextChoices):
        PRIVATE = "private", _("Pribadi: hanya saya")
        SHARED = "shared", _("Dibagikan kepada coach dan mentor")

    READER_ROLES = frozenset({Role.COACH, Role.MENTOR})

    # PROTECT: a reflection is removed on its own, with a deletion record, never along the way.
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
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


# --- Seminars and grading ------------------------------------------------------------------

CENT = Decimal("0.01")


def project_score(sheets: Iterable[Iterable[tuple[Decimal, Decimal, Decimal]]]) -> Decimal:
    """Mean over examiners of each one's weighted total on a 0-100 scale, rounded to 0.01.

    Each sheet is one examiner's `(score, weight, max_score)` per criterion. Only the final
    mean is rounded (half up), and the band is read from that rounded score, so the number
    people see is the number that decided the predikat.
    """
    totals = [sheet_total(sheet) for sheet in sheets]
    if not totals:
        raise ValueError("A score needs at least one examiner's sheet.")
    return (sum(totals, Decimal(0)) / len(totals)).quantize(CENT, ROUND_HALF_UP)


def sheet_total(sheet: Iterable[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """One examiner's weighted total, normalised to 0-100 (unrounded)."""
    rows = list(sheet)
    weights = sum((weight for _score, weight, _maximum in rows), Decimal(0))
    if not rows or weights <= 0:
        raise ValueError("A sheet needs criteria with a positive total weight.")
    earned = sum((score / maximum * weight for score, weight, maximum in rows), Decimal(0))
    return earned * 100 / weights


class DecisionRule(models.TextChoices):
    """How a proposal seminar combines its examiners' sheets into one decision."""

    MEAN_SCORE = "mean_score", _("Rata-rata nilai penguji dibandingkan dengan batas nilai")
    MAJORITY = "majority", _("Suara terbanyak keputusan penguji; bila seri, yang lebih ketat")
    STRICTEST = "strictest", _("Keputusan penguji yang paling ketat")


# From the mildest to the strictest: "strictest" and a majority's tie read this order.
DECISION_ORDER = [ProposalDecision.ACCEPTED, ProposalDecision.REVISION, ProposalDecision.REJECTED]


def combine_decisions(
    rule: str,
    *,
    score: Decimal,
    decisions: Iterable[str],
    accept_min: Decimal,
    revision_min: Decimal,
) -> ProposalDecision:
    """The proposal seminar's one decision from its examiners' mean score and own decisions."""
    if rule == DecisionRule.MEAN_SCORE:
        if score >= accept_min:
            return ProposalDecision.ACCEPTED
        if score >= revision_min:
            return ProposalDecision.REVISION
        return ProposalDecision.REJECTED
    given = [ProposalDecision(decision) for decision in decisions]
    if not given:
        raise ValueError("A decision needs at least one examiner's sheet.")
    if rule == DecisionRule.STRICTEST:
        return max(given, key=DECISION_ORDER.index)
    if rule == DecisionRule.MAJORITY:
        counts = {decision: given.count(decision) for decision in given}
        most = max(counts.values())
        return max((d for d, n in counts.items() if n == most), key=DECISION_ORDER.index)
    raise ValueError(f"Unknown decision rule {rule!r}.")


class Rubric(models.Model):
    """How a programme's seminar is scored: weighted criteria, and bands for predikat (results)
    or the rule that combines the examiners' decisions (proposal).

    Shared rubrics (no institution) are kept by the operator; an institution's own rubric is
    used for its cohorts and edited only by their organisers. Once anyone has scored against a
    rubric it is frozen: a change makes a new version, and issued scores keep the old one.
    """

    programme = models.CharField(_("program"), max_length=10, choices=Programme.choices)
    kind = models.CharField(
        _("jenis seminar"),
        max_length=10,
        choices=Seminar.Kind.choices,
        default=Seminar.Kind.RESULTS,
    )
    regulation = models.CharField(
        _("dasar peraturan"),
        max_length=200,
        help_text=_("Misalnya Peraturan LAN 5/2022 jo. 6/2022."),
    )
    name = models.CharField(_("nama"), max_length=200)
    decision_rule = models.CharField(
        _("aturan keputusan bersama"),
        max_length=20,
        choices=DecisionRule.choices,
        default=DecisionRule.MEAN_SCORE,
        help_text=_("Hanya untuk seminar rancangan: cara keputusan para penguji digabungkan."),
    )
    accept_min_score = models.DecimalField(
        _("nilai minimum diterima"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(80),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Seminar rancangan, aturan rata-rata: sejak nilai ini rancangan diterima."),
    )
    revision_min_score = models.DecimalField(
        _("nilai minimum diterima dengan perbaikan"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_(
            "Seminar rancangan, aturan rata-rata: sejak nilai ini rancangan diterima dengan "
            "perbaikan; di bawahnya ditolak."
        ),
    )
    same_as = models.CharField(
        _("sama dengan program"),
        max_length=10,
        choices=Programme.choices,
        blank=True,
        help_text=_("Diisi bila rubrik ini sengaja sama dengan rubrik program lain."),
    )
    basis_note = models.TextField(
        _("catatan dasar rubrik"),
        blank=True,
        help_text=_("Dari mana kriteria dan angkanya berasal, dan apa yang belum dipastikan."),
    )
    institution = models.CharField(
        _("lembaga pelatihan"),
        max_length=200,
        blank=True,
        help_text=_(
            "Kosong untuk rubrik bersama yang dikelola admin sistem. Rubrik milik satu lembaga "
            "dipakai untuk angkatan lembaga itu dan hanya diubah penyelenggaranya."
        ),
    )
    weight_total = models.DecimalField(
        _("jumlah bobot"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(CENT)],
        help_text=_("Bobot semua kriteria harus berjumlah tepat sebesar ini."),
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1, editable=False)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("versi sebelumnya"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="later_versions",
    )
    is_default = models.BooleanField(
        _("nilai bawaan"),
        default=False,
        help_text=_(
            "Dicentang untuk rubrik bawaan Jejak yang belum disesuaikan dengan ketentuan resmi. "
            "Hapus centang setelah bobot dan batas predikat diperiksa penyelenggara."
        ),
    )

    class Meta:
        verbose_name = _("rubrik penilaian")
        verbose_name_plural = _("rubrik penilaian")
        ordering = ["programme", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_programme_display()} · {self.regulation}"

    def band_for(self, score: Decimal) -> GradeBand | None:
        """The band whose minimum is the highest one the score reaches, or None."""
        reached = [band for band in self.bands.all() if band.min_score <= score]
        return max(reached, key=lambda band: band.min_score, default=None)

    def weights_error(self, weights: Iterable[Decimal]) -> str | None:
        """Why these criterion weights do not fit this rubric, or None if they add up."""
        total = sum(weights, Decimal(0))
        if total == self.weight_total:
            return None
        return _(
            "Bobot kriteria berjumlah %(total)s, padahal rubrik ini mensyaratkan jumlah "
            "%(required)s."
        ) % {"total": plain_number(total), "required": plain_number(self.weight_total)}

    def is_in_use(self) -> bool:
        """Whether any examiner has scored against this rubric (it is then frozen)."""
        return RubricScore.objects.filter(criterion__rubric=self).exists()

    def clean(self) -> None:
        low, high = self.revision_min_score, self.accept_min_score
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {
                    "revision_min_score": _(
                        "Batas diterima dengan perbaikan tidak boleh di atas batas diterima."
                    )
                }
            )

    def rule_text(self) -> str:
        """The combining rule in words, with its thresholds: printed in the minutes."""
        if self.decision_rule == DecisionRule.MEAN_SCORE:
            return _(
                "Rata-rata nilai penguji: diterima bila ≥ %(accept)s, diterima dengan perbaikan "
                "bila ≥ %(revision)s, selain itu ditolak."
            ) % {
                "accept": plain_number(self.accept_min_score),
                "revision": plain_number(self.revision_min_score),
            }
        return str(self.get_decision_rule_display())


def plain_number(value: Decimal) -> str:
    """A decimal in the reader's locale without trailing zeros: 100, 7,5."""
    places = max(0, -int(value.normalize().as_tuple().exponent))
    return formats.number_format(value, places)


class RubricCriterion(models.Model):
    """One thing examiners score, with its weight in the total and its highest score."""

    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubrik"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("kriteria"), max_length=300)
    weight = models.DecimalField(
        _("bobot"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
        help_text=_("Jumlah bobot semua kriteria harus sama dengan jumlah bobot rubrik."),
    )
    max_score = models.DecimalField(
        _("nilai maksimum"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(CENT)],
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("kriteria penilaian")
        verbose_name_plural = _("kriteria penilaian")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    """A predikat and the lowest score (0-100) that earns it; some bands mean deferral."""

    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubrik"), on_delete=models.CASCADE, related_name="bands"
    )
    label = models.CharField(_("predikat"), max_length=100)
    min_score = models.DecimalField(
        _("nilai minimum"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    is_deferral = models.BooleanField(
        _("berarti ditunda"),
        default=False,
        help_text=_("Proyek dengan predikat ini ditunda dan boleh diajukan ulang."),
    )

    class Meta:
        verbose_name = _("predikat")
        verbose_name_plural = _("predikat")
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "min_score"], name="one_band_per_minimum")
        ]

    def __str__(self) -> str:
        return f"{self.label} (≥ {self.min_score})"


class ProposalSeminarResult(models.Model):
    """An examiner's decision on a proposal at a proposal seminar: accepted, or revise."""

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="proposal_seminar_results",
    )
    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar"),
        on_delete=models.PROTECT,
        related_name="proposal_results",
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted = models.BooleanField(_("diterima"))
    decision = models.CharField(
        _("keputusan"), max_length=10, choices=ProposalDecision.choices, blank=True
    )
    score = models.DecimalField(
        _("nilai rata-rata"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rule = models.CharField(_("aturan keputusan"), max_length=300, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    recorded_at = models.DateTimeField(_("waktu dicatat"), default=timezone.now)
    committed_at = models.DateTimeField(_("komitmen perbaikan disampaikan"), null=True, blank=True)

    class Meta:
        verbose_name = _("hasil seminar rancangan")
        verbose_name_plural = _("hasil seminar rancangan")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_decision_display()}"

    # Overrides Django's generated display, which says nothing for a blank decision.
    def get_decision_display(self) -> str:  # type: ignore[no-redef]
        if self.decision:
            return str(ProposalDecision(self.decision).label)
        # Recorded before the combined decision existed: one examiner's yes or no.
        return str(_("Diterima") if self.accepted else _("Perlu revisi"))

    @property
    def needs_commitment(self) -> bool:
        """Whether the participant commits to the examiners' revisions after this decision."""
        return self.decision in (ProposalDecision.REVISION, ProposalDecision.REJECTED)


class ProposalReview(models.Model):
    """One examiner's own decision on a proposal at a proposal seminar, beside their scores."""

    seminar = models.ForeignKey(
        Seminar, verbose_name=_("seminar"), on_delete=models.PROTECT, related_name="reviews"
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="proposal_reviews",
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("keputusan"), max_length=10, choices=ProposalDecision.choices)
    reviewed_at = models.DateTimeField(_("waktu penilaian"), default=timezone.now)

    class Meta:
        verbose_name = _("keputusan penguji seminar rancangan")
        verbose_name_plural = _("keputusan penguji seminar rancangan")
        ordering = ["seminar_id", "project_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "project", "examiner"], name="one_review_per_examiner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.examiner_id}: {self.decision}"


class RevisionItem(models.Model):
    """A revision an examiner requires at the proposal seminar: the participant commits to it,
    and an examiner of the results seminar checks it as done, partly done or not done."""

    class Check(models.TextChoices):
        DONE = "done", _("Sudah dilaksanakan")
        PARTLY = "partly", _("Sebagian dilaksanakan")
        NOT_DONE = "not_done", _("Belum dilaksanakan")

    # The share of an item each check earns in the commitment score (0-100).
    CHECK_PERCENT = {
        Check.DONE: Decimal(100),
        Check.PARTLY: Decimal(50),
        Check.NOT_DONE: Decimal(0),
    }

    seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("seminar rancangan"),
        on_delete=models.PROTECT,
        related_name="revision_items",
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="revision_items",
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.CharField(_("perbaikan yang diminta"), max_length=500)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    result = models.CharField(
        _("hasil pemeriksaan"), max_length=10, choices=Check.choices, blank=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diperiksa oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("waktu diperiksa"), null=True, blank=True)
    checked_seminar = models.ForeignKey(
        Seminar,
        verbose_name=_("diperiksa pada seminar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checked_revision_items",
    )

    class Meta:
        verbose_name = _("butir komitmen perbaikan")
        verbose_name_plural = _("butir komitmen perbaikan")
        ordering = ["seminar_id", "examiner_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class RubricScore(models.Model):
    """One examiner's score on one criterion for one project at one seminar (proposal or
    results: the rubric of the seminar's kind)."""

    seminar = models.ForeignKey(
        Seminar, verbose_name=_("seminar"), on_delete=models.PROTECT, related_name="scores"
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="rubric_scores",
    )
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    criterion = models.ForeignKey(
        RubricCriterion,
        verbose_name=_("kriteria"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    score = models.DecimalField(_("nilai"), max_digits=6, decimal_places=2)
    scored_at = models.DateTimeField(_("waktu penilaian"), default=timezone.now)

    class Meta:
        verbose_name = _("nilai rubrik")
        verbose_name_plural = _("nilai rubrik")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "project", "examiner", "criterion"],
                name="one_score_per_criterion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class SeminarGrade(models.Model):
    """The result of a project's results seminar: score, predikat and outcome, as decided."""

    class Outcome(models.TextChoices):
        PASSED = ChangeProject.State.PASSED.value, ChangeProject.State.PASSED.label
        DEFERRED = ChangeProject.State.DEFERRED.value, ChangeProject.State.DEFERRED.label
        FAILED = ChangeProject.State.FAILED.value, ChangeProject.State.FAILED.label

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="seminar_grades",
    )
    seminar = models.ForeignKey(
        Seminar, verbose_name=_("seminar"), on_delete=models.PROTECT, related_name="grades"
    )
    score = models.DecimalField(_("nilai akhir"), max_digits=5, decimal_places=2)
    predikat = models.CharField(_("predikat"), max_length=100)
    # The komitmen perbaikan's score (0-100) as checked when the grade was set; empty when the
    # proposal seminar required no revision.
    commitment_score = models.DecimalField(
        _("nilai komitmen perbaikan"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField(_("hasil"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("catatan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditetapkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("waktu penetapan"), default=timezone.now)

    class Meta:
        verbose_name = _("hasil seminar laporan")
        verbose_name_plural = _("hasil seminar laporan")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "seminar"], name="one_grade_per_seminar")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_outcome_display()} · {self.score}"


class SeminarAttendance(models.Model):
    """Whether one person was present at a seminar for one project: an examiner, the coach or
    the mentor. The minutes list those present."""

    ATTENDING_ROLES = [
        (Role.EXAMINER.value, Role.EXAMINER.label),
        (Role.COACH.value, Role.COACH.label),
        (Role.MENTOR.value, Role.MENTOR.label),
    ]

    seminar = models.ForeignKey(
        Seminar, verbose_name=_("seminar"), on_delete=models.PROTECT, related_name="attendance"
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="seminar_attendance",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nama"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("sebagai"), max_length=20, choices=ATTENDING_ROLES)
    present = models.BooleanField(_("hadir"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("waktu dicatat"), default=timezone.now)

    class Meta:
        verbose_name = _("kehadiran seminar")
        verbose_name_plural = _("kehadiran seminar")
        ordering = ["seminar_id", "project_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seminar", "project", "person", "role"], name="one_attendance_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.seminar_id} · {self.project_id} · {self.person_id}: {self.present}"


class CalendarFeed(models.Model):
    """A person's secret seminar-calendar subscription: whoever holds the URL reads the feed,
    so the person can revoke it (the row goes, and a new one gets a new token). Like an API
    token, the URL's token is shown once when made; only its digest is stored."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pemilik"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    digest = models.CharField(_("sidik token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_read_at = models.DateTimeField(_("terakhir dibaca"), null=True, blank=True)

    class Meta:
        verbose_name = _("langganan kalender")
        verbose_name_plural = _("langganan kalender")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"


# --- impact evaluation after training -------------------------------------------------------------


class Audience(models.TextChoices):
    """Who answers a post-training questionnaire."""

    ALUMNI = "alumni", _("Alumni (peserta)")
    MENTOR = "mentor", _("Mentor")
    AGENCY_HEAD = "agency_head", _("Kepala instansi")


# The respondents of a round and the questionnaire each of them answers.
RESPONDENT_AUDIENCE: dict[str, str] = {
    Role.PARTICIPANT: Audience.ALUMNI,
    Role.MENTOR: Audience.MENTOR,
}
RESPONDENT_ROLES = [
    (Role.PARTICIPANT.value, Role.PARTICIPANT.label),
    (Role.MENTOR.value, Role.MENTOR.label),
]


class Questionnaire(models.Model):
    """A post-training questionnaire of one programme for one audience, in one version.

    Shared questionnaires (no institution) are Jejak's defaults; an institution's own version is
    used for its cohorts. Once anyone has answered a version it is frozen: an edit makes a new
    version, and the answers keep the one they were given on.
    """

    programme = models.CharField(_("program"), max_length=10, choices=Programme.choices)
    audience = models.CharField(_("responden"), max_length=20, choices=Audience.choices)
    name = models.CharField(_("nama"), max_length=200)
    institution = models.CharField(
        _("lembaga pelatihan"),
        max_length=200,
        blank=True,
        help_text=_("Kosong untuk kuesioner bawaan yang dipakai bersama."),
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1, editable=False)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("versi sebelumnya"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="later_versions",
    )
    is_default = models.BooleanField(
        _("nilai bawaan"),
        default=False,
        help_text=_("Kuesioner bawaan Jejak; penyelenggara dapat menyesuaikannya."),
    )
    shares_answers = models.BooleanField(
        _("jawaban dibagikan kepada peserta"),
        default=False,
        help_text=_("Jika dicentang, peserta dapat membaca jawaban mentor atas kuesioner ini."),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("kuesioner pascapelatihan")
        verbose_name_plural = _("kuesioner pascapelatihan")
        ordering = ["programme", "audience", "-version", "-pk"]

    def __str__(self) -> str:
        return _("%(name)s (versi %(version)s)") % {"name": self.name, "version": self.version}

    def is_in_use(self) -> bool:
        """Whether anyone has answered this version, even as a draft (it is then frozen)."""
        return self.responses.exists()


class Question(models.Model):
    """One question of a questionnaire; `topic` says what the impact figures read it as."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Skala 1–5 berlabel")
        SINGLE = "single", _("Pilihan tunggal")
        MULTIPLE = "multiple", _("Pilihan ganda")
        NUMBER = "number", _("Angka")
        SHORT_TEXT = "short_text", _("Teks singkat")
        LONG_TEXT = "long_text", _("Teks panjang")
        YES_NO = "yes_no", _("Ya/tidak dengan pertanyaan lanjutan")
        INDICATORS = "indicators", _("Nilai terkini indikator dampak")

    class Topic(models.TextChoices):
        NONE = "", _("Lainnya")
        PROGRESS = "progress", _("Progres aksi perubahan")
        CONTINUED = "continued", _("Tonggak berlanjut setelah pelatihan")
        SUSTAINABILITY = "sustainability", _("Status keberlanjutan")
        BARRIERS = "barriers", _("Hambatan")
        MENTOR_SUPPORT = "mentor_support", _("Dukungan mentor")
        LEADERSHIP_SUPPORT = "leadership_support", _("Dukungan pimpinan")
        COORDINATION = "coordination", _("Koordinasi dengan peserta")
        BEHAVIOUR = "behaviour", _("Perubahan perilaku")
        RESULT = "result", _("Hasil bagi organisasi")
        INDICATORS = "indicators", _("Indikator dampak")
        CARRY_ON = "carry_on", _("Perubahan yang dilanjutkan")

    TEXT_KINDS = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT})

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("kuesioner"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topik"), max_length=30, choices=Topic.choices, blank=True)
    text = models.CharField(_("pertanyaan"), max_length=500)
    # [[value, label], ...]: the labelled points of a scale (1-5) or the options of a choice.
    choices = models.JSONField(_("pilihan"), default=list, blank=True)
    follow_up = models.CharField(
        _("pertanyaan lanjutan"),
        max_length=500,
        blank=True,
        help_text=_("Untuk pertanyaan ya/tidak: ditanyakan bila jawabannya “ya”."),
    )
    required = models.BooleanField(_("wajib"), default=True)

    class Meta:
        verbose_name = _("pertanyaan")
        verbose_name_plural = _("pertanyaan")
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_free_text(self) -> bool:
        """Free text is shown only to organisers and the project's mentor and coach."""
        return self.kind in self.TEXT_KINDS or bool(self.follow_up)

    def label_of(self, value) -> str:
        """The label of one choice value (the value itself when it is not among the choices)."""
        return next((str(label) for key, label in self.choices if str(key) == str(value)), value)


class SurveySchedule(models.Model):
    """When a programme's post-training rounds fall: months after training closes, per round."""

    programme = models.CharField(
        _("program"), max_length=10, choices=Programme.choices, unique=True
    )
    offsets_months = models.JSONField(
        _("bulan setelah penutupan"),
        default=list,
        help_text=_("Misalnya [6, 12]: putaran terakhir adalah evaluasi dampak akhir."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("lama pengisian (hari)"),
        default=30,
        validators=[MinValueValidator(1)],
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("pengingat sebelum batas (hari)"), default=7
    )

    class Meta:
        verbose_name = _("jadwal survei pascapelatihan")
        verbose_name_plural = _("jadwal survei pascapelatihan")
        ordering = ["programme"]

    def __str__(self) -> str:
        return str(self.get_programme_display())

    def clean(self) -> None:
        offsets = self.offsets_months
        if (
            not isinstance(offsets, list)
            or not offsets
            or not all(isinstance(months, int) and 0 < months <= 60 for months in offsets)
        ):
            raise ValidationError(
                {
                    "offsets_months": _(
                        "Tulis daftar bulan setelah penutupan, misalnya [6, 12] (1 sampai 60)."
                    )
                }
            )


class SurveyRound(models.Model):
    """One post-training survey round of a project: it opens, and is due, on set days."""

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="survey_rounds",
    )
    number = models.PositiveSmallIntegerField(_("putaran ke"))
    months_after = models.PositiveSmallIntegerField(_("bulan setelah penutupan"))
    opens_on = models.DateField(_("dibuka"))
    due_on = models.DateField(_("batas pengisian"))
    is_final = models.BooleanField(_("putaran akhir"), default=False)
    invited_at = models.DateTimeField(_("undangan dikirim"), null=True, blank=True)
    created_at = models.DateTimeField(_("dijadwalkan"), default=timezone.now)

    class Meta:
        verbose_name = _("putaran survei")
        verbose_name_plural = _("putaran survei")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_round_per_number")
        ]

    def __str__(self) -> str:
        return _("Putaran %(number)s (%(months)s bulan)") % {
            "number": self.number,
            "months": self.months_after,
        }

    def is_open(self, today) -> bool:
        return self.opens_on <= today

    def is_overdue(self, today) -> bool:
        return self.due_on < today


def answered_by(response: SurveyResponse, user) -> bool:
    """A transition permission: only the person a response belongs to submits it."""
    return user.is_authenticated and response.respondent_id == user.pk


answered_by.roles = (Role.PARTICIPANT, Role.MENTOR)  # type: ignore[attr-defined]


class SurveyResponse(WorkflowModel):
    """One respondent's answers to a round: a draft until submitted, once."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Terkirim")

    round = models.ForeignKey(
        SurveyRound,
        verbose_name=_("putaran"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    role = models.CharField(_("sebagai"), max_length=20, choices=RESPONDENT_ROLES)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responden"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("kuesioner"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    state = FSMField(
        _("status"), max_length=10, choices=State.choices, default=State.DRAFT, protected=True
    )
    submitted_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    is_late = models.BooleanField(_("terlambat"), default=False)
    updated_at = models.DateTimeField(_("diperbarui"), default=timezone.now)

    class Meta:
        verbose_name = _("jawaban survei")
        verbose_name_plural = _("jawaban survei")
        ordering = ["round", "role"]
        constraints = [
            models.UniqueConstraint(fields=["round", "role"], name="one_response_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.respondent} · {self.get_state_display()}"

    WORKFLOW_UPDATE_FIELDS = ["state", "submitted_at", "is_late", "updated_at"]
    WORKFLOW_RELATED = ("round__project",)

    @property
    def workflow_project(self) -> ChangeProject:
        return self.round.project

    def stale_refusal(self) -> Stale:
        return Stale(_("Jawaban ini sudah dikirim dan tidak dapat diubah lagi."))

    def unanswered_reason(self) -> str:
        """Which required questions are still unanswered ('' when none)."""
        given = {answer.question_id for answer in self.answers.all() if answer.is_given}
        missing = [
            question.text
            for question in self.questionnaire.questions.all()
            if question.required and question.pk not in given
        ]
        if not missing:
            return ""
        return _("Pertanyaan wajib belum dijawab: %(questions)s.") % {
            "questions": "; ".join(missing)
        }

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        conditions=[guard(unanswered_reason)],
        permission=answered_by,  # type: ignore[arg-type]  # the stubs type permissions on Model
        custom={"label": _("Kirim jawaban")},
    )
    def submit(self) -> None:
        now = timezone.now()
        self.submitted_at = now
        self.updated_at = now
        self.is_late = timezone.localdate(now) > self.round.due_on


class SurveyAnswer(models.Model):
    """The answer to one question: a number, a choice, choices, text, yes/no or indicator values."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("jawaban survei"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("pertanyaan"), on_delete=models.PROTECT, related_name="answers"
    )
    # int for a scale, a decimal string for a number, a string for a choice or text, a list of
    # strings for multiple choice, a bool for yes/no, {indicator id: decimal string} for
    # indicator values.
    value = models.JSONField(_("jawaban"), null=True, blank=True)
    follow_up = models.TextField(_("jawaban lanjutan"), blank=True)

    class Meta:
        verbose_name = _("jawaban pertanyaan")
        verbose_name_plural = _("jawaban pertanyaan")
        ordering = ["response", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"

    @property
    def is_given(self) -> bool:
        return self.value not in (None, "", [], {})


class SurveyExcusal(models.Model):
    """The organiser excuses one respondent from one round, saying why."""

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("putaran"), on_delete=models.PROTECT, related_name="excusals"
    )
    role = models.CharField(_("sebagai"), max_length=20, choices=RESPONDENT_ROLES)
    reason = models.TextField(_("alasan"))
    excused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dibebaskan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("pembebasan survei")
        verbose_name_plural = _("pembebasan survei")
        ordering = ["round", "role"]
        constraints = [
            models.UniqueConstraint(fields=["round", "role"], name="one_excusal_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_role_display()}"


class SurveyRoundLog(AppendOnlyMixin, models.Model):
    """One row per step of a round: scheduled, opened early, extended, excused, invited, sent."""

    class Action(models.TextChoices):
        SCHEDULE = "schedule", _("Dijadwalkan")
        OPEN_EARLY = "open_early", _("Dibuka lebih awal")
        EXTEND = "extend", _("Batas diperpanjang")
        EXCUSE = "excuse", _("Responden dibebaskan")
        INVITE = "invite", _("Undangan dikirim")
        SUBMIT = "submit", _("Jawaban dikirim")

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("putaran"), on_delete=models.PROTECT, related_name="logs"
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="survey_logs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, blank=True)
    action = models.CharField(_("tindakan"), max_length=20, choices=Action.choices)
    detail = models.CharField(_("rincian"), max_length=300, blank=True)
    comment = models.TextField(_("alasan"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat putaran survei")
        verbose_name_plural = _("riwayat putaran survei")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.action}"


class Sustainability(models.TextChoices):
    """Where a change action stands after training (the sustainability question's options)."""

    CONTINUED = "continued", _("Berlanjut sesuai rencana")
    EXPANDED = "expanded", _("Diperluas")
    REPLICATED = "replicated", _("Direplikasi di tempat lain")
    STALLED = "stalled", _("Tersendat")
    STOPPED = "stopped", _("Berhenti")


ALIVE = frozenset({Sustainability.CONTINUED, Sustainability.EXPANDED, Sustainability.REPLICATED})


class Barrier(models.TextChoices):
    """Why change actions stall: the categories of the DKI Jakarta study, plus other."""

    ROTATION = "rotation", _("Mutasi atau rotasi jabatan")
    FUNDS = "funds", _("Keterbatasan anggaran")
    STAKEHOLDERS = "stakeholders", _("Kurangnya dukungan pemangku kepentingan")
    LEADERSHIP = "leadership", _("Kurangnya dukungan pimpinan")
    RESTRUCTURING = "restructuring", _("Perubahan nomenklatur atau struktur unit")
    OTHER = "other", _("Lainnya")


class ImpactConclusion(models.Model):
    """The organiser's conclusion of a project's impact review, written as it completes."""

    class Outcome(models.TextChoices):
        SUSTAINED = "sustained", _("Berkelanjutan")
        PARTLY = "partly", _("Berkelanjutan sebagian")
        NOT_SUSTAINED = "not_sustained", _("Tidak berkelanjutan")

    project = models.OneToOneField(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="impact_conclusion",
    )
    transition_log = models.OneToOneField(
        TransitionLog,
        verbose_name=_("transisi"),
        on_delete=models.PROTECT,
        related_name="impact_conclusion",
    )
    outcome = models.CharField(_("kesimpulan"), max_length=20, choices=Outcome.choices)
    barriers = models.JSONField(_("hambatan yang berpengaruh"), default=list, blank=True)
    summary = models.TextField(_("ringkasan"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditulis oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("kesimpulan evaluasi dampak")
        verbose_name_plural = _("kesimpulan evaluasi dampak")

    def __str__(self) -> str:
        return f"{self.project} · {self.get_outcome_display()}"

    def barrier_labels(self) -> list[str]:
        return [str(Barrier(value).label) for value in self.barriers if value in Barrier.values]


class Commitment(models.Model):
    """One signatory's agreement to the project's medium- and long-term milestones after training.

    PKN II practice: the participant, the mentor and the agency head (or the PPK's delegate) each
    record it; `milestones` is what they agreed to, as it read at that moment.
    """

    class Signatory(models.TextChoices):
        PARTICIPANT = Role.PARTICIPANT.value, Role.PARTICIPANT.label
        MENTOR = Role.MENTOR.value, Role.MENTOR.label
        AGENCY_HEAD = Role.AGENCY_HEAD.value, Role.AGENCY_HEAD.label

    WORDING = _(
        "Saya menyetujui dan berkomitmen mendukung pelaksanaan tonggak jangka menengah dan "
        "jangka panjang proyek ini setelah pelatihan."
    )

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    role = models.CharField(_("sebagai"), max_length=20, choices=Signatory.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penanda tangan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    wording = models.TextField(_("pernyataan"))
    milestones = models.JSONField(_("tonggak yang disepakati"), default=list)
    signed_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("komitmen pascapelatihan")
        verbose_name_plural = _("komitmen pascapelatihan")
        ordering = ["project", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "role"], name="one_commitment_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_role_display()} · {self.signer}"
