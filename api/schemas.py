"""What the API says and accepts: plain typed shapes, built from the models by small functions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str


class Ref(Schema):
    id: int
    name: str


class Person(Schema):
    id: int
    full_name: str


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    region: str


class CohortOut(Schema):
    id: int
    name: str
    programme: str
    number: str
    year: int
    institution: str
    project_label: str
    learning_starts_on: datetime.date
    implementation_starts_on: datetime.date
    implementation_ends_on: datetime.date
    closes_on: datetime.date


class ProjectOut(Schema):
    id: int
    title: str
    state: str
    state_label: str
    cohort: Ref
    agency: Ref
    participant: Person
    coach: Person | None
    mentor: Person | None
    progress: int = Field(description="Persentase tonggak yang diterima (0-100).")
    milestones_overdue: int
    grade: str | None
    deferral_deadline: datetime.date | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    url: str


class ProjectDetailOut(ProjectOut):
    problem_statement: str
    goal_short_term: str
    goal_medium_term: str
    goal_long_term: str
    stakeholders: str
    innovation_summary: str
    transitions_available: list[str]


class MilestoneOut(Schema):
    id: int
    term: str
    activity: str
    implementer: str
    start_date: datetime.date
    due_date: datetime.date
    expected_output: str
    order: int
    state: str
    state_label: str
    overdue: bool


class EvidenceOut(Schema):
    id: int
    milestone_id: int
    kind: str
    caption: str
    original_name: str
    content_type: str
    size: int | None
    link: str = Field(description="Tautan luar, untuk bukti berupa tautan.")
    download_url: str = Field(
        description="Halaman unduhan dengan pemeriksaan akses yang sama; kosong untuk tautan."
    )
    uploaded_by: Person | None
    uploaded_at: datetime.datetime


class TransitionOut(Schema):
    id: int
    transition: str
    label: str
    from_state: str
    to_state: str
    actor: Person | None
    role: str
    comment: str
    created_at: datetime.datetime


class ProposalResultOut(Schema):
    examiner: Person
    accepted: bool
    decision: str  # accepted, revision (accepted with revisions) or rejected
    notes: str | None
    recorded_at: datetime.datetime


class GradeOut(Schema):
    score: Decimal
    predikat: str
    outcome: str
    decided_at: datetime.datetime


class SeminarOut(Schema):
    id: int
    kind: str
    starts_at: datetime.datetime
    place: str
    examiners: list[Person]
    proposal_results: list[ProposalResultOut]
    grades: list[GradeOut]


class MeasurementOut(Schema):
    id: int
    value: Decimal
    measured_on: datetime.date
    note: str
    evidence_id: int | None
    recorded_by: Person | None
    recorded_at: datetime.datetime


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    measurements: list[MeasurementOut]


class Page(Schema):
    next_cursor: str | None = Field(
        description="Kirim sebagai `cursor` untuk halaman berikutnya; null di halaman terakhir."
    )


class ProjectPage(Page):
    items: list[ProjectOut]


class CohortPage(Page):
    items: list[CohortOut]


class AgencyPage(Page):
    items: list[AgencyOut]


class TransitionIn(Schema):
    name: str = Field(description="Nama transisi, misalnya `submit_proposal`.")
    expected_state: str = Field(description="Status proyek yang Anda lihat terakhir.")
    comment: str = Field(
        "",
        max_length=5000,
        description="Komentar; catatan untuk peserta (record_proposal_seminar, yang mencatat "
        "keputusan bersama para penguji menurut aturan rubrik) atau catatan hasil "
        "(grade).",
    )
    seminar: int | None = Field(
        None, description="record_proposal_seminar dan grade: seminar yang Anda uji."
    )
    fail: bool = Field(
        False, description="grade: nyatakan tidak lulus (keputusan tersendiri, dengan alasan)."
    )
    outcome: str = Field(
        "",
        description="complete_impact_review: `sustained`, `partly` atau `not_sustained`.",
    )
    barriers: list[str] = Field(
        default_factory=list,
        max_length=10,
        description="complete_impact_review: hambatan yang berpengaruh (`rotation`, `funds`, "
        "`stakeholders`, `leadership`, `restructuring`, `other`).",
    )
    summary: str = Field(
        "", max_length=5000, description="complete_impact_review: ringkasan kesimpulan."
    )


class SignOffOut(Schema):
    stage: str
    role: str
    signer: Person
    signed_at: datetime.datetime


class TransitionDone(Schema):
    state: str
    state_label: str
    transition: TransitionOut | None = Field(
        description="Transisi yang terjadi; null bila persetujuan ini masih menunggu yang lain."
    )
    signoff: SignOffOut | None = None
    proposal_result: ProposalResultOut | None = None
    grade: GradeOut | None = None


class MeasurementIn(Schema):
    value: Decimal = Field(max_digits=14, decimal_places=2)
    measured_on: datetime.date
    note: str = Field("", max_length=2000)
    evidence_id: int | None = None


class ParticipantRow(Schema):
    nip: str = ""
    full_name: str = ""
    email: str = ""
    agency_code: str = ""
    position: str = ""
    mentor_nip: str = ""
    coach_username: str = ""
    mentor_name: str = ""
    mentor_email: str = ""


class ImportIn(Schema):
    rows: list[ParticipantRow] = Field(max_length=1000)
    confirm: bool = Field(
        False, description="false: hanya pratinjau (tidak ada yang disimpan); true: simpan."
    )


class ImportRowOut(Schema):
    line: int
    nip: str
    full_name: str
    action: str
    action_label: str
    errors: list[str]
    notes: list[str]


class ImportOut(Schema):
    saved: bool
    ok: bool
    error_count: int
    counts: dict[str, int]
    invited: int
    rows: list[ImportRowOut]
    detail: str = ""


class CountOut(Schema):
    label: str
    count: int


class ImpactOut(Schema):
    agency: Ref
    scope: str
    as_of: datetime.date
    figures: dict[str, int | float | str | None] = Field(
        description="Angka ringkasan laporan dampak instansi, menurut kuncinya."
    )
    states: list[CountOut]
    grades: list[CountOut]


class SeminarIn(Schema):
    kind: str = Field(
        "", description="`proposal` atau `results`; hanya saat menjadwalkan (tidak dapat diubah)."
    )
    starts_at: datetime.datetime = Field(
        description="Waktu mulai; tanpa zona waktu dibaca dalam zona waktu Jejak."
    )
    # The page's form checks the lengths, in its words; these only bound the request.
    place: str = Field("", max_length=1000)
    online_link: str = Field("", max_length=1000)
    examiners: list[int] = Field(max_length=50, description="Id penguji dari daftar lembaga.")
    projects: list[int] = Field(default_factory=list, max_length=500)


class CriterionOut(Schema):
    id: int
    name: str
    weight: Decimal
    max_score: Decimal


class SeminarDetailOut(Schema):
    id: int
    kind: str
    cohort: Ref
    starts_at: datetime.datetime
    place: str
    online_link: str
    examiners: list[Person]
    projects: list[Ref]
    criteria: list[CriterionOut] = Field(
        description="Kriteria rubrik seminar laporan (kosong untuk seminar rancangan)."
    )


class ScoreIn(Schema):
    criterion: int
    score: Decimal = Field(max_digits=6, decimal_places=2)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(max_length=100)
    decision: str = Field(
        "",
        description="Seminar rancangan: keputusan Anda, `accepted`, `revision` (diterima dengan "
        "perbaikan) atau `rejected`.",
    )
    revisions: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Seminar rancangan: perbaikan yang Anda minta, satu per butir (wajib bila "
        "tidak `accepted`).",
    )


class ScoreOut(Schema):
    criterion: int
    score: Decimal
    scored_at: datetime.datetime


class ScoresOut(Schema):
    scores: list[ScoreOut]


class ShareOut(Schema):
    key: str
    label: str
    count: int
    percent: Decimal | None


class MeanOut(Schema):
    topic: str
    label: str
    alumni: Decimal | None = Field(description="Rata-rata skor alumni (1-5).")
    mentor: Decimal | None = Field(description="Rata-rata skor mentor (1-5).")
    alumni_count: int
    mentor_count: int


class SurveyFiguresOut(Schema):
    agency: Ref
    scope: str
    as_of: datetime.date
    projects: int = Field(description="Proyek setelah pelatihan (pemantauan atau selesai).")
    answers_owed: int = Field(description="Jawaban yang diminta putaran yang sudah dibuka.")
    answers_in: int
    response_rate: Decimal | None = Field(description="Persen; null bila belum ada yang diminta.")
    late: int
    excused: int
    assessed: int = Field(description="Proyek yang keberlanjutannya dilaporkan alumni.")
    alive: int = Field(description="... yang masih berjalan, diperluas atau direplikasi.")
    alive_percent: Decimal | None
    stuck: int = Field(description="Proyek pemantauan dengan putaran lewat batas dan belum masuk.")
    means: list[MeanOut]
    sustainability: list[ShareOut]
    barriers: list[ShareOut]
    barrier_mentions: int
    conclusions: list[ShareOut]
