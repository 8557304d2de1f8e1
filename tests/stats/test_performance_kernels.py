"""Confusion-count metrics, ECE, power and p-value adjustment against sklearn/statsmodels."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from _statsmodels_oracle import statsmodels_multipletests
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from statsmodels.stats.power import normal_power

from mlgates.stats.performance import (
    METRICS,
    adjust_pvalues,
    calibration_bins,
    confusion_metric,
    confusion_tables,
    expected_calibration_error,
    get_metric,
    minimum_detectable_effect,
    power_at,
    score_metric,
)

CONFUSION = [s for s in METRICS.values() if s.confusion]


def sklearn_value(spec, y, pred, pos=1, sample_weight=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.base in ("f1", "precision", "recall"):
            fn = getattr(skm, f"{spec.base}_score")
            kw = {"pos_label": pos} if spec.average == "binary" else {}
            return fn(y, pred, average=spec.average, zero_division=0, sample_weight=sample_weight, **kw)
        name = f"{spec.base}_score" if spec.base != "matthews_corrcoef" else spec.base
        return getattr(skm, name)(y, pred, sample_weight=sample_weight)


@st.composite
def labelled(draw):
    k = draw(st.integers(2, 4))
    n = draw(st.integers(4, 60))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    pred = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    y[0], y[1] = 0, 1  # at least two classes in the target
    return k, y, pred


@pytest.mark.parametrize("spec", CONFUSION, ids=lambda s: s.name)
@settings(max_examples=60, deadline=None)
@given(data=labelled())
def test_confusion_metrics_match_sklearn(spec, data):
    k, y, pred = data
    if spec.average == "binary":
        y, pred = np.minimum(y, 1), np.minimum(pred, 1)
        k = 2
    ours = float(confusion_metric(confusion_tables(y, pred, k), spec.base, spec.average, pos=1))
    assert ours == pytest.approx(sklearn_value(spec, y, pred), abs=1e-12)


def test_confusion_metrics_vectorize_over_leading_axes():
    rng = np.random.default_rng(0)
    cms = rng.integers(0, 20, size=(5, 3, 3))
    for spec in CONFUSION:
        if spec.average == "binary":
            continue
        stacked = confusion_metric(cms, spec.base, spec.average)
        one_by_one = [float(confusion_metric(c, spec.base, spec.average)) for c in cms]
        np.testing.assert_allclose(stacked, one_by_one)


def test_registry_directions_and_lookup():
    assert get_metric("accuracy").greater_is_better
    for name in ("log_loss", "brier_score_loss", "mean_absolute_error", "root_mean_squared_error"):
        assert not get_metric(name).greater_is_better
    with pytest.raises(KeyError, match="valid names"):
        get_metric("acuracy")


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("seed", range(3))
def test_calibration_bins_match_sklearn_and_brute_force_ece(strategy, seed):
    rng = np.random.default_rng(seed)
    p = np.round(rng.random(700), 2)  # values on bin edges too
    y = (rng.random(700) < p**1.3).astype(int)
    _, count, mean_p, rate = calibration_bins(y, p, n_bins=10, strategy=strategy)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy=strategy)
    keep = count > 0
    np.testing.assert_allclose(rate[keep], prob_true)
    np.testing.assert_allclose(mean_p[keep], prob_pred)
    if strategy == "uniform":  # brute force: right-closed bins, first bin holds 0
        ece = 0.0
        for i in range(10):
            lo, hi = i / 10, (i + 1) / 10
            inside = (p > lo) & (p <= hi) if i else (p >= 0) & (p <= hi)
            if inside.any():
                ece += inside.mean() * abs(y[inside].mean() - p[inside].mean())
        assert expected_calibration_error(y, p) == pytest.approx(ece, abs=1e-12)


@pytest.mark.parametrize("se", [0.001, 0.01, 0.05])
@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
def test_power_matches_statsmodels(se, alpha):
    for effect in (0.0, se, 2.5 * se, 4 * se):
        expected = normal_power(effect, 1, alpha, alternative="two-sided", sigma=se)
        assert power_at(effect, se, alpha=alpha) == pytest.approx(expected, rel=1e-9)
    mde = minimum_detectable_effect(se, alpha=alpha, power=0.8)
    assert power_at(mde, se, alpha=alpha) == pytest.approx(0.8, abs=0.005)


@pytest.mark.parametrize("seed", range(40))
def test_adjusted_pvalues_match_statsmodels(seed):
    rng = np.random.default_rng(seed)
    p = rng.random(int(rng.integers(1, 25))) ** 3
    p[: p.size // 3] = p[0]  # ties
    for method in ("holm", "fdr_bh"):
        expected = statsmodels_multipletests(p, method)[1]
        np.testing.assert_allclose(adjust_pvalues(p, method), expected, atol=1e-12)


@pytest.mark.parametrize("spec", CONFUSION, ids=lambda s: s.name)
@settings(max_examples=40, deadline=None)
@given(data=labelled(), seed=st.integers(0, 2**16))
def test_weighted_confusion_metrics_match_sklearn(spec, data, seed):
    k, y, pred = data
    if spec.average == "binary":
        y, pred = np.minimum(y, 1), np.minimum(pred, 1)
        k = 2
    w = np.random.default_rng(seed).uniform(0.1, 4.0, y.size)
    ours = float(confusion_metric(confusion_tables(y, pred, k, w), spec.base, spec.average, pos=1))
    assert ours == pytest.approx(sklearn_value(spec, y, pred, sample_weight=w), abs=1e-9)


SCORE_BASES = {
    "roc_auc": skm.roc_auc_score,
    "average_precision": skm.average_precision_score,
    "log_loss": skm.log_loss,
    "brier_score_loss": skm.brier_score_loss,
}
REGRESSION_BASES = [s.base for s in METRICS.values() if s.kind == "regression"]


@pytest.mark.parametrize("base", sorted(SCORE_BASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_weighted_score_metrics_match_sklearn(base, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 200)
    p = np.clip(0.3 * y + 0.7 * rng.random(200), 0, 1)
    w = rng.uniform(0.1, 4.0, 200)
    ours = score_metric(base, y, p, labels=np.arange(2), sample_weight=w)
    assert ours == pytest.approx(SCORE_BASES[base](y, p, sample_weight=w), rel=1e-10)


@pytest.mark.parametrize("base", REGRESSION_BASES)
def test_weighted_regression_metrics_match_sklearn(base):
    rng = np.random.default_rng(3)
    y = rng.normal(3.0, 1.0, 200)
    pred = y + rng.normal(0, 0.5, 200)
    w = rng.uniform(0.1, 4.0, 200)
    fn = getattr(skm, "r2_score" if base == "r2" else base)
    assert score_metric(base, y, pred, sample_weight=w) == pytest.approx(
        fn(y, pred, sample_weight=w), rel=1e-10
    )


@settings(max_examples=40, deadline=None)
@given(data=labelled(), reps=st.lists(st.integers(0, 3), min_size=60, max_size=60))
def test_integer_weights_equal_repeated_rows(data, reps):
    k, y, pred = data
    w = np.array(reps[: y.size])
    if w.sum() == 0:
        w[0] = 1
    rep_y, rep_pred = np.repeat(y, w), np.repeat(pred, w)
    for base, average in (("accuracy", None), ("f1", "macro"), ("balanced_accuracy", None)):
        weighted = confusion_metric(confusion_tables(y, pred, k, w.astype(float)), base, average)
        repeated = confusion_metric(confusion_tables(rep_y, rep_pred, k), base, average)
        assert float(weighted) == pytest.approx(float(repeated), abs=1e-12)
