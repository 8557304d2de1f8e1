"""EmbeddingDriftGate on real vectors (scikit-learn's digits, 64 pixels per image): a shift of
the classes fails for each method, a random split passes (null pass rates measured in the slow
set); the mean-distance kernel against numpy; the input forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import EmbeddingDriftGate, Status
from mlgates.stats.drift import empirical_mmd
from mlgates.stats.embedding import _mmd2_weighted, mean_distance, mmd_interval


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    d = load_digits()
    return d.data.astype(float), d.target


def test_mean_distance_matches_numpy_and_its_interval_covers_it():
    rng = np.random.default_rng(0)
    ref, cur = rng.normal(0, 2, (200, 5)), rng.normal(0, 2, (150, 5)) + np.array([0.5, 0, 0, 0, 0])
    res = mean_distance(ref, cur, n_resamples=300, random_state=1)
    assert res.statistic == pytest.approx(np.linalg.norm(cur.mean(0) - ref.mean(0)), rel=1e-12)
    assert res.standardized == pytest.approx(
        res.statistic / np.sqrt(ref.var(axis=0, ddof=1).sum()), rel=1e-12
    )
    assert res.ci_low < res.statistic < res.ci_high
    assert res.pvalue >= 1 / 301
    same = mean_distance(ref, rng.normal(0, 2, (150, 5)), n_resamples=300, random_state=1)
    assert same.pvalue > 0.05
    with pytest.raises(ValueError, match="2-d"):
        mean_distance(ref[:, 0], cur)


def test_mmd_interval_is_centred_on_empirical_mmd_and_a_resample_matches_the_definition():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(30, 3)) + 0.8
    res = mmd_interval(x, y, n_resamples=50)
    stat = empirical_mmd(x, y, n_permutations=0).statistic
    assert (res.ci_low + res.ci_high) / 2 == pytest.approx(stat, rel=1e-10)
    assert 0 < res.ci_low < stat < res.ci_high and res.se > 0
    # one bootstrap resample, materialized and computed from the U-statistic's definition
    z = np.vstack((x, y))
    sigma2 = np.median(((z[:, None] - z[None]) ** 2).sum(-1)[np.triu_indices(70, 1)])

    def kern(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.exp(-((a[:, None] - b[None]) ** 2).sum(-1) / (2 * sigma2))

    def within(a: np.ndarray) -> float:  # mean over pairs of distinct positions
        m = kern(a, a)
        return float((m.sum() - np.trace(m)) / (len(a) * (len(a) - 1)))

    ix, iy = rng.integers(0, 40, 40), rng.integers(0, 30, 30)
    bx, by = x[ix], y[iy]
    brute = within(bx) + within(by) - 2 * float(kern(bx, by).mean())
    kk = kern(z, z)
    cx = np.bincount(ix, minlength=40)[:, None].astype(float)
    cy = np.bincount(iy, minlength=30)[:, None].astype(float)
    assert _mmd2_weighted(kk[:40, :40], kk[40:, 40:], kk[:40, 40:], cx, cy)[0] == pytest.approx(
        brute, rel=1e-10
    )


@pytest.mark.parametrize("method", ["classifier", "mmd", "mean_distance"])
def test_a_class_shift_fails_and_a_random_split_passes(digits, method):
    x, target = digits
    low, high = x[target < 5][:400], x[target >= 5][:400]
    gate = EmbeddingDriftGate(method=method, cv=3, n_resamples=100)
    shifted = gate.check(reference=low, current=high)
    (f,) = shifted.findings
    assert f.status is Status.FAIL and f.reason == "drift_detected"
    rng = np.random.default_rng(3)
    idx = rng.permutation(len(x))[:800]
    same = gate.check(reference=x[idx[:400]], current=x[idx[400:]])
    assert same.status is Status.PASS, same.to_text()
    if method == "classifier":
        assert f.details["ci_low"] > 0.9 and f.details["direction"] == "ci_low > threshold"
    else:  # every method reports an interval of its statistic
        assert 0 < f.details["ci_low"] < f.statistic < f.details["ci_high"]
        assert f.pvalue == pytest.approx(1 / 101)


@pytest.mark.parametrize("method", ["mmd", "mean_distance"])
def test_too_few_permutations_to_reach_the_level_is_a_parameter_error(digits, method):
    """With 50 permutations the smallest p-value is 1/51 > 0.01: the gate could never fail."""
    from mlgates import ParameterError

    with pytest.raises(ParameterError, match=r"n_resamples.*Got 50.*n_resamples >= 100"):
        EmbeddingDriftGate(method=method, n_resamples=50).validate()
    EmbeddingDriftGate(method=method, n_resamples=50, threshold=0.05).validate()
    EmbeddingDriftGate(method="classifier", n_resamples=10).validate()  # no permutations


def test_a_column_of_vectors_equals_the_array_and_missing_vectors_are_counted(digits):
    x, _ = digits
    ref = pd.DataFrame({"emb": list(x[:300]), "id": range(300)})
    cur = pd.DataFrame({"emb": [*list(x[300:590]), *[None] * 10], "id": range(300)})
    gate = EmbeddingDriftGate(method="mean_distance", n_resamples=100)
    from_table = gate.check(reference=ref, current=cur).findings[0]
    from_array = gate.check(reference=x[:300], current=x[300:590]).findings[0]
    assert from_table.statistic == pytest.approx(from_array.statistic, rel=1e-12)
    assert from_table.details["n_dropped_cur"] == 10 and from_table.details["n_cur"] == 290


def test_bad_vectors_are_errors_not_passes(digits):
    x, _ = digits
    v = EmbeddingDriftGate().check(reference=x[:200], current=x[200:400, :10])
    assert v.status is Status.ERROR and v.reason == "invalid_input"
    ragged = pd.DataFrame({"emb": [[1.0, 2.0]] * 60 + [[1.0]] * 60})
    v = EmbeddingDriftGate(columns="emb").check(reference=ragged, current=ragged)
    assert v.status is Status.ERROR and v.reason == "invalid_input"
    inf = x[:200].copy()
    inf[0, 0] = np.inf
    assert EmbeddingDriftGate().check(reference=inf, current=x[200:400]).reason == "invalid_input"
    few = EmbeddingDriftGate().check(reference=x[:20], current=x[20:200])
    assert few.status is Status.WARN and few.reason == "insufficient_samples"


def test_inputs_are_not_mutated(digits):
    x, _ = digits
    ref, cur = x[:200].copy(), x[200:400].copy()
    EmbeddingDriftGate(method="mmd", n_resamples=100).check(reference=ref, current=cur)
    np.testing.assert_array_equal(ref, x[:200])
    np.testing.assert_array_equal(cur, x[200:400])


@pytest.mark.slow
@pytest.mark.parametrize("method", ["classifier", "mmd", "mean_distance"])
def test_null_pass_rate_on_random_splits(digits, method):
    """Random halves of the digits (500 images per side) pass in at least 97 of 100 splits
    (p-value methods at level 0.01; the classifier's lower bound at 0.55); the rate is printed."""
    x, _ = digits
    passed, sims = 0, 100
    for seed in range(sims):
        idx = np.random.default_rng(seed).permutation(len(x))[:1000]
        v = EmbeddingDriftGate(method=method, n_resamples=100, random_state=seed).check(
            reference=x[idx[:500]], current=x[idx[500:]]
        )
        passed += v.status is Status.PASS
    print(f"EmbeddingDriftGate({method!r}) null pass rate, 500 vectors per side: {passed}/{sims}")
    assert passed >= 97, passed
