"""DriftGate(decision="material") and threshold="reference_null": decisions that do not depend
on the sample size (issue 18). Fast tests here; the false-alarm rates under the null at
n = 100, 10k and 1M are measured in test_drift_material_calibration.py (slow)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import DriftGate, ParameterError, Status
from mlgates.core.status import Status as S
from mlgates.gates.drift._decide import ColumnFacts, decide_column
from mlgates.gates.drift._describe import describe_column
from mlgates.testing import check_gate


def _frames(n, shift=0.0, p_cur=(0.25, 0.25, 0.25, 0.25), seed=0):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"x": rng.normal(0, 1, n), "c": rng.choice(list("abcd"), n)})
    cur = pd.DataFrame({"x": rng.normal(shift, 1, n), "c": rng.choice(list("abcd"), n, p=list(p_cur))})
    return ref, cur


def _by(v):
    return {f.subject: f for f in v.findings if f.method not in ("missing_share", "new_categories")}


MATERIAL = {"decision": "material", "method": {"x": "wasserstein", "c": "psi"}, "n_jobs": 1}


def test_tiny_real_change_at_large_n_is_significant_but_not_material():
    ref, cur = _frames(200_000, shift=0.03, p_cur=(0.26, 0.25, 0.25, 0.24))
    f = _by(DriftGate(**MATERIAL).check(reference=ref, current=cur))
    for col in ("x", "c"):
        assert f[col].status is Status.PASS, f[col].message
        assert f[col].details["significance"]["pvalue"] < 0.05  # the change is real ...
        assert f[col].details["interval"]["high"] < f[col].threshold  # ... and immaterial
        assert "no material drift" in f[col].message
    # the point decision on a threshold calibrated to sampling noise flags the same change
    point = _by(
        DriftGate(threshold="reference_null", method=MATERIAL["method"]).check(reference=ref, current=cur)
    )
    assert point["x"].status is Status.FAIL


def test_large_change_is_material_at_any_size():
    for n in (2_000, 200_000):
        ref, cur = _frames(n, shift=0.6, p_cur=(0.55, 0.15, 0.15, 0.15))
        v = DriftGate(**MATERIAL).check(reference=ref, current=cur)
        f = _by(v)
        for col in ("x", "c"):
            assert f[col].status is Status.FAIL and f[col].reason == "drift_detected"
            assert f[col].details["interval"]["low"] > f[col].threshold
            assert f[col].pvalue == f[col].details["significance"]["pvalue"] < 0.05
        assert v.status is Status.FAIL


def test_small_sample_straddling_the_bound_is_inconclusive_with_on_insufficient():
    ref, cur = _frames(150, shift=0.3, seed=3)
    v = DriftGate(**MATERIAL).check(reference=ref, current=cur)
    f = _by(v)
    assert f["x"].status is Status.WARN and f["x"].reason == "drift_inconclusive"
    lo, hi = f["x"].details["interval"]["low"], f["x"].details["interval"]["high"]
    assert lo <= f["x"].threshold <= hi
    assert f"includes {f['x'].threshold:g}" in f["x"].message
    assert v.metrics["n_judged"] < 2  # an inconclusive column is not counted as judged
    skipped = _by(DriftGate(**MATERIAL, on_insufficient="skip").check(reference=ref, current=cur))
    assert skipped["x"].status is Status.SKIP
    failed = _by(DriftGate(**MATERIAL, on_insufficient="fail").check(reference=ref, current=cur))
    assert failed["x"].status is Status.FAIL and failed["x"].reason == "drift_inconclusive"


def test_reference_null_is_recorded_and_used_as_the_threshold():
    ref, cur = _frames(5_000, seed=4)
    gate = DriftGate(threshold="reference_null", method={"x": "wasserstein", "c": "tvd"}, random_state=7)
    f = _by(gate.check(reference=ref, current=cur))
    for col in ("x", "c"):
        null = f[col].details["reference_null"]
        assert f[col].threshold == null["value"] > 0
        assert null["quantile"] == 0.99 and null["n_draws"] == 1000 and null["random_state"] == 9
        assert (null["n_reference"], null["n_current"]) == (5_000, 5_000)
        assert "(reference null)" in f[col].message
    again = _by(gate.check(reference=ref, current=cur))
    assert again["x"].threshold == f["x"].threshold  # seeded: the same bound every run
    shifted = _by(
        DriftGate(threshold="reference_null", random_state=7, null_quantile=0.6).check(
            reference=ref, current=cur
        )
    )
    assert shifted["x"].threshold < f["x"].threshold  # a lower quantile, a lower bound


def test_reference_null_in_a_mapping_and_tests_keep_their_alpha():
    ref, cur = _frames(300, seed=5)  # small: auto picks ks and chisquare
    v = DriftGate(threshold="reference_null", method={"c": "jensenshannon"}).check(reference=ref, current=cur)
    f = _by(v)
    assert f["x"].method == "ks" and f["x"].threshold == 0.05 and "reference_null" not in f["x"].details
    assert "reference_null" in f["c"].details
    mapped = _by(
        DriftGate(threshold={"psi": "reference_null"}, method="psi").check(reference=ref, current=cur)
    )
    assert "reference_null" in mapped["c"].details


def test_interval_recorded_with_point_decision_when_n_resamples_given():
    ref, cur = _frames(3_000, shift=0.2, seed=6)
    f = _by(
        DriftGate(method={"x": "wasserstein", "c": "hellinger"}, n_resamples=300).check(
            reference=ref, current=cur
        )
    )
    for col in ("x", "c"):
        ci = f[col].details["interval"]
        assert ci["low"] <= f[col].statistic <= ci["high"] and ci["n_resamples"] == 300
        assert "significance" not in f[col].details
    plain = _by(DriftGate(method={"x": "wasserstein"}).check(reference=ref, current=cur))
    assert "interval" not in plain["x"].details  # nothing resampled unless asked


def test_p_value_tests_decide_on_their_p_value_with_material():
    ref, cur = _frames(300, shift=0.4, seed=8)
    material = _by(DriftGate(decision="material").check(reference=ref, current=cur))
    point = _by(DriftGate().check(reference=ref, current=cur))
    assert material["x"].method == "ks"
    assert (material["x"].status, material["x"].message) == (point["x"].status, point["x"].message)


def test_distance_without_resampling_is_not_applicable():
    ref, cur = _frames(500, seed=9)
    f = _by(
        DriftGate(decision="material", method={"x": "energy"}, columns=["x"]).check(
            reference=ref, current=cur
        )
    )
    assert f["x"].status is Status.ERROR and f["x"].reason == "method_not_applicable"
    assert "energy has no resampled interval" in f["x"].message


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"decision": "ci"}, "decision"),
        ({"alpha": 1.0}, "alpha"),
        ({"confidence": 0.0}, "confidence"),
        ({"n_resamples": 10}, "n_resamples"),
        ({"null_quantile": 1.0}, "null_quantile"),
        ({"warn_threshold": "reference_null"}, "warn_threshold"),
        ({"threshold": "reference-null"}, "threshold"),
        # 1,000 draws cannot show a level of 0.0005 (the smallest Monte Carlo p-value is 1/1001)
        ({"threshold": "reference_null", "null_quantile": 0.9995}, "n_resamples=1999"),
        ({"threshold": {"x": "reference_null"}, "null_quantile": 0.995, "n_resamples": 100}, "null_quantile"),
    ],
)
def test_bad_parameters_name_themselves(kwargs, match):
    ref, cur = _frames(100)
    with pytest.raises(ParameterError, match=match):
        DriftGate(**kwargs).check(reference=ref, current=cur)


def test_contract_holds_with_material_and_reference_null():
    ref, cur = _frames(400, shift=0.2, seed=10)
    gate = DriftGate(decision="material", threshold="reference_null", n_resamples=200, n_jobs=1)
    check_gate(gate, inputs={"reference": ref, "current": cur})


@pytest.mark.parametrize(
    ("low", "high", "p", "warn", "status", "outcome"),
    [
        (0.15, 0.3, 0.001, None, S.FAIL, "material"),
        (0.15, 0.3, 0.2, None, S.WARN, "inconclusive"),  # above the bound, not significant
        (0.05, 0.3, 0.001, None, S.WARN, "inconclusive"),  # straddles
        (0.0, 0.09, 0.001, None, S.PASS, "immaterial"),  # significant but small
        (0.0, 0.09, 0.5, None, S.PASS, "immaterial"),
        (0.06, 0.09, 0.001, 0.05, S.WARN, "warning"),  # above the warning level only
        (0.06, 0.2, 0.001, 0.05, S.WARN, "inconclusive"),
    ],
)
def test_material_rule(low, high, p, warn, status, outcome):
    facts = ColumnFacts(
        "x",
        "psi",
        0.12,
        None,
        0.1,
        warn,
        5000,
        5000,
        decision="material",
        ci_low=low,
        ci_high=high,
        significance_pvalue=p,
    )
    d = decide_column(facts, insufficient=S.WARN)
    assert (d.status, d.outcome) == (status, outcome)
    assert d.reason == {
        "material": "drift_detected",
        "warning": "drift_detected",
        "inconclusive": "drift_inconclusive",
    }.get(outcome)
    assert describe_column(d).startswith("x: ")


def test_material_without_interval_or_bound_fails_closed():
    base = dict(decision="material", ci_low=0.0, ci_high=0.2, significance_pvalue=0.01)
    no_ci = ColumnFacts("x", "psi", 0.12, None, 0.1, None, **{**base, "ci_low": None})
    assert decide_column(no_ci).status is S.ERROR
    no_bound = ColumnFacts("x", "psi", 0.12, None, float("nan"), None, **base)
    assert decide_column(no_bound).status is S.ERROR
    point_no_bound = ColumnFacts("x", "psi", 0.12, None, float("nan"), None)
    assert decide_column(point_no_bound).reason == "undefined_statistic"


def test_a_null_quantile_the_draws_can_reach_is_accepted():
    ref, cur = _frames(300)
    gate = DriftGate(threshold="reference_null", null_quantile=0.9995, n_resamples=1999, random_state=1)
    assert all(f.status is not Status.ERROR for f in gate.check(reference=ref, current=cur).findings)
    DriftGate(null_quantile=0.9995).validate()  # without reference_null the quantile is unused
