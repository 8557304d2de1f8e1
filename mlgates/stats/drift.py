"""Two-sample drift kernels: reference vs current, one column (or a matrix for MMD).

Every kernel is a plain function returning :class:`DriftResult` ``(statistic, pvalue)`` with
``pvalue=None`` for distances. Kernel names are a stable public contract (the gates' ``method``
names are the same strings):

=====================  =========================  ==========  =====================================
kernel                 input                      p-value     statistic
=====================  =========================  ==========  =====================================
``ks``                 numeric samples            yes         two-sample Kolmogorov-Smirnov D
``wasserstein``        numeric samples            no          W1 / max(std_ref, 0.001) (normed)
``energy``             numeric samples            no          energy distance (scipy's definition)
``anderson``           numeric samples            yes         k-sample Anderson-Darling (midrank)
``cramer_von_mises``   numeric samples            yes         two-sample Cramer-von Mises T
``mannwhitneyu``       numeric samples            yes         Mann-Whitney U of the reference
``t_test``             numeric samples            yes         Welch's t (``equal_var=False``)
``empirical_mmd``      numeric samples / matrices yes         unbiased MMD^2, RBF kernel
``chisquare``          counts per bin/category    yes         chi-square on the 2 x k table
``g_test``             counts per bin/category    yes         G (log-likelihood ratio) on 2 x k
``z``                  counts of 2 categories     yes         two-proportion z (pooled)
``fisher_exact``       counts of 2 categories     yes         odds ratio of the 2 x 2 table
``psi``                counts per bin/category    no          population stability index
``kl_div``             counts per bin/category    no          KL(reference || current)
``jensenshannon``      counts per bin/category    no          Jensen-Shannon distance (base e)
``hellinger``          counts per bin/category    no          Hellinger distance
``tvd``                counts per bin/category    no          total variation distance
=====================  =========================  ==========  =====================================

Sample kernels take 1-d float arrays without NaN; pass ``presorted=True`` when both are
already sorted ascending (the gate sorts each column once and shares the sorted arrays).
Count kernels take the reference's and current's counts on the same bins (see
:mod:`mlgates.stats.binning`), so they are exact on counts merged from chunks.

p-values: ``ks`` is exact when both samples have at most 10,000 values (computed by
``scipy.stats.ks_2samp``, as scipy's ``method="auto"`` does) and uses Smirnov's asymptotic
distribution (``kstwo``) otherwise; ``mannwhitneyu`` is the normal approximation with tie and
continuity correction; ``cramer_von_mises`` the asymptotic distribution (Csorgo and Faraway 1996);
``anderson`` is interpolated in Scholz and Stephens' (1987) table and therefore capped to
[0.001, 0.25]; ``empirical_mmd`` a seeded permutation test.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from mlgates.stats._result import DriftResult
from mlgates.stats.contingency import (
    chisquare,
    fisher_exact,
    g_test,
    hellinger,
    jensenshannon,
    kl_div,
    psi,
    tvd,
    z,
)

__all__ = [
    "COUNT_KERNELS",
    "DISTANCE_METHODS",
    "PVALUE_METHODS",
    "SAMPLE_KERNELS",
    "DriftResult",
    "anderson",
    "chisquare",
    "cramer_von_mises",
    "empirical_mmd",
    "energy",
    "fisher_exact",
    "g_test",
    "hellinger",
    "jensenshannon",
    "kl_div",
    "ks",
    "mannwhitneyu",
    "psi",
    "t_test",
    "tvd",
    "wasserstein",
    "z",
]


SAMPLE_KERNELS = (
    "ks",
    "wasserstein",
    "energy",
    "anderson",
    "cramer_von_mises",
    "mannwhitneyu",
    "t_test",
    "empirical_mmd",
)
COUNT_KERNELS = (
    "chisquare",
    "g_test",
    "z",
    "fisher_exact",
    "psi",
    "kl_div",
    "jensenshannon",
    "hellinger",
    "tvd",
)
PVALUE_METHODS = (
    "ks",
    "anderson",
    "cramer_von_mises",
    "mannwhitneyu",
    "t_test",
    "empirical_mmd",
    "chisquare",
    "g_test",
    "z",
    "fisher_exact",
)
DISTANCE_METHODS = ("wasserstein", "energy", "psi", "kl_div", "jensenshannon", "hellinger", "tvd")


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


# -- numeric sample kernels -------------------------------------------------------------------
def ks(reference: np.ndarray, current: np.ndarray, *, presorted: bool = False) -> DriftResult:
    """Two-sample Kolmogorov-Smirnov test (two-sided).

    Examples
    --------
    >>> r = ks(np.arange(100.0), np.arange(50.0, 150.0))
    >>> round(r.statistic, 3), r.pvalue < 0.001
    (0.5, True)
    """
    from scipy import stats

    a, b = _pair(reference, current, presorted)
    pooled, scaled = _cdf_steps(a, b)
    ends = np.flatnonzero(pooled[1:] != pooled[:-1])  # last position of each tie group but the final
    d = max(float(np.max(np.abs(scaled[ends]))) if ends.size else 0.0, float(abs(scaled[-1])))
    d /= float(a.size) * float(b.size)
    if max(a.size, b.size) <= 10_000:
        with warnings.catch_warnings():  # scipy falls back to asymp itself when exact fails
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(stats.ks_2samp(a, b, method="auto").pvalue)
    else:
        m, n = sorted((float(a.size), float(b.size)), reverse=True)
        p = float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))
    return DriftResult(d, p)


def wasserstein(
    reference: np.ndarray, current: np.ndarray, *, normed: bool = True, presorted: bool = False
) -> DriftResult:
    """First Wasserstein distance, divided by ``max(std(reference), 0.001)`` when ``normed``.

    The population standard deviation (``ddof=0``) of the reference is the unit, as in
    Evidently's ``wasserstein`` test, so a value of 0.1 means "moved a tenth of a standard
    deviation".

    Examples
    --------
    >>> round(wasserstein(np.array([0.0, 2.0]), np.array([1.0, 3.0])).statistic, 6)
    1.0
    """
    a, b = _pair(reference, current, presorted)
    w = _quantile_distance(a, b)
    if normed:
        w /= max(float(np.std(a)), 0.001)
    return DriftResult(w, None)


def energy(reference: np.ndarray, current: np.ndarray, *, presorted: bool = False) -> DriftResult:
    """Energy distance ``sqrt(2 * integral (F - G)^2)`` (scipy's ``energy_distance``), unnormed.

    Examples
    --------
    >>> round(energy(np.array([0.0]), np.array([1.0])).statistic, 6)
    1.414214
    """
    a, b = _pair(reference, current, presorted)
    pooled, scaled = _cdf_steps(a, b)
    gaps = np.diff(pooled)
    del pooled
    diff = scaled[:-1] / (float(a.size) * float(b.size))
    del scaled
    np.multiply(diff, diff, out=diff)
    np.multiply(gaps, diff, out=gaps)
    e = math.sqrt(2.0) * math.sqrt(float(np.sum(gaps)))
    return DriftResult(e, None)


def mannwhitneyu(reference: np.ndarray, current: np.ndarray, *, presorted: bool = False) -> DriftResult:
    """Mann-Whitney U test, two-sided, normal approximation with tie and continuity correction.

    The statistic is U of the reference sample (scipy's ``mannwhitneyu(...).statistic``).

    Examples
    --------
    >>> r = mannwhitneyu(np.arange(30.0), np.arange(30.0) + 0.5)
    >>> r.statistic, round(r.pvalue, 4)
    (435.0, 0.8303)
    """
    from scipy import special

    a, b = _pair(reference, current, presorted)
    n1, n2 = a.size, b.size
    n = n1 + n2
    pooled = _merge(a, b)
    r1 = float(np.sum(_midranks(pooled, a)))
    u1 = r1 - n1 * (n1 + 1) / 2.0
    u = max(u1, n1 * n2 - u1)
    t = _tie_sizes(pooled).astype(float)
    tie_term = float(np.sum(t**3 - t))
    s = math.sqrt(n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))) if n > 1 else 0.0
    if s == 0.0:
        return DriftResult(u1, 1.0)
    zval = (u - n1 * n2 / 2.0 - 0.5) / s
    p = float(np.clip(2.0 * special.ndtr(-zval), 0.0, 1.0))
    return DriftResult(u1, p)


def t_test(reference: np.ndarray, current: np.ndarray, *, equal_var: bool = False) -> DriftResult:
    """Two-sample t-test of equal means; Welch's (unequal variances) by default.

    Examples
    --------
    >>> r = t_test(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 3.0, 4.0, 5.0]))
    >>> round(r.statistic, 4), round(r.pvalue, 4)
    (-1.0954, 0.3153)
    """
    from scipy import special

    a = np.asarray(reference, dtype=float)
    b = np.asarray(current, dtype=float)
    n1, n2 = a.size, b.size
    if n1 < 2 or n2 < 2:
        raise ValueError("t_test needs at least 2 values on each side")
    v1, v2 = float(np.var(a, ddof=1)), float(np.var(b, ddof=1))
    diff = float(np.mean(a) - np.mean(b))
    if equal_var:
        df = n1 + n2 - 2.0
        sp = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
        se2 = sp * (1.0 / n1 + 1.0 / n2)
    else:
        q1, q2 = v1 / n1, v2 / n2
        se2 = q1 + q2
        df = se2**2 / (q1**2 / (n1 - 1) + q2**2 / (n2 - 1)) if se2 > 0 else 1.0
    if se2 == 0.0:
        return DriftResult(0.0 if diff == 0 else math.copysign(math.inf, diff), 1.0 if diff == 0 else 0.0)
    t = diff / math.sqrt(se2)
    p = float(2.0 * special.stdtr(df, -abs(t)))
    return DriftResult(t, min(p, 1.0))


def cramer_von_mises(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    presorted: bool = False,
    permutation: bool | None = None,
    random_state: int = 0,
) -> DriftResult:
    """Two-sample Cramer-von Mises test (Anderson 1962).

    The statistic is ``T = nx ny / N^2 * sum_k (F_x(z_k) - F_y(z_k))^2`` over the ``N`` pooled
    values ``z_k`` with right-continuous empirical CDFs: Anderson's rank form without ties, and
    the same CDF distance with them (a rank formula with mid-ranks, as in scipy's
    ``cramervonmises_2samp``, inflates ``T`` on tied data: a column that is mostly zeros
    flagged nine splits in ten of one table). The p-value is the asymptotic one (Csorgo and
    Faraway 1996) without ties; with heavy ties (tie share ``sum(t^3 - t) / (N^3 - N)`` above
    1e-5, a tie group of about 2% of the values) the continuous null distribution no longer
    holds, so it is a seeded permutation p-value on the counts per distinct value
    (:mod:`mlgates.stats.permutation`). ``permutation=True`` or ``False`` forces either.

    Examples
    --------
    >>> r = cramer_von_mises(np.arange(50.0), np.arange(50.0) + 25)
    >>> round(r.statistic, 4), r.pvalue < 0.01
    (4.1675, True)
    """
    a, b = _pair(reference, current, presorted)
    nx, ny = a.size, b.size
    if nx < 2 or ny < 2:
        raise ValueError("cramer_von_mises needs at least 2 values on each side")
    pooled, scaled = _cdf_steps(a, b)
    # inside a group of tied values the running sum is partial: every position of the group
    # takes the value at its last position (the right-continuous CDFs at that value)
    last = np.flatnonzero(np.r_[pooled[1:] != pooled[:-1], True])
    size = np.diff(np.r_[-1, last])
    diff = scaled[last].astype(float) / (float(nx) * float(ny))
    k, n = nx * ny, nx + ny
    t = float(k) / float(n) ** 2 * float(np.sum(size * diff * diff))
    if permutation or (permutation is None and _heavily_tied(size, n) and _affordable(last.size)):
        from mlgates.stats.permutation import count_permutation_pvalue

        ref_counts, cur_counts = _counts_on(pooled[last], a, b)
        p = count_permutation_pvalue(ref_counts, cur_counts, _cvm_counts, random_state=random_state)
        return DriftResult(float(t), float(p))
    et = (1 + 1 / n) / 6
    vt = (n + 1) * (4 * k * n - 3 * (nx**2 + ny**2) - 2 * k) / (45 * n**2 * 4 * k)
    tn = 1 / 6 + (t - et) / math.sqrt(45 * vt)
    p = 1.0 if tn < 0.003 else max(1.0 - _cvm_limit_cdf(tn), 0.0)
    return DriftResult(float(t), float(p))


#: Tie share ``sum(t^3 - t) / (N^3 - N)`` above which CDF tests get permutation p-values (a
#: tie group of about 2% of the values; a few duplicated values leave the asymptotics intact).
TIE_SHARE = 1e-5


def _heavily_tied(group_sizes: np.ndarray, n: int) -> bool:
    t = np.asarray(group_sizes, dtype=float)
    return bool(n > 1 and float(np.sum(t**3 - t)) / (float(n) ** 3 - n) > TIE_SHARE)


def _affordable(k: int) -> bool:
    """Permutation p-values on ``k`` distinct values get at least 99 draws within the budget."""
    from mlgates.stats.permutation import BUDGET

    return k * 99 <= BUDGET


def _counts_on(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of the sorted samples ``a`` and ``b`` on the sorted distinct ``values``."""

    def count(x: np.ndarray) -> np.ndarray:
        return np.searchsorted(x, values, side="right") - np.searchsorted(x, values, side="left")

    return count(a), count(b)


def _cvm_counts(ref: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """Cramer-von Mises T of B samples given as counts (B, k) on sorted distinct values."""
    nx = ref.sum(axis=1, keepdims=True).astype(float)
    ny = cur.sum(axis=1, keepdims=True).astype(float)
    diff = np.cumsum(ref, axis=1) / nx - np.cumsum(cur, axis=1) / ny
    t = nx[:, 0] * ny[:, 0] / (nx[:, 0] + ny[:, 0]) ** 2
    return np.asarray(t * ((ref + cur) * diff * diff).sum(axis=1))


def _cvm_limit_cdf(x: float) -> float:
    """CDF of the limiting Cramer-von Mises distribution (Csorgo and Faraway 1996, eq. 1.2)."""
    from scipy import special

    total, k = 0.0, 0
    while True:
        y = 4 * k + 1
        q = y * y / (16 * x)
        coef = math.exp(special.gammaln(k + 0.5) - special.gammaln(k + 1)) / (math.pi**1.5 * math.sqrt(x))
        term = coef * math.sqrt(y) * math.exp(-q) * float(special.kv(0.25, q))
        total += term
        k += 1
        if abs(term) < 1e-7 or k > 200:
            return total


# Scholz and Stephens (1987), Table 2: interpolation coefficients of the critical values.
_AD_SIG = np.array([0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001])
_AD_B0 = np.array([0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085])
_AD_B1 = np.array([-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615])
_AD_B2 = np.array([-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154])


def anderson(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    presorted: bool = False,
    permutation: bool | None = None,
    random_state: int = 0,
) -> DriftResult:
    """k-sample Anderson-Darling test with k = 2 (Scholz and Stephens 1987, midrank version).

    The statistic is the standardized A2; without ties the p-value is interpolated in the
    published table and therefore limited to [0.001, 0.25] (as in
    ``scipy.stats.anderson_ksamp``). With heavy ties (as for :func:`cramer_von_mises`) that
    table's null distribution does not hold (about 9% false alarms at nominal 5% on sklearn's
    digits pixels), so the p-value is a seeded permutation p-value on the counts per distinct
    value
    (:mod:`mlgates.stats.permutation`). ``permutation=True`` or ``False`` forces either.

    Examples
    --------
    >>> r = anderson(np.arange(50.0), np.arange(50.0) + 25)
    >>> round(r.statistic, 3), r.pvalue
    (27.482, 0.001)
    """
    a, b = _pair(reference, current, presorted)
    pooled = _merge(a, b)
    n_total = pooled.size
    if n_total < 4:
        raise ValueError("anderson needs at least 4 values in total")
    distinct = np.unique(pooled)
    if distinct.size < 2:
        raise ValueError("anderson needs more than one distinct value")
    left = np.searchsorted(pooled, distinct, side="left")
    lj = np.searchsorted(pooled, distinct, side="right") - left
    bj = left + lj / 2.0
    denom = bj * (n_total - bj) - n_total * lj / 4.0
    a2kn = 0.0
    for s in (a, b):
        right = np.searchsorted(s, distinct, side="right")
        mij = right - (right - np.searchsorted(s, distinct, side="left")) / 2.0
        inner = lj / float(n_total) * (n_total * mij - bj * s.size) ** 2 / denom
        a2kn += float(inner.sum()) / s.size
    a2kn *= (n_total - 1.0) / n_total
    k = 2
    sizes = np.array([a.size, b.size], dtype=float)
    big_h = float((1.0 / sizes).sum())
    hs_cs = np.cumsum(1.0 / np.arange(n_total - 1, 1, -1))
    h = float(hs_cs[-1]) + 1 if hs_cs.size else 1.0
    g = float((hs_cs / np.arange(2, n_total)).sum())
    ca = (4 * g - 6) * (k - 1) + (10 - 6 * g) * big_h
    cb = (2 * g - 4) * k**2 + 8 * h * k + (2 * g - 14 * h - 4) * big_h - 8 * h + 4 * g - 6
    cc = (6 * h + 2 * g - 2) * k**2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * big_h + 4 * h
    cd = (2 * h + 6) * k**2 - 4 * h * k
    nn = float(n_total)
    sigmasq = (ca * nn**3 + cb * nn**2 + cc * nn + cd) / ((nn - 1.0) * (nn - 2.0) * (nn - 3.0))
    m = k - 1
    a2 = (a2kn - m) / math.sqrt(sigmasq)
    if permutation or (permutation is None and _heavily_tied(lj, n_total) and _affordable(distinct.size)):
        from functools import partial

        from mlgates.stats.permutation import count_permutation_pvalue

        ref_counts, cur_counts = _counts_on(distinct, a, b)
        stat = partial(_ad_counts, lj=lj.astype(float), bj=bj, denom=denom)
        p = count_permutation_pvalue(ref_counts, cur_counts, stat, random_state=random_state)
        return DriftResult(float(a2), float(p))
    critical = _AD_B0 + _AD_B1 / math.sqrt(m) + _AD_B2 / m
    if a2 < critical.min():
        p = float(_AD_SIG.max())
    elif a2 > critical.max():
        p = float(_AD_SIG.min())
    else:
        fit = np.polyfit(critical, np.log(_AD_SIG), 2)
        p = math.exp(float(np.polyval(fit, a2)))
    return DriftResult(float(a2), p)


def _ad_counts(
    ref: np.ndarray, cur: np.ndarray, *, lj: np.ndarray, bj: np.ndarray, denom: np.ndarray
) -> np.ndarray:
    """Scholz and Stephens' midrank A2akN of B samples given as counts (B, k) on the distinct
    values (``lj``, ``bj`` and ``denom`` depend on the pooled sample only)."""
    n_total = float(lj.sum())
    total = np.zeros(ref.shape[0])
    for s in (ref, cur):
        size = s.sum(axis=1, keepdims=True).astype(float)
        mij = np.cumsum(s, axis=1) - s / 2.0
        inner = lj / n_total * (n_total * mij - bj * size) ** 2 / denom
        total += inner.sum(axis=1) / size[:, 0]
    return total * (n_total - 1.0) / n_total


#: Absolute tolerance (relative above 1) under which a permuted MMD^2 counts as equal to the
#: observed one. Rounding error of the kernel sums is below 1e-12 at the largest sample the
#: kernel uses (2 x 1000 rows); distinct permutation statistics differ by more than 1e-8 there.
MMD_TIE_TOLERANCE = 1e-10


def empirical_mmd(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    n_permutations: int = 200,
    max_samples: int = 1000,
    random_state: int = 0,
) -> DriftResult:
    """Maximum mean discrepancy with a Gaussian (RBF) kernel and a permutation p-value.

    The statistic is the unbiased estimate of MMD^2 (Gretton et al. 2012) with the bandwidth
    set by the median heuristic (median pairwise Euclidean distance of the pooled sample).
    The kernel matrix is quadratic in the sample size, so each side is first subsampled
    without replacement to at most ``max_samples`` rows (seeded by ``random_state`` and the
    data, so sorted inputs do not always keep the same ranks); the
    p-value is ``(1 + #{permuted >= observed}) / (1 + n_permutations)``, where "greater or
    equal" allows a rounding tolerance of :data:`MMD_TIE_TOLERANCE` (permutations that give the
    same statistic in exact arithmetic differ in the last bits of a floating-point sum; without
    the tolerance they would be split at random and identical samples would not get p = 1).

    Parameters
    ----------
    reference, current : array-like
        1-d samples or 2-d matrices (rows are observations) with the same number of columns.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> empirical_mmd(rng.normal(0, 1, 200), rng.normal(1, 1, 200)).pvalue < 0.01
    True
    """
    x = np.asarray(reference, dtype=float)
    y = np.asarray(current, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    if x.shape[0] < 2 or y.shape[0] < 2 or x.shape[1] != y.shape[1]:
        raise ValueError("empirical_mmd needs >= 2 rows per side and the same number of columns")
    rng = np.random.default_rng(random_state)
    if x.shape[0] > max_samples or y.shape[0] > max_samples:
        # The subsample's positions depend on the data as well as the seed: on sorted inputs
        # (the gate passes each side sorted) a seed alone picks the same ranks for every
        # pair of samples, a fixed and possibly lopsided choice of quantiles that flagged up
        # to 40% of random splits of one table at alpha 0.05.
        import hashlib

        digest = hashlib.blake2b(x.tobytes() + y.tobytes(), digest_size=8).digest()
        sub = np.random.default_rng([random_state, int.from_bytes(digest, "little")])
        if x.shape[0] > max_samples:
            x = x[sub.choice(x.shape[0], max_samples, replace=False)]
        if y.shape[0] > max_samples:
            y = y[sub.choice(y.shape[0], max_samples, replace=False)]
    z = np.vstack((x, y))
    sq = np.sum(z * z, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (z @ z.T), 0.0)
    n = z.shape[0]
    off = d2[np.triu_indices(n, k=1)]
    sigma = float(np.sqrt(np.median(off))) if off.size else 1.0
    if not sigma > 0:
        sigma = 1.0
    kmat = np.exp(-d2 / (2.0 * sigma * sigma))
    np.fill_diagonal(kmat, 0.0)
    nx, ny = x.shape[0], y.shape[0]

    def stat(ind: np.ndarray) -> np.ndarray:
        # ind: (n, P) 0/1 membership of the reference side
        kx = kmat @ ind
        sxx = np.sum(ind * kx, axis=0)
        total = kmat.sum()
        row = kmat.sum(axis=1)
        sxy = row @ ind - sxx  # sum over x-rows of K(x, y) for y outside
        syy = total - 2.0 * sxy - sxx
        return sxx / (nx * (nx - 1)) + syy / (ny * (ny - 1)) - 2.0 * sxy / (nx * ny)

    observed = np.zeros((n, 1))
    observed[:nx] = 1.0
    obs = float(stat(observed)[0])
    perms = np.zeros((n, n_permutations))
    for j in range(n_permutations):  # n_permutations index draws; the heavy work is one matmul
        perms[rng.permutation(n)[:nx], j] = 1.0
    null = stat(perms) if n_permutations else np.empty(0)
    p = (1.0 + float(np.sum(null >= obs - MMD_TIE_TOLERANCE * max(1.0, abs(obs))))) / (1.0 + n_permutations)
    return DriftResult(obs, p)
