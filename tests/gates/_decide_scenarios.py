"""Scenarios of the performance and fairness gates whose verdicts are pinned by the golden test
(``test_decide_describe_golden.py``): every decision path of ``PerformanceGate``,
``FairnessGate`` and ``DisparateImpactGate`` (floors, ceilings, champion vs challenger with each
test, ``compare_to="reference"``, segments, insufficient samples, worsening, decisions by CI,
each metric family, weights), plus ``BeatsBaselineGate`` and ``CalibrationGate``, which share
the performance helpers.

``SCENARIOS`` maps a name to a function returning a verdict. The data is built with numpy
generators of fixed seeds (pandas only to hold columns), so the verdicts are the same on every
platform. ``verdict_record`` is the verdict's JSON without what changes between runs (timing,
provenance) (from ``tests/_golden.py``, shared with the drift scenarios).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from mlgates import (
    BeatsBaselineGate,
    CalibrationGate,
    DisparateImpactGate,
    FairnessGate,
    PerformanceGate,
    Verdict,
)

SCENARIOS: dict[str, Callable[[], Verdict]] = {}


def scenario(fn: Callable[[], Verdict]) -> Callable[[], Verdict]:
    SCENARIOS[fn.__name__] = fn
    return fn


# -- data ---------------------------------------------------------------------------------------


def _labels(n: int, seed: int, p_cand: float, p_base: float, k: int = 2):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    cand = np.where(rng.random(n) < p_cand, y, rng.integers(0, k, n))
    base = np.where(rng.random(n) < p_base, y, rng.integers(0, k, n))
    return y, cand, base


def _scores(n: int, seed: int, sep_cand: float, sep_base: float):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    cand = 1 / (1 + np.exp(-(rng.normal(size=n) + sep_cand * (2 * y - 1))))
    base = 1 / (1 + np.exp(-(rng.normal(size=n) + sep_base * (2 * y - 1))))
    return y, cand, base


def _regression(n: int, seed: int, noise_cand: float, noise_base: float):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 2 * x + rng.normal(scale=0.5, size=n)
    return y, 2 * x + rng.normal(scale=noise_cand, size=n), 2 * x + rng.normal(scale=noise_base, size=n)


def _segment_frame(n: int = 1200, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "tiny"], n, p=[0.4, 0.35, 0.22, 0.03])
    y = rng.integers(0, 2, n)
    # the candidate is worse in the south only
    p_cand = np.where(region == "south", 0.7, 0.88)
    cand = np.where(rng.random(n) < p_cand, y, 1 - y)
    base = np.where(rng.random(n) < 0.86, y, 1 - y)
    score = np.clip(0.5 + (2 * y - 1) * rng.uniform(0, 0.5, n) * np.where(region == "south", 0.3, 1.0), 0, 1)
    score_b = np.clip(0.5 + (2 * y - 1) * rng.uniform(0, 0.5, n), 0, 1)
    return pd.DataFrame(
        {
            "region": region,
            "tier": rng.choice(["a", "b"], n),
            "y": y,
            "pred": cand,
            "base": base,
            "score": score,
            "score_b": score_b,
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def _fair_frame(n: int = 2000, seed: int = 0, gap: float = 0.2, base_gap: float = 0.05) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    race = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    y = rng.integers(0, 2, n)
    rate = np.where(sex == "M", 0.5, 0.5 - gap)
    rate_b = np.where(sex == "M", 0.5, 0.5 - base_gap)
    pred = np.where(y == 1, rng.random(n) < rate + 0.2, rng.random(n) < rate - 0.2).astype(int)
    base = np.where(y == 1, rng.random(n) < rate_b + 0.2, rng.random(n) < rate_b - 0.2).astype(int)
    score = np.clip(0.5 * pred + 0.5 * rng.random(n), 0, 1)
    target_num = y * 2.0 + rng.normal(scale=0.5, size=n)
    return pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "y": y,
            "pred": pred,
            "base": base,
            "score": score,
            "yr": target_num,
            "pr": target_num + rng.normal(scale=np.where(sex == "M", 0.3, 0.6), size=n),
            "pr_b": target_num + rng.normal(scale=0.4, size=n),
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


# -- PerformanceGate: floors and ceilings -----------------------------------------------------


@scenario
def perf_floor_pass() -> Verdict:
    y, cand, _ = _labels(500, 1, 0.9, 0.8)
    return PerformanceGate("accuracy", min_value=0.7).check(target=y, prediction=cand)


@scenario
def perf_floor_fail() -> Verdict:
    y, cand, _ = _labels(500, 1, 0.5, 0.8)
    return PerformanceGate("accuracy", min_value=0.9).check(target=y, prediction=cand)


@scenario
def perf_ceiling_loss_fail() -> Verdict:
    y, cand, _ = _regression(400, 2, 1.5, 0.5)
    return PerformanceGate("mean_absolute_error", max_value=0.8).check(target=y, prediction=cand)


@scenario
def perf_floor_and_ceiling_pass() -> Verdict:
    y, cand, _ = _regression(400, 2, 0.6, 0.5)
    return PerformanceGate("r2", min_value=0.5, max_value=0.99).check(target=y, prediction=cand)


@scenario
def perf_floor_short_sample() -> Verdict:
    y, cand, _ = _labels(20, 4, 0.9, 0.8)
    return PerformanceGate("accuracy", min_value=0.5).check(target=y, prediction=cand)


@scenario
def perf_floor_short_fail_stands() -> Verdict:
    y, cand, _ = _labels(20, 4, 0.3, 0.8)
    return PerformanceGate("accuracy", min_value=0.9, on_insufficient="fail").check(target=y, prediction=cand)


@scenario
def perf_floor_undefined_callable() -> Verdict:
    y, cand, _ = _labels(100, 5, 0.9, 0.8)
    return PerformanceGate(lambda a, b: math.nan, greater_is_better=True, min_value=0.5).check(
        target=y, prediction=cand
    )


@scenario
def perf_floor_score_metric_few_positives() -> Verdict:
    rng = np.random.default_rng(6)
    y = (rng.random(300) < 0.02).astype(int)
    y[:2] = 1
    p = np.clip(y * 0.6 + rng.random(300) * 0.4, 0, 1)
    return PerformanceGate("roc_auc", min_value=0.6).check(target=y, proba=p)


# -- PerformanceGate: point comparison --------------------------------------------------------


@scenario
def perf_point_pass() -> Verdict:
    y, cand, base = _labels(800, 7, 0.86, 0.85)
    return PerformanceGate("accuracy", max_drop=0.02).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_point_fail() -> Verdict:
    y, cand, base = _labels(800, 7, 0.75, 0.85)
    return PerformanceGate("accuracy", max_drop=0.02).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_point_default_zero_margin() -> Verdict:
    y, cand, base = _labels(800, 8, 0.85, 0.85)
    return PerformanceGate("balanced_accuracy").check(target=y, prediction=cand, baseline_prediction=base)


@scenario
def perf_point_short() -> Verdict:
    y, cand, base = _labels(25, 10, 0.9, 0.85)
    return PerformanceGate("accuracy", max_drop=0.05).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_point_relative_margin_loss() -> Verdict:
    y, cand, base = _regression(600, 10, 0.55, 0.5)
    return PerformanceGate("root_mean_squared_error", max_relative_drop=0.05).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_point_both_margins_and_floor() -> Verdict:
    y, cand, base = _labels(800, 11, 0.84, 0.85)
    return PerformanceGate("f1", max_drop=0.03, max_relative_drop=0.01, min_value=0.6).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_point_relative_zero_baseline() -> Verdict:
    y, cand, base = _regression(300, 12, 0.5, 0.5)
    return PerformanceGate(
        lambda a, b: 0.0 if b is not None and b[0] == b[0] else 1.0,
        greater_is_better=False,
        max_relative_drop=0.1,
    ).check(target=y, prediction=cand, baseline_prediction=base)


@scenario
def perf_point_perfect_baseline() -> Verdict:
    y, cand, _ = _labels(300, 13, 0.9, 1.0)
    return PerformanceGate("accuracy", max_drop=0.2).check(target=y, prediction=cand, baseline_prediction=y)


@scenario
def perf_point_undefined_candidate() -> Verdict:
    y, cand, base = _labels(200, 14, 0.9, 0.8)

    def odd(a: np.ndarray, b: np.ndarray) -> float:
        return float("nan") if np.array_equal(b, cand) else float(np.mean(a == b))

    return PerformanceGate(odd, greater_is_better=True, max_drop=0.01).check(
        target=y, prediction=cand, baseline_prediction=base
    )


# -- PerformanceGate: McNemar -----------------------------------------------------------------


@scenario
def perf_mcnemar_fail() -> Verdict:
    y, cand, base = _labels(2000, 0, 0.8, 0.85)
    return PerformanceGate("accuracy", max_drop=0.01, test="mcnemar").check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_mcnemar_pass_not_significant() -> Verdict:
    y, cand, base = _labels(3000, 15, 0.85, 0.85)
    return PerformanceGate("accuracy", max_drop=0.05, test="mcnemar").check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_mcnemar_zero_margin() -> Verdict:
    y, cand, base = _labels(1500, 16, 0.84, 0.86)
    return PerformanceGate("accuracy", test="mcnemar").check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_mcnemar_underpowered() -> Verdict:
    y, cand, base = _labels(200, 17, 0.84, 0.86)
    return PerformanceGate("accuracy", max_drop=0.01, test="mcnemar").check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_mcnemar_short() -> Verdict:
    y, cand, base = _labels(24, 18, 0.85, 0.85)
    return PerformanceGate("accuracy", max_drop=0.05, test="mcnemar", on_insufficient="error").check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_mcnemar_weighted() -> Verdict:
    y, cand, base = _labels(1500, 19, 0.86, 0.85)
    w = np.random.default_rng(19).uniform(0.5, 2, 1500)
    return PerformanceGate("accuracy", max_drop=0.05, test="mcnemar").check(
        target=y, prediction=cand, baseline_prediction=base, sample_weight=w
    )


@scenario
def perf_mcnemar_min_effect_skip() -> Verdict:
    y, cand, base = _labels(400, 23, 0.84, 0.86)
    return PerformanceGate(
        "accuracy", max_drop=0.05, test="mcnemar", min_effect=0.005, on_insufficient="skip"
    ).check(target=y, prediction=cand, baseline_prediction=base)


# -- PerformanceGate: bootstrap ---------------------------------------------------------------


@scenario
def perf_bootstrap_f1_macro_multiclass() -> Verdict:
    y, cand, base = _labels(900, 21, 0.8, 0.82, k=3)
    return PerformanceGate("f1_macro", max_drop=0.02, test="bootstrap", n_resamples=300).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_bootstrap_log_loss() -> Verdict:
    y, cand, base = _scores(400, 22, 1.0, 1.3)
    return PerformanceGate("log_loss", max_drop=0.01, test="bootstrap", n_resamples=100).check(
        target=y, proba=cand, baseline_proba=base
    )


@scenario
def perf_bootstrap_r2_ruled_out() -> Verdict:
    y, cand, base = _regression(800, 23, 0.5, 0.5)
    return PerformanceGate("r2", max_drop=0.05, test="bootstrap", n_resamples=100, min_effect=0.001).check(
        target=y, prediction=cand, baseline_prediction=base
    )


@scenario
def perf_bootstrap_weighted_mae() -> Verdict:
    y, cand, base = _regression(600, 24, 0.7, 0.5)
    w = np.random.default_rng(24).uniform(0.5, 2, 600)
    return PerformanceGate("mean_absolute_error", max_drop=0.02, test="bootstrap", n_resamples=300).check(
        target=y, prediction=cand, baseline_prediction=base, sample_weight=w
    )


@scenario
def perf_bootstrap_weighted_accuracy_rows() -> Verdict:
    y, cand, base = _labels(600, 25, 0.85, 0.86)
    w = np.random.default_rng(25).uniform(0.5, 2, 600)
    return PerformanceGate("accuracy", max_drop=0.05, test="bootstrap", n_resamples=200).check(
        target=y, prediction=cand, baseline_prediction=base, sample_weight=w
    )


@scenario
def perf_bootstrap_callable_weights_ignored() -> Verdict:
    y, cand, base = _labels(400, 26, 0.85, 0.86)
    w = np.random.default_rng(26).uniform(0.5, 2, 400)

    def hit_rate(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean(a == b))

    return PerformanceGate(
        hit_rate, greater_is_better=True, max_drop=0.05, test="bootstrap", n_resamples=200
    ).check(target=y, prediction=cand, baseline_prediction=base, sample_weight=w)


@scenario
def perf_bootstrap_reference() -> Verdict:
    y_ref, p_ref, _ = _labels(700, 27, 0.88, 0.8)
    y_cur, p_cur, _ = _labels(600, 28, 0.8, 0.8)
    ref = pd.DataFrame({"y": y_ref, "p": p_ref})
    cur = pd.DataFrame({"y": y_cur, "p": p_cur})
    return PerformanceGate(
        "accuracy", compare_to="reference", max_drop=0.02, test="bootstrap", n_resamples=300
    ).check(reference=ref, current=cur, target="y", prediction="p")


@scenario
def perf_point_reference_weighted() -> Verdict:
    y_ref, p_ref, _ = _labels(700, 29, 0.85, 0.8)
    y_cur, p_cur, _ = _labels(650, 30, 0.86, 0.8)
    rng = np.random.default_rng(30)
    ref = pd.DataFrame({"y": y_ref, "p": p_ref, "w": rng.uniform(0.5, 2, 700)})
    cur = pd.DataFrame({"y": y_cur, "p": p_cur, "w": rng.uniform(0.5, 2, 650)})
    return PerformanceGate("precision", compare_to="reference", max_drop=0.03).check(
        reference=ref, current=cur, target="y", prediction="p", sample_weight="w"
    )


# -- PerformanceGate: DeLong ------------------------------------------------------------------


@scenario
def perf_delong_fail() -> Verdict:
    y, cand, base = _scores(1500, 31, 0.6, 1.2)
    return PerformanceGate("roc_auc", max_drop=0.01, test="delong").check(
        target=y, proba=cand, baseline_proba=base
    )


@scenario
def perf_delong_pass() -> Verdict:
    y, cand, base = _scores(1500, 32, 1.2, 1.2)
    return PerformanceGate("roc_auc", max_drop=0.03, test="delong").check(
        target=y, proba=cand, baseline_proba=base
    )


@scenario
def perf_delong_degenerate_short() -> Verdict:
    rng = np.random.default_rng(33)
    y = np.array([0] * 12 + [1] * 12)
    cand = np.where(y == 1, 0.9, 0.1) + rng.uniform(-0.05, 0.05, 24)
    base = np.where(y == 1, 0.8, 0.2) + rng.uniform(-0.05, 0.05, 24)
    return PerformanceGate("roc_auc", max_drop=0.05, test="delong").check(
        target=y, proba=cand, baseline_proba=base
    )


@scenario
def perf_delong_weighted() -> Verdict:
    y, cand, base = _scores(800, 34, 1.0, 1.0)
    w = np.random.default_rng(34).uniform(0.5, 2, 800)
    return PerformanceGate("roc_auc", max_drop=0.05, test="delong").check(
        target=y, proba=cand, baseline_proba=base, sample_weight=w
    )


@scenario
def perf_delong_reference() -> Verdict:
    y_r, s_r, _ = _scores(600, 35, 1.3, 1.0)
    y_c, s_c, _ = _scores(500, 36, 1.0, 1.0)
    ref = pd.DataFrame({"y": y_r, "s": s_r})
    cur = pd.DataFrame({"y": y_c, "s": s_c})
    return PerformanceGate("roc_auc", compare_to="reference", max_drop=0.02, test="delong").check(
        reference=ref, current=cur, target="y", proba="s"
    )


# -- PerformanceGate: segments ----------------------------------------------------------------


@scenario
def perf_segments_mcnemar() -> Verdict:
    df = _segment_frame()
    return PerformanceGate("accuracy", max_drop=0.02, test="mcnemar", segments="region").check(
        current=df, target="y", prediction="pred", baseline_prediction="base"
    )


@scenario
def perf_segments_point_fdr() -> Verdict:
    df = _segment_frame()
    return PerformanceGate(
        "accuracy",
        max_drop=0.02,
        segments=["region", "tier"],
        segment_correction="fdr_bh",
        min_segment_size=40,
    ).check(current=df, target="y", prediction="pred", baseline_prediction="base")


@scenario
def perf_segments_bootstrap_uncorrected() -> Verdict:
    df = _segment_frame()
    return PerformanceGate(
        "accuracy",
        max_drop=0.02,
        test="bootstrap",
        n_resamples=200,
        segments="region",
        segment_correction=None,
    ).check(current=df, target="y", prediction="pred", baseline_prediction="base")


@scenario
def perf_segments_floors() -> Verdict:
    df = _segment_frame()
    return PerformanceGate("accuracy", min_value=0.8, segments="region").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def perf_segments_callable() -> Verdict:
    df = _segment_frame()
    return PerformanceGate(
        "accuracy", max_drop=0.03, segments=lambda t: np.where(t["w"] > 1.2, "heavy", "light")
    ).check(current=df, target="y", prediction="pred", baseline_prediction="base")


@scenario
def perf_segments_delong_undefined() -> Verdict:
    df = _segment_frame()
    df.loc[df["region"] == "east", "y"] = 1  # one class in a segment: DeLong is undefined there
    return PerformanceGate(
        "roc_auc", max_drop=0.05, test="delong", segments="region", min_segment_size=30
    ).check(current=df, target="y", proba="score", baseline_proba="score_b")


@scenario
def perf_segments_reference() -> Verdict:
    cur = _segment_frame(1000, 37)
    ref = _segment_frame(1100, 38)
    ref["pred"] = ref["base"]
    return PerformanceGate("accuracy", compare_to="reference", max_drop=0.02, segments="region").check(
        reference=ref, current=cur, target="y", prediction="pred"
    )


@scenario
def perf_segments_weighted_bootstrap() -> Verdict:
    df = _segment_frame()
    return PerformanceGate(
        "balanced_accuracy", max_drop=0.02, test="bootstrap", n_resamples=150, segments="tier"
    ).check(current=df, target="y", prediction="pred", baseline_prediction="base", sample_weight="w")


# -- BeatsBaselineGate and CalibrationGate (shared helpers) -----------------------------------


@scenario
def beats_point_fail() -> Verdict:
    y = np.array([0] * 80 + [1] * 20)
    return BeatsBaselineGate(min_improvement=0.01).check(target=y, prediction=np.zeros(100, dtype=int))


@scenario
def beats_bootstrap_pass() -> Verdict:
    y, cand, _ = _labels(600, 39, 0.85, 0.8)
    return BeatsBaselineGate(test="bootstrap", n_resamples=200).check(target=y, prediction=cand)


@scenario
def beats_bootstrap_inconclusive() -> Verdict:
    y, cand, _ = _labels(60, 40, 0.3, 0.8)
    return BeatsBaselineGate(test="bootstrap", n_resamples=200, min_improvement=0.02).check(
        target=y, prediction=cand
    )


@scenario
def beats_short_regression() -> Verdict:
    y, cand, _ = _regression(20, 41, 0.5, 0.5)
    return BeatsBaselineGate("mean_absolute_error").check(target=y, prediction=cand)


@scenario
def calibration_fail_and_short() -> Verdict:
    rng = np.random.default_rng(42)
    p = rng.random(3000)
    y = (rng.random(3000) < p).astype(int)
    return CalibrationGate(max_ece=0.03, max_brier=0.2).check(target=y, proba=p**3)


@scenario
def calibration_short() -> Verdict:
    rng = np.random.default_rng(43)
    p = rng.random(50)
    y = (rng.random(50) < p).astype(int)
    return CalibrationGate(max_ece=0.05).check(target=y, proba=p)


# -- FairnessGate: bounds -----------------------------------------------------------------------


@scenario
def fair_dpd_fail() -> Verdict:
    return FairnessGate("demographic_parity_difference", max_value=0.1, sensitive_features="sex").check(
        current=_fair_frame(), target="y", prediction="pred"
    )


@scenario
def fair_dpd_pass_default_bound() -> Verdict:
    return FairnessGate(sensitive_features="sex").check(
        current=_fair_frame(gap=0.02), target="y", prediction="pred"
    )


@scenario
def fair_dpr_ci_inconclusive() -> Verdict:
    df = _fair_frame(300, 1, gap=0.02)
    return FairnessGate("demographic_parity_ratio", decision="ci", sensitive_features="sex").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_eod_worst_case_intersectional() -> Verdict:
    return FairnessGate(
        "equalized_odds_difference", max_value=0.15, sensitive_features=["sex", "race"]
    ).check(current=_fair_frame(), target="y", prediction="pred")


@scenario
def fair_eor_mean_to_overall() -> Verdict:
    return FairnessGate(
        "equalized_odds_ratio", combine_rates="mean", method="to_overall", sensitive_features="race"
    ).check(current=_fair_frame(), target="y", prediction="pred")


@scenario
def fair_eop_ratio_threshold() -> Verdict:
    return FairnessGate("equal_opportunity_ratio", decision_threshold=0.5, sensitive_features="sex").check(
        current=_fair_frame(), target="y", proba="score"
    )


@scenario
def fair_group_min_recall() -> Verdict:
    return FairnessGate(
        "recall_score", aggregate="group_min", min_value=0.7, sensitive_features="race"
    ).check(current=_fair_frame(), target="y", prediction="pred")


@scenario
def fair_group_max_mae() -> Verdict:
    return FairnessGate(
        "mean_absolute_error", aggregate="group_max", max_value=0.4, sensitive_features="sex", n_resamples=100
    ).check(current=_fair_frame(), target="yr", prediction="pr")


@scenario
def fair_callable_difference() -> Verdict:
    def hits(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean(np.asarray(a) == np.asarray(b)))

    return FairnessGate(hits, max_value=0.05, sensitive_features="sex", n_resamples=50).check(
        current=_fair_frame(600, 2), target="y", prediction="pred"
    )


@scenario
def fair_small_groups_weighted() -> Verdict:
    df = _fair_frame(700, 3)
    return FairnessGate("selection_rate", max_value=0.25, sensitive_features="race", min_group_size=80).check(
        current=df, target="y", prediction="pred", sample_weight="w"
    )


@scenario
def fair_undefined_tpr_group() -> Verdict:
    df = _fair_frame(1500, 4)
    df.loc[df["race"] == "c", "y"] = 0  # no positives in race c: its TPR is undefined
    return FairnessGate(
        "true_positive_rate", max_value=0.2, sensitive_features="race", on_insufficient="fail"
    ).check(current=df, target="y", prediction="pred")


@scenario
def fair_single_group() -> Verdict:
    df = _fair_frame(300, 5)
    df["sex"] = "F"
    return FairnessGate(sensitive_features="sex").check(current=df, target="y", prediction="pred")


@scenario
def fair_aggregate_undefined_small() -> Verdict:
    return FairnessGate(sensitive_features="race", min_group_size=500, on_insufficient="skip").check(
        current=_fair_frame(800, 6), target="y", prediction="pred"
    )


@scenario
def fair_ratio_zero_reference() -> Verdict:
    df = _fair_frame(600, 7)
    df["pred"] = 0
    return FairnessGate("demographic_parity_ratio", sensitive_features="sex").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_missing_groups_drop() -> Verdict:
    df = _fair_frame(800, 8)
    df["race"] = df["race"].astype(object)
    df.loc[df.index % 17 == 0, "race"] = None
    return FairnessGate(sensitive_features="race", on_missing="drop", max_value=0.3).check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_missing_groups_as_group() -> Verdict:
    df = _fair_frame(800, 8)
    df["race"] = df["race"].astype(object)
    df.loc[df.index % 17 == 0, "race"] = None
    return FairnessGate(sensitive_features="race", max_value=0.3).check(
        current=df, target="y", prediction="pred"
    )


# -- FairnessGate: worsening ------------------------------------------------------------------


@scenario
def fair_worsening_ci_fail() -> Verdict:
    return FairnessGate(max_worsening=0.02, sensitive_features="sex").check(
        current=_fair_frame(3000, 9, gap=0.25, base_gap=0.02),
        target="y",
        prediction="pred",
        baseline_prediction="base",
    )


@scenario
def fair_worsening_ci_inconclusive() -> Verdict:
    return FairnessGate(max_worsening=0.02, sensitive_features="sex").check(
        current=_fair_frame(500, 10, gap=0.1, base_gap=0.04),
        target="y",
        prediction="pred",
        baseline_prediction="base",
    )


@scenario
def fair_worsening_point_fail() -> Verdict:
    return FairnessGate(max_worsening=0.02, worsening_decision="point", sensitive_features="sex").check(
        current=_fair_frame(500, 10, gap=0.1, base_gap=0.04),
        target="y",
        prediction="pred",
        baseline_prediction="base",
    )


@scenario
def fair_worsening_better() -> Verdict:
    return FairnessGate(max_worsening=0.01, sensitive_features="sex", max_value=0.3).check(
        current=_fair_frame(1500, 11, gap=0.03, base_gap=0.15),
        target="y",
        prediction="pred",
        baseline_prediction="base",
    )


@scenario
def fair_worsening_min_value_direction() -> Verdict:
    return FairnessGate(
        "demographic_parity_ratio", min_value=0.5, max_worsening=0.05, sensitive_features="sex"
    ).check(
        current=_fair_frame(1500, 12, gap=0.15, base_gap=0.02),
        target="y",
        prediction="pred",
        baseline_prediction="base",
    )


@scenario
def fair_worsening_eod() -> Verdict:
    return FairnessGate("equalized_odds_difference", max_worsening=0.03, sensitive_features="race").check(
        current=_fair_frame(2500, 13, gap=0.15, base_gap=0.02),
        target="y",
        prediction="pred",
        baseline_prediction="base",
    )


@scenario
def fair_worsening_regression() -> Verdict:
    return FairnessGate(
        "mean_squared_error", max_worsening=0.05, sensitive_features="sex", n_resamples=100
    ).check(current=_fair_frame(800, 14), target="yr", prediction="pr", baseline_prediction="pr_b")


@scenario
def fair_worsening_callable_point() -> Verdict:
    def hits(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean(np.asarray(a) == np.asarray(b)))

    return FairnessGate(
        hits, max_worsening=0.02, worsening_decision="point", sensitive_features="sex", n_resamples=0
    ).check(current=_fair_frame(600, 15, gap=0.2), target="y", prediction="pred", baseline_prediction="base")


@scenario
def fair_worsening_undefined_baseline() -> Verdict:
    df = _fair_frame(600, 16)
    df["base"] = 0
    return FairnessGate("demographic_parity_ratio", max_worsening=0.05, sensitive_features="sex").check(
        current=df, target="y", prediction="pred", baseline_prediction="base"
    )


@scenario
def fair_worsening_undefined_candidate_small() -> Verdict:
    return FairnessGate(max_worsening=0.05, sensitive_features="race", min_group_size=700).check(
        current=_fair_frame(1000, 17), target="y", prediction="pred", baseline_prediction="base"
    )


@scenario
def fair_worsening_threshold_proba_weighted() -> Verdict:
    df = _fair_frame(1200, 18, gap=0.15)
    df["score_b"] = np.clip(0.5 * df["base"] + 0.5 * np.random.default_rng(18).random(1200), 0, 1)
    return FairnessGate(max_worsening=0.02, decision_threshold=0.5, sensitive_features="sex").check(
        current=df, target="y", proba="score", baseline_proba="score_b", sample_weight="w"
    )


# -- DisparateImpactGate ----------------------------------------------------------------------


@scenario
def di_fail() -> Verdict:
    rng = np.random.default_rng(1)
    g = rng.choice(["a", "b"], 4000)
    pred = (rng.random(4000) < np.where(g == "a", 0.5, 0.35)).astype(int)
    return DisparateImpactGate().check(prediction=pred, sensitive_features=g)


@scenario
def di_pass_overall() -> Verdict:
    df = _fair_frame(2000, 19, gap=0.03)
    return DisparateImpactGate(reference_group="overall", sensitive_features="race").check(
        current=df, prediction="pred"
    )


@scenario
def di_ci_inconclusive() -> Verdict:
    rng = np.random.default_rng(21)
    g = rng.choice(["a", "b"], 300)
    pred = (rng.random(300) < np.where(g == "a", 0.5, 0.37)).astype(int)
    return DisparateImpactGate(decision="ci").check(prediction=pred, sensitive_features=g)


@scenario
def di_named_reference_small_groups() -> Verdict:
    df = _fair_frame(600, 21, gap=0.15)
    return DisparateImpactGate(reference_group="a", sensitive_features="race", min_group_size=100).check(
        current=df, prediction="pred"
    )


@scenario
def di_reference_group_too_small() -> Verdict:
    df = _fair_frame(600, 22)
    return DisparateImpactGate(reference_group="race=c", sensitive_features="race", min_group_size=100).check(
        current=df, prediction="pred"
    )


@scenario
def di_single_group() -> Verdict:
    return DisparateImpactGate().check(
        prediction=np.array([0, 1] * 50), sensitive_features=np.array(["x"] * 100)
    )


@scenario
def di_zero_reference_rate() -> Verdict:
    return DisparateImpactGate(reference_group="a").check(
        prediction=np.array([0] * 100 + [1, 0] * 50), sensitive_features=np.array(["a"] * 100 + ["b"] * 100)
    )


@scenario
def di_all_small() -> Verdict:
    rng = np.random.default_rng(23)
    g = rng.choice(["a", "b", "c"], 60)
    return DisparateImpactGate(on_insufficient="fail").check(
        prediction=rng.integers(0, 2, 60), sensitive_features=g
    )


@scenario
def di_threshold_weighted() -> Verdict:
    df = _fair_frame(1500, 24, gap=0.2)
    return DisparateImpactGate(decision_threshold=0.5, sensitive_features="sex").check(
        current=df, proba="score", sample_weight="w"
    )


# -- FairnessGate: the rarer causes and wordings --------------------------------------------------


@scenario
def fair_eor_worst_case_within_both_bounds() -> Verdict:
    return FairnessGate("equalized_odds_ratio", min_value=0.5, max_value=1.0, sensitive_features="sex").check(
        current=_fair_frame(1500, 25, gap=0.05), target="y", prediction="pred"
    )


@scenario
def fair_eod_fpr_undefined_everywhere() -> Verdict:
    df = _fair_frame(600, 26)
    df["y"] = 1  # no negatives: the false positive rate is undefined in every group
    return FairnessGate("equalized_odds_difference", sensitive_features="sex").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_dpr_to_overall_zero() -> Verdict:
    df = _fair_frame(600, 27)
    df["pred"] = 0
    return FairnessGate("demographic_parity_ratio", method="to_overall", sensitive_features="race").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_tpr_one_group_with_positives() -> Verdict:
    # only race a has positives, and too few of them: the two largest supports are 25 and 0
    df = _fair_frame(900, 28)
    df["y"] = 0
    df.loc[df.index[df["race"] == "a"][:25], "y"] = 1
    return FairnessGate("true_positive_rate", max_value=0.2, sensitive_features="race").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_tpr_small_support() -> Verdict:
    # race c has its rows, but few positive labels: its TPR rests on too few rows
    df = _fair_frame(1500, 29)
    c_rows = df.index[(df["race"] == "c") & (df["y"] == 1)]
    df.loc[c_rows[10:], "y"] = 0
    return FairnessGate("equal_opportunity_difference", sensitive_features="race").check(
        current=df, target="y", prediction="pred"
    )


@scenario
def fair_group_max_only_one_used() -> Verdict:
    return FairnessGate(
        "false_positive_rate",
        aggregate="group_max",
        max_value=0.5,
        sensitive_features="race",
        min_group_size=200,
    ).check(current=_fair_frame(1000, 30), target="y", prediction="pred")


@scenario
def fair_all_groups_equal() -> Verdict:
    g = np.array(["u", "v"] * 200)
    pred = np.array([1, 1, 0, 0] * 100)
    return FairnessGate(sensitive_features=None, max_value=0.05).check(
        target=np.zeros(400, dtype=int), prediction=pred, sensitive_features=g
    )


@scenario
def beats_bootstrap_fail_loss() -> Verdict:
    y, cand, _ = _regression(300, 44, 3.0, 0.5)
    return BeatsBaselineGate("mean_squared_error", test="bootstrap", n_resamples=200).check(
        target=y, prediction=cand
    )


@scenario
def beats_short_bootstrap_would_pass() -> Verdict:
    y, cand, _ = _labels(24, 46, 1.0, 0.8)
    return BeatsBaselineGate(test="bootstrap", n_resamples=200, on_insufficient="skip").check(
        target=y, prediction=cand
    )
