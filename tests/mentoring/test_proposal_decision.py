"""How a proposal seminar combines its examiners' sheets: each rule at its edges."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from mentoring.models import DecisionRule, combine_decisions

A, R, X = "accepted", "revision", "rejected"


def _combine(rule, decisions=(), score="0", accept="80", revision="60"):
    return combine_decisions(
        rule,
        score=D(score),
        decisions=list(decisions),
        accept_min=D(accept),
        revision_min=D(revision),
    )


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", A),
        ("80", A),
        ("79.99", R),
        ("60", R),
        ("59.99", X),
        ("0", X),
    ],
)
def test_mean_score_against_the_two_thresholds(score, expected):
    # The examiners' own decisions do not count under this rule, only the mean.
    assert _combine(DecisionRule.MEAN_SCORE, [X, X], score=score) == expected


def test_mean_score_with_equal_thresholds_never_asks_for_revision():
    assert _combine(DecisionRule.MEAN_SCORE, score="70", accept="70", revision="70") == A
    assert _combine(DecisionRule.MEAN_SCORE, score="69.99", accept="70", revision="70") == X


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([A], A),
        ([A, A, R], A),
        ([A, R, R], R),
        ([A, R], R),  # a tie goes to the stricter decision
        ([A, X], X),
        ([A, R, X], X),  # three-way tie
        ([X, X, A, A, R], X),
        ([R, R, X, A, A], R),
    ],
)
def test_majority_with_ties_to_the_stricter(decisions, expected):
    assert _combine(DecisionRule.MAJORITY, decisions, score="95") == expected


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([A, A, A], A),
        ([A, A, R], R),
        ([A, R, X], X),
        ([X], X),
    ],
)
def test_strictest_any_examiner_requiring_revision_decides(decisions, expected):
    assert _combine(DecisionRule.STRICTEST, decisions, score="100") == expected


def test_rules_on_decisions_need_a_sheet():
    with pytest.raises(ValueError):
        _combine(DecisionRule.MAJORITY, [])
