"""Small helpers shared by the performance gates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgates.core._suggest import VALUE_ALIASES, closest
from mlgates.core._text import pluralize
from mlgates.core.finding import Finding
from mlgates.core.params import INSUFFICIENT_STATUS, parameter_error
from mlgates.core.status import Status
from mlgates.stats.performance import METRICS, MetricSpec

if TYPE_CHECKING:
    from mlgates.gates.performance._data import Pair

__all__ = [
    "INSUFFICIENT",
    "MIN_PER_CLASS",
    "canonical_metric",
    "fmt",
    "headline",
    "metric_spec",
    "sample_shortfall",
    "size_shortfall",
]


def canonical_metric(name: str) -> str | None:
    """Our name for a metric name: itself when valid, else the one metric a peer's name
    (scikit-learn's ``rmse``, ``r2_score``, ``roc_auc_score``, ...) unambiguously means, else None.

    Examples
    --------
    >>> canonical_metric("rmse"), canonical_metric("roc_auc_score"), canonical_metric("nope")
    ('root_mean_squared_error', 'roc_auc', None)
    """
    if name in METRICS:
        return name
    target = VALUE_ALIASES.get(name)
    return target if target in METRICS else None


def metric_spec(owner: str, name: str) -> MetricSpec:
    """The spec of a named metric (peers' unambiguous names accepted); an unknown name is a
    ParameterError suggesting the nearest valid name (none when nothing is near)."""
    canon = canonical_metric(name)
    if canon is not None:
        return METRICS[canon]
    best = closest(name, METRICS)
    fix = f"{owner}({best!r})." if best is not None else f"{owner}(metric=...) with one of the names above."
    raise parameter_error(
        owner,
        "metric",
        "a metric name (" + ", ".join(sorted(METRICS)) + ") or a callable",
        name,
        fix=(f"did you mean {best!r}? " if best is not None else "") + fix,
    )


#: ``on_insufficient`` option -> status: core's one resolution, under the family's old name.
INSUFFICIENT = INSUFFICIENT_STATUS


def fmt(x: float | None) -> str:
    """4 decimals for metric-sized numbers, 4 significant digits otherwise."""
    if x is None or not math.isfinite(x):
        return str(x)
    return f"{x:.4f}" if abs(x) < 100 else f"{x:.4g}"


def headline(findings: Sequence[Finding]) -> str | None:
    """The verdict message when every finding passed: the main findings' own sentences (so a
    PASS still says what was compared); None otherwise (the base class summarises failures)."""
    if not findings or any(f.status is not Status.PASS for f in findings):
        return None
    shown = 2 if len(findings) == 2 else 1
    main = [f.message for f in findings[:shown] if f.message]
    more = ""
    if len(findings) > shown:  # say what the others are: their subjects, briefly
        seen = {f.subject for f in findings[:shown]}
        subjects = list(
            dict.fromkeys(
                f"{f.subject} ({f.method})" if f.subject in seen and f.method else f.subject
                for f in findings[shown:]
            )
        )
        # "; " between subjects: an intersectional segment's subject has ", " inside
        named = "; ".join(subjects[:3]) + (f" and {len(subjects) - 3} more" if len(subjects) > 3 else "")
        more = f" (+{pluralize(len(findings) - shown, 'more check')} passed: {named})"
    return "; ".join(main) + more if main else None


#: Ranking and probability metrics (``kind == "score"``) also need this many rows of each
#: class (capped at ``min_samples``): ROC AUC and DeLong's variance rest on the positives and the
#: negatives separately.
MIN_PER_CLASS = 10


def sample_shortfall(pair: Pair, min_samples: int) -> str | None:
    """Why ``pair`` is too small to judge (None when it is not): fewer than ``min_samples``
    rows in the candidate's (or an unpaired baseline's) sample, or, for score metrics, fewer
    than ``min(MIN_PER_CLASS, min_samples)`` rows of some class."""
    samples = [("current", pair.candidate)]
    if pair.baseline is not None and not pair.paired:
        samples.append(("reference", pair.baseline))
    sizes = []
    for side, s in samples:
        counts = None
        if pair.kind == "score" and len(s):
            counts = np.bincount(np.asarray(s.y, dtype=np.int64), minlength=max(pair.k, 2))
        sizes.append((side, len(s), counts))
    return size_shortfall(sizes, pair.kind, pair.classes, min_samples)


def size_shortfall(
    sizes: Sequence[tuple[str, int, np.ndarray | None]], kind: str, classes: tuple[Any, ...], min_samples: int
) -> str | None:
    """:func:`sample_shortfall` from the sizes: per side its rows and, for score metrics, its
    rows per class code (for a binary score metric, ``[negatives, positives]``)."""
    per_class = min(MIN_PER_CLASS, min_samples)
    for side, n, counts in sizes:
        if n < min_samples:
            return f"{n} rows on {side} < min_samples {min_samples}"
        if kind == "score" and n and counts is not None and counts.min() < per_class:
            j = int(np.argmin(counts))
            if counts.size == 2:  # binary scores: y is 1 for the positive class
                what = "positive" if j == 1 else "negative"
            else:
                names = classes or tuple(range(counts.size))
                what = f"class {names[j]!r}"
            return (
                f"{int(counts[j])} {what} rows on {side} < {per_class} (ranking and "
                "probability metrics need every class represented)"
            )
    return None
