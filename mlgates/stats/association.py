"""Association between two columns, and the change of an association between two samples.

Kernels (arrays in, numbers out; decisions live in the gates):

==========================  ==========================  =======================================
kernel                      columns                     statistic
==========================  ==========================  =======================================
:func:`pearson`             numeric, numeric            Pearson's r
:func:`spearman`            numeric, numeric            Spearman's rho (Pearson's r of midranks)
:func:`cramers_v`           categorical, categorical    Cramér's V, bias-corrected (Bergsma 2013)
:func:`correlation_ratio`   categorical, numeric        correlation ratio eta, bias-corrected
==========================  ==========================  =======================================

The change of a correlation between a reference and a current sample is tested on Fisher's
``z = atanh(r)`` scale (:func:`correlation_change`): the variance of ``z`` is ``1 / (n - 3)``
for Pearson's r and ``(1 + r^2 / 2) / (n - 3)`` for Spearman's rho (Bonett and Wright 2000);
the interval of the difference is Zou's (2007), which combines the two samples' own
intervals. Cramér's V and the correlation ratio have no such transform: their change is
judged against its permutation distribution (:func:`permutation_change`), the rows of both
samples pooled and dealt to the two sides at random.

References
----------
Bergsma, W. (2013). A bias-correction for Cramér's V and Tschuprow's T. Journal of the Korean
Statistical Society 42(3), 323-328.
Bonett, D. G. and Wright, T. A. (2000). Sample size requirements for estimating Pearson,
Kendall and Spearman correlations. Psychometrika 65(1), 23-28.
Zou, G. Y. (2007). Toward using confidence intervals to compare correlations. Psychological
Methods 12(4), 399-413.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

__all__ = [
    "ChangeResult",
    "correlation_change",
    "correlation_ratio",
    "cramers_v",
    "pearson",
    "permutation_change",
    "spearman",
]


class ChangeResult(NamedTuple):
    """The change ``current - reference`` of an association: the two values, the change, its
    standard error, the two-sided p-value of "no change" and the interval of the change."""

    reference: float
    current: float
    change: float
    se: float
    pvalue: float
    ci_low: float
    ci_high: float


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's correlation of two equally long float arrays without NaN (NaN when either is
    constant or fewer than two values).

    Examples
    --------
    >>> round(pearson(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 4.0])), 4)
    0.8
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 2:
        return float("nan")
    dx, dy = x - x.mean(), y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denom == 0.0:
        return float("nan")
    return float(np.clip(float(dx @ dy) / denom, -1.0, 1.0))


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation: Pearson's r of the midranks (as ``scipy.stats.spearmanr``).

    Examples
    --------
    >>> spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 30.0, 20.0]))
    0.5
    """
    from scipy.stats import rankdata

    return pearson(rankdata(x), rankdata(y))


def correlation_change(
    r_reference: float,
    n_reference: int,
    r_current: float,
    n_current: int,
    *,
    rank: bool = False,
    confidence: float = 0.95,
) -> ChangeResult:
    """Test and interval of ``r_current - r_reference`` for two independent samples.

    On Fisher's scale ``z = atanh(r)`` with variance ``1 / (n - 3)`` (Pearson) or
    ``(1 + r^2 / 2) / (n - 3)`` (Spearman, ``rank=True``; Bonett and Wright 2000); the p-value
    is that of ``z_current - z_reference``, the interval Zou's (2007) on the correlation scale.
    Needs ``n > 3`` on each side.

    Examples
    --------
    >>> res = correlation_change(0.5, 200, 0.1, 200)
    >>> round(res.change, 2), res.pvalue < 0.001, res.ci_high < 0
    (-0.4, True, True)
    """
    from scipy.stats import norm

    if n_reference <= 3 or n_current <= 3:
        raise ValueError("correlation_change needs more than 3 rows on each side")
    z = float(norm.ppf(0.5 + confidence / 2))

    def var(r: float, n: int) -> float:
        return (1.0 + r * r / 2.0 if rank else 1.0) / (n - 3)

    def clipped(r: float) -> float:
        return float(np.clip(r, -0.9999999, 0.9999999))

    r1, r2 = clipped(r_reference), clipped(r_current)
    v1, v2 = var(r1, n_reference), var(r2, n_current)
    z1, z2 = math.atanh(r1), math.atanh(r2)
    se = math.sqrt(v1 + v2)
    p = float(2 * norm.sf(abs(z2 - z1) / se))
    l1, u1 = math.tanh(z1 - z * math.sqrt(v1)), math.tanh(z1 + z * math.sqrt(v1))
    l2, u2 = math.tanh(z2 - z * math.sqrt(v2)), math.tanh(z2 + z * math.sqrt(v2))
    d = r_current - r_reference
    lo = d - math.sqrt((r2 - l2) ** 2 + (u1 - r1) ** 2)
    hi = d + math.sqrt((u2 - r2) ** 2 + (r1 - l1) ** 2)
    # the standard error of the change on the correlation scale (delta method), for reports
    se_r = math.sqrt(v1 * (1 - r1 * r1) ** 2 + v2 * (1 - r2 * r2) ** 2)
    return ChangeResult(float(r_reference), float(r_current), float(d), se_r, p, max(-2.0, lo), min(2.0, hi))


def _table(a: np.ndarray, b: np.ndarray, na: int, nb: int) -> np.ndarray:
    return np.bincount(a * nb + b, minlength=na * nb).reshape(na, nb).astype(float)


def _v_from_table(table: np.ndarray, bias_corrected: bool) -> float:
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = float(table.sum())
    r, k = table.shape
    if r < 2 or k < 2 or n < 2:
        return float("nan")
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / n
    chi2 = float(((table - expected) ** 2 / expected).sum())
    phi2 = chi2 / n
    if not bias_corrected:
        return math.sqrt(phi2 / min(r - 1, k - 1))
    phi2c = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    rc = r - (r - 1) ** 2 / (n - 1)
    kc = k - (k - 1) ** 2 / (n - 1)
    denom = min(kc - 1, rc - 1)
    if denom <= 0:
        return float("nan")
    return math.sqrt(phi2c / denom)


def cramers_v(a: np.ndarray, b: np.ndarray, *, bias_corrected: bool = True) -> float:
    """Cramér's V of two integer-coded categorical arrays (codes ``>= 0``).

    ``bias_corrected=True`` applies Bergsma's (2013) correction: ``phi^2`` less its expectation
    under independence, and the table's dimensions shrunk likewise, so that independent
    columns give V near 0 at any sample size (the plain V of independent columns is about
    ``sqrt((k - 1) / n)``). NaN when either column has a single level.

    Examples
    --------
    >>> a = np.array([0, 0, 1, 1, 0, 1, 0, 1])
    >>> round(cramers_v(a, a, bias_corrected=False), 3), round(cramers_v(a, 1 - a), 3)
    (1.0, 1.0)
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if a.size == 0:
        return float("nan")
    return _v_from_table(_table(a, b, int(a.max()) + 1, int(b.max()) + 1), bias_corrected)


def _eta_from_sums(
    counts: np.ndarray, sums: np.ndarray, total: float, total_sq: float, adjusted: bool
) -> float:
    keep = counts > 0
    counts, sums = counts[keep], sums[keep]
    n = float(counts.sum())
    k = counts.size
    if n < 2 or k < 2:
        return float("nan")
    ss_total = total_sq - total * total / n
    if ss_total <= 0:
        return float("nan")
    ss_between = float((sums * sums / counts).sum()) - total * total / n
    ss_within = max(0.0, ss_total - ss_between)
    if not adjusted:
        return math.sqrt(min(1.0, max(0.0, ss_between / ss_total)))
    if n - k <= 0:
        return float("nan")
    eps2 = 1.0 - (ss_within / (n - k)) / (ss_total / (n - 1))
    return math.sqrt(min(1.0, max(0.0, eps2)))


def correlation_ratio(codes: np.ndarray, values: np.ndarray, *, adjusted: bool = True) -> float:
    """The correlation ratio eta of a numeric column on an integer-coded categorical one:
    ``sqrt(SS_between / SS_total)``.

    ``adjusted=True`` uses the unbiased ``epsilon^2 = 1 - MS_within / MS_total`` (Kelley 1935)
    in place of ``eta^2`` (clipped at 0), so that a categorical column unrelated to the values
    gives about 0 whatever its number of levels. NaN when the values are constant or there is
    one level.

    Examples
    --------
    >>> c = np.array([0, 0, 0, 1, 1, 1])
    >>> v = np.array([1.0, 2.0, 3.0, 7.0, 8.0, 9.0])
    >>> round(correlation_ratio(c, v, adjusted=False), 4), round(correlation_ratio(c, v), 4)
    (0.9649, 0.9559)
    """
    codes = np.asarray(codes, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    if codes.size == 0:
        return float("nan")
    k = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=k).astype(float)
    sums = np.bincount(codes, weights=values, minlength=k)
    return _eta_from_sums(counts, sums, float(values.sum()), float((values * values).sum()), adjusted)


def permutation_change(
    statistic: Callable[[np.ndarray], float],
    is_current: np.ndarray,
    *,
    n_resamples: int = 200,
    random_state: int = 0,
    confidence: float = 0.95,
) -> ChangeResult:
    """The change of an association between two samples, judged against its permutation
    distribution.

    ``statistic(mask)`` computes the association on the pooled rows selected by ``mask``;
    ``is_current`` marks the current rows. The side labels are permuted ``n_resamples`` times
    (seeded); the standard error of the change is the standard deviation of the permuted
    changes (its spread when both samples come from one distribution), the p-value the
    two-sided normal tail of ``change / se``, so that p-values below ``1 / n_resamples``
    remain comparable across pairs (a multiple-testing correction needs them). The interval is
    ``change +- z * se``. A permutation whose statistic is undefined (NaN) is left out.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.integers(0, 3, 600)
    >>> b = np.where(np.arange(600) < 300, a, rng.integers(0, 3, 600))  # related, then not
    >>> side = np.arange(600) >= 300
    >>> res = permutation_change(lambda m: cramers_v(a[m], b[m]), side, n_resamples=100)
    >>> round(res.reference, 2), round(res.current, 2), res.pvalue < 0.001
    (1.0, 0.0, True)
    """
    from scipy.stats import norm

    side = np.asarray(is_current, dtype=bool)
    ref, cur = statistic(~side), statistic(side)
    change = cur - ref
    rng = np.random.default_rng(random_state)
    deltas = np.empty(n_resamples)
    for i in range(n_resamples):
        perm = rng.permutation(side)
        deltas[i] = statistic(perm) - statistic(~perm)
    deltas = deltas[np.isfinite(deltas)]
    se = float(deltas.std(ddof=1)) if deltas.size >= 2 else float("nan")
    if not math.isfinite(change) or not math.isfinite(se):
        return ChangeResult(ref, cur, change, se, float("nan"), float("nan"), float("nan"))
    if se <= 0:
        p = 1.0 if change == 0 else 0.0
    else:
        p = float(2 * norm.sf(abs(change) / se))
    z = float(norm.ppf(0.5 + confidence / 2))
    return ChangeResult(ref, cur, change, se, p, change - z * se, change + z * se)
