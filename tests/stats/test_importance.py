"""Summaries and comparisons of resampled permutation importances."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mlgates.stats.importance import importance_change, importance_summary


def test_summary_is_a_normal_one_sided_test_on_the_spread():
    x = np.array([0.02, 0.05, -0.01, 0.04, 0.03])
    s = importance_summary(x, confidence=0.9)
    se = x.std(ddof=1)
    assert s.mean == pytest.approx(x.mean()) and s.se == pytest.approx(se)
    assert s.pvalue == pytest.approx(stats.norm.sf(x.mean() / se))
    assert s.ci_low == pytest.approx(x.mean() - stats.norm.ppf(0.95) * se)


def test_zero_spread():
    assert importance_summary(np.zeros(4)).pvalue == 1.0
    assert importance_summary(np.full(4, -0.1)).pvalue == 1.0
    assert importance_summary(np.full(4, 0.1)).pvalue == 0.0


def test_change_is_a_two_sample_z_test():
    c = np.array([0.30, 0.25, 0.28, 0.27])
    r = np.array([0.10, 0.14, 0.12, 0.11])
    ch = importance_change(c, r)
    se = np.hypot(c.std(ddof=1), r.std(ddof=1))
    assert ch.difference == pytest.approx(c.mean() - r.mean())
    assert ch.pvalue == pytest.approx(2 * stats.norm.sf(abs(ch.difference) / se))
    assert importance_change(r, c).pvalue == pytest.approx(ch.pvalue)


def test_too_few_values_is_a_value_error():
    with pytest.raises(ValueError, match="at least two"):
        importance_summary(np.array([0.1]))
    with pytest.raises(ValueError):
        importance_summary(np.array([0.1, np.nan]))
