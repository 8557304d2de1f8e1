"""Kernels of mlgates.stats.fairness against numpy/pandas/statsmodels oracles, plus properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates.stats import fairness as fk


def _data(n: int = 2000, seed: int = 0):
    rng = np.random.default_rng(seed)
    a = rng.choice(["p", "q", "r"], n)
    b = rng.integers(0, 4, n)
    y = rng.integers(0, 2, n)
    pred = rng.integers(0, 2, n)
    w = rng.random(n) * 3
    return a, b, y, pred, w


def test_group_codes_match_pandas_groupby():
    a, b, *_ = _data()
    codes, labels = fk.group_codes([a, b])
    expected = pd.DataFrame({"a": a, "b": b}).groupby(["a", "b"]).ngroup().to_numpy()
    np.testing.assert_array_equal(codes, expected)
    assert labels == sorted(set(zip(a.tolist(), b.tolist())))


def test_group_codes_only_observed_combinations():
    codes, labels = fk.group_codes([np.array(["x", "x", "y"]), np.array([1, 2, 1])])
    assert labels == [("x", 1), ("x", 2), ("y", 1)]
    assert codes.tolist() == [0, 1, 2]


def test_group_codes_missing_policy():
    col = pd.Series(["a", None, "b", np.nan])
    codes, labels = fk.group_codes([col])
    assert labels == [("a",), ("b",), (None,)]
    assert codes.tolist() == [0, 2, 1, 2]
    codes, labels = fk.group_codes([col], dropna=True)
    assert codes.tolist() == [0, -1, 1, -1] and labels == [("a",), ("b",)]


def test_group_codes_unused_categories_dropped():
    col = pd.Series(pd.Categorical(["a", "a"], categories=["a", "b"]))
    codes, labels = fk.group_codes([col])
    assert labels == [("a",)] and codes.tolist() == [0, 0]


def test_confusion_counts_match_sklearn():
    from sklearn.metrics import confusion_matrix

    a, _, y, pred, w = _data()
    codes, labels = fk.group_codes([a])
    counts = fk.confusion_counts(codes, len(labels), y, pred, w)
    for g in range(len(labels)):
        m = codes == g
        np.testing.assert_allclose(
            counts.weighted[g],
            confusion_matrix(y[m], pred[m], labels=[0, 1], sample_weight=w[m]).ravel(),
            rtol=1e-12,
        )
        np.testing.assert_array_equal(counts.rows[g], confusion_matrix(y[m], pred[m], labels=[0, 1]).ravel())
        np.testing.assert_allclose(
            counts.weighted_sq[g],
            confusion_matrix(y[m], pred[m], labels=[0, 1], sample_weight=w[m] ** 2).ravel(),
            rtol=1e-12,
        )


def test_joint_counts_split_into_each_models_counts():
    a, _, y, pred, w = _data()
    other = np.roll(pred, 7)
    codes, labels = fk.group_codes([a])
    joint = fk.joint_counts(codes, len(labels), y, pred, other, w)
    first, second = fk.split_joint(joint.weighted)
    np.testing.assert_allclose(first, fk.confusion_counts(codes, len(labels), y, pred, w).weighted)
    np.testing.assert_allclose(second, fk.confusion_counts(codes, len(labels), y, other, w).weighted)


def test_rate_zero_denominator_is_nan_not_zero():
    counts = np.array([[10.0, 2.0, 0.0, 0.0], [3.0, 1.0, 2.0, 4.0]])
    tpr = fk.rate(counts, "true_positive_rate")
    assert np.isnan(tpr[0]) and tpr[1] == pytest.approx(4 / 6)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(confidence):
    from statsmodels.stats.proportion import proportion_confint

    count = np.array([0, 1, 7, 50, 99, 100])
    nobs = np.array([10, 10, 30, 100, 100, 100])
    lo, hi = fk.wilson_interval(count, nobs, confidence)
    ref_lo, ref_hi = proportion_confint(count, nobs, alpha=1 - confidence, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-12)


def test_wilson_empty_is_nan():
    lo, hi = fk.wilson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)


def test_group_means_match_numpy_average():
    a, _, y, pred, w = _data()
    codes, labels = fk.group_codes([a])
    err = np.abs(pred - y * 0.7)
    means, _, rows = fk.group_means(codes, len(labels), err, w)
    for g in range(len(labels)):
        m = codes == g
        assert means[g] == pytest.approx(np.average(err[m], weights=w[m]), rel=1e-12)
        assert rows[g] == m.sum()


def test_bootstrap_counts_is_seeded_and_keeps_group_sizes():
    a, _, y, pred, _ = _data()
    codes, labels = fk.group_codes([a])
    counts = fk.confusion_counts(codes, len(labels), y, pred)
    r1 = fk.bootstrap_counts(counts, 50, np.random.default_rng(3))
    r2 = fk.bootstrap_counts(counts, 50, np.random.default_rng(3))
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_array_equal(r1.sum(axis=-1), np.broadcast_to(counts.rows.sum(axis=1), (50, 3)))


def test_bootstrap_counts_matches_row_bootstrap_in_distribution():
    """A multinomial draw of the cells is a row bootstrap: the replicate spread of the
    selection rate matches the binomial standard error."""
    codes = np.zeros(400, dtype=np.int64)
    pred = (np.arange(400) < 120).astype(int)
    counts = fk.confusion_counts(codes, 1, np.zeros(400, dtype=int), pred)
    reps = fk.rate(fk.bootstrap_counts(counts, 4000, np.random.default_rng(0)), "selection_rate")[:, 0]
    assert reps.std() == pytest.approx(np.sqrt(0.3 * 0.7 / 400), rel=0.05)


def test_bootstrap_group_means_seeded_and_centered():
    a, _, y, pred, w = _data()
    codes, _ = fk.group_codes([a])
    vals = np.abs(pred - y).astype(float)
    reps = fk.bootstrap_group_means(codes, 3, vals, w, 200, np.random.default_rng(1))
    again = fk.bootstrap_group_means(codes, 3, vals, w, 200, np.random.default_rng(1))
    np.testing.assert_array_equal(reps, again)
    means, *_ = fk.group_means(codes, 3, vals, w)
    np.testing.assert_allclose(reps[:, :, 0].mean(axis=0), means, atol=0.02)


def test_aggregate_definitions():
    v = np.array([0.2, 0.5, np.nan, 0.4])
    assert fk.aggregate(v, "difference") == pytest.approx(0.3)
    assert fk.aggregate(v, "ratio") == pytest.approx(0.4)
    assert fk.aggregate(v, "group_min") == pytest.approx(0.2)
    assert fk.aggregate(v, "group_max") == pytest.approx(0.5)
    assert fk.aggregate(v, "difference", "to_overall", 0.4) == pytest.approx(0.2)
    assert fk.aggregate(v, "ratio", "to_overall", 0.4) == pytest.approx(0.5)
    assert np.isnan(fk.aggregate(np.array([0.3, np.nan]), "difference"))
    assert np.isnan(fk.aggregate(np.array([0.0, 0.0]), "ratio"))
    assert np.isnan(fk.aggregate(np.array([0.1, 0.2]), "ratio", "to_overall", 0.0))


def test_percentile_interval_ignores_nan():
    lo, hi = fk.percentile_interval(np.array([np.nan, 1.0, 2.0, 3.0]), 0.5)
    assert (lo, hi) == (1.5, 2.5)
    assert np.isnan(fk.percentile_interval(np.array([np.nan]))[0])


# -- properties ------------------------------------------------------------------------------
_values = st.lists(st.floats(0, 1, allow_nan=False), min_size=2, max_size=12)


@given(_values)
def test_difference_nonnegative_and_ratio_in_unit_interval(values):
    v = np.asarray(values)
    assert fk.aggregate(v, "difference") >= 0
    r = fk.aggregate(v, "ratio")
    assert np.isnan(r) or 0 <= r <= 1
    o = float(v.mean())
    assert fk.aggregate(v, "difference", "to_overall", o) >= 0
    r2 = fk.aggregate(v, "ratio", "to_overall", o)
    assert np.isnan(r2) or 0 <= r2 <= 1


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.permutations(list(range(5))))
def test_rates_invariant_to_group_relabelling(seed, perm):
    rng = np.random.default_rng(seed)
    n = 300
    g = rng.integers(0, 5, n)
    y, pred = rng.integers(0, 2, n), rng.integers(0, 2, n)
    relabelled = np.asarray(perm)[g]
    for metric in ("selection_rate", "true_positive_rate", "accuracy_score"):
        results = []
        for labels_in in (g, relabelled):
            codes, labels = fk.group_codes([labels_in])
            values = fk.rate(fk.confusion_counts(codes, len(labels), y, pred).weighted, metric)
            results.append([fk.aggregate(values, k) for k in ("difference", "ratio", "group_max")])
        np.testing.assert_allclose(results[0], results[1], equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=60))
def test_counts_sum_to_rows(rows):
    arr = np.asarray(rows)
    codes, labels = fk.group_codes([arr[:, 0]])
    counts = fk.confusion_counts(codes, len(labels), arr[:, 1], arr[:, 2])
    assert counts.rows.sum() == len(rows)
    sel = fk.rate(counts.weighted, "selection_rate")
    assert np.all((sel >= 0) & (sel <= 1))
