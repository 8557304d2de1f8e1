"""A finding's interval is the interval of its own statistic (DisparateImpactGate's ratios,
BeatsBaselineGate's improvement), fairness rows say what they were judged on, and the
non-regression message shows its interval with the sign of the number beside it."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from mlgates import BeatsBaselineGate, DisparateImpactGate, FairnessGate, Status


def _groups(n: int, rates: dict[str, float], seed: int = 3, p: list[float] | None = None):
    rng = np.random.default_rng(seed)
    names = list(rates)
    g = rng.choice(names, n, p=p)
    pred = (rng.random(n) < np.array([rates[x] for x in g])).astype(int)
    return g, pred


def _ratio_findings(verdict):
    return [f for f in verdict.findings if f.method == "selection_rate_ratio" and f.statistic is not None]


def test_disparate_impact_interval_is_the_ratios():
    g, pred = _groups(4000, {"a": 0.5, "b": 0.35, "c": 0.45})
    v = DisparateImpactGate().check(prediction=pred, sensitive_features=g)
    found = _ratio_findings(v)
    assert len(found) == 3
    for f in found:
        d = f.details
        assert d["ci_low"] <= f.statistic <= d["ci_high"], f  # the whiskers around the ratio
        assert d["ci_method"] == "bootstrap_percentile" and d["confidence"] == 0.95
        # the group's selection rate keeps its own (Wilson) interval under its own name
        rate = d["selection_rate"]
        assert d["selection_rate_ci_low"] < rate < d["selection_rate_ci_high"]
        assert d["selection_rate_ci_method"] == "wilson"
        assert abs(d["selection_rate_ci_low"] - d["ci_low"]) > 0.05 or f.statistic == 1.0
    worst = min(found, key=lambda f: f.statistic)
    assert worst.status is Status.FAIL and worst.details["ci_high"] < 0.8


def test_disparate_impact_interval_matches_the_katz_log_interval():
    """For a named reference group the ratio of two independent proportions has a classical
    interval (Katz et al., 1978; statsmodels' ``method="log"``): the bootstrap agrees."""
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    g, pred = _groups(6000, {"a": 0.5, "b": 0.38}, p=[0.6, 0.4])
    v = DisparateImpactGate(reference_group="a", n_resamples=4000).check(
        prediction=pred, sensitive_features=g
    )
    (f,) = [f for f in _ratio_findings(v) if f.subject.endswith("b")]
    kb, nb = int(pred[g == "b"].sum()), int((g == "b").sum())
    ka, na = int(pred[g == "a"].sum()), int((g == "a").sum())
    assert f.statistic == pytest.approx((kb / nb) / (ka / na), rel=1e-12)
    lo, hi = proportion.confint_proportions_2indep(kb, nb, ka, na, compare="ratio", method="log")
    assert f.details["ci_low"] == pytest.approx(lo, abs=0.01)
    assert f.details["ci_high"] == pytest.approx(hi, abs=0.01)


@pytest.mark.slow
def test_disparate_impact_interval_covers_the_true_ratio():
    """Coverage of the 95% ratio interval in seeded repetitions (named reference)."""
    rng = np.random.default_rng(11)
    reps, covered, true = 300, 0, 0.4 / 0.5
    gate = DisparateImpactGate(reference_group="a", n_resamples=500)
    for seed in range(reps):
        n = 1500
        g = np.where(rng.random(n) < 0.5, "a", "b")
        pred = (rng.random(n) < np.where(g == "a", 0.5, 0.4)).astype(int)
        gate.set_params(random_state=seed)
        (f,) = [
            f
            for f in _ratio_findings(gate.check(prediction=pred, sensitive_features=g))
            if f.subject.endswith("=b")
        ]
        covered += f.details["ci_low"] <= true <= f.details["ci_high"]
    margin = 3 * math.sqrt(0.95 * 0.05 / reps)
    assert abs(covered / reps - 0.95) < margin, covered / reps


def test_plot_whiskers_surround_the_ratio():
    matplotlib = pytest.importorskip("matplotlib", reason="the plot extra is in the dev extra")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g, pred = _groups(4000, {"a": 0.5, "b": 0.35})
    v = DisparateImpactGate().check(prediction=pred, sensitive_features=g)
    fig = v.plot()
    try:
        (ax,) = [a for a in fig.axes if a.get_visible()]
        (bars,) = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
        segments = [seg for coll in bars.lines[2] for seg in coll.get_segments()]
        spans = sorted((round(s[0][0], 6), round(s[1][0], 6)) for s in segments)
        expected = sorted(
            (round(f.details["ci_low"], 6), round(f.details["ci_high"], 6))
            for f in _ratio_findings(v)
            if f.details["ci_low"] < f.statistic  # the max-rate group's ratio is 1 with a one-sided interval
        )
        assert [s for s in spans if s[0] < s[1]] == expected
    finally:
        plt.close(fig)


def test_beats_baseline_interval_is_the_improvements():
    rng = np.random.default_rng(0)
    n = 600
    y = rng.integers(0, 2, n)
    score = np.clip(y * 0.3 + rng.random(n) * 0.7, 0, 1)
    v = BeatsBaselineGate("log_loss", test="bootstrap", n_resamples=200).check(target=y, proba=score)
    (f,) = v.findings
    assert f.statistic == pytest.approx(v.metrics["improvement"])
    assert f.details["ci_low"] <= f.statistic <= f.details["ci_high"]
    # metrics keep the interval of the difference (candidate - dummy): a loss, so the signs flip
    assert f.details["ci_low"] == pytest.approx(-v.metrics["ci_high"])


# -- rows that say what they were judged on ----------------------------------------------------
def _small_group_frame(n: int = 600, n_small: int = 12, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(["F", "M"], n).astype(object)
    g[:n_small] = "Other"
    y = rng.integers(0, 2, n)
    p = (rng.random(n) < np.where(g == "F", 0.5, 0.45)).astype(int)
    return pd.DataFrame({"g": g, "y": y, "p": p})


@pytest.mark.parametrize(
    "gate", [FairnessGate(sensitive_features="g"), DisparateImpactGate(sensitive_features="g")]
)
def test_small_group_row_says_n_and_min_group_size(gate):
    v = gate.check(current=_small_group_frame(), target="y", prediction="p")
    (f,) = [f for f in v.findings if f.subject == "g=Other"]
    assert f.reason == "insufficient_samples" and f.status is Status.WARN
    assert f.message.startswith("g=Other: n=12 < min_group_size 30; ")
    assert (f.statistic, f.threshold, f.method) == (12, 30, "group_size")
    assert re.search(r"warn\s+g=Other\s+12\s+30\s+group_size", v.to_text())
    assert "g=Other | 12 | 30 |  | group\\_size |" in v.to_markdown()  # Markdown escapes "_"


def test_reference_group_too_small_says_n_and_min_group_size():
    v = DisparateImpactGate(sensitive_features="g", reference_group="Other").check(
        current=_small_group_frame(), prediction="p"
    )
    assert v.findings[0].message == "reference group g=Other: n=12 < min_group_size 30"


def test_non_regression_interval_has_the_sign_of_the_number():
    """'0.016 better [-0.062, -0.0008]' put the interval of the worsening beside the size of an
    improvement; each number must sit inside the interval printed next to it."""
    rng = np.random.default_rng(5)
    n = 4000
    g = rng.choice(["F", "M"], n)
    y = rng.integers(0, 2, n)
    fair = np.where(rng.random(n) < 0.8, y, 1 - y)
    unfair = np.where(rng.random(n) < np.where(g == "F", 0.65, 0.8), y, 1 - y)
    gate = FairnessGate("equalized_odds_difference", max_worsening=0.02)
    for cand, base, word in ((fair, unfair, "better"), (unfair, fair, "worse")):
        v = gate.check(target=y, prediction=cand, baseline_prediction=base, sensitive_features=g)
        (f,) = [f for f in v.findings if f.subject.endswith("vs baseline")]
        m = re.search(rf"([-\d.e]+) {word} \[([-\d.e]+), ([-\d.e]+)\]", f.message)
        assert m, f.message
        value, lo, hi = (float(x) for x in m.groups())
        assert value > 0 and lo <= value <= hi, f.message
        worsening = f.statistic if word == "worse" else -f.statistic
        assert value == pytest.approx(worsening, rel=1e-3)


def test_plurals_in_fairness_messages():
    v = DisparateImpactGate(sensitive_features="g").check(current=_small_group_frame(), prediction="p")
    assert "group(s)" not in v.message
    df = _small_group_frame()
    df.loc[0, "g"] = None
    v = FairnessGate(sensitive_features="g", on_missing="error").check(current=df, target="y", prediction="p")
    assert v.status is Status.ERROR and v.message.startswith("sensitive feature ['g']: 1 missing value;")
