"""Fast DeLong against a brute-force structural-components implementation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import roc_auc_score

from mlgates.stats.delong import auc_ci, delong_components, delong_test


def brute_force(y, scores):
    """DeLong et al. (1988) directly: psi over all (positive, negative) pairs."""
    y = np.asarray(y).astype(bool)
    aucs, v10s, v01s = [], [], []
    for s in scores:
        x, z = s[y], s[~y]
        psi = (x[:, None] > z[None, :]).astype(float) + 0.5 * (x[:, None] == z[None, :])
        aucs.append(psi.mean())
        v10s.append(psi.mean(axis=1))
        v01s.append(psi.mean(axis=0))
    v10, v01 = np.array(v10s), np.array(v01s)
    m, n = v10.shape[1], v01.shape[1]
    cov = np.cov(v10) / m + np.cov(v01) / n
    return np.array(aucs), cov


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ties", [False, True])
def test_paired_matches_brute_force(seed, ties):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    a = y * rng.uniform(0.2, 1.5) + rng.normal(0, 1, n)
    b = 0.6 * a + rng.normal(0, 1, n)
    if ties:
        a, b = np.round(a), np.round(b * 2) / 2
    res = delong_test(y, a, b)
    aucs, cov = brute_force(y, [a, b])
    assert res.candidate == pytest.approx(aucs[0], abs=1e-12)
    assert res.baseline == pytest.approx(aucs[1], abs=1e-12)
    assert res.candidate == pytest.approx(roc_auc_score(y, a), abs=1e-12)
    assert res.var_candidate == pytest.approx(cov[0, 0], rel=1e-9)
    assert res.var_baseline == pytest.approx(cov[1, 1], rel=1e-9)
    assert res.covariance == pytest.approx(cov[0, 1], rel=1e-9, abs=1e-15)
    var_d = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    z = (aucs[0] - aucs[1]) / np.sqrt(var_d)
    assert res.statistic == pytest.approx(z, rel=1e-8)
    assert res.pvalue == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-8)


def test_unpaired_has_zero_covariance_and_sums_variances():
    rng = np.random.default_rng(3)
    y1, y2 = rng.integers(0, 2, 200), rng.integers(0, 2, 150)
    s1, s2 = y1 + rng.normal(0, 1, 200), y2 + rng.normal(0, 1.3, 150)
    res = delong_test(y1, s1, s2, baseline_y=y2)
    a1, c1 = brute_force(y1, [s1, s1])
    a2, c2 = brute_force(y2, [s2, s2])
    assert res.covariance == 0.0
    assert res.se**2 == pytest.approx(c1[0, 0] + c2[0, 0], rel=1e-9)
    assert res.difference == pytest.approx(a1[0] - a2[0])


def test_identical_scores_give_p_one():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 100)
    s = rng.normal(size=100)
    res = delong_test(y, s, s.copy())
    assert res.difference == 0 and res.pvalue == 1.0


def test_components_need_both_classes():
    with pytest.raises(ValueError):
        delong_components(np.ones(5), np.arange(5.0))


@settings(max_examples=80, deadline=None)
@given(auc=st.floats(0.0, 1.0), var=st.floats(0.0, 0.05))
def test_auc_ci_is_inside_unit_interval_and_contains_auc(auc, var):
    lo, hi = auc_ci(auc, var)
    assert 0.0 <= lo <= auc + 1e-12
    assert auc - 1e-12 <= hi <= 1.0


def test_auc_ci_is_logit_symmetric():
    lo, hi = auc_ci(0.8, 0.001)
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    half = stats.norm.ppf(0.975) * np.sqrt(0.001) / (0.8 * 0.2)
    assert logit(lo) == pytest.approx(logit(0.8) - half)
    assert logit(hi) == pytest.approx(logit(0.8) + half)


def test_interval_coverage_is_nominal():
    """95% DeLong intervals cover the true AUC difference in ~95% of seeded repetitions."""
    rng = np.random.default_rng(2024)
    mu_a, mu_b, rho = 1.2, 0.8, 0.5
    true = stats.norm.cdf(mu_a / np.sqrt(2)) - stats.norm.cdf(mu_b / np.sqrt(2))
    reps, covered = 400, 0
    for _ in range(reps):
        y = rng.integers(0, 2, 300)
        e1, e2 = rng.normal(size=(2, 300))
        a = mu_a * y + e1
        b = mu_b * y + rho * e1 + np.sqrt(1 - rho**2) * e2
        res = delong_test(y, a, b)
        covered += res.ci_low <= true <= res.ci_high
    assert abs(covered / reps - 0.95) < 3 * np.sqrt(0.95 * 0.05 / reps), covered / reps
