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

from django.db.models import QuerySet
from django.utils.safestring import SafeString
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
from tracker.models import ChangeProject, Role

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


def mean(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


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

    def means_chart(self) -> SafeString:
        return paired_bar_chart(
            [(row.label, row.alumni, row.mentor) for row in self.means],
            title=_("Rata-rata skor (1–5): alumni dan mentor"),
            legend=(_("Alumni"), _("Mentor")),
            maximum=5,
        )

    def sustainability_chart(self) -> SafeString:
        return bar_chart(
            [Bar(share.label, share.count) for share in self.sustainability],
            title=_("Status keberlanjutan menurut alumni"),
        )

    def barriers_chart(self) -> SafeString:
        return bar_chart(
            [Bar(share.label, share.count) for share in self.barriers],
            title=_("Hambatan yang disebut alumni dan mentor"),
            label_width=70,
        )


def impact_figures(projects: QuerySet[ChangeProject], *, today: datetime.date) -> ImpactFigures:
    """The post-training figures of these projects (five queries, whatever their number)."""
    figures = ImpactFigures()
    past = projects.filter(state__in=AFTER_TRAINING)
    figures.projects = past.count()
    rounds = list(
        SurveyRound.objects.filter(project__in=past, opens_on__lte=today).values(
            "pk", "project_id", "project__mentor_id", "project__state", "due_on", "number"
        )
    )
    figures.expected = sum(2 if r["project__mentor_id"] else 1 for r in rounds)
    responses = list(
        SurveyResponse.objects.filter(
            round__in=[r["pk"] for r in rounds], state=SurveyResponse.State.SUBMITTED
        ).values("pk", "round_id", "role", "is_late")
    )
    excusals = list(
        SurveyExcusal.objects.filter(round__in=[r["pk"] for r in rounds]).values("round_id", "role")
    )
    figures.answered = len(responses)
    figures.late = sum(1 for response in responses if response["is_late"])
    figures.excused = len(excusals)
    settled = defaultdict(set)
    for row in [*responses, *excusals]:
        settled[row["round_id"]].add(row["role"])
    figures.stuck = len(
        {
            r["project_id"]
            for r in rounds
            if r["project__state"] == S.MONITORING
            and r["due_on"] < today
            and len(settled[r["pk"]]) < (2 if r["project__mentor_id"] else 1)
        }
    )
    _read_answers(figures, responses, rounds)
    outcomes = Counter(
        ImpactConclusion.objects.filter(project__in=past).values_list("outcome", flat=True)
    )
    total = sum(outcomes.values())
    figures.conclusions = [
        Share(value, str(label), outcomes[value], percent(outcomes[value], total))
        for value, label in ImpactConclusion.Outcome.choices
        if outcomes[value]
    ]
    return figures


def _read_answers(figures: ImpactFigures, responses: list[dict], rounds: list[dict]) -> None:
    round_of = {r["pk"]: r for r in rounds}
    response_of = {response["pk"]: response for response in responses}
    answers = SurveyAnswer.objects.filter(
        response__in=list(response_of),
        question__topic__in=[*MEAN_TOPICS, Question.Topic.SUSTAINABILITY, Question.Topic.BARRIERS],
    ).values("response_id", "question__kind", "question__topic", "value")
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    latest: dict[int, tuple[int, str]] = {}  # project -> (round number, sustainability)
    barriers: Counter[str] = Counter()
    for answer in answers:
        value = answer["value"]
        if value in (None, "", []):
            continue
        response = response_of[answer["response_id"]]
        topic = answer["question__topic"]
        if answer["question__kind"] == Question.Kind.SCALE and topic in MEAN_TOPICS:
            scores[(topic, response["role"])].append(int(value))
        elif topic == Question.Topic.SUSTAINABILITY and response["role"] == Role.PARTICIPANT:
            survey_round = round_of[response["round_id"]]
            known = latest.get(survey_round["project_id"])
            if known is None or known[0] < survey_round["number"]:
                latest[survey_round["project_id"]] = (survey_round["number"], str(value))
        elif topic == Question.Topic.BARRIERS:
            barriers.update(item for item in value if item in Barrier.values)
    labels = dict(Question.Topic.choices)
    for topic in MEAN_TOPICS:
        alumni = scores.get((topic, Role.PARTICIPANT), [])
        mentor = scores.get((topic, Role.MENTOR), [])
        if alumni or mentor:
            figures.means.append(
                MeanRow(
                    topic, str(labels[topic]), mean(alumni), mean(mentor), len(alumni), len(mentor)
                )
            )
    states = Counter(state for _number, state in latest.values())
    figures.assessed = sum(states.values())
    figures.alive = sum(n for state, n in states.items() if state in ALIVE)
    figures.sustainability = [
        Share(value, str(label), states[value], percent(states[value], figures.assessed))
        for value, label in Sustainability.choices
        if states[value]
    ]
    figures.barrier_mentions = sum(barriers.values())
    figures.barriers = [
        Share(
            value, str(label), barriers[value], percent(barriers[value], figures.barrier_mentions)
        )
        for value, label in sorted(Barrier.choices, key=lambda choice: -barriers[choice[0]])
        if barriers[value]
    ]
