"""How the performance gates say what they decided: one message function per outcome of a
decision rule (:mod:`mlgates.gates.performance._decide`), written from the decision's facts
only. Messages name the subject and the numbers ("accuracy: candidate 0.8000 vs baseline
0.8500: drop of 0.0500 > allowed 0.0100").

>>> from mlgates.core.status import Status
>>> from mlgates.gates.performance._decide import ComparisonFacts, decide_comparison
>>> facts = ComparisonFacts("accuracy", candidate=0.80, baseline=0.85, margin=0.01, sign=1.0,
...                         n=2000, test=None, method="difference")
>>> describe(decide_comparison(facts, insufficient=Status.WARN))
'accuracy: candidate 0.8000 vs baseline 0.8500: drop of 0.0500 > allowed 0.0100'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mlgates.gates.performance._common import fmt
from mlgates.gates.performance._decide import BoundFacts, ComparisonFacts, Decision, ImprovementFacts

__all__ = ["describe"]


def _signed(x: float) -> str:
    return ("+" if x >= 0 else "") + fmt(x)


def _head(f: ComparisonFacts) -> str:
    return f"{f.subject}: candidate {fmt(f.candidate)} vs baseline {fmt(f.baseline)}"


def _weighted_head(f: ComparisonFacts) -> str:
    return _head(f) + (f" (weighted; the {f.test} test counts rows)" if f.weighted else "")


def _worse(f: ComparisonFacts) -> str:
    return "drop" if f.sign > 0 else "increase"


def _a_worse(f: ComparisonFacts) -> str:
    return "a drop" if f.sign > 0 else "an increase"


def _ci(f: ComparisonFacts) -> str:
    return f"{(1 - f.alpha) * 100:g}% CI [{fmt(f.ci_low)}, {fmt(f.ci_high)}]"


def _p(f: ComparisonFacts) -> str:
    p = f.regression_pvalue
    return f"regression p = {p:.3g}" if p is not None else "regression p = n/a"


def _power(f: ComparisonFacts) -> str:
    return f"{int(f.power * 100)}% power, alpha {f.alpha}"


# -- one message per outcome of decide_comparison ------------------------------------------------


def comparison_undefined(f: ComparisonFacts) -> str:
    return f"{_head(f)}: the comparison is undefined on {f.n} rows ({f.error})"


def comparison_regression(f: ComparisonFacts) -> str:
    head = _weighted_head(f)
    if f.test is None:
        return f"{head}: {_worse(f)} of {fmt(abs(f.difference))} > allowed {fmt(f.margin)}"
    return (
        f"{head}: difference {_signed(f.difference)} ({_ci(f)}) is worse than the allowed "
        f"{_worse(f)} of {fmt(f.margin)} ({_p(f)}, {f.method})"
    )


def comparison_small_sample(f: ComparisonFacts) -> str:
    head = _weighted_head(f)
    if f.test is None:
        return (
            f"{head}: difference {_signed(f.difference)}, but {f.shortfall}: a point comparison "
            f"on so few rows cannot tell {_a_worse(f)} of {fmt(f.margin)} from noise"
        )
    if f.mde is not None and math.isfinite(f.mde) and f.mde > 0:
        could = f"the test detects {_worse(f)}s of {fmt(f.mde)} or more"
    else:  # e.g. DeLong with perfect separation on a few rows: a standard error of 0
        could = f"the test's standard error ({fmt(f.se)}) is degenerate on so few rows"
    return (
        f"{head}: {f.shortfall}; {could} ({_power(f)}), against an allowed {_worse(f)} of "
        f"{fmt(f.margin)}; difference {_signed(f.difference)} ({_ci(f)})"
    )


def comparison_underpowered(f: ComparisonFacts) -> str:
    could = f"detects {_worse(f)}s of {fmt(f.mde)} or more" if f.mde is not None else "has no estimate"
    return (
        f"{_weighted_head(f)}: {f.n} rows cannot detect {_a_worse(f)} of {fmt(f.effect)}: the test "
        f"{could} ({_power(f)}); difference {_signed(f.difference)} ({_ci(f)})"
    )


def comparison_passed(f: ComparisonFacts) -> str:
    head = _weighted_head(f)
    if f.test is None:
        return (
            f"{head}: difference {_signed(f.difference)}, within the allowed {_worse(f)} of {fmt(f.margin)}"
        )
    outcome = "ruled out" if f.ruled_out else "not significant"
    return (
        f"{head}: difference {_signed(f.difference)} ({_ci(f)}); a {_worse(f)} beyond "
        f"{fmt(f.margin)} is {outcome} ({_p(f)})"
    )


# -- one message per outcome of decide_bound -----------------------------------------------------


def bound_undefined(f: BoundFacts) -> str:
    return f"{f.subject}: undefined on this sample ({f.value}); cannot check {f.kind}"


def bound_exceeded(f: BoundFacts) -> str:
    rel = "<" if f.kind == "min_value" else ">"
    return f"{f.subject}: {fmt(f.value)} {rel} {f.kind} {fmt(f.bound)}"


def bound_small_sample(f: BoundFacts) -> str:
    return f"{f.subject}: {fmt(f.value)} within {f.kind} {fmt(f.bound)}, but {f.shortfall}: too few to judge"


def bound_within(f: BoundFacts) -> str:
    rel = ">=" if f.kind == "min_value" else "<="
    return f"{f.subject}: {fmt(f.value)} {rel} {f.kind} {fmt(f.bound)}"


# -- one message per outcome of decide_improvement (BeatsBaselineGate) -----------------------------


def _model_head(f: ImprovementFacts) -> str:
    return (
        f"{f.metric}: model {fmt(f.model)} vs dummy ({f.strategy}) {fmt(f.dummy)}, "
        f"improvement {fmt(f.improvement)}"
    )


def _improvement_ci(f: ImprovementFacts) -> str:
    return f"{(1 - f.alpha) * 100:g}% CI of the improvement [{fmt(f.ci_low)}, {fmt(f.ci_high)}]"


def improvement_undefined(f: ImprovementFacts) -> str:
    return f"{_model_head(f)}: undefined on this sample"


def improvement_small_sample(f: ImprovementFacts) -> str:
    return f"{_model_head(f)}, but {f.shortfall}: too few to tell a model from the dummy"


def improvement_better(f: ImprovementFacts) -> str:
    return f"{_model_head(f)} > required {fmt(f.required)}"


def improvement_not_better(f: ImprovementFacts) -> str:
    return f"{_model_head(f)} <= required {fmt(f.required)}"


def improvement_interval_above(f: ImprovementFacts) -> str:
    return f"{_model_head(f)} ({_improvement_ci(f)}) > required {fmt(f.required)}"


def improvement_interval_below(f: ImprovementFacts) -> str:
    return f"{_model_head(f)} ({_improvement_ci(f)}): not better than the dummy by {fmt(f.required)}"


def improvement_interval_straddles(f: ImprovementFacts) -> str:
    return (
        f"{_model_head(f)} ({_improvement_ci(f)}): {f.n} rows cannot tell whether the "
        f"improvement exceeds {fmt(f.required)}"
    )


_MESSAGES: dict[tuple[type, str], Callable[[Any], str]] = {
    (ComparisonFacts, "undefined"): comparison_undefined,
    (ComparisonFacts, "regression"): comparison_regression,
    (ComparisonFacts, "small_sample"): comparison_small_sample,
    (ComparisonFacts, "underpowered"): comparison_underpowered,
    (ComparisonFacts, "passed"): comparison_passed,
    (BoundFacts, "undefined"): bound_undefined,
    (BoundFacts, "exceeded"): bound_exceeded,
    (BoundFacts, "small_sample"): bound_small_sample,
    (BoundFacts, "within"): bound_within,
    (ImprovementFacts, "undefined"): improvement_undefined,
    (ImprovementFacts, "small_sample"): improvement_small_sample,
    (ImprovementFacts, "better"): improvement_better,
    (ImprovementFacts, "not_better"): improvement_not_better,
    (ImprovementFacts, "interval_above"): improvement_interval_above,
    (ImprovementFacts, "interval_below"): improvement_interval_below,
    (ImprovementFacts, "interval_straddles"): improvement_interval_straddles,
}


def describe(decision: Decision[Any]) -> str:
    """The message of a decision, written from its facts by the outcome's message function."""
    return _MESSAGES[type(decision.facts), decision.outcome](decision.facts)
