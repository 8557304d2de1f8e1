"""FairnessGate and DisparateImpactGate: agreement with fairlearn (the oracle), the deliberate
differences, small-group honesty, input errors, sharing of counts, and the gate contract."""

from __future__ import annotations

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates import DisparateImpactGate, FairnessGate, Status, Suite
from mlgates.core.errors import ParameterError
from mlgates.stats import fairness as fk
from mlgates.testing import check_gate, example_inputs

TOL = 1e-12


def frame(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(["a1", "a2", "a3", "a4"], n, p=[0.4, 0.3, 0.2, 0.1])
    b = rng.choice(["b1", "b2", "b3"], n)
    y = rng.integers(0, 2, n)
    bias = np.select([a == "a1", a == "a2", a == "a3"], [0.15, 0.05, -0.05], -0.1)
    pred = (rng.random(n) < 0.35 + bias + 0.3 * y).astype(int)
    return pd.DataFrame(
        {
            "a": a,
            "b": b,
            "y": y,
            "pred": pred,
            "base": (rng.random(n) < 0.4 + 0.3 * y).astype(int),
            "w": rng.random(n) * 2 + 0.1,
            "score": rng.normal(size=n) + y,
            "target_reg": rng.normal(size=n) * (1 + (a == "a1")),
        }
    )


DF = frame()
NAMED = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
]
FEATURES = [["a"], ["a", "b"]]


def _fl_kwargs(metric, agg):
    return {"agg": agg} if metric.startswith("equalized_odds") else {}


@pytest.mark.parametrize("metric", NAMED)
@pytest.mark.parametrize("method", ["between_groups", "to_overall"])
@pytest.mark.parametrize("features", FEATURES)
@pytest.mark.parametrize("weighted", [False, True])
def test_named_metrics_match_fairlearn(metric, method, features, weighted):
    aggs = ["worst_case", "mean"] if metric.startswith("equalized_odds") else ["worst_case"]
    weight = DF["w"].to_numpy() if weighted else None
    for agg in aggs:
        gate = FairnessGate(
            metric, method=method, combine_rates=agg, sensitive_features=features, min_group_size=1
        )
        v = gate.check(current=DF, target="y", prediction="pred", sample_weight=weight)
        ours = v.metrics[metric]
        theirs = getattr(flm, metric)(
            DF["y"],
            DF["pred"],
            sensitive_features=DF[features],
            method=method,
            sample_weight=weight,
            **_fl_kwargs(metric, agg),
        )
        assert abs(ours - theirs) <= TOL, (metric, method, agg, ours, theirs)


# per-group metrics: our name -> oracle callable for MetricFrame
def _cm(y, p, sample_weight=None):
    return skm.confusion_matrix(y, p, labels=[0, 1], sample_weight=sample_weight).ravel()


ORACLES = {
    "selection_rate": flm.selection_rate,
    "true_positive_rate": flm.true_positive_rate,
    "false_positive_rate": flm.false_positive_rate,
    "true_negative_rate": flm.true_negative_rate,
    "false_negative_rate": flm.false_negative_rate,
    "accuracy_score": skm.accuracy_score,
    "error_rate": lambda y, p, sample_weight=None: 1 - skm.accuracy_score(y, p, sample_weight=sample_weight),
    "precision_score": skm.precision_score,
    "recall_score": skm.recall_score,
    "f1_score": skm.f1_score,
    "false_discovery_rate": lambda y, p, sample_weight=None: (
        1 - skm.precision_score(y, p, sample_weight=sample_weight)
    ),
    "negative_predictive_value": lambda y, p, sample_weight=None: (lambda c: c[0] / (c[0] + c[2]))(
        _cm(y, p, sample_weight)
    ),
    "false_omission_rate": lambda y, p, sample_weight=None: (lambda c: c[2] / (c[0] + c[2]))(
        _cm(y, p, sample_weight)
    ),
}


def _group_values(verdict, metric):
    return {f.subject: f.statistic for f in verdict.findings if f.method == metric and "=" in f.subject}


def _subject(names, key):
    key = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{n}={v}" for n, v in zip(names, key))


@pytest.mark.parametrize("metric", sorted(ORACLES))
@pytest.mark.parametrize("features", FEATURES)
def test_per_group_metrics_match_metricframe(metric, features):
    w = DF["w"].to_numpy()
    mf = flm.MetricFrame(
        metrics=ORACLES[metric],
        y_true=DF["y"],
        y_pred=DF["pred"],
        sensitive_features=DF[features],
        sample_params={"sample_weight": w},
    )
    for aggregate in ("difference", "ratio", "group_min", "group_max"):
        for method in ("between_groups", "to_overall"):
            if aggregate.startswith("group") and method == "to_overall":
                continue
            gate = FairnessGate(
                metric,
                aggregate=aggregate,
                method=method,
                sensitive_features=features,
                min_group_size=1,
                max_value=10.0,
                n_resamples=0,
            )
            v = gate.check(current=DF, target="y", prediction="pred", sample_weight=w)
            name = f"{metric}_{aggregate}"
            if aggregate == "difference":
                expected = mf.difference(method=method)
            elif aggregate == "ratio":
                expected = mf.ratio(method=method)
            else:
                expected = getattr(mf, aggregate)()
            assert abs(v.metrics[name] - expected) <= TOL, (metric, aggregate, method)
    v = FairnessGate(metric, sensitive_features=features, min_group_size=1, n_resamples=0).check(
        current=DF, target="y", prediction="pred", sample_weight=w
    )
    ours = _group_values(v, metric)
    for key, value in mf.by_group.items():
        assert abs(ours[_subject(features, key)] - value) <= TOL


@pytest.mark.parametrize("metric", ["mean_absolute_error", "mean_squared_error", "root_mean_squared_error"])
def test_regression_metrics_match_metricframe(metric):
    w = DF["w"].to_numpy()
    mf = flm.MetricFrame(
        metrics=getattr(skm, metric),
        y_true=DF["target_reg"],
        y_pred=DF["score"],
        sensitive_features=DF[["a", "b"]],
        sample_params={"sample_weight": w},
    )
    for aggregate in ("difference", "ratio", "group_max"):
        v = FairnessGate(
            metric,
            aggregate=aggregate,
            sensitive_features=["a", "b"],
            max_value=100.0,
            min_group_size=1,
            n_resamples=20,
        ).check(current=DF, target="target_reg", prediction="score", sample_weight=w)
        expected = {"difference": mf.difference(), "ratio": mf.ratio(), "group_max": mf.group_max()}[
            aggregate
        ]
        assert abs(v.metrics[f"{metric}_{aggregate}"] - expected) <= TOL
        if aggregate != "group_max":
            to_overall = FairnessGate(
                metric,
                aggregate=aggregate,
                method="to_overall",
                sensitive_features=["a", "b"],
                max_value=100.0,
                min_group_size=1,
                n_resamples=0,
            ).check(current=DF, target="target_reg", prediction="score", sample_weight=w)
            expected = getattr(mf, aggregate)(method="to_overall")
            assert abs(to_overall.metrics[f"{metric}_{aggregate}"] - expected) <= TOL
    ours = _group_values(v, metric)
    for key, value in mf.by_group.items():
        assert abs(ours[_subject(["a", "b"], key)] - value) <= TOL


def test_bounded_group_loss_fails_on_worst_group():
    v = FairnessGate(
        "mean_absolute_error", aggregate="group_max", max_value=0.5, sensitive_features="a", n_resamples=50
    ).check(current=DF, target="target_reg", prediction="score")
    worst = max(skm.mean_absolute_error(g["target_reg"], g["score"]) for _, g in DF.groupby("a"))
    assert v.metrics["mean_absolute_error_group_max"] == pytest.approx(worst, abs=TOL)
    assert v.status is Status.FAIL and v.reason == "fairness_bound_exceeded"


def test_sklearn_name_and_callable_go_through_metricframe():
    expected = flm.MetricFrame(
        metrics=skm.balanced_accuracy_score, y_true=DF["y"], y_pred=DF["pred"], sensitive_features=DF["a"]
    ).difference()
    for metric in ("balanced_accuracy_score", skm.balanced_accuracy_score):
        v = FairnessGate(metric, sensitive_features="a", n_resamples=10).check(
            current=DF, target="y", prediction="pred"
        )
        assert abs(v.metrics["balanced_accuracy_score_difference"] - expected) <= TOL
        assert (
            v.metrics["balanced_accuracy_score_difference_ci_low"]
            <= v.metrics["balanced_accuracy_score_difference_ci_high"]
        )


def test_array_inputs_and_precedence_of_gate_parameter():
    arr = DF["b"].to_numpy()
    v_param = FairnessGate(sensitive_features="a").check(
        current=DF, target="y", prediction="pred", sensitive_features=arr
    )
    v_input = FairnessGate().check(current=DF, target="y", prediction="pred", sensitive_features=DF["a"])
    assert (
        v_param.metrics["demographic_parity_difference"] == v_input.metrics["demographic_parity_difference"]
    )
    assert list(v_param.params["sensitive_feature_names"]) == ["a"]
    v_arr = FairnessGate().check(
        target=DF["y"].to_numpy(),
        prediction=DF["pred"].to_numpy(),
        sensitive_features=np.column_stack([DF["a"], DF["b"]]),
    )
    expected = flm.demographic_parity_difference(DF["y"], DF["pred"], sensitive_features=DF[["a", "b"]])
    assert abs(v_arr.metrics["demographic_parity_difference"] - expected) <= TOL
    assert any(f.subject.startswith("sensitive_feature_0=a1, sensitive_feature_1=") for f in v_arr.findings)


# -- deliberate differences from fairlearn ---------------------------------------------------------
def _no_positive_group():
    df = DF.copy()
    df.loc[df["a"] == "a4", "y"] = 0  # group a4 has no positive labels: TPR undefined
    return df


def test_difference_zero_denominator_group_is_excluded_not_zero():
    df = _no_positive_group()
    theirs = flm.equalized_odds_difference(df["y"], df["pred"], sensitive_features=df["a"])
    fl_tpr = flm.MetricFrame(
        metrics=flm.true_positive_rate, y_true=df["y"], y_pred=df["pred"], sensitive_features=df["a"]
    ).by_group
    assert fl_tpr["a4"] == 0.0  # fairlearn scores the undefined TPR as 0 ...
    assert theirs == pytest.approx(fl_tpr.max())  # ... so equalized odds is the largest TPR

    v = FairnessGate("equalized_odds_difference", sensitive_features="a").check(
        current=df, target="y", prediction="pred"
    )
    kept = df[df["a"] != "a4"]
    tpr = flm.MetricFrame(
        metrics=flm.true_positive_rate, y_true=kept["y"], y_pred=kept["pred"], sensitive_features=kept["a"]
    ).difference()
    fpr = flm.MetricFrame(
        metrics=flm.false_positive_rate, y_true=df["y"], y_pred=df["pred"], sensitive_features=df["a"]
    ).difference()
    assert abs(v.metrics["equalized_odds_difference"] - max(tpr, fpr)) <= TOL
    assert v.metrics["equalized_odds_difference"] < theirs
    (undefined,) = [f for f in v.findings if f.reason == "undefined_statistic"]
    assert undefined.subject == "a=a4" and undefined.method == "true_positive_rate"
    assert undefined.statistic is None and undefined.status is Status.WARN
    assert "not counted as 0" in undefined.message


def test_ratio_zero_denominator_group():
    df = _no_positive_group()
    theirs = flm.equal_opportunity_ratio(df["y"], df["pred"], sensitive_features=df["a"])
    assert theirs == 0.0  # fairlearn: min TPR 0 / max TPR
    v = FairnessGate("equal_opportunity_ratio", sensitive_features="a", min_value=0.5).check(
        current=df, target="y", prediction="pred"
    )
    assert v.metrics["equal_opportunity_ratio"] > 0.5
    assert v.status is Status.WARN and v.reason == "undefined_statistic"


def test_probabilities_as_predictions_error_unless_threshold():
    proba = np.clip(DF["pred"] * 0.6 + np.random.default_rng(0).random(len(DF)) * 0.3, 0, 1)
    fl = flm.demographic_parity_difference(DF["y"], proba, sensitive_features=DF["a"])
    assert fl == 0.0  # fairlearn: selection rate = share of predictions equal to 1 -> all 0
    v = FairnessGate(sensitive_features="a").check(current=DF, target="y", prediction=proba.to_numpy())
    assert v.status is Status.ERROR and v.reason == "probabilities_as_labels"
    assert "decision_threshold=" in v.message
    v = FairnessGate(sensitive_features="a", decision_threshold=0.5).check(
        current=DF, target="y", prediction=proba.to_numpy()
    )
    expected = flm.demographic_parity_difference(DF["y"], proba >= 0.5, sensitive_features=DF["a"])
    assert abs(v.metrics["demographic_parity_difference"] - expected) <= TOL


def test_threshold_uses_proba_input_and_model():
    from sklearn.linear_model import LogisticRegression

    x = DF[["score"]]
    model = LogisticRegression().fit(x, DF["y"])
    cut = model.predict_proba(x)[:, 1] >= 0.3
    expected = flm.demographic_parity_difference(DF["y"], cut, sensitive_features=DF["a"])
    v = FairnessGate(decision_threshold=0.3).check(
        current=x, target=DF["y"].to_numpy(), model=model, sensitive_features=DF["a"].to_numpy()
    )
    assert abs(v.metrics["demographic_parity_difference"] - expected) <= TOL


def test_small_group_is_insufficient_not_scored():
    df = DF.copy()
    df.loc[df.index[:10], "a"] = "tiny"
    v = FairnessGate("demographic_parity_difference", sensitive_features="a", max_value=1.0).check(
        current=df, target="y", prediction="pred"
    )
    tiny = [f for f in v.findings if f.subject == "a=tiny"]
    # judged on its size (group_size 10 < min_group_size 30), the metric itself not scored
    assert tiny and all(f.reason == "insufficient_samples" and f.method == "group_size" for f in tiny)
    assert all(f.statistic == 10 and f.threshold == 30 for f in tiny)
    assert all("n=10 < min_group_size 30" in f.message for f in tiny)
    assert v.status is Status.WARN and "a=tiny" in v.findings[0].details["groups_excluded"]
    kept = df[df["a"] != "tiny"]
    expected = flm.demographic_parity_difference(kept["y"], kept["pred"], sensitive_features=kept["a"])
    assert abs(v.metrics["demographic_parity_difference"] - expected) <= TOL
    failing = FairnessGate(sensitive_features="a", max_value=1.0, on_insufficient="fail").check(
        current=df, target="y", prediction="pred"
    )
    assert failing.status is Status.FAIL
    ignored = FairnessGate(sensitive_features="a", max_value=1.0, on_insufficient="skip").check(
        current=df, target="y", prediction="pred"
    )
    assert ignored.status is Status.PASS


def test_rate_on_few_denominator_rows_is_insufficient():
    df = DF.copy()
    a4 = df.index[df["a"] == "a4"]
    df.loc[a4, "y"] = 0
    df.loc[a4[:5], "y"] = 1  # a4: ~400 rows but only 5 positives
    v = FairnessGate("equal_opportunity_difference", sensitive_features="a", max_value=1.0).check(
        current=df, target="y", prediction="pred"
    )
    (f,) = [f for f in v.findings if f.subject == "a=a4"]
    assert f.reason == "insufficient_samples" and f.method == "group_size" and "rests on 5 rows" in f.message
    assert f.statistic == 5 and f.threshold == 30 and f.details["support"] == 5
    kept = df[df["a"] != "a4"]
    expected = flm.equal_opportunity_difference(kept["y"], kept["pred"], sensitive_features=kept["a"])
    assert abs(v.metrics["equal_opportunity_difference"] - expected) <= TOL
    full = FairnessGate("equal_opportunity_difference", sensitive_features="a", min_group_size=1).check(
        current=df, target="y", prediction="pred"
    )
    theirs = flm.equal_opportunity_difference(df["y"], df["pred"], sensitive_features=df["a"])
    assert abs(full.metrics["equal_opportunity_difference"] - theirs) <= TOL


def test_single_group_is_not_a_pass():
    df = DF.assign(a="only")
    v = FairnessGate(sensitive_features="a").check(current=df, target="y", prediction="pred")
    assert v.status is Status.WARN and v.reason == "single_group"
    v = DisparateImpactGate(sensitive_features="a").check(current=df, prediction="pred")
    assert v.status is Status.WARN and v.reason == "single_group"


def test_undecidable_never_passes_even_when_insufficient_is_ignored():
    one = DF.assign(a="only")
    v = FairnessGate(sensitive_features="a", on_insufficient="skip").check(current=one, prediction="pred")
    assert v.status is Status.SKIP and v.reason == "single_group"
    v = DisparateImpactGate(sensitive_features="a", on_insufficient="skip").check(
        current=one, prediction="pred"
    )
    assert v.status is Status.SKIP and v.reason == "single_group"
    v = FairnessGate(sensitive_features="a", on_insufficient="skip", min_group_size=10**6).check(
        current=DF, prediction="pred"
    )
    assert v.status is Status.SKIP and v.reason == "insufficient_samples"
    v = DisparateImpactGate(sensitive_features="a", on_insufficient="skip", min_group_size=10**6).check(
        current=DF, prediction="pred"
    )
    assert v.status is Status.SKIP and v.reason == "insufficient_samples"


def test_all_groups_small_is_insufficient():
    v = FairnessGate(sensitive_features="a", min_group_size=100_000).check(
        current=DF, target="y", prediction="pred"
    )
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert np.isnan(v.metrics["demographic_parity_difference"])


def test_undefined_aggregate_names_its_cause():
    no_pos = DF.assign(y=0)  # no positive label anywhere: TPR undefined in every group
    v = FairnessGate("equalized_odds_difference", sensitive_features="a").check(
        current=no_pos, target="y", prediction="pred"
    )
    assert np.isnan(v.metrics["equalized_odds_difference"])
    assert v.status is Status.WARN and v.reason == "undefined_statistic"
    assert "true_positive_rate undefined in every group: no rows with a positive label" in v.message
    assert "fewer than two groups" not in v.message and "false_positive_rate" not in v.findings[0].message
    nobody = DF.assign(pred=0)  # nobody selected: the ratio is 0 / 0
    v = FairnessGate("demographic_parity_ratio", sensitive_features="a").check(
        current=nobody, prediction="pred"
    )
    assert np.isnan(v.metrics["demographic_parity_ratio"])
    assert v.status is Status.WARN and v.reason == "undefined_statistic"
    assert "the largest selection_rate is 0.0%, so the ratio is 0 / 0" in v.message
    assert "fewer than two groups" not in v.message
    v = FairnessGate("demographic_parity_ratio", method="to_overall", sensitive_features="a").check(
        current=nobody, prediction="pred"
    )
    assert "the overall selection_rate is 0.0%" in v.message
    v = FairnessGate("demographic_parity_ratio", sensitive_features="a", max_worsening=0.1).check(
        current=nobody, prediction="pred", baseline_prediction="base"
    )
    (worse,) = [f for f in v.findings if f.method == "fairness_non_regression"]
    assert worse.status is Status.WARN and worse.reason == "undefined_statistic" and worse.statistic is None
    assert "undefined for the candidate (the largest selection_rate is 0.0%" in worse.message
    # groups too small stays a sample-size problem, with the groups that were used
    v = FairnessGate(sensitive_features="a", min_group_size=1500).check(current=DF, prediction="pred")
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    assert "fewer than two groups with >= 1500 rows" in v.message and "a=a1" in v.message


def test_all_groups_equal_message():
    v = FairnessGate(sensitive_features="a").check(current=DF.assign(pred=0), prediction="pred")
    assert v.status is Status.PASS
    assert "all groups 0.0%" in v.message and "vs a=" not in v.message


def test_missing_sensitive_values_policies():
    df = DF.copy()
    df.loc[df.index[:200], "a"] = None
    as_group = FairnessGate(sensitive_features="a").check(current=df, target="y", prediction="pred")
    assert any(f.subject == "a=<missing>" for f in as_group.findings)  # was a=<NA>
    dropped = FairnessGate(sensitive_features="a", on_missing="drop").check(
        current=df, target="y", prediction="pred"
    )
    kept = df[df["a"].notna()]
    expected = flm.demographic_parity_difference(kept["y"], kept["pred"], sensitive_features=kept["a"])
    assert abs(dropped.metrics["demographic_parity_difference"] - expected) <= TOL
    assert dropped.params["n_dropped_missing"] == 200
    err = FairnessGate(sensitive_features="a", on_missing="error").check(
        current=df, target="y", prediction="pred"
    )
    assert err.status is Status.ERROR and err.reason == "missing_sensitive_values"


def test_string_labels_need_pos_label():
    df = DF.assign(y=np.where(DF["y"] == 1, ">50K", "<=50K"), pred=np.where(DF["pred"] == 1, ">50K", "<=50K"))
    v = FairnessGate("equalized_odds_difference", sensitive_features="a").check(
        current=df, target="y", prediction="pred"
    )
    assert v.status is Status.ERROR and v.reason == "pos_label_required"
    v = FairnessGate("equalized_odds_difference", sensitive_features="a", pos_label=">50K").check(
        current=df, target="y", prediction="pred"
    )
    expected = flm.equalized_odds_difference(DF["y"], DF["pred"], sensitive_features=DF["a"])
    assert abs(v.metrics["equalized_odds_difference"] - expected) <= TOL


def test_non_binary_and_missing_labels_are_errors():
    df = DF.assign(pred=DF["pred"] + DF["y"])
    v = FairnessGate(sensitive_features="a").check(current=df, target="y", prediction="pred")
    assert v.status is Status.ERROR and v.reason == "non_binary_labels"
    df = DF.assign(y=DF["y"].astype(float))
    df.loc[3, "y"] = np.nan
    v = FairnessGate("equal_opportunity_difference", sensitive_features="a").check(
        current=df, target="y", prediction="pred"
    )
    assert v.status is Status.ERROR and v.reason == "missing_values"


def test_missing_inputs():
    v = FairnessGate("equalized_odds_difference", sensitive_features="a").check(current=DF, prediction="pred")
    assert v.status is Status.ERROR and v.reason == "missing_input"
    v = FairnessGate().check(current=DF, target="y", prediction="pred")
    assert v.status is Status.ERROR and v.reason == "missing_input"
    v = FairnessGate(sensitive_features="nope").check(current=DF, target="y", prediction="pred")
    assert v.status is Status.ERROR and v.reason == "missing_column"
    v = FairnessGate(sensitive_features="a").check(current=DF.iloc[0:0], target="y", prediction="pred")
    assert v.status is Status.ERROR and v.reason == "empty_input"


def test_length_mismatch_without_current_is_an_error():
    y = DF["y"].to_numpy()
    v = FairnessGate("equalized_odds_difference").check(
        target=y, prediction=DF["pred"].to_numpy()[:-5], sensitive_features=DF["a"].to_numpy()
    )
    assert v.status is Status.ERROR and v.reason == "length_mismatch" and "prediction" in v.message
    v = FairnessGate().check(target=y, prediction=DF["pred"].to_numpy(), sensitive_features=DF["a"][:10])
    assert v.status is Status.ERROR and v.reason == "length_mismatch"


def test_integer_column_names():
    df = DF.rename(columns={"a": 0, "b": 1})
    v = FairnessGate(sensitive_features=[0, 1]).check(current=df, target="y", prediction="pred")
    expected = flm.demographic_parity_difference(DF["y"], DF["pred"], sensitive_features=DF[["a", "b"]])
    assert abs(v.metrics["demographic_parity_difference"] - expected) <= TOL
    assert any(f.subject.startswith("0=a1, 1=b1") for f in v.findings)
    v = FairnessGate().check(current=df, target="y", prediction="pred", sensitive_features=0)
    assert any(f.subject == "0=a1" for f in v.findings)


def test_demographic_parity_needs_no_target():
    v = FairnessGate(sensitive_features="a").check(current=DF, prediction="pred")
    expected = flm.demographic_parity_difference(DF["y"], DF["pred"], sensitive_features=DF["a"])
    assert abs(v.metrics["demographic_parity_difference"] - expected) <= TOL


def test_group_findings_carry_wilson_intervals():
    from statsmodels.stats.proportion import proportion_confint

    v = FairnessGate(sensitive_features="a", confidence=0.9).check(current=DF, target="y", prediction="pred")
    for f in v.findings:
        if f.method == "selection_rate" and f.subject.startswith("a="):
            rows = DF[DF["a"] == f.subject[2:]]
            lo, hi = proportion_confint(rows["pred"].sum(), len(rows), alpha=0.1, method="wilson")
            assert f.details["ci_low"] == pytest.approx(lo, abs=TOL)
            assert f.details["ci_high"] == pytest.approx(hi, abs=TOL)
            assert f.details["n"] == len(rows) and f.details["ci_method"] == "wilson"


def test_decision_ci_needs_interval_beyond_bound():
    point = FairnessGate(sensitive_features="a", max_value=0.25).check(
        current=DF, target="y", prediction="pred"
    )
    value = point.metrics["demographic_parity_difference"]
    lo = point.metrics["demographic_parity_difference_ci_low"]
    hi = point.metrics["demographic_parity_difference_ci_high"]
    assert lo <= value <= hi
    bound = (lo + value) / 2  # point beyond the bound, interval includes it
    v = FairnessGate(sensitive_features="a", max_value=bound, decision="ci").check(
        current=DF, target="y", prediction="pred"
    )
    assert v.status is Status.WARN and v.reason == "fairness_bound_inconclusive"
    v = FairnessGate(sensitive_features="a", max_value=lo / 2, decision="ci").check(
        current=DF, target="y", prediction="pred"
    )
    assert v.status is Status.FAIL
    # seeded: the same gate on the same data gives the same interval; another seed does not
    again = FairnessGate(sensitive_features="a", max_value=0.25).check(
        current=DF, target="y", prediction="pred"
    )
    assert again.metrics == point.metrics
    other = FairnessGate(sensitive_features="a", max_value=0.25, random_state=7).check(
        current=DF, target="y", prediction="pred"
    )
    assert other.metrics["demographic_parity_difference_ci_low"] != lo


def test_non_regression_against_baseline():
    same = FairnessGate("equalized_odds_difference", sensitive_features="a", max_worsening=0.0).check(
        current=DF, target="y", prediction="pred", baseline_prediction="pred"
    )
    assert same.metrics["equalized_odds_difference_worsening"] == 0.0
    assert same.metrics["equalized_odds_difference_worsening_ci_high"] == 0.0
    assert same.status is Status.PASS
    v = FairnessGate("equalized_odds_difference", sensitive_features="a", max_worsening=0.02).check(
        current=DF, target="y", prediction="pred", baseline_prediction="base"
    )
    base = flm.equalized_odds_difference(DF["y"], DF["base"], sensitive_features=DF["a"])
    cand = flm.equalized_odds_difference(DF["y"], DF["pred"], sensitive_features=DF["a"])
    assert abs(v.metrics["baseline_equalized_odds_difference"] - base) <= TOL
    assert abs(v.metrics["equalized_odds_difference"] - cand) <= TOL
    assert v.metrics["equalized_odds_difference_worsening"] == pytest.approx(cand - base, abs=TOL)
    assert v.status is Status.FAIL and v.reason == "fairness_regression"
    reverse = FairnessGate("equalized_odds_difference", sensitive_features="a", max_worsening=0.02).check(
        current=DF, target="y", prediction="base", baseline_prediction="pred"
    )
    assert reverse.status is Status.PASS
    ratio = FairnessGate("demographic_parity_ratio", sensitive_features="a", max_worsening=0.05).check(
        current=DF, target="y", prediction="pred", baseline_prediction="base"
    )
    assert ratio.findings[1].details["direction"] == "lower is worse"
    assert ratio.status is Status.FAIL


def test_non_regression_regression_metric_is_paired():
    v = FairnessGate("mean_absolute_error", sensitive_features="a", max_worsening=0.0, n_resamples=30).check(
        current=DF, target="target_reg", prediction="score", baseline_prediction="score"
    )
    assert v.metrics["mean_absolute_error_difference_worsening"] == 0.0
    assert v.metrics["mean_absolute_error_difference_worsening_ci_low"] == 0.0
    assert v.status is Status.PASS


def _same_quality_pair(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    """Two predictions of the same quality (80% accurate, errors independent of the group)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "g": rng.choice(["a", "b", "c"], n),
            "y": y,
            "cand": np.where(rng.random(n) < 0.8, y, 1 - y),
            "champ": np.where(rng.random(n) < 0.8, y, 1 - y),
        }
    )


def test_non_regression_same_quality_champion_is_not_a_failure():
    df = _same_quality_pair()
    cand = flm.demographic_parity_difference(df["y"], df["cand"], sensitive_features=df["g"])
    champ = flm.demographic_parity_difference(df["y"], df["champ"], sensitive_features=df["g"])
    assert cand > champ  # noise makes the candidate look (slightly) worse on the point estimate
    inputs = {"current": df, "target": "y", "prediction": "cand", "baseline_prediction": "champ"}
    v = FairnessGate(sensitive_features="g", max_worsening=0.0).check(**inputs)
    low = v.metrics["demographic_parity_difference_worsening_ci_low"]
    high = v.metrics["demographic_parity_difference_worsening_ci_high"]
    assert v.metrics["demographic_parity_difference_worsening"] == pytest.approx(cand - champ, abs=TOL)
    assert low < 0 < high
    assert v.status is Status.WARN and v.reason == "fairness_regression_inconclusive"
    (finding,) = [f for f in v.findings if f.method == "fairness_non_regression"]
    assert finding.status is Status.WARN and "interval" in finding.message
    # the point decision is still available, and fails on the same data
    point = FairnessGate(sensitive_features="g", max_worsening=0.0, worsening_decision="point").check(
        **inputs
    )
    assert point.status is Status.FAIL and point.reason == "fairness_regression"
    # decision= governs the bound on the aggregate only, not the worsening
    agg = FairnessGate(sensitive_features="g", max_worsening=0.0, decision="point").check(**inputs)
    assert agg.status is Status.WARN and agg.reason == "fairness_regression_inconclusive"


def test_non_regression_clearly_worse_candidate_fails():
    df = _same_quality_pair()
    rng = np.random.default_rng(2)
    # the candidate flips 30% of group a's negatives to positive: selection rates drift apart
    flip = (df["g"] == "a") & (df["cand"] == 0) & (rng.random(len(df)) < 0.3)
    df["cand"] = np.where(flip, 1, df["cand"])
    v = FairnessGate(sensitive_features="g", max_worsening=0.02).check(
        current=df, target="y", prediction="cand", baseline_prediction="champ"
    )
    cand = flm.demographic_parity_difference(df["y"], df["cand"], sensitive_features=df["g"])
    champ = flm.demographic_parity_difference(df["y"], df["champ"], sensitive_features=df["g"])
    assert v.metrics["demographic_parity_difference_worsening"] == pytest.approx(cand - champ, abs=TOL)
    assert v.metrics["demographic_parity_difference_worsening_ci_low"] > 0.02
    assert v.status is Status.FAIL and v.reason == "fairness_regression"


def test_missing_baseline_is_missing_input():
    v = FairnessGate(sensitive_features="a", max_worsening=0.1).check(
        current=DF, target="y", prediction="pred"
    )
    assert v.status is Status.ERROR and v.reason == "missing_input"


def test_counts_computed_once_per_suite_run(monkeypatch):
    calls = []
    original = fk.confusion_counts

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(fk, "confusion_counts", counting)
    suite = Suite(
        [
            FairnessGate("demographic_parity_difference"),
            FairnessGate("equalized_odds_difference"),
            FairnessGate("accuracy", aggregate="group_min", min_value=0.1),
            DisparateImpactGate(),
        ]
    )
    verdict = suite.check(
        current=DF, target="y", prediction="pred", sensitive_features="a", sample_weight="w"
    )
    assert len(calls) == 1
    assert all(child.status is not Status.ERROR for child in verdict.children)
    FairnessGate(sensitive_features="b").check(current=DF, target="y", prediction="pred")
    assert len(calls) == 2  # a different grouping is a different table


def test_parameter_errors():
    with pytest.raises(ParameterError, match="metric"):
        FairnessGate("no_such_metric").validate()
    with pytest.raises(ParameterError, match="aggregate"):
        FairnessGate("demographic_parity_difference", aggregate="ratio").validate()
    with pytest.raises(ParameterError, match="combine_rates"):
        FairnessGate("demographic_parity_difference", combine_rates="mean").validate()
    with pytest.raises(ParameterError, match="max_value"):
        FairnessGate("accuracy", aggregate="group_min").validate()
    with pytest.raises(ParameterError, match="n_resamples"):
        FairnessGate(decision="ci", n_resamples=0).validate()
    with pytest.raises(ParameterError, match="n_resamples"):
        FairnessGate(max_worsening=0.1, n_resamples=0).validate()
    FairnessGate(max_worsening=0.1, n_resamples=0, worsening_decision="point").validate()
    FairnessGate(n_resamples=0).validate()  # no baseline comparison: no interval needed
    with pytest.raises(ParameterError, match="min_ratio"):
        DisparateImpactGate(min_ratio=1.5).validate()


# -- DisparateImpactGate -----------------------------------------------------------------------
def test_disparate_impact_ratios_match_pandas():
    rates = DF.groupby("a")["pred"].mean()
    v = DisparateImpactGate(sensitive_features="a").check(current=DF, prediction="pred")
    for f in v.findings:
        assert f.statistic == pytest.approx(rates[f.subject[2:]] / rates.max(), abs=TOL)
        assert f.details["ci_low"] <= f.statistic + 1e-9 or f.subject == f"a={rates.idxmax()}"
    assert v.metrics["disparate_impact_ratio"] == pytest.approx(rates.min() / rates.max(), abs=TOL)
    expected = flm.demographic_parity_ratio(DF["y"], DF["pred"], sensitive_features=DF["a"])
    assert abs(v.metrics["disparate_impact_ratio"] - expected) <= TOL
    assert v.status is Status.FAIL and v.reason == "disparate_impact"
    failing = {f.subject for f in v.findings if f.status is Status.FAIL}
    assert failing == {f"a={k}" for k in rates.index if rates[k] / rates.max() < 0.8}


def test_disparate_impact_reference_group_and_overall():
    rates = DF.groupby("a")["pred"].mean()
    v = DisparateImpactGate(sensitive_features="a", reference_group="a2", min_ratio=0.5).check(
        current=DF, prediction="pred"
    )
    ratios = {f.subject: f.statistic for f in v.findings}
    assert ratios["a=a1"] == pytest.approx(rates["a1"] / rates["a2"], abs=TOL)
    v = DisparateImpactGate(sensitive_features="a", reference_group="overall").check(
        current=DF, prediction="pred"
    )
    ratios = {f.subject: f.statistic for f in v.findings}
    assert ratios["a=a4"] == pytest.approx(rates["a4"] / DF["pred"].mean(), abs=TOL)
    v = DisparateImpactGate(sensitive_features="a", reference_group="a=zz").check(
        current=DF, prediction="pred"
    )
    assert v.status is Status.ERROR and v.reason == "missing_reference_group"


def test_disparate_impact_ci_decision():
    v = DisparateImpactGate(sensitive_features="a", decision="ci", min_ratio=0.8).check(
        current=DF, prediction="pred"
    )
    for f in v.findings:
        if f.status is Status.FAIL:
            assert f.details["ci_high"] < 0.8
        if f.reason == "disparate_impact_inconclusive":
            assert f.statistic < 0.8 <= f.details["ci_high"]


# -- contract -----------------------------------------------------------------------------------
GATES = [
    FairnessGate(),
    FairnessGate("equalized_odds_ratio", combine_rates="mean", method="to_overall"),
    FairnessGate("true_positive_rate", aggregate="group_min", min_value=0.1, decision="ci"),
    FairnessGate("equal_opportunity_difference", max_worsening=0.5, n_resamples=100),
    FairnessGate("mean_absolute_error", aggregate="group_max", max_value=1.0, n_resamples=20),
    FairnessGate("balanced_accuracy_score", n_resamples=5),
    FairnessGate(skm.accuracy_score, n_resamples=5),
    FairnessGate(decision_threshold=0.5, sensitive_features=["group", "color"], min_group_size=5),
    DisparateImpactGate(),
    DisparateImpactGate(reference_group="overall", decision="ci", n_resamples=200),
]


@pytest.mark.parametrize("gate", GATES, ids=repr)
def test_check_gate_contract(gate):
    verdict = check_gate(gate, inputs=example_inputs())
    assert verdict.status is not Status.ERROR, verdict.message


@pytest.mark.parametrize("gate", GATES[:2] + GATES[-2:], ids=repr)
def test_empty_current_fails_closed(gate):
    inputs = example_inputs()
    inputs["current"] = inputs["current"].iloc[0:0]
    v = gate.check(**inputs)
    assert v.status is Status.ERROR and v.reason


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_gate_properties_on_random_data(seed):
    df = frame(600, seed)
    v = FairnessGate("demographic_parity_difference", sensitive_features="a", n_resamples=50).check(
        current=df, prediction="pred"
    )
    r = FairnessGate("demographic_parity_ratio", sensitive_features="a", n_resamples=50).check(
        current=df, prediction="pred"
    )
    d = v.metrics["demographic_parity_difference"]
    q = r.metrics["demographic_parity_ratio"]
    assert d >= 0 and 0 <= q <= 1
    relabelled = df.assign(a=df["a"].map({"a1": "z", "a2": "y", "a3": "x", "a4": "w"}))
    v2 = FairnessGate("demographic_parity_difference", sensitive_features="a", n_resamples=50).check(
        current=relabelled, prediction="pred"
    )
    assert v2.metrics["demographic_parity_difference"] == pytest.approx(d, abs=TOL)


@pytest.mark.parametrize("cls", [FairnessGate, DisparateImpactGate])
def test_pos_label_is_validated(cls):
    for ok in (1, True, 1.0, "yes", np.int64(1), np.str_("yes"), None):
        cls(pos_label=ok).validate()
    with pytest.raises(ParameterError, match=r"The 'pos_label' parameter of \w+ must be a class label"):
        cls(pos_label=[1]).validate()
