"""The seminar minutes (berita acara) of one project at one seminar, from what its examiners
recorded: the proposal seminar's decision, or the results seminar's scores and grade."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from mentoring.models import ProposalReview, RubricScore, SeminarAttendance, plain_number
from mentoring.selectors import (
    ExaminerSheet,
    ScoreSummary,
    committed_revisions,
    revision_commitment,
    score_summaries,
)
from milestones.models import MilestoneRating
from reports.documents.base import (
    Column,
    Document,
    Field,
    FieldGroup,
    Kind,
    Letterhead,
    Person,
    Section,
    Signature,
    Table,
    institution_letterhead,
    load_project,
    long_date,
    person_line,
    project_subject,
)
from tracker.models import ChangeProject, ProposalDecision, Role, Seminar, User


@dataclass(frozen=True)
class SeminarMinutes(Document):
    """The berita acara of one project at one seminar, from what the examiners recorded."""

    kind: ClassVar[str] = Kind.SEMINAR_MINUTES
    template_name: ClassVar[str] = "reports/seminar_minutes.html"
    csv_name: ClassVar[str] = "berita-acara-seminar.csv"

    project_id: int
    seminar_id: int
    letterhead: Letterhead
    document_title: str
    heading: str
    project_title: str
    authors: tuple[str, ...]
    subject: str
    opening: str
    seminar: FieldGroup
    identity: FieldGroup
    examiners: Table
    present: Table
    results: Table
    outcome: FieldGroup
    ratings: Table
    signatures: tuple[Signature, ...]
    # The proposal seminar's scores per criterion and each examiner's own decision (empty for a
    # results seminar, whose scores are `results`), and the revision items: required at the
    # proposal seminar, checked at the results seminar.
    scores: Table | None = None
    decisions: Table | None = None
    revisions: Table | None = None
    # Each examiner's rubric scores were left out: this copy is for someone who may see only the
    # grade (mentoring.selectors.sees_examiner_scores).
    scores_withheld: bool = False

    @property
    def audience(self) -> str:
        return "tanpa-nilai-penguji" if self.scores_withheld else ""

    @property
    def sections(self) -> list[Section]:
        optional = [self.scores, self.decisions, self.revisions]
        return [
            self.seminar,
            self.identity,
            self.examiners,
            self.present,
            self.results,
            *(table for table in optional if table is not None),
            self.outcome,
            self.ratings,
        ]


def minutes_recorded(seminar: Seminar, project: ChangeProject) -> bool:
    """Whether the seminar's result for the project is recorded, so its minutes can be issued."""
    if seminar.kind == Seminar.Kind.PROPOSAL:
        return seminar.proposal_results.filter(project=project).exists()
    return seminar.grades.filter(project=project).exists()


def _ordinal_examiners(seminar: Seminar) -> list[tuple[str, User]]:
    examiners = sorted(seminar.examiners.all(), key=lambda person: (person.full_name, person.pk))
    return [
        (_("Penguji %(number)s") % {"number": ROMAN[number]}, examiner)
        for number, examiner in enumerate(examiners, start=1)
    ]


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


def seminar_minutes_data(
    seminar: Seminar, project: ChangeProject, *, examiner_scores: bool = True
) -> SeminarMinutes | None:
    """The minutes of the project at the seminar, or None while its result is not recorded.

    Without `examiner_scores` a results seminar's minutes leave out each examiner's rubric
    scores and totals, and keep the criteria, the final score and the grade.
    """
    seminar = (
        Seminar.objects.select_related("cohort").prefetch_related("examiners").get(pk=seminar.pk)
    )
    if not minutes_recorded(seminar, project):
        return None
    project = load_project(project)
    ordinals = _ordinal_examiners(seminar)
    label_of = {examiner.pk: label for label, examiner in ordinals}
    extra: dict[str, Table | None] = {}
    if seminar.kind == Seminar.Kind.PROPOSAL:
        results, outcome, signatures, extra = _proposal_minutes(
            seminar, project, label_of, examiner_scores=examiner_scores
        )
        ratings_rows: tuple = ()
    else:
        results, outcome, signatures = _results_minutes(
            seminar, project, label_of, examiner_scores=examiner_scores
        )
        extra["revisions"] = revisions_table(project, label_of, checked=True)
        ratings_rows = tuple(
            (
                rating.milestone.activity,
                label_of.get(rating.examiner_id, rating.examiner.get_full_name()),
                rating.get_rating_display(),
                rating.note,
            )
            for rating in MilestoneRating.objects.filter(
                seminar=seminar, milestone__project=project
            )
            .select_related("milestone", "examiner")
            .order_by(
                "milestone__order", "milestone__due_date", "milestone_id", "examiner__full_name"
            )
        )
    starts = timezone.localtime(seminar.starts_at)
    kind_label = seminar.get_kind_display()
    opening = _(
        "Pada hari ini %(weekday)s, tanggal %(date)s, pukul %(time)s, %(where)s telah "
        "dilaksanakan %(seminar)s %(label)s peserta %(cohort)s yang diselenggarakan oleh "
        "%(institution)s, dengan hasil sebagai berikut."
    ) % {
        "weekday": date_format(starts, "l"),
        "date": long_date(starts.date()),
        "time": date_format(starts, "TIME_FORMAT"),
        "where": (
            _("bertempat di %(place)s,") % {"place": seminar.place}
            if seminar.place
            else _("secara daring,")
        ),
        "seminar": str(kind_label).lower(),
        "label": project.project_label,
        "cohort": project.cohort,
        "institution": project.cohort.institution,
    }
    where = []
    if seminar.place:
        where.append(Field("tempat", _("Tempat"), seminar.place))
    if seminar.online_link:
        where.append(Field("tautan", _("Tautan daring"), seminar.online_link))
    seminar_fields = FieldGroup(
        key="seminar",
        title=_("Pelaksanaan seminar"),
        fields=(
            Field("jenis", _("Jenis seminar"), kind_label),
            Field("waktu", _("Waktu"), seminar.starts_at, "datetime"),
            *where,
        ),
    )
    participant = Person.of(project.participant)
    identity = FieldGroup(
        key="identitas",
        title=_("Identitas"),
        fields=(
            Field("judul", _("Judul"), project.title),
            Field("peserta", _("Nama peserta"), participant.name),
            Field("nip_peserta", _("NIP"), participant.nip),
            Field("jabatan_peserta", _("Jabatan"), participant.position),
            Field("instansi", _("Instansi"), project.agency.name),
            Field("coach", _("Coach"), person_line(project.coach)),
            Field("mentor", _("Mentor"), person_line(project.mentor)),
        ),
    )
    examiners = Table(
        key="penguji",
        title=_("Penguji"),
        columns=(
            Column("sebutan", _("Sebutan"), width="14%"),
            Column("nama", _("Nama"), width="30%"),
            Column("nip", _("NIP"), "nip", "20%"),
            Column("jabatan", _("Jabatan"), width="30%"),
        ),
        rows=tuple(
            (label, examiner.get_full_name(), examiner.nip or "", examiner.position)
            for label, examiner in ordinals
        ),
        empty_text=_("Belum ada penguji yang ditetapkan."),
    )
    present = present_table(seminar, project, label_of)
    ratings = Table(
        key="capaian_tonggak",
        title=_("Capaian tonggak jangka pendek"),
        columns=(
            Column("tonggak", _("Tonggak"), width="38%"),
            Column("penguji", _("Penguji"), width="14%"),
            Column("capaian", _("Capaian"), width="18%"),
            Column("catatan", _("Catatan"), width="24%"),
        ),
        rows=ratings_rows,
        hide_when_empty=True,
    )
    return SeminarMinutes(
        project_id=project.pk,
        seminar_id=seminar.pk,
        # The institution that holds the seminar issues its minutes.
        letterhead=institution_letterhead(project),
        document_title=_("Berita acara %(seminar)s") % {"seminar": kind_label.lower()},
        heading=f"{str(kind_label).title()} {project.project_label}",
        project_title=project.title,
        authors=tuple(signature.person.name for signature in signatures),
        subject=project_subject(project),
        opening=opening,
        seminar=seminar_fields,
        identity=identity,
        examiners=examiners,
        present=present,
        results=results,
        outcome=outcome,
        ratings=ratings,
        signatures=signatures,
        scores_withheld=not examiner_scores,
        **extra,
    )


def present_table(seminar: Seminar, project: ChangeProject, label_of: dict[int, str]) -> Table:
    """Those recorded present for the project at the seminar: examiners, then coach and mentor."""
    order = {Role.EXAMINER: 0, Role.COACH: 1, Role.MENTOR: 2}
    attended = sorted(
        SeminarAttendance.objects.filter(seminar=seminar, project=project, present=True)
        .select_related("person")
        .order_by("pk"),
        key=lambda row: (order[Role(row.role)], label_of.get(row.person_id, ""), row.pk),
    )
    return Table(
        key="hadir",
        title=_("Yang hadir"),
        columns=(
            Column("sebagai", _("Sebagai"), width="24%"),
            Column("nama", _("Nama"), width="40%"),
            Column("nip", _("NIP"), "nip", "30%"),
        ),
        rows=tuple(
            (
                label_of.get(row.person_id, row.get_role_display())
                if row.role == Role.EXAMINER
                else row.get_role_display(),
                row.person.get_full_name(),
                row.person.nip or "",
            )
            for row in attended
        ),
        hide_when_empty=True,
    )


PROPOSAL_CONCLUSION = {
    ProposalDecision.ACCEPTED: _lazy("Diterima dan dilanjutkan ke implementasi"),
    ProposalDecision.REVISION: _lazy(
        "Diterima dengan perbaikan dan dilanjutkan ke implementasi; peserta berkomitmen "
        "melaksanakan perbaikan yang diminta"
    ),
    ProposalDecision.REJECTED: _lazy("Perlu direvisi sebelum diajukan kembali"),
}


def _proposal_minutes(seminar, project, label_of, *, examiner_scores):
    recorded = list(
        seminar.proposal_results.filter(project=project)
        .select_related("examiner")
        .order_by("recorded_at", "pk")
    )
    results = Table(
        key="hasil",
        title=_("Hasil seminar"),
        columns=(
            Column("penguji", _("Penguji"), width="24%"),
            Column("keputusan", _("Keputusan"), width="15%"),
            Column("catatan", _("Catatan"), "longtext", "36%"),
            Column("waktu", _("Dicatat pada"), "datetime", "19%"),
        ),
        rows=tuple(
            (
                result.examiner.get_full_name(),
                result.get_decision_display(),
                result.notes,
                result.recorded_at,
            )
            for result in recorded
        ),
    )
    final = recorded[-1]
    summary = score_summaries(seminar, [project])[project.pk]
    sheets = [sheet for sheet in summary.sheets if sheet.scores]
    printed = sheets if examiner_scores else []
    decision = ProposalDecision(final.decision) if final.decision else None
    conclusion = (
        PROPOSAL_CONCLUSION[decision]
        if decision is not None
        else (
            _("Diterima dan dilanjutkan ke implementasi")
            if final.accepted
            else _("Perlu direvisi sebelum diajukan kembali")
        )
    )
    outcome = FieldGroup(
        key="kesimpulan",
        title=_("Kesimpulan"),
        fields=(
            *(
                Field(
                    f"total_penguji_{number}",
                    _("Total tertimbang %(examiner)s") % {"examiner": _label(label_of, sheet)},
                    sheet.total,
                    "score",
                )
                for number, sheet in enumerate(printed, start=1)
            ),
            *(
                (Field("nilai_akhir", _("Nilai rata-rata penguji"), final.score, "score"),)
                if final.score is not None
                else ()
            ),
            *((Field("aturan", _("Aturan keputusan bersama"), final.rule),) if final.rule else ()),
            Field("keputusan", _("Rancangan dinyatakan"), str(conclusion)),
            Field("catatan", _("Catatan penguji"), final.notes, "longtext"),
        ),
    )
    extra: dict[str, Table | None] = {
        "scores": score_table(summary, printed, label_of) if sheets else None,
        "decisions": (
            Table(
                key="keputusan_penguji",
                title=_("Keputusan tiap penguji"),
                columns=(
                    Column("penguji", _("Penguji"), width="30%"),
                    Column("total", _("Total tertimbang"), "score", "25%"),
                    Column("keputusan", _("Keputusan"), width="39%"),
                ),
                rows=tuple(
                    (_label(label_of, sheet), sheet.total, sheet.get_decision_display())
                    for sheet in printed
                ),
                hide_when_empty=True,
            )
            if printed
            else None
        ),
        "revisions": revisions_table(project, label_of, seminar=seminar),
    }
    signatures = []
    seen = set()
    for result in reversed(recorded):
        if result.examiner_id in seen:
            continue
        seen.add(result.examiner_id)
        signatures.append(
            Signature(
                role=label_of.get(result.examiner_id, str(Role.EXAMINER.label)),
                person=Person.of(result.examiner),
                wording=str(_("Mengisi nilai dan mencatat hasil seminar"))
                if sheets
                else str(_("Mencatat hasil seminar")),
                signed_at=result.recorded_at,
            )
        )
    reviewed = dict(
        ProposalReview.objects.filter(seminar=seminar, project=project).values_list(
            "examiner", "reviewed_at"
        )
    )
    scorers = [
        Signature(
            role=_label(label_of, sheet),
            person=Person.of(sheet.examiner),
            wording=str(_("Mengisi nilai dan keputusan")),
            signed_at=reviewed[sheet.examiner.pk],
        )
        for sheet in sheets
        if sheet.examiner.pk not in seen and sheet.examiner.pk in reviewed
    ]
    return results, outcome, (*reversed(signatures), *scorers), extra


def _label(label_of: dict[int, str], sheet: ExaminerSheet) -> str:
    return label_of.get(sheet.examiner.pk, sheet.examiner.get_full_name())


def score_table(summary: ScoreSummary, printed: list[ExaminerSheet], label_of) -> Table:
    """The rubric's criteria with their weights, and each printed examiner's score."""
    examiner_columns = tuple(
        Column(
            f"nilai_penguji_{number}",
            _label(label_of, sheet),
            "number",
            f"{max(10, 44 // max(1, len(printed)))}%",
        )
        for number, sheet in enumerate(printed, start=1)
    )
    rows = [
        (criterion.name, criterion.weight, *(sheet.scores.get(criterion.pk) for sheet in printed))
        for criterion in summary.criteria
    ]
    return Table(
        key="nilai",
        title=_("Nilai per kriteria") if printed else _("Kriteria penilaian"),
        columns=(
            Column("kriteria", _("Kriteria"), width="40%" if printed else "78%"),
            Column("bobot", _("Bobot"), "number", "10%" if printed else "16%"),
            *examiner_columns,
        ),
        rows=tuple(rows),
        empty_text=_("Belum ada nilai yang dicatat."),
    )


def revisions_table(
    project: ChangeProject, label_of: dict[int, str], *, seminar=None, checked: bool = False
) -> Table:
    """The komitmen perbaikan: the revisions the proposal seminar required (of this seminar, or
    all of them), with the results seminar's check when `checked`."""
    items = committed_revisions(project)
    if seminar is not None:
        items = [item for item in items if item.seminar_id == seminar.pk]
        if not items:
            # Accepted as it was: the examiners' suggestions still go into the minutes.
            items = list(seminar.revision_items.filter(project=project).select_related("examiner"))

    def who(item) -> str:
        return label_of.get(item.examiner_id, item.examiner.get_full_name())

    if checked:
        commitment = revision_commitment(project)
        percent = commitment.percent
        return Table(
            key="komitmen_perbaikan",
            title=(
                _("Pemeriksaan komitmen perbaikan (terlaksana %(percent)s%%)")
                % {"percent": plain_number(percent)}
                if percent is not None
                else _("Pemeriksaan komitmen perbaikan")
            ),
            columns=(
                Column("perbaikan", _("Perbaikan yang diminta"), "longtext", "50%"),
                Column("diminta_oleh", _("Diminta oleh"), width="20%"),
                Column("hasil", _("Hasil pemeriksaan"), width="24%"),
            ),
            rows=tuple(
                (
                    item.text,
                    item.examiner.get_full_name(),
                    item.get_result_display() if item.result else _("Belum diperiksa"),
                )
                for item in items
            ),
            hide_when_empty=True,
        )
    return Table(
        key="perbaikan",
        title=_("Perbaikan yang diminta (komitmen perbaikan)"),
        columns=(
            Column("penguji", _("Penguji"), width="24%"),
            Column("perbaikan", _("Perbaikan"), "longtext", "70%"),
        ),
        rows=tuple((who(item), item.text) for item in items),
        hide_when_empty=True,
    )


def _results_minutes(seminar, project, label_of, *, examiner_scores):
    grade = seminar.grades.select_related("decided_by").get(project=project)
    summary = score_summaries(seminar, [project])[project.pk]
    sheets = [sheet for sheet in summary.sheets if sheet.scores]
    # Who signs is no secret; what each of them gave is, for some readers.
    printed = sheets if examiner_scores else []
    results = score_table(summary, printed, label_of)
    outcome = FieldGroup(
        key="kesimpulan",
        title=_("Kesimpulan"),
        fields=(
            *(
                Field(
                    f"total_penguji_{number}",
                    _("Total tertimbang %(examiner)s")
                    % {"examiner": label_of.get(sheet.examiner.pk, sheet.examiner.get_full_name())},
                    sheet.total,
                    "score",
                )
                for number, sheet in enumerate(printed, start=1)
            ),
            Field("nilai_akhir", _("Nilai akhir (rata-rata penguji)"), grade.score, "score"),
            Field("predikat", _("Predikat"), grade.predikat),
            *(
                ()
                if grade.commitment_score is None
                else (
                    Field(
                        "nilai_komitmen_perbaikan",
                        _("Nilai komitmen perbaikan"),
                        grade.commitment_score,
                        "score",
                    ),
                )
            ),
            Field("hasil", _("Hasil"), grade.get_outcome_display()),
            Field("catatan", _("Catatan penguji"), grade.notes, "longtext"),
            Field("ditetapkan_oleh", _("Ditetapkan oleh"), grade.decided_by.get_full_name()),
            Field("ditetapkan_pada", _("Ditetapkan pada"), grade.decided_at, "datetime"),
        ),
    )
    scored_at = dict(
        RubricScore.objects.filter(seminar=seminar, project=project)
        .values("examiner")
        .annotate(last=Max("scored_at"))
        .values_list("examiner", "last")
    )
    signatures = []
    for sheet in sheets:
        examiner = sheet.examiner
        decided = examiner.pk == grade.decided_by_id
        signatures.append(
            Signature(
                role=label_of.get(examiner.pk, str(Role.EXAMINER.label)),
                person=Person.of(examiner),
                wording=str(
                    _("Mengisi nilai dan menetapkan hasil") if decided else _("Mengisi nilai")
                ),
                signed_at=grade.decided_at if decided else scored_at[examiner.pk],
            )
        )
    return results, outcome, tuple(signatures)
