"""Drift kernels of :mod:`mlgates.stats.drift` with exact or tabled null distributions:
Cramér-von Mises, Anderson-Darling (k samples) and the empirical MMD."""

from __future__ import annotations

import math

import numpy as np

from mlgates.stats._result import DriftResult
from mlgates.stats._two_sample import _cdf_steps, _merge, _pair


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
