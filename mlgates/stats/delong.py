"""DeLong's test for the difference of two ROC AUCs, in Sun and Xu's O(n log n) form.

For ``m`` positives ``X`` and ``n`` negatives ``Y`` the AUC is the Mann-Whitney statistic
``mean_{i,j} psi(X_i, Y_j)`` with ``psi = 1, 1/2, 0`` for ``>``, ``=``, ``<``. Its structural
components are ``V10_i = mean_j psi(X_i, Y_j)`` and ``V01_j = mean_i psi(X_i, Y_j)``; the
covariance of two AUCs computed on the same rows is ``S10 / m + S01 / n`` with ``S10``, ``S01``
the sample covariances of the components. Sun and Xu obtain the components from midranks:
``V10_i = (R_i - R^X_i) / n`` and ``V01_j = 1 - (R_{m+j} - R^Y_j) / m``, where ``R`` are the
midranks in the pooled sample and ``R^X``, ``R^Y`` within each class.

References
----------
DeLong, E. R., DeLong, D. M. and Clarke-Pearson, D. L. (1988). Comparing the areas under two or
more correlated receiver operating characteristic curves: a nonparametric approach.
Biometrics 44(3), 837-845.
Sun, X. and Xu, W. (2014). Fast implementation of DeLong's algorithm for comparing the areas
under correlated receiver operating characteristic curves. IEEE Signal Processing Letters
21(11), 1389-1393.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["DeLongResult", "auc_ci", "delong_components", "delong_test"]


def delong_components(y: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AUCs and structural components of one or more score vectors on binary ``y``.

    Parameters
    ----------
    y : ndarray of 0/1, shape (N,)
    scores : ndarray, shape (N,) or (r, N)

    Returns
    -------
    (auc, v10, v01) : arrays of shapes (r,), (r, m), (r, n)
    """
    from scipy.stats import rankdata

    y = np.asarray(y).astype(bool)
    s = np.atleast_2d(np.asarray(scores, dtype=float))
    x, z = s[:, y], s[:, ~y]
    m, n = x.shape[1], z.shape[1]
    if m == 0 or n == 0:
        raise ValueError("DeLong needs both classes in y")
    tx = rankdata(x, axis=1)
    tz = rankdata(z, axis=1)
    pooled = rankdata(np.concatenate([x, z], axis=1), axis=1)
    v10 = (pooled[:, :m] - tx) / n
    v01 = 1.0 - (pooled[:, m:] - tz) / m
    auc = (pooled[:, :m].sum(axis=1) / m - (m + 1) / 2) / n
    return auc, v10, v01


def _covariance(v10: np.ndarray, v01: np.ndarray) -> np.ndarray:
    m, n = v10.shape[1], v01.shape[1]
    s10 = np.cov(v10) if m > 1 else np.zeros((v10.shape[0],) * 2)
    s01 = np.cov(v01) if n > 1 else np.zeros((v01.shape[0],) * 2)
    return np.atleast_2d(s10) / m + np.atleast_2d(s01) / n


def auc_ci(auc: float, var: float, *, alpha: float = 0.05) -> tuple[float, float]:
    """Logit-transformed interval for one AUC, clipped to [0, 1].

    ``logit(A) +- z * sqrt(var) / (A (1 - A))``, mapped back with the logistic function; an AUC
    of exactly 0 or 1 (where the logit is infinite) gives the degenerate interval ``[A, A]``.

    Examples
    --------
    >>> lo, hi = auc_ci(0.9, 0.0004)
    >>> round(lo, 4), round(hi, 4)
    (0.8534, 0.9329)
    """
    from scipy.special import expit
    from scipy.stats import norm

    if not (0.0 < auc < 1.0) or not math.isfinite(var):
        a = min(1.0, max(0.0, auc))
        return a, a
    z = float(norm.ppf(1 - alpha / 2))
    center = math.log(auc / (1 - auc))
    half = z * math.sqrt(max(var, 0.0)) / (auc * (1 - auc))
    lo, hi = float(expit(center - half)), float(expit(center + half))
    return min(1.0, max(0.0, lo)), min(1.0, max(0.0, hi))


@dataclass(frozen=True)
class DeLongResult:
    """AUCs of candidate and baseline, their variances and covariance, and the test of the
    difference ``candidate - baseline`` (z statistic, two-sided p-value, Wald interval)."""

    candidate: float
    baseline: float
    var_candidate: float
    var_baseline: float
    covariance: float
    se: float
    statistic: float
    pvalue: float
    ci_low: float
    ci_high: float

    @property
    def difference(self) -> float:
        return self.candidate - self.baseline

    def pvalue_beyond(self, margin: float) -> float:
        """Two-sided-convention p-value for "candidate AUC lower by more than ``margin``":
        ``min(1, 2 Phi((diff + margin) / se))``."""
        from scipy.stats import norm

        shifted = self.difference + margin
        if self.se <= 0 or not math.isfinite(self.se):
            return 0.0 if shifted < 0 else 1.0
        return float(min(1.0, 2 * norm.cdf(shifted / self.se)))

    def candidate_ci(self, alpha: float = 0.05) -> tuple[float, float]:
        return auc_ci(self.candidate, self.var_candidate, alpha=alpha)

    def baseline_ci(self, alpha: float = 0.05) -> tuple[float, float]:
        return auc_ci(self.baseline, self.var_baseline, alpha=alpha)


def delong_test(
    y: np.ndarray,
    candidate: np.ndarray,
    baseline: np.ndarray,
    *,
    baseline_y: np.ndarray | None = None,
    alpha: float = 0.05,
) -> DeLongResult:
    """DeLong test of ``AUC(candidate) - AUC(baseline)``.

    Paired (default): both score vectors are for the rows of ``y``. Unpaired: pass
    ``baseline_y``, the labels of the rows ``baseline`` scores; the covariance is then 0.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> y = rng.integers(0, 2, 500)
    >>> good = y + rng.normal(0, 0.8, 500)
    >>> weak = y + rng.normal(0, 1.5, 500)
    >>> r = delong_test(y, good, weak)
    >>> round(r.difference, 3), r.pvalue < 0.05
    (0.177, True)
    """
    from scipy.stats import norm

    if baseline_y is None:
        auc, v10, v01 = delong_components(y, np.vstack([candidate, baseline]))
        cov = _covariance(v10, v01)
        var_c, var_b, cov_cb = float(cov[0, 0]), float(cov[1, 1]), float(cov[0, 1])
        auc_c, auc_b = float(auc[0]), float(auc[1])
    else:
        a_c, v10, v01 = delong_components(y, candidate)
        a_b, w10, w01 = delong_components(baseline_y, baseline)
        var_c, var_b, cov_cb = float(_covariance(v10, v01)[0, 0]), float(_covariance(w10, w01)[0, 0]), 0.0
        auc_c, auc_b = float(a_c[0]), float(a_b[0])
    var_d = max(var_c + var_b - 2 * cov_cb, 0.0)
    se = math.sqrt(var_d)
    diff = auc_c - auc_b
    z = float(norm.ppf(1 - alpha / 2))
    if se > 0:
        stat = diff / se
        p = float(2 * norm.sf(abs(stat)))
    else:
        stat, p = 0.0, (1.0 if diff == 0 else 0.0)
    lo, hi = max(-1.0, diff - z * se), min(1.0, diff + z * se)
    return DeLongResult(auc_c, auc_b, var_c, var_b, cov_cb, se, float(stat), p, lo, hi)
