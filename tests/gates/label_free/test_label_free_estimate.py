"""LabelFreePerformanceGate: estimates on simulated data where the truth is known, and every
assumption check (not_calibrated, outside_support, concept drift left invisible, on record)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score

from mlgates import ConceptDriftGate, LabelFreePerformanceGate, PerformanceGate, Status, Verdict

REALIZED = {"accuracy": lambda y, s: accuracy_score(y, s >= 0.5), "roc_auc": roc_auc_score}


def world(n: int, seed: int, *, shift: float = 0.0, over: float = 1.0, slope: float = 2.0, flip: float = 0.0):
    """x ~ N(shift, 1); P(y=1 | x) = sigmoid(slope x - 0.5); the model's score is
    sigmoid(over * (2 x - 0.5)), so ``over`` > 1 is overconfident; ``slope`` != 2 or ``flip``
    (a share of labels flipped) is concept drift."""
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    p = 1 / (1 + np.exp(-(slope * x - 0.5)))
    y = (rng.random(n) < p).astype(int)
    if flip:
        y = np.where(rng.random(n) < flip, 1 - y, y)
    s = 1 / (1 + np.exp(-over * (2 * x - 0.5)))
    return pd.DataFrame({"x": x, "s": s, "y": y})


def check(gate, ref, cur, **kw):
    return gate.check(reference=ref, current=cur.drop(columns="y"), target="y", proba="s", **kw)


def test_calibrated_scores_estimate_the_realized_accuracy():
    ref, cur = world(3000, 0), world(2000, 1, shift=0.5)
    v = check(LabelFreePerformanceGate("accuracy", min_value=0.6), ref, cur)
    truth = REALIZED["accuracy"](cur.y, cur.s)
    assert v.status is Status.PASS, v.to_text()
    assert v.metrics["accuracy_ci_low"] <= truth <= v.metrics["accuracy_ci_high"]
    assert v.params["calibration_method"] == "none"
    assert "concept drift" in v.message and "cannot be seen without labels" in v.message
    assert v.findings[0].details["assumption"] == v.params["assumption"]
    assert Verdict.from_json(v.to_json()) == v


def test_interval_decisions_fail_pass_and_straddle():
    ref, cur = world(3000, 2), world(2000, 3)
    base = check(LabelFreePerformanceGate("accuracy"), ref, cur).metrics
    lo, hi = base["accuracy_ci_low"], base["accuracy_ci_high"]
    assert check(LabelFreePerformanceGate("accuracy", min_value=lo - 0.01), ref, cur).status is Status.PASS
    failed = check(LabelFreePerformanceGate("accuracy", min_value=hi + 0.01), ref, cur)
    assert (failed.status, failed.reason) == (Status.FAIL, "metric_bound_exceeded")
    straddle = check(LabelFreePerformanceGate("accuracy", min_value=(lo + hi) / 2), ref, cur)
    assert (straddle.status, straddle.reason) == (Status.WARN, "insufficient_samples")
    assert "inconclusive" in straddle.message
    strict = LabelFreePerformanceGate("accuracy", min_value=(lo + hi) / 2, on_insufficient="fail")
    assert check(strict, ref, cur).status is Status.FAIL


def test_max_drop_sees_a_shift_into_harder_rows():
    """Current rows moved towards the decision boundary are harder: the estimate drops with the
    realized accuracy, before any label arrives."""
    ref = world(4000, 4)
    rng = np.random.default_rng(5)
    x = rng.normal(0.25, 0.3, 3000)  # near the boundary x = 0.25
    p = 1 / (1 + np.exp(-(2 * x - 0.5)))
    cur = pd.DataFrame({"x": x, "s": p, "y": (rng.random(3000) < p).astype(int)})
    v = check(LabelFreePerformanceGate("accuracy", max_drop=0.05), ref, cur)
    assert (v.status, v.reason) == (Status.FAIL, "performance_regression"), v.to_text()
    assert v.metrics["baseline_accuracy"] == pytest.approx(REALIZED["accuracy"](ref.y, ref.s))
    assert v.metrics["ci_high"] < -0.05
    assert v.metrics["accuracy_ci_low"] <= REALIZED["accuracy"](cur.y, cur.s) <= v.metrics["accuracy_ci_high"]


@pytest.mark.parametrize("metric", ["precision", "recall", "f1", "roc_auc"])
def test_every_metric_estimates_and_records_its_interval(metric):
    ref, cur = world(2000, 6, over=2.0), world(1500, 7, over=2.0)
    v = check(LabelFreePerformanceGate(metric, n_resamples=500), ref, cur)
    assert v.params["calibration_method"] in ("sigmoid", "isotonic")
    assert v.metrics[f"{metric}_ci_low"] <= v.metrics[metric] <= v.metrics[f"{metric}_ci_high"]
    assert 0 < v.metrics[f"{metric}_ci_high"] - v.metrics[f"{metric}_ci_low"] < 0.2


def test_overconfident_scores_are_refused_not_estimated():
    ref, cur = world(3000, 8, over=2.5), world(2000, 9, over=2.5)
    v = check(LabelFreePerformanceGate("accuracy", min_value=0.5, calibration="none"), ref, cur)
    assert (v.status, v.reason) == (Status.ERROR, "not_calibrated"), v.to_text()
    assert "accuracy" not in v.metrics
    assert v.metrics["reference_ece"] > v.metrics["max_reference_ece"]
    assert v.params["max_reference_ece_source"] == "null_quantile_0.999"
    # with calibration="auto" a map repairs them and the estimate is made
    fixed = check(LabelFreePerformanceGate("accuracy", min_value=0.5), ref, cur)
    assert fixed.status is Status.PASS and fixed.params["calibration_method"] in ("sigmoid", "isotonic")


def test_auto_prefers_the_sigmoid_when_it_is_the_true_map():
    """Overconfident logistic scores are exactly a sigmoid of their logit: the honest
    out-of-fold ECE picks the sigmoid, whose ROC AUC estimate is unbiased (the isotonic map's
    noise reads as separation)."""
    from mlgates.gates.label_free._calibration import fit_reference

    chosen = []
    for seed in range(5):
        ref = world(3000, 100 + seed, over=2.5)
        fit = fit_reference(
            ref.s.to_numpy(),
            ref.y.to_numpy(),
            calibration="auto",
            decision_threshold=0.5,
            cv=5,
            random_state=seed,
            max_reference_ece="auto",
        )
        assert fit.calibrated
        chosen.append(fit.method)
    assert chosen.count("sigmoid") >= 4, chosen


def test_scores_no_monotone_map_can_calibrate_are_refused():
    rng = np.random.default_rng(10)

    def table(n):
        s = rng.random(n)
        p = np.where(np.abs(s - 0.5) > 0.3, 0.9, 0.15)  # both ends positive: not monotone
        return pd.DataFrame({"x": rng.normal(size=n), "s": s, "y": (rng.random(n) < p).astype(int)})

    v = check(LabelFreePerformanceGate("accuracy"), table(2000), table(1000))
    assert (v.status, v.reason) == (Status.ERROR, "not_calibrated")
    assert set(v.params["calibration_oof_ece"]) == {"none", "sigmoid", "isotonic"}


def test_a_fixed_max_reference_ece_is_used_as_given():
    ref, cur = world(2000, 11), world(1000, 12)
    v = check(LabelFreePerformanceGate("accuracy", max_reference_ece=0.0), ref, cur)
    assert v.reason == "not_calibrated" and v.params["max_reference_ece_source"] == "parameter"


def test_covariate_shift_into_unseen_regions_warns_outside_support():
    ref = world(3000, 13)
    cur = world(1000, 14, shift=5.0)  # most rows beyond anything the reference saw
    v = check(LabelFreePerformanceGate("accuracy", min_value=0.5), ref, cur)
    support = next(f for f in v.findings if f.subject == "support")
    assert (support.status, support.reason) == (Status.WARN, "outside_support")
    assert v.metrics["outside_share"] > 0.5 and v.status is Status.WARN
    assert set(support.details["by_column"]) == {"x", "score"}
    assert "outside the reference's support" in v.message


def test_a_shift_within_the_support_does_not_warn():
    ref, cur = world(3000, 15), world(1000, 16, shift=0.5)
    v = check(LabelFreePerformanceGate("accuracy"), ref, cur)
    support = next(f for f in v.findings if f.subject == "support")
    assert support.status is Status.PASS
    assert support.details["null_bound"] > 0


def test_unseen_categories_count_as_outside_support():
    ref, cur = world(2000, 17), world(1000, 18)
    ref = ref.assign(city=np.random.default_rng(0).choice(["a", "b"], 2000))
    cur = cur.assign(city=np.where(np.arange(1000) < 400, "z", "a"))
    v = check(LabelFreePerformanceGate("accuracy"), ref, cur)
    support = next(f for f in v.findings if f.subject == "support")
    assert support.reason == "outside_support" and support.details["by_column"]["city"] == 400


@pytest.mark.parametrize("drift", [{"slope": 0.7}, {"flip": 0.3}])
def test_concept_drift_is_invisible_without_labels(drift):
    """P(y | x) changed, P(x) and the scores did not: the label-free estimate cannot move, its
    interval misses the realized value, and the verdict says that this is the blind spot."""
    ref = world(3000, 19)
    cur_same, cur_drift = world(2000, 20), world(2000, 20, **drift)
    gate = LabelFreePerformanceGate("accuracy")
    v_same, v_drift = check(gate, ref, cur_same), check(gate, ref, cur_drift)
    assert v_same.metrics["accuracy"] == v_drift.metrics["accuracy"]  # same scores, same estimate
    truth = REALIZED["accuracy"](cur_drift.y, cur_drift.s)
    assert truth < v_drift.metrics["accuracy_ci_low"]
    assert "concept drift" in v_drift.message
    # labels reveal it: PerformanceGate on the labelled batch sees the drop
    measured = PerformanceGate("accuracy", min_value=v_drift.metrics["accuracy_ci_low"]).check(
        target=cur_drift.y, prediction=(cur_drift.s >= 0.5).astype(int)
    )
    assert measured.status is Status.FAIL
    # and ConceptDriftGate, which reads the labels, names it: P(y | score) changed
    concept = ConceptDriftGate()
    caught = concept.check(reference=ref, current=cur_drift, target="y", proba="s")
    assert (caught.status, caught.reason) == (Status.FAIL, "concept_drift_detected"), caught.to_text()
    quiet = concept.check(reference=ref, current=cur_same, target="y", proba="s")
    assert quiet.status is Status.PASS, quiet.to_text()


def test_a_small_reference_makes_no_estimate():
    v = check(LabelFreePerformanceGate("accuracy", min_value=0.5), world(150, 21), world(500, 22))
    assert (v.status, v.reason) == (Status.WARN, "insufficient_samples")
    assert "accuracy" not in v.metrics and "no estimate" in v.message


def test_a_model_input_and_its_features():
    ref, cur = world(2000, 23), world(1000, 24, shift=3.0)
    model = LogisticRegression().fit(ref[["x"]], ref["y"])
    v = LabelFreePerformanceGate("roc_auc", n_resamples=500).check(
        reference=ref[["x", "y"]], current=cur[["x"]], target="y", model=model
    )
    support = next(f for f in v.findings if f.subject == "support")
    assert list(support.details["columns"]) == ["x", "score"] and support.reason == "outside_support"
    assert "roc_auc" in v.metrics


def test_pos_label_and_two_column_proba():
    ref, cur = world(2000, 25), world(1000, 26)
    labels = {0: "no", 1: "yes"}
    named_ref = ref.assign(y=ref.y.map(labels), s0=1 - ref.s)
    named_cur = cur.drop(columns="y").assign(s0=1 - cur.s)
    one = check(LabelFreePerformanceGate("accuracy"), ref, cur)
    two = LabelFreePerformanceGate("accuracy").check(
        reference=named_ref, current=named_cur, target="y", proba=["s0", "s"]
    )
    assert two.params["pos_label"] == "yes"
    assert two.metrics["accuracy"] == pytest.approx(one.metrics["accuracy"])
    flipped = LabelFreePerformanceGate("recall", pos_label="no", decision_threshold=0.5).check(
        reference=named_ref, current=named_cur, target="y", proba=["s0", "s"]
    )
    assert flipped.params["pos_label"] == "no" and "recall" in flipped.metrics


def test_scores_that_are_not_probabilities():
    ref, cur = world(2000, 27), world(1000, 28)
    logit = lambda t: np.log(t.s / (1 - t.s))  # noqa: E731
    ref_d, cur_d = ref.assign(s=logit(ref)), cur.assign(s=logit(cur))
    v = check(LabelFreePerformanceGate("accuracy", decision_threshold=0.0), ref_d, cur_d)
    assert v.params["calibration_method"] in ("sigmoid", "isotonic")
    truth = REALIZED["accuracy"](cur.y, cur.s)
    assert v.metrics["accuracy_ci_low"] <= truth <= v.metrics["accuracy_ci_high"]
    refused = check(LabelFreePerformanceGate("accuracy", calibration="none"), ref_d, cur_d)
    assert (refused.status, refused.reason) == (Status.ERROR, "invalid_proba")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (lambda n: np.random.default_rng(0).normal(size=n), "unsupported_target"),
        (lambda n: np.arange(n) % 3, "non_binary_labels"),
        (lambda n: np.zeros(n, int), "one_class_target"),
    ],
)
def test_bad_reference_targets(target, reason):
    ref, cur = world(300, 29), world(100, 30)
    v = check(LabelFreePerformanceGate("accuracy"), ref.assign(y=target(300)), cur)
    assert (v.status, v.reason) == (Status.ERROR, reason)


def test_missing_inputs_and_named_support_columns():
    ref, cur = world(300, 31), world(100, 32)
    v = LabelFreePerformanceGate().check(reference=ref, current=cur, target="y")
    assert v.reason == "missing_input" and "proba" in v.message
    v = check(LabelFreePerformanceGate(columns=["x", "nope"]), ref, cur)
    assert (v.status, v.reason) == (Status.ERROR, "missing_column") and "nope" in v.message
    v = LabelFreePerformanceGate().check(reference=ref, current=cur.iloc[:0], target="y", proba="s")
    assert (v.status, v.reason) == (Status.ERROR, "empty_input")
