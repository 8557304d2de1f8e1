"""Power and detectable effects (mlgates.stats.power): statsmodels and scipy as oracles, the
numbers the families reported before the kernels were shared, and every family calling them."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower, normal_power
from statsmodels.stats.proportion import proportions_ztest

from mlgates.stats.power import (
    detectable_ks_distance,
    detectable_share_difference,
    minimum_detectable_effect,
    power_at,
    proportion_difference_se,
)

SIZES = [(30, 30), (200, 50), (1000, 4000), (12_345, 678)]


# -- oracles ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("n1", "n2"), SIZES)
@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
@pytest.mark.parametrize("power", [0.5, 0.8, 0.9])
def test_mde_against_statsmodels_power(n1, n2, alpha, power):
    """The MDE leaves out rejections in the wrong direction, so it is exactly the one-sided MDE
    at alpha / 2, and the two-sided power at it exceeds ``power`` by at most that far tail."""
    se = math.sqrt(1 / n1 + 1 / n2)  # of a difference of means with sigma = 1 (statsmodels' effect size)
    nobs = 1 / (1 / n1 + 1 / n2)
    mde = minimum_detectable_effect(se, alpha=alpha, power=power)
    assert normal_power(mde, nobs, alpha / 2, alternative="larger") == pytest.approx(power, abs=1e-12)
    solved = NormalIndPower().solve_power(
        None, nobs1=n1, alpha=alpha / 2, power=power, ratio=n2 / n1, alternative="larger"
    )
    assert mde == pytest.approx(solved, rel=1e-4)  # statsmodels' root finder is the looser one
    two_sided = normal_power(mde, nobs, alpha, alternative="two-sided")
    far_tail = stats.norm.cdf(-2 * stats.norm.isf(alpha / 2) - stats.norm.ppf(power))
    assert power <= two_sided <= power + far_tail + 1e-12
    assert power_at(mde, se, alpha=alpha) == pytest.approx(two_sided, rel=1e-12)


@pytest.mark.parametrize("alpha", [0.01, 0.05])
def test_power_at_is_statsmodels_normal_power(alpha):
    for se in (0.002, 0.03):
        for effect in (0.0, -se, 1.7 * se, 3 * se):
            expected = normal_power(effect / se, 1, alpha, alternative="two-sided")
            assert power_at(effect, se, alpha=alpha) == pytest.approx(expected, rel=1e-12)
    assert power_at(0.1, 0.0, alpha=alpha) == 1.0 and power_at(0.0, 0.0, alpha=alpha) == alpha


@pytest.mark.parametrize(("n1", "n2"), SIZES)
@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2])
def test_detectable_share_is_where_the_two_proportion_z_test_crosses_alpha(n1, n2, alpha):
    delta = detectable_share_difference(n1, n2, alpha)
    # shares around 50% with a pooled share of exactly 50%, differing by delta
    p1, p2 = 0.5 + delta * n2 / (n1 + n2), 0.5 - delta * n1 / (n1 + n2)
    _, pvalue = proportions_ztest([p1 * n1, p2 * n2], [n1, n2])
    assert pvalue == pytest.approx(alpha, rel=1e-9)
    assert delta == pytest.approx(proportion_difference_se(n1, n2) * stats.norm.isf(alpha / 2), rel=1e-12)


@pytest.mark.parametrize(("n1", "n2"), SIZES)
@pytest.mark.parametrize("alpha", [0.001, 0.01, 0.05, 0.1])
def test_detectable_ks_distance_is_the_asymptotic_kolmogorov_critical_value(n1, n2, alpha):
    """The leading term of the Kolmogorov tail series ``2 sum (-1)^(k-1) exp(-2 k^2 x^2)``: the
    exact tail probability (scipy's kstwobign) at it is alpha up to the next term."""
    c = detectable_ks_distance(n1, n2, alpha) / math.sqrt((n1 + n2) / (n1 * n2))
    assert stats.kstwobign.sf(c) == pytest.approx(alpha, abs=2 * math.exp(-8 * c * c) * 1.001)
    assert c == pytest.approx(stats.kstwobign.isf(alpha), rel=3e-5)


@pytest.mark.parametrize("kernel", [detectable_ks_distance, detectable_share_difference])
def test_an_empty_sample_detects_nothing(kernel):
    assert kernel(0, 10) == math.inf and kernel(10, 0) == math.inf and kernel(-1, 5) == math.inf


# -- the numbers the four copies computed before ---------------------------------------------
@pytest.mark.parametrize(("n1", "n2"), SIZES)
@pytest.mark.parametrize("alpha", [0.01, 0.05])
def test_same_numbers_as_the_copies_it_replaces(n1, n2, alpha):
    # drift's KS copy, character for character
    ks = math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n1 + n2) / (n1 * n2))
    assert detectable_ks_distance(n1, n2, alpha) == ks
    # drift's share copy (statistics.NormalDist; scipy's ndtri agrees to the last bits)
    share = NormalDist().inv_cdf(1 - alpha / 2) * math.sqrt(0.25 * (1 / n1 + 1 / n2))
    assert detectable_share_difference(n1, n2, alpha) == pytest.approx(share, rel=1e-14)
    # fairness's copy (confidence = 1 - alpha)
    z = float(stats.norm.ppf(1 - alpha / 2))
    fair = z * float(np.sqrt(0.25 / n1 + 0.25 / n2))
    assert detectable_share_difference(float(n1), float(n2), 1 - (1 - alpha)) == pytest.approx(
        fair, rel=1e-14
    )
    # performance's copy (scipy.stats.norm), exactly
    se = 0.013
    assert minimum_detectable_effect(se, alpha=alpha, power=0.8) == float(
        (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(0.8)) * se
    )


# -- every family calls it ----------------------------------------------------------------------
def test_families_use_the_shared_kernels():
    from mlgates.gates.drift import _prepare
    from mlgates.gates.fairness import _aggregate
    from mlgates.gates.performance import _baseline
    from mlgates.stats import performance as perf_kernels
    from mlgates.stats import power

    assert _prepare.detectable is power.detectable_ks_distance
    assert _prepare.detectable_share is power.detectable_share_difference
    assert _baseline.minimum_detectable_effect is power.minimum_detectable_effect  # PerformanceGate's rules
    assert _aggregate.detectable_share_difference is power.detectable_share_difference  # FairnessGate's
    assert perf_kernels.minimum_detectable_effect is power.minimum_detectable_effect  # old import path
    assert perf_kernels.power_at is power.power_at


def test_fairness_insufficient_message_states_the_shared_detectable_difference():
    from mlgates import FairnessGate

    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {"g": ["a"] * 60 + ["b"] * 40, "pred": rng.integers(0, 2, 100), "y": rng.integers(0, 2, 100)}
    )
    gate = FairnessGate(sensitive_features="g", min_group_size=1000)
    v = gate.check(current=df, target="y", prediction="pred")
    assert v.reason == "insufficient_samples"
    want = detectable_share_difference(60, 40, 1 - gate.confidence)
    assert (
        f"the two largest groups (60 and 40 rows) could only resolve rate differences of about {want:.2f}"
        in (v.message + " ".join(f.message for f in v.findings))
    )
