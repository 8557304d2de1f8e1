"""Interval kernels of the column statistics against oracles (scipy, statsmodels, a brute-force
binomial search) and, in the slow set, their coverage at nominal level by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from mlgates.stats.intervals import (
    Estimate,
    difference_interval,
    mean_interval,
    mean_intervals,
    null_fail_rate,
    proportion_interval,
    quantile_interval,
    quantile_intervals,
    std_interval,
    std_intervals,
)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize("n", [2, 7, 50, 1000])
def test_mean_interval_is_scipys_t_interval(n, confidence):
    x = np.random.default_rng(n).gamma(2.0, 3.0, n)
    e = mean_interval(x, confidence)
    lo, hi = stats.t.interval(confidence, n - 1, loc=x.mean(), scale=stats.sem(x))
    assert e.value == pytest.approx(x.mean()) and (e.low, e.high) == (pytest.approx(lo), pytest.approx(hi))


def _bonett(x: np.ndarray, confidence: float) -> tuple[float, float]:
    """Bonett (2006), eq. (3)-(5), written out independently of the kernel."""
    n = len(x)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    m = stats.trim_mean(x, 1 / (2 * math.sqrt(n - 4)))
    gamma = n * np.sum((x - m) ** 4) / np.sum((x - x.mean()) ** 2) ** 2
    c = n / (n - z)
    se = c * math.sqrt((gamma - (n - 3) / n) / (n - 1))
    var = np.var(x, ddof=1)
    return math.sqrt(c * var * math.exp(-z * se)), math.sqrt(c * var * math.exp(z * se))


@pytest.mark.parametrize("n", [6, 25, 400])
def test_std_interval_is_bonetts(n):
    x = np.random.default_rng(n).standard_t(5, n)
    e = std_interval(x, 0.95)
    assert e.value == pytest.approx(np.std(x, ddof=1))
    assert (e.low, e.high) == pytest.approx(_bonett(x, 0.95))
    v, lo, hi = std_intervals(x[None, :], 0.95)
    assert (v[0], lo[0], hi[0]) == pytest.approx((e.value, e.low, e.high))


def test_std_interval_edge_cases():
    assert std_interval(np.array([]), 0.95).n == 0
    assert std_interval(np.array([1.0, 2.0, 4.0]), 0.95).high == math.inf  # fewer than 5 values
    flat = std_interval(np.full(10, 3.0), 0.95)
    assert (flat.value, flat.low, flat.high) == (0.0, 0.0, 0.0)


def _brute_ranks(n: int, q: float, confidence: float) -> tuple[int, int]:
    cdf = stats.binom.cdf(np.arange(-1, n + 1), n, q)  # cdf[r] = P(B <= r - 1)
    tail = (1 - confidence) / 2
    lows = [r for r in range(1, n + 1) if cdf[r] <= tail]  # x(r) > the quantile w.p. <= tail
    highs = [r for r in range(1, n + 1) if cdf[r] >= 1 - tail]  # x(r) < the quantile w.p. <= tail
    return (max(lows) if lows else 0), (min(highs) if highs else n + 1)


@pytest.mark.parametrize(
    ("n", "q"), [(5, 0.5), (10, 0.5), (19, 0.5), (100, 0.5), (100, 0.9), (250, 0.05), (30, 0.99)]
)
def test_quantile_interval_uses_the_binomial_order_statistics(n, q):
    x = np.random.default_rng(n).normal(size=n)
    e = quantile_interval(x, q, 0.95)
    assert e.value == pytest.approx(np.quantile(x, q))
    lo_rank, hi_rank = _brute_ranks(n, q, 0.95)
    xs = np.sort(x)
    assert e.low == (xs[lo_rank - 1] if lo_rank >= 1 else -math.inf)
    assert e.high == (xs[hi_rank - 1] if hi_rank <= n else math.inf)
    v, lo, hi = quantile_intervals(x[None, :], q, 0.95)
    assert (v[0], lo[0], hi[0]) == (pytest.approx(e.value), e.low, e.high)


def test_the_textbook_median_interval():
    """n = 100: the 95% interval of the median is between the 40th and 61st values."""
    e = quantile_interval(np.arange(1.0, 101.0), 0.5, 0.95)
    assert (e.low, e.high) == (40.0, 61.0)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 400).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_proportion_interval_is_statsmodels_wilson(nk, confidence):
    n, k = nk
    e = proportion_interval(k, n, confidence)
    lo, hi = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert (e.low, e.high) == (pytest.approx(lo, abs=1e-12), pytest.approx(hi, abs=1e-12))


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(30, 100, 20, 100), (5, 40, 12, 60), (0, 50, 3, 50), (99, 100, 80, 90)]
)
def test_difference_of_wilson_intervals_is_newcombes(k1, n1, k2, n2):
    d, lo, hi = difference_interval(proportion_interval(k1, n1), proportion_interval(k2, n2))
    ref_lo, ref_hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert d == pytest.approx(k1 / n1 - k2 / n2)
    assert (lo, hi) == (pytest.approx(ref_lo), pytest.approx(ref_hi))


def test_difference_of_exact_estimates_is_exact():
    assert difference_interval(Estimate(5, 5, 5, 3, "exact"), Estimate(3, 3, 3, 3, "exact")) == (2, 2, 2)


def test_batch_mean_matches_single():
    x = np.random.default_rng(0).exponential(size=(20, 30))
    v, lo, hi = mean_intervals(x, 0.9)
    for i, row in enumerate(x):
        e = mean_interval(row, 0.9)
        assert (v[i], lo[i], hi[i]) == pytest.approx((e.value, e.low, e.high))


def test_null_fail_rate_sees_a_bound_that_is_too_tight():
    x = np.random.default_rng(0).normal(size=5000)
    rng = np.random.default_rng(1)
    assert null_fail_rate(x, "mean", -0.5, 0.5, 100, rng=rng) == 0.0
    assert null_fail_rate(x, "mean", 0.5, None, 100, rng=rng) > 0.9  # the mean is ~0: always below
    assert null_fail_rate(x, "std", None, 0.5, 200, rng=rng) > 0.9
    assert null_fail_rate(x, "median", -0.01, 0.01, 10, rng=rng) < 0.05  # wide intervals at n = 10


# -- coverage (slow) -------------------------------------------------------------------------------------
REPS = 4000


def _coverage(draw, kernel, truth: float, n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    _, lo, hi = kernel(draw(rng, (REPS, n)))
    return float(np.mean((lo <= truth) & (truth <= hi)))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, draw, n, truth",
    [
        ("normal", lambda r, s: r.normal(5, 2, s), 10, 5.0),
        ("normal", lambda r, s: r.normal(5, 2, s), 100, 5.0),
        ("exponential", lambda r, s: r.exponential(1.0, s), 200, 1.0),
        ("uniform", lambda r, s: r.uniform(0, 1, s), 20, 0.5),
    ],
)
def test_mean_interval_covers_at_nominal(name, draw, n, truth):
    cover = _coverage(draw, lambda x: mean_intervals(x, 0.95), truth, n, seed=n)
    assert cover >= 0.95 - 0.015, (name, n, cover)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, draw, n, truth",
    [
        ("normal", lambda r, s: r.normal(0, 2, s), 20, 2.0),
        ("normal", lambda r, s: r.normal(0, 2, s), 200, 2.0),
        ("uniform", lambda r, s: r.uniform(0, 1, s), 30, math.sqrt(1 / 12)),
        ("t8", lambda r, s: r.standard_t(8, s), 200, math.sqrt(8 / 6)),
        ("exponential", lambda r, s: r.exponential(1.0, s), 1000, 1.0),
    ],
)
def test_bonett_std_interval_covers_at_nominal(name, draw, n, truth):
    cover = _coverage(draw, lambda x: std_intervals(x, 0.95), truth, n, seed=n + 1)
    assert cover >= 0.95 - 0.015, (name, n, cover)


@pytest.mark.slow
def test_bonett_std_interval_undercovers_skewed_data_at_moderate_n():
    """Documented limitation (docs/quality.md): exponential data (kurtosis 9) at n = 200 is
    covered about 93% of the time by the 95% interval, not 95%."""
    cover = _coverage(lambda r, s: r.exponential(1.0, s), lambda x: std_intervals(x, 0.95), 1.0, 200, seed=7)
    assert 0.91 <= cover < 0.95, cover


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, draw, q, n, truth",
    [
        ("lognormal median", lambda r, s: r.lognormal(0, 1, s), 0.5, 15, 1.0),
        ("lognormal median", lambda r, s: r.lognormal(0, 1, s), 0.5, 301, 1.0),
        ("normal q90", lambda r, s: r.normal(0, 1, s), 0.9, 200, stats.norm.ppf(0.9)),
        ("exponential q10", lambda r, s: r.exponential(1, s), 0.1, 80, -math.log(0.9)),
    ],
)
def test_order_statistic_interval_covers_at_least_nominal(name, draw, q, n, truth):
    cover = _coverage(draw, lambda x: quantile_intervals(x, q, 0.95), truth, n, seed=n + 2)
    assert cover >= 0.95 - 0.01, (name, n, cover)  # distribution-free: at least the level


@pytest.mark.parametrize("n", [40, 200, 1000])
def test_wilson_interval_covers_at_nominal_on_average_exactly(n):
    """Exact coverage (a sum over the binomial distribution, no simulation) over a grid of p:
    on average at least nominal; at worst a little below (Brown, Cai and DasGupta, 2001, on the
    oscillation of every binomial interval but Clopper-Pearson's)."""
    ks = np.arange(n + 1)
    bounds = np.array([[e.low, e.high] for e in (proportion_interval(int(k), n) for k in ks)])
    grid = np.linspace(0.02, 0.98, 97)
    cover = np.array(
        [stats.binom.pmf(ks, n, p)[(bounds[:, 0] <= p) & (p <= bounds[:, 1])].sum() for p in grid]
    )
    assert cover.mean() >= 0.945, cover.mean()
    assert cover.min() >= 0.90, (grid[cover.argmin()], cover.min())


@pytest.mark.slow
@pytest.mark.parametrize(("n1", "n2"), [(30, 50), (200, 200)])
def test_mover_difference_of_means_covers_at_nominal(n1, n2):
    rng = np.random.default_rng(n1)
    a, b = rng.normal(1.0, 1.0, (REPS, n1)), rng.normal(0.0, 2.0, (REPS, n2))
    va, la, ha = mean_intervals(a, 0.95)
    vb, lb, hb = mean_intervals(b, 0.95)
    d = va - vb
    lo = d - np.sqrt((va - la) ** 2 + (hb - vb) ** 2)
    hi = d + np.sqrt((ha - va) ** 2 + (vb - lb) ** 2)
    cover = float(np.mean((lo <= 1.0) & (hi >= 1.0)))
    assert cover >= 0.95 - 0.015, cover
