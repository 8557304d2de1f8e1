"""Fairness kernels: group codes, per-group confusion counts, rates, intervals, aggregates.

Everything here is arrays in, numbers out. The gates in :mod:`mlgates.gates.fairness` decide.

The central object is the per-group confusion table ``counts[g] = [tn, fp, fn, tp]`` (the
cell index of a row is ``y * 2 + pred``), computed for every group in one ``np.bincount``
over ``code * 4 + y * 2 + pred``. Every count-based rate (selection rate, TPR, FPR, accuracy,
precision, ...) is a ratio of two linear forms of these four cells, so rates, their Wilson
intervals and bootstrap replicates (multinomial draws of the cells) all come from the table
without touching the rows again.

Conventions
-----------
- A rate whose denominator is zero is NaN (undefined), never 0.
- Aggregates over groups ignore NaN groups; fewer than two defined groups gives NaN for
  ``difference`` and ``ratio`` with ``between_groups``.

Examples
--------
>>> import numpy as np
>>> codes, labels = group_codes([np.array(["a", "b", "a", "b"])])
>>> labels
[('a',), ('b',)]
>>> counts = confusion_counts(codes, 2, np.array([1, 0, 0, 1]), np.array([1, 1, 0, 0]))
>>> counts.weighted.tolist()
[[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]]
>>> rate(counts.weighted, "selection_rate").tolist()
[0.5, 0.5]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "COUNT_METRICS",
    "PROPORTION_METRICS",
    "REGRESSION_METRICS",
    "GroupCounts",
    "aggregate",
    "bootstrap_counts",
    "bootstrap_group_means",
    "canonical_metric",
    "confusion_counts",
    "group_codes",
    "group_means",
    "joint_counts",
    "percentile_interval",
    "rate",
    "rate_parts",
    "split_joint",
    "wilson_interval",
]

TN, FP, FN, TP = 0, 1, 2, 3
_ALL = (1.0, 1.0, 1.0, 1.0)

#: Count-based metrics: (numerator coefficients, denominator coefficients) on [tn, fp, fn, tp].
COUNT_METRICS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "selection_rate": ((0, 1, 0, 1), _ALL),
    "true_positive_rate": ((0, 0, 0, 1), (0, 0, 1, 1)),
    "false_positive_rate": ((0, 1, 0, 0), (1, 1, 0, 0)),
    "true_negative_rate": ((1, 0, 0, 0), (1, 1, 0, 0)),
    "false_negative_rate": ((0, 0, 1, 0), (0, 0, 1, 1)),
    "accuracy_score": ((1, 0, 0, 1), _ALL),
    "error_rate": ((0, 1, 1, 0), _ALL),
    "precision_score": ((0, 0, 0, 1), (0, 1, 0, 1)),
    "recall_score": ((0, 0, 0, 1), (0, 0, 1, 1)),
    "false_discovery_rate": ((0, 1, 0, 0), (0, 1, 0, 1)),
    "false_omission_rate": ((0, 0, 1, 0), (1, 0, 1, 0)),
    "negative_predictive_value": ((1, 0, 0, 0), (1, 0, 1, 0)),
    "f1_score": ((0, 0, 0, 2), (0, 1, 1, 2)),
}
#: Count metrics that are a share of rows (the Wilson interval applies); the rest bootstrap.
PROPORTION_METRICS = frozenset(COUNT_METRICS) - {"f1_score"}
#: Regression losses computed from per-group weighted means of |e| or e^2.
REGRESSION_METRICS = ("mean_absolute_error", "mean_squared_error", "root_mean_squared_error")

_ALIASES = {
    "tpr": "true_positive_rate",
    "fpr": "false_positive_rate",
    "tnr": "true_negative_rate",
    "fnr": "false_negative_rate",
    "accuracy": "accuracy_score",
    "precision": "precision_score",
    "recall": "recall_score",
    "f1": "f1_score",
    "sensitivity": "true_positive_rate",
    "specificity": "true_negative_rate",
    "mae": "mean_absolute_error",
    "mse": "mean_squared_error",
    "rmse": "root_mean_squared_error",
}


def canonical_metric(name: str) -> str:
    """The canonical name of a count or regression metric (``"tpr"`` -> ``"true_positive_rate"``)."""
    return _ALIASES.get(name, name)


# -- groups -----------------------------------------------------------------------------------
def group_codes(columns: Sequence[Any], *, dropna: bool = False) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Integer group codes for one or several sensitive columns (intersections when several).

    Parameters
    ----------
    columns : sequence of 1-d array-like
        One array per sensitive feature, all of the same length.
    dropna : bool, default False
        If True, rows with a missing value in any column get code -1; otherwise a missing
        value is a group of its own (its label is ``None``).

    Returns
    -------
    codes : ndarray of int64
        ``codes[i]`` in ``[0, n_groups)`` (or -1, see ``dropna``). Only observed
        combinations get a code; codes follow the sorted order of the values, column by column.
    labels : list of tuple
        ``labels[k]`` is the tuple of values (one per column) of group ``k``.
    """
    if not columns:
        raise ValueError("group_codes needs at least one column")
    combined: np.ndarray | None = None
    label_parts: list[list[Any]] = []
    table: np.ndarray | None = None  # (n_groups_so_far, n_columns_so_far) indices into label_parts
    for col in columns:
        codes, values = _factorize(col)
        has_na = bool((codes < 0).any())
        if has_na and not dropna:
            codes = np.where(codes < 0, len(values), codes)
            values.append(None)
        label_parts.append(values)
        k = len(values)
        if combined is None:
            combined = codes
            table = np.arange(k, dtype=np.int64)[:, None]
            continue
        assert table is not None
        size = len(table) * k
        raw = combined * k
        raw += codes
        bad = None
        if dropna and ((combined < 0).any() or (codes < 0).any()):
            bad = (combined < 0) | (codes < 0)
            raw[bad] = 0
        present = np.bincount(raw if bad is None else raw[~bad], minlength=size) > 0
        keep = np.flatnonzero(present)
        remap = np.full(size, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        combined = remap[raw]
        if bad is not None:
            combined[bad] = -1
        table = np.column_stack([table[keep // k], keep % k])
    assert combined is not None and table is not None
    if len(columns) == 1:
        # drop unobserved levels (categoricals) and compact
        present = np.bincount(combined[combined >= 0], minlength=len(table)) > 0
        if not present.all():
            remap = np.full(len(table), -1, dtype=np.int64)
            remap[present] = np.arange(int(present.sum()))
            combined = np.where(combined < 0, -1, remap[np.maximum(combined, 0)])
            table = table[present]
    labels = [tuple(label_parts[j][i] for j, i in enumerate(row)) for row in table.tolist()]
    return combined, labels


def _factorize(col: Any) -> tuple[np.ndarray, list[Any]]:
    """Sorted codes (-1 for missing) and the distinct values of one column."""
    if isinstance(col, np.ndarray) and col.dtype.kind == "U" and col.ndim == 1 and len(col):
        return _factorize_unicode(col)
    values_in = np.asarray(col, dtype=object) if _needs_object(col) else col
    try:
        codes, uniques = pd.factorize(values_in, sort=True, use_na_sentinel=True)
    except TypeError:  # values that do not sort together (e.g. str and int)
        codes, uniques = pd.factorize(values_in, sort=False, use_na_sentinel=True)
    values = [_plain_value(v) for v in np.asarray(uniques, dtype=object).tolist()]
    return codes.astype(np.int64, copy=False), values


def _factorize_unicode(col: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Fixed-width numpy strings without a detour through Python objects: pack three code
    points per int64 (lexicographic order is kept) and combine the chunks as intersections."""
    width = col.dtype.itemsize // 4
    chars = np.ascontiguousarray(col).view(np.uint32).reshape(len(col), width)
    chunks = []
    for start in range(0, width, 3):
        key = chars[:, start].astype(np.int64)
        for j in range(start + 1, min(start + 3, width)):
            key *= 1_114_112
            key += chars[:, j]
        chunks.append(key)
    if len(chunks) == 1:
        codes, uniques = pd.factorize(chunks[0], sort=True)
        codes = codes.astype(np.int64, copy=False)
        n_groups = len(uniques)
    else:
        codes, _ = group_codes(chunks)
        n_groups = int(codes.max()) + 1
    first = np.empty(n_groups, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(col) - 1, -1, -1)
    return codes, [str(v) for v in col[first].tolist()]


def _needs_object(col: Any) -> bool:
    dtype = getattr(col, "dtype", None)
    return dtype is None and not isinstance(col, np.ndarray)


def _plain_value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


# -- counts -----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class GroupCounts:
    """Per-group confusion tables ``[tn, fp, fn, tp]`` (shape ``(n_groups, 4)``).

    ``weighted`` holds sums of sample weights (equal to ``rows`` without weights), ``rows``
    the unweighted row counts, ``weighted_sq`` sums of squared weights (None without weights).
    """

    weighted: np.ndarray
    rows: np.ndarray
    weighted_sq: np.ndarray | None = None

    @property
    def n_groups(self) -> int:
        return int(self.rows.shape[0])

    def merge(self, other: GroupCounts) -> GroupCounts:
        """Sum of two tables over the same groups (counts are mergeable across chunks)."""
        sq = None
        if self.weighted_sq is not None or other.weighted_sq is not None:
            a = self.weighted_sq if self.weighted_sq is not None else self.weighted
            b = other.weighted_sq if other.weighted_sq is not None else other.weighted
            sq = a + b
        return GroupCounts(self.weighted + other.weighted, self.rows + other.rows, sq)


def confusion_counts(
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    pred: np.ndarray,
    sample_weight: np.ndarray | None = None,
) -> GroupCounts:
    """Per-group weighted confusion counts in one pass.

    Parameters
    ----------
    codes : ndarray of int
        Group code per row, in ``[0, n_groups)`` (filter out rows with code -1 first).
    n_groups : int
    y, pred : ndarray of {0, 1}
        Binary labels and predictions.
    sample_weight : ndarray, optional
        Non-negative weights.
    """
    idx = codes.astype(np.int64, copy=False) * 4
    idx += np.asarray(y, dtype=np.int64) * 2
    idx += np.asarray(pred, dtype=np.int64)
    return _cell_counts(idx, n_groups, 4, sample_weight)


def joint_counts(
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    pred_a: np.ndarray,
    pred_b: np.ndarray,
    sample_weight: np.ndarray | None = None,
) -> GroupCounts:
    """Per-group counts of the 8 cells ``y * 4 + pred_a * 2 + pred_b`` (two models, same rows).

    :func:`split_joint` turns them (or bootstrap replicates of them) into each model's
    confusion table, so a paired bootstrap resamples rows for both models at once.
    """
    idx = codes.astype(np.int64, copy=False) * 8
    idx += np.asarray(y, dtype=np.int64) * 4
    idx += np.asarray(pred_a, dtype=np.int64) * 2
    idx += np.asarray(pred_b, dtype=np.int64)
    return _cell_counts(idx, n_groups, 8, sample_weight)


def _cell_counts(
    idx: np.ndarray, n_groups: int, n_cells: int, sample_weight: np.ndarray | None
) -> GroupCounts:
    """Rows, weights and squared weights per ``group * n_cells + cell`` index, as a table of
    ``n_groups`` rows and ``n_cells`` columns."""
    size = n_cells * n_groups
    rows = np.bincount(idx, minlength=size).reshape(n_groups, n_cells)
    if sample_weight is None:
        return GroupCounts(rows.astype(float), rows, None)
    w = np.asarray(sample_weight, dtype=float)
    weighted = np.bincount(idx, weights=w, minlength=size).reshape(n_groups, n_cells)
    squared = np.bincount(idx, weights=w * w, minlength=size).reshape(n_groups, n_cells)
    return GroupCounts(weighted, rows, squared)


def split_joint(joint: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Confusion tables ``[..., 4]`` of model a and model b from joint cells ``[..., 8]``."""
    cells = joint.reshape(*joint.shape[:-1], 2, 2, 2)  # y, pred_a, pred_b
    a = cells.sum(axis=-1).reshape(*joint.shape[:-1], 4)
    b = cells.sum(axis=-2).reshape(*joint.shape[:-1], 4)
    return a, b


# -- rates ------------------------------------------------------------------------------------
def rate_parts(counts: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of a count metric, for tables of shape ``(..., 4)``."""
    num_c, den_c = COUNT_METRICS[canonical_metric(metric)]
    return counts @ np.asarray(num_c, dtype=float), counts @ np.asarray(den_c, dtype=float)


def rate(counts: np.ndarray, metric: str) -> np.ndarray:
    """A count metric per group; NaN where its denominator is zero.

    Examples
    --------
    >>> import numpy as np
    >>> rate(np.array([[5.0, 5.0, 0.0, 0.0]]), "true_positive_rate").tolist()  # no positives
    [nan]
    """
    num, den = rate_parts(np.asarray(counts, dtype=float), metric)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def wilson_interval(
    successes: np.ndarray | float, n: np.ndarray | float, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (NaN where ``n == 0``).

    ``successes`` and ``n`` may be non-integer (weighted data with a Kish effective size).

    Examples
    --------
    >>> lo, hi = wilson_interval(3, 10)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.1078, 0.6032)
    """
    from scipy.special import ndtri

    s = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = float(ndtri(1 - (1 - confidence) / 2))
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s / n
        denom = 1 + z2 / n
        center = (p + z2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
        low = np.where(n > 0, center - half, np.nan)
        high = np.where(n > 0, center + half, np.nan)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def effective_size(counts: GroupCounts, metric: str) -> np.ndarray:
    """Denominator sample size of a count metric per group: rows, or Kish's effective size
    ``(sum w)^2 / sum w^2`` with weights."""
    _, den_c = COUNT_METRICS[canonical_metric(metric)]
    den_c_arr = np.asarray(den_c, dtype=float)
    if counts.weighted_sq is None:
        return counts.rows @ den_c_arr
    w = counts.weighted @ den_c_arr
    w2 = counts.weighted_sq @ den_c_arr
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w2 > 0, w * w / np.where(w2 > 0, w2, 1.0), 0.0)


# -- regression -------------------------------------------------------------------------------
def group_means(
    codes: np.ndarray, n_groups: int, values: np.ndarray, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean of ``values`` per group, with the weight sums and row counts.

    Returns ``(means, weight_sums, rows)``; a group without weight has mean NaN.
    """
    rows = np.bincount(codes, minlength=n_groups)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    wsum = rows.astype(float) if w is None else np.bincount(codes, weights=w, minlength=n_groups)
    v = np.asarray(values, dtype=float)
    sums = np.bincount(codes, weights=v if w is None else v * w, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(wsum > 0, sums / np.where(wsum > 0, wsum, 1.0), np.nan)
    return means, wsum, rows


def bootstrap_group_means(
    codes: np.ndarray,
    n_groups: int,
    values: np.ndarray,
    sample_weight: np.ndarray | None,
    n_resamples: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Stratified row bootstrap of per-group weighted means.

    Rows are resampled with replacement within each group (group sizes fixed). ``values``
    may be 2-d ``(n, k)``: the same resampled rows are used for every column (a paired
    bootstrap). Returns an array ``(n_resamples, n_groups, k)`` (``k = 1`` for 1-d values).
    """
    v = np.asarray(values, dtype=float)
    if v.ndim == 1:
        v = v[:, None]
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    sizes = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    v_sorted = v[order]
    w_sorted = None if sample_weight is None else np.asarray(sample_weight, dtype=float)[order]
    row_start = starts[sorted_codes]
    row_size = sizes[sorted_codes]
    out = np.empty((n_resamples, n_groups, v.shape[1]))
    for b in range(n_resamples):
        pick = row_start + (rng.random(len(sorted_codes)) * row_size).astype(np.int64)
        if w_sorted is None:
            wsum = sizes.astype(float)
            weights = None
        else:
            weights = w_sorted[pick]
            wsum = np.bincount(sorted_codes, weights=weights, minlength=n_groups)
        for j in range(v.shape[1]):
            vals = v_sorted[pick, j] if weights is None else v_sorted[pick, j] * weights
            sums = np.bincount(sorted_codes, weights=vals, minlength=n_groups)
            with np.errstate(invalid="ignore", divide="ignore"):
                out[b, :, j] = np.where(wsum > 0, sums / np.where(wsum > 0, wsum, 1.0), np.nan)
    return out


# -- aggregation ------------------------------------------------------------------------------
Aggregate = Literal["difference", "ratio", "group_min", "group_max"]
Method = Literal["between_groups", "to_overall"]


def aggregate(
    values: np.ndarray,
    kind: Aggregate | str,
    method: Method | str = "between_groups",
    overall: np.ndarray | float | None = None,
) -> np.ndarray:
    """Aggregate per-group values (last axis = groups), ignoring NaN groups.

    - ``difference``: ``max - min`` (``between_groups``) or ``max |v - overall|``;
    - ``ratio``: ``min / max`` or ``min over groups of min(v / overall, overall / v)``;
    - ``group_min`` / ``group_max``.

    Fewer than two defined groups (one for ``to_overall``) give NaN; so does a ratio whose
    denominator (the largest value, or ``overall``) is zero.

    Examples
    --------
    >>> import numpy as np
    >>> float(aggregate(np.array([0.2, 0.5, np.nan]), "difference"))
    0.3
    >>> float(aggregate(np.array([0.2, 0.5]), "ratio"))
    0.4
    """
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    n_def = finite.sum(axis=-1)
    vmax = np.max(np.where(finite, v, -np.inf), axis=-1)
    vmin = np.min(np.where(finite, v, np.inf), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if kind == "group_min":
            return np.where(n_def >= 1, vmin, np.nan)
        if kind == "group_max":
            return np.where(n_def >= 1, vmax, np.nan)
        if method == "between_groups":
            if kind == "difference":
                return np.where(n_def >= 2, vmax - vmin, np.nan)
            ok = (n_def >= 2) & (vmax > 0)
            return np.where(ok, vmin / np.where(ok, vmax, 1.0), np.nan)
        if overall is None:
            raise ValueError("method='to_overall' needs the overall value")
        o = np.asarray(overall, dtype=float)[..., None]
        if kind == "difference":
            dev = np.max(np.where(finite, np.abs(v - o), -np.inf), axis=-1)
            return np.where(n_def >= 1, dev, np.nan)
        ok_o = np.isfinite(o) & (o != 0)
        r = v / np.where(ok_o, o, 1.0)
        r = np.where(r > 1, 1.0 / r, r)
        rmin = np.min(np.where(finite & np.isfinite(r), r, np.inf), axis=-1)
        return np.where((n_def >= 1) & ok_o[..., 0], rmin, np.nan)


# -- bootstrap --------------------------------------------------------------------------------
def bootstrap_counts(counts: GroupCounts, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of per-group cell tables, ``(n_resamples, n_groups, n_cells)``.

    Each group's rows are resampled with replacement (group sizes fixed): for a table of
    counts this is exactly a multinomial draw of the cells with the observed shares, so no
    row is touched. With sample weights, each drawn cell count is scaled by the cell's mean
    weight (an approximation that ignores the spread of weights within a cell).
    """
    rows = np.asarray(counts.rows, dtype=np.int64)
    n_groups, n_cells = rows.shape
    # a multinomial draw as a chain of conditional binomials, vectorized over resamples and groups
    draws = np.empty((n_resamples, n_groups, n_cells))
    left = np.broadcast_to(rows.sum(axis=-1), (n_resamples, n_groups)).astype(np.int64)
    mass_left = rows.sum(axis=-1).astype(float)
    for c in range(n_cells - 1):
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(mass_left > 0, rows[:, c] / np.where(mass_left > 0, mass_left, 1.0), 0.0)
        draw = rng.binomial(left, np.clip(p, 0.0, 1.0))
        draws[:, :, c] = draw
        left = left - draw
        mass_left = mass_left - rows[:, c]
    draws[:, :, -1] = left
    if counts.weighted_sq is None:
        return draws
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_w = np.where(rows > 0, counts.weighted / np.maximum(rows, 1), 0.0)
    return draws * mean_w


def percentile_interval(replicates: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of 1-d replicates, ignoring NaN (NaN if all are NaN)."""
    r = np.asarray(replicates, dtype=float)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return float("nan"), float("nan")
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(r, [alpha, 1 - alpha])
    return float(lo), float(hi)


def callable_by_group(
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    pred: np.ndarray,
    fn: Callable[..., float],
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """``fn(y, pred[, sample_weight=...])`` per group (NaN for an empty group)."""
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=n_groups))])
    out = np.full(n_groups, np.nan)
    for g in range(n_groups):
        rows = order[bounds[g] : bounds[g + 1]]
        if len(rows) == 0:
            continue
        if sample_weight is None:
            out[g] = float(fn(y[rows], pred[rows]))
        else:
            out[g] = float(fn(y[rows], pred[rows], sample_weight=sample_weight[rows]))
    return out
