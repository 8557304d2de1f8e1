"""The null distribution of a cross-validated ROC AUC, for domain classifiers.

A classifier trained on the other folds scores each held-out fold without seeing its labels,
so under the null (both samples drawn from one distribution) a fold's AUC is a Mann-Whitney
statistic with mean 1/2 and variance ``v_f = (N + 1 - T) / (12 n1 n0)``, ``T = sum(t^3 - t) /
(N (N - 1))`` the tie correction. The folds' AUCs are not independent, though: fold ``i``'s
model learned the chance pattern of fold ``j``'s rows and fold ``j``'s model that of fold
``i``'s, so ``Cov(AUC_i, AUC_j) > 0``. The part of ``AUC_i`` that the other folds' rows
explain is at most all of it, so ``sum_{j != i} Cov(AUC_i, AUC_j) <= v_i`` and the mean of the
folds' AUCs has null variance at most ``2 sum_f v_f / F^2``; the p-value is the one-sided
normal tail of the mean with that variance. (Treating the folds as independent flags about
one in ten identical samples of 200 rows at alpha 0.05; pooling the out-of-fold scores of
different models, whose offsets differ, is worse still; this bound flags about 4%, see
tests/stats/test_drift_null.py.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CVAUCResult", "cv_auc_test"]


@dataclass(frozen=True)
class CVAUCResult:
    """``auc``: the mean of the folds' AUCs; ``pvalue``: one-sided, ``P(AUC >= auc)`` under the
    null; ``se``: the null standard error of the mean (with the cross-fold covariance bound);
    ``fold_aucs``: one per fold used."""

    auc: float
    pvalue: float
    se: float
    fold_aucs: tuple[float, ...]

    def detectable(self, alpha: float) -> float:
        """The smallest mean AUC that is significant at one-sided level ``alpha``."""
        from statistics import NormalDist

        return 0.5 + NormalDist().inv_cdf(1.0 - alpha) * self.se


def cv_auc_test(y: np.ndarray, scores: np.ndarray, folds: np.ndarray) -> CVAUCResult:
    """Mean held-out AUC over folds and its one-sided p-value against 1/2.

    Parameters
    ----------
    y : array of 0/1
        1 for current rows, 0 for reference rows.
    scores : array of float
        Out-of-fold scores (each row scored by the model that did not train on it).
    folds : array of int
        The fold of each row.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[np.zeros(200), np.ones(200)]
    >>> folds = np.tile(np.arange(5), 80)
    >>> res = cv_auc_test(y, rng.random(400), folds)
    >>> round(res.se, 4), res.pvalue > 0.05
    (0.041, True)
    >>> cv_auc_test(y, y + rng.normal(0, 1, 400), folds).pvalue < 1e-6
    True
    """
    from scipy.stats import norm, rankdata

    y = np.asarray(y, dtype=bool)
    scores = np.asarray(scores, dtype="float64")
    folds = np.asarray(folds)
    aucs, variances = [], []
    for f in np.unique(folds):
        sel = folds == f
        yf, sf = y[sel], scores[sel]
        n1 = int(yf.sum())
        n0 = int(yf.size - n1)
        if n1 == 0 or n0 == 0:
            continue
        n = n1 + n0
        ranks = rankdata(sf)
        aucs.append((ranks[yf].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))
        _, ties = np.unique(sf, return_counts=True)
        tie = float((ties.astype("float64") ** 3 - ties).sum()) / (n * (n - 1)) if n > 1 else 0.0
        variances.append(max(0.0, (n + 1 - tie) / (12.0 * n1 * n0)))
    if not aucs:
        return CVAUCResult(math.nan, math.nan, math.nan, ())
    k = len(aucs)
    auc = float(np.mean(aucs))
    se = math.sqrt(2.0 * sum(variances)) / k  # cross-fold covariance: at most the variance again
    pvalue = 1.0 if se == 0 else float(norm.sf((auc - 0.5) / se))
    return CVAUCResult(auc, pvalue, se, tuple(float(a) for a in aucs))
