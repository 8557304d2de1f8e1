"""The Wasserstein distance against a prepared reference (the windows of a monitoring check)
equals scipy's, with ties, tiny samples and repeated window sizes (kept crossing points)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

from mlgates.stats import reference_cdf as rc
from mlgates.stats.drift import wasserstein


def _samples(rng: np.random.Generator, kind: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    if kind == 0:
        a, b = rng.normal(size=n), rng.normal(0.3, 1.2, size=m)
    elif kind == 1:  # heavy ties
        a, b = rng.integers(0, 5, size=n).astype(float), rng.integers(0, 6, size=m).astype(float)
    else:  # ties and skew
        a, b = np.round(rng.exponential(size=n), 1), np.round(rng.exponential(1.3, size=m), 1)
    return np.sort(a), np.sort(b)


@pytest.mark.parametrize("kind", [0, 1, 2])
def test_equals_scipy_on_random_samples(kind: int) -> None:
    rng = np.random.default_rng(kind)
    for _ in range(60):
        n, m = int(rng.integers(1, 2000)), int(rng.integers(1, 400))
        a, b = _samples(rng, kind, n, m)
        prepared = rc.prepare(a)
        got = rc.wasserstein(prepared, b, normed=False)
        assert got == pytest.approx(wasserstein_distance(a, b), rel=1e-10, abs=1e-12)
        normed = wasserstein(a, b, presorted=True).statistic
        assert rc.wasserstein(prepared, b) == pytest.approx(normed, rel=1e-10)


def test_repeated_sizes_reuse_crossings_and_give_the_same_numbers() -> None:
    rng = np.random.default_rng(5)
    a = np.sort(rng.normal(size=3000))
    prepared = rc.prepare(a)
    windows = [np.sort(rng.normal(0.1 * k, 1, size=250)) for k in range(5)]
    first = [rc.wasserstein(prepared, w, normed=False) for w in windows]
    assert list(prepared.crossings) == [250]  # one size: computed once, kept
    fresh = [rc.wasserstein(rc.prepare(a), w, normed=False) for w in windows]
    assert first == fresh
    for size in range(100, 100 + 3 * rc.KEPT_SIZES):
        rc.wasserstein(prepared, np.sort(rng.normal(size=size)), normed=False)
    assert len(prepared.crossings) == rc.KEPT_SIZES  # bounded memory


def test_needs_values_on_both_sides() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        rc.wasserstein(rc.prepare(np.array([1.0, 2.0])), np.array([]))
