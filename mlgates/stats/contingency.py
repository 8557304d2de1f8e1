"""Count kernels: reference vs current counts on the same bins or categories.

Re-exported by :mod:`mlgates.stats.drift` (the stable home of every drift kernel name); see its
docstring for the table of methods. The counts come from :mod:`mlgates.stats.binning`, so each
statistic is exact on counts merged from chunks.
"""

from __future__ import annotations

import math

import numpy as np

from mlgates.stats._result import DriftResult
from mlgates.stats.binning import proportions, smooth_proportions

__all__ = [
    "chisquare",
    "fisher_exact",
    "g_test",
    "hellinger",
    "jensenshannon",
    "kl_div",
    "psi",
    "sparse",
    "tvd",
    "z",
]


def _table(reference_counts: np.ndarray, current_counts: np.ndarray) -> np.ndarray:
    r = np.asarray(reference_counts, dtype=float)
    c = np.asarray(current_counts, dtype=float)
    if r.shape != c.shape or r.ndim != 1:
        raise ValueError("reference_counts and current_counts must be 1-d with the same length")
    table = np.vstack((r, c))
    return table[:, table.sum(axis=0) > 0]


def chisquare(
    reference_counts: np.ndarray,
    current_counts: np.ndarray,
    *,
    correction: bool = True,
    permutation: bool | None = None,
    random_state: int = 0,
) -> DriftResult:
    """Pearson's chi-square test of homogeneity on the 2 x k table (reference, current).

    Bins empty on both sides are dropped (they carry no information); with one degree of
    freedom Yates' continuity correction is applied when ``correction`` (as in
    ``scipy.stats.chi2_contingency``). This is a genuine two-sample test: both samples'
    sampling error enters the expected counts.

    The p-value is the chi-square distribution's unless the table is sparse (Cochran's rule:
    an expected count below 1, or more than 20% of them below 5), where that approximation
    fails; then it is a seeded permutation p-value of the same statistic
    (:func:`mlgates.stats.permutation.count_permutation_pvalue`). ``permutation=True`` or
    ``False`` forces either.

    Examples
    --------
    >>> r = chisquare(np.array([50, 30, 20]), np.array([20, 30, 50]))
    >>> round(r.statistic, 4), r.pvalue < 0.001
    (25.7143, True)
    """
    return _contingency(
        reference_counts,
        current_counts,
        correction=correction,
        log_likelihood=False,
        permutation=permutation,
        random_state=random_state,
    )


def g_test(
    reference_counts: np.ndarray,
    current_counts: np.ndarray,
    *,
    permutation: bool | None = None,
    random_state: int = 0,
) -> DriftResult:
    """G-test (log-likelihood ratio) of homogeneity on the 2 x k table; no continuity correction.

    As for :func:`chisquare`, a sparse table (Cochran's rule) gets a permutation p-value: the
    G-test's chi-square approximation is anti-conservative there (about 9% false alarms at
    nominal 5% on a 16-category column of 180 and 120 rows).

    Examples
    --------
    >>> r = g_test(np.array([50, 30, 20]), np.array([20, 30, 50]))
    >>> round(r.statistic, 4)
    26.5657
    """
    return _contingency(
        reference_counts,
        current_counts,
        correction=False,
        log_likelihood=True,
        permutation=permutation,
        random_state=random_state,
    )


def sparse(expected: np.ndarray) -> bool:
    """Cochran's rule fails: an expected count below 1, or more than 20% of them below 5."""
    e = np.asarray(expected, dtype=float).ravel()
    return bool(e.size and (e.min() < 1.0 or float(np.mean(e < 5.0)) > 0.2))


def _contingency_stats(
    ref: np.ndarray, cur: np.ndarray, *, correction: bool, log_likelihood: bool
) -> np.ndarray:
    """The statistic of B tables at once: ``ref`` and ``cur`` of shape (B, k)."""
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    cols = ref + cur
    n1 = ref.sum(axis=1, keepdims=True)
    n2 = cur.sum(axis=1, keepdims=True)
    total = n1 + n2
    observed = np.stack((ref, cur))
    expected = np.stack((n1 * cols / total, n2 * cols / total))
    if ref.shape[1] == 2 and correction:
        diff = expected - observed
        observed = observed + np.minimum(0.5, np.abs(diff)) * np.sign(diff)
    if log_likelihood:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
        return np.asarray(2.0 * terms.sum(axis=(0, 2)))
    return np.asarray(((observed - expected) ** 2 / expected).sum(axis=(0, 2)))


def _contingency(
    ref: np.ndarray,
    cur: np.ndarray,
    *,
    correction: bool,
    log_likelihood: bool,
    permutation: bool | None = None,
    random_state: int = 0,
) -> DriftResult:
    from functools import partial

    from scipy import special

    table = _table(ref, cur)
    if table.shape[1] < 2 or np.any(table.sum(axis=1) == 0):
        return DriftResult(0.0, 1.0)
    stat_fn = partial(_contingency_stats, correction=correction, log_likelihood=log_likelihood)
    stat = float(stat_fn(table[0][None, :], table[1][None, :])[0])
    dof = table.shape[1] - 1
    if permutation is None:
        expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
        permutation = sparse(expected)
    if permutation:
        from mlgates.stats.permutation import count_permutation_pvalue

        counts = np.rint(table).astype(np.int64)
        p = count_permutation_pvalue(counts[0], counts[1], stat_fn, random_state=random_state)
        return DriftResult(stat, float(p))
    return DriftResult(stat, float(special.chdtrc(dof, stat)))


def z(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Two-proportion z-test (pooled variance) on the share of the first of two categories.

    The statistic is ``(p_ref - p_cur) / sqrt(p (1 - p) (1/n_ref + 1/n_cur))``; the p-value is
    two-sided. When both samples hold one and the same category, z = 0 and p = 1.

    Examples
    --------
    >>> r = z(np.array([60, 40]), np.array([40, 60]))
    >>> round(r.statistic, 4), round(r.pvalue, 5)
    (2.8284, 0.00468)
    """
    from scipy import special

    r = np.asarray(reference_counts, dtype=float)
    c = np.asarray(current_counts, dtype=float)
    if r.shape != (2,) or c.shape != (2,):
        raise ValueError("z needs counts of exactly two categories per side")
    n1, n2 = r.sum(), c.sum()
    if n1 == 0 or n2 == 0:
        raise ValueError("z needs at least one value per side")
    p1, p2 = r[0] / n1, c[0] / n2
    pooled = (r[0] + c[0]) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return DriftResult(0.0, 1.0)
    zval = float((p1 - p2) / math.sqrt(var))
    return DriftResult(zval, float(2.0 * special.ndtr(-abs(zval))))


def fisher_exact(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Fisher's exact test on the 2 x 2 table ``[reference_counts, current_counts]`` (two-sided).

    The statistic is the sample odds ratio ``(r0 * c1) / (r1 * c0)``. The two-sided p-value sums
    the probabilities of all tables (same margins) no more likely than the observed one. A table
    with an empty row or column gives (NaN, 1.0), as in scipy.

    Examples
    --------
    >>> r = fisher_exact(np.array([8, 2]), np.array([1, 5]))
    >>> round(r.statistic, 1), round(r.pvalue, 4)
    (20.0, 0.0350)
    """
    from scipy.stats import hypergeom

    r = np.asarray(reference_counts, dtype=np.int64)
    c = np.asarray(current_counts, dtype=np.int64)
    if r.shape != (2,) or c.shape != (2,):
        raise ValueError("fisher_exact needs counts of exactly two categories per side")
    t = np.vstack((r, c))
    if np.any(t.sum(axis=0) == 0) or np.any(t.sum(axis=1) == 0):
        return DriftResult(math.nan, 1.0)
    if t[1, 0] > 0 and t[0, 1] > 0:
        odds = float(t[0, 0] * t[1, 1]) / float(t[1, 0] * t[0, 1])
    else:
        odds = math.inf
    n1, n2, n = int(t[0].sum()), int(t[1].sum()), int(t[0, 0] + t[1, 0])
    dist = hypergeom(n1 + n2, n1, n)
    x = int(t[0, 0])
    lo, hi = max(0, n - n2), min(n, n1)
    support = np.arange(lo, hi + 1)
    pmf = dist.pmf(support)
    p_obs = float(dist.pmf(x))
    limit = p_obs * (1 + 1e-14)
    mode = int(support[np.argmax(pmf)])
    if abs(p_obs - float(pmf.max())) <= 1e-14 * max(p_obs, float(pmf.max())):
        return DriftResult(odds, 1.0)
    if x < mode:
        upper = support[(support > mode) & (pmf <= limit)]
        p = float(dist.cdf(x)) + (float(dist.sf(upper[0] - 1)) if upper.size else 0.0)
    else:
        lower = support[(support < mode) & (pmf <= limit)]
        p = float(dist.sf(x - 1)) + (float(dist.cdf(lower[-1])) if lower.size else 0.0)
    return DriftResult(odds, min(p, 1.0))


def psi(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Population stability index ``sum((p_ref - p_cur) * ln(p_ref / p_cur))`` on smoothed
    proportions (see :func:`mlgates.stats.binning.smooth_proportions`).

    Examples
    --------
    >>> round(psi(np.array([50, 50]), np.array([40, 60])).statistic, 6)
    0.040547
    """
    p = smooth_proportions(proportions(reference_counts))
    q = smooth_proportions(proportions(current_counts))
    return DriftResult(float(np.sum((p - q) * np.log(p / q))), None)


def kl_div(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Kullback-Leibler divergence KL(reference || current) in nats, on smoothed proportions
    renormalized to sum to 1 (as ``scipy.stats.entropy`` does).

    Examples
    --------
    >>> round(kl_div(np.array([50, 50]), np.array([40, 60])).statistic, 6)
    0.020411
    """
    p = smooth_proportions(proportions(reference_counts))
    q = smooth_proportions(proportions(current_counts))
    p, q = p / p.sum(), q / q.sum()
    return DriftResult(float(np.sum(p * np.log(p / q))), None)


def jensenshannon(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Jensen-Shannon distance (square root of the divergence, natural log), no smoothing.

    Examples
    --------
    >>> round(jensenshannon(np.array([1, 0]), np.array([0, 1])).statistic, 6)
    0.832555
    """
    p = proportions(reference_counts)
    q = proportions(current_counts)
    m = (p + q) / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        kp = np.where(p > 0, p * np.log(p / m), 0.0)
        kq = np.where(q > 0, q * np.log(q / m), 0.0)
    js = float(np.sum(kp) + np.sum(kq)) / 2.0
    return DriftResult(math.sqrt(max(js, 0.0)), None)


def hellinger(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Hellinger distance ``sqrt(1 - sum(sqrt(p_ref * p_cur)))`` in [0, 1], no smoothing.

    Computed as ``sqrt(sum((sqrt(p_ref) - sqrt(p_cur))^2) / 2)``, the same quantity without the
    cancellation (identical distributions give exactly 0).

    Examples
    --------
    >>> hellinger(np.array([1, 0]), np.array([0, 1])).statistic
    1.0
    """
    p = proportions(reference_counts)
    q = proportions(current_counts)
    return DriftResult(min(math.sqrt(0.5 * float(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2))), 1.0), None)


def tvd(reference_counts: np.ndarray, current_counts: np.ndarray) -> DriftResult:
    """Total variation distance ``0.5 * sum(|p_ref - p_cur|)`` in [0, 1].

    Examples
    --------
    >>> tvd(np.array([50, 50]), np.array([40, 60])).statistic
    0.1
    """
    p = proportions(reference_counts)
    q = proportions(current_counts)
    return DriftResult(float(0.5 * np.sum(np.abs(p - q))), None)
