"""SequentialGate: change points on a stream, limits from the reference, and the measured
in-control run length against the stated one (slow)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import SequentialGate, Status
from mlgates.stats.sequential import control_limit, paths


def _stream(seed=0, n_before=500, n_after=300, scale=1.8):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"x": rng.exponential(size=4000)})
    cur = pd.DataFrame({"x": np.r_[rng.exponential(size=n_before), scale * rng.exponential(size=n_after)]})
    return ref, cur


@pytest.mark.parametrize("method", ["cusum", "page_hinkley"])
def test_a_change_is_found_with_its_change_point_and_run_length(method):
    ref, cur = _stream(seed=3)
    v = SequentialGate(column="x", method=method, arl0=3000, direction="up").check(reference=ref, current=cur)
    f = v.findings[0]
    assert v.status is Status.FAIL and f.reason == "change_detected"
    assert 480 <= f.details["change_point"] <= 540
    assert f.details["run_length"] > f.details["change_point"] - 50
    assert v.metrics["change_point"] == f.details["change_point"]
    assert f.threshold == pytest.approx(f.details["control_limit"]) and f.statistic > f.threshold
    assert f.details["simulated_arl"] >= 3000


def test_a_stable_stream_passes_and_states_its_false_alarm_chance():
    ref, cur = _stream(seed=1, n_after=0)
    v = SequentialGate(column="x", arl0=5000).check(reference=ref, current=cur)
    f = v.findings[0]
    assert v.status is Status.PASS
    assert f.details["false_alarm_probability"] == pytest.approx(1 - np.exp(-500 / 5000))


def test_the_limit_comes_from_the_reference_not_a_constant():
    rng = np.random.default_rng(0)
    normal = pd.DataFrame({"x": rng.normal(size=4000)})
    skewed = pd.DataFrame({"x": rng.lognormal(0, 1, size=4000)})
    cur = pd.DataFrame({"x": rng.normal(size=50)})
    limits = [
        SequentialGate(column="x", arl0=500)
        .check(reference=r, current=cur)
        .findings[0]
        .details["control_limit"]
        for r in (normal, skewed)
    ]
    assert limits[1] > limits[0] + 0.5  # heavier tails need a higher limit for the same run length


def test_rows_are_ordered_by_time_and_the_change_time_is_reported():
    ref, cur = _stream(seed=3)
    cur = cur.assign(t=pd.date_range("2024-01-01", periods=len(cur), freq="min"))
    shuffled = cur.sample(frac=1.0, random_state=0)
    gate = SequentialGate(column="x", arl0=3000, on="t")
    a = gate.check(reference=ref.assign(t=0), current=cur).findings[0].details
    b = gate.check(reference=ref.assign(t=0), current=shuffled).findings[0].details
    assert a["change_time"] == b["change_time"] and a["run_length"] == b["run_length"]
    assert a["change_time"].startswith("2024-01-01 0")


def test_per_row_error_when_labels_exist():
    rng = np.random.default_rng(0)
    y_ref, y_cur = rng.integers(0, 2, 3000), rng.integers(0, 2, 800)
    right = rng.random(800) < np.r_[np.full(500, 0.9), np.full(300, 0.6)]  # accuracy drops at row 500
    ref = pd.DataFrame({"y": y_ref, "p": np.where(rng.random(3000) < 0.9, y_ref, 1 - y_ref)})
    cur = pd.DataFrame({"y": y_cur, "p": np.where(right, y_cur, 1 - y_cur)})
    v = SequentialGate(column="error", arl0=2000, direction="up").check(
        reference=ref, current=cur, target="y", prediction="p"
    )
    f = v.findings[0]
    assert f.details["statistic"] == "misclassified"
    assert v.status is Status.FAIL and 470 <= f.details["change_point"] <= 560


def test_what_cannot_be_judged_is_said():
    cur = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    v = SequentialGate(column="x", arl0=100).check(reference=pd.DataFrame({"x": np.ones(500)}), current=cur)
    assert v.status is Status.ERROR and v.reason == "undefined_statistic"
    v = SequentialGate(column="x", arl0=100).check(reference=pd.DataFrame({"x": [1.0, 2.0]}), current=cur)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    v = SequentialGate(column="x", arl0=100).check(
        reference=pd.DataFrame({"x": np.arange(500.0)}), current=pd.DataFrame({"x": [np.nan] * 3})
    )
    assert v.status is Status.ERROR and v.reason == "all_missing"
    v = SequentialGate(column="xx", arl0=100).check(reference=cur, current=cur)
    assert v.reason == "missing_column" and "'x'" in v.message


@pytest.mark.slow
@pytest.mark.parametrize("method", ["cusum", "page_hinkley"])
@pytest.mark.parametrize("population", ["normal", "lognormal", "poisson"])
def test_measured_in_control_run_length_is_within_20_percent_of_the_stated_one(method, population):
    """Limits set from a 10,000-row reference for ARL0 = 500; run lengths measured on 2,000 fresh
    streams from the population (not the reference), so reference sampling error counts too."""
    rng = np.random.default_rng(11)
    draw = {
        "normal": lambda n: rng.normal(size=n),
        "lognormal": lambda n: rng.lognormal(0, 0.75, size=n),
        "poisson": lambda n: rng.poisson(2.0, size=n).astype(float),
    }[population]
    arl0 = 500
    reference = draw(10_000)
    limit = control_limit(reference, method=method, arl0=arl0, shift=1.0, random_state=0)
    m, length = 2000, 8 * arl0
    z = (draw(m * length).reshape(m, length) - reference.mean()) / reference.std()
    over = np.maximum(*paths(z, method=method, shift=1.0)) > limit.h
    run_lengths = np.where(over.any(axis=1), over.argmax(axis=1) + 1, length)
    measured = float(run_lengths.mean())
    print(
        f"{method} {population}: stated ARL0 {arl0}, limit {limit.h:.3f}, "
        f"simulated {limit.arl:.0f}, measured {measured:.0f}"
    )
    assert abs(measured - arl0) / arl0 < 0.20 or (population == "poisson" and arl0 <= measured < 1.35 * arl0)
