"""Deciding on an estimated metric's interval, and the words every label-free verdict shares."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from mlgates.core.finding import Finding
from mlgates.core.params import insufficient_status
from mlgates.core.status import Status
from mlgates.gates._columns import share_text
from mlgates.gates.label_free._support import Support

__all__ = ["CONCEPT_DRIFT_NOTE", "fmt", "interval_finding", "quantile_interval", "support_finding"]

#: Said on every label-free verdict: what an estimate without labels cannot see.
CONCEPT_DRIFT_NOTE = (
    "estimated without labels: valid only while P(y | x) is what the reference showed; "
    "concept drift (a changed relation between features and labels) cannot be seen without labels"
)


def fmt(x: float | None) -> str:
    """4 decimals for metric-sized numbers, 4 significant digits otherwise."""
    if x is None or not math.isfinite(x):
        return str(x)
    return f"{x:.4f}" if abs(x) < 100 else f"{x:.4g}"


def quantile_interval(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` interval of the finite ``draws`` (NaN when none is finite)."""
    finite = draws[np.isfinite(draws)]
    if finite.size == 0:
        return math.nan, math.nan
    lo, hi = np.quantile(finite, [(1 - confidence) / 2, (1 + confidence) / 2])
    return float(lo), float(hi)


def interval_finding(
    subject: str,
    *,
    estimate: float,
    interval: tuple[float, float],
    confidence: float,
    greater_is_better: bool,
    min_value: float | None,
    max_value: float | None,
    max_drop: float | None,
    baseline: float | None,
    difference_interval: tuple[float, float] | None,
    on_insufficient: str,
    method: str,
    details: dict[str, Any],
) -> Finding:
    """The decision on one estimate, like PerformanceGate's on a measured value: FAIL when the
    whole interval is worse than allowed, PASS when the whole interval is within it, and the
    ``on_insufficient`` status (reason ``insufficient_samples``) when it straddles the bound."""
    lo, hi = interval
    ci = f"{confidence * 100:g}% interval [{fmt(lo)}, {fmt(hi)}]"
    head = f"{subject}: estimated {fmt(estimate)} ({ci})"
    details = {**details, "estimate": estimate, "ci_low": lo, "ci_high": hi, "confidence": confidence}
    if not (math.isfinite(estimate) and math.isfinite(lo) and math.isfinite(hi)):
        return Finding(
            subject,
            Status.ERROR,
            statistic=estimate,
            method=method,
            reason="undefined_statistic",
            details=details,
            message=f"{subject}: the estimate is undefined on this batch ({estimate})",
        )
    checks: list[tuple[str, float, float, float, str]] = []  # kind, bound, lo, hi, what
    if min_value is not None:
        checks.append(("min_value", min_value, lo, hi, "estimate"))
    if max_value is not None:
        checks.append(("max_value", -max_value, -hi, -lo, "estimate"))
    if max_drop is not None and baseline is not None and difference_interval is not None:
        sign = 1.0 if greater_is_better else -1.0
        d_lo, d_hi = sorted((sign * difference_interval[0], sign * difference_interval[1]))
        details.update(
            {
                "baseline": baseline,
                "difference": estimate - baseline,
                "difference_ci_low": difference_interval[0],
                "difference_ci_high": difference_interval[1],
                "margin": max_drop,
            }
        )
        checks.append(("max_drop", -max_drop, d_lo, d_hi, "difference"))
    if not checks:
        return Finding(
            subject,
            Status.SKIP,
            statistic=estimate,
            method=method,
            reason="nothing_to_check",
            details=details,
            message=f"{head}; no bound set (min_value, max_value or max_drop)",
        )
    worst: Finding | None = None
    for kind, bound, b_lo, b_hi, what in checks:
        shown_bound = -bound if kind == "max_value" else bound
        if kind == "max_drop":
            word = "drop" if greater_is_better else "increase"
            against = f"reference {fmt(baseline)}: allowed {word} {fmt(max_drop)}"
            threshold = baseline - max_drop if greater_is_better else baseline + max_drop  # type: ignore[operator]
        else:
            against = f"{kind} {fmt(shown_bound)}"
            threshold = shown_bound
        if b_hi < bound:
            status, reason = (
                Status.FAIL,
                ("performance_regression" if kind == "max_drop" else "metric_bound_exceeded"),
            )
            text = f"{head} is worse than {against} beyond its interval"
        elif b_lo >= bound:
            status, reason, text = Status.PASS, None, f"{head} is within {against}"
        else:
            status, reason = insufficient_status(on_insufficient), "insufficient_samples"
            text = f"{head} straddles {against}: inconclusive, the {what} may lie on either side"
        finding = Finding(
            subject,
            status,
            statistic=estimate,
            threshold=threshold,
            method=method,
            reason=reason,
            details={**details, "bound": kind},
            message=text,
        )
        if worst is None or (finding.status.rank or 0) > (worst.status.rank or 0):
            worst = finding
    assert worst is not None
    return worst


def support_finding(support: Support, warn_outside_share: float) -> Finding:
    """PASS, or WARN ``outside_support`` when the share of current rows outside the reference's
    support exceeds both ``warn_outside_share`` and what the reference's own distribution
    reaches (the null bound, recorded)."""
    limit = max(warn_outside_share, support.bound)
    top = ", ".join(f"{c}: {k}" for c, k in list(support.by_column.items())[:5])
    details: dict[str, Any] = {
        "n_outside": support.n_outside,
        "n": support.n,
        "by_column": support.by_column,
        "columns": support.columns,
        "null_bound": support.bound,
        "warn_outside_share": warn_outside_share,
    }
    if support.skipped:
        details["skipped"] = support.skipped
    share = support.share
    what = (
        f"{support.n_outside} of {support.n} current rows ({share_text(share)}) outside the "
        "reference's support"
    )
    if share > limit:
        return Finding(
            "support",
            Status.WARN,
            statistic=share,
            threshold=limit,
            method="reference_range",
            reason="outside_support",
            details=details,
            message=f"support: {what} ({top}): the estimate is an extrapolation for those rows",
        )
    return Finding(
        "support",
        Status.PASS,
        statistic=share,
        threshold=limit,
        method="reference_range",
        details=details,
        message=f"support: {what}, within {share_text(limit)}",
    )


def headline(findings: Sequence[Finding]) -> str:
    """The verdict message: the main finding's sentence, the others' when they did not pass,
    and the concept-drift note."""
    main = [f.message for f in findings if f.message and (f.status is not Status.PASS or f is findings[0])]
    return "; ".join(main[:3]) + f". Note: {CONCEPT_DRIFT_NOTE}."
