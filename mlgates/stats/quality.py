"""Kernels of the data-quality family: outlier fences, outside-bound counts, univariate
predictive power. Arrays in, plain numbers out; decisions live in :mod:`mlgates.gates.quality`."""

from __future__ import annotations

import numpy as np

__all__ = [
    "auc_lower_bound",
    "iqr_fences",
    "outside_counts",
    "robust_z_fences",
    "spearman_abs",
    "spearman_lower_bound",
    "univariate_auc",
]


def outside_counts(
    values: np.ndarray, low: float | None, high: float | None, *, inclusive: str = "both"
) -> tuple[int, int, np.ndarray]:
    """Counts of non-NaN values below ``low`` and above ``high``, and the mask of either.

    ``inclusive`` says which bounds are allowed values: ``"both"``, ``"left"``, ``"right"``,
    ``"neither"``.

    Examples
    --------
    >>> import numpy as np
    >>> below, above, _ = outside_counts(np.array([0.0, 1.0, 2.0, np.nan]), 1.0, 2.0, inclusive="left")
    >>> below, above
    (1, 1)
    """
    below = np.zeros(values.shape, dtype=bool)
    above = np.zeros(values.shape, dtype=bool)
    if low is not None:
        below = values < low if inclusive in ("both", "left") else values <= low
    if high is not None:
        above = values > high if inclusive in ("both", "right") else values >= high
    if low is not None and high is not None and low >= high:
        above = above & ~below  # an empty open interval counts a value once
    mask = below | above
    return int(below.sum()), int(above.sum()), mask


def iqr_fences(values: np.ndarray, factor: float) -> tuple[float, float]:
    """Tukey fences ``(q1 - factor * iqr, q3 + factor * iqr)`` of the finite values.

    Examples
    --------
    >>> iqr_fences(np.arange(1.0, 9.0), 1.5)
    (-2.5, 11.5)
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    q1, q3 = np.percentile(finite, [25, 75])
    iqr = q3 - q1
    return (float(q1 - factor * iqr), float(q3 + factor * iqr))


def robust_z_fences(values: np.ndarray, factor: float) -> tuple[float, float]:
    """Bounds where the robust z-score ``0.6745 * (x - median) / MAD`` reaches ``±factor``
    (Iglewicz and Hoaglin, 1993).

    Examples
    --------
    >>> lo, hi = robust_z_fences(np.array([1.0, 2.0, 3.0, 4.0, 100.0]), 3.5)
    >>> round(lo, 3), round(hi, 3)
    (-2.189, 8.189)
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    med = float(np.median(finite))
    mad = float(np.median(np.abs(finite - med)))
    half = factor * mad / 0.6745
    return (med - half, med + half)


def _ranks(values: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return np.asarray(rankdata(values, method="average"), dtype="float64")


def univariate_auc(score: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC of ``score`` for the boolean label ``positive`` (Mann-Whitney form, ties
    counted half); NaN when a class is absent.

    Examples
    --------
    >>> univariate_auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True]))
    0.75
    """
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = _ranks(score)
    u = ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def spearman_abs(x: np.ndarray, y: np.ndarray) -> float:
    """Absolute Spearman rank correlation (NaN when either side is constant).

    Examples
    --------
    >>> spearman_abs(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0]))
    1.0
    """
    rx, ry = _ranks(x), _ranks(y)
    rx -= rx.mean()
    ry -= ry.mean()
    denom = float(np.sqrt((rx * rx).sum() * (ry * ry).sum()))
    if denom == 0.0:
        return float("nan")
    return float(abs((rx * ry).sum()) / denom)


def _hanley_mcneil_se(auc: float, n_pos: int, n_neg: int) -> float:
    """Standard error of an AUC under Hanley and McNeil's (1982) exponential model."""
    q1 = auc / (2.0 - auc)
    q2 = 2.0 * auc * auc / (1.0 + auc)
    var = (auc * (1.0 - auc) + (n_pos - 1) * (q1 - auc * auc) + (n_neg - 1) * (q2 - auc * auc)) / (
        n_pos * n_neg
    )
    return float(np.sqrt(max(var, 0.0)))


def auc_lower_bound(auc: float, n_pos: int, n_neg: int, alpha: float = 0.05) -> float:
    """One-sided ``1 - alpha`` lower confidence bound of an AUC in [0.5, 1]: the smallest
    ``a0`` that a one-sided score test ``(auc - a0) / se(a0) <= z_(1-alpha)`` does not reject,
    with Hanley and McNeil's (1982) standard error evaluated at ``a0`` (as the Wilson interval
    evaluates a proportion's variance under the null), so a perfect split on few rows keeps a
    wide bound.

    Examples
    --------
    >>> round(auc_lower_bound(1.0, 10, 10), 3)  # a perfect split of 20 rows
    0.855
    >>> round(auc_lower_bound(1.0, 500, 500), 4)
    0.9973
    """
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1.0 - alpha)
    if not 0.5 <= auc <= 1.0 or n_pos < 1 or n_neg < 1:
        return float("nan")

    def rejected(a0: float) -> bool:
        se = _hanley_mcneil_se(a0, n_pos, n_neg)
        return auc - a0 > z * se

    if not rejected(0.5):
        return 0.5
    lo, hi = 0.5, auc
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if rejected(mid):
            lo = mid
        else:
            hi = mid
    return float(hi)


def spearman_lower_bound(rho: float, n: int, alpha: float = 0.05) -> float:
    """One-sided ``1 - alpha`` lower confidence bound of ``|rho|`` (Spearman) from Fisher's
    z with Fieller, Hartley and Pearson's (1957) standard error ``sqrt(1.06 / (n - 3))``;
    floored at 0, and 1.0 for a perfect monotone relation.

    Examples
    --------
    >>> round(spearman_lower_bound(0.9, 50), 3)
    0.841
    """
    from statistics import NormalDist

    r = abs(float(rho))
    if n <= 3 or r != r:
        return float("nan")
    if r >= 1.0:
        return 1.0
    z = NormalDist().inv_cdf(1.0 - alpha)
    return float(max(0.0, np.tanh(np.arctanh(r) - z * np.sqrt(1.06 / (n - 3)))))
