"""Logistic recalibration and its likelihood-ratio test, against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from mlgates.stats.recalibration import logistic_recalibration, recalibration_change, score_logit


def _sample(rng, n, shift=0.0, slope=1.0, intercept=0.0):
    x = rng.normal(shift, 1.5, n)
    p = 1 / (1 + np.exp(-x))
    y = (rng.random(n) < 1 / (1 + np.exp(-(intercept + slope * x)))).astype(int)
    return p, y


def test_fit_matches_statsmodels_logit():
    rng = np.random.default_rng(0)
    p, y = _sample(rng, 3000, slope=0.7, intercept=0.3)
    fit = logistic_recalibration(p, y)
    oracle = sm.Logit(y, sm.add_constant(score_logit(p))).fit(disp=0)
    np.testing.assert_allclose([fit.intercept, fit.slope], oracle.params, rtol=1e-6, atol=1e-8)
    assert fit.loglik == pytest.approx(oracle.llf, rel=1e-9)
    np.testing.assert_allclose(fit.covariance, oracle.cov_params(), rtol=1e-5)
    assert fit.converged


def test_lr_test_matches_statsmodels_interaction_model():
    rng = np.random.default_rng(1)
    p_r, y_r = _sample(rng, 2000)
    p_c, y_c = _sample(rng, 1500, shift=0.5, slope=0.8)
    change = recalibration_change(p_r, y_r, p_c, y_c)
    lp = score_logit(np.concatenate([p_r, p_c]))
    period = np.r_[np.zeros(2000), np.ones(1500)]
    y = np.r_[y_r, y_c]
    full = sm.Logit(y, np.column_stack([np.ones_like(lp), lp, period, period * lp])).fit(disp=0)
    restricted = sm.Logit(y, np.column_stack([np.ones_like(lp), lp])).fit(disp=0)
    lr = 2 * (full.llf - restricted.llf)
    assert change.statistic == pytest.approx(lr, rel=1e-6)
    assert change.pvalue == pytest.approx(stats.chi2.sf(lr, 2), rel=1e-6)
    assert change.current.slope == pytest.approx(full.params[1] + full.params[3], rel=1e-6)


def test_effect_size_is_zero_for_identical_fits_and_large_for_flipped_labels():
    rng = np.random.default_rng(2)
    p, y = _sample(rng, 4000)
    same = recalibration_change(p, y, p, y)
    assert same.statistic == pytest.approx(0.0, abs=1e-6) and same.shift == pytest.approx(0.0, abs=1e-9)
    flipped = recalibration_change(p, y, p, 1 - y)
    assert flipped.pvalue < 1e-12 and flipped.shift > 0.3


def test_separation_is_handled():
    p = np.r_[np.full(50, 0.1), np.full(50, 0.9)]
    y = np.r_[np.zeros(50), np.ones(50)]
    change = recalibration_change(p, y, p, y)
    assert np.isfinite(change.statistic) and change.pvalue > 0.5


def test_constant_scores_are_a_value_error():
    with pytest.raises(ValueError, match="single value"):
        logistic_recalibration(np.full(10, 0.3), np.r_[np.zeros(5), np.ones(5)])


@pytest.mark.slow
@pytest.mark.parametrize("n", [200, 2000])
def test_covariate_shift_with_a_correct_model_holds_the_level(n):
    """Under covariate shift alone (same P(y|x), a correct model) the p-values are uniform."""
    rng = np.random.default_rng(n)
    pvalues = []
    for _ in range(1000):
        p_r, y_r = _sample(rng, n)
        p_c, y_c = _sample(rng, n, shift=1.0)
        pvalues.append(recalibration_change(p_r, y_r, p_c, y_c).pvalue)
    pvalues = np.array(pvalues)
    rate = (pvalues < 0.05).mean()
    assert rate <= 0.05 + 2.6 * np.sqrt(0.05 * 0.95 / 1000), rate
    assert stats.kstest(pvalues, "uniform").pvalue > 0.001


@pytest.mark.slow
def test_shift_se_is_the_noise_scale_of_the_shift():
    """Without a change, the mean absolute difference of the two fitted curves is about
    0.8 (the mean of a half-normal) of the delta-method noise scale."""
    rng = np.random.default_rng(7)
    shifts, ses = [], []
    for _ in range(300):
        p_r, y_r = _sample(rng, 2000)
        p_c, y_c = _sample(rng, 2000, shift=0.5)
        c = recalibration_change(p_r, y_r, p_c, y_c)
        shifts.append(c.shift)
        ses.append(c.shift_se)
    ratio = np.mean(shifts) / np.mean(ses)
    assert 0.6 < ratio < 1.0, ratio
