"""Two-sample statistics from binned summaries, with the approximation bound.

When a column is read in chunks, the sample statistics (KS, Wasserstein) are computed from
the values' counts in the cells of a fine grid frozen from the reference, with each cell's
sum, minimum and maximum per side (:class:`~mlgates.profiles.summaries.BinCounts`). These
kernels return the **interval** ``[lo, hi]`` that surely holds the statistic of the raw values:

- both empirical CDFs are known exactly at every grid edge and wherever, inside a cell, a side
  has no value (before its cell minimum, from its cell maximum on); only between a side's
  minimum and maximum in a cell is its CDF bounded by its values at the cell's ends;
- ``ks_bounds``: the largest CDF gap at the known points is a lower bound; the largest gap the
  bounded pieces allow, an upper bound;
- ``wasserstein_bounds``: the integral of ``F_ref - F_cur`` over each cell is exact (from the
  cell's counts and sums: ``integral of F = F(b) b - F(a) a - sum/n``); the integral of the
  absolute gap is at least the known pieces plus the absolute rest; at most the known pieces
  plus the largest integral of the absolute gap that the bounded pieces allow with that rest
  (equal to the rest where the gap cannot change sign in the cell).

When every value sits on a grid edge (discrete columns, or bins at the distinct values) the
interval has zero width and the statistic is exact. Cells are right-closed ``(e_{i-1}, e_i]``
with open ends, as :func:`mlgates.stats.binning.counts_on_edges`.

``t_test_from_moments`` is Welch's t-test from counts, means and variances: exact under
merging (Chan et al.'s update of the moments).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> a, b = np.sort(rng.normal(size=5000)), np.sort(rng.normal(0.1, 1, 5000))
>>> edges = np.quantile(a, np.linspace(0, 1, 257))
>>> ra, rb = cells(a, edges), cells(b, edges)
>>> lo, hi = ks_bounds(ra, rb)
>>> from scipy import stats
>>> d = stats.ks_2samp(a, b).statistic
>>> bool(lo <= d <= hi), round(hi - lo, 4) < 0.01
(True, True)
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from mlgates.stats._result import DriftResult

__all__ = ["Cells", "cells", "ks_bounds", "ks_pvalue", "t_test_from_moments", "wasserstein_bounds"]


class Cells(NamedTuple):
    """One side on a grid: per cell (``len(edges) + 1`` cells) the count, the sum, the minimum
    and the maximum of its values (NaN for an empty cell), and the inner ``edges``."""

    edges: np.ndarray
    counts: np.ndarray
    sums: np.ndarray
    mins: np.ndarray
    maxs: np.ndarray


def cells(sorted_values: np.ndarray, edges: np.ndarray) -> Cells:
    """:class:`Cells` of sorted finite values on inner ``edges`` (in memory, and per chunk for a
    profile's :class:`~mlgates.profiles.summaries.Bins`)."""
    x = np.asarray(sorted_values, dtype=float)
    e = np.asarray(edges, dtype=float)
    bounds = np.concatenate(([0], np.searchsorted(x, e, side="right"), [x.size]))
    counts = np.diff(bounds).astype(np.int64)
    k = counts.size
    sums, mins, maxs = np.zeros(k), np.full(k, np.nan), np.full(k, np.nan)
    full = counts > 0
    if x.size:
        starts = bounds[:-1][full]
        sums[full] = np.add.reduceat(x, starts)
        mins[full] = x[starts]
        maxs[full] = x[bounds[1:][full] - 1]
    return Cells(e, counts, sums, mins, maxs)


def _cdf(c: Cells) -> tuple[np.ndarray, np.ndarray, float]:
    """CDF at the start and end of each cell, and the number of values."""
    n = float(c.counts.sum())
    after = np.cumsum(c.counts) / n
    before = np.concatenate(([0.0], after[:-1]))
    return before, after, n


def _state_ranges(
    x: np.ndarray, lo: np.ndarray, hi: np.ndarray, before: np.ndarray, after: np.ndarray, below: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Range ``[a, b]`` of one side's CDF at points ``x`` (shape (k, m)) of each cell, or just
    below them (``below``): the value before the cell's minimum, after its maximum, and the
    whole [before, after] in between. Empty cells (NaN extremes) have before == after."""
    lo2, hi2 = lo[:, None], hi[:, None]
    b2, a2 = before[:, None], after[:, None]
    with np.errstate(invalid="ignore"):
        if below:
            is_before = ~(x > lo2)
            is_after = x > hi2
        else:
            is_before = x < lo2
            is_after = ~(x < hi2)
    empty = np.isnan(lo2)
    is_before = is_before | empty
    is_after = is_after & ~empty
    low = np.where(is_after, a2, b2)
    high = np.where(is_before, b2, a2)
    return low, high


def ks_bounds(ref: Cells, cur: Cells) -> tuple[float, float]:
    """``(lo, hi)``: the two-sample KS distance of the raw values lies in ``[lo, hi]``."""
    rb, ra, _ = _cdf(ref)
    cb, ca, _ = _cdf(cur)
    lower = float(np.max(np.abs(ra - ca))) if ra.size else 0.0
    points = np.column_stack((ref.mins, ref.maxs, cur.mins, cur.maxs))  # (k, 4), NaN where empty
    upper = lower
    for below in (False, True):
        r_lo, r_hi = _state_ranges(points, ref.mins, ref.maxs, rb, ra, below)
        c_lo, c_hi = _state_ranges(points, cur.mins, cur.maxs, cb, ca, below)
        valid = ~np.isnan(points)
        gap_hi = np.maximum(r_hi - c_lo, c_hi - r_lo)
        gap_lo = np.maximum(np.maximum(r_lo - c_hi, c_lo - r_hi), 0.0)
        if valid.any():
            upper = max(upper, float(np.max(gap_hi[valid])))
            lower = max(lower, float(np.max(gap_lo[valid])))
    return lower, max(upper, lower)


def ks_pvalue(d: float, n1: int, n2: int) -> float:
    """Smirnov's asymptotic p-value of a KS distance ``d`` (``kstwo`` at the effective size),
    the one :func:`mlgates.stats.drift.ks` uses above 10,000 values per side."""
    from scipy import stats

    m, n = sorted((float(n1), float(n2)), reverse=True)
    return float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))


def wasserstein_bounds(ref: Cells, cur: Cells) -> tuple[float, float]:
    """``(lo, hi)``: the first Wasserstein distance (unnormed) of the raw values lies in
    ``[lo, hi]``."""
    rb, ra, nr = _cdf(ref)
    cb, ca, nc = _cdf(cur)
    edges = np.asarray(ref.edges, dtype=float)
    with np.errstate(invalid="ignore"):
        first = np.fmin(ref.mins[0], cur.mins[0])
        last = np.fmax(ref.maxs[-1], cur.maxs[-1])
    left = np.concatenate(([first if np.isfinite(first) else (edges[0] if edges.size else 0.0)], edges))
    right = np.concatenate((edges, [last if np.isfinite(last) else (edges[-1] if edges.size else 0.0)]))
    # the integral of F over [left, right] of each cell: F(b) b - F(a) a - sum / n
    int_r = ra * right - rb * left - ref.sums / nr
    int_c = ca * right - cb * left - cur.sums / nc
    total = int_r - int_c  # exact integral of F_ref - F_cur over each cell
    # pieces between the sorted breakpoints of each cell
    pts = np.column_stack((left, ref.mins, ref.maxs, cur.mins, cur.maxs, right))
    pts = np.where(np.isnan(pts), left[:, None], pts)
    pts = np.clip(pts, left[:, None], right[:, None])
    pts.sort(axis=1)
    lengths = np.diff(pts, axis=1)  # (k, 5)
    mids = (pts[:, 1:] + pts[:, :-1]) / 2.0
    r_lo, r_hi = _state_ranges(mids, ref.mins, ref.maxs, rb, ra, below=False)
    c_lo, c_hi = _state_ranges(mids, cur.mins, cur.maxs, cb, ca, below=False)
    known = (r_lo == r_hi) & (c_lo == c_hi)
    gap = r_lo - c_lo
    known_abs = np.where(known, np.abs(gap) * lengths, 0.0).sum(axis=1)
    known_sum = np.where(known, gap * lengths, 0.0).sum(axis=1)
    # the bounded pieces: the gap g lies in [g_min, g_max] and its integral there is exactly
    # rest = total - known_sum; the integral of |g| is largest with g at g_max on part of the
    # length and at g_min on the rest (and is exactly |rest| when g cannot change sign)
    open_len = np.where(known, 0.0, lengths).sum(axis=1)
    g_min = np.where(known | (lengths <= 0), np.inf, r_lo - c_hi).min(axis=1)
    g_max = np.where(known | (lengths <= 0), -np.inf, r_hi - c_lo).max(axis=1)
    rest = total - known_sum
    crossing = (g_min < 0) & (g_max > 0) & (open_len > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.clip((rest - open_len * g_min) / (g_max - g_min), 0.0, open_len)
        worst = t * g_max - (open_len - t) * g_min
    unknown = np.where(crossing, worst, np.abs(rest))
    lower = known_abs + np.abs(rest)
    upper = np.maximum(known_abs + unknown, lower)
    return float(lower.sum()), float(upper.sum())


def t_test_from_moments(
    n1: int, mean1: float, var1: float, n2: int, mean2: float, var2: float, *, equal_var: bool = False
) -> DriftResult:
    """Welch's (or Student's) two-sample t-test from counts, means and sample variances
    (``ddof=1``): the same numbers as :func:`mlgates.stats.drift.t_test` on the raw values.

    Examples
    --------
    >>> r = t_test_from_moments(4, 2.5, 5 / 3, 4, 3.5, 5 / 3)
    >>> round(r.statistic, 4), round(r.pvalue, 4)
    (-1.0954, 0.3153)
    """
    from scipy import special

    if n1 < 2 or n2 < 2:
        raise ValueError("t_test needs at least 2 values on each side")
    diff = mean1 - mean2
    if equal_var:
        df = n1 + n2 - 2.0
        sp = ((n1 - 1) * var1 + (n2 - 1) * var2) / df
        se2 = sp * (1.0 / n1 + 1.0 / n2)
    else:
        q1, q2 = var1 / n1, var2 / n2
        se2 = q1 + q2
        df = se2**2 / (q1**2 / (n1 - 1) + q2**2 / (n2 - 1)) if se2 > 0 else 1.0
    if se2 == 0.0:
        return DriftResult(0.0 if diff == 0 else math.copysign(math.inf, diff), 1.0 if diff == 0 else 0.0)
    t = diff / math.sqrt(se2)
    p = float(2.0 * special.stdtr(df, -abs(t)))
    return DriftResult(t, min(p, 1.0))
