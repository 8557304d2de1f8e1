"""The fairness gates' decision rules and messages, without data: facts in, status/reason out
(``mlgates.gates.fairness._decide``), and one message per outcome (``_describe``)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates.core.status import Status
from mlgates.gates.fairness._decide import (
    AggregateFacts,
    BoundFacts,
    ComponentCause,
    Extreme,
    GroupFacts,
    RatioFacts,
    UndefinedFacts,
    WorseningFacts,
    binding_bound,
    decide_aggregate,
    decide_bound,
    decide_group,
    decide_ratio,
    decide_worsening,
    undefined_reason,
)
from mlgates.gates.fairness._describe import (
    bound_text,
    describe_aggregate,
    describe_group,
    describe_ratio,
    describe_worsening,
    undefined_text,
)

NAN = math.nan
W = Status.WARN
FAIL, PASS = Status.FAIL, Status.PASS
EXCEEDED, INCONCLUSIVE = "fairness_bound_exceeded", "fairness_bound_inconclusive"

BOUNDS = [
    # (name, facts, status, reason, outcome, binding bound, text)
    (
        "above, point",
        BoundFacts(0.2, 0.05, 0.3, 0.1, None, "point"),
        FAIL,
        EXCEEDED,
        "above",
        0.1,
        "> 0.1 allowed",
    ),
    (
        "above, whole ci",
        BoundFacts(0.2, 0.15, 0.3, 0.1, None, "ci"),
        FAIL,
        EXCEEDED,
        "above",
        0.1,
        "> 0.1 allowed",
    ),
    (
        "above, ci includes the bound",
        BoundFacts(0.2, 0.05, 0.3, 0.1, None, "ci"),
        W,
        INCONCLUSIVE,
        "above_point_only",
        0.1,
        "> 0.1 allowed, but its confidence interval includes the bound",
    ),
    (
        "above, no interval",
        BoundFacts(0.2, NAN, NAN, 0.1, None, "ci"),
        W,
        INCONCLUSIVE,
        "above_point_only",
        0.1,
        "> 0.1 allowed, but its confidence interval includes the bound",
    ),
    (
        "at the max",
        BoundFacts(0.1, 0.05, 0.3, 0.1, None, "point"),
        PASS,
        None,
        "within",
        0.1,
        "<= 0.1 allowed",
    ),
    (
        "below, point",
        BoundFacts(0.7, 0.6, 0.9, None, 0.8, "point"),
        FAIL,
        EXCEEDED,
        "below",
        0.8,
        "< 0.8 required",
    ),
    (
        "below, whole ci",
        BoundFacts(0.7, 0.6, 0.75, None, 0.8, "ci"),
        FAIL,
        EXCEEDED,
        "below",
        0.8,
        "< 0.8 required",
    ),
    (
        "below, ci includes the bound",
        BoundFacts(0.7, 0.6, 0.85, None, 0.8, "ci"),
        W,
        INCONCLUSIVE,
        "below_point_only",
        0.8,
        "< 0.8 required, but its confidence interval includes the bound",
    ),
    (
        "above min",
        BoundFacts(0.9, 0.85, 0.95, None, 0.8, "point"),
        PASS,
        None,
        "within",
        0.8,
        ">= 0.8 required",
    ),
    (
        "within both",
        BoundFacts(0.9, 0.8, 1.0, 1.0, 0.5, "point"),
        PASS,
        None,
        "within",
        1.0,
        "within [0.5, 1]",
    ),
    (
        "max checked first",
        BoundFacts(2.0, 1.9, 2.1, 1.0, 3.0, "point"),
        FAIL,
        EXCEEDED,
        "above",
        1.0,
        "> 1 allowed",
    ),
    ("no bounds", BoundFacts(0.3, 0.2, 0.4, None, None, "point"), PASS, None, "within", None, ""),
]


@pytest.mark.parametrize(
    ("facts", "status", "reason", "outcome", "bound", "text"),
    [c[1:] for c in BOUNDS],
    ids=[c[0] for c in BOUNDS],
)
def test_decide_bound(facts, status, reason, outcome, bound, text):
    decision = decide_bound(facts)
    assert (decision.status, decision.reason, decision.outcome) == (status, reason, outcome)
    assert binding_bound(decision.outcome, facts) == bound
    assert bound_text(decision.outcome, facts) == text


# -- why an aggregate is undefined ------------------------------------------------------------------

ZERO = ComponentCause("selection_rate", "zero_largest", value=0.0)
EVERYWHERE = ComponentCause(
    "false_positive_rate", "undefined_everywhere", why="no rows with a negative label"
)
SMALL = ComponentCause(
    "true_positive_rate",
    "too_few_groups",
    why="no rows with a positive label",
    min_group_size=30,
    used=("race=a",),
    undefined_in=("race=c",),
    size_limited=True,
)


@pytest.mark.parametrize(
    ("facts", "reason", "text"),
    [
        (UndefinedFacts(()), "undefined_statistic", "the components' aggregates do not combine to a value"),
        (
            UndefinedFacts((ZERO,)),
            "undefined_statistic",
            "the largest selection_rate is 0.0%, so the ratio is 0 / 0",
        ),
        (
            UndefinedFacts((ComponentCause("selection_rate", "zero_overall", value=0.0),)),
            "undefined_statistic",
            "the overall selection_rate is 0.0%, so the ratio is undefined",
        ),
        (
            UndefinedFacts((EVERYWHERE,)),
            "undefined_statistic",
            "false_positive_rate undefined in every group: no rows with a negative label",
        ),
        (
            UndefinedFacts((SMALL,), (40, 25), 0.2537),
            "insufficient_samples",
            "fewer than two groups with >= 30 rows and a defined true_positive_rate (used: ['race=a']); "
            "undefined in ['race=c'] (no rows with a positive label); the two largest groups (40 and 25 "
            "rows) could only resolve rate differences of about 0.25",
        ),
        (
            UndefinedFacts((dataclasses.replace(SMALL, used=(), undefined_in=(), groups_needed=1),)),
            "insufficient_samples",
            "no group with >= 30 rows and a defined true_positive_rate (used: none)",
        ),
        (
            UndefinedFacts((EVERYWHERE, dataclasses.replace(SMALL, size_limited=False))),
            "undefined_statistic",
            "false_positive_rate undefined in every group: no rows with a negative label; fewer than two "
            "groups with >= 30 rows and a defined true_positive_rate (used: ['race=a']); undefined in "
            "['race=c'] (no rows with a positive label)",
        ),
    ],
)
def test_undefined_reason_and_text(facts, reason, text):
    assert undefined_reason(facts) == reason
    assert undefined_text(facts) == text


# -- the aggregate ----------------------------------------------------------------------------------

EXTREMES = (
    Extreme("true_positive_rate", 3, True, "race=b", 0.74, "race=c", 0.39),
    Extreme("false_positive_rate", 1, False, "race=a", 0.2, "race=a", 0.2),
    Extreme("selection_rate", 2, False, "race=a", 0.5, "race=b", 0.5),
)


def test_aggregate_judged_and_written():
    facts = AggregateFacts(
        "equalized_odds_difference", BoundFacts(0.35, 0.29, 0.52, 0.15, None, "point"), EXTREMES
    )
    decision = decide_aggregate(facts, insufficient=W)
    assert (decision.status, decision.reason, decision.outcome) == (FAIL, EXCEEDED, "above")
    assert describe_aggregate(decision) == (
        "equalized_odds_difference = 0.35 [0.29, 0.52] > 0.15 allowed (true_positive_rate: race=b 74.0% "
        "vs race=c 39.0%; false_positive_rate: only race=a 20.0%; selection_rate: all groups used 50.0%)"
    )


def test_aggregate_without_bound_or_interval():
    # only max_worsening set: the aggregate is reported, not bounded
    bound = BoundFacts(0.05, NAN, NAN, None, None, "point")
    decision = decide_aggregate(
        AggregateFacts("demographic_parity_difference", bound, EXTREMES[2:]), insufficient=W
    )
    assert (decision.status, decision.reason) == (PASS, None)
    assert describe_aggregate(decision) == (
        "demographic_parity_difference = 0.05 (selection_rate: all groups used 50.0%)"
    )


@pytest.mark.parametrize(("insufficient"), [W, Status.SKIP, Status.FAIL, Status.ERROR])
def test_undefined_aggregate_takes_the_policys_status(insufficient):
    facts = AggregateFacts(
        "demographic_parity_ratio", BoundFacts(NAN, NAN, NAN, None, 0.8, "point"), (), UndefinedFacts((ZERO,))
    )
    decision = decide_aggregate(facts, insufficient=insufficient)
    assert (decision.status, decision.reason, decision.outcome) == (
        insufficient,
        "undefined_statistic",
        "undefined",
    )
    assert describe_aggregate(decision) == (
        "demographic_parity_ratio undefined: the largest selection_rate is 0.0%, so the ratio is 0 / 0"
    )


# -- the worsening against a baseline ---------------------------------------------------------------

WORSE = WorseningFacts(
    "demographic_parity_difference",
    candidate=0.30,
    baseline=0.10,
    ci_low=0.12,
    ci_high=0.28,
    margin=0.05,
    decision="ci",
    confidence=0.95,
    higher_is_worse=True,
)

WORSENINGS = [
    # (name, facts, status, reason, outcome, message)
    (
        "whole interval beyond the margin",
        WORSE,
        FAIL,
        "fairness_regression",
        "regression",
        "demographic_parity_difference: candidate 0.3 vs baseline 0.1, 0.2 worse [0.12, 0.28]; "
        "worsening > 0.05 allowed (the whole 95% interval)",
    ),
    (
        "interval includes the margin",
        dataclasses.replace(WORSE, ci_low=0.01),
        W,
        "fairness_regression_inconclusive",
        "inconclusive",
        "demographic_parity_difference: candidate 0.3 vs baseline 0.1, 0.2 worse [0.01, 0.28]; "
        "worsening > 0.05 allowed on the point estimate, but its 95% interval includes the margin: "
        "not judged a regression",
    ),
    (
        "point decision",
        dataclasses.replace(WORSE, ci_low=0.01, decision="point", confidence=0.9),
        FAIL,
        "fairness_regression",
        "regression",
        "demographic_parity_difference: candidate 0.3 vs baseline 0.1, 0.2 worse [0.01, 0.28]; "
        "worsening > 0.05 allowed",
    ),
    (
        "better: the interval of the improvement",
        dataclasses.replace(WORSE, candidate=0.05, ci_low=-0.09, ci_high=-0.01),
        PASS,
        None,
        "within",
        "demographic_parity_difference: candidate 0.05 vs baseline 0.1, 0.05 better [0.01, 0.09]; "
        "worsening <= 0.05 allowed",
    ),
    (
        "lower is worse",
        dataclasses.replace(
            WORSE, candidate=0.70, baseline=0.90, higher_is_worse=False, ci_low=NAN, ci_high=NAN
        ),
        W,
        "fairness_regression_inconclusive",
        "inconclusive",
        "demographic_parity_difference: candidate 0.7 vs baseline 0.9, 0.2 worse; worsening > 0.05 allowed "
        "on the point estimate, but its 95% interval includes the margin: not judged a regression",
    ),
    (
        "undefined baseline",
        dataclasses.replace(
            WORSE, baseline=NAN, undefined=UndefinedFacts((ZERO,)), undefined_side="baseline"
        ),
        W,
        "undefined_statistic",
        "undefined",
        "demographic_parity_difference vs baseline: undefined for the baseline (the largest selection_rate "
        "is 0.0%, so the ratio is 0 / 0)",
    ),
    (
        "undefined candidate, groups too small",
        dataclasses.replace(WORSE, candidate=NAN, undefined=UndefinedFacts((SMALL,))),
        W,
        "insufficient_samples",
        "undefined",
        "demographic_parity_difference vs baseline: undefined for the candidate (fewer than two groups with "
        ">= 30 rows and a defined true_positive_rate (used: ['race=a']); undefined in ['race=c'] (no rows "
        "with a positive label))",
    ),
]


@pytest.mark.parametrize(
    ("facts", "status", "reason", "outcome", "message"),
    [c[1:] for c in WORSENINGS],
    ids=[c[0] for c in WORSENINGS],
)
def test_decide_worsening(facts, status, reason, outcome, message):
    decision = decide_worsening(facts, insufficient=W)
    assert (decision.status, decision.reason, decision.outcome) == (status, reason, outcome)
    assert describe_worsening(decision) == message


@given(
    st.floats(-1, 1),
    st.floats(-1, 1),
    st.floats(-1, 1),
    st.floats(0, 1),
    st.floats(0, 0.5),
    st.booleans(),
)
def test_the_ci_decision_is_never_stricter_than_the_point_one(cand, base, lo, width, margin, higher):
    facts = WorseningFacts("m", cand, base, lo, lo + width, margin, "ci", 0.95, higher)
    by_ci = decide_worsening(facts, insufficient=W).status
    by_point = decide_worsening(dataclasses.replace(facts, decision="point"), insufficient=W).status
    if by_ci is FAIL:
        assert by_point is FAIL
    if by_point is PASS:
        assert by_ci is PASS


# -- one group --------------------------------------------------------------------------------------

GROUP = GroupFacts(
    "race=c",
    "true_positive_rate",
    n=120,
    support=60,
    defined=True,
    value=0.55,
    ci_low=0.42,
    ci_high=0.67,
    min_group_size=30,
    why="no rows with a positive label",
)

GROUPS = [
    ("used", GROUP, PASS, None, "used", "race=c: true_positive_rate 55.0% [42.0%, 67.0%] (n=120)"),
    (
        "used, no interval",
        dataclasses.replace(GROUP, metric="mean_absolute_error", value=0.4321, ci_low=NAN, ci_high=NAN),
        PASS,
        None,
        "used",
        "race=c: mean_absolute_error 0.4321 (n=120)",
    ),
    (
        "too small",
        dataclasses.replace(GROUP, n=12, support=5, n_resolution=0.2563, support_resolution=0.37),
        W,
        "insufficient_samples",
        "small",
        "race=c: n=12 < min_group_size 30; true_positive_rate not judged (a rate on 12 rows is only known "
        "to about ±25.6%)",
    ),
    (
        "too small and undefined",
        dataclasses.replace(GROUP, n=1, support=0, defined=False, n_resolution=0.6),
        W,
        "insufficient_samples",
        "small",
        "race=c: n=1 < min_group_size 30; true_positive_rate not judged (a rate on 1 row is only known to "
        "about ±60.0%)",
    ),
    (
        "undefined",
        dataclasses.replace(GROUP, support=0, defined=False),
        W,
        "undefined_statistic",
        "undefined",
        "race=c: true_positive_rate undefined (no rows with a positive label); excluded, not counted as 0",
    ),
    (
        "rests on too few rows",
        dataclasses.replace(GROUP, n=1200, support=10, support_resolution=0.2781),
        W,
        "insufficient_samples",
        "small_support",
        "race=c: n=1,200, but true_positive_rate rests on 10 rows (rows with a positive label): 10 < "
        "min_group_size 30; not judged (about ±27.8%)",
    ),
]


@pytest.mark.parametrize(
    ("facts", "status", "reason", "outcome", "message"), [c[1:] for c in GROUPS], ids=[c[0] for c in GROUPS]
)
def test_decide_group(facts, status, reason, outcome, message):
    decision = decide_group(facts, insufficient=W)
    assert (decision.status, decision.reason, decision.outcome) == (status, reason, outcome)
    assert describe_group(decision) == message


# -- the four-fifths rule ---------------------------------------------------------------------------

RATIO = RatioFacts("sex=F", 0.7, 0.6, 0.78, 0.8, "point", 0.35, "max_rate")


@pytest.mark.parametrize(
    ("facts", "status", "reason", "message"),
    [
        (
            RATIO,
            FAIL,
            "disparate_impact",
            "sex=F: selection rate 35.0% is 0.700 [0.600, 0.780] of the reference (max_rate) < 0.8 required",
        ),
        (
            dataclasses.replace(RATIO, ci_high=0.9, decision="ci"),
            W,
            "disparate_impact_inconclusive",
            "sex=F: selection rate 35.0% is 0.700 [0.600, 0.900] of the reference (max_rate) < 0.8 required, "
            "but its confidence interval includes the bound",
        ),
        (
            dataclasses.replace(RATIO, ratio=0.9, ci_low=NAN, ci_high=NAN, reference_group="overall"),
            PASS,
            None,
            "sex=F: selection rate 35.0% is 0.900 of the reference (overall) >= 0.8 required",
        ),
        (
            dataclasses.replace(RATIO, ratio=NAN),
            W,
            "undefined_statistic",
            "sex=F: ratio undefined (reference selection rate is 0)",
        ),
    ],
)
def test_decide_ratio(facts, status, reason, message):
    decision = decide_ratio(facts, insufficient=W)
    assert (decision.status, decision.reason) == (status, reason)
    assert describe_ratio(decision) == message
