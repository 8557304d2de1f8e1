"""PerformanceGate, BeatsBaselineGate and CalibrationGate: values vs sklearn, decisions, bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.dummy import DummyClassifier, DummyRegressor
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from mlgates import BeatsBaselineGate, CalibrationGate, ParameterError, PerformanceGate, Status, Suite
from mlgates.stats.performance import METRICS
from mlgates.testing import check_gate, example_inputs

# -- data -------------------------------------------------------------------------------------


def classification(n=1500, k=2, seed=0, p_cand=0.85, p_base=0.8):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    noise_c = rng.integers(0, k, n)
    noise_b = rng.integers(0, k, n)
    cand = np.where(rng.random(n) < p_cand, y, noise_c)
    base = np.where(rng.random(n) < p_base, y, noise_b)
    logits = rng.normal(size=(n, k)) + 2.0 * np.eye(k)[y]
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    logits_b = rng.normal(size=(n, k)) + 1.2 * np.eye(k)[y]
    proba_b = np.exp(logits_b) / np.exp(logits_b).sum(axis=1, keepdims=True)
    return y, cand, base, proba, proba_b


def sk(name, y, pred):
    spec = METRICS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.base in ("f1", "precision", "recall"):
            return getattr(skm, f"{spec.base}_score")(y, pred, average=spec.average, zero_division=0)
        if name == "roc_auc" and np.ndim(pred) == 2:
            return skm.roc_auc_score(y, pred, multi_class="ovr")
        if name == "r2":
            return skm.r2_score(y, pred)
        fn = getattr(skm, name if name.endswith(("_error", "_loss", "_corrcoef")) else f"{name}_score")
        return fn(y, pred)


LABEL = [m for m, s in METRICS.items() if s.kind == "label"]
REGRESSION = [m for m, s in METRICS.items() if s.kind == "regression"]


# -- every metric against sklearn -------------------------------------------------------------
# binary-averaged metrics on three classes are an ERROR, tested below
LABEL_CASES = [(m, k) for m in LABEL for k in (2, 3) if k == 2 or METRICS[m].average != "binary"]


@pytest.mark.parametrize(("metric", "k"), LABEL_CASES)
def test_label_metrics_match_sklearn(metric, k):
    y, cand, base, _, _ = classification(k=k, seed=k)
    v = PerformanceGate(metric).check(target=y, prediction=cand, baseline_prediction=base)
    assert v.metrics[metric] == pytest.approx(sk(metric, y, cand), abs=1e-12)
    assert v.metrics[f"baseline_{metric}"] == pytest.approx(sk(metric, y, base), abs=1e-12)
    assert v.metrics["difference"] == pytest.approx(sk(metric, y, cand) - sk(metric, y, base), abs=1e-12)


@pytest.mark.parametrize("metric", ["roc_auc", "average_precision", "log_loss", "brier_score_loss"])
def test_binary_score_metrics_match_sklearn(metric):
    y, _, _, proba, proba_b = classification(seed=1)
    v = PerformanceGate(metric).check(target=y, proba=proba[:, 1], baseline_proba=proba_b[:, 1])
    assert v.metrics[metric] == pytest.approx(sk(metric, y, proba[:, 1]), rel=1e-10)
    assert v.metrics[f"baseline_{metric}"] == pytest.approx(sk(metric, y, proba_b[:, 1]), rel=1e-10)


@pytest.mark.parametrize("metric", ["roc_auc", "log_loss"])
def test_multiclass_score_metrics_match_sklearn(metric):
    y, _, _, proba, proba_b = classification(k=3, seed=2)
    v = PerformanceGate(metric).check(target=y, proba=proba, baseline_proba=proba_b)
    assert v.metrics[metric] == pytest.approx(sk(metric, y, proba), rel=1e-10)


@pytest.mark.parametrize("metric", REGRESSION)
def test_regression_metrics_match_sklearn(metric):
    rng = np.random.default_rng(3)
    y = rng.normal(5, 2, 800)
    cand, base = y + rng.normal(0, 0.5, 800), y + rng.normal(0.2, 0.8, 800)
    v = PerformanceGate(metric, test="bootstrap", n_resamples=200).check(
        target=y, prediction=cand, baseline_prediction=base
    )
    assert v.metrics[metric] == pytest.approx(sk(metric, y, cand), rel=1e-10)
    assert v.metrics[f"baseline_{metric}"] == pytest.approx(sk(metric, y, base), rel=1e-10)
    assert v.status is Status.PASS  # the candidate is better on every one of these metrics


def test_string_labels_and_pos_label():
    y, cand, base, _, _ = classification(seed=4)
    names = np.array(["no", "yes"])
    v = PerformanceGate("f1").check(target=names[y], prediction=names[cand], baseline_prediction=names[base])
    assert v.metrics["f1"] == pytest.approx(skm.f1_score(names[y], names[cand], pos_label="yes"))
    assert v.params["pos_label"] == "yes"
    v = PerformanceGate("f1", pos_label="no", min_value=0.0).check(target=names[y], prediction=names[cand])
    assert v.metrics["f1"] == pytest.approx(skm.f1_score(names[y], names[cand], pos_label="no"))


# -- tests and decisions ----------------------------------------------------------------------
def test_mcnemar_gate_matches_statsmodels_and_fails_a_real_regression():
    y, good, _, _, _ = classification(n=3000, seed=5, p_cand=0.9)
    rng = np.random.default_rng(9)
    worse = np.where(rng.random(3000) < 0.12, 1 - good, good)  # flips 12% of the champion's answers
    v = PerformanceGate("accuracy", test="mcnemar", max_drop=0.01).check(
        target=y, prediction=worse, baseline_prediction=good
    )
    assert v.status is Status.FAIL and v.reason == "performance_regression"
    b = int(np.sum((good == y) & (worse != y)))
    c = int(np.sum((good != y) & (worse == y)))
    assert v.findings[0].method == "mcnemar_midp"
    midp = 2 * stats.binom.cdf(min(b, c), b + c, 0.5) - stats.binom.pmf(min(b, c), b + c, 0.5)
    assert v.metrics["pvalue"] == pytest.approx(min(1.0, midp), rel=1e-9, abs=1e-300)
    assert v.findings[0].details["b_baseline_only_correct"] == b
    assert v.findings[0].details["c_candidate_only_correct"] == c
    assert v.metrics["ci_high"] < -0.01


def test_mcnemar_gate_exact_for_few_discordant_pairs():
    y = np.array([0, 1] * 100)
    base = y.copy()
    cand = y.copy()
    cand[:9] = 1 - cand[:9]  # 9 candidate-only errors
    base[20:22] = 1 - base[20:22]  # 2 baseline-only errors
    v = PerformanceGate("accuracy", test="mcnemar").check(target=y, prediction=cand, baseline_prediction=base)
    sm = sm_mcnemar(np.array([[189, 9], [2, 0]]), exact=True)
    assert v.findings[0].method == "mcnemar_exact"
    assert v.metrics["pvalue"] == pytest.approx(sm.pvalue)
    assert v.metrics["pvalue"] == pytest.approx(stats.binomtest(2, 11, 0.5).pvalue)


def test_identical_predictions_pass_with_p_one():
    y, cand, _, _, _ = classification(seed=6)
    v = PerformanceGate("accuracy", test="mcnemar").check(target=y, prediction=cand, baseline_prediction=cand)
    assert v.status is Status.PASS
    assert v.metrics["pvalue"] == 1.0 and v.metrics["difference"] == 0.0


def test_perfect_baseline_and_candidate_pass():
    y = np.array([0, 1] * 200)
    for metric in ("accuracy", "f1", "matthews_corrcoef"):
        for test in (None, "bootstrap"):
            v = PerformanceGate(metric, test=test, max_relative_drop=0.0, n_resamples=200).check(
                target=y, prediction=y, baseline_prediction=y.copy()
            )
            assert v.status is Status.PASS, (metric, test, v.message)
            assert v.findings[0].details["baseline_is_perfect"] is True


def test_zero_baseline_relative_margin_is_explicit():
    y = np.array([0, 1] * 100)
    v = PerformanceGate("mean_absolute_error", max_relative_drop=0.1).check(
        target=y.astype(float), prediction=y + 0.01, baseline_prediction=y.astype(float)
    )
    assert v.metrics["baseline_mean_absolute_error"] == 0.0
    assert v.metrics["margin"] == 0.0
    assert "relative margin of 0" in v.findings[0].details["relative_margin_note"]
    assert v.status is Status.FAIL  # the candidate's error rose from a perfect 0


@pytest.mark.slow
def test_loss_direction():
    y, _, _, proba, proba_b = classification(seed=7)
    better = PerformanceGate("log_loss", test="bootstrap", n_resamples=300).check(
        target=y, proba=proba[:, 1], baseline_proba=proba_b[:, 1]
    )
    worse = PerformanceGate("log_loss", test="bootstrap", n_resamples=300).check(
        target=y, proba=proba_b[:, 1], baseline_proba=proba[:, 1]
    )
    assert better.status is Status.PASS
    assert worse.status is Status.FAIL and worse.metrics["difference"] > 0


def test_delong_gate_reports_auc_intervals():
    y, _, _, proba, proba_b = classification(n=800, seed=8)
    v = PerformanceGate("roc_auc", test="delong", max_drop=0.05).check(
        target=y, proba=proba_b[:, 1], baseline_proba=proba[:, 1]
    )
    assert v.status is Status.FAIL
    for key in ("roc_auc_ci_low", "roc_auc_ci_high", "baseline_roc_auc_ci_low", "baseline_roc_auc_ci_high"):
        assert 0.0 <= v.metrics[key] <= 1.0
    assert v.metrics["roc_auc_ci_low"] < v.metrics["roc_auc"] < v.metrics["roc_auc_ci_high"]


def test_small_sample_is_insufficient_not_pass():
    y, cand, base, _, _ = classification(n=80, seed=9, p_cand=0.8, p_base=0.8)
    gate = PerformanceGate("accuracy", test="mcnemar", max_drop=0.01)
    v = gate.check(target=y, prediction=cand, baseline_prediction=base)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert v.metrics["mde"] > 0.01
    assert "cannot detect" in v.message
    v = gate.set_params(on_insufficient="fail").check(target=y, prediction=cand, baseline_prediction=base)
    assert v.status is Status.FAIL and v.reason == "insufficient_samples"


def test_clear_improvement_passes_even_when_small():
    y, cand, base, _, _ = classification(n=150, seed=10, p_cand=0.98, p_base=0.5)
    v = PerformanceGate("accuracy", test="bootstrap", max_drop=0.01).check(
        target=y, prediction=cand, baseline_prediction=base
    )
    assert v.status is Status.PASS  # the interval rules out a drop, whatever the power


def test_point_comparison_without_test():
    y, cand, base, _, _ = classification(seed=11, p_cand=0.78, p_base=0.8)
    gate = PerformanceGate("accuracy", max_drop=0.0)
    v = gate.check(target=y, prediction=cand, baseline_prediction=base)
    assert v.status is Status.FAIL and v.findings[0].method == "difference"
    assert (
        PerformanceGate("accuracy", max_drop=0.1)
        .check(target=y, prediction=cand, baseline_prediction=base)
        .status
        is Status.PASS
    )


def test_floors_and_ceilings():
    y, cand, _, _, _ = classification(seed=12)
    acc = skm.accuracy_score(y, cand)
    assert (
        PerformanceGate("accuracy", min_value=acc - 0.01).check(target=y, prediction=cand).status
        is Status.PASS
    )
    v = PerformanceGate("accuracy", min_value=acc + 0.01).check(target=y, prediction=cand)
    assert v.status is Status.FAIL and v.reason == "metric_bound_exceeded"
    v = PerformanceGate("mean_absolute_error", max_value=0.05).check(
        target=y.astype(float), prediction=cand.astype(float)
    )
    assert v.reason == "metric_bound_exceeded"


def test_compare_to_reference_detects_degradation():
    rng = np.random.default_rng(13)
    n = 2000
    ref = pd.DataFrame({"y": rng.integers(0, 2, n)})
    ref["pred"] = np.where(rng.random(n) < 0.9, ref["y"], 1 - ref["y"])
    cur = pd.DataFrame({"y": rng.integers(0, 2, n)})
    cur["pred"] = np.where(rng.random(n) < 0.8, cur["y"], 1 - cur["y"])
    v = PerformanceGate("accuracy", compare_to="reference", test="bootstrap", max_drop=0.02).check(
        reference=ref, current=cur, target="y", prediction="pred"
    )
    assert v.status is Status.FAIL
    assert v.metrics["baseline_accuracy"] == pytest.approx((ref["y"] == ref["pred"]).mean())
    assert v.metrics["n_baseline"] == n


def test_segments_find_the_worst_group_with_correction():
    rng = np.random.default_rng(14)
    n = 6000
    seg = rng.choice(np.array(["a", "b", "c"], dtype=object), n)
    y = rng.integers(0, 2, n)
    base = np.where(rng.random(n) < 0.85, y, 1 - y)
    cand = base.copy()
    hurt = (seg == "c") & (rng.random(n) < 0.2)
    cand[hurt] = 1 - cand[hurt]
    seg[:10] = "tiny"
    frame = pd.DataFrame({"seg": seg, "y": y, "cand": cand, "base": base})
    v = PerformanceGate("accuracy", test="mcnemar", segments="seg", min_segment_size=50).check(
        current=frame, target="y", prediction="cand", baseline_prediction="base"
    )
    by_subject = {f.subject: f for f in v.findings}
    assert by_subject["seg=c"].status is Status.FAIL
    assert by_subject["seg=a"].status is Status.PASS
    assert by_subject["seg=tiny"].reason == "insufficient_samples"
    assert "regression_pvalue_adjusted" in by_subject["seg=c"].details
    seg_findings = [f for f in v.findings if f.subject.startswith("seg=") and f.method != "min_segment_size"]
    assert seg_findings[0].subject == "seg=c"  # worst first
    assert v.metrics["segments_failed"] == 1


def test_segments_by_callable():
    y, cand, base, _, _ = classification(n=600, seed=15)
    frame = pd.DataFrame({"y": y, "cand": cand, "base": base, "x": np.arange(600)})
    v = PerformanceGate("accuracy", segments=lambda df: df["x"] % 2, min_segment_size=10).check(
        current=frame, target="y", prediction="cand", baseline_prediction="base"
    )
    assert {"segment=0", "segment=1"} <= {f.subject for f in v.findings}


def test_callable_metric():
    y, cand, base, _, _ = classification(seed=16)

    def error_rate(yt, yp):
        return float(np.mean(yt != yp))

    v = PerformanceGate(error_rate, greater_is_better=False, test="bootstrap", n_resamples=200).check(
        target=y, prediction=cand, baseline_prediction=base
    )
    assert v.metrics["error_rate"] == pytest.approx(np.mean(y != cand))
    assert v.status is Status.PASS


# -- bad input: clear ERROR verdicts ----------------------------------------------------------
def test_one_class_target_is_error():
    y = np.ones(100, dtype=int)
    v = PerformanceGate("roc_auc").check(
        target=y, proba=np.linspace(0, 1, 100), baseline_proba=np.full(100, 0.5)
    )
    assert v.status is Status.ERROR and v.reason == "one_class_target"
    assert "single class" in v.message


def test_probabilities_where_labels_expected_is_error():
    y, _, _, proba, _ = classification(n=100, seed=17)
    v = PerformanceGate("accuracy", min_value=0.5).check(target=y, prediction=proba[:, 1])
    assert v.status is Status.ERROR and v.reason == "probabilities_as_labels"  # was invalid_prediction
    assert "proba=" in v.message


def test_length_mismatch_is_error():
    frame = pd.DataFrame({"y": [0, 1] * 50})
    v = PerformanceGate("accuracy", min_value=0.5).check(current=frame, target="y", prediction=np.zeros(99))
    assert v.status is Status.ERROR and v.reason == "length_mismatch"


def test_nan_predictions_are_error():
    y, _, _, proba, _ = classification(n=100, seed=18)
    p = proba[:, 1].copy()
    p[[3, 7]] = np.nan
    v = PerformanceGate("roc_auc", min_value=0.5).check(target=y, proba=p)
    assert v.status is Status.ERROR and v.reason == "missing_values"
    assert "2 of 100" in v.message
    pred = np.where(y == 1, 1.0, 0.0)
    pred[0] = np.nan
    v = PerformanceGate("accuracy", min_value=0.5).check(target=y, prediction=pred)
    assert v.status is Status.ERROR and v.reason == "missing_values"


def test_probabilities_out_of_range_and_wrong_shapes():
    y, _, _, _, _ = classification(n=100, seed=19)
    v = PerformanceGate("log_loss", max_value=1.0).check(target=y, proba=np.linspace(-1, 2, 100))
    assert v.status is Status.ERROR and v.reason == "invalid_proba"
    y3, cand3, _, _, _ = classification(n=100, k=3, seed=19)
    v = PerformanceGate("f1", min_value=0.1).check(target=y3, prediction=cand3)
    assert v.status is Status.ERROR and "f1_macro" in v.message


def test_empty_current_is_error():
    frame = pd.DataFrame({"y": pd.Series([], dtype=int), "p": pd.Series([], dtype=int)})
    v = PerformanceGate("accuracy", min_value=0.5).check(current=frame, target="y", prediction="p")
    assert v.status is Status.ERROR and v.reason == "empty_input"


def test_missing_baseline_is_error():
    y, cand, _, _, _ = classification(n=100, seed=20)
    v = PerformanceGate("accuracy", max_drop=0.01).check(target=y, prediction=cand)
    assert v.status is Status.ERROR and v.reason == "missing_input"
    assert "baseline_prediction" in v.message


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metric": "f1", "test": "mcnemar"}, "mcnemar"),
        ({"metric": "accuracy", "test": "delong"}, "delong"),
        ({"metric": "acuracy"}, "'accuracy'"),
        ({"metric": len}, "greater_is_better"),
        ({"metric": "accuracy", "greater_is_better": False}, "greater_is_better"),
        ({"metric": "accuracy", "test": "mcnemar", "compare_to": "reference"}, "bootstrap"),
        ({"metric": "accuracy", "min_value": 0.9, "max_value": 0.5}, "min_value"),
        ({"metric": "accuracy", "max_drop": -0.1}, "max_drop"),
    ],
)
def test_parameter_errors_name_the_fix(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        PerformanceGate(**kwargs).validate()


# -- shared predictions -----------------------------------------------------------------------
class CountingModel:
    def __init__(self, flip=0.0):
        self.calls = {"predict": 0, "predict_proba": 0}
        self.flip = flip

    def predict(self, frame):
        self.calls["predict"] += 1
        return (frame["x"].to_numpy() > self.flip).astype(int)

    def predict_proba(self, frame):
        self.calls["predict_proba"] += 1
        p = 1 / (1 + np.exp(-(frame["x"].to_numpy() - self.flip)))
        return np.column_stack([1 - p, p])


def test_model_predictions_are_computed_once_per_suite_run():
    rng = np.random.default_rng(21)
    x = rng.normal(size=500)
    frame = pd.DataFrame({"x": x, "y": (x + rng.normal(0, 0.5, 500) > 0).astype(int)})
    model, champion = CountingModel(), CountingModel(flip=0.3)
    suite = Suite(
        [
            PerformanceGate("accuracy", min_value=0.5),
            PerformanceGate("f1", test="bootstrap", max_drop=0.05, n_resamples=200),
            PerformanceGate("accuracy", test="mcnemar", max_drop=0.02),
            PerformanceGate("roc_auc", test="delong", max_drop=0.02),
            PerformanceGate("log_loss", max_value=1.0),
            CalibrationGate(max_ece=0.2),
        ]
    )
    v = suite.check(current=frame, target="y", model=model, baseline_model=champion)
    assert all(c.status is not Status.ERROR for c in v.children), v.to_text()
    assert model.calls == {"predict": 1, "predict_proba": 1}
    assert champion.calls == {"predict": 1, "predict_proba": 1}


# -- dummy baseline and calibration -----------------------------------------------------------
def test_beats_baseline_uses_sklearn_dummies():
    y, cand, _, proba, _ = classification(n=1000, seed=22)
    y = np.where(np.random.default_rng(0).random(1000) < 0.3, y, 0)  # imbalanced
    v = BeatsBaselineGate(min_improvement=0.02).check(target=y, prediction=cand)
    dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((1000, 1)), y).predict(np.zeros((1000, 1)))
    assert v.metrics["baseline_accuracy"] == pytest.approx(skm.accuracy_score(y, dummy))
    assert v.metrics["improvement"] == pytest.approx(
        skm.accuracy_score(y, cand) - skm.accuracy_score(y, dummy)
    )
    v = BeatsBaselineGate(metric="roc_auc").check(target=y, proba=proba[:, 1])
    assert v.metrics["baseline_roc_auc"] == 0.5 and v.status is Status.PASS
    rng = np.random.default_rng(1)
    yr = rng.normal(size=300)
    v = BeatsBaselineGate(metric="mean_absolute_error").check(
        target=yr, prediction=yr + rng.normal(0, 0.3, 300)
    )
    med = DummyRegressor(strategy="median").fit(np.zeros((300, 1)), yr).predict(np.zeros((300, 1)))
    assert v.metrics["baseline_mean_absolute_error"] == pytest.approx(skm.mean_absolute_error(yr, med))
    assert v.status is Status.PASS


def test_beats_baseline_fails_a_constant_model_and_fits_on_reference():
    rng = np.random.default_rng(23)
    ref = pd.DataFrame({"y": (rng.random(400) < 0.7).astype(int), "p": 1})
    cur = pd.DataFrame({"y": (rng.random(400) < 0.7).astype(int), "p": 1})
    v = BeatsBaselineGate().check(reference=ref, current=cur, target="y", prediction="p")
    assert v.status is Status.FAIL and v.reason == "not_better_than_dummy"
    assert v.params["dummy_fitted_on"] == "reference"
    v = BeatsBaselineGate(test="bootstrap", min_improvement=0.01).check(
        current=cur, target="y", prediction="p"
    )
    assert v.status is Status.FAIL


def test_calibration_gate():
    rng = np.random.default_rng(24)
    p = rng.random(4000)
    y = (rng.random(4000) < p).astype(int)
    v = CalibrationGate(max_ece=0.03, max_brier=0.2).check(target=y, proba=p)
    assert v.status is Status.PASS
    assert v.metrics["brier_score_loss"] == pytest.approx(skm.brier_score_loss(y, p))
    v = CalibrationGate(max_ece=0.05).check(target=y, proba=np.clip(p * 1.5, 0, 1))
    assert v.status is Status.FAIL and v.reason == "calibration_error_exceeded"
    bins = v.findings[0].details["bins"]
    assert sum(bins["count"]) == 4000 and len(bins["edges"]) == 11
    v = CalibrationGate().check(target=y[:50], proba=p[:50])
    assert v.reason == "insufficient_samples" and v.status is Status.WARN


def test_calibration_gate_brier_bound_has_its_registered_code():
    rng = np.random.default_rng(25)
    p = rng.random(2000)
    y = (rng.random(2000) < p).astype(int)
    brier = skm.brier_score_loss(y, p)
    v = CalibrationGate(max_brier=brier - 0.01).check(target=y, proba=p)
    assert v.status is Status.FAIL and v.reason == "brier_score_exceeded"
    (finding,) = [f for f in v.findings if f.subject == "brier_score_loss"]
    assert finding.statistic == pytest.approx(brier) and finding.reason == "brier_score_exceeded"


# -- the contract -----------------------------------------------------------------------------
CONTRACT = [
    PerformanceGate("accuracy", test="mcnemar", max_drop=0.01),
    PerformanceGate("f1_macro", test="bootstrap", n_resamples=200, segments="color", min_segment_size=20),
    PerformanceGate("roc_auc", test="delong", max_drop=0.02),
    PerformanceGate("log_loss", max_relative_drop=0.1, test="bootstrap", n_resamples=200),
    PerformanceGate("roc_auc", compare_to="reference", test="bootstrap", n_resamples=200, max_drop=0.05),
    PerformanceGate("balanced_accuracy", min_value=0.6, blocking=False),
    PerformanceGate("brier_score_loss", max_value=0.3, segments=["group"]),
    BeatsBaselineGate(metric="balanced_accuracy", min_improvement=0.05),
    BeatsBaselineGate(metric="roc_auc", test="bootstrap", n_resamples=200),
    CalibrationGate(max_ece=0.2, max_brier=0.3),
]


@pytest.mark.parametrize("gate", CONTRACT, ids=repr)
def test_contract(gate):
    check_gate(gate, inputs=example_inputs(400))


def test_contract_on_empty_tables_does_not_pass():
    inputs = example_inputs(50)
    inputs["current"] = inputs["current"].iloc[0:0]
    for gate in CONTRACT:
        assert gate.check(**inputs).status is Status.ERROR


def test_pos_label_for_probabilities_follows_predict_proba_columns():
    y, _, _, proba, _ = classification(n=500, seed=25)
    names = np.array(["a", "b"])
    v_b = PerformanceGate("log_loss", max_value=10.0).check(target=names[y], proba=proba[:, 1])
    v_a = PerformanceGate("log_loss", max_value=10.0, pos_label="a").check(target=names[y], proba=proba[:, 1])
    v_2 = PerformanceGate("log_loss", max_value=10.0, pos_label="a").check(target=names[y], proba=proba)
    expected = skm.log_loss(y, proba[:, 1])
    assert v_b.metrics["log_loss"] == pytest.approx(expected)
    assert v_a.metrics["log_loss"] == pytest.approx(expected)
    assert v_2.metrics["log_loss"] == pytest.approx(expected)
    auc = PerformanceGate("roc_auc", min_value=0.5, pos_label="a").check(target=names[y], proba=proba[:, 1])
    assert auc.metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y == 0, proba[:, 0]))


# -- properties -------------------------------------------------------------------------------
@st.composite
def paired_labels(draw):
    n = draw(st.integers(10, 80))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    y[:2] = [0, 1]
    a = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    b = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    return y, a, b


@settings(max_examples=40, deadline=None)
@given(data=paired_labels())
def test_swapping_models_negates_the_difference(data):
    y, a, b = data
    gate = PerformanceGate("accuracy", test="mcnemar")
    ab = gate.check(target=y, prediction=a, baseline_prediction=b)
    ba = gate.check(target=y, prediction=b, baseline_prediction=a)
    assert ab.metrics["difference"] == pytest.approx(-ba.metrics["difference"])
    assert ab.metrics["pvalue"] == pytest.approx(ba.metrics["pvalue"])
    assert ab.metrics["ci_low"] == pytest.approx(-ba.metrics["ci_high"])
    # at most one direction can be a significant regression
    assert not (ab.status is Status.FAIL and ba.status is Status.FAIL)


@settings(max_examples=40, deadline=None)
@given(data=paired_labels(), m1=st.floats(0, 0.3), m2=st.floats(0, 0.3))
def test_a_larger_margin_never_makes_a_verdict_worse(data, m1, m2):
    y, a, b = data
    lo, hi = sorted((m1, m2))
    rank = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
    strict = PerformanceGate("accuracy", test="bootstrap", max_drop=lo, n_resamples=200, min_effect=0.5)
    loose = PerformanceGate("accuracy", test="bootstrap", max_drop=hi, n_resamples=200, min_effect=0.5)
    v_strict = strict.check(target=y, prediction=a, baseline_prediction=b)
    v_loose = loose.check(target=y, prediction=a, baseline_prediction=b)
    assert v_loose.metrics["regression_pvalue"] >= v_strict.metrics["regression_pvalue"]
    assert rank[v_loose.status] <= rank[v_strict.status]


def test_end_to_end_with_sklearn_models():
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(26)
    x = rng.normal(size=(3000, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.7, 3000) > 0).astype(int)
    frame = pd.DataFrame(x, columns=["a", "b", "c"]).assign(y=y)
    train, test = frame.iloc[:2000], frame.iloc[2000:]
    champion = LogisticRegression().fit(train[["a", "b", "c"]], train["y"])
    stump = DecisionTreeClassifier(max_depth=1).fit(train[["a", "b", "c"]], train["y"])
    v = PerformanceGate("roc_auc", test="delong", max_drop=0.01).check(
        current=test, target="y", model=stump, baseline_model=champion
    )
    assert v.status is Status.FAIL and v.reason == "performance_regression"
    proba = champion.predict_proba(test[["a", "b", "c"]])[:, 1]
    assert v.metrics["baseline_roc_auc"] == pytest.approx(skm.roc_auc_score(test["y"], proba))


def _weights(n, seed):
    return np.random.default_rng(seed).uniform(0.1, 3.0, n)


@pytest.mark.parametrize(
    ("metric", "k"),
    [("accuracy", 2), ("f1", 2), ("balanced_accuracy", 3), ("matthews_corrcoef", 3), ("f1_weighted", 3)],
)
def test_weighted_label_metrics_match_sklearn(metric, k):
    y, cand, base, _, _ = classification(n=400, k=k, seed=40 + k)
    w = _weights(400, k)
    spec = METRICS[metric]

    def ref(pred):
        if spec.base in ("f1", "precision", "recall"):
            return getattr(skm, f"{spec.base}_score")(y, pred, average=spec.average, sample_weight=w)
        return getattr(skm, metric if metric == "matthews_corrcoef" else f"{metric}_score")(
            y, pred, sample_weight=w
        )

    v = PerformanceGate(metric).check(target=y, prediction=cand, baseline_prediction=base, sample_weight=w)
    assert v.metrics[metric] == pytest.approx(ref(cand), abs=1e-12)
    assert v.metrics[f"baseline_{metric}"] == pytest.approx(ref(base), abs=1e-12)
    assert v.metrics[metric] != pytest.approx(sk(metric, y, cand), abs=1e-6)  # the weights mattered
    assert v.params["sample_weight"] == "metric values weighted"


@pytest.mark.parametrize("metric", ["roc_auc", "average_precision", "log_loss", "brier_score_loss"])
def test_weighted_score_metrics_match_sklearn(metric):
    y, _, _, proba, proba_b = classification(n=400, seed=44)
    w = _weights(400, 5)
    fn = getattr(skm, metric if metric.endswith("_loss") else f"{metric}_score")
    v = PerformanceGate(metric).check(
        target=y, proba=proba[:, 1], baseline_proba=proba_b[:, 1], sample_weight=w
    )
    assert v.metrics[metric] == pytest.approx(fn(y, proba[:, 1], sample_weight=w), rel=1e-10)
    assert v.metrics[f"baseline_{metric}"] == pytest.approx(fn(y, proba_b[:, 1], sample_weight=w), rel=1e-10)


@pytest.mark.parametrize("metric", REGRESSION)
def test_weighted_regression_metrics_match_sklearn(metric):
    rng = np.random.default_rng(45)
    y = rng.normal(size=300) + 3.0
    pred = y + rng.normal(0, 0.5, 300)
    w = _weights(300, 6)
    fn = getattr(skm, "r2_score" if metric == "r2" else metric)
    v = PerformanceGate(metric, min_value=-100.0).check(target=y, prediction=pred, sample_weight=w)
    assert v.metrics[metric] == pytest.approx(fn(y, pred, sample_weight=w), rel=1e-10)
    assert v.findings[0].statistic == pytest.approx(fn(y, pred, sample_weight=w), rel=1e-10)


def test_weighted_floor_decides_on_the_weighted_value():
    y = np.array([1, 0] * 50)
    pred = y.copy()
    pred[:20] = 1 - pred[:20]  # 80% correct unweighted
    w = np.where(np.arange(100) < 20, 5.0, 1.0)  # the errors weigh 5x: weighted accuracy 80/180
    gate = PerformanceGate("accuracy", min_value=0.7)
    assert gate.check(target=y, prediction=pred).status is Status.PASS
    v = gate.check(target=y, prediction=pred, sample_weight=w)
    assert v.status is Status.FAIL and v.reason == "metric_bound_exceeded"
    assert v.metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, pred, sample_weight=w))


def test_weights_and_unweighted_tests_are_explicit():
    y, cand, base, proba, proba_b = classification(n=600, seed=46)
    w = _weights(600, 7)
    v = PerformanceGate("accuracy", test="mcnemar", max_drop=0.05).check(
        target=y, prediction=cand, baseline_prediction=base, sample_weight=w
    )
    assert "mcnemar test is unweighted" in v.params["sample_weight"]
    assert "the mcnemar test counts rows" in v.findings[0].message
    assert v.metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, cand, sample_weight=w))
    v = PerformanceGate("roc_auc", test="delong", max_drop=0.05).check(
        target=y, proba=proba[:, 1], baseline_proba=proba_b[:, 1], sample_weight=w
    )
    assert "delong test is unweighted" in v.params["sample_weight"]
    assert v.metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba[:, 1], sample_weight=w))
    v = PerformanceGate("accuracy", test="bootstrap", max_drop=0.05, n_resamples=200).check(
        target=y, prediction=cand, baseline_prediction=base, sample_weight=w
    )
    assert v.findings[0].details["engine"] == "rows" and "resamples rows" in v.params["sample_weight"]
    assert v.metrics["difference"] == pytest.approx(
        skm.accuracy_score(y, cand, sample_weight=w) - skm.accuracy_score(y, base, sample_weight=w)
    )
    assert v.metrics["ci_low"] <= v.metrics["difference"] <= v.metrics["ci_high"]

    def unweighted(a, b):
        return skm.accuracy_score(a, b)

    v = PerformanceGate(unweighted, greater_is_better=True).check(
        target=y, prediction=cand, baseline_prediction=base, sample_weight=w
    )
    assert v.params["sample_weight"].startswith("ignored")
    assert v.metrics["unweighted"] == pytest.approx(skm.accuracy_score(y, cand))


def test_weights_on_reference_need_a_column():
    rng = np.random.default_rng(47)
    ref = pd.DataFrame({"y": rng.integers(0, 2, 300), "w": rng.uniform(0.5, 2, 300)})
    ref["p"] = np.where(rng.random(300) < 0.9, ref["y"], 1 - ref["y"])
    cur = ref.sample(frac=1.0, random_state=1).reset_index(drop=True)
    gate = PerformanceGate("accuracy", compare_to="reference", max_drop=0.05)
    v = gate.check(reference=ref, current=cur, target="y", prediction="p", sample_weight="w")
    assert v.metrics["baseline_accuracy"] == pytest.approx(
        skm.accuracy_score(ref.y, ref.p, sample_weight=ref.w)
    )
    assert v.metrics["accuracy"] == pytest.approx(skm.accuracy_score(cur.y, cur.p, sample_weight=cur.w))
    v = gate.check(reference=ref, current=cur, target="y", prediction="p", sample_weight=cur["w"].to_numpy())
    assert v.status is Status.ERROR and "column name" in v.message


def test_beats_baseline_weighted_dummy_matches_sklearn():
    rng = np.random.default_rng(48)
    y = (rng.random(500) < 0.45).astype(int)
    w = np.where(y == 1, 2.0, 1.0)  # class 1 is the weighted majority
    pred = np.where(rng.random(500) < 0.7, y, 1 - y)
    v = BeatsBaselineGate("accuracy").check(target=y, prediction=pred, sample_weight=w)
    z = np.zeros((500, 1))
    dummy = DummyClassifier(strategy="most_frequent").fit(z, y, sample_weight=w).predict(z)
    assert dummy[0] == 1
    assert v.metrics["baseline_accuracy"] == pytest.approx(skm.accuracy_score(y, dummy, sample_weight=w))
    assert v.metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, pred, sample_weight=w))
    assert v.params["dummy_fit_weighted"] is True


def test_weighted_calibration_matches_sklearn_and_repeated_rows():
    rng = np.random.default_rng(27)
    p = rng.random(2000)
    y = (rng.random(2000) < p**1.5).astype(int)
    w = rng.integers(1, 4, 2000).astype(float)
    v = CalibrationGate(max_ece=0.5, max_brier=0.5).check(target=y, proba=p, sample_weight=w)
    assert v.metrics["brier_score_loss"] == pytest.approx(skm.brier_score_loss(y, p, sample_weight=w))
    assert v.params["sample_weight"] == "metric values weighted"
    # integer weights are repeated rows (uniform bins do not depend on the rows)
    rep = CalibrationGate(max_ece=0.5).check(
        target=np.repeat(y, w.astype(int)), proba=np.repeat(p, w.astype(int))
    )
    assert v.metrics["ece"] == pytest.approx(rep.metrics["ece"], abs=1e-12)
    unweighted = CalibrationGate(max_ece=0.5).check(target=y, proba=p)
    assert v.metrics["ece"] != pytest.approx(unweighted.metrics["ece"], abs=1e-6)
    bins = next(f for f in v.findings if f.subject == "ece").details["bins"]
    assert sum(bins["count"]) == 2000 and sum(bins["weight"]) == pytest.approx(w.sum())


@pytest.mark.parametrize(
    ("weights", "reason"), [([-1.0] + [1.0] * 99, "invalid_input"), ([np.nan] + [1.0] * 99, "missing_values")]
)
def test_bad_weights_are_errors(weights, reason):
    y, cand, _, _, _ = classification(n=100, seed=53)
    v = PerformanceGate("accuracy", min_value=0.5).check(
        target=y, prediction=cand, sample_weight=np.array(weights)
    )
    assert v.status is Status.ERROR and v.reason == reason and "sample_weight" in v.message


# -- minimum sample size: nothing PASSes on a handful of rows -----------------------------------
def test_bootstrap_on_four_rows_is_insufficient_not_pass():
    gate = PerformanceGate("accuracy", max_drop=0.05, test="bootstrap")
    inputs = {"target": [1, 0, 1, 0], "prediction": [1, 0, 1, 1], "baseline_prediction": [1, 1, 1, 1]}
    v = gate.check(**inputs)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert "4 rows on current < min_samples 30" in v.message
    assert f"detects drops of {v.metrics['mde']:.4f} or more" in v.message
    assert v.metrics["mde"] > 0.05
    assert gate.set_params(on_insufficient="fail").check(**inputs).status is Status.FAIL
    # the rule can be lowered deliberately; then the interval's verdict applies again
    assert gate.set_params(min_samples=1, on_insufficient="warn").check(**inputs).status is Status.PASS


def test_r2_bootstrap_on_six_rows_is_insufficient():
    rng = np.random.default_rng(49)
    y = rng.normal(size=6)
    v = PerformanceGate("r2", max_drop=0.05, test="bootstrap").check(
        target=y, prediction=y + 0.01, baseline_prediction=y + 0.02
    )
    assert v.status is Status.WARN and v.reason == "insufficient_samples"


@pytest.mark.parametrize("n", [4, 10])
def test_delong_on_few_rows_is_insufficient(n):
    y = np.arange(n) % 2
    v = PerformanceGate("roc_auc", max_drop=0.05, test="delong").check(
        target=y, proba=y * 0.8 + 0.1, baseline_proba=y * 0.7 + 0.1
    )
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert f"{n} rows on current" in v.message


def test_score_metrics_need_ten_of_each_class():
    rng = np.random.default_rng(50)
    y = np.zeros(300, dtype=int)
    y[:6] = 1  # 6 positives among 300 rows
    p = np.clip(y * 0.6 + rng.random(300) * 0.4, 0, 1)
    gate = PerformanceGate("roc_auc", max_drop=0.05, test="delong")
    v = gate.check(target=y, proba=p, baseline_proba=p)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert "6 positive rows on current < 10" in v.message
    v = PerformanceGate("roc_auc", min_value=0.6).check(target=y, proba=p)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    y[:12] = 1
    assert gate.check(target=y, proba=p, baseline_proba=p).reason != "insufficient_samples"
    # label metrics have no per-class rule
    assert PerformanceGate("accuracy", min_value=0.5).check(target=y, prediction=y).status is Status.PASS


def test_floors_and_dummy_comparison_need_min_samples():
    v = PerformanceGate("accuracy", min_value=0.9).check(target=[0, 1], prediction=[0, 1])
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert "2 rows on current < min_samples 30" in v.message
    v = PerformanceGate("accuracy", min_value=0.9, on_insufficient="fail").check(
        target=[0, 1], prediction=[0, 1]
    )
    assert v.status is Status.FAIL and v.reason == "insufficient_samples"
    v = PerformanceGate("accuracy", max_drop=0.0).check(
        target=[0, 1, 1], prediction=[0, 1, 1], baseline_prediction=[0, 1, 0]
    )
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    v = BeatsBaselineGate().check(target=[0, 1, 1], prediction=[0, 1, 1])
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    # a failure on a small sample still fails (fail closed)
    v = PerformanceGate("accuracy", min_value=0.9).check(target=[0, 1], prediction=[1, 0])
    assert v.status is Status.FAIL and v.reason == "metric_bound_exceeded"
    assert BeatsBaselineGate().check(target=[0, 1, 1], prediction=[1, 0, 0]).status is Status.FAIL


def test_compare_to_reference_needs_min_samples_on_both_sides():
    rng = np.random.default_rng(51)
    ref = pd.DataFrame({"y": rng.integers(0, 2, 12)})
    ref["p"] = ref["y"]
    cur = pd.DataFrame({"y": rng.integers(0, 2, 500)})
    cur["p"] = cur["y"]
    v = PerformanceGate("accuracy", compare_to="reference", max_drop=0.05).check(
        reference=ref, current=cur, target="y", prediction="p"
    )
    assert v.status is Status.WARN and "12 rows on reference" in v.message


def test_metric_is_positional_in_beats_baseline_gate():
    gate = BeatsBaselineGate("roc_auc")
    assert gate.metric == "roc_auc" and gate.get_params()["metric"] == "roc_auc"
    assert "roc_auc" in repr(gate)


def test_details_hold_one_interval_pair_and_plot_draws_it():
    y, cand, base, _, _ = classification(n=500, seed=52)
    v = PerformanceGate("accuracy", test="mcnemar", max_drop=0.05).check(
        target=y, prediction=cand, baseline_prediction=base
    )
    d = v.findings[0].details
    assert d["ci_low"] == v.metrics["ci_low"] and d["ci_high"] == v.metrics["ci_high"]
    assert not any(k.startswith("delta_ci") for k in d)
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    ax = v.plot().axes[0]
    assert ax.collections  # the interval's whiskers


def test_config_round_trip_with_defaults_and_segments():
    from mlgates import gate_from_config

    gate = gate_from_config({"type": "PerformanceGate", "name": "performance"})
    assert gate.metric == "accuracy"
    full = PerformanceGate("f1_macro", test="bootstrap", max_drop=0.02, segments=["a", "b"], pos_label=1)
    assert gate_from_config(full.to_config()).to_config() == full.to_config()


def test_mixed_type_labels_are_error_not_traceback():
    y = np.array([0, "1", 0, "1"] * 25, dtype=object)
    v = PerformanceGate("accuracy", min_value=0.5).check(target=y, prediction=np.zeros(100, dtype=int))
    assert v.status is Status.ERROR and v.reason in ("invalid_input", "invalid_prediction")


def test_one_class_reference_names_the_side():
    ref = pd.DataFrame({"y": [1] * 60, "p": [1] * 60})
    cur = pd.DataFrame({"y": [0, 1] * 30, "p": [0, 1] * 30})
    v = PerformanceGate("accuracy", compare_to="reference").check(
        reference=ref, current=cur, target="y", prediction="p"
    )
    assert v.reason == "one_class_target" and "rows of reference" in v.message
