"""What undoing one column's drift does to a model (mlgates.gates.label_free._impact_measure):
the moved copies of the column, and the measurement being the same however the model calls are
chunked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mlgates.gates.label_free import _impact_measure
from mlgates.gates.label_free._impact_columns import prepare
from mlgates.gates.label_free._impact_measure import measure_impact, moved_columns, t_quantile
from mlgates.gates.label_free._model_calls import call_model, interpret, method_of


def test_numeric_copies_take_the_reference_distribution_and_keep_missing_values():
    rng = np.random.default_rng(0)
    cur = pd.Series(np.r_[rng.normal(2.0, 1.0, 3000), [np.nan] * 30])
    ref = pd.Series(rng.normal(0.0, 1.0, 3000))
    copies = moved_columns(cur, prepare("x", cur, ref), 4, rng)
    assert len(copies) == 8  # a moved copy and a noise copy per resample
    for k, col in enumerate(copies):
        assert np.isnan(col[-30:]).all() and not np.isnan(col[:-30]).any()
        target = ref if k % 2 == 0 else cur.dropna()  # even: the reference; odd: current itself
        assert stats.ks_2samp(col[:-30], target).pvalue > 0.01
    # each row keeps its rank: the moved column is a monotone map of the current one
    order = np.argsort(cur.to_numpy()[:-30], kind="stable")
    assert (np.diff(copies[0][:-30][order]) >= 0).all()


def test_categorical_copies_take_the_reference_shares_changing_only_the_needed_rows():
    rng = np.random.default_rng(1)
    cur = pd.Series(rng.choice(["a", "b", "c"], 4000, p=[0.2, 0.3, 0.5]), dtype=object)
    ref = pd.Series(rng.choice(["a", "b", "c"], 4000, p=[0.6, 0.3, 0.1]), dtype=object)
    moved = moved_columns(cur, prepare("c", cur, ref), 3, rng)[0::2]
    for col in moved:
        shares = pd.Series(col).value_counts(normalize=True)
        assert shares.reindex(["a", "b", "c"]).to_numpy() == pytest.approx([0.6, 0.3, 0.1], abs=0.03)
        # the total-variation share (0.4) changes, not more
        assert np.mean(col != cur.to_numpy()) == pytest.approx(0.4, abs=0.03)


def test_t_quantile_is_students():
    assert t_quantile(0.95, 10) == pytest.approx(stats.t.ppf(0.975, 9))


class _Cut:
    """A model reading one column: P(positive) rises with x."""

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-4.0 * (frame["x"].to_numpy() - 0.5)))
        return np.column_stack([1.0 - p, p])


def test_the_measurement_does_not_depend_on_how_model_calls_are_chunked(monkeypatch):
    rng = np.random.default_rng(2)
    ref = pd.DataFrame({"x": rng.normal(0.0, 1.0, 800), "z": rng.normal(size=800)})
    cur = pd.DataFrame({"x": rng.normal(1.0, 1.0, 600), "z": rng.normal(size=600)})
    model = _Cut()
    method = method_of(model)
    base = interpret(call_model(model, cur, method), method, None)
    prep = prepare("x", cur["x"], ref["x"])

    def measure():
        return measure_impact(
            model, cur, None, "x", prep, base, np.random.default_rng(5),
            n_resamples=4, confidence=0.9, decision_threshold=None,
        )  # fmt: skip

    whole = measure()
    monkeypatch.setattr(_impact_measure, "CHUNK_CELLS", 600 * 2)  # one copy per model call
    chunked = measure()
    assert chunked == whole
    # undoing a shift of one standard deviation flips the rows between the cut and the cut + 1
    expected = stats.norm.cdf(0.5) - stats.norm.cdf(-0.5)
    assert whole.flip_share == pytest.approx(expected, abs=0.08)
    assert whole.flip_ci[0] < whole.flip_share < whole.flip_ci[1]
    assert whole.score_shift > 0 and whole.positive_rate_shift == pytest.approx(expected, abs=0.08)
