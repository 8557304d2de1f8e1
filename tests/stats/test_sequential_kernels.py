"""CUSUM and Page-Hinkley kernels against row-by-row loops, and their control limits."""

from __future__ import annotations

import numpy as np
import pytest

from mlgates.stats.sequential import control_limit, detect, paths


def _cusum_loop(z, k):
    up, down, s_up, s_down = [], [], 0.0, 0.0
    for v in z:
        s_up = max(0.0, s_up + v - k)
        s_down = max(0.0, s_down - v - k)
        up.append(s_up)
        down.append(s_down)
    return np.array(up), np.array(down)


def _page_hinkley_loop(z, delta):
    total, m_up, m_down, min_up, min_down = 0.0, 0.0, 0.0, 0.0, 0.0
    up, down = [], []
    for t, v in enumerate(z, start=1):
        total += v
        mean = total / t
        m_up += v - mean - delta
        m_down += mean - v - delta
        min_up, min_down = min(min_up, m_up), min(min_down, m_down)
        up.append(m_up - min_up)
        down.append(m_down - min_down)
    return np.array(up), np.array(down)


@pytest.mark.parametrize("seed", range(5))
def test_vectorized_paths_equal_the_recursions(seed):
    z = np.random.default_rng(seed).standard_t(3, size=500)
    np.testing.assert_allclose(paths(z, method="cusum", shift=1.0), _cusum_loop(z, 0.5), atol=1e-9)
    np.testing.assert_allclose(
        paths(z, method="page_hinkley", shift=0.4), _page_hinkley_loop(z, 0.2), atol=1e-9
    )
    (up,) = paths(z, method="cusum", shift=1.0, direction="up")
    np.testing.assert_allclose(up, _cusum_loop(z, 0.5)[0], atol=1e-9)


def test_detect_finds_the_change_point_and_run_length():
    z = np.r_[np.zeros(50), np.full(20, -2.0)]
    res = detect(z, method="cusum", h=3.0, shift=1.0)
    assert res.alarm and res.side == "down" and res.change_point == 50 and res.run_length == 53
    assert not detect(np.zeros(100), method="cusum", h=3.0, shift=1.0).alarm
    with pytest.raises(ValueError, match="method"):
        detect(z, method="ewma", h=3.0, shift=1.0)


def test_control_limit_reaches_the_target_on_its_own_streams_and_refuses_bad_references():
    rng = np.random.default_rng(0)
    lim = control_limit(rng.gamma(2.0, size=3000), method="cusum", arl0=300, shift=1.0, random_state=1)
    assert 300 <= lim.arl < 300 + 2 * lim.arl_se
    # discrete data: the statistic lives on a lattice, so the run length moves in steps; the
    # limit is the smallest whose run length reaches the target, and says what it reached
    lim = control_limit(rng.poisson(0.4, 3000), method="cusum", arl0=300, shift=1.0, random_state=1)
    assert 300 <= lim.arl < 1.3 * 300
    with pytest.raises(ValueError, match="spread"):
        control_limit(np.ones(100), method="cusum", arl0=100, shift=1.0)
    with pytest.raises(ValueError, match="finite"):
        control_limit(np.array([1.0, np.nan]), method="cusum", arl0=100, shift=1.0)
