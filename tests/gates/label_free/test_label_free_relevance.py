"""FeatureRelevanceGate: dead-weight features and importances that changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline

from mlgates import FeatureRelevanceGate, Status


def _data(seed, n, signal_strength=1.0):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({f"s{i}": rng.normal(size=n) for i in range(3)})
    logit = signal_strength * (1.5 * x["s0"] - 1.0 * x["s1"] + 0.7 * x["s2"])
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return x.assign(noise=rng.normal(size=n)), y


@pytest.fixture(scope="module")
def fitted():
    x, y = _data(0, 3000)
    return LogisticRegression().fit(x, y)  # it gives the noise column a small, useless weight


def test_an_added_pure_noise_column_is_dead_weight(fitted):
    x, y = _data(1, 1500)
    v = FeatureRelevanceGate(n_resamples=10).check(current=x.assign(y=y), target="y", model=fitted)
    by = {f.subject: f for f in v.findings}
    assert by["noise"].status is Status.WARN and by["noise"].reason == "irrelevant_feature", v.to_text()
    assert by["noise"].details["irrelevant"] and "dead weight" in by["noise"].message
    for col in ("s0", "s1", "s2"):
        assert by[col].status is Status.PASS and by[col].details["ci"][0] > 0, by[col]
    assert v.params["metric"] == "roc_auc" and v.metrics["irrelevant_features"] == 1
    assert v.findings[0].subject == "noise"  # the worst first
    strict = FeatureRelevanceGate(n_resamples=10, on_irrelevant="fail").check(
        current=x.assign(y=y), target="y", model=fitted
    )
    assert strict.status is Status.FAIL and strict.reason == "irrelevant_feature"
    quiet = FeatureRelevanceGate(on_irrelevant="ignore").check(
        current=x.assign(y=y), target="y", model=fitted
    )
    assert quiet.status is Status.PASS and "dead weight" in quiet.findings[0].message


def test_importances_agree_with_sklearn(fitted):
    x, y = _data(2, 2000)
    v = FeatureRelevanceGate(n_resamples=12).check(current=x.assign(y=y), target="y", model=fitted)
    oracle = permutation_importance(fitted, x, y, scoring="roc_auc", n_repeats=12, random_state=0)
    for j, col in enumerate(x.columns):
        f = next(f for f in v.findings if f.subject == col)
        # bootstrap means vs sklearn's full-sample mean: equal up to the sampling error
        assert abs(f.statistic - oracle.importances_mean[j]) < 3 * f.details["se"] + 1e-3, (col, f.statistic)
    assert v.metrics["roc_auc"] == pytest.approx(
        __import__("sklearn.metrics", fromlist=["roc_auc_score"]).roc_auc_score(
            y, fitted.predict_proba(x)[:, 1]
        )
    )


def test_a_feature_the_model_never_reads_has_exactly_zero_importance():
    x, y = _data(3, 2000)
    model = make_pipeline(
        make_column_transformer(("passthrough", ["s0", "s1", "s2"])), LogisticRegression()
    ).fit(x, y)
    v = FeatureRelevanceGate(n_resamples=5).check(current=x.assign(y=y), target="y", model=model)
    noise = next(f for f in v.findings if f.subject == "noise")
    assert noise.statistic == 0.0 and noise.details["se"] == 0.0 and noise.pvalue == 1.0
    assert noise.reason == "irrelevant_feature" and "does not use it" in noise.message


def test_a_change_of_importance_against_the_reference(fitted):
    ref_x, ref_y = _data(4, 1500)
    cur_x, cur_y = _data(5, 1500)
    rng = np.random.default_rng(6)
    # concept change: the outcome no longer depends on s0 in current
    logit = -1.0 * cur_x["s1"] + 0.7 * cur_x["s2"]
    cur_y = (rng.random(1500) < 1 / (1 + np.exp(-logit))).astype(int)
    inputs = {
        "reference": ref_x.assign(y=ref_y),
        "current": cur_x.assign(y=cur_y),
        "target": "y",
        "model": fitted,
    }
    v = FeatureRelevanceGate(n_resamples=10).check(**inputs)
    by = {f.subject: f for f in v.findings}
    assert by["s0"].status is Status.WARN and by["s0"].reason in ("importance_changed", "irrelevant_feature")
    assert by["s0"].details["changed"] and by["s0"].details["change"] < 0
    assert not by["s2"].details["changed"], by["s2"]
    assert "baseline_roc_auc" in v.metrics and v.metrics["changed_features"] >= 1
    v = FeatureRelevanceGate(n_resamples=10, max_importance_change=0.05, on_irrelevant="ignore").check(
        **inputs
    )
    assert v.status is Status.FAIL and v.reason == "importance_change_exceeded"
    v = FeatureRelevanceGate(n_resamples=10, max_importance_change=0.9, on_irrelevant="ignore").check(
        **inputs
    )
    s0 = next(f for f in v.findings if f.subject == "s0")
    assert s0.status is Status.PASS and "within 0.9" in s0.message


def test_regression_uses_r2():
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"a": rng.normal(size=1000), "noise": rng.normal(size=1000)})
    y = 2 * x["a"] + rng.normal(0, 1, 1000)
    model = LinearRegression().fit(x[:500], y[:500])
    v = FeatureRelevanceGate(n_resamples=10).check(current=x[500:].assign(y=y[500:]), target="y", model=model)
    assert v.params["metric"] == "r2"
    by = {f.subject: f for f in v.findings}
    assert by["a"].status is Status.PASS and by["noise"].reason == "irrelevant_feature"
    mae = FeatureRelevanceGate(metric="mean_absolute_error", n_resamples=5).check(
        current=x[500:].assign(y=y[500:]), target="y", model=model
    )
    assert next(f for f in mae.findings if f.subject == "a").statistic > 0.5  # the loss rises


def test_bad_inputs(fitted):
    x, y = _data(8, 400)
    cur = x.assign(y=y)

    class LabelsOnly:
        feature_names_in_ = np.array(list(x.columns), dtype=object)

        def predict(self, frame):
            return (frame["s0"] > 0).astype(int).to_numpy()

    v = FeatureRelevanceGate(metric="roc_auc").check(current=cur, target="y", model=LabelsOnly())
    assert v.status is Status.ERROR and v.reason == "method_not_applicable"
    v = FeatureRelevanceGate(n_resamples=3).check(current=cur, target="y", model=LabelsOnly())
    assert v.params["metric"] == "accuracy" and v.status is not Status.ERROR
    v = FeatureRelevanceGate().check(current=cur.assign(y=1), target="y", model=fitted)
    assert v.status is Status.ERROR and v.reason == "one_class_target"
    v = FeatureRelevanceGate(min_samples=1000).check(current=cur, target="y", model=fitted)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    v = FeatureRelevanceGate(columns=["s0", "nope"]).check(current=cur, target="y", model=fitted)
    assert v.status is Status.ERROR and v.reason == "missing_column"
    v = FeatureRelevanceGate().check(
        current=cur.assign(y=np.where(np.arange(400) % 9 == 0, np.nan, y)), target="y", model=fitted
    )
    assert v.status is Status.ERROR and v.reason == "missing_values"
    assert FeatureRelevanceGate().check(current=cur, target="y").reason == "missing_input"
    assert FeatureRelevanceGate().check(current=cur.head(0), target="y", model=fitted).reason == "empty_input"


@pytest.mark.slow
def test_change_test_holds_its_level_on_random_splits():
    """Reference and current are random halves of the same data: a change is flagged in at
    most about alpha of the runs (Holm across features)."""
    x, y = _data(9, 40_000)
    model = LogisticRegression().fit(x[:5000], y[:5000])
    pool = x[5000:].assign(y=y[5000:]).reset_index(drop=True)
    rng = np.random.default_rng(10)
    runs, flagged = 100, 0
    for r in range(runs):
        rows = rng.permutation(len(pool))[:2000]
        v = FeatureRelevanceGate(n_resamples=10, random_state=r, on_irrelevant="ignore").check(
            reference=pool.iloc[rows[:1000]], current=pool.iloc[rows[1000:]], target="y", model=model
        )
        flagged += v.metrics["changed_features"] > 0
    assert flagged <= 0.05 * runs + 2.6 * np.sqrt(0.05 * 0.95 * runs), flagged


@pytest.mark.parametrize("metric", ["accuracy", "balanced_accuracy", "log_loss", "roc_auc"])
def test_metric_values_match_sklearn(fitted, metric):
    from sklearn import metrics as skm

    x, y = _data(12, 600)
    y = np.where(np.arange(600) % 5 == 0, 1, y)  # unbalanced classes: balanced accuracy differs
    v = FeatureRelevanceGate(metric=metric, n_resamples=2).check(
        current=x.assign(y=y), target="y", model=fitted
    )
    p = fitted.predict_proba(x)[:, 1]
    expected = {
        "accuracy": skm.accuracy_score(y, fitted.predict(x)),
        "balanced_accuracy": skm.balanced_accuracy_score(y, fitted.predict(x)),
        "log_loss": skm.log_loss(y, p),
        "roc_auc": skm.roc_auc_score(y, p),
    }[metric]
    assert v.metrics[metric] == pytest.approx(expected, rel=1e-9)
