"""Pieces shared by the fairness gates: per-group values and their replicates, how rates are
written, and the status of a verdict whose main question could not be answered."""

from __future__ import annotations

import dataclasses

import numpy as np

from mlgates.core.finding import Finding
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


def undecided_status(findings: list[Finding]) -> Status:
    """Status of a verdict whose main question could not be answered: the worst finding's,
    but never PASS (SKIP when everything else passed or was ignored)."""
    status = Status.worst(f.status for f in findings)
    return Status.SKIP if status is Status.PASS else status


def masked(values: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Values with unused groups set to NaN (works on (G,) and (B, G))."""
    return np.where(used, values, np.nan)
