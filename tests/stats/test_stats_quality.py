"""Kernels of the quality family against sklearn/scipy/numpy oracles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlgates.stats.quality import iqr_fences, outside_counts, robust_z_fences, spearman_abs, univariate_auc

small_ints = hnp.arrays(float, st.integers(2, 60), elements=st.integers(-5, 5).map(float))


@settings(max_examples=60, deadline=None)
@given(small_ints, st.data())
def test_auc_matches_sklearn_with_ties(score, data):
    from sklearn.metrics import roc_auc_score

    labels = np.array(data.draw(st.lists(st.booleans(), min_size=len(score), max_size=len(score))))
    auc = univariate_auc(score, labels)
    if labels.all() or not labels.any():
        assert np.isnan(auc)
    else:
        assert auc == pytest.approx(roc_auc_score(labels, score))


@settings(max_examples=40, deadline=None)
@given(small_ints, small_ints)
def test_spearman_matches_scipy(x, y):
    from scipy.stats import spearmanr

    n = min(len(x), len(y))
    x, y = x[:n], y[:n]
    got = spearman_abs(x, y)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        assert np.isnan(got)
    else:
        assert got == pytest.approx(abs(spearmanr(x, y).statistic))


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(float, st.integers(1, 50), elements=st.floats(-1e3, 1e3)), st.floats(0.5, 5))
def test_fences(values, k):
    from scipy.stats import median_abs_deviation

    q1, q3 = np.percentile(values, [25, 75])
    assert iqr_fences(values, k) == pytest.approx((q1 - k * (q3 - q1), q3 + k * (q3 - q1)))
    lo, hi = robust_z_fences(values, k)
    med, mad = np.median(values), median_abs_deviation(values)
    assert (lo, hi) == pytest.approx((med - k * mad / 0.6745, med + k * mad / 0.6745))


def test_fences_ignore_nan_and_inf():
    values = np.array([1.0, 2.0, 3.0, 4.0, np.nan, np.inf])
    assert iqr_fences(values, 1.5) == iqr_fences(values[:4], 1.5)
    assert np.isnan(iqr_fences(np.array([np.nan]), 1.5)[0])


@pytest.mark.parametrize(
    "inclusive, expected", [("both", (1, 1)), ("left", (1, 2)), ("right", (2, 1)), ("neither", (2, 2))]
)
def test_outside_counts_inclusive(inclusive, expected):
    values = np.array([0.0, 1.0, 1.5, 2.0, 3.0, np.nan])
    below, above, mask = outside_counts(values, 1.0, 2.0, inclusive=inclusive)
    assert (below, above) == expected and mask.sum() == below + above
