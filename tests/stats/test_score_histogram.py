"""ROC AUC from score histograms: sklearn's AUC lies within the stated bound, the bound is 0
(and the AUC exact) when no bin holds two distinct scores, and merging chunks changes nothing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgates.stats.score_histogram import ScoreHistogram, histogram_auc, score_histogram, uniform_edges


def _scores(n, seed, shift=1.0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = 1 / (1 + np.exp(-(rng.normal(size=n) + shift * y)))
    return y, s


@pytest.mark.parametrize("n_bins", [10, 100, 1000, 10000])
@pytest.mark.parametrize("weighted", [False, True])
def test_sklearn_auc_lies_within_the_bound(n_bins, weighted):
    from sklearn.metrics import roc_auc_score

    y, s = _scores(5000, 1)
    w = np.random.default_rng(2).uniform(0.1, 2.0, len(y)) if weighted else None
    auc, bound = histogram_auc(score_histogram(y, s, uniform_edges(n_bins), w))
    exact = roc_auc_score(y, s, sample_weight=w)
    assert abs(auc - exact) <= bound + 1e-12
    # the bound shrinks with finer bins: about one bin's share of the pairs
    assert bound <= 1.0 / n_bins + 1e-3


def test_few_distinct_scores_are_exact_with_zero_bound():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 3000)
    s = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1), 2)  # 101 possible values
    edges = uniform_edges(1000)
    auc, bound = histogram_auc(score_histogram(y, s, edges))
    assert bound == 0.0
    assert auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_scores_outside_the_edges_fall_in_the_outer_bins():
    from sklearn.metrics import roc_auc_score

    y = np.array([0, 1, 0, 1, 1, 0])
    s = np.array([-5.0, 7.0, -1.0, 3.0, 0.5, 2.0])  # margins, not probabilities
    h = score_histogram(y, s, uniform_edges(4))
    assert h.n_rows == 6
    auc, bound = histogram_auc(h)
    assert abs(auc - roc_auc_score(y, s)) <= bound + 1e-12
    assert bound > 0  # -5 and -1 share the lower outer bin, 2, 3 and 7 the upper


def test_one_class_is_undefined():
    auc, bound = histogram_auc(score_histogram(np.ones(5, int), np.linspace(0, 1, 5), uniform_edges(4)))
    assert np.isnan(auc) and np.isnan(bound)


def test_bad_edges_and_mismatched_merges_are_refused():
    with pytest.raises(ValueError, match="strictly increasing"):
        score_histogram(np.array([0, 1]), np.array([0.1, 0.2]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="different edges"):
        ScoreHistogram.empty(uniform_edges(4)).merge(ScoreHistogram.empty(uniform_edges(5)))
    with pytest.raises(ValueError, match="n_bins"):
        uniform_edges(0)


@given(st.lists(st.integers(1, 1999), max_size=6), st.randoms(use_true_random=False), st.booleans())
def test_merged_chunks_equal_one_pass(cuts, rnd, weighted):
    y, s = _scores(2000, 7)
    w = np.random.default_rng(8).uniform(0.5, 1.5, 2000) if weighted else None
    edges = uniform_edges(50)
    whole = score_histogram(y, s, edges, w)
    bounds = sorted({0, 2000, *cuts})
    parts = [
        score_histogram(y[lo:hi], s[lo:hi], edges, None if w is None else w[lo:hi])
        for lo, hi in itertools.pairwise(bounds)
    ]
    rnd.shuffle(parts)
    merged = ScoreHistogram.empty(edges)
    for p in parts:
        merged = merged.merge(p)
    np.testing.assert_array_equal(merged.negative_rows, whole.negative_rows)
    np.testing.assert_array_equal(merged.positive_rows, whole.positive_rows)
    np.testing.assert_array_equal(merged.low, whole.low)
    np.testing.assert_array_equal(merged.high, whole.high)
    np.testing.assert_allclose(merged.positives, whole.positives, rtol=1e-12)
    a, b = histogram_auc(merged), histogram_auc(whole)
    assert a[0] == pytest.approx(b[0], rel=1e-12) and a[1] == pytest.approx(b[1], rel=1e-12)
