"""cv_auc_test (the domain classifier's significance) and the leakage lower bounds, against
sklearn/scipy oracles and simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from mlgates.stats.crossval import cv_auc_test
from mlgates.stats.quality import auc_lower_bound, spearman_lower_bound


def test_fold_aucs_match_sklearn_and_the_variance_is_mann_whitney():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    scores = np.round(rng.random(300), 1)  # ties
    folds = rng.integers(0, 5, 300)
    res = cv_auc_test(y, scores, folds)
    want = [roc_auc_score(y[folds == f], scores[folds == f]) for f in range(5)]
    assert res.fold_aucs == pytest.approx(want)
    assert res.auc == pytest.approx(np.mean(want))
    variances = []
    for f in range(5):
        yf, sf = y[folds == f], scores[folds == f]
        n1, n0 = yf.sum(), (1 - yf).sum()
        n = n1 + n0
        _, t = np.unique(sf, return_counts=True)
        var_u = n1 * n0 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1)))
        variances.append(var_u / (n1 * n0) ** 2)
    assert res.se == pytest.approx(math.sqrt(2 * sum(variances)) / 5)
    assert res.pvalue == pytest.approx(stats.norm.sf((res.auc - 0.5) / res.se))


def test_one_fold_with_one_class_is_left_out_and_constant_scores_give_p_one():
    y = np.array([0, 1] * 10 + [1] * 5)
    folds = np.array([0] * 20 + [1] * 5)
    res = cv_auc_test(y, np.linspace(0, 1, 25), folds)
    assert len(res.fold_aucs) == 1
    assert cv_auc_test(y, np.zeros(25), folds).pvalue == 1.0


def test_auc_lower_bound_covers_the_true_auc():
    """Binormal scores with a known AUC: the one-sided 95% bound exceeds it at most about 5%
    of the time (it is conservative near 1)."""
    rng = np.random.default_rng(1)
    d = 2.33 * math.sqrt(2)
    true = stats.norm.cdf(d / math.sqrt(2))
    misses, reps = 0, 300
    for _ in range(reps):
        x = np.r_[rng.normal(0, 1, 200), rng.normal(d, 1, 200)]
        y = np.r_[np.zeros(200), np.ones(200)]
        auc = roc_auc_score(y, x)
        misses += auc_lower_bound(max(auc, 1 - auc), 200, 200, 0.05) > true
    assert misses / reps <= 0.05 + 3.5 * math.sqrt(0.05 * 0.95 / reps)


def test_auc_lower_bound_of_a_perfect_split_depends_on_the_sizes():
    small, large = auc_lower_bound(1.0, 10, 10), auc_lower_bound(1.0, 500, 500)
    assert small < 0.9 < 0.99 < large <= 1.0
    assert auc_lower_bound(0.5, 100, 100) == 0.5


def test_spearman_lower_bound_is_fishers_z():
    r, n = 0.8, 40
    want = math.tanh(math.atanh(r) - stats.norm.ppf(0.95) * math.sqrt(1.06 / (n - 3)))
    assert spearman_lower_bound(r, n) == pytest.approx(want)
    assert spearman_lower_bound(1.0, 10) == 1.0
    assert math.isnan(spearman_lower_bound(0.5, 3))
