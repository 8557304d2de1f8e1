"""The first Wasserstein distance against a reference prepared once: many current samples
(the windows of a monitoring check) compared with one large reference in ``O(m log n)`` each
instead of ``O(n + m)`` (a merge of both samples per comparison).

:func:`prepare` keeps the sorted, centred reference values and their prefix sums, so that
``G(t) = integral_{-inf}^t F_ref(x) dx = (k t - P_k) / n`` (``k`` reference values ``<= t``,
``P_k`` their sum) is one binary search. Between two consecutive current values the current
CDF is a constant ``c``, and ``integral |F_ref - c|`` over that segment splits at the reference
quantile where ``F_ref`` reaches ``c``; the distance is the sum over the ``m + 1`` segments.
Equal to :func:`mlgates.stats.drift.wasserstein` up to rounding (checked against
``scipy.stats.wasserstein_distance`` in the tests).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> ref = np.sort(rng.normal(size=5000))
>>> cur = np.sort(rng.normal(0.3, 1, size=800))
>>> from scipy.stats import wasserstein_distance
>>> bool(np.isclose(wasserstein(prepare(ref), cur, normed=False), wasserstein_distance(ref, cur)))
True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["PreparedReference", "prepare", "wasserstein"]


class PreparedReference(NamedTuple):
    """Sorted reference values minus ``shift`` (their mean), their prefix sums (``prefix[k]`` is
    the sum of the ``k`` smallest), for each position the count of values ``<=`` its value
    (``upto``), ``n * G`` at each value (``at_values``, see :func:`_g`), the reference's
    standard deviation (``ddof=0``), and the crossing points of the last current sample sizes
    (``crossings``: size -> the reference quantiles where the current CDF's steps cross it and
    ``n * G`` there; kept because windows of one size repeat)."""

    values: np.ndarray
    prefix: np.ndarray
    upto: np.ndarray
    shift: float
    std: float
    at_values: np.ndarray
    crossings: dict[int, tuple[np.ndarray, np.ndarray]]


#: Current sample sizes whose crossing points a prepared reference keeps.
KEPT_SIZES = 4


def prepare(sorted_values: np.ndarray) -> PreparedReference:
    """Prepare sorted, finite reference values (at least one)."""
    a = np.asarray(sorted_values, dtype=float)
    shift = float(a.mean())
    centred = a - shift
    # the count of values <= each value: the end of its run of ties (one pass, no search)
    ends = np.append(np.flatnonzero(centred[1:] != centred[:-1]) + 1, centred.size)
    upto = np.repeat(ends, np.diff(np.concatenate(([0], ends))))
    prefix = np.concatenate(([0.0], np.cumsum(centred)))
    at_values = upto * centred - prefix[upto]
    return PreparedReference(centred, prefix, upto, shift, float(a.std()), at_values, {})


def _g(ref: PreparedReference, t: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``n * integral_{-inf}^t F_ref(x) dx`` at each ``t`` (centred units), ``k`` the count of
    reference values ``<= t``."""
    return k * t - ref.prefix[k]


def _crossings(ref: PreparedReference, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For the ``m - 1`` inner steps of a current CDF of ``m`` values (``F_cur = j / m``): the
    reference quantile where ``F_ref`` reaches ``j / m`` and ``n * G`` there."""
    kept = ref.crossings.get(m)
    if kept is None:
        n = ref.values.size
        j = np.arange(1, m)
        q = np.clip((j * n + m - 1) // m, 1, n) - 1  # smallest count with count / n >= j / m, 0-based
        kept = (ref.values[q], ref.at_values[q])
        if len(ref.crossings) >= KEPT_SIZES:
            ref.crossings.pop(next(iter(ref.crossings)), None)
        ref.crossings[m] = kept
    return kept


def wasserstein(ref: PreparedReference, current_sorted: np.ndarray, *, normed: bool = True) -> float:
    """First Wasserstein distance between the prepared reference and sorted current values,
    divided by ``max(std(reference), 0.001)`` when ``normed`` (as
    :func:`mlgates.stats.drift.wasserstein`)."""
    a = ref.values
    n = a.size
    b = np.asarray(current_sorted, dtype=float) - ref.shift
    m = b.size
    if n == 0 or m == 0:
        raise ValueError("both samples need at least one value")
    kb = np.searchsorted(a, b, side="right")  # the one binary search: reference counts <= b
    gb = _g(ref, b, kb)
    total = gb[0]  # before the first current value: integral of F_ref
    k_last = kb[-1]  # after the last: integral of 1 - F_ref
    total += (ref.prefix[n] - ref.prefix[k_last]) - (n - k_last) * b[-1]
    if m > 1:
        # segment j (between current values lo = b[j-1] and hi = b[j]) has n * F_cur = c = j n / m;
        # integral |n F_ref - c| over it = c (2 x - lo - hi) + G(lo) + G(hi) - 2 G(x), x the point
        # in [lo, hi] where n F_ref crosses c (clipped to the segment)
        lo, hi = b[:-1], b[1:]
        quantile, g_quantile = _crossings(ref, m)
        below, above = quantile <= lo, quantile >= hi
        cross = np.where(below, lo, np.where(above, hi, quantile))
        g_x = np.where(below, gb[:-1], np.where(above, gb[1:], g_quantile))
        c = np.arange(1, m) * (n / m)
        total += float(np.sum(c * (2.0 * cross - lo - hi)))  # not a BLAS dot: no thread start-up
        total += 2.0 * float(gb.sum()) - gb[0] - gb[-1] - 2.0 * float(g_x.sum())
    w = float(total) / n
    if normed:
        w /= max(ref.std, 0.001)
    return w
