"""Multiple-testing corrections against statsmodels.stats.multitest.multipletests."""

from __future__ import annotations

import numpy as np
import pytest
from _statsmodels_oracle import statsmodels_multipletests
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates.stats.multiple_testing import CORRECTIONS, adjust_pvalues


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.sampled_from(CORRECTIONS))
def test_matches_statsmodels(pvalues, method):
    p = np.array(pvalues)
    reject, adjusted, _, _ = statsmodels_multipletests(p, method, alpha=0.05)
    ours = adjust_pvalues(p, method)
    np.testing.assert_allclose(ours, adjusted, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours <= 0.05, reject)


def test_nan_is_left_out():
    out = adjust_pvalues([0.01, np.nan, 0.02], "bonferroni")
    assert np.isnan(out[1]) and out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.04)


def test_unknown_method():
    with pytest.raises(ValueError, match="bonferroni"):
        adjust_pvalues([0.1], "sidak")
