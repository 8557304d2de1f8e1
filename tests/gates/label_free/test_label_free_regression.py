"""LabelFreeRegressionGate: direct loss estimation where the truth is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import LabelFreeRegressionGate, Status


def world(n: int, seed: int, *, skew: float = 0.0, shift: float = 0.0) -> pd.DataFrame:
    """x in [0, 1] (Beta(1 + skew, 1): more rows where the noise is large), plus ``shift``;
    y = 3x + noise with sd 0.2 + x; the model predicts 3x."""
    rng = np.random.default_rng(seed)
    x = rng.beta(1 + skew, 1, n) + shift
    return pd.DataFrame({"x": x, "pred": 3 * x, "y": 3 * x + rng.normal(0, 0.2 + x, n)})


def check(gate, ref, cur):
    return gate.check(reference=ref, current=cur.drop(columns="y"), target="y", prediction="pred")


@pytest.mark.parametrize("metric", ["mean_absolute_error", "root_mean_squared_error"])
def test_the_estimate_follows_a_shift_to_noisier_rows(metric):
    ref, cur = world(1500, 0), world(1000, 1, skew=2.0)
    v = check(LabelFreeRegressionGate(metric, max_drop=0.05, cv=3), ref, cur)
    d = cur.y - cur.pred
    truth = float(np.abs(d).mean() if metric == "mean_absolute_error" else np.sqrt((d * d).mean()))
    assert v.metrics[f"{metric}_ci_low"] <= truth <= v.metrics[f"{metric}_ci_high"], v.to_text()
    assert v.metrics[metric] > v.metrics[f"baseline_{metric}"]  # noisier rows: a larger error
    assert (v.status, v.reason) == (Status.FAIL, "performance_regression"), v.to_text()
    assert "concept drift" in v.message


def test_max_value_pass_and_fail():
    ref, cur = world(1500, 2), world(1000, 3)
    passed = check(LabelFreeRegressionGate(max_value=1.0, cv=3), ref, cur)
    assert passed.status is Status.PASS, passed.to_text()
    failed = check(LabelFreeRegressionGate(max_value=0.3, cv=3), ref, cur)
    assert (failed.status, failed.reason) == (Status.FAIL, "metric_bound_exceeded")
    assert failed.findings[0].details["se_model"] >= 0


def test_a_loss_model_that_misses_the_reference_errors_is_refused():
    ref, cur = world(1500, 4), world(500, 5)
    v = check(LabelFreeRegressionGate(max_reference_error=0.0, cv=3), ref, cur)
    assert (v.status, v.reason) == (Status.ERROR, "not_calibrated")
    assert "mean_absolute_error" not in v.metrics


def test_rows_beyond_the_reference_warn_outside_support():
    ref, cur = world(1500, 6), world(500, 7, shift=1.5)
    v = check(LabelFreeRegressionGate(cv=3), ref, cur)
    support = next(f for f in v.findings if f.subject == "support")
    assert support.reason == "outside_support" and v.metrics["outside_share"] > 0.9


def test_small_reference_and_bad_inputs():
    v = check(LabelFreeRegressionGate(), world(100, 8), world(100, 9))
    assert (v.status, v.reason) == (Status.WARN, "insufficient_samples")
    ref = world(300, 10)
    v = LabelFreeRegressionGate().check(reference=ref, current=ref, target="y")
    assert v.reason == "missing_input"
    v = check(LabelFreeRegressionGate(columns="nope"), ref, world(100, 11))
    assert (v.status, v.reason) == (Status.ERROR, "missing_column")
