"""PerformanceGate's decision rules and messages, without data: facts in, status/reason out
(``mlgates.gates.performance._decide``), and one message per outcome (``_describe``)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates.core.status import Status
from mlgates.gates.performance._decide import (
    BoundFacts,
    ComparisonFacts,
    ImprovementFacts,
    decide_bound,
    decide_comparison,
    decide_improvement,
)
from mlgates.gates.performance._describe import describe

NAN = math.nan
W = Status.WARN
#: A point comparison of accuracy on 2000 rows with a margin of 0.01; cases change what they test.
POINT = ComparisonFacts(
    "accuracy", candidate=0.85, baseline=0.85, margin=0.01, sign=1.0, n=2000, test=None, method="difference"
)
#: The same with McNemar's test: an interval well within the margin and a small standard error.
TEST = dataclasses.replace(
    POINT,
    test="mcnemar",
    method="mcnemar_midp",
    ci_low=-0.004,
    ci_high=0.006,
    regression_pvalue=0.6,
    se=0.002,
    mde=0.0056,
)


def case(base: ComparisonFacts, **changes) -> ComparisonFacts:
    return dataclasses.replace(base, **changes)


COMPARISONS = [
    # (name, facts, insufficient status, expected status, reason, outcome)
    ("undefined candidate", case(POINT, candidate=NAN), W, Status.ERROR, "undefined_statistic", "undefined"),
    (
        "undefined baseline",
        case(TEST, baseline=math.inf),
        W,
        Status.ERROR,
        "undefined_statistic",
        "undefined",
    ),
    (
        "undefined segment",
        case(POINT, candidate=NAN, overall=False),
        W,
        W,
        "insufficient_samples",
        "undefined",
    ),
    (
        "segment on skip",
        case(POINT, candidate=NAN, overall=False),
        Status.SKIP,
        Status.SKIP,
        "insufficient_samples",
        "undefined",
    ),
    (
        "point drop beyond margin",
        case(POINT, candidate=0.83),
        W,
        Status.FAIL,
        "performance_regression",
        "regression",
    ),
    ("point drop of the margin", case(POINT, candidate=0.84), W, Status.PASS, None, "passed"),
    ("point gain", case(POINT, candidate=0.95), W, Status.PASS, None, "passed"),
    (
        "loss increase beyond",
        case(POINT, sign=-1.0, candidate=0.40, baseline=0.30),
        W,
        Status.FAIL,
        "performance_regression",
        "regression",
    ),
    ("loss decrease", case(POINT, sign=-1.0, candidate=0.20, baseline=0.30), W, Status.PASS, None, "passed"),
    (
        "point short within",
        case(POINT, shortfall="20 rows on current < min_samples 30"),
        W,
        W,
        "insufficient_samples",
        "small_sample",
    ),
    (
        "point short on fail",
        case(POINT, shortfall="20 rows", candidate=0.80),
        Status.FAIL,
        Status.FAIL,
        "performance_regression",
        "regression",
    ),
    (
        "point short beyond stands",
        case(POINT, shortfall="20 rows", candidate=0.80),
        W,
        Status.FAIL,
        "performance_regression",
        "regression",
    ),
    (
        "segment short not judged short",
        case(POINT, shortfall="20 rows", overall=False),
        W,
        Status.PASS,
        None,
        "passed",
    ),
    (
        "test significant",
        case(TEST, regression_pvalue=0.01),
        W,
        Status.FAIL,
        "performance_regression",
        "regression",
    ),
    ("test p at alpha", case(TEST, regression_pvalue=0.05), W, Status.PASS, None, "passed"),
    ("test p missing", case(TEST, regression_pvalue=None), W, Status.PASS, None, "passed"),
    ("test short", case(TEST, shortfall="24 rows"), W, W, "insufficient_samples", "small_sample"),
    (
        "test short beats ruled out",
        case(TEST, shortfall="24 rows", ci_low=0.0, ci_high=0.001),
        W,
        W,
        "insufficient_samples",
        "small_sample",
    ),
    (
        "test short significant",
        case(TEST, shortfall="24 rows", regression_pvalue=0.001),
        W,
        Status.FAIL,
        "performance_regression",
        "regression",
    ),
    (
        "underpowered",
        case(TEST, ci_low=-0.03, ci_high=0.02, se=0.02, mde=0.056),
        W,
        W,
        "insufficient_samples",
        "underpowered",
    ),
    (
        "underpowered on error",
        case(TEST, ci_low=-0.03, ci_high=0.02, se=0.02, mde=0.056),
        Status.ERROR,
        Status.ERROR,
        "insufficient_samples",
        "underpowered",
    ),
    (
        "underpowered but ruled out",
        case(TEST, ci_low=-0.005, ci_high=0.02, se=0.02, mde=0.056),
        W,
        Status.PASS,
        None,
        "passed",
    ),
    (
        "no standard error",
        case(TEST, ci_low=-0.03, ci_high=0.02, se=None, mde=None),
        W,
        W,
        "insufficient_samples",
        "underpowered",
    ),
    (
        "NaN standard error",
        case(TEST, ci_low=-0.03, ci_high=0.02, se=NAN, mde=NAN),
        W,
        W,
        "insufficient_samples",
        "underpowered",
    ),
    (
        "zero margin: no power rule",
        case(TEST, margin=0.0, ci_low=-0.03, ci_high=0.02, se=0.02, mde=0.056),
        W,
        Status.PASS,
        None,
        "passed",
    ),
    (
        "min_effect smaller than mde",
        case(TEST, margin=0.05, min_effect=0.02, ci_low=-0.06, ci_high=0.02, se=0.011, mde=0.03),
        W,
        W,
        "insufficient_samples",
        "underpowered",
    ),
    (
        "min_effect larger than mde",
        case(TEST, margin=0.05, min_effect=0.04, ci_low=-0.06, ci_high=0.02, se=0.011, mde=0.03),
        W,
        Status.PASS,
        None,
        "passed",
    ),
    (
        "segment underpowered passes",
        case(TEST, overall=False, ci_low=-0.03, ci_high=0.02, se=0.02, mde=0.056),
        W,
        Status.PASS,
        None,
        "passed",
    ),
    (
        "loss interval ruled out",
        case(TEST, sign=-1.0, ci_low=-0.02, ci_high=0.009, se=0.03, mde=0.08),
        W,
        Status.PASS,
        None,
        "passed",
    ),
    (
        "loss interval not ruled out",
        case(TEST, sign=-1.0, ci_low=-0.02, ci_high=0.011, se=0.03, mde=0.08),
        W,
        W,
        "insufficient_samples",
        "underpowered",
    ),
]


@pytest.mark.parametrize(
    ("facts", "insufficient", "status", "reason", "outcome"),
    [c[1:] for c in COMPARISONS],
    ids=[c[0] for c in COMPARISONS],
)
def test_decide_comparison(facts, insufficient, status, reason, outcome):
    decision = decide_comparison(facts, insufficient=insufficient)
    assert (decision.status, decision.reason, decision.outcome) == (status, reason, outcome)
    assert decision.facts is facts


BOUNDS = [
    ("undefined", BoundFacts("r2", NAN, 0.5, "min_value"), Status.ERROR, "undefined_statistic", "undefined"),
    (
        "below floor",
        BoundFacts("r2", 0.4, 0.5, "min_value"),
        Status.FAIL,
        "metric_bound_exceeded",
        "exceeded",
    ),
    ("at the floor", BoundFacts("r2", 0.5, 0.5, "min_value"), Status.PASS, None, "within"),
    (
        "above ceiling",
        BoundFacts("mae", 1.2, 1.0, "max_value"),
        Status.FAIL,
        "metric_bound_exceeded",
        "exceeded",
    ),
    ("at the ceiling", BoundFacts("mae", 1.0, 1.0, "max_value"), Status.PASS, None, "within"),
    (
        "short within",
        BoundFacts("r2", 0.9, 0.5, "min_value", "20 rows", 30),
        W,
        "insufficient_samples",
        "small_sample",
    ),
    (
        "short crossed stands",
        BoundFacts("r2", 0.1, 0.5, "min_value", "20 rows", 30),
        Status.FAIL,
        "metric_bound_exceeded",
        "exceeded",
    ),
    (
        "short undefined",
        BoundFacts("r2", NAN, 0.5, "min_value", "20 rows", 30),
        Status.ERROR,
        "undefined_statistic",
        "undefined",
    ),
]


@pytest.mark.parametrize(
    ("facts", "status", "reason", "outcome"), [c[1:] for c in BOUNDS], ids=[c[0] for c in BOUNDS]
)
def test_decide_bound(facts, status, reason, outcome):
    decision = decide_bound(facts, insufficient=W)
    assert (decision.status, decision.reason, decision.outcome) == (status, reason, outcome)


# -- messages: one per outcome, from the facts ------------------------------------------------------


MESSAGES = [
    (
        case(POINT, candidate=NAN, error="DeLong needs both classes in y"),
        (
            "accuracy: candidate nan vs baseline 0.8500: the comparison is undefined on 2000 rows (DeLong "
            "needs both classes in y)"
        ),
    ),
    (
        case(POINT, candidate=0.83),
        "accuracy: candidate 0.8300 vs baseline 0.8500: drop of 0.0200 > allowed 0.0100",
    ),
    (
        case(POINT, sign=-1.0, candidate=0.40, baseline=0.30, subject="log_loss"),
        "log_loss: candidate 0.4000 vs baseline 0.3000: increase of 0.1000 > allowed 0.0100",
    ),
    (
        case(POINT, shortfall="20 rows on current < min_samples 30"),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: difference +0.0000, but 20 rows on current < "
            "min_samples 30: a point comparison on so few rows cannot tell a drop of 0.0100 from noise"
        ),
    ),
    (
        case(POINT, sign=-1.0, shortfall="20 rows"),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: difference +0.0000, but 20 rows: a point "
            "comparison on so few rows cannot tell an increase of 0.0100 from noise"
        ),
    ),
    (
        case(POINT, candidate=0.845),
        (
            "accuracy: candidate 0.8450 vs baseline 0.8500: difference -0.0050, within the allowed drop of "
            "0.0100"
        ),
    ),
    (
        case(TEST, regression_pvalue=0.01, candidate=0.80),
        (
            "accuracy: candidate 0.8000 vs baseline 0.8500: difference -0.0500 (95% CI [-0.0040, 0.0060]) is "
            "worse than the allowed drop of 0.0100 (regression p = 0.01, mcnemar_midp)"
        ),
    ),
    (
        case(TEST, shortfall="24 rows on current < min_samples 30"),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: 24 rows on current < min_samples 30; the test "
            "detects drops of 0.0056 or more (80% power, alpha 0.05), against an allowed drop of 0.0100; "
            "difference +0.0000 (95% CI [-0.0040, 0.0060])"
        ),
    ),
    (
        case(TEST, shortfall="24 rows", se=0.0, mde=0.0, test="delong", weighted=True),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500 (weighted; the delong test counts rows): 24 rows; "
            "the test's standard error (0.0000) is degenerate on so few rows (80% power, alpha 0.05), "
            "against an allowed drop of 0.0100; difference +0.0000 (95% CI [-0.0040, 0.0060])"
        ),
    ),
    (
        case(TEST, ci_low=-0.03, ci_high=0.02, se=0.02, mde=0.056, alpha=0.1, power=0.9),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: 2000 rows cannot detect a drop of 0.0100: the "
            "test detects drops of 0.0560 or more (90% power, alpha 0.1); difference +0.0000 (90% CI "
            "[-0.0300, 0.0200])"
        ),
    ),
    (
        case(TEST, ci_low=-0.03, ci_high=0.02, se=None, mde=None, min_effect=0.005),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: 2000 rows cannot detect a drop of 0.0050: the "
            "test has no estimate (80% power, alpha 0.05); difference +0.0000 (95% CI [-0.0300, 0.0200])"
        ),
    ),
    (
        TEST,
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: difference +0.0000 (95% CI [-0.0040, 0.0060]); a "
            "drop beyond 0.0100 is ruled out (regression p = 0.6)"
        ),
    ),
    (
        case(TEST, margin=0.0, ci_low=-0.03, regression_pvalue=None),
        (
            "accuracy: candidate 0.8500 vs baseline 0.8500: difference +0.0000 (95% CI [-0.0300, 0.0060]); a "
            "drop beyond 0.0000 is not significant (regression p = n/a)"
        ),
    ),
]


@pytest.mark.parametrize(("facts", "message"), MESSAGES)
def test_comparison_messages(facts, message):
    assert describe(decide_comparison(facts, insufficient=W)) == message


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            BoundFacts("metric", NAN, 0.5, "min_value"),
            "metric: undefined on this sample (nan); cannot check min_value",
        ),
        (BoundFacts("r2", 0.4, 0.5, "min_value"), "r2: 0.4000 < min_value 0.5000"),
        (BoundFacts("mae", 1234.5, 1000.0, "max_value"), "mae: 1234 > max_value 1000"),
        (
            BoundFacts("r2", 0.9, 0.5, "min_value", "20 rows on current < min_samples 30", 30),
            "r2: 0.9000 within min_value 0.5000, but 20 rows on current < min_samples 30: too few to judge",
        ),
        (BoundFacts("r2", 0.9, 0.5, "min_value"), "r2: 0.9000 >= min_value 0.5000"),
        (BoundFacts("mae", 0.9, 1.0, "max_value"), "mae: 0.9000 <= max_value 1.0000"),
    ],
)
def test_bound_messages(facts, message):
    assert describe(decide_bound(facts, insufficient=W)) == message


# -- BeatsBaselineGate: a model against a dummy ----------------------------------------------------

DUMMY = ImprovementFacts(
    "accuracy", model=0.80, dummy=0.62, strategy="most_frequent", sign=1.0, required=0.05, n=600
)
BOOT = dataclasses.replace(DUMMY, ci_low=0.12, ci_high=0.24)
HEAD = "accuracy: model 0.8000 vs dummy (most_frequent) 0.6200, improvement 0.1800"

IMPROVEMENTS = [
    # (name, facts, status, reason, outcome, message)
    (
        "undefined",
        dataclasses.replace(DUMMY, model=NAN),
        Status.ERROR,
        "undefined_statistic",
        "undefined",
        "accuracy: model nan vs dummy (most_frequent) 0.6200, improvement nan: undefined on this sample",
    ),
    ("better", DUMMY, Status.PASS, None, "better", f"{HEAD} > required 0.0500"),
    (
        "not better",
        dataclasses.replace(DUMMY, required=0.19),
        Status.FAIL,
        "not_better_than_dummy",
        "not_better",
        "accuracy: model 0.8000 vs dummy (most_frequent) 0.6200, improvement 0.1800 <= required 0.1900",
    ),
    (
        "loss: lower is better",
        dataclasses.replace(DUMMY, metric="mae", model=1.0, dummy=1.5, sign=-1.0, required=0.2),
        Status.PASS,
        None,
        "better",
        "mae: model 1.0000 vs dummy (most_frequent) 1.5000, improvement 0.5000 > required 0.2000",
    ),
    (
        "short but would pass",
        dataclasses.replace(DUMMY, shortfall="24 rows on current < min_samples 30"),
        W,
        "insufficient_samples",
        "small_sample",
        f"{HEAD}, but 24 rows on current < min_samples 30: too few to tell a model from the dummy",
    ),
    (
        "short and not better stands",
        dataclasses.replace(DUMMY, required=0.3, shortfall="24 rows"),
        Status.FAIL,
        "not_better_than_dummy",
        "not_better",
        f"{HEAD} <= required 0.3000",
    ),
    (
        "interval above",
        BOOT,
        Status.PASS,
        None,
        "interval_above",
        f"{HEAD} (95% CI of the improvement [0.1200, 0.2400]) > required 0.0500",
    ),
    (
        "interval below",
        dataclasses.replace(BOOT, required=0.3),
        Status.FAIL,
        "not_better_than_dummy",
        "interval_below",
        f"{HEAD} (95% CI of the improvement [0.1200, 0.2400]): not better than the dummy by 0.3000",
    ),
    (
        "interval straddles",
        dataclasses.replace(BOOT, required=0.2, alpha=0.1),
        W,
        "insufficient_samples",
        "interval_straddles",
        f"{HEAD} (90% CI of the improvement [0.1200, 0.2400]): 600 rows cannot tell whether the improvement "
        "exceeds 0.2000",
    ),
    (
        "short: the interval decides",
        dataclasses.replace(BOOT, required=0.2, shortfall="24 rows"),
        W,
        "insufficient_samples",
        "interval_straddles",
        f"{HEAD} (95% CI of the improvement [0.1200, 0.2400]): 600 rows cannot tell whether the improvement "
        "exceeds 0.2000",
    ),
]


@pytest.mark.parametrize(
    ("facts", "status", "reason", "outcome", "message"),
    [c[1:] for c in IMPROVEMENTS],
    ids=[c[0] for c in IMPROVEMENTS],
)
def test_decide_improvement(facts, status, reason, outcome, message):
    decision = decide_improvement(facts, insufficient=W)
    assert (decision.status, decision.reason, decision.outcome) == (status, reason, outcome)
    assert describe(decision) == message


# -- properties of the rules ------------------------------------------------------------------------

_values = st.one_of(st.floats(-2, 2), st.just(NAN))
_maybe = st.one_of(st.none(), st.floats(-1, 1), st.just(NAN))


@st.composite
def comparison_facts(draw):
    return ComparisonFacts(
        "m",
        candidate=draw(_values),
        baseline=draw(_values),
        margin=draw(st.floats(0, 0.5)),
        sign=draw(st.sampled_from([1.0, -1.0])),
        n=draw(st.integers(0, 10_000)),
        test=draw(st.sampled_from([None, "mcnemar", "bootstrap", "delong"])),
        method="x",
        ci_low=draw(_maybe),
        ci_high=draw(_maybe),
        regression_pvalue=draw(st.one_of(st.none(), st.floats(0, 1))),
        se=draw(st.one_of(st.none(), st.floats(0, 1), st.just(NAN))),
        mde=draw(st.one_of(st.none(), st.floats(0, 3), st.just(NAN))),
        min_effect=draw(st.one_of(st.none(), st.floats(0.001, 1))),
        overall=draw(st.booleans()),
        shortfall=draw(st.sampled_from([None, "10 rows"])),
    )


@given(comparison_facts())
def test_comparison_rules_fail_closed(facts):
    decision = decide_comparison(facts, insufficient=W)
    if not facts.defined:
        assert decision.status is not Status.PASS
    if decision.status is Status.PASS:
        assert facts.shortfall is None or not facts.overall  # nothing passes on too few rows
        assert decision.reason is None
    else:
        assert decision.reason is not None
    # a regression found on few rows stands; a shortfall never turns a FAIL into anything else
    if decision.status is Status.FAIL:
        assert (
            decide_comparison(dataclasses.replace(facts, shortfall="3 rows"), insufficient=W).status
            is Status.FAIL
        )
    assert isinstance(describe(decision), str)


@given(comparison_facts())
def test_the_insufficient_status_is_the_policys(facts):
    warn = decide_comparison(facts, insufficient=W)
    skip = decide_comparison(facts, insufficient=Status.SKIP)
    assert (warn.reason, warn.outcome) == (skip.reason, skip.outcome)
    if warn.reason == "insufficient_samples":
        assert (warn.status, skip.status) == (W, Status.SKIP)
    else:
        assert warn.status is skip.status
