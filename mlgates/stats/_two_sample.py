"""Shared helpers of the two-sample drift kernels (:mod:`mlgates.stats.drift`): sorted pairs,
merged samples, ECDF steps, quantile distance, midranks and tie sizes."""

from __future__ import annotations

import numpy as np


# -- helpers ----------------------------------------------------------------------------------
def _pair(reference: np.ndarray, current: np.ndarray, presorted: bool) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(reference, dtype=float)
    b = np.asarray(current, dtype=float)
    if a.ndim != 1 or b.ndim != 1 or a.size == 0 or b.size == 0:
        raise ValueError("reference and current must be non-empty 1-d arrays")
    if not presorted:
        a, b = np.sort(a), np.sort(b)
    return a, b


def _merge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted concatenation of two sorted arrays (a stable sort of two runs is linear)."""
    out = np.concatenate((a, b))
    out.sort(kind="stable")
    return out


def _cdf_steps(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pooled sorted values and ``n1 * n2 * (F_a - F_b)`` at each of them, as exact integers.

    One stable argsort of the two sorted runs (timsort merges them in linear time) replaces
    two binary searches per pooled value; the running sum adds ``n2`` per value of ``a`` and
    ``-n1`` per value of ``b``. Temporaries are released or reused as soon as possible (peak
    about three arrays of the pooled size). Inside a group of tied values the running sum is
    only partial; integrals weight those positions by a zero gap, and :func:`ks` reads each
    group at its last position.
    """
    n1 = a.size
    both = np.concatenate((a, b))
    order = np.argsort(both, kind="stable")
    pooled = both[order]
    del both
    scaled = np.where(order < n1, np.int64(b.size), np.int64(-n1))
    del order
    np.cumsum(scaled, out=scaled)
    return pooled, scaled


def _quantile_distance(a: np.ndarray, b: np.ndarray) -> float:
    """``integral |F_a - F_b| dx`` of two sorted samples, computed as the equal
    ``integral_0^1 |Q_a(u) - Q_b(u)| du`` of their quantile functions.

    The quantile functions step at ``u = i / n1`` and ``u = j / n2``: on the integer scale
    ``n1 * n2`` the steps are ``i * n2`` and ``j * n1``, known without looking at the data, so
    no merge (sort) of the two samples is needed: each step starts an interval on which both
    quantiles are constant, and its width is the distance to the next step of either sample.
    Equal sizes reduce to ``mean |a_(i) - b_(i)|``. Linear passes only, no sort.
    """
    n1, n2 = a.size, b.size
    if n1 == n2:
        d = a - b
        np.abs(d, out=d)
        return float(np.sum(d)) / n1
    total = 0.0
    for x, y, nx, ny in ((a, b, n1, n2), (b, a, n2, n1)):
        k = np.arange(nx, dtype=np.int64) * ny  # x's steps on the integer scale n1 * n2
        other = k // nx  # y's quantile index on the interval that starts at k
        width = np.minimum(k + ny, (other + 1) * nx) - k
        if x is b:  # a step of both samples: its interval is counted once, with a's steps
            width[k % nx == 0] = 0
        d = x - y[other]
        np.abs(d, out=d)
        d *= width
        total += float(np.sum(d))
    return total / (float(n1) * float(n2))


def _midranks(pooled: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mid-ranks (1-based, ties averaged) of ``values`` within the sorted ``pooled`` sample."""
    lo = np.searchsorted(pooled, values, side="left")
    hi = np.searchsorted(pooled, values, side="right")
    return (lo + hi + 1) / 2.0


def _tie_sizes(pooled: np.ndarray) -> np.ndarray:
    """Sizes of the runs of equal values in a sorted sample. Equality, not a zero difference:
    ``inf - inf`` is NaN, so repeated infinite values must still count as one tie."""
    change = np.flatnonzero(pooled[1:] != pooled[:-1]) + 1
    return np.diff(np.concatenate(([0], change, [pooled.size])))
