"""McNemar kernel against statsmodels and scipy."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from mlgates.stats.mcnemar import EXACT_BELOW, mcnemar_counts, mcnemar_test, paired_accuracy_ci

counts = st.integers(0, 80)


def table(b, c, a=7, d=11):
    # rows: baseline correct / wrong; columns: candidate correct / wrong
    return np.array([[a, b], [c, d]])


@settings(max_examples=150, deadline=None)
@given(b=counts, c=counts)
def test_exact_matches_statsmodels_and_binomtest(b, c):
    ours = mcnemar_test(b, c, method="exact")
    if b + c == 0:
        assert ours.pvalue == 1.0
        return
    sm = sm_mcnemar(table(b, c), exact=True)
    assert ours.pvalue == pytest.approx(sm.pvalue, rel=1e-10, abs=1e-300)
    bt = stats.binomtest(b, b + c, 0.5, alternative="two-sided")
    assert ours.pvalue == pytest.approx(bt.pvalue, rel=1e-10, abs=1e-300)


@settings(max_examples=150, deadline=None)
@given(b=counts, c=counts)
def test_chi2_matches_statsmodels(b, c):
    if b + c == 0:
        return
    ours = mcnemar_test(b, c, method="chi2")
    sm = sm_mcnemar(table(b, c), exact=False, correction=False)
    assert ours.statistic == pytest.approx(sm.statistic)
    assert ours.pvalue == pytest.approx(sm.pvalue, rel=1e-9)
    if abs(b - c) >= 1:  # statsmodels' correction goes negative for b == c; ours stops at 0
        ours_cc = mcnemar_test(b, c, method="chi2_cc")
        sm_cc = sm_mcnemar(table(b, c), exact=False, correction=True)
        assert ours_cc.statistic == pytest.approx(sm_cc.statistic)
        assert ours_cc.pvalue == pytest.approx(sm_cc.pvalue, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(b=counts, c=counts)
def test_midp_is_exact_minus_point_probability(b, c):
    if b + c == 0:
        return
    mid = mcnemar_test(b, c, method="midp").pvalue
    exact = mcnemar_test(b, c, method="exact").pvalue
    k = min(b, c)
    expected = min(1.0, 2 * stats.binom.cdf(k, b + c, 0.5) - stats.binom.pmf(k, b + c, 0.5))
    assert mid == pytest.approx(expected, rel=1e-10, abs=1e-300)
    assert mid <= exact + 1e-15


def test_identical_error_sets_give_p_one():
    for method in ("auto", "exact", "midp", "chi2", "chi2_cc"):
        r = mcnemar_test(0, 0, method=method)
        assert r.pvalue == 1.0 and r.statistic == 0.0


def test_auto_switches_at_documented_count():
    assert mcnemar_test(10, EXACT_BELOW - 11).method == "exact"
    assert mcnemar_test(10, EXACT_BELOW - 10).method == "midp"


def test_counts_from_correctness():
    base = np.array([1, 1, 0, 0, 1])
    cand = np.array([1, 0, 1, 1, 1])
    assert mcnemar_counts(base, cand) == (1, 2)


def test_bad_counts_raise():
    with pytest.raises(ValueError):
        mcnemar_test(-1, 3)
    with pytest.raises(ValueError):
        mcnemar_test(1, 3, method="nope")


@settings(max_examples=60, deadline=None)
@given(b=counts, c=counts, rest=st.integers(0, 500))
def test_agresti_min_interval_contains_adjusted_center(b, c, rest):
    n = b + c + rest
    if n == 0:
        return
    lo, hi, se = paired_accuracy_ci(b, c, n)
    center = (c - b) / (n + 2)
    assert -1 <= lo <= center <= hi <= 1
    assert se > 0 and math.isfinite(se)


def test_agresti_min_interval_coverage_is_nominal():
    rng = np.random.default_rng(99)
    n, reps, covered = 300, 600, 0
    true = 0.85 - 0.80
    for _ in range(reps):
        y = rng.integers(0, 2, n)
        cand = np.where(rng.random(n) < 0.85, y, 1 - y)
        base = np.where(rng.random(n) < 0.80, y, 1 - y)
        b, c = mcnemar_counts(base == y, cand == y)
        lo, hi, _ = paired_accuracy_ci(b, c, n)
        covered += lo <= true <= hi
    assert abs(covered / reps - 0.95) < 3 * np.sqrt(0.95 * 0.05 / reps), covered / reps


def test_exact_test_size_is_at_most_alpha():
    """Under the null (equal accuracy) the exact test rejects at most alpha of the time."""
    rng = np.random.default_rng(5)
    reps, rejected = 2000, 0
    for _ in range(reps):
        d = rng.binomial(20, 0.5)  # 20 discordant pairs split at random
        rejected += mcnemar_test(d, 20 - d, method="exact").pvalue < 0.05
    assert rejected / reps <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps)
