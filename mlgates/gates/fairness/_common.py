"""Pieces shared by the fairness gates: per-group values and their replicates, judgements,
and finding messages."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from mlgates.core._text import pluralize
from mlgates.core.finding import Finding
from mlgates.core.inputs import Groups
from mlgates.core.status import Status
from mlgates.gates._columns import share_text

#: What a zero denominator means, per count metric (for messages).
ZERO_DENOMINATOR = {
    "true_positive_rate": "no rows with a positive label",
    "false_negative_rate": "no rows with a positive label",
    "recall_score": "no rows with a positive label",
    "false_positive_rate": "no rows with a negative label",
    "true_negative_rate": "no rows with a negative label",
    "precision_score": "no positive predictions",
    "false_discovery_rate": "no positive predictions",
    "false_omission_rate": "no negative predictions",
    "negative_predictive_value": "no negative predictions",
    "f1_score": "no positive labels and no positive predictions",
}


@dataclasses.dataclass
class Component:
    """One per-group metric: point values per group, their replicates and what is usable.

    ``values`` (G,), ``rows`` (G,) group rows, ``defined`` (G,) whether the value exists,
    ``ci`` (2, G) per-group interval, ``replicates`` (B, G) or None, ``overall`` float and
    ``overall_replicates`` (B,) or None.
    """

    name: str
    values: np.ndarray
    rows: np.ndarray
    defined: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    ci_method: str | None
    overall: float
    replicates: np.ndarray | None = None
    overall_replicates: np.ndarray | None = None
    numerators: np.ndarray | None = None
    denominators: np.ndarray | None = None
    support: np.ndarray | None = None  # unweighted rows in the denominator (None: the group rows)

    def usable(self, min_group_size: int) -> np.ndarray:
        """Groups whose value enters the aggregate: defined, on >= min_group_size rows."""
        support = self.rows if self.support is None else self.support
        return self.defined & (self.rows >= min_group_size) & (support >= min_group_size)


def fmt(metric: str, value: float) -> str:
    """Rates as percentages, other values with 4 significant digits."""
    if value is None or value != value:
        return "undefined"
    if metric.endswith(("_rate", "_score", "_value")) and not metric.endswith("f1_score"):
        return share_text(value)
    return f"{value:.4g}"


def half_width(n: float, confidence: float) -> float:
    """Half-width of a Wilson interval at p = 0.5 for n rows: the resolution of a rate."""
    from mlgates.stats.fairness import wilson_interval

    lo, hi = wilson_interval(0.5 * n, n, confidence)
    return float((hi - lo) / 2) if n > 0 else float("nan")


def group_findings(
    comp: Component,
    groups: Groups,
    min_group_size: int,
    insufficient: Status,
    confidence: float,
) -> list[Finding]:
    """One finding per group for one component: PASS (informational) when used, else the
    insufficient status with reason ``insufficient_samples`` or ``undefined_statistic``."""
    out = []
    support = comp.rows if comp.support is None else comp.support
    for g in range(groups.n_groups):
        subject = groups.subject(g)
        n = int(comp.rows[g])
        value = float(comp.values[g])
        details: dict[str, Any] = {"n": n, "metric": comp.name}
        if comp.denominators is not None:
            details["numerator"] = float(comp.numerators[g])  # type: ignore[index]
            details["denominator"] = float(comp.denominators[g])
        if n < min_group_size:
            # judged on its size: the row reads "group_size n < min_group_size"; the metric's
            # value is not scored (kept in details["value"] for the record)
            details["value"] = value if comp.defined[g] else None
            hw = half_width(n, confidence)
            out.append(
                Finding(
                    subject,
                    insufficient,
                    statistic=n,
                    threshold=float(min_group_size),
                    method="group_size",
                    reason="insufficient_samples",
                    message=(
                        f"{subject}: n={n:,} < min_group_size {min_group_size}; {comp.name} not "
                        f"judged (a rate on {pluralize(n, 'row')} is only known to about ±{share_text(hw)})"
                    ),
                    details=details,
                )
            )
            continue
        if not comp.defined[g]:
            why = ZERO_DENOMINATOR.get(comp.name, "no usable rows")
            out.append(
                Finding(
                    subject,
                    insufficient,
                    statistic=None,
                    method=comp.name,
                    reason="undefined_statistic",
                    message=f"{subject}: {comp.name} undefined ({why}); excluded, not counted as 0",
                    details=details,
                )
            )
            continue
        if support[g] < min_group_size:
            k = int(support[g])
            details["value"] = value
            why = ZERO_DENOMINATOR.get(comp.name, "no usable rows").replace("no ", "", 1)
            details["support"] = k
            out.append(
                Finding(
                    subject,
                    insufficient,
                    statistic=k,
                    threshold=float(min_group_size),
                    method="group_size",
                    reason="insufficient_samples",
                    message=(
                        f"{subject}: n={n:,}, but {comp.name} rests on {pluralize(k, 'row')} ({why}): "
                        f"{k:,} < min_group_size {min_group_size}; not judged "
                        f"(about ±{share_text(half_width(k, confidence))})"
                    ),
                    details=details,
                )
            )
            continue
        lo, hi = float(comp.ci_low[g]), float(comp.ci_high[g])
        details.update({"ci_low": lo, "ci_high": hi, "ci_method": comp.ci_method, "confidence": confidence})
        ci = "" if lo != lo else f" [{fmt(comp.name, lo)}, {fmt(comp.name, hi)}]"
        out.append(
            Finding(
                subject,
                Status.PASS,
                statistic=value,
                method=comp.name,
                message=f"{subject}: {comp.name} {fmt(comp.name, value)}{ci} (n={n:,})",
                details=details,
            )
        )
    return out


def judge(
    value: float,
    ci: tuple[float, float],
    max_value: float | None,
    min_value: float | None,
    decision: str,
) -> tuple[Status, str | None, float | None, str]:
    """Status, reason, the bound crossed (or the binding bound) and a comparison text."""
    lo, hi = ci
    if max_value is not None and value > max_value:
        if decision == "point" or lo > max_value:
            return Status.FAIL, "fairness_bound_exceeded", max_value, f"> {max_value:.4g} allowed"
        return (
            Status.WARN,
            "fairness_bound_inconclusive",
            max_value,
            f"> {max_value:.4g} allowed, but its confidence interval includes the bound",
        )
    if min_value is not None and value < min_value:
        if decision == "point" or hi < min_value:
            return Status.FAIL, "fairness_bound_exceeded", min_value, f"< {min_value:.4g} required"
        return (
            Status.WARN,
            "fairness_bound_inconclusive",
            min_value,
            f"< {min_value:.4g} required, but its confidence interval includes the bound",
        )
    if max_value is not None and min_value is not None:
        return Status.PASS, None, max_value, f"within [{min_value:.4g}, {max_value:.4g}]"
    if max_value is not None:
        return Status.PASS, None, max_value, f"<= {max_value:.4g} allowed"
    if min_value is not None:
        return Status.PASS, None, min_value, f">= {min_value:.4g} required"
    return Status.PASS, None, None, ""


def undecided_status(findings: list[Finding]) -> Status:
    """Status of a verdict whose main question could not be answered: the worst finding's,
    but never PASS (SKIP when everything else passed or was ignored)."""
    status = Status.worst(f.status for f in findings)
    return Status.SKIP if status is Status.PASS else status


def masked(values: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Values with unused groups set to NaN (works on (G,) and (B, G))."""
    return np.where(used, values, np.nan)
