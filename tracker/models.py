from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from tracker import workflow
from tracker.validators import validate_nip
from tracker.workflow import Stale, WorkflowModel, acting_as, guard

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Agency(models.Model):
    """An agency (instansi) or one of its units; agencies nest (ministry > directorate)."""

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("instansi induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.CharField(_("wilayah"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("Instansi induk tidak boleh instansi ini sendiri atau unitnya.")}
                )
            ancestor = ancestor.parent

    def ancestors(self) -> list[Agency]:
        """From the top-level agency down to this one's parent (at most one query, cached).

        Parents already loaded with `select_related("agency__parent__parent")` cost nothing.
        """
        if "_ancestors" not in self.__dict__:
            chain: list[Agency] = []
            agency = self
            while agency.parent_id is not None and Agency.parent.is_cached(agency):
                agency = cast(Agency, agency.parent)  # parent_id is set, so parent is
                chain.append(agency)
            if agency.parent_id is not None:
                found = Agency.objects.filter(pk__in=lineage_sql(agency.parent_id)).in_bulk()
                step: int | None = agency.parent_id
                while step is not None and step in found:
                    chain.append(found[step])
                    step = found[step].parent_id
            self.__dict__["_ancestors"] = chain[::-1]
        return self.__dict__["_ancestors"]


def lineage_sql(agency_ids) -> RawSQL:
    """The ids of the given agencies and every agency above them, as one recursive subquery."""
    table = Agency._meta.db_table
    ids = [agency_ids] if isinstance(agency_ids, int) else list(agency_ids)
    if not ids:
        return RawSQL(f"SELECT id FROM {table} WHERE 1 = 0", [])  # noqa: S608
    marks = ", ".join(["%s"] * len(ids))
    return RawSQL(
        f"WITH RECURSIVE lineage (id, parent_id) AS ("  # noqa: S608 - the table name is ours
        f" SELECT id, parent_id FROM {table} WHERE id IN ({marks})"
        f" UNION SELECT agency.id, agency.parent_id FROM {table} agency"
        f" JOIN lineage ON agency.id = lineage.parent_id"
        f") SELECT id FROM lineage",
        ids,
    )


def headed_subtree_sql(user) -> RawSQL:
    """The agencies the user heads and all their units, as one recursive subquery."""
    agency, head = Agency._meta.db_table, AgencyHead._meta.db_table
    return RawSQL(
        f"WITH RECURSIVE subtree (id) AS ("  # noqa: S608 - the table names are ours
        f" SELECT agency_id FROM {head} WHERE user_id = %s"
        f" UNION SELECT unit.id FROM {agency} unit JOIN subtree ON unit.parent_id = subtree.id"
        f") SELECT id FROM subtree",
        [user.pk],
    )


def subtree_sql(agency_ids: list[int]) -> RawSQL:
    """The ids of the given agencies and every unit below them, as one recursive subquery."""
    table = Agency._meta.db_table
    agency_ids = list(agency_ids)
    if not agency_ids:
        return RawSQL(f"SELECT id FROM {table} WHERE 1 = 0", [])  # noqa: S608
    marks = ", ".join(["%s"] * len(agency_ids))
    return RawSQL(
        f"WITH RECURSIVE subtree (id) AS ("  # noqa: S608 - the table name is ours
        f" SELECT id FROM {table} WHERE id IN ({marks})"
        f" UNION SELECT agency.id FROM {table} agency JOIN subtree ON agency.parent_id = subtree.id"
        f") SELECT id FROM subtree",
        list(agency_ids),
    )


def token_digest(plain: str) -> str:
    """What is stored of a secret token (API tokens, calendar feeds): its SHA-256; the tokens are
    long and random, so no salt is needed."""
    return hashlib.sha256(plain.encode()).hexdigest()


# The account Jejak's scheduled runs act as in the logs. The colon is refused by the username
# validator, so no form, import or admin page can make a person with this name.
SYSTEM_USERNAME = "jejak:sistem"


class User(AbstractUser):
    """A person; what they may do comes from relations (coach of, mentor of, ...), not flags."""

    class Language(models.TextChoices):
        INDONESIAN = "id", _("Bahasa Indonesia")
        ENGLISH = "en", _("English")

    full_name = models.CharField(_("nama lengkap"), max_length=200)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_nip],
        help_text=_("Nomor Induk Pegawai, 18 angka."),
    )
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("instansi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    language = models.CharField(
        _("bahasa"), max_length=5, choices=Language.choices, default=Language.INDONESIAN
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        ordering = ["full_name", "username"]
        # The project list's default order (participant's name, then the project) reads it.
        indexes = [models.Index(fields=["full_name", "id"], name="user_full_name_id")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_system(self) -> bool:
        """Whether this is the account Jejak's own daily run acts as (`accounts.system_user`)."""
        return self.username == SYSTEM_USERNAME

    def get_short_name(self) -> str:
        """The first name, past academic and honorific titles (dr., Prof., Hj., Ir., ...)."""
        words = (self.full_name or self.username).split(",")[0].split()
        names = [word for word in words if not word.endswith(".")]
        return names[0] if names else words[0]


class Programme(models.TextChoices):
    PKN_I = "pkn1", _("PKN Tingkat I")
    PKN_II = "pkn2", _("PKN Tingkat II")
    PKA = "pka", _("PKA (Pelatihan Kepemimpinan Administrator)")
    PKP = "pkp", _("PKP (Pelatihan Kepemimpinan Pengawas)")
    LATSAR = "latsar", _("Latsar CPNS")


PROJECT_LABELS = {
    Programme.PKN_I: _("Proyek Perubahan"),
    Programme.PKN_II: _("Proyek Perubahan"),
    Programme.PKA: _("Aksi Perubahan Kinerja Organisasi"),
    Programme.PKP: _("Aksi Perubahan Kinerja Pelayanan Publik"),
    Programme.LATSAR: _("Aktualisasi"),
}


class Role(models.TextChoices):
    """The relation in which a person acts on a project."""

    PARTICIPANT = "participant", _("Peserta")
    COACH = "coach", _("Coach")
    MENTOR = "mentor", _("Mentor")
    EXAMINER = "examiner", _("Penguji")
    ORGANISER = "organiser", _("Penyelenggara")
    AGENCY_HEAD = "agency_head", _("Kepala instansi")
    ADMIN = "admin", _("Admin")
    # Jejak itself, applying a programme rule in its daily run (a lapsed deferral).
    SYSTEM = "system", _("Sistem")


class Cohort(models.Model):
    """An Angkatan of one programme, run by a training institution."""

    programme = models.CharField(_("program"), max_length=10, choices=Programme.choices)
    number = models.CharField(_("angkatan"), max_length=20, help_text=_("Misalnya XVIII atau 3."))
    year = models.PositiveSmallIntegerField(_("tahun"))
    institution = models.CharField(_("lembaga pelatihan"), max_length=200)
    city = models.CharField(
        _("kota"),
        max_length=100,
        blank=True,
        help_text=_(
            "Kota lembaga pelatihan, dicetak pada baris tempat dan tanggal dokumen, "
            "misalnya Bandung."
        ),
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penyelenggara"),
        related_name="organised_cohorts",
        blank=True,
    )
    learning_starts_on = models.DateField(_("mulai pembelajaran"))
    learning_ends_on = models.DateField(_("selesai pembelajaran klasikal"))
    proposal_seminar_on = models.DateField(_("seminar rancangan"), null=True, blank=True)
    implementation_starts_on = models.DateField(_("mulai implementasi"))
    implementation_ends_on = models.DateField(_("selesai implementasi"))
    results_seminar_on = models.DateField(_("seminar laporan"), null=True, blank=True)
    closes_on = models.DateField(_("penutupan"))

    class Meta:
        verbose_name = _("angkatan")
        verbose_name_plural = _("angkatan")
        ordering = ["-year", "programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number", "year", "institution"], name="unique_cohort"
            )
        ]

    def __str__(self) -> str:
        return _("%(programme)s Angkatan %(number)s Tahun %(year)s") % {
            "programme": self.get_programme_display_short(),
            "number": self.number,
            "year": self.year,
        }

    def get_programme_display_short(self) -> str:
        # The member's label, not get_programme_display(): that one hashes every choice's lazy
        # label on each call, and a list of ten thousand projects names as many cohorts.
        return str(Programme(self.programme).label).split(" (")[0]

    @property
    def project_label(self) -> str:
        return str(PROJECT_LABELS[Programme(self.programme)])

    def clean(self) -> None:
        order = [
            "learning_starts_on",
            "learning_ends_on",
            "proposal_seminar_on",
            "implementation_starts_on",
            "implementation_ends_on",
            "results_seminar_on",
            "closes_on",
        ]
        dated = [(name, getattr(self, name)) for name in order if getattr(self, name)]
        for (_earlier, first), (later, second) in zip(dated, dated[1:], strict=False):
            if second < first:
                raise ValidationError(
                    {
                        later: _(
                            "Tanggal fase harus berurutan: tanggal ini mendahului fase sebelumnya."
                        )
                    }
                )


@dataclass(frozen=True)
class Relations:
    """How one person stands to one project."""

    roles: frozenset[Role]
    examined: frozenset[str]  # the kinds of this project's seminars they examine


def examiner_of(kind: str):
    """A transition permission: the user examines a seminar of this kind that lists the project."""

    def permission(project: ChangeProject, user) -> bool:
        return project.is_examiner_of(user, kind)

    # Read by workflow.declarations: who may run it, for the page's "who acts next".
    permission.roles = (Role.EXAMINER,)  # type: ignore[attr-defined]
    return permission


RELATION_FLAGS = (
    "relations_examines_proposal",
    "relations_examines_results",
    "relations_organises",
    "relations_heads",
)


def relation_flags(user) -> dict:
    """Annotations that say how `user` stands to each project (see ChangeProject.relations_of)."""

    def examines(kind: str) -> models.Exists:
        return models.Exists(
            Seminar.projects.through.objects.filter(
                changeproject_id=models.OuterRef("pk"), seminar__kind=kind, seminar__examiners=user
            )
        )

    return {
        "relations_examines_proposal": examines("proposal"),
        "relations_examines_results": examines("results"),
        "relations_organises": models.Exists(
            Cohort.organisers.through.objects.filter(
                cohort_id=models.OuterRef("cohort_id"), user_id=user.pk
            )
        ),
        "relations_heads": models.Case(
            models.When(agency_id__in=headed_subtree_sql(user), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
    }


class ChangeProjectQuerySet(models.QuerySet["ChangeProject"]):
    def with_relations(self, user) -> ChangeProjectQuerySet:
        """Load each project with how `user` stands to it, so `workflow.roles` costs no query."""
        if not user.is_authenticated:
            return self
        return self.annotate(relations_user=models.Value(user.pk), **relation_flags(user))


# What a reviewer's home counts over their projects (`reports.dashboards`): the row's id (what
# COUNT counts) and the kept columns, so that both databases read them from the index alone.
REVIEWER_FIGURES = [
    "id",
    "open_due_on",
    "idle_since",
    "milestones_submitted",
    "review_waiting_since",
]


class ChangeProject(WorkflowModel):
    """One participant's change project in one cohort; its state moves only by transitions."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PROPOSAL_REVIEW = "proposal_review", _("Rancangan ditelaah")
        PROPOSAL_SEMINAR = "proposal_seminar", _("Seminar rancangan")
        PROPOSAL_REVISION = "proposal_revision", _("Revisi rancangan")
        IMPLEMENTATION = "implementation", _("Implementasi")
        REPORT_REVIEW = "report_review", _("Laporan ditelaah")
        RESULTS_SEMINAR = "results_seminar", _("Seminar laporan")
        PASSED = "passed", _("Lulus")
        DEFERRED = "deferred", _("Ditunda")
        REMEDIAL_EXAM = "remedial_exam", _("Ujian susulan")
        FAILED = "failed", _("Tidak lulus")
        MONITORING = "monitoring", _("Pemantauan pascapelatihan")
        COMPLETED = "completed", _("Selesai")
        WITHDRAWN = "withdrawn", _("Mengundurkan diri")

    FINAL_STATES = frozenset({State.FAILED, State.COMPLETED, State.WITHDRAWN})
    # Where the coach and the mentor sign the proposal, then the final report, off.
    REVIEW_STATES = (State.PROPOSAL_REVIEW, State.REPORT_REVIEW)

    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("peserta"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("angkatan"), on_delete=models.PROTECT, related_name="projects"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="projects"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coached_projects",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_projects",
    )
    title = models.CharField(_("judul"), max_length=300)
    problem_statement = models.TextField(_("latar belakang dan masalah"), blank=True)
    goal_short_term = models.TextField(_("tujuan jangka pendek"), blank=True)
    goal_medium_term = models.TextField(_("tujuan jangka menengah"), blank=True)
    goal_long_term = models.TextField(_("tujuan jangka panjang"), blank=True)
    stakeholders = models.TextField(_("pemangku kepentingan"), blank=True)
    effective_team = models.TextField(_("tim efektif"), blank=True)
    innovation_summary = models.TextField(_("ringkasan inovasi"), blank=True)
    state = FSMField(
        _("status"), max_length=32, choices=State.choices, default=State.DRAFT, protected=True
    )
    deferral_deadline = models.DateField(_("batas pengajuan ulang"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)
    # Copies of the plan and the grades that the list sorts and filters on and the dashboards
    # total, so neither counts every project: `tracker.summary.refresh` writes them in the
    # transaction of every change to the milestones or grades. Never edited.
    milestones_total = models.PositiveIntegerField(_("jumlah tonggak"), default=0, editable=False)
    milestones_accepted = models.PositiveIntegerField(
        _("tonggak diterima"), default=0, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("progres (%)"), default=0, editable=False)
    predikat = models.CharField(
        _("predikat"), max_length=100, blank=True, default="", editable=False
    )
    # The earliest due date of a milestone not yet accepted (none when every one is): a project
    # at work has an overdue milestone while that day has passed, a test on this row alone.
    open_due_on = models.DateField(
        _("tenggat tonggak terdekat"), null=True, blank=True, editable=False
    )
    # What waits on the project's coach and mentor, and whether it lags, on this row too: how
    # many milestones are submitted and since when the oldest of them waits; and the moment its
    # first milestone not accepted was both due under way and idle (its start date's midnight
    # or just after its last activity, whichever is later): STUCK_AFTER_DAYS on, it is stuck.
    milestones_submitted = models.PositiveIntegerField(
        _("tonggak diajukan"), default=0, editable=False
    )
    review_waiting_since = models.DateTimeField(
        _("menunggu pemeriksaan sejak"), null=True, blank=True, editable=False
    )
    idle_since = models.DateTimeField(
        _("tonggak diam sejak"), null=True, blank=True, editable=False
    )
    # In a review, when it opened and whose sign-off it still awaits: copied by database
    # triggers from the project's submissions and sign-offs (tracker/summary.py).
    review_opened_at = models.DateTimeField(
        _("penelaahan dibuka"), null=True, blank=True, editable=False
    )
    awaits_coach_signoff = models.BooleanField(
        _("menunggu persetujuan coach"), default=False, editable=False
    )
    awaits_mentor_signoff = models.BooleanField(
        _("menunggu persetujuan mentor"), default=False, editable=False
    )
    # The participant's full name, which the list sorts by first: on this row, the page is one
    # walk of one index. Database triggers copy it on every write (tracker/summary.py).
    participant_name = models.CharField(
        _("nama peserta"), max_length=200, blank=True, default="", editable=False
    )

    objects = ChangeProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("proyek perubahan")
        verbose_name_plural = _("proyek perubahan")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "cohort"], name="one_project_per_participant_per_cohort"
            )
        ]
        indexes = [
            models.Index(fields=["state"]),
            # An agency's projects in some states (those past training: the impact figures)
            # read from the index alone, not every project of a large agency.
            models.Index(fields=["agency", "state"], name="project_agency_state"),
            # A coach's or mentor's projects by state, and those at work with what waits on
            # them and whether they lag, likewise (keys, not INCLUDE: SQLite covers with these).
            *(
                models.Index(
                    fields=[reviewer, "state", *REVIEWER_FIGURES], name=f"project_{reviewer}_state"
                )
                for reviewer in ("coach", "mentor")
            ),
            # The milestones a coach or a mentor is to review, by project: the oldest first.
            *(
                models.Index(
                    fields=[reviewer, "review_waiting_since", "id"],
                    name=f"project_{reviewer}_review",
                    condition=models.Q(milestones_submitted__gt=0),
                )
                for reviewer in ("coach", "mentor")
            ),
            # The sign-offs a coach or a mentor owes, oldest review first.
            *(
                models.Index(
                    fields=[reviewer, "review_opened_at", "id"],
                    name=f"project_{reviewer}_signoff",
                    condition=models.Q(**{f"awaits_{reviewer}_signoff": True}),
                )
                for reviewer in ("coach", "mentor")
            ),
            # The latest to move, first: the agency head's home and the list sorted by update.
            models.Index(fields=["updated_at", "id"], name="project_updated_id"),
            # The list sorted (or filtered) by progress or predikat reads these in order and
            # stops at the page, whatever the number of projects.
            models.Index(fields=["progress", "id"], name="project_progress_id"),
            models.Index(fields=["predikat", "id"], name="project_predikat_id"),
            models.Index(fields=["participant_name", "id"], name="project_participant_name_id"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tracker:project-detail", args=[self.pk])

    # --- who stands where ------------------------------------------------------------------

    def roles_of(self, user) -> set[Role]:
        """The relations in which the user stands to this project (one query)."""
        return set(self.relations_of(user).roles)

    def relations_of(self, user) -> Relations:
        """Who the user is on this project: their roles, and which seminars of it they examine.

        Read from the annotations of `ChangeProject.objects.with_relations(user)` when the
        project was loaded that way, else one query. Use `tracker.workflow.roles` (cached per
        loaded project) rather than calling this again.
        """
        if not user.is_authenticated:
            return Relations(frozenset(), frozenset())
        flags = self.__dict__
        if flags.get("relations_user") != user.pk:
            flags = (
                ChangeProject.objects.filter(pk=self.pk)
                .annotate(**relation_flags(user))
                .values(*RELATION_FLAGS)
                .get()
            )
        roles: set[Role] = set()
        if user.is_superuser:
            roles.add(Role.ADMIN)
        if self.participant_id == user.pk:
            roles.add(Role.PARTICIPANT)
        if self.coach_id == user.pk:
            roles.add(Role.COACH)
        if self.mentor_id == user.pk:
            roles.add(Role.MENTOR)
        examined = frozenset(
            kind for kind in ("proposal", "results") if flags[f"relations_examines_{kind}"]
        )
        if examined:
            roles.add(Role.EXAMINER)
        if flags["relations_organises"]:
            roles.add(Role.ORGANISER)
        if flags["relations_heads"]:
            roles.add(Role.AGENCY_HEAD)
        return Relations(frozenset(roles), examined)

    def agency_lineage_ids(self) -> list[int]:
        return [self.agency_id, *(agency.pk for agency in self.agency.ancestors())]

    def is_examiner_of(self, user, kind: str) -> bool:
        return kind in workflow.relations(self, user).examined

    # --- guards: pure reads, no side effects ------------------------------------------------

    def missing_for_proposal(self) -> list[str]:
        """What the participant still has to fill in before the proposal can be submitted."""
        missing = [
            str(cast(models.Field, self._meta.get_field(name)).verbose_name)
            for name in ("title", "problem_statement", "goal_short_term", "innovation_summary")
            if not getattr(self, name).strip()
        ]
        if not self.coach_id:
            missing.append(str(_("coach")))
        if not self.mentor_id:
            missing.append(str(_("mentor")))
        # The milestones app owns the plan; read it through the reverse relation, not an import.
        if not self.milestones.filter(term="short").exists():
            missing.append(str(_("minimal satu tonggak jangka pendek")))
        return missing

    def proposal_is_complete(self) -> bool:
        return not self.missing_for_proposal()

    def current_review_signers(self, stage: str) -> set[str]:
        """Roles (coach, mentor) that signed off the latest submission of this stage."""
        opened = self.latest_submission(stage)
        if opened is None:
            return set()
        return set(self.signoffs.filter(submission=opened).values_list("role", flat=True))

    def latest_submission(self, stage: str):
        review_state = REVIEW_STATE_OF_STAGE[stage]
        return self.transition_logs.filter(to_state=review_state).order_by("-pk").first()

    def short_term_milestone_counts(self) -> tuple[int, int]:
        """(accepted, total) short-term milestones of the plan."""
        counts = self.milestones.filter(term="short").aggregate(
            total=models.Count("pk"),
            accepted=models.Count("pk", filter=models.Q(state="accepted")),
        )
        return counts["accepted"], counts["total"]

    def short_term_milestones_accepted(self) -> bool:
        accepted, total = self.short_term_milestone_counts()
        return total > 0 and accepted == total

    def within_deferral_window(self) -> bool:
        return self.deferral_deadline is not None and timezone.localdate() <= self.deferral_deadline

    # --- guards: pure reads that say why a transition may not run ('' when it may) ------------

    def proposal_incomplete_reason(self) -> StrOrPromise:
        missing = self.missing_for_proposal()
        return _("Lengkapi dulu: %(missing)s.") % {"missing": ", ".join(missing)} if missing else ""

    def signoffs_missing_reason(self) -> StrOrPromise:
        stage = "proposal" if self.state == self.State.PROPOSAL_REVIEW else "report"
        if self.current_review_signers(stage) >= {Role.COACH, Role.MENTOR}:
            return ""
        return _("Persetujuan coach dan mentor belum lengkap.")

    def short_term_milestones_reason(self) -> StrOrPromise:
        accepted, total = self.short_term_milestone_counts()
        if not total:
            return _("Laporan belum dapat diajukan: rencana belum memuat tonggak jangka pendek.")
        if accepted < total:
            return _(
                "Laporan belum dapat diajukan: semua tonggak jangka pendek harus diterima lebih "
                "dulu (%(accepted)d dari %(total)d diterima)."
            ) % {"accepted": accepted, "total": total}
        return ""

    # The komitmen perbaikan is the mentoring app's too (installed by MentoringConfig.ready):
    # while a proposal seminar's required revisions wait for it, the report waits.
    report_commitment_refusal: ClassVar[Callable[[ChangeProject], StrOrPromise] | None] = None

    def commitment_missing_reason(self) -> StrOrPromise:
        refusal = type(self).report_commitment_refusal
        return (refusal(self) or "") if refusal is not None else ""

    # The scores live in the mentoring app, which tracker must not import (nor know its tables):
    # mentoring installs its rule here when it loads (MentoringConfig.ready).
    results_grading_refusal: ClassVar[Callable[[ChangeProject], StrOrPromise] | None] = None

    def results_unscored_reason(self) -> StrOrPromise:
        refusal = type(self).results_grading_refusal
        if refusal is None:
            return _("Penilaian seminar laporan belum tersedia.")
        return refusal(self) or ""

    # The same for the proposal seminar: every examiner has scored and decided.
    proposal_deciding_refusal: ClassVar[Callable[[ChangeProject], StrOrPromise] | None] = None

    def proposal_unscored_reason(self) -> StrOrPromise:
        refusal = type(self).proposal_deciding_refusal
        if refusal is None:
            return _("Penilaian seminar rancangan belum tersedia.")
        return refusal(self) or ""

    def deferral_expired_reason(self) -> StrOrPromise:
        return (
            "" if self.within_deferral_window() else _("Batas waktu pengajuan ulang sudah lewat.")
        )

    def resubmissions_used_reason(self) -> str:
        allowed = ProgrammeRules.for_cohort(self.cohort).resubmissions_allowed
        used = self.transition_logs.filter(transition="resubmit").count()
        if used < allowed:
            return ""
        return _(
            "Kesempatan pengajuan ulang sudah habis: aturan program mengizinkan %(allowed)d kali."
        ) % {"allowed": allowed}

    def deferral_open_reason(self) -> str:
        if self.deferral_deadline is None or not self.within_deferral_window():
            return ""
        return _("Masa penundaan masih berjalan sampai %(date)s.") % {
            "date": date_format(self.deferral_deadline)
        }

    def lapse_outcome(self) -> str:
        """Where a deferral whose window lapsed leads, by the programme's rules."""
        rules = ProgrammeRules.for_cohort(self.cohort)
        if rules.lapse_outcome == ProgrammeRules.Lapse.REMEDIAL_EXAM:
            return self.State.REMEDIAL_EXAM
        return self.State.FAILED

    # --- the workflow machinery's questions ------------------------------------------------

    WORKFLOW_UPDATE_FIELDS = ["state", "deferral_deadline", "updated_at"]
    WORKFLOW_RELATED = ("cohort", "agency")

    def impact_rounds_missing_reason(self) -> str:
        """Why the impact review cannot complete: the final survey round is not in yet.

        Each respondent of the final round (the alumnus, and the mentor if there is one) has
        submitted their answers or been excused with a reason. The rounds are mentoring's rows,
        read here through their reverse relation.
        """
        final = (
            self.survey_rounds.filter(is_final=True)
            .prefetch_related("responses", "excusals")
            .order_by("-number")
            .first()
        )
        if final is None:
            return str(_("Belum ada putaran survei pascapelatihan akhir untuk proyek ini."))
        expected = {Role.PARTICIPANT: _("alumni"), Role.MENTOR: _("mentor")}
        if self.mentor_id is None:
            expected.pop(Role.MENTOR)
        done = {r.role for r in final.responses.all() if r.state == "submitted"}
        done |= {excusal.role for excusal in final.excusals.all()}
        missing = [str(label) for role, label in expected.items() if role not in done]
        if not missing:
            return ""
        return str(
            _(
                "Putaran survei akhir belum dijawab atau dibebaskan untuk: %(who)s. Evaluasi "
                "dampak baru dapat diselesaikan setelahnya."
            )
            % {"who": ", ".join(missing)}
        )

    @property
    def workflow_project(self) -> ChangeProject:
        return self

    def stale_refusal(self) -> Stale:
        """Someone moved the project since the person saw it: say who, and to which state."""
        last = self.transition_logs.select_related("actor").order_by("-pk").first()
        if last is None:
            return Stale(
                _("Proyek ini sekarang berstatus “%(state)s”. Tidak ada yang diubah.")
                % {"state": self.get_state_display()}
            )
        return Stale(
            _(
                "%(actor)s sudah memindahkan proyek ini ke status “%(state)s”. Tidak ada yang "
                "diubah; periksa kembali sebelum melanjutkan."
            )
            % {"state": self.get_state_display(), "actor": last.actor}
        )

    # --- transitions: each changes only this row; services do the rest --------------------

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.PROPOSAL_REVIEW,
        conditions=[guard(proposal_incomplete_reason)],
        permission=acting_as(Role.PARTICIPANT),
        custom={"label": _("Ajukan rancangan"), "notify": (Role.COACH, Role.MENTOR)},
    )
    def submit_proposal(self) -> None:
        pass

    @transition(
        field=state,
        source=State.PROPOSAL_REVIEW,
        target=State.PROPOSAL_SEMINAR,
        conditions=[guard(signoffs_missing_reason)],
        permission=acting_as(Role.COACH, Role.MENTOR),
        custom={
            "label": _("Setujui rancangan (coach dan mentor)"),
            "notify": (Role.PARTICIPANT, Role.ORGANISER),
        },
    )
    def approve_proposal(self) -> None:
        pass

    @transition(
        field=state,
        source=State.PROPOSAL_REVIEW,
        target=State.DRAFT,
        permission=acting_as(Role.COACH, Role.MENTOR),
        custom={
            "label": _("Kembalikan rancangan"),
            "notify": (Role.PARTICIPANT,),
            "comment_required": True,
        },
    )
    def return_proposal(self) -> None:
        pass

    @transition(
        field=state,
        source=State.PROPOSAL_SEMINAR,
        target=RETURN_VALUE(State.IMPLEMENTATION, State.PROPOSAL_REVISION),
        conditions=[guard(proposal_unscored_reason)],
        permission=examiner_of("proposal"),
        custom={
            "label": _("Catat hasil seminar rancangan"),
            "notify": (Role.PARTICIPANT, Role.COACH, Role.MENTOR),
        },
    )
    def record_proposal_seminar(self, decision: str) -> str:
        if decision == ProposalDecision.REJECTED:
            return self.State.PROPOSAL_REVISION
        return self.State.IMPLEMENTATION

    @transition(
        field=state,
        source=State.PROPOSAL_REVISION,
        target=State.PROPOSAL_REVIEW,
        conditions=[guard(proposal_incomplete_reason)],
        permission=acting_as(Role.PARTICIPANT),
        custom={"label": _("Ajukan revisi rancangan"), "notify": (Role.COACH, Role.MENTOR)},
    )
    def submit_revision(self) -> None:
        pass

    @transition(
        field=state,
        source=State.IMPLEMENTATION,
        target=State.REPORT_REVIEW,
        conditions=[guard(commitment_missing_reason), guard(short_term_milestones_reason)],
        permission=acting_as(Role.PARTICIPANT),
        custom={"label": _("Ajukan laporan"), "notify": (Role.COACH, Role.MENTOR)},
    )
    def submit_report(self) -> None:
        pass

    @transition(
        field=state,
        source=State.REPORT_REVIEW,
        target=State.RESULTS_SEMINAR,
        conditions=[guard(signoffs_missing_reason)],
        permission=acting_as(Role.COACH, Role.MENTOR),
        custom={
            "label": _("Setujui laporan (coach dan mentor)"),
            "notify": (Role.PARTICIPANT, Role.ORGANISER),
        },
    )
    def approve_report(self) -> None:
        pass

    @transition(
        field=state,
        source=State.REPORT_REVIEW,
        target=State.IMPLEMENTATION,
        permission=acting_as(Role.COACH, Role.MENTOR),
        custom={
            "label": _("Kembalikan laporan"),
            "notify": (Role.PARTICIPANT,),
            "comment_required": True,
        },
    )
    def return_report(self) -> None:
        pass

    @transition(
        field=state,
        source=State.RESULTS_SEMINAR,
        target=RETURN_VALUE(State.PASSED, State.DEFERRED, State.FAILED),
        conditions=[guard(results_unscored_reason)],
        permission=examiner_of("results"),
        custom={
            "label": _("Tetapkan hasil seminar laporan"),
            "notify": (Role.PARTICIPANT, Role.COACH, Role.MENTOR),
        },
    )
    def grade(self, outcome: str, deferral_deadline=None) -> str:
        self.deferral_deadline = deferral_deadline if outcome == self.State.DEFERRED else None
        return outcome

    @transition(
        field=state,
        source=State.DEFERRED,
        target=State.RESULTS_SEMINAR,
        conditions=[guard(deferral_expired_reason), guard(resubmissions_used_reason)],
        permission=acting_as(Role.PARTICIPANT),
        custom={
            "label": _("Ajukan ulang laporan"),
            "notify": (Role.COACH, Role.MENTOR, Role.ORGANISER),
        },
    )
    def resubmit(self) -> None:
        pass

    @transition(
        field=state,
        source=State.DEFERRED,
        target=RETURN_VALUE(State.FAILED, State.REMEDIAL_EXAM),
        conditions=[guard(deferral_open_reason)],
        # The daily run closes it when the window lapses (`tracker.services.lapse_deferrals`);
        # the organiser may close it first.
        permission=acting_as(Role.ORGANISER, Role.SYSTEM),
        custom={
            "label": _("Tutup masa penundaan yang lewat"),
            # The organisers too: after the system closed it, they record the remedial exam.
            "notify": (Role.PARTICIPANT, Role.COACH, Role.MENTOR, Role.ORGANISER),
            "comment_allowed": True,
        },
    )
    def lapse_deferral(self, outcome: str) -> str:
        return outcome

    @transition(
        field=state,
        source=State.REMEDIAL_EXAM,
        target=State.PASSED,
        permission=acting_as(Role.ORGANISER),
        custom={
            "label": _("Catat ujian susulan: lulus"),
            "notify": (Role.PARTICIPANT, Role.COACH, Role.MENTOR),
            "comment_allowed": True,
            "comment_label": _("Catatan hasil ujian susulan"),
        },
    )
    def pass_remedial_exam(self) -> None:
        pass

    @transition(
        field=state,
        source=State.REMEDIAL_EXAM,
        target=State.FAILED,
        permission=acting_as(Role.ORGANISER),
        custom={
            "label": _("Catat ujian susulan: tidak lulus"),
            "notify": (Role.PARTICIPANT, Role.COACH, Role.MENTOR),
            "comment_required": True,
            "comment_label": _("Catatan hasil ujian susulan"),
        },
    )
    def fail_remedial_exam(self) -> None:
        pass

    @transition(
        field=state,
        source=State.PASSED,
        target=State.MONITORING,
        permission=acting_as(Role.ORGANISER),
        custom={"label": _("Tutup pelatihan"), "notify": (Role.PARTICIPANT, Role.MENTOR)},
    )
    def close_training(self) -> None:
        pass

    @transition(
        field=state,
        source=State.MONITORING,
        target=State.COMPLETED,
        conditions=[guard(impact_rounds_missing_reason)],
        permission=acting_as(Role.ORGANISER),
        custom={
            "label": _("Selesaikan evaluasi dampak"),
            "notify": (Role.PARTICIPANT, Role.MENTOR),
            "comment_allowed": True,
        },
    )
    def complete_impact_review(self) -> None:
        pass

    @transition(
        field=state,
        source=sorted(set(State) - FINAL_STATES),
        target=State.WITHDRAWN,
        permission=acting_as(Role.ORGANISER),
        custom={
            "label": _("Tarik proyek"),
            "notify": (Role.PARTICIPANT, Role.COACH, Role.MENTOR),
            "comment_required": True,
        },
    )
    def withdraw(self) -> None:
        pass

    @property
    def project_label(self) -> str:
        return self.cohort.project_label

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES


REVIEW_STATE_OF_STAGE = {
    "proposal": ChangeProject.State.PROPOSAL_REVIEW,
    "report": ChangeProject.State.REPORT_REVIEW,
}


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Log rows are append-only.")

    def delete(self):
        raise PermissionError("Log rows are append-only.")

    def bulk_create(self, objs, *args, **kwargs):
        # An upsert would rewrite rows already written.
        if kwargs.get("update_conflicts"):
            raise PermissionError("Log rows are append-only.")
        return super().bulk_create(objs, *args, **kwargs)


# The mixin's `save` and `_state` come from the model it is mixed into.
if TYPE_CHECKING:
    _ModelMixinBase = models.Model
else:
    _ModelMixinBase = object


class AppendOnlyMixin(_ModelMixinBase):
    """For audit models: a row, once written, never changes and is never deleted."""

    def save(self, *args, **kwargs) -> None:
        # Integrity, not domain logic: an audit row, once written, never changes.
        if not self._state.adding:
            raise PermissionError("Log rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Log rows are append-only.")


class TransitionLog(AppendOnlyMixin, models.Model):
    """One row per state change of a project: who, in which role, from where to where, why."""

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="transition_logs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    transition = models.CharField(_("transisi"), max_length=50)
    from_state = models.CharField(
        _("dari status"), max_length=32, choices=ChangeProject.State.choices
    )
    to_state = models.CharField(_("ke status"), max_length=32, choices=ChangeProject.State.choices)
    comment = models.TextField(_("komentar"), blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat transisi")
        verbose_name_plural = _("riwayat transisi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_state} → {self.to_state}"

    @property
    def transition_label(self) -> str:
        return str(workflow.label(ChangeProject, self.transition))


class ReportNarrative(AppendOnlyMixin, models.Model):
    """The final report's narrative as the participant wrote it when submitting the report.

    One per submission, so the text coach and mentor signed off stays what they read.
    """

    NARRATIVE_FIELDS = ("executive_summary", "implementation", "lessons_learned", "conclusion")

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.PROTECT,
        related_name="report_narratives",
    )
    submission = models.OneToOneField(
        TransitionLog,
        verbose_name=_("pengajuan"),
        on_delete=models.PROTECT,
        related_name="report_narrative",
    )
    executive_summary = models.TextField(_("ringkasan eksekutif"))
    implementation = models.TextField(_("pelaksanaan"))
    lessons_learned = models.TextField(_("pelajaran yang dipetik"))
    conclusion = models.TextField(_("kesimpulan dan tindak lanjut"))
    written_at = models.DateTimeField(_("ditulis pada"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("narasi laporan akhir")
        verbose_name_plural = _("narasi laporan akhir")
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.written_at:%Y-%m-%d}"


class DeletionRecord(AppendOnlyMixin, models.Model):
    """A record someone removed: who, when, why, and everything the record said."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("jenis data"), on_delete=models.PROTECT, related_name="+"
    )
    object_pk = models.CharField(_("ID data"), max_length=64)
    object_repr = models.CharField(_("data"), max_length=200)
    data = models.JSONField(_("isi data"), encoder=DjangoJSONEncoder)
    reason = models.TextField(_("alasan"))
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dihapus oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan penghapusan")
        verbose_name_plural = _("catatan penghapusan")
        ordering = ["-deleted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.content_type.name} · {self.object_repr}"


class ProposalDecision(models.TextChoices):
    """What a proposal seminar decides, for one examiner's sheet and for the combined result.

    Accepted and accepted with revision both start the implementation (the second with a
    revision commitment checked at the results seminar); rejected sends the proposal back for
    revision and a new review.
    """

    ACCEPTED = "accepted", _("Diterima")
    REVISION = "revision", _("Diterima dengan perbaikan")
    REJECTED = "rejected", _("Ditolak, rancangan direvisi")


class Seminar(models.Model):
    """A scheduled seminar: the examiners appointed to it and the projects on its list."""

    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("Seminar rancangan")
        RESULTS = "results", _("Seminar laporan")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("angkatan"), on_delete=models.PROTECT, related_name="seminars"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("waktu mulai"))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    online_link = models.URLField(_("tautan daring"), blank=True)
    examiners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        related_name="examined_seminars",
        blank=True,
    )
    projects = models.ManyToManyField(
        ChangeProject, verbose_name=_("proyek"), related_name="seminars", blank=True
    )

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminar")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.cohort}"

    def clean(self) -> None:
        if not self.place and not self.online_link:
            raise ValidationError(_("Isi tempat seminar atau tautan daringnya."))


class AgencyHead(models.Model):
    """Head of an agency (or their delegate): reads the agency's and its units' projects."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="headships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.CASCADE, related_name="heads"
    )
    is_delegate = models.BooleanField(_("pejabat yang ditunjuk"), default=False)

    class Meta:
        verbose_name = _("kepala instansi")
        verbose_name_plural = _("kepala instansi")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="unique_agency_head")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency}"


class ImpactIndicator(models.Model):
    """A measurable effect the project promises: baseline now, target after the change."""

    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indikator"), max_length=200)
    unit = models.CharField(_("satuan"), max_length=50)
    baseline = models.DecimalField(_("nilai awal"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indikator dampak")
        verbose_name_plural = _("indikator dampak")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.name


PARTICIPANT_NEXT_STEP = {
    ChangeProject.State.DRAFT: _(
        "Lengkapi rancangan dan rencana tonggak, lalu ajukan kepada coach dan mentor."
    ),
    ChangeProject.State.PROPOSAL_REVIEW: _("Tunggu persetujuan coach dan mentor atas rancangan."),
    ChangeProject.State.PROPOSAL_SEMINAR: _("Siapkan paparan untuk seminar rancangan."),
    ChangeProject.State.PROPOSAL_REVISION: _(
        "Perbaiki rancangan sesuai masukan penguji, lalu ajukan kembali."
    ),
    ChangeProject.State.IMPLEMENTATION: _("Laksanakan tonggak jangka pendek dan unggah buktinya."),
    ChangeProject.State.REPORT_REVIEW: _("Tunggu persetujuan coach dan mentor atas laporan."),
    ChangeProject.State.RESULTS_SEMINAR: _("Siapkan paparan untuk seminar laporan."),
    ChangeProject.State.PASSED: _("Selamat! Lanjutkan tonggak jangka menengah dan panjang."),
    ChangeProject.State.DEFERRED: _(
        "Perbaiki laporan dan ajukan kembali sebelum batas waktu penundaan."
    ),
    ChangeProject.State.REMEDIAL_EXAM: _(
        "Masa penundaan lewat: ikuti ujian susulan yang dijadwalkan penyelenggara."
    ),
    ChangeProject.State.FAILED: _("Proyek dinyatakan tidak lulus."),
    ChangeProject.State.MONITORING: _(
        "Catat capaian tonggak jangka menengah dan panjang serta nilai indikator."
    ),
    ChangeProject.State.COMPLETED: _("Proyek telah selesai dipantau."),
    ChangeProject.State.WITHDRAWN: _("Proyek telah ditarik."),
}


class Notification(models.Model):
    """Something a person should know or act on, shown under the bell until read."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    project = models.ForeignKey(
        ChangeProject,
        verbose_name=_("proyek"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    transition_log = models.ForeignKey(
        TransitionLog,
        verbose_name=_("transisi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.CharField(_("pesan"), max_length=500)
    url = models.CharField(_("tautan"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


class EmailDelivery(models.Model):
    """One notification's email, sent by the background worker: its attempts and outcome.

    The message is rendered when the notice is written (in the recipient's language), so the
    worker sends what the person would have read at that moment.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu dikirim")
        RETRYING = "retrying", _("Dicoba lagi")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    notification = models.OneToOneField(
        Notification,
        verbose_name=_("notifikasi"),
        on_delete=models.CASCADE,
        related_name="email",
    )
    # Whose failed emails an organiser sees: the cohort everything in the message belongs to.
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("angkatan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_deliveries",
    )
    to = models.EmailField(_("alamat"))
    subject = models.CharField(_("subjek"), max_length=500)
    body_text = models.TextField(_("isi (teks)"))
    body_html = models.TextField(_("isi (HTML)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("percobaan terakhir"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("pengiriman email")
        verbose_name_plural = _("pengiriman email")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.to} · {self.subject}"


class FormSubmission(models.Model):
    """A form submission that created something, keyed by its one-time token and content.

    A double click or a retried POST carries the same token and the same content: it finds this
    row and gets the first result back instead of creating a second one.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="form_submissions",
    )
    token = models.UUIDField(_("token formulir"))
    digest = models.CharField(_("sidik isi"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    result = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("kiriman formulir")
        verbose_name_plural = _("kiriman formulir")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token", "digest"], name="one_result_per_form_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.token}"


class WorkerHeartbeat(models.Model):
    """A background worker process alive right now: `manage.py worker` renews `seen_at`.

    /healthz reads the newest one; a worker stopped cleanly removes its row.
    """

    worker_id = models.CharField(_("ID pekerja"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("PID"))
    started_at = models.DateTimeField(_("mulai"), default=timezone.now)
    seen_at = models.DateTimeField(_("terakhir terlihat"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("detak pekerja latar")
        verbose_name_plural = _("detak pekerja latar")

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.host}:{self.pid}"


class Invitation(models.Model):
    """An invitation to set a password and act in Jejak: one per person and cohort and role
    (or, for an agency head, per person and agency), with what became of it.

    The link itself is a token (`tracker.accounts.invitation_tokens`) that expires after
    INVITATION_DAYS and dies once the password is set; this row keeps what the organiser sees.
    """

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Menunggu persetujuan admin")
        INVITED = "invited", _("Diundang")
        ACCEPTED = "accepted", _("Diterima")
        EXPIRED = "expired", _("Kedaluwarsa")
        EMAIL_FAILED = "email_failed", _("Email gagal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("orang"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("angkatan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("instansi"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    is_delegate = models.BooleanField(_("pejabat yang ditunjuk"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diundang oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # An organiser only proposes an agency head: the head reads every project of the agency,
    # whichever institution trains them, so the admin grants it (see `agency_head_approve`).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disetujui oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notifikasi terakhir"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    sent_at = models.DateTimeField(_("terakhir dikirim"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("kali dikirim"), default=0)
    accepted_at = models.DateTimeField(_("diterima"), null=True, blank=True)

    class Meta:
        verbose_name = _("undangan")
        verbose_name_plural = _("undangan")
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cohort", "role"],
                condition=models.Q(cohort__isnull=False),
                name="one_invitation_per_person_cohort_role",
            ),
            models.UniqueConstraint(
                fields=["user", "agency"],
                condition=models.Q(agency__isnull=False),
                name="one_invitation_per_person_agency",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(cohort__isnull=False, agency__isnull=True)
                    | models.Q(cohort__isnull=True, agency__isnull=False, role="agency_head")
                ),
                name="invitation_to_a_cohort_or_as_agency_head",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.cohort or self.agency}"

    @property
    def expires_at(self):
        if self.sent_at is None:
            return None
        return self.sent_at + datetime.timedelta(days=settings.INVITATION_DAYS)

    @property
    def status(self) -> Invitation.Status:
        """What the organiser sees; reads the latest email's delivery (select_related it)."""
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.sent_at is None:
            return self.Status.AWAITING_APPROVAL
        delivery = getattr(self.notification, "email", None) if self.notification else None
        if delivery is not None and delivery.status == EmailDelivery.Status.FAILED:
            return self.Status.EMAIL_FAILED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.INVITED

    @property
    def status_label(self) -> str:
        return str(self.status.label)


class ProgrammeRules(models.Model):
    """The rules of one programme under one regulation: windows, resubmissions, reminders.

    A cohort follows the rules of its programme that took effect last on or before its learning
    started (`tracker.selectors.rules_for`), so old and new cohorts coexist. Jejak seeds defaults
    marked as such; the operator edits them to the regulation's numbers.
    """

    class Lapse(models.TextChoices):
        FAILED = "failed", _("Tidak lulus")
        REMEDIAL_EXAM = "remedial_exam", _("Ujian susulan yang dicatat penyelenggara")

    programme = models.CharField(_("program"), max_length=10, choices=Programme.choices)
    regulation = models.CharField(
        _("dasar peraturan"),
        max_length=200,
        help_text=_("Misalnya Peraturan LAN 5/2022 jo. 6/2022."),
    )
    effective_from = models.DateField(
        _("berlaku sejak"),
        help_text=_(
            "Angkatan yang mulai belajar pada atau setelah tanggal ini memakai aturan ini."
        ),
    )
    is_default = models.BooleanField(
        _("nilai bawaan"),
        default=False,
        help_text=_(
            "Dicentang untuk aturan bawaan Jejak yang belum disesuaikan dengan ketentuan resmi."
        ),
    )
    implementation_days = models.PositiveSmallIntegerField(
        _("lama implementasi (hari)"), validators=[MinValueValidator(1)]
    )
    uses_medium_term = models.BooleanField(_("memakai tonggak jangka menengah"), default=True)
    uses_long_term = models.BooleanField(_("memakai tonggak jangka panjang"), default=True)
    deferral_days = models.PositiveSmallIntegerField(
        _("batas pengajuan ulang (hari)"), validators=[MinValueValidator(1)]
    )
    resubmissions_allowed = models.PositiveSmallIntegerField(
        _("pengajuan ulang yang diizinkan"), default=1
    )
    lapse_outcome = models.CharField(
        _("bila batas pengajuan ulang lewat"),
        max_length=20,
        choices=Lapse.choices,
        default=Lapse.FAILED,
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("pengingat tenggat (hari sebelumnya)"), default=7, validators=[MinValueValidator(1)]
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("eskalasi ke penyelenggara (hari menunggu)"),
        default=7,
        validators=[MinValueValidator(1)],
    )
    same_as = models.CharField(
        _("sama dengan program"),
        max_length=10,
        choices=Programme.choices,
        blank=True,
        help_text=_(
            "Diisi bila aturan ini sengaja sama dengan aturan program lain, misalnya PKN "
            "Tingkat I yang mengikuti PKN Tingkat II."
        ),
    )
    basis_note = models.TextField(
        _("catatan dasar aturan"),
        blank=True,
        help_text=_("Dari mana angka-angka ini berasal, dan apa yang belum dipastikan."),
    )

    class Meta:
        verbose_name = _("aturan program")
        verbose_name_plural = _("aturan program")
        ordering = ["programme", "-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "regulation"], name="one_rule_set_per_regulation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.regulation}"

    @classmethod
    def shipped(cls, programme: str) -> ProgrammeRules:
        """The defaults Jejak ships for a programme, unsaved (when no stored rules apply)."""
        latsar = programme == Programme.LATSAR
        return cls(
            programme=programme,
            regulation="Peraturan LAN 1/2021" if latsar else "Peraturan LAN 5/2022 jo. 6/2022",
            effective_from=datetime.date(2019, 1, 1),
            is_default=True,
            # About 60 days at the workplace for PKN, PKA and PKP; about 30 for Latsar, which
            # has no medium- or long-term milestones.
            implementation_days=30 if latsar else 60,
            uses_medium_term=not latsar,
            uses_long_term=not latsar,
            deferral_days=30,
        )

    @classmethod
    def for_cohort(cls, cohort: Cohort) -> ProgrammeRules:
        """The rules the cohort follows: its programme's that took effect last on or before its
        learning started (the shipped defaults when none is stored)."""
        rules = (
            cls.objects.filter(
                programme=cohort.programme, effective_from__lte=cohort.learning_starts_on
            )
            .order_by("-effective_from", "-pk")
            .first()
        )
        return rules or cls.shipped(cohort.programme)


class PoolExaminer(models.Model):
    """A person in a training institution's pool of examiners (penguji): the seminars of its
    cohorts take their examiners from it. Staff imports and organisers add to it."""

    institution = models.CharField(_("lembaga pelatihan"), max_length=200)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penguji"),
        on_delete=models.CASCADE,
        related_name="examiner_pools",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditambahkan oleh"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("ditambahkan pada"), default=timezone.now)

    class Meta:
        verbose_name = _("penguji lembaga")
        verbose_name_plural = _("daftar penguji lembaga")
        ordering = ["institution", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "person"], name="one_pool_entry_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.person_id}"
