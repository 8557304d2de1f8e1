"""Evidently-compatible binning (``bins="evidently"``): numpy is the oracle (runs in every env)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlgates import DriftGate, ParameterError
from mlgates.stats.binning import counts_on_histogram, evidently_edges

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
samples = hnp.arrays(np.float64, st.integers(1, 200), elements=finite)


@settings(max_examples=100, deadline=None)
@given(samples, samples)
def test_edges_and_counts_are_numpys_histogram(a, b):
    edges = evidently_edges(a, b)
    np.testing.assert_array_equal(edges, np.histogram_bin_edges(np.concatenate((a, b)), bins="sturges"))
    for x in (a, b):
        np.testing.assert_array_equal(counts_on_histogram(np.sort(x), edges), np.histogram(x, edges)[0])
    # every value lies in the pooled range, so nothing is dropped
    assert counts_on_histogram(np.sort(a), edges).sum() == a.size


def test_distinct_edges_use_the_pooled_distinct_values():
    a, b = np.array([0.0, 0.0, 0.0, 1.0]), np.array([1.0, 5.0])
    expected = np.histogram_bin_edges(np.unique(np.concatenate((a, b))), bins="sturges")
    np.testing.assert_array_equal(evidently_edges(a, b, distinct=True), expected)


def _frames(seed=0):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 400), "d": rng.integers(0, 6, 400).astype(float)})
    cur = pd.DataFrame({"x": rng.normal(0.3, 1.2, 300), "d": rng.integers(0, 7, 300).astype(float)})
    return ref, cur


def _psi_oracle(r, c):
    p, q = r / r.sum(), c / c.sum()
    for v in (p, q):
        low = v[v > 0].min()
        v[v == 0] = low / 1e6 if low <= 1e-4 else 1e-4
    return float(np.sum((p - q) * np.log(p / q)))


def test_drift_gate_psi_on_pooled_sturges_bins():
    ref, cur = _frames()
    gate = DriftGate(columns=["x"], method="psi", bins="evidently")
    finding = gate.check(reference=ref, current=cur).findings[0]
    edges = np.histogram_bin_edges(np.concatenate((ref["x"], cur["x"])), bins="sturges")
    r = np.histogram(ref["x"], edges)[0].astype(float)
    c = np.histogram(cur["x"], edges)[0].astype(float)
    assert finding.statistic == pytest.approx(_psi_oracle(r, c), rel=1e-12)
    assert finding.details["bins"]["type"] == "evidently"
    assert finding.details["bins"]["edges"] == pytest.approx(edges.tolist())


def test_few_distinct_values_are_binned_per_value():
    ref, cur = _frames()
    gate = DriftGate(columns=["d"], method="psi", bins="evidently")
    finding = gate.check(reference=ref, current=cur).findings[0]
    keys = np.union1d(ref["d"], cur["d"])
    r = np.array([(ref["d"] == k).sum() for k in keys], dtype=float)
    c = np.array([(cur["d"] == k).sum() for k in keys], dtype=float)
    assert finding.statistic == pytest.approx(_psi_oracle(r, c), rel=1e-12)


def test_hellinger_bins_the_pooled_distinct_values():
    ref, cur = _frames()
    gate = DriftGate(columns=["d"], method="hellinger", bins={"d": "evidently"})
    finding = gate.check(reference=ref, current=cur).findings[0]
    edges = np.histogram_bin_edges(np.union1d(ref["d"], cur["d"]), bins="sturges")
    p = np.histogram(ref["d"], edges)[0] / len(ref)
    q = np.histogram(cur["d"], edges)[0] / len(cur)
    assert finding.statistic == pytest.approx(np.sqrt(1 - np.sum(np.sqrt(p * q))), rel=1e-12)
    assert finding.details["bins"]["distinct"] is True


def test_bad_bins_mode_names_the_options():
    with pytest.raises(ParameterError, match="evidently"):
        DriftGate(bins={"x": "pooled"}).validate()
