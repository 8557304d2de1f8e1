"""AnytimeDriftGate and its confidence sequence: the state file, the guarantee under repeated
checks (slow: 100 checks, against plain repeated testing)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from mlgates import AnytimeDriftGate, DriftGate, Status
from mlgates.stats.confseq import EBState, eb_update


def _loop(x, alpha):
    """The predictable plug-in empirical-Bernstein sequence, row by row (Waudby-Smith & Ramdas)."""
    ell = math.log(2 / alpha)
    s_x = s_sq = s_lam = s_lx = s_pen = 0.0
    lower, upper = 0.0, 1.0
    mu_prev, sig_prev = 0.5, 0.25
    for t, v in enumerate(x, start=1):
        lam = min(math.sqrt(2 * ell / (sig_prev * t * math.log(1 + t))), 0.5)
        s_lam += lam
        s_lx += lam * v
        s_pen += 4 * (v - mu_prev) ** 2 * (-math.log(1 - lam) - lam) / 4
        centre, margin = s_lx / s_lam, (ell + s_pen) / s_lam
        lower, upper = max(lower, centre - margin), min(upper, centre + margin)
        s_x += v
        mu = (0.5 + s_x) / (t + 1)
        s_sq += (v - mu) ** 2
        mu_prev, sig_prev = mu, (0.25 + s_sq) / (t + 1)
    return lower, upper


def test_vectorized_sequence_equals_the_row_by_row_one_in_any_batching():
    x = np.random.default_rng(0).beta(2, 5, size=700)
    expected = _loop(x, 0.05)
    state = EBState()
    for part in np.split(x, [1, 50, 51, 400]):
        state = eb_update(state, part, alpha=0.05)
    assert (state.lower, state.upper) == pytest.approx(expected, abs=1e-12)
    assert EBState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_a_state_whose_intersection_is_empty_still_loads():
    """The mean moved: the running intersection of the intervals is empty (lower > upper). That
    state is valid and must load again (it was refused once, turning later checks into ERROR)."""
    state = eb_update(EBState(), np.zeros(400), alpha=0.05)
    state = eb_update(state, np.ones(4000), alpha=0.05)
    assert state.lower > state.upper
    assert EBState.from_dict(state.to_dict()) == state
    with pytest.raises(ValueError, match="out of range"):
        EBState.from_dict({**state.to_dict(), "lower": 1.5})


def _ref(n=4000, seed=0):
    return pd.DataFrame({"x": np.random.default_rng(seed).normal(size=n)})


def test_the_state_file_carries_the_sequence(tmp_path):
    state = tmp_path / "s.json"
    gate = AnytimeDriftGate(column="x", state=str(state))
    rng = np.random.default_rng(1)
    ref = _ref()
    for k in range(1, 4):
        v = gate.check(reference=ref, current=pd.DataFrame({"x": rng.normal(size=300)}))
        assert v.status is Status.PASS
        assert v.findings[0].details["n_rows_total"] == 300 * k and v.findings[0].details["n_checks"] == k
    data = json.loads(state.read_text())
    assert data["schema"] == "mlgates.anytime/1" and data["n_checks"] == 3 and len(data["history"]) == 3
    assert data["sequence"]["n"] == 900 and data["alarm"] is None


def test_an_alarm_is_kept_until_the_state_is_removed(tmp_path):
    state = tmp_path / "s.json"
    gate = AnytimeDriftGate(column="x", state=str(state))
    ref = _ref()
    shifted = pd.DataFrame({"x": np.random.default_rng(2).normal(1.0, 1, 500)})
    first = gate.check(reference=ref, current=shifted)
    assert first.status is Status.FAIL and first.reason == "drift_detected"
    calm = pd.DataFrame({"x": np.random.default_rng(3).normal(size=20)})
    again = gate.check(reference=ref, current=calm)
    assert again.status is Status.FAIL and "alarm raised at check 1" in again.message
    state.unlink()
    assert gate.check(reference=ref, current=calm).status is Status.PASS


def test_a_state_of_another_setup_or_reference_is_refused(tmp_path):
    state = tmp_path / "s.json"
    ref = _ref()
    cur = pd.DataFrame({"x": np.zeros(10) + 0.1})
    AnytimeDriftGate(column="x", state=str(state)).check(reference=ref, current=cur)
    v = AnytimeDriftGate(column="x", state=str(state), alpha=0.01).check(reference=ref, current=cur)
    assert v.status is Status.ERROR and v.reason == "invalid_state" and "another setup" in v.message
    v = AnytimeDriftGate(column="x", state=str(state)).check(reference=_ref(seed=9), current=cur)
    assert v.status is Status.ERROR and v.reason == "invalid_state" and "another reference" in v.message
    state.write_text("{not json")
    v = AnytimeDriftGate(column="x", state=str(state)).check(reference=ref, current=cur)
    assert v.status is Status.ERROR and v.reason == "invalid_state" and "remove it" in v.message


def test_mean_of_bounded_values_and_values_outside_bounds():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"err": (rng.random(5000) < 0.1).astype(float), "x": rng.normal(size=5000)})
    cur = pd.DataFrame({"err": (rng.random(3000) < 0.2).astype(float), "x": rng.normal(size=3000)})
    v = AnytimeDriftGate(column="err", statistic="mean").check(reference=ref, current=cur)
    f = v.findings[0]
    assert v.status is Status.FAIL and f.statistic == pytest.approx(0.1, abs=0.03)
    assert f.details["interval"][0] > f.details["reference_band"][1]
    v = AnytimeDriftGate(column="err", statistic="mean", max_change=0.2).check(reference=ref, current=cur)
    assert v.status is Status.PASS  # a change of 0.1 is within max_change
    v = AnytimeDriftGate(column="x", statistic="mean").check(reference=ref, current=cur)
    assert v.status is Status.ERROR and v.reason == "invalid_input" and "bounds=" in v.message
    v = AnytimeDriftGate(column="x", statistic="mean", bounds=[-10, 10]).check(reference=ref, current=cur)
    assert v.status is Status.PASS


def _plain_alarms(ref, batches):
    gate = DriftGate(columns="x", method="ks", n_jobs=1)
    return any(gate.check(reference=ref, current=b).status is Status.FAIL for b in batches)


@pytest.mark.slow
def test_false_alarm_rate_over_100_repeated_checks(tmp_path, monkeypatch):
    """Stable streams: 100 checks of 50 rows each. Plain repeated testing (DriftGate's KS test at
    alpha=0.05 on each batch) alarms on most streams; the anytime-valid gate on at most alpha.

    Measured twice: through the gate and its state file (40 streams; the file's fsync, which
    only makes the state durable, is skipped here for speed), and with the same decision computed
    from the kernels (1,000 streams)."""
    import os

    monkeypatch.setattr(os, "fsync", lambda fd: None)
    n_checks, batch, alpha = 100, 50, 0.05

    def stream(s):
        rng = np.random.default_rng(1000 + s)
        ref = rng.normal(size=2000)
        return ref, [rng.normal(size=batch) for _ in range(n_checks)]

    gate_alarms = plain_alarms = 0
    n_gate, n_plain = 40, 20
    for s in range(n_gate):
        ref, batches = stream(s)
        reference = pd.DataFrame({"x": ref})
        frames = [pd.DataFrame({"x": b}) for b in batches]
        gate = AnytimeDriftGate(column="x", alpha=alpha, state=str(tmp_path / f"s{s}.json"))
        gate_alarms += any(gate.check(reference=reference, current=f).status is Status.FAIL for f in frames)
        if s < n_plain:
            plain_alarms += _plain_alarms(reference, frames)
    kernel_alarms, n_kernel = 0, 1000
    for s in range(n_kernel):
        ref, batches = stream(10_000 + s)
        ref_sorted = np.sort(ref)
        margin = math.sqrt(math.log(2 / (alpha / 2)) / (2 * ref.size))
        state = EBState()
        for b in batches:
            ranks = (np.searchsorted(ref_sorted, b, "left") + np.searchsorted(ref_sorted, b, "right")) / (
                2 * ref.size
            )
            state = eb_update(state, ranks, alpha=alpha / 2)
            if state.lower > 0.5 + margin or state.upper < 0.5 - margin:
                kernel_alarms += 1
                break
    rates = (gate_alarms / n_gate, kernel_alarms / n_kernel, plain_alarms / n_plain)
    print(
        f"false-alarm rate over {n_checks} checks at alpha={alpha}: anytime-valid gate {rates[0]:.3f} "
        f"({n_gate} streams), same decision from the kernels {rates[1]:.3f} ({n_kernel} streams), "
        f"plain repeated KS {rates[2]:.3f} ({n_plain} streams)"
    )
    assert gate_alarms <= 5  # binomial(40, 0.05) exceeds 5 with probability ~1.4%
    assert rates[1] <= alpha
    assert rates[2] >= 0.8
