"""What the performance gates decide, apart from how they say it.

A decision is a pure function of facts: plain numbers and flags in, a :class:`Decision`
(status, reason code, which rule decided) out; no arrays, no data, no wording. The messages are
written from the same facts by :mod:`mlgates.gates.performance._describe`. So every rule is
testable without data:

>>> from mlgates.core.status import Status
>>> facts = ComparisonFacts("accuracy", candidate=0.80, baseline=0.85, margin=0.01, sign=1.0,
...                         n=2000, test=None, method="difference")
>>> d = decide_comparison(facts, insufficient=Status.WARN)
>>> d.status, d.reason, d.outcome
(<Status.FAIL: 'fail'>, 'performance_regression', 'regression')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from mlgates.core.status import Status
from mlgates.gates._decision import DecisionOn as Decision

__all__ = [
    "BoundFacts",
    "ComparisonFacts",
    "Decision",
    "ImprovementFacts",
    "decide_bound",
    "decide_comparison",
    "decide_improvement",
]

#: Which rule decided a comparison (one message function each in ``_describe``).
ComparisonOutcome = Literal["undefined", "regression", "small_sample", "underpowered", "passed"]
#: Which rule decided a floor or ceiling.
BoundOutcome = Literal["undefined", "exceeded", "small_sample", "within"]

#: A point difference counts as worse than the margin only beyond this (rounding of the metric).
_POINT_TOLERANCE = 1e-12


@dataclass(frozen=True, slots=True)
class ComparisonFacts:
    """Candidate vs baseline on one set of rows, as the decision sees it.

    ``sign`` is +1 when greater is better and -1 for losses; ``margin`` the worsening allowed
    (metric units, >= 0); ``test`` None for a point comparison; ``regression_pvalue`` the
    p-value of "worse by more than the margin" as judged (adjusted across segments);
    ``se``/``mde`` the standard error of the difference and the drop the test detects at
    ``power``; ``overall`` False for a segment (which has ``min_segment_size`` instead of the
    sample-size and power rules); ``shortfall`` why the sample is too small (None when it is
    not); ``weighted`` that the values are weighted but the test counts rows; ``error`` what
    made a value undefined.
    """

    subject: str
    candidate: float
    baseline: float
    margin: float
    sign: float
    n: int
    test: str | None
    method: str
    alpha: float = 0.05
    power: float = 0.8
    ci_low: float | None = None
    ci_high: float | None = None
    regression_pvalue: float | None = None
    se: float | None = None
    mde: float | None = None
    min_effect: float | None = None
    overall: bool = True
    shortfall: str | None = None
    weighted: bool = False
    error: str = "NaN metric"

    @property
    def difference(self) -> float:
        """``candidate - baseline``."""
        return self.candidate - self.baseline

    @property
    def defined(self) -> bool:
        """Both values are finite numbers."""
        return math.isfinite(self.candidate) and math.isfinite(self.baseline)

    @property
    def effect(self) -> float:
        """The drop the sample must be able to detect: ``min_effect``, else the margin."""
        return self.min_effect if self.min_effect is not None else self.margin

    @property
    def ruled_out(self) -> bool:
        """The whole interval lies within the margin: a drop beyond it is excluded."""
        bounds = [self.sign * b for b in (self.ci_low, self.ci_high) if b is not None and math.isfinite(b)]
        return len(bounds) == 2 and min(bounds) >= -self.margin

    @property
    def underpowered(self) -> bool:
        """The test cannot detect ``effect`` (or has no finite standard error)."""
        se_ok = self.se is not None and math.isfinite(self.se)
        return not se_ok or (self.effect > 0 and self.mde is not None and self.mde > self.effect)


def decide_comparison(facts: ComparisonFacts, *, insufficient: Status) -> Decision[ComparisonFacts]:
    """Status and reason of a candidate-vs-baseline comparison.

    In order: a value that could not be computed is ERROR ``undefined_statistic`` (a segment:
    ``insufficient_samples``); worse than the margin (the point difference, or with a test a
    regression p-value below ``alpha``) is FAIL ``performance_regression``; then, for the
    overall comparison only, a sample below ``min_samples`` and a test that cannot detect the
    effect (unless its interval rules a drop beyond the margin out) are ``insufficient_samples``
    with status ``insufficient``; everything else PASSes.
    """
    f = facts
    if not f.defined:
        if f.overall:
            return Decision(Status.ERROR, "undefined_statistic", "undefined", f)
        return Decision(insufficient, "insufficient_samples", "undefined", f)
    if f.test is None:
        if f.sign * f.difference < -f.margin - _POINT_TOLERANCE:
            return Decision(Status.FAIL, "performance_regression", "regression", f)
        if f.overall and f.shortfall is not None:
            return Decision(insufficient, "insufficient_samples", "small_sample", f)
        return Decision(Status.PASS, None, "passed", f)
    p = f.regression_pvalue
    if p is not None and p < f.alpha:
        return Decision(Status.FAIL, "performance_regression", "regression", f)
    if f.overall and f.shortfall is not None:  # before the ruled_out shortcut: tiny intervals lie
        return Decision(insufficient, "insufficient_samples", "small_sample", f)
    if f.overall and f.underpowered and not f.ruled_out:
        return Decision(insufficient, "insufficient_samples", "underpowered", f)
    return Decision(Status.PASS, None, "passed", f)


@dataclass(frozen=True, slots=True)
class BoundFacts:
    """A metric value against one floor (``kind="min_value"``) or ceiling (``"max_value"``);
    ``shortfall`` why the sample is too small to pass (None when it is not)."""

    subject: str
    value: float
    bound: float
    kind: Literal["min_value", "max_value"]
    shortfall: str | None = None
    min_samples: int | None = None

    @property
    def crossed(self) -> bool:
        """Below the floor or above the ceiling."""
        if self.kind == "min_value":
            return self.value < self.bound
        return self.value > self.bound


def decide_bound(facts: BoundFacts, *, insufficient: Status) -> Decision[BoundFacts]:
    """Status and reason of a metric against a floor or ceiling: undefined is ERROR
    ``undefined_statistic``, crossed is FAIL ``metric_bound_exceeded`` (also on a small
    sample), within it on a sample too small to judge is ``insufficient_samples``, else PASS."""
    if not math.isfinite(facts.value):
        return Decision(Status.ERROR, "undefined_statistic", "undefined", facts)
    if facts.crossed:
        return Decision(Status.FAIL, "metric_bound_exceeded", "exceeded", facts)
    if facts.shortfall is not None:
        return Decision(insufficient, "insufficient_samples", "small_sample", facts)
    return Decision(Status.PASS, None, "within", facts)


@dataclass(frozen=True, slots=True)
class ImprovementFacts:
    """A model against a dummy predictor (:class:`~mlgates.BeatsBaselineGate`): ``model`` and
    ``dummy`` values, ``sign`` (+1 when greater is better), the improvement ``required``, the
    interval of the improvement (``ci_low`` <= ``ci_high``; None for a point comparison) and
    ``shortfall`` why the sample is too small (None when it is not)."""

    metric: str
    model: float
    dummy: float
    strategy: str
    sign: float
    required: float
    n: int
    alpha: float = 0.05
    ci_low: float | None = None
    ci_high: float | None = None
    shortfall: str | None = None

    @property
    def improvement(self) -> float:
        """``model - dummy``, oriented so that positive is better."""
        return self.sign * (self.model - self.dummy)

    @property
    def tested(self) -> bool:
        """The decision rests on an interval (``test="bootstrap"``), not on the point values."""
        return self.ci_low is not None and self.ci_high is not None


def decide_improvement(facts: ImprovementFacts, *, insufficient: Status) -> Decision[ImprovementFacts]:
    """Undefined values are ERROR ``undefined_statistic``; a model that would pass on a sample
    too small to judge is ``insufficient_samples``; otherwise the point improvement (or, with an
    interval, its lower end) must exceed ``required`` (FAIL ``not_better_than_dummy``), and an
    interval that straddles it is ``insufficient_samples``."""
    f = facts
    if not (math.isfinite(f.model) and math.isfinite(f.dummy)):
        return Decision(Status.ERROR, "undefined_statistic", "undefined", f)
    would_pass = f.ci_low > f.required if f.tested else f.improvement > f.required  # type: ignore[operator]
    if f.shortfall is not None and would_pass:
        return Decision(insufficient, "insufficient_samples", "small_sample", f)
    if not f.tested:
        if would_pass:
            return Decision(Status.PASS, None, "better", f)
        return Decision(Status.FAIL, "not_better_than_dummy", "not_better", f)
    if would_pass:
        return Decision(Status.PASS, None, "interval_above", f)
    if f.ci_high <= f.required:  # type: ignore[operator]
        return Decision(Status.FAIL, "not_better_than_dummy", "interval_below", f)
    return Decision(insufficient, "insufficient_samples", "interval_straddles", f)
