"""EstimateCheckGate: back-testing recorded label-free estimates against realized values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom

from mlgates import EstimateCheckGate, LabelFreePerformanceGate, PerformanceGate, Status, Suite


def _batches(n_batches: int, seed: int, flip: float = 0.0):
    rng = np.random.default_rng(seed)

    def table(n, flip_share=0.0):
        x = rng.normal(size=n)
        p = 1 / (1 + np.exp(-2 * x))
        y = (rng.random(n) < p).astype(int)
        y = np.where(rng.random(n) < flip_share, 1 - y, y)
        return pd.DataFrame({"x": x, "s": p, "y": y})

    ref = table(2000)
    gate = LabelFreePerformanceGate("accuracy", n_resamples=400)
    estimates, realized = [], []
    for _ in range(n_batches):
        cur = table(500, flip)
        estimates.append(gate.check(reference=ref, current=cur.drop(columns="y"), target="y", proba="s"))
        realized.append(
            PerformanceGate("accuracy", min_value=0.0).check(
                target=cur.y, prediction=(cur.s >= 0.5).astype(int)
            )
        )
    return estimates, realized


def test_verdicts_of_both_gates_back_test_and_pass():
    estimates, realized = _batches(6, 0)
    v = EstimateCheckGate().check(estimates=estimates, realized=realized)
    assert v.status is Status.PASS, v.to_text()
    assert v.params["metric"] == "accuracy" and v.metrics["nominal_coverage"] == 0.95
    assert v.metrics["n"] == 6 and len(v.findings[0].details["batches"]) == 6
    # the same from JSON (e.g. read back from a ledger) and from plain numbers
    as_json = [e.to_json() for e in estimates]
    numbers = [r.metrics["accuracy"] for r in realized]
    again = EstimateCheckGate().check(estimates=as_json, realized=numbers)
    assert again.metrics == v.metrics


def test_concept_drift_shows_up_as_missed_coverage_once_labels_arrive():
    estimates, realized = _batches(6, 1, flip=0.3)
    v = EstimateCheckGate(max_bias=0.02).check(estimates=estimates, realized=realized)
    assert v.status is Status.FAIL
    reasons = {f.reason for f in v.findings}
    assert reasons == {"estimate_coverage_exceeded", "estimate_bias_exceeded"}
    assert v.metrics["covered"] == 0 and v.metrics["bias"] > 0.1


def test_coverage_pvalue_is_the_exact_binomial_tail():
    rows = [{"estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6}] * 20
    realized = [0.5] * 16 + [0.9] * 4
    v = EstimateCheckGate(min_coverage=0.95).check(estimates=rows, realized=realized)
    assert v.metrics["coverage_pvalue"] == pytest.approx(binom.cdf(16, 20, 0.95))
    assert v.status is Status.FAIL  # 16 of 20 at 95% nominal: p = 0.016


def test_few_batches_are_insufficient_and_inputs_are_checked():
    rows = [{"estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6}] * 3
    v = EstimateCheckGate().check(estimates=rows, realized=[0.5, 0.45, 0.55])
    assert (v.status, v.reason) == (Status.WARN, "insufficient_samples")
    v = EstimateCheckGate().check(estimates=rows, realized=[0.5])
    assert (v.status, v.reason) == (Status.ERROR, "length_mismatch")
    v = EstimateCheckGate().check(estimates=["not a verdict"] * 3, realized=[0.5] * 3)
    assert (v.status, v.reason) == (Status.ERROR, "invalid_input")
    v = EstimateCheckGate().check(estimates=rows)
    assert v.reason == "missing_input"


def test_a_verdict_without_an_estimate_is_named():
    rng = np.random.default_rng(2)
    s = rng.random(1000)
    table = pd.DataFrame({"s": s, "y": (rng.random(1000) < s**4).astype(int)})
    refused = LabelFreePerformanceGate(calibration="none").check(
        reference=table, current=table.drop(columns="y"), target="y", proba="s"
    )
    assert refused.reason == "not_calibrated"
    v = EstimateCheckGate().check(estimates=[refused] * 5, realized=[0.5] * 5)
    assert (v.status, v.reason) == (Status.ERROR, "missing_estimate")


def test_estimates_inside_a_suite_are_found():
    rng = np.random.default_rng(4)
    x = rng.normal(size=2000)
    p = 1 / (1 + np.exp(-2 * x))
    ref = pd.DataFrame({"x": x, "s": p, "y": (rng.random(2000) < p).astype(int)})
    suite = Suite([LabelFreePerformanceGate("accuracy", n_resamples=400)], name="nightly")
    wrapped = suite.check(reference=ref, current=ref.drop(columns="y"), target="y", proba="s")
    v = EstimateCheckGate(min_samples=1).check(estimates=[wrapped], realized=[0.75])
    assert v.metrics["n"] == 1 and v.findings[0].details["batches"][0]["name"] == "LabelFreePerformanceGate"
