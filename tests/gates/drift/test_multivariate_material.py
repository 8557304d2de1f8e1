"""MultivariateDriftGate(decision="material"): the domain classifier's AUC decides on its
interval and its test, as DriftGate's material rule does (issue 18)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import MultivariateDriftGate, ParameterError, Status
from mlgates.stats.delong import auc_ci


def _pair(n: int, shift: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    cur = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(shift, 1.0, size=n)})
    return ref, cur


def _finding(decision: str, ref: pd.DataFrame, cur: pd.DataFrame, **kwargs):
    gate = MultivariateDriftGate(decision=decision, cv=3, n_top_features=2, **kwargs)
    return gate.check(reference=ref, current=cur).findings[0]


def test_an_auc_the_data_cannot_place_against_the_bound_is_inconclusive():
    """300 rows a side, half a standard deviation in one of two columns: the AUC (0.568) is
    significant and above 0.55, so the point decision FAILs, but its interval [0.52, 0.61]
    holds 0.55: the material decision says the data cannot tell (on_insufficient's status)."""
    ref, cur = _pair(300, 0.45, seed=0)
    point, material = _finding("point", ref, cur), _finding("material", ref, cur)
    assert point.status is Status.FAIL
    assert (material.status, material.reason) == (Status.WARN, "drift_inconclusive")
    interval = material.details["interval"]
    assert interval["low"] < 0.55 < interval["high"] and interval["confidence"] == 0.95
    assert material.statistic == point.statistic  # the same AUC, decided differently
    assert "drift inconclusive" in material.message and "includes 0.55" in material.message
    strict = _finding("material", ref, cur, on_insufficient="fail")
    assert (strict.status, strict.reason) == (Status.FAIL, "drift_inconclusive")


def test_a_large_change_is_material_and_a_small_significant_one_is_not():
    ref, cur = _pair(300, 1.0, seed=1)
    big = _finding("material", ref, cur)
    assert (big.status, big.reason) == (Status.FAIL, "drift_detected")
    assert big.details["interval"]["low"] > 0.55 and "material drift" in big.message
    assert "most separating: b" in big.message
    ref, cur = _pair(20_000, 0.12, seed=2)  # real and significant at this size, AUC about 0.53
    small = _finding("material", ref, cur)
    assert small.pvalue < 0.05 and small.statistic < 0.55
    assert (small.status, small.reason) == (Status.PASS, None)
    assert small.details["interval"]["high"] < 0.55 and "no material drift" in small.message


def _hanley_mcneil_se(a: float, n1: int, n2: int) -> float:
    """The AUC's standard error by Hanley and McNeil (1982), an oracle independent of DeLong."""
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    return float(np.sqrt((a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)))


def test_the_interval_has_the_aucs_standard_error_on_the_logit_scale_and_narrows_with_n():
    widths = []
    for n in (300, 3_000):
        ref, cur = _pair(n, 0.3, seed=3)
        f = _finding("material", ref, cur, confidence=0.9)
        iv = f.details["interval"]
        a = f.statistic
        assert iv["low"] < a < iv["high"] and iv["confidence"] == 0.9
        # the standard error behind the logit interval, against Hanley-McNeil's
        logit_half = (np.log(iv["high"] / (1 - iv["high"])) - np.log(iv["low"] / (1 - iv["low"]))) / 2
        se = logit_half / 1.6448536 * a * (1 - a)
        assert se == pytest.approx(_hanley_mcneil_se(a, n, n), rel=0.25)
        assert auc_ci(a, se**2, alpha=0.1) == pytest.approx((iv["low"], iv["high"]), abs=1e-9)
        widths.append(iv["high"] - iv["low"])
    assert widths[1] < widths[0] / 2.5  # about 1 / sqrt(10)


def test_identical_samples_never_fail_material():
    fails = []
    for seed in range(8):
        ref, cur = _pair(200, 0.0, seed=100 + seed)
        fails.append(_finding("material", ref, cur).status is Status.FAIL)
    assert not any(fails)


def test_material_needs_the_classifier():
    with pytest.raises(ParameterError, match="decision"):
        MultivariateDriftGate(method="mmd", decision="material").validate()
    with pytest.raises(ParameterError, match="decision"):
        MultivariateDriftGate(decision="interval").validate()
    with pytest.raises(ParameterError, match="confidence"):
        MultivariateDriftGate(decision="material", confidence=1.0).validate()


def test_contract_holds_with_material():
    from mlgates.testing import check_gate

    ref, cur = _pair(200, 0.4, seed=5)
    verdict = check_gate(
        MultivariateDriftGate(decision="material", cv=2), inputs={"reference": ref, "current": cur}
    )
    assert "interval" in verdict.findings[0].details
