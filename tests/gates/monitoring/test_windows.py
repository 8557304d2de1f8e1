"""Windowed: windows by time and rows, policies, empty and tiny windows, time zones, shared
reference work (issue 18, "Proof")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    DriftGate,
    MissingValuesGate,
    ParameterError,
    PerformanceGate,
    Status,
    Verdict,
    Windowed,
    gate_from_config,
    load_suite,
    save_suite,
)
from mlgates.gates.drift import _prepare
from mlgates.gates.monitoring import k_of_n, parse_policy, share

from .helpers import fourteen_days


def _days(verdict: Verdict) -> list[Verdict]:
    return [c for c in verdict.children if c.provenance.get("window", {}).get("side") == "current"]


def test_fourteen_days_shift_from_day_eight_and_k_of_n_flips_at_day_nine():
    reference, current = fourteen_days()
    gate = Windowed(DriftGate(columns="x"), on="t", window="1D", policy=k_of_n(2, 3))
    verdict = gate.check(reference=reference, current=current)
    days = _days(verdict)
    assert [d.name for d in days] == [f"2024-03-{k:02d}" for k in range(1, 15)]
    assert [d.status for d in days] == [Status.PASS] * 7 + [Status.FAIL] * 7
    running = [d.provenance["window"]["policy_status"] for d in days]
    assert running == ["pass"] * 7 + ["warn"] + ["fail"] * 6  # day 8 warns, day 9 flips
    assert verdict.metrics["first_alarm_window"] == 8
    assert verdict.status is Status.FAIL and verdict.reason == "drift_detected"
    # a monitor run each day up to day d says the same: the overall status flips at day 9
    for last_day, expected in ((7, Status.PASS), (8, Status.WARN), (9, Status.FAIL)):
        upto = current[current["t"] < pd.Timestamp(2024, 3, last_day + 1)]
        assert gate.check(reference=reference, current=upto).status is expected, last_day


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("worst", Status.FAIL),
        ("last", Status.FAIL),
        ("share(max_fail=0.6)", Status.WARN),  # 7 of 14 failed: 50% <= 60%
        (share(max_fail=0.4), Status.FAIL),
        ("k_of_n(8, 8)", Status.WARN),  # only 7 failed in a row
    ],
)
def test_policies(policy, expected):
    reference, current = fourteen_days()
    verdict = Windowed(DriftGate(columns="x"), on="t", window="1D", policy=policy).check(
        reference=reference, current=current
    )
    assert verdict.status is expected, verdict.message


@pytest.mark.parametrize(
    "policy", ["worst", "last", "k_of_n(1, 1)", "k_of_n(2, 3)", "k_of_n(3, 5)", "share(0)", "share(0.3)"]
)
def test_running_status_is_the_decision_on_every_prefix(policy):
    # the built-in policies' one-pass running status equals deciding each prefix anew
    # (the base class's definition), on random sequences with skips, errors and warnings
    p = parse_policy(policy)
    rng = np.random.default_rng(5)
    choices = [Status.PASS, Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIP]
    for n in (0, 1, 2, 7, 40):
        for _ in range(30):
            statuses = [choices[i] for i in rng.integers(0, len(choices), size=n)]
            want = [p.decide(statuses[: i + 1])[0] for i in range(n)]
            assert p.running(statuses) == want, (policy, statuses)


def test_policy_strings_parse_and_bad_ones_name_the_forms():
    assert parse_policy("k_of_n(k=2, n=3)") == k_of_n(2, 3)
    assert str(parse_policy("share(max_fail=0.1)")) == "share(max_fail=0.1)"
    for bad in ("k_of_n(3, 2)", "sometimes", "share(1.5)", 3):
        with pytest.raises(ParameterError, match="k_of_n"):
            Windowed(MissingValuesGate(), rows=10, policy=bad).validate()


def test_empty_and_tiny_windows_are_shown():
    reference, current = fourteen_days()
    day = current["t"].dt.day
    current = current[(day != 5) & ~((day == 6) & (current.index % 40 != 0))]  # day 5 empty, day 6 tiny
    gate = Windowed(
        DriftGate(columns="x"),
        on="t",
        window="1D",
        start="2024-02-28",
        end="2024-03-16",
        policy="k_of_n(2, 3)",
    )
    verdict = gate.check(reference=reference, current=current)
    days = {d.name: d for d in _days(verdict)}
    assert len(days) == 17  # Feb 28, 29, March 1..15: every day shown
    for label in ("2024-02-28", "2024-02-29", "2024-03-05", "2024-03-15"):
        assert days[label].status is Status.SKIP and days[label].reason == "empty_window", label
        assert days[label].provenance["window"]["n_rows"] == 0
    tiny = days["2024-03-06"]
    assert tiny.status is Status.WARN and tiny.reason == "insufficient_samples"
    assert "10 rows < min_samples=30" in tiny.message
    assert verdict.metrics["n_empty"] == 4 and verdict.metrics["n_insufficient"] == 1
    frame = verdict.to_frame()
    assert frame.loc[frame["window"] == "2024-03-05", "reason"].tolist() == ["empty_window"]


def test_rows_outside_start_end_and_without_timestamps_are_reported():
    reference, current = fourteen_days()
    current = current.copy()
    current.loc[3, "t"] = pd.NaT
    verdict = Windowed(DriftGate(columns="x"), on="t", window="1D", end="2024-03-10").check(
        reference=reference, current=current
    )
    note = verdict.children[0]
    assert note.status is Status.WARN and note.reason == "missing_values"
    assert note.findings[0].details["n_missing_timestamps"] == 1
    assert note.findings[0].details["n_outside_span"] == 5 * 400
    assert len(_days(verdict)) == 9


def _hourly(start: str, end: str, tz: str) -> pd.DataFrame:
    t = pd.date_range(start, end, freq="h", tz=tz, inclusive="left")
    rng = np.random.default_rng(1)
    return pd.DataFrame({"t": t, "x": rng.normal(size=len(t))})


@pytest.mark.parametrize(
    ("start", "end", "dst_day", "hours"),
    [("2024-03-30", "2024-04-02", "2024-03-31", 23), ("2024-10-26", "2024-10-29", "2024-10-27", 25)],
)
def test_daily_windows_follow_the_calendar_across_dst(start, end, dst_day, hours):
    current = _hourly(start, end, "Europe/Paris")
    verdict = Windowed(MissingValuesGate(), on="t", window="1D", min_samples=1).check(current=current)
    sizes = {d.name: d.provenance["window"]["n_rows"] for d in _days(verdict)}
    assert sizes[dst_day] == hours
    assert sum(sizes.values()) == len(current) and set(sizes.values()) == {24, hours}
    window = next(d for d in _days(verdict) if d.name == dst_day).provenance["window"]
    assert window["start"].endswith("00:00:00+01:00" if hours == 23 else "00:00:00+02:00")
    # in UTC the same rows fall into 24-hour days
    utc = Windowed(MissingValuesGate(), on="t", window="1D", min_samples=1, tz="UTC").check(current=current)
    assert {d.provenance["window"]["n_rows"] for d in _days(utc)} <= {24, 23, 22, 1, 2}
    assert sum(d.provenance["window"]["n_rows"] for d in _days(utc)) == len(current)


def test_timestamps_are_never_guessed_and_timezones_are_explicit():
    current = _hourly("2024-04-02", "2024-04-06", "Europe/Paris")
    naive = current.assign(t=current["t"].dt.tz_localize(None))
    gate = Windowed(MissingValuesGate(), on="t", window="1D", min_samples=1)
    v = gate.clone().set_params(tz="Europe/Paris").check(current=naive)
    assert v.status is Status.ERROR and v.reason == "timezone_mismatch"
    assert "tz_localize" in v.message
    text = naive.assign(t=naive["t"].dt.strftime("%d/%m/%Y %H:%M"))
    v = gate.check(current=text)
    assert v.status is Status.ERROR and v.reason == "invalid_timestamps" and "format=" in v.message
    parsed = gate.clone().set_params(format="%d/%m/%Y %H:%M").check(current=text)
    assert [d.name for d in _days(parsed)] == ["2024-04-02", "2024-04-03", "2024-04-04", "2024-04-05"]
    v = gate.clone().set_params(format="%Y-%m-%d").check(current=text)
    assert v.reason == "invalid_timestamps" and "do not match" in v.message
    epochs = naive.assign(t=naive["t"].astype("int64"))
    v = gate.check(current=epochs)
    assert v.reason == "invalid_timestamps" and "unit=" in v.message
    aware_ref = current.copy()
    v = Windowed(DriftGate(columns="x"), on="t", window="1D", reference_windows=True).check(
        reference=aware_ref, current=naive
    )
    assert v.status is Status.ERROR and v.reason == "timezone_mismatch"


def test_unsorted_input_gives_the_result_sorted_input_gives():
    reference, current = fourteen_days()
    gate = Windowed(DriftGate(columns=["x", "c"]) & MissingValuesGate(), on="t", window="1D")
    shuffled = current.sample(frac=1.0, random_state=3)
    a = gate.check(reference=reference, current=current).to_frame()
    b = gate.check(reference=reference, current=shuffled).to_frame()
    pd.testing.assert_frame_equal(a, b)


def test_identical_frames_on_two_runs():
    reference, current = fourteen_days()
    gate = Windowed(DriftGate(), on="t", window="2D", policy="share(max_fail=0.2)")
    first = gate.check(reference=reference, current=current)
    second = gate.check(reference=reference, current=current)
    pd.testing.assert_frame_equal(first.to_frame(), second.to_frame())
    assert first.to_frame()["window"].nunique() == 7
    assert Verdict.from_json(first.to_json()) == first


def test_row_windows_are_equal_in_size_on_both_sides():
    reference, current = fourteen_days()
    reference = reference.assign(t=pd.date_range("2024-02-01", periods=len(reference), freq="10min"))
    gate = Windowed(DriftGate(columns="x"), rows=500, on="t", reference_windows=True)
    verdict = gate.check(reference=reference, current=current)
    sides: dict[str, list[int]] = {"reference": [], "current": []}
    for child in verdict.children:
        info = child.provenance["window"]
        sides[info["side"]].append(info["n_rows"])
        if info["content"] == "checked":
            assert info["n_rows"] == 500
            assert child.findings[0].details["n_cur"] == 500
    assert sides["reference"] == [500] * 8
    assert sides["current"] == [500] * 11 + [100]  # 5,600 rows: a partial last window
    last = _days(verdict)[-1]
    assert last.reason == "insufficient_samples" and last.status is Status.WARN
    # reference windows are drawn, never counted by the policy
    assert verdict.metrics["n_windows"] == 12


def test_per_row_inputs_are_sliced_with_each_window():
    rng = np.random.default_rng(0)
    n = 600
    current = pd.DataFrame(
        {"t": pd.date_range("2024-01-01", periods=n, freq="h"), "y": rng.integers(0, 2, n)}
    ).sample(frac=1.0, random_state=0)
    prediction = np.where(rng.random(n) < 0.8, current["y"].to_numpy(), 1 - current["y"].to_numpy())
    gate = PerformanceGate("accuracy", min_value=0.5)
    verdict = Windowed(gate, on="t", window="5D").check(current=current, target="y", prediction=prediction)
    for day in _days(verdict):
        info = day.provenance["window"]
        start, end = pd.Timestamp(info["start"]), pd.Timestamp(info["end"])
        mask = ((current["t"] >= start) & (current["t"] < end)).to_numpy()
        expected = float((prediction[mask] == current["y"].to_numpy()[mask]).mean())
        assert day.metrics["accuracy"] == pytest.approx(expected), day.name


def test_reference_work_is_shared_across_windows(monkeypatch):
    reference, current = fourteen_days()
    calls: list[int] = []
    real = _prepare._numeric

    def counting(series, kind):
        calls.append(len(series))
        return real(series, kind)

    monkeypatch.setattr(_prepare, "_numeric", counting)
    Windowed(DriftGate(columns="x", n_jobs=1), on="t", window="1D").check(
        reference=reference, current=current
    )
    assert calls.count(len(reference)) == 1  # the reference is sorted once, not once per window
    assert len(calls) == 1 + 14


def test_timeline_in_the_html_report():
    reference, current = fourteen_days()
    verdict = Windowed(DriftGate(columns="x"), on="t", window="1D").check(
        reference=reference, current=current
    )
    page = verdict.to_html()
    assert page.count('class="mlg-timeline"') == 1
    assert page.count("<circle") == 14 and "stroke-dasharray" in page and "<script" not in page
    assert "#cf222e" in page and "#1a7f37" in page  # fail and pass colours


def test_config_round_trip_with_a_suite_inside(tmp_path):
    gate = Windowed(
        DriftGate(columns="x") & MissingValuesGate(max_share=0.1),
        on="t",
        window="1D",
        policy=k_of_n(2, 3),
        tz="Europe/Paris",
    )
    config = gate.to_config()
    assert config["policy"] == "k_of_n(2, 3)" and config["gate"]["type"] == "Suite"
    for suffix in ("json", "yaml", "toml"):
        path = save_suite(gate, tmp_path / f"w.{suffix}")
        assert load_suite(path).to_config() == config
    assert gate_from_config(config).get_params(deep=True)["gate__gates__1__max_share"] == 0.1


def test_parameter_errors_name_the_fix():
    with pytest.raises(ParameterError, match="window='1D'"):
        Windowed(MissingValuesGate()).validate()
    with pytest.raises(ParameterError, match="'on'"):
        Windowed(MissingValuesGate(), window="1D").validate()
    with pytest.raises(ParameterError, match="calendar period"):
        Windowed(MissingValuesGate(), on="t", window="1ME").validate()
    with pytest.raises(ParameterError, match="timezone"):
        Windowed(MissingValuesGate(), on="t", window="1D", tz="Mars/Olympus").validate()


def test_an_exception_in_one_window_does_not_stop_the_others():
    class Fragile(MissingValuesGate):
        def _check(self, ctx):
            if len(ctx.frame("current")) == 7:
                raise RuntimeError("boom")
            return super()._check(ctx)

    current = pd.DataFrame({"x": np.arange(27.0)})
    verdict = Windowed(Fragile(), rows=10, min_samples=1).check(current=current)
    assert [c.status for c in verdict.children] == [Status.PASS, Status.PASS, Status.ERROR]
    assert verdict.children[2].reason == "exception" and verdict.status is Status.ERROR


def test_a_window_names_the_input_it_is_cut_from_instead_of_fingerprinting_it():
    reference, current = fourteen_days()
    gate = Windowed(DriftGate(columns="x"), on="t", window="1D")
    verdict = gate.check(reference=reference, current=current)
    whole = verdict.provenance["inputs"]["current"]
    assert whole["fingerprint"]  # the whole input is fingerprinted once
    for day in _days(verdict):
        described = day.provenance["inputs"]["current"]
        assert described["fingerprint"] is None
        assert described["slice_of"] == {"input": "current", "fingerprint": whole["fingerprint"]}
        assert described["shape"][0] == day.provenance["window"]["n_rows"]
        # the reference is not a slice: its own fingerprint, the same in every window
        assert day.provenance["inputs"]["reference"] == verdict.provenance["inputs"]["reference"]
