"""Bins frozen from the reference, counts on them, and proportions with documented smoothing.

Numeric columns
    ``numeric_edges`` computes *inner* edges from the reference only. The first and last bins are
    open (``(-inf, e_1]`` and ``(e_k, inf)``), so current values outside the reference range are
    counted, never dropped. Bins are right-closed: value ``x`` falls in bin ``i`` when
    ``e_i < x <= e_{i+1}``. Strategies: ``"quantile"`` (edges at the reference's ``1/n, ..., (n-1)/n``
    quantiles, linear interpolation, duplicates removed, so a heavy tie yields fewer bins) and
    ``"uniform"`` (equal-width over the reference's [min, max]). Explicit edges may be given too.
    Counts from chunks on the same edges add up, so the binned statistics are exact under merging.

Categorical columns
    One bin per category: the reference's categories in their sorted order, then categories seen
    only in current (new categories), also sorted. Counts per category merge by key.

Smoothing
    PSI and KL divergence take logarithms of proportions, so an empty bin would make them infinite.
    ``smooth_proportions`` replaces each zero proportion with ``eps`` where ``eps`` is ``1e-4``, or
    ``min_nonzero / 1e6`` when the smallest non-zero proportion is already ``<= 1e-4``; the other
    proportions are left unchanged (no renormalization). This is Evidently's documented rule, kept
    so the numbers are comparable. Jensen-Shannon, Hellinger and TVD are finite with empty bins and
    use the raw proportions.

Evidently's binning (``bins="evidently"`` in DriftGate)
    Evidently 0.7 bins a numeric column with more than 20 distinct reference values on the
    *pooled* reference and current values: ``numpy.histogram_bin_edges(pooled, "sturges")``
    (``ceil(log2(n_ref + n_cur)) + 1`` equal-width bins over the pooled range), left-closed with
    the last bin closed, as ``numpy.histogram`` counts. ``evidently_edges`` and
    ``counts_on_histogram`` reproduce that exactly. The bins then depend on the current data, so
    counts from chunks of the current data do not merge onto one frozen set of bins: use it to
    reproduce Evidently's numbers, and the reference-frozen strategies otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "BIN_STRATEGIES",
    "counts_on_edges",
    "counts_on_histogram",
    "evidently_edges",
    "numeric_edges",
    "proportions",
    "smooth_proportions",
]

BIN_STRATEGIES = ("quantile", "uniform")


def numeric_edges(reference_sorted: np.ndarray, strategy: str = "quantile", n_bins: int = 10) -> np.ndarray:
    """Inner bin edges from the (sorted, finite) reference values.

    Examples
    --------
    >>> numeric_edges(np.arange(1.0, 11.0), "quantile", 4).tolist()
    [3.25, 5.5, 7.75]
    >>> numeric_edges(np.arange(1.0, 11.0), "uniform", 3).tolist()
    [4.0, 7.0]
    """
    x = np.asarray(reference_sorted, dtype=float)
    if x.size == 0 or n_bins < 2:
        return np.empty(0)
    if strategy == "quantile":
        # linear interpolation on the sorted array (numpy's default quantile method)
        pos = np.linspace(0.0, 1.0, n_bins + 1)[1:-1] * (x.size - 1)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, x.size - 1)
        edges = x[lo] + (x[hi] - x[lo]) * (pos - lo)
    elif strategy == "uniform":
        edges = np.linspace(x[0], x[-1], n_bins + 1)[1:-1]
    else:
        raise ValueError(f"strategy must be one of {BIN_STRATEGIES}; got {strategy!r}")
    edges = np.unique(edges)
    # an edge at the maximum leaves an always-empty last reference bin: drop it
    return edges[edges < x[-1]] if edges.size else edges


def counts_on_edges(values_sorted: np.ndarray, edges: Sequence[float] | np.ndarray) -> np.ndarray:
    """Counts of sorted values in the right-closed bins defined by inner ``edges`` (open ends).

    Examples
    --------
    >>> counts_on_edges(np.array([1.0, 2.0, 2.0, 5.0, 9.0]), [2.0, 5.0]).tolist()
    [3, 1, 1]
    """
    v = np.asarray(values_sorted)
    cuts = np.searchsorted(v, np.asarray(edges, dtype=float), side="right")
    return np.diff(np.concatenate(([0], cuts, [v.size]))).astype(np.int64)


def evidently_edges(reference: np.ndarray, current: np.ndarray, *, distinct: bool = False) -> np.ndarray:
    """All edges of Evidently 0.7's numeric histogram: numpy's ``"sturges"`` rule on the pooled
    reference and current values (on their distinct values when ``distinct``, as Evidently's
    Hellinger distance does).

    Examples
    --------
    >>> evidently_edges(np.arange(4.0), np.arange(4.0) + 4).tolist()
    [0.0, 1.75, 3.5, 5.25, 7.0]
    >>> evidently_edges(np.array([0.0, 0.0, 1.0]), np.array([3.0]), distinct=True).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    pooled = np.concatenate((np.asarray(reference, dtype=float), np.asarray(current, dtype=float)))
    if distinct:
        pooled = np.unique(pooled)
    return np.histogram_bin_edges(pooled, bins="sturges")


def counts_on_histogram(values_sorted: np.ndarray, edges: Sequence[float] | np.ndarray) -> np.ndarray:
    """Counts of sorted values in ``numpy.histogram``'s bins: ``[e_i, e_{i+1})``, the last one
    closed, values outside ``[e_0, e_k]`` not counted.

    Examples
    --------
    >>> counts_on_histogram(np.array([0.0, 1.0, 1.0, 2.0, 3.0]), [0.0, 1.0, 2.0, 3.0]).tolist()
    [1, 2, 2]
    """
    v = np.asarray(values_sorted, dtype=float)
    e = np.asarray(edges, dtype=float)
    cuts = np.searchsorted(v, e[:-1], side="left")
    last = np.searchsorted(v, e[-1:], side="right")
    return np.diff(np.concatenate((cuts, last))).astype(np.int64)


def proportions(counts: np.ndarray) -> np.ndarray:
    """Counts divided by their total (NaN when the total is 0)."""
    c = np.asarray(counts, dtype=float)
    total = c.sum()
    return c / total if total > 0 else np.full(c.shape, np.nan)


def smooth_proportions(p: np.ndarray) -> np.ndarray:
    """Replace zero proportions by a small ``eps`` (rule in the module docstring).

    Examples
    --------
    >>> smooth_proportions(np.array([0.5, 0.5, 0.0])).tolist()
    [0.5, 0.5, 0.0001]
    """
    p = np.array(p, dtype=float)
    nonzero = p[p > 0]
    if nonzero.size == 0:
        return p
    low = nonzero.min()
    eps = low / 1e6 if low <= 1e-4 else 1e-4
    p[p == 0] = eps
    return p
