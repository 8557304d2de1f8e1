"""Statistics from binned summaries: the recorded bound holds scipy's value on the raw data,
collapses to it on discrete data, and the t-test from moments equals scipy's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from mlgates.stats.binned import cells, ks_bounds, ks_pvalue, t_test_from_moments, wasserstein_bounds


def _grid(a: np.ndarray, size: int) -> np.ndarray:
    pos = np.unique(np.floor(np.linspace(0, 1, size + 1) * (a.size - 1)).astype(int))
    return np.unique(a[pos])


samples = st.lists(st.floats(-50, 50, allow_nan=False), min_size=2, max_size=200)


@pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")
@settings(max_examples=80)
@given(a=samples, b=samples, size=st.integers(1, 64), rounding=st.sampled_from([None, 0, 1]))
def test_bounds_hold_the_raw_statistics(a, b, size, rounding):
    x, y = np.sort(np.asarray(a)), np.sort(np.asarray(b))
    if rounding is not None:
        x, y = np.round(x, rounding), np.round(y, rounding)
    edges = _grid(x, size)
    rx, ry = cells(x, edges), cells(y, edges)
    lo, hi = ks_bounds(rx, ry)
    d = stats.ks_2samp(x, y).statistic
    assert lo - 1e-12 <= d <= hi + 1e-12
    wl, wh = wasserstein_bounds(rx, ry)
    w = stats.wasserstein_distance(x, y)
    assert wl - 1e-9 * (1 + w) <= w <= wh + 1e-9 * (1 + w)


def test_values_on_the_edges_are_exact():
    rng = np.random.default_rng(0)
    x = np.sort(rng.integers(0, 12, 5000).astype(float))
    y = np.sort(rng.integers(0, 12, 3000).astype(float) + (rng.random(3000) < 0.2))
    edges = np.unique(np.concatenate((x, y)))  # every distinct value is an edge
    rx, ry = cells(x, edges), cells(y, edges)
    lo, hi = ks_bounds(rx, ry)
    assert lo == pytest.approx(hi, abs=1e-12) == pytest.approx(stats.ks_2samp(x, y).statistic, abs=1e-12)
    wl, wh = wasserstein_bounds(rx, ry)
    assert wl == pytest.approx(wh, rel=1e-12) == pytest.approx(stats.wasserstein_distance(x, y), rel=1e-9)


def test_a_fine_grid_gives_a_tight_bound():
    rng = np.random.default_rng(1)
    x, y = np.sort(rng.normal(size=100_000)), np.sort(rng.normal(0.05, 1, 100_000))
    edges = _grid(x, 4096)
    lo, hi = ks_bounds(cells(x, edges), cells(y, edges))
    assert hi - lo < 2.0 / 4096
    wl, wh = wasserstein_bounds(cells(x, edges), cells(y, edges))
    assert wh - wl < 0.01 * max(wl, 1e-3) + 5e-3


def test_ks_pvalue_is_the_kernels_asymptotic_pvalue():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=20_000), rng.normal(0.02, 1, 15_000)
    from mlgates.stats.drift import ks

    r = ks(x, y)
    assert ks_pvalue(r.statistic, x.size, y.size) == pytest.approx(r.pvalue, rel=1e-9)


@pytest.mark.parametrize("equal_var", [False, True])
def test_t_test_from_moments_equals_scipy(equal_var):
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 1, 40), rng.normal(0.4, 2, 55)
    r = t_test_from_moments(
        x.size, x.mean(), x.var(ddof=1), y.size, y.mean(), y.var(ddof=1), equal_var=equal_var
    )
    ref = stats.ttest_ind(x, y, equal_var=equal_var)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-9)
