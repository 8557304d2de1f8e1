"""Moving a column onto another distribution (mlgates.stats.transport)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mlgates.stats.transport import coupling_transport, noise_size, quantile_transport, randomized_ranks


def test_randomized_ranks_keep_the_order_and_break_ties_at_random():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    u = randomized_ranks(x, rng)
    assert ((u > 0) & (u < 1)).all()
    assert (np.argsort(u) == np.argsort(x)).all()
    # a constant column: every order is equally likely, so the places are uniform on (0, 1)
    u_const = randomized_ranks(np.zeros(2000), rng)
    assert stats.kstest(u_const, "uniform").pvalue > 0.01


def test_transport_onto_the_same_sample_is_the_identity():
    rng = np.random.default_rng(1)
    x = rng.normal(size=300)
    assert np.array_equal(quantile_transport(randomized_ranks(x, rng), x), x)


def test_quantile_transport_gives_the_target_distribution_and_keeps_ranks():
    rng = np.random.default_rng(2)
    x = rng.exponential(size=4000)
    target = rng.normal(5, 2, 3000)
    moved = quantile_transport(randomized_ranks(x, rng), target)
    assert stats.ks_2samp(moved, target).pvalue > 0.05
    order = np.argsort(x)
    assert (np.diff(moved[order]) >= 0).all()  # monotone: every row keeps its rank


def test_quantile_transport_of_a_shift_undoes_the_shift():
    rng = np.random.default_rng(3)
    ref = rng.normal(0, 1, 50_000)
    cur = rng.normal(1, 1, 50_000)
    moved = quantile_transport(randomized_ranks(cur, rng), ref)
    assert np.median(np.abs(moved - (cur - 1))) < 0.02


def test_coupling_transport_reaches_the_target_shares_changing_only_the_tv_share():
    rng = np.random.default_rng(4)
    p = np.array([0.6, 0.3, 0.1])
    q = np.array([0.2, 0.3, 0.5])
    codes = rng.choice(3, size=100_000, p=p)
    moved = coupling_transport(codes, q, rng)
    shares = np.bincount(moved, minlength=3) / moved.size
    np.testing.assert_allclose(shares, q, atol=0.01)
    tv = 0.5 * np.abs(p - q).sum()
    assert abs((moved != codes).mean() - tv) < 0.01
    # rows of a category the target has more of are never moved
    assert (moved[codes == 2] == 2).all()


def test_coupling_transport_changes_nothing_when_the_shares_agree():
    rng = np.random.default_rng(5)
    codes = np.array([0, 0, 1, 1])
    assert np.array_equal(coupling_transport(codes, np.array([0.5, 0.5]), rng), codes)


def test_coupling_transport_moves_every_row_of_a_category_the_target_lacks():
    rng = np.random.default_rng(6)
    codes = np.array([0] * 50 + [1] * 50)
    moved = coupling_transport(codes, np.array([1.0, 0.0]), rng)
    assert (moved == 0).all()


def test_noise_size():
    assert noise_size(1000, 1000) == 333
    assert noise_size(10, 1_000_000) == 9
    with pytest.raises(ValueError):
        noise_size(0, 10)
