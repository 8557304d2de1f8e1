"""PerformanceGate's comparison with the baseline: the rules it is judged by, the margin, the
evaluation of candidate vs baseline on a set of rows (the test dispatch is in ``_compare``)
and the metrics a comparison reports."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mlgates.core.status import Status
from mlgates.gates.performance._compare import Comparison, compare, metric_value
from mlgates.gates.performance._data import Pair
from mlgates.stats.performance import MetricSpec
from mlgates.stats.power import minimum_detectable_effect

__all__ = ["Evaluation", "Rules", "allowed_margin", "comparison_metrics", "evaluate"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The parameters of a :class:`~mlgates.PerformanceGate` its rules use, resolved once per
    check (``insufficient`` is the status ``on_insufficient`` gives)."""

    test: str | None
    alpha: float
    power: float
    min_samples: int
    min_effect: float | None
    insufficient: Status
    min_value: float | None = None
    max_value: float | None = None
    max_drop: float | None = None
    max_relative_drop: float | None = None
    n_resamples: int = 2000
    random_state: int | None = 0
    segments: str | Sequence[str] | Callable[..., Any] | None = None
    min_segment_size: int = 50
    segment_correction: str | None = "holm"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Candidate vs baseline on one set of rows: the comparison, the margin it was judged
    with and the number of candidate rows."""

    comparison: Comparison
    margin: float
    n: int


def allowed_margin(baseline: float, max_drop: float | None, max_relative_drop: float | None) -> float:
    """The worsening allowed: the smaller of ``max_drop`` and ``max_relative_drop * |baseline|``
    (a relative margin on an undefined baseline is 0); 0 without margins.

    >>> allowed_margin(0.8, 0.05, 0.02), allowed_margin(0.8, None, None)
    (0.016, 0.0)
    """
    margins = []
    if max_drop is not None:
        margins.append(float(max_drop))
    if max_relative_drop is not None:
        margins.append(float(max_relative_drop) * abs(baseline) if math.isfinite(baseline) else 0.0)
    return min(margins) if margins else 0.0


def evaluate(
    pair: Pair, spec: MetricSpec | None, fn: Callable[..., float] | None, sign: float, rules: Rules
) -> Evaluation:
    """Compare the candidate of ``pair`` with its baseline with ``rules.test``; a test that
    cannot run on these rows (e.g. DeLong on one class) gives an undefined comparison."""
    assert pair.baseline is not None
    base_value = metric_value(pair, spec, fn, pair.baseline)
    margin = allowed_margin(base_value, rules.max_drop, rules.max_relative_drop)
    try:
        comp = compare(
            pair,
            spec,
            fn,
            test=rules.test,
            margin=margin,
            sign=sign,
            alpha=rules.alpha,
            n_resamples=rules.n_resamples,
            random_state=rules.random_state,
        )
    except ValueError as exc:  # e.g. DeLong on a segment with one class
        comp = Comparison(math.nan, base_value, rules.test or "difference", details={"error": str(exc)})
    return Evaluation(comp, margin, len(pair.candidate))


def mde(comparison: Comparison, rules: Rules) -> float | None:
    """The drop the comparison's test detects at ``rules.power`` (None without a standard error)."""
    if comparison.se is None:
        return None
    return minimum_detectable_effect(comparison.se, alpha=rules.alpha, power=rules.power)


def comparison_metrics(mname: str, ev: Evaluation, rules: Rules) -> dict[str, float]:
    """``verdict.metrics`` of the overall comparison (see :class:`~mlgates.PerformanceGate`)."""
    c = ev.comparison
    out = {
        mname: c.candidate,
        f"baseline_{mname}": c.baseline,
        "difference": c.difference,
        "margin": ev.margin,
    }
    if c.baseline != 0 and math.isfinite(c.baseline):
        out["relative_difference"] = c.difference / abs(c.baseline)
    for key in ("ci_low", "ci_high", "pvalue", "regression_pvalue"):
        val = getattr(c, key)
        if val is not None:
            out[key] = val
    detectable = mde(c, rules)
    if detectable is not None:
        out["mde"] = detectable
    if "candidate_ci" in c.details:
        out[f"{mname}_ci_low"], out[f"{mname}_ci_high"] = c.details["candidate_ci"]
        out[f"baseline_{mname}_ci_low"], out[f"baseline_{mname}_ci_high"] = c.details["baseline_ci"]
    return out
