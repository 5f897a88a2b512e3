"""Impact after training, in figures: response rate, mean scores of alumni against mentors,
sustainability as shares, barriers as percentages, projects stuck in monitoring.

Built from a few queries over any set of projects (an agency's, a cohort's), as plain data that
dashboards, the agency report and the cohort recap draw, and the charts beside the numbers.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from mentoring.models import (
    ALIVE,
    Barrier,
    ImpactConclusion,
    Question,
    SurveyAnswer,
    SurveyExcusal,
    SurveyResponse,
    SurveyRound,
    Sustainability,
)
from reports.charts import Bar, bar_chart, paired_bar_chart
from reports.documents.base import Column, Field, FieldGroup, Table
from tracker.models import ChangeProject, ImpactIndicator, Role

S = ChangeProject.State
AFTER_TRAINING = (S.MONITORING, S.COMPLETED)
TENTH = Decimal("0.01")
# The scale topics compared between alumni and mentors, in the order they are shown.
MEAN_TOPICS = (
    Question.Topic.PROGRESS,
    Question.Topic.MENTOR_SUPPORT,
    Question.Topic.LEADERSHIP_SUPPORT,
    Question.Topic.COORDINATION,
    Question.Topic.BEHAVIOUR,
    Question.Topic.RESULT,
)


def percent(part: int, whole: int) -> Decimal | None:
    """The share as a percentage with one decimal; None of nothing."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def mean_of(total: int, count: int) -> Decimal | None:
    """The mean of `count` scores adding up to `total`, with two decimals; None of none."""
    if not count:
        return None
    return (Decimal(total) / count).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class MeanRow:
    topic: str
    label: str
    alumni: Decimal | None
    mentor: Decimal | None
    alumni_count: int
    mentor_count: int


@dataclass
class ImpactFigures:
    """The post-training figures of a set of projects."""

    projects: int = 0  # past training: in monitoring or completed
    expected: int = 0  # answers asked for by rounds that have opened
    answered: int = 0
    excused: int = 0
    late: int = 0
    means: list[MeanRow] = field(default_factory=list)
    sustainability: list[Share] = field(default_factory=list)
    assessed: int = 0  # projects whose alumnus said where the change stands
    alive: int = 0  # ... continued, expanded or replicated
    barriers: list[Share] = field(default_factory=list)
    barrier_mentions: int = 0
    stuck: int = 0  # projects in monitoring with a round past due and not in
    conclusions: list[Share] = field(default_factory=list)

    @property
    def owed(self) -> int:
        return self.expected - self.excused

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.answered, self.owed)

    @property
    def alive_share(self) -> Decimal | None:
        return percent(self.alive, self.assessed)

    @property
    def has_answers(self) -> bool:
        return self.answered > 0

    # --- charts: inline SVG, the numbers stay in the tables beside them -------------------

    # Each chart is drawn at the printed size unless told otherwise; the dashboard draws it
    # wide and narrow (reports/templatetags/dashboard_tags.py), with labels cut to `label_chars`.

    def means_chart(self, *, label_chars: int | None = None, **size: float) -> SafeString:
        return paired_bar_chart(
            [(_cut(row.label, label_chars), row.alumni, row.mentor) for row in self.means],
            title=_("Rata-rata skor (1–5): alumni dan mentor"),
            legend=(_("Alumni"), _("Mentor")),
            maximum=5,
            **size,
        )

    def sustainability_chart(self, *, label_chars: int | None = None, **size: float) -> SafeString:
        return bar_chart(
            [Bar(_cut(share.label, label_chars), share.count) for share in self.sustainability],
            title=_("Status keberlanjutan menurut alumni"),
            **size,
        )

    def barriers_chart(self, *, label_chars: int | None = None, **size: float) -> SafeString:
        return bar_chart(
            [Bar(_cut(share.label, label_chars), share.count) for share in self.barriers],
            title=_("Hambatan yang disebut alumni dan mentor"),
            **{"label_width": 70, **size},
        )


def _cut(label: str, chars: int | None) -> str:
    return Truncator(label).chars(chars) if chars else str(label)


def impact_figures(projects: QuerySet[ChangeProject], *, today: datetime.date) -> ImpactFigures:
    """The post-training figures of these projects together."""
    return impact_figures_by(projects, by=None, today=today).get(None, ImpactFigures())


def impact_figures_by(
    projects: QuerySet[ChangeProject], *, by: str | None, today: datetime.date
) -> dict:
    """The post-training figures per value of the project field `by` (e.g. "cohort_id"), or of
    all the projects together under None; six queries, whatever the number of projects."""
    return {
        group: figures_from_counts(counts)
        for group, counts in impact_counts_by(projects, by=by, today=today).items()
    }


def impact_counts_by(
    projects: QuerySet[ChangeProject], *, by: str | None, today: datetime.date
) -> dict[Any, Counter[str]]:
    """What the post-training figures are made of, as named counts that add up across groups
    (the agencies' kept figures hold them: `reports.figures`): per value of `by`, or under None.

    "projects", "expected", "answered", "excused", "late", "stuck"; per scale topic and role the
    scores' "mean|topic|role|sum" and "|n"; the projects per latest "sustainability|state"; the
    "barrier|value" mentions; the "outcome|value" conclusions."""
    past = projects.filter(state__in=AFTER_TRAINING)
    key = f"project__{by}" if by else None
    groups: dict = defaultdict(Counter)
    if by:
        for row in past.order_by().values(by).annotate(total=Count("pk")):
            groups[row[by]]["projects"] = row["total"]
    elif total := past.count():
        groups[None]["projects"] = total
    fields = ["pk", "project_id", "project__mentor_id", "project__state", "due_on", "number"]
    rounds = list(
        SurveyRound.objects.filter(project__in=past, opens_on__lte=today).values(
            *fields, *([key] if key else [])
        )
    )
    group_of = {r["pk"]: r[key] if key else None for r in rounds}
    # Each read is one query whatever the data (subqueries, not lists of ids that may be empty).
    opened = Q(round__project__in=past, round__opens_on__lte=today)
    responses = list(
        SurveyResponse.objects.filter(opened, state=SurveyResponse.State.SUBMITTED).values(
            "pk", "round_id", "role", "is_late"
        )
    )
    excusals = list(SurveyExcusal.objects.filter(opened).values("round_id", "role"))
    settled = defaultdict(set)
    for row in [*responses, *excusals]:
        settled[row["round_id"]].add(row["role"])
    stuck = defaultdict(set)
    for r in rounds:
        counts = groups[group_of[r["pk"]]]
        owed = 2 if r["project__mentor_id"] else 1
        counts["expected"] += owed
        late = r["project__state"] == S.MONITORING and r["due_on"] < today
        if late and len(settled[r["pk"]]) < owed:
            stuck[group_of[r["pk"]]].add(r["project_id"])
    for response in responses:
        counts = groups[group_of[response["round_id"]]]
        counts["answered"] += 1
        counts["late"] += bool(response["is_late"])
    for excusal in excusals:
        groups[group_of[excusal["round_id"]]]["excused"] += 1
    for group, projects_stuck in stuck.items():
        groups[group]["stuck"] = len(projects_stuck)
    _count_answers(groups, group_of, responses, rounds)
    conclusions = ImpactConclusion.objects.filter(project__in=past)
    for outcome, group in conclusions.values_list("outcome", key or "outcome"):
        groups[group if key else None][f"outcome|{outcome}"] += 1
    return {group: +counts for group, counts in groups.items()}


def _count_answers(groups: dict, group_of: dict, responses: list[dict], rounds: list[dict]):
    round_of = {r["pk"]: r for r in rounds}
    response_of = {response["pk"]: response for response in responses}
    answers = SurveyAnswer.objects.filter(
        response__round__in=[r["pk"] for r in rounds] or [0],
        response__state=SurveyResponse.State.SUBMITTED,
        question__topic__in=[*MEAN_TOPICS, Question.Topic.SUSTAINABILITY, Question.Topic.BARRIERS],
    ).values("response_id", "question__kind", "question__topic", "value")
    latest: dict = defaultdict(dict)  # group -> project -> (round number, sustainability)
    for answer in answers:
        value: Any = answer["value"]
        if value in (None, "", []):
            continue
        response = response_of[answer["response_id"]]
        survey_round = round_of[response["round_id"]]
        group = group_of[survey_round["pk"]]
        topic = answer["question__topic"]
        if answer["question__kind"] == Question.Kind.SCALE and topic in MEAN_TOPICS:
            groups[group][f"mean|{topic}|{response['role']}|sum"] += int(value)
            groups[group][f"mean|{topic}|{response['role']}|n"] += 1
        elif topic == Question.Topic.SUSTAINABILITY and response["role"] == Role.PARTICIPANT:
            known = latest[group].get(survey_round["project_id"])
            if known is None or known[0] < survey_round["number"]:
                latest[group][survey_round["project_id"]] = (survey_round["number"], str(value))
        elif topic == Question.Topic.BARRIERS:
            groups[group].update(f"barrier|{item}" for item in value if item in Barrier.values)
    for group, states in latest.items():
        groups[group].update(f"sustainability|{state}" for _number, state in states.values())


def figures_from_counts(counts: Counter[str]) -> ImpactFigures:
    """The post-training figures made of their counts (`impact_counts_by`)."""
    figures = ImpactFigures(
        projects=counts["projects"],
        expected=counts["expected"],
        answered=counts["answered"],
        excused=counts["excused"],
        late=counts["late"],
        stuck=counts["stuck"],
    )
    labels = dict(Question.Topic.choices)
    for topic in MEAN_TOPICS:
        alumni, mentor = (
            (counts[f"mean|{topic}|{role}|sum"], counts[f"mean|{topic}|{role}|n"])
            for role in (Role.PARTICIPANT, Role.MENTOR)
        )
        if alumni[1] or mentor[1]:
            figures.means.append(
                MeanRow(
                    topic,
                    str(labels[topic]),
                    mean_of(*alumni),
                    mean_of(*mentor),
                    alumni[1],
                    mentor[1],
                )
            )
    states = {value: counts[f"sustainability|{value}"] for value in Sustainability.values}
    figures.assessed = sum(states.values())
    figures.alive = sum(n for state, n in states.items() if state in ALIVE)
    figures.sustainability = [
        Share(value, str(label), states[value], percent(states[value], figures.assessed))
        for value, label in Sustainability.choices
        if states[value]
    ]
    barriers = {value: counts[f"barrier|{value}"] for value in Barrier.values}
    figures.barrier_mentions = sum(barriers.values())
    figures.barriers = [
        Share(
            value, str(label), barriers[value], percent(barriers[value], figures.barrier_mentions)
        )
        for value, label in sorted(Barrier.choices, key=lambda choice: -barriers[choice[0]])
        if barriers[value]
    ]
    outcomes = {value: counts[f"outcome|{value}"] for value in ImpactConclusion.Outcome.values}
    concluded = sum(outcomes.values())
    figures.conclusions = [
        Share(value, str(label), outcomes[value], percent(outcomes[value], concluded))
        for value, label in ImpactConclusion.Outcome.choices
        if outcomes[value]
    ]
    return figures


# --- the post-training section of the agency report and the cohort recap ----------------------


@dataclass(frozen=True)
class ImpactSection:
    """The post-training figures as the documents print them and their CSV carries them."""

    figures: FieldGroup
    means: Table
    sustainability: Table
    barriers: Table
    conclusions: Table
    responses: Table

    @property
    def has_projects(self) -> bool:
        return bool(self.figures.fields[0].value)

    @property
    def share_tables(self) -> list[Table]:
        return [self.sustainability, self.barriers, self.conclusions]

    @property
    def sections(self) -> list:
        return [
            self.figures,
            self.means,
            self.sustainability,
            self.barriers,
            self.conclusions,
            self.responses,
        ]


def _share_table(key: str, title: str, label: str, shares: list[Share], empty: str) -> Table:
    return Table(
        key=key,
        title=title,
        columns=(
            Column("label", label, width="60%"),
            Column("jumlah", _("Jumlah"), "number"),
            Column("persen", _("Persen"), "score"),
        ),
        rows=tuple((share.label, share.count, share.percent) for share in shares),
        empty_text=empty,
    )


def impact_section(
    projects: QuerySet[ChangeProject], *, today: datetime.date, free_text: bool
) -> ImpactSection:
    """The figures of these projects after training, and every submitted answer (free text only
    for readers who may see it: organisers, not agency heads)."""
    figures = impact_figures(projects, today=today)
    no_answers = _("Belum ada jawaban survei pascapelatihan.")
    return ImpactSection(
        figures=FieldGroup(
            key="pascapelatihan",
            title=_("Setelah pelatihan"),
            fields=(
                Field(
                    "proyek_pascapelatihan",
                    _("Proyek setelah pelatihan"),
                    figures.projects,
                    "number",
                ),
                Field("jawaban_diminta", _("Jawaban survei diminta"), figures.owed, "number"),
                Field("jawaban_masuk", _("Jawaban survei masuk"), figures.answered, "number"),
                Field("tingkat_respons", _("Tingkat respons (%)"), figures.response_rate, "score"),
                Field("jawaban_terlambat", _("Jawaban terlambat"), figures.late, "number"),
                Field("dibebaskan", _("Responden dibebaskan"), figures.excused, "number"),
                Field("masih_berjalan", _("Proyek masih berjalan"), figures.alive, "number"),
                Field(
                    "dinilai",
                    _("Proyek yang keberlanjutannya dilaporkan"),
                    figures.assessed,
                    "number",
                ),
                Field(
                    "masih_berjalan_persen", _("Masih berjalan (%)"), figures.alive_share, "score"
                ),
                Field("tertahan", _("Proyek tertahan di pemantauan"), figures.stuck, "number"),
            ),
        ),
        means=Table(
            key="rerata_skor",
            title=_("Rata-rata skor, alumni dan mentor (1–5)"),
            columns=(
                Column("aspek", _("Aspek"), width="50%"),
                Column("alumni", _("Alumni"), "score"),
                Column("mentor", _("Mentor"), "score"),
                Column("jawaban_alumni", _("Jawaban alumni"), "number"),
                Column("jawaban_mentor", _("Jawaban mentor"), "number"),
            ),
            rows=tuple(
                (row.label, row.alumni, row.mentor, row.alumni_count, row.mentor_count)
                for row in figures.means
            ),
            empty_text=no_answers,
        ),
        sustainability=_share_table(
            "keberlanjutan",
            _("Status keberlanjutan menurut alumni"),
            _("Status"),
            figures.sustainability,
            no_answers,
        ),
        barriers=_share_table(
            "hambatan",
            _("Hambatan yang disebut (persen dari semua sebutan)"),
            _("Hambatan"),
            figures.barriers,
            _("Belum ada hambatan yang disebut."),
        ),
        conclusions=_share_table(
            "kesimpulan",
            _("Kesimpulan evaluasi dampak"),
            _("Kesimpulan"),
            figures.conclusions,
            _("Belum ada evaluasi dampak yang diselesaikan."),
        ),
        responses=_responses_table(projects, free_text=free_text),
    )


def _responses_table(projects: QuerySet[ChangeProject], *, free_text: bool) -> Table:
    from mentoring.selectors import answer_text

    answers = (
        SurveyAnswer.objects.filter(
            response__round__project__in=projects.filter(state__in=AFTER_TRAINING),
            response__state=SurveyResponse.State.SUBMITTED,
        )
        .select_related("question", "response__round__project", "response__respondent")
        .order_by(
            "response__round__project__title",
            "response__round__project_id",
            "response__round__number",
            "response__role",
            "question__order",
            "question_id",
        )
    )
    if not free_text:
        answers = answers.exclude(question__kind__in=Question.TEXT_KINDS)
    indicators = {
        indicator.pk: indicator
        for indicator in ImpactIndicator.objects.filter(
            project__in=projects.filter(state__in=AFTER_TRAINING)
        )
    }
    rows = []
    for answer in answers:
        response = answer.response
        follow_up = answer.follow_up if free_text else ""
        text = answer_text(answer.question, answer.value, indicators)
        rows.append(
            (
                response.round.project.title,
                response.round.number,
                response.get_role_display(),
                str(response.respondent),
                response.submitted_at,
                _("Ya") if response.is_late else _("Tidak"),
                answer.question.text,
                f"{text} · {follow_up}" if follow_up else text,
            )
        )
    return Table(
        key="jawaban_survei",
        title=_("Jawaban survei pascapelatihan"),
        columns=(
            Column("proyek", _("Proyek")),
            Column("putaran", _("Putaran"), "number"),
            Column("responden", _("Sebagai")),
            Column("nama", _("Nama")),
            Column("dikirim", _("Dikirim"), "datetime"),
            Column("terlambat", _("Terlambat")),
            Column("pertanyaan", _("Pertanyaan")),
            Column("jawaban", _("Jawaban")),
        ),
        rows=tuple(rows),
        empty_text=_("Belum ada jawaban survei pascapelatihan."),
        hide_when_empty=True,
    )
