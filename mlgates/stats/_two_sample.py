"""Shared helpers of the two-sample drift kernels (:mod:`mlgates.stats.drift`): sorted pairs,
merged samples, ECDF steps, quantile distance, midranks and tie sizes."""

from __future__ import annotations

import functools
import math
import threading
from typing import Any, NamedTuple

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
    Equal sizes reduce to ``mean |a_(i) - b_(i)|``. Linear passes only, no sort, no search;
    what depends on the sizes alone (indices and widths) is computed once per pair of sizes
    (:func:`_step_plan`), so the columns of one check, or the windows of equal size, share it.
    """
    n1, n2 = a.size, b.size
    if n1 == n2:
        return _abs_sum(np.subtract(a, b, out=_scratch(n1))) / n1
    total = _steps_distance(a, b, n1, n2, shared=False) + _steps_distance(b, a, n2, n1, shared=True)
    return total / (float(n1) * float(n2))


def _steps_distance(x: np.ndarray, y: np.ndarray, nx: int, ny: int, *, shared: bool) -> float:
    """Sum over the intervals that start at a step of ``x`` (``k * ny``, ``k < nx``) of the
    width times ``|x_k - y_other|``, ``other = floor(k ny / nx)`` the index of ``y``'s quantile
    there. ``shared``: an interval that starts at a step of both samples is left out (the other
    pass counts it)."""
    plan = _step_plan(nx, ny, shared)
    if plan is None:  # every step of x is also one of y: the other pass counts them all
        return 0.0
    if plan.repeats is not None:
        # other is constant on runs of x (run j: the k in [ceil(j nx / ny), ceil((j+1) nx / ny)),
        # never empty here), so y repeated over the runs replaces a gather over the large side.
        # One buffer, reused in place: a second temporary of the large side's size costs more
        # in page faults than the arithmetic (measured 4x at 100,000 values).
        if isinstance(plan.repeats, int):  # runs of equal length: every interval ny wide
            d = _scratch(nx)
            d.reshape(ny, plan.repeats)[:] = y[:, None]
            np.subtract(x, d, out=d)
            total = _abs_sum(d) * ny
        else:
            d = np.repeat(y, plan.repeats)
            np.subtract(x, d, out=d)
            np.abs(d, out=d)
            total = float(np.sum(d)) * ny
        # every interval is ny wide except the last of each run, and none at a shared step
        if plan.at.size:
            total -= float(np.sum(plan.weight * np.abs(d[plan.at])))
        return total
    d = x - y[plan.at]
    np.abs(d, out=d)
    d *= plan.weight
    return float(np.sum(d))


def _abs_sum(d: np.ndarray) -> float:
    """``sum(|d|)`` of a float64 array from :func:`_scratch` (overwritten) in one pass (BLAS
    ``dasum``: no temporary, several accumulators; 5 us at 100,000 values where ``np.abs`` then
    ``np.sum`` take 35). Its order of summation follows the array's address: the scratch arrays
    all start on a 64-byte boundary, so the same values always give the same sum."""
    global _dasum
    if _dasum is None:
        from scipy.linalg.blas import dasum

        _dasum = dasum
    if d.size > _DASUM_MAX_N:
        np.abs(d, out=d)
        return float(np.sum(d))
    return float(_dasum(d))


def _scratch(n: int) -> np.ndarray:
    """``n`` float64 values of work space starting on a 64-byte boundary; up to
    ``_SCRATCH_KEEP`` values are kept per thread and reused (a new buffer of that size per
    column costs page faults)."""
    buf = getattr(_local, "scratch", None)
    if buf is not None and buf.size >= n:
        return buf[:n]  # type: ignore[no-any-return]
    raw = np.empty(n + 8)
    start = (-raw.ctypes.data % 64) // 8
    buf = raw[start : start + n]
    if n <= _SCRATCH_KEEP:
        _local.scratch = buf
    return buf


_dasum: Any = None
#: Longer arrays are summed by numpy: OpenBLAS splits ``dasum`` over its threads above about
#: 150,000 values (0.3.30), where the sum would then depend on the thread count and its threads
#: would compete with DriftGate's column threads (measured 1.5x slower at 1,000,000 rows).
_DASUM_MAX_N = 1 << 17
_SCRATCH_KEEP = 1 << 18
_local = threading.local()


class _StepPlan(NamedTuple):
    """What one pass of :func:`_steps_distance` needs that depends on the sizes alone.

    Large side (``repeats`` set): ``y`` is repeated ``repeats`` times (an int when the runs are
    equal), and ``weight`` is what to take off, times ``|d|``, at positions ``at`` (the end of
    a run shorter than ``ny`` wide, a step shared with ``y``). Otherwise ``at`` is ``y``'s
    quantile index at each step of ``x`` and ``weight`` the interval's width.
    """

    repeats: int | np.ndarray | None
    at: np.ndarray
    weight: np.ndarray


#: Plans over this many steps are not kept (at most 8 are, about 16 bytes a step: 16 MB in
#: all); a larger check computes its plan per column, cheap next to sorting the column.
_PLAN_CACHE_MAX_STEPS = 1 << 17


def _step_plan(nx: int, ny: int, shared: bool) -> _StepPlan | None:
    steps = ny if nx >= 2 * ny else nx  # a plan holds about this many indices and weights
    if steps <= _PLAN_CACHE_MAX_STEPS:
        return _cached_step_plan(nx, ny, shared)
    return _make_step_plan(nx, ny, shared)


def _make_step_plan(nx: int, ny: int, shared: bool) -> _StepPlan | None:
    g = math.gcd(nx, ny)
    if nx >= 2 * ny:
        repeats: int | np.ndarray
        if nx % ny == 0:  # runs of equal length, every interval ny wide
            repeats = nx // ny
            index = np.empty(0, dtype=np.int64)
            weight = np.empty(0)
        else:
            j = np.arange(ny + 1, dtype=np.int64)
            starts = (j * nx + ny - 1) // ny
            repeats = np.diff(starts)
            index = starts[1:] - 1  # the last of each run: (j + 1) nx - k ny wide
            weight = (ny - (j[1:] * nx - index * ny)).astype(float)
        if shared:  # steps of both (k ny a multiple of nx, every nx / g steps): their whole width
            both = np.arange(0, nx, nx // g, dtype=np.int64)
            index = np.concatenate((index, both))
            weight = np.concatenate((weight, _widths(both, nx, ny)[1].astype(float)))
        plan = _StepPlan(repeats, index, weight)
    else:
        if shared and ny % nx == 0:
            return None
        other, width = _widths(np.arange(nx, dtype=np.int64), nx, ny)
        if shared:
            width[:: nx // g] = 0
        plan = _StepPlan(None, other, width.astype(float))
    for arr in (plan.at, plan.weight, plan.repeats):
        if isinstance(arr, np.ndarray):
            arr.flags.writeable = False
    return plan


_cached_step_plan = functools.lru_cache(maxsize=8)(_make_step_plan)


def _widths(k: np.ndarray, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """For ``x``'s steps ``k``: ``y``'s quantile index on the interval each starts, and the
    interval's width (integer scale ``nx * ny``: to the next step of either sample)."""
    start = k * ny
    other = start // nx
    return other, np.minimum(start + ny, (other + 1) * nx) - start


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
