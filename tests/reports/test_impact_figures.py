"""The post-training figures: response rate, means, sustainability, barriers, at the edges."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from mentoring.services import round_excuse
from reports.impact import impact_figures
from tests.factories import ChangeProjectFactory, UserFactory
from tests.mentoring.impact import answer, in_monitoring
from tracker.models import ChangeProject

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
IN_ROUND = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)
TODAY = IN_ROUND.date()


def _figures():
    return impact_figures(ChangeProject.objects.all(), today=TODAY)


def test_no_project_past_training_gives_empty_figures(world):
    figures = _figures()
    assert (figures.projects, figures.expected, figures.answered) == (0, 0, 0)
    assert figures.response_rate is None
    assert figures.means == [] and figures.barriers == [] and figures.sustainability == []
    assert figures.alive_share is None
    assert figures.means_chart().startswith("<svg")  # an empty chart still draws


@time_machine.travel(IN_ROUND, tick=False)
def test_an_open_round_without_answers_is_a_zero_rate(world):
    in_monitoring(world.project)
    figures = _figures()
    assert (figures.projects, figures.expected, figures.answered) == (1, 2, 0)
    assert figures.response_rate == Decimal("0.0")
    assert figures.stuck == 0


@time_machine.travel(IN_ROUND, tick=False)
def test_one_response(world):
    first, _final = in_monitoring(world.project)
    answer(first, world.participant, progress=5, sustainability="expanded", barriers=["funds"])
    figures = _figures()
    assert figures.answered == 1
    assert figures.response_rate == Decimal("50.0")
    progress = next(row for row in figures.means if row.topic == "progress")
    assert (progress.alumni, progress.mentor, progress.alumni_count) == (Decimal("5.00"), None, 1)
    assert [(s.key, s.count, s.percent) for s in figures.sustainability] == [
        ("expanded", 1, Decimal("100.0"))
    ]
    assert (figures.assessed, figures.alive, figures.alive_share) == (1, 1, Decimal("100.0"))
    assert [(b.key, b.percent) for b in figures.barriers] == [("funds", Decimal("100.0"))]
    assert "Diperluas" in figures.sustainability_chart()


@time_machine.travel(IN_ROUND, tick=False)
def test_an_excused_respondent_is_not_owed(world):
    first, _final = in_monitoring(world.project)
    answer(first, world.participant)
    round_excuse(survey_round=first, by=world.organiser, role="mentor", reason="Pensiun.")
    figures = _figures()
    assert (figures.expected, figures.excused, figures.owed) == (2, 1, 1)
    assert figures.response_rate == Decimal("100.0")


@time_machine.travel(IN_ROUND, tick=False)
def test_means_compare_alumni_and_mentors_and_barriers_are_shares_of_mentions(world):
    first, _final = in_monitoring(world.project)
    answer(first, world.participant, progress=5, barriers=["funds", "rotation"])
    answer(first, world.mentor, progress=4, barriers=["rotation"])
    second = ChangeProjectFactory(
        participant=UserFactory(), cohort=world.cohort, mentor=UserFactory()
    )
    other_first, _ = in_monitoring(second)
    answer(other_first, second.participant, progress=4, sustainability="stalled", barriers=[])
    answer(other_first, second.mentor, progress=3, barriers=["rotation"])
    figures = _figures()
    assert figures.response_rate == Decimal("100.0")
    progress = next(row for row in figures.means if row.topic == "progress")
    assert (progress.alumni, progress.mentor) == (Decimal("4.50"), Decimal("3.50"))
    assert [(b.key, b.count, b.percent) for b in figures.barriers] == [
        ("rotation", 3, Decimal("75.0")),
        ("funds", 1, Decimal("25.0")),
    ]
    assert (figures.assessed, figures.alive) == (2, 1)
    assert figures.alive_share == Decimal("50.0")


def test_a_round_past_due_without_answers_counts_as_stuck(world):
    in_monitoring(world.project)
    with time_machine.travel(datetime.datetime(2026, 8, 20, 9, 0, tzinfo=JAKARTA), tick=False):
        figures = impact_figures(ChangeProject.objects.all(), today=datetime.date(2026, 8, 20))
    assert figures.stuck == 1


@pytest.mark.parametrize("state", ["implementation", "passed"])
def test_projects_not_yet_past_training_are_left_out(world, state):
    in_monitoring(world.project)
    ChangeProject.objects.filter(pk=world.project.pk).update(state=state)
    assert _figures().projects == 0
    assert _figures().expected == 0


@time_machine.travel(IN_ROUND, tick=False)
def test_figures_per_cohort_keep_cohorts_apart(world):
    from reports.impact import impact_figures_by
    from tests.factories import CohortFactory

    first, _final = in_monitoring(world.project)
    answer(first, world.participant, progress=5)
    other_cohort = CohortFactory(number="II")
    elsewhere = ChangeProjectFactory(participant=UserFactory(), cohort=other_cohort)
    in_monitoring(elsewhere)
    per_cohort = impact_figures_by(ChangeProject.objects.all(), by="cohort_id", today=TODAY)
    assert per_cohort[world.cohort.pk].response_rate == Decimal("50.0")
    assert per_cohort[other_cohort.pk].response_rate == Decimal("0.0")
    assert per_cohort[other_cohort.pk].means == []
