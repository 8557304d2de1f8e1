"""Sampling bounds of inferred tolerances (mlgates.stats.sampling) against scipy oracles, and
their level under the null."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from mlgates.stats import sampling


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 400), st.integers(0, 5), st.integers(0, 300), st.integers(1, 3), st.data())
def test_exceedance_pvalue_is_the_beta_binomial_tail(n, k, m, ends, data):
    k = min(k, n)
    count = data.draw(st.integers(0, m + 1))
    got = sampling.exceedance_pvalue(n, k, m, count, ends=ends)
    if count > m:
        assert got == 0.0
        return
    if k + ends > n:
        assert got == 1.0
        return
    want = 1.0 if count <= 0 else float(stats.betabinom.sf(count - 1, m, k + ends, n - k - ends + 1))
    assert got == pytest.approx(want, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 300), st.integers(0, 20), st.integers(1, 300), st.integers(0, 300))
def test_one_end_is_the_one_sided_fisher_exact_test(n, k, m, count):
    k = min(k, n)
    count = min(count, m)
    table = [[count, m - count], [k, n - k]]  # current more often breaking the rule
    want = stats.fisher_exact(table, alternative="greater").pvalue
    assert sampling.exceedance_pvalue(n, k, m, count) == pytest.approx(want, rel=1e-7, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 2000), st.integers(0, 10), st.integers(1, 2000), st.integers(1, 2))
@example(n=2, k=0, m=1998, ends=2)  # P(K >= 1998) = 2/2000 = 1e-3 exactly: a tie at alpha
def test_bound_is_the_beta_binomial_quantile(n, k, m, ends):
    k = min(k, max(n - ends, 0))
    for alpha in (0.05, 1e-3, 1e-5):
        q = sampling.exceedance_bound(n, k, m, alpha, ends=ends)
        shape = (m, k + ends, n - k - ends + 1)
        want = stats.betabinom.ppf(1 - alpha, *shape)
        if q != want:
            # only at a tail equal to alpha up to rounding may the two differ, by one: the exact
            # tail is alpha there, and scipy's rounding can fall either way
            assert abs(q - want) == 1, (q, want)
            assert stats.betabinom.cdf(min(q, want), *shape) == pytest.approx(1 - alpha, rel=1e-9)


def test_bound_at_a_tail_equal_to_alpha_is_not_moved_by_rounding():
    # P(K >= 19) = 0.05 exactly for BetaBinomial(23, 1, 2); it computes as 0.05000000000000004
    assert sampling.exceedance_bound(2, 0, 23, 0.05, ends=1) == stats.betabinom.ppf(0.95, 23, 1, 2) == 18


def test_new_value_beyond_the_maximum_has_probability_one_over_n_plus_one():
    for n in (9, 99, 999):
        assert sampling.exceedance_pvalue(n, 0, 1, 1) == pytest.approx(1 / (n + 1))


def test_order_statistic_bound_holds_its_level_on_continuous_data():
    """Ranges at the reference's [min, max]: new values outside them exceed the bound at most
    alpha of the time, at every size (simulated exactly: a random split of n + m values)."""
    rng = np.random.default_rng(0)
    alpha = 0.01
    for n, m in ((30, 20), (341, 228), (2000, 50), (50, 2000)):
        q = sampling.exceedance_bound(n, 0, m, alpha, ends=2)
        hits = 0
        reps = 4000
        for _ in range(reps):
            ref, cur = rng.standard_t(3, size=n), rng.standard_t(3, size=m)  # any continuous law
            outside = int(((cur < ref.min()) | (cur > ref.max())).sum())
            hits += outside > q
        assert hits / reps <= alpha + 3.5 * math.sqrt(alpha / reps), (n, m, hits)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 500), st.integers(0, 30), st.integers(2, 500), st.integers(0, 40), st.booleans())
def test_collision_pvalue_is_a_binomial_tail(n, k, m, count, cross):
    k = min(k, n)
    count = min(count, m)
    ref_pairs = n * (n - 1) / 2
    cur_pairs = n * m if cross else m * (m - 1) / 2
    w = cur_pairs / (ref_pairs + cur_pairs)
    want = 1.0 if count == 0 else float(stats.binom.sf(count - 1, k + count, w))
    assert sampling.collision_pvalue(n, k, m, count, cross=cross) == pytest.approx(want, abs=1e-12)
    q = sampling.collision_bound(n, k, m, 0.01, cross=cross)
    assert sampling.collision_pvalue(n, k, m, q + 1, cross=cross) <= 0.01
    if q > 0:
        assert sampling.collision_pvalue(n, k, m, q, cross=cross) > 0.01


def test_collision_bound_holds_its_level_for_keys_drawn_at_random():
    """Keys drawn from a large pool: a reference with no repeated key does not make the first
    repeats of a batch a failure more than alpha of the time."""
    rng = np.random.default_rng(1)
    alpha, reps, hits = 0.01, 3000, 0
    for _ in range(reps):
        keys = rng.integers(0, 20_000, 300)
        ref, cur = keys[:180], keys[180:]
        k = 180 - np.unique(ref).size
        dup = 120 - np.unique(cur).size
        hits += dup > sampling.collision_bound(180, k, 120, alpha)
    assert hits / reps <= alpha + 3.5 * math.sqrt(alpha / reps)


def test_constant_pvalue_is_hypergeometric():
    for n, k, m in ((10, 1, 10), (1078, 3, 719), (500, 40, 100)):
        assert sampling.constant_pvalue(n, k, m) == pytest.approx(stats.hypergeom.pmf(0, n + m, k, m))
    assert sampling.constant_pvalue(10, 0, 5) == 1.0


def test_new_category_pvalue_matches_the_split_by_simulation():
    """The combined p-value is no smaller than the exact split's (simulated by shuffling
    rows), i.e. it is conservative, and decides the obvious cases."""
    rng = np.random.default_rng(4)
    ref = np.array([40, 25, 10, 3, 1, 1, 0, 0])
    cur = np.array([20, 15, 5, 1, 0, 0, 2, 1])
    pooled = np.repeat(np.arange(ref.size), ref + cur)
    k_obs = int(cur[ref == 0].sum())
    reps, hits = 20_000, 0
    for _ in range(reps):
        rng.shuffle(pooled)
        r = np.bincount(pooled[: ref.sum()], minlength=ref.size)
        c = np.bincount(pooled[ref.sum() :], minlength=ref.size)
        hits += int(c[r == 0].sum()) >= k_obs
    exact = hits / reps
    got = sampling.new_category_pvalue(ref, cur, alpha=0.01)
    assert got >= exact - 3 * math.sqrt(exact / reps)
    assert sampling.new_category_pvalue(ref, np.zeros_like(cur)) == 1.0
    assert sampling.new_category_pvalue(np.array([50, 50, 0]), np.array([0, 0, 30])) < 1e-6


def test_new_category_pvalue_holds_its_level_on_zipf_categories():
    rng = np.random.default_rng(5)
    weights = 1.0 / np.arange(1, 301)
    weights /= weights.sum()
    alpha, reps, hits = 0.02, 600, 0
    for i in range(reps):
        ref = np.bincount(rng.choice(300, 150, p=weights), minlength=300)
        cur = np.bincount(rng.choice(300, 100, p=weights), minlength=300)
        keep = (ref + cur) > 0
        hits += sampling.new_category_pvalue(ref[keep], cur[keep], alpha=alpha, random_state=i) < alpha
    assert hits / reps <= alpha + 3.5 * math.sqrt(alpha / reps)
