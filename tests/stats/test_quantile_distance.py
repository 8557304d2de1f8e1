"""The first Wasserstein distance from the two quantile functions (no merge, no search) equals
scipy's, for every size ratio (one sample many times the other, either way), ties and tiny
samples; DriftGate's windows and single checks give the same number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import wasserstein_distance

from mlgates import DriftGate, Windowed
from mlgates.stats._two_sample import _quantile_distance


def _samples(rng: np.random.Generator, kind: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    if kind == 0:
        a, b = rng.normal(size=n), rng.normal(0.3, 1.2, size=m)
    elif kind == 1:  # heavy ties
        a, b = rng.integers(0, 5, size=n).astype(float), rng.integers(0, 6, size=m).astype(float)
    else:  # ties and skew
        a, b = np.round(rng.exponential(size=n), 1), np.round(rng.exponential(1.3, size=m), 1)
    return np.sort(a), np.sort(b)


@pytest.mark.parametrize("kind", [0, 1, 2])
@pytest.mark.parametrize("sizes", ["any", "reference_larger", "current_larger", "exact_multiple"])
def test_equals_scipy(kind: int, sizes: str) -> None:
    rng = np.random.default_rng(kind)
    for _ in range(80):
        n, m = int(rng.integers(1, 600)), int(rng.integers(1, 600))
        if sizes == "reference_larger":
            n = m * int(rng.integers(2, 12)) + int(rng.integers(0, m))
        elif sizes == "current_larger":
            m = n * int(rng.integers(2, 12)) + int(rng.integers(0, n))
        elif sizes == "exact_multiple":  # runs of equal length (broadcast path), either way
            n = m * int(rng.integers(1, 12))
            n, m = (n, m) if rng.random() < 0.5 else (m, n)
        a, b = _samples(rng, kind, n, m)
        want = wasserstein_distance(a, b)
        assert _quantile_distance(a, b) == pytest.approx(want, rel=1e-12, abs=1e-14), (n, m)


def test_steps_shared_by_both_samples_count_once() -> None:
    # sizes with a large common divisor: many steps of both samples coincide
    a = np.sort(np.random.default_rng(1).normal(size=600))
    for m in (1, 2, 3, 200, 300, 1200, 1800, 6000):
        b = np.sort(np.random.default_rng(m).normal(0.2, 1, size=m))
        assert _quantile_distance(a, b) == pytest.approx(wasserstein_distance(a, b), rel=1e-12)
        assert _quantile_distance(b, a) == pytest.approx(wasserstein_distance(a, b), rel=1e-12)


def test_windows_give_the_single_checks_numbers() -> None:
    rng = np.random.default_rng(3)
    reference = pd.DataFrame({"x": rng.normal(size=5000)})
    n = 3000
    current = pd.DataFrame(
        {"t": pd.date_range("2024-01-01", periods=n, freq="35s"), "x": rng.normal(0.1, 1, size=n)}
    )
    gate = DriftGate(columns="x", method="wasserstein")
    verdict = Windowed(gate, on="t", window="6h").check(reference=reference, current=current)
    day = current["t"].dt.floor("6h")
    singles = [gate.check(reference=reference, current=g) for _, g in current.groupby(day)]
    windows = [c for c in verdict.children if c.provenance["window"]["side"] == "current"]
    assert len(windows) == len(singles) > 3
    for w, s in zip(windows, singles, strict=True):
        assert w.findings[0].statistic == s.findings[0].statistic  # the same arithmetic, bit for bit


def test_size_plans_are_shared_read_only_and_the_uncached_path_agrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # what depends on the sizes alone is kept per pair of sizes: a second pair of samples of the
    # same sizes reuses it and gets its own, right answer; the kept arrays cannot be written
    from mlgates.stats import _two_sample

    rng = np.random.default_rng(7)
    for n, m in ((1000, 97), (1000, 100), (97, 1000), (450, 300)):
        plans = [_two_sample._step_plan(n, m, shared) for shared in (False, True)]
        for plan in plans:
            if plan is not None:
                assert not plan.at.flags.writeable and not plan.weight.flags.writeable
        for _ in range(3):
            a, b = _samples(rng, 0, n, m)
            assert _quantile_distance(a, b) == pytest.approx(wasserstein_distance(a, b), rel=1e-12)
        assert all(
            p is q
            for p, q in zip([_two_sample._step_plan(n, m, s) for s in (False, True)], plans, strict=True)
        )
    # sizes over the cap are planned per call, with the same numbers
    monkeypatch.setattr(_two_sample, "_PLAN_CACHE_MAX_STEPS", 50)
    a, b = _samples(rng, 2, 1000, 97)
    assert _quantile_distance(a, b) == pytest.approx(wasserstein_distance(a, b), rel=1e-12)
    assert _two_sample._step_plan(1000, 97, False) is not _two_sample._step_plan(1000, 97, False)


def test_the_same_values_give_the_same_distance_wherever_they_lie_in_memory() -> None:
    # sum(|d|) runs in BLAS, whose order of summation follows the address: the kernel works in
    # 64-byte-aligned space, so copies of the samples at every offset give one result, bit for bit
    rng = np.random.default_rng(9)
    ref = np.sort(rng.normal(size=20_000))
    for m in (2_000, 20_000, 1_999):  # a divisor (runs of equal length), equal sizes, neither
        cur = np.sort(rng.normal(0.1, 1.0, size=m))
        seen = set()
        for offset in range(8):
            space = np.empty(ref.size + 8)
            moved = space[offset : offset + ref.size]
            moved[:] = ref
            seen.add(_quantile_distance(moved, cur))
            seen.add(_quantile_distance(cur, moved))
        assert len(seen) == 1, (m, seen)
        assert seen.pop() == pytest.approx(wasserstein_distance(ref, cur), rel=1e-12)
    # ... because its work space always starts on a 64-byte boundary, kept or new
    from mlgates.stats import _two_sample

    for n in (1, 7, 1_000, 100_000, _two_sample._SCRATCH_KEEP + 1, 10, 300_000):
        space = _two_sample._scratch(n)
        assert space.size == n and space.ctypes.data % 64 == 0
