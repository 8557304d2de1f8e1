"""DriftImpactGate: drift the model ignores has no impact, drift it relies on is flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from mlgates import DriftImpactGate, ParameterError, Status

N = 2000


def _tables(seed=0, shift_used=1.0, shift_ignored=2.0, cats_cur=(0.2, 0.3, 0.5)):
    rng = np.random.default_rng(seed)

    def table(n, used, ignored, p):
        return pd.DataFrame(
            {
                "used": rng.normal(used, 1, n),
                "ignored": rng.normal(ignored, 1, n),
                "cat": rng.choice(["a", "b", "c"], n, p=p),
                "cat_ignored": rng.choice(["u", "v"], n, p=[0.5, 0.5] if used == 0 else [0.9, 0.1]),
            }
        )

    ref = table(N, 0.0, 0.0, (0.6, 0.3, 0.1))
    cur = table(N, shift_used, shift_ignored, cats_cur)
    return ref, cur, rng


@pytest.fixture(scope="module")
def setting():
    ref, cur, rng = _tables()
    y = (ref["used"] + 1.5 * (ref["cat"] == "c") + rng.normal(0, 0.5, N) > 0.3).astype(int)
    # a pipeline fitted on all four columns that reads only two: feature_names_in_ lists all four
    reads = make_column_transformer((OneHotEncoder(), ["cat"]), ("passthrough", ["used"]))
    model = make_pipeline(reads, LogisticRegression()).fit(ref, y)
    return ref, cur, model


def test_drift_the_model_ignores_has_no_impact_and_drift_it_relies_on_fails(setting):
    ref, cur, model = setting
    v = DriftImpactGate().check(reference=ref, current=cur, model=model)
    by = {f.subject: f for f in v.findings}
    assert v.status is Status.FAIL
    assert all(by[c].details["drifted"] for c in by), v.to_text()  # all four columns drifted
    for col in ("ignored", "cat_ignored"):
        assert by[col].status is Status.PASS
        assert by[col].statistic == 0.0 and by[col].details["raw_flip_share"] == 0.0
        assert by[col].details["score_shift"] == 0.0
    for col in ("used", "cat"):
        assert by[col].status is Status.FAIL and by[col].reason == "flip_share_exceeded"
        assert by[col].details["flip_share_ci"][0] > 0.05
    # ranked by impact: the relied-on columns first
    assert [f.subject for f in v.findings[:2]] == ["used", "cat"]
    assert v.metrics["columns_drifted"] == 4 and v.metrics["columns_assessed"] == 4
    assert v.metrics["max_flip_share"] == by["used"].statistic


def test_flip_share_estimates_the_decisions_a_shift_changes():
    """A pure shift of +1: moving the column back is x - 1, so the truth is known."""
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 20_000), "w": rng.normal(0, 1, 20_000)})
    y = (ref["x"] + ref["w"] + rng.normal(0, 1, 20_000) > 0).astype(int)
    model = LogisticRegression().fit(ref, y)
    cur = pd.DataFrame({"x": rng.normal(1, 1, 20_000), "w": rng.normal(0, 1, 20_000)})
    v = DriftImpactGate(columns="x", subsample=20_000).check(reference=ref, current=cur, model=model)
    f = v.findings[0]
    truth = float(np.mean(model.predict(cur) != model.predict(cur.assign(x=cur["x"] - 1))))
    lo, hi = f.details["flip_share_ci"]
    assert lo <= truth <= hi, (truth, f.details)
    assert abs(f.details["raw_flip_share"] - truth) < 0.02
    # the mean score moves by what the shift does to it
    shift = float(
        model.predict_proba(cur)[:, 1].mean() - model.predict_proba(cur.assign(x=cur["x"] - 1))[:, 1].mean()
    )
    assert f.details["score_shift"] == pytest.approx(shift, abs=0.01)
    assert f.details["positive_rate_shift"] > 0


def test_no_drift_passes_without_measuring(setting):
    ref, _, model = setting
    cur, _, _ = _tables(seed=7, shift_used=0.0, shift_ignored=0.0, cats_cur=(0.6, 0.3, 0.1))
    v = DriftImpactGate().check(
        reference=ref,
        current=cur.assign(cat_ignored=ref["cat_ignored"].sample(frac=1, random_state=1).to_numpy()),
        model=model,
    )
    assert v.status is Status.PASS, v.to_text()
    assert {f.method for f in v.findings} == {"no_drift"}
    assert "no drift detected" in v.findings[0].message


def test_every_column_measured_without_drift_is_near_zero(setting):
    ref, _, model = setting
    cur, _, _ = _tables(seed=8, shift_used=0.0, shift_ignored=0.0, cats_cur=(0.6, 0.3, 0.1))
    v = DriftImpactGate(only_drifted=False, columns=["used", "cat"]).check(
        reference=ref, current=cur, model=model
    )
    assert v.status is Status.PASS, v.to_text()
    for f in v.findings:
        lo, hi = f.details["flip_share_ci"]
        assert lo <= 0.0 <= hi and abs(f.statistic) < 0.02, f


def test_warn_level_and_inconclusive_interval(setting):
    ref, cur, model = setting
    first = DriftImpactGate(columns="cat").check(reference=ref, current=cur, model=model).findings[0]
    share, (lo, hi) = first.statistic, first.details["flip_share_ci"]
    warned = DriftImpactGate(columns="cat", max_flip_share=min(0.99, hi + 0.01), warn_flip_share=share / 2)
    f = warned.check(reference=ref, current=cur, model=model).findings[0]
    assert f.status is Status.WARN and f.reason == "flip_share_exceeded"
    between = (lo + share) / 2  # the point estimate is above it, the interval's low end below
    f = (
        DriftImpactGate(columns="cat", max_flip_share=between)
        .check(reference=ref, current=cur, model=model)
        .findings[0]
    )
    assert f.status is Status.WARN and f.reason == "insufficient_samples", f
    assert "interval includes it" in f.message


def test_warn_level_must_be_below_the_bound():
    with pytest.raises(ParameterError, match="warn_flip_share"):
        DriftImpactGate(max_flip_share=0.05, warn_flip_share=0.1).validate()


def test_regressor_needs_a_decision_threshold_or_a_score_bound():
    rng = np.random.default_rng(4)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 1000)})
    model = LinearRegression().fit(ref, 3 * ref["x"] + rng.normal(0, 1, 1000))
    cur = pd.DataFrame({"x": rng.normal(1, 1, 1000)})
    v = DriftImpactGate().check(reference=ref, current=cur, model=model)
    assert v.status is Status.ERROR and v.reason == "method_not_applicable"
    v = DriftImpactGate(max_score_shift=1.0).check(reference=ref, current=cur, model=model)
    assert v.status is Status.FAIL and v.reason == "score_shift_exceeded"
    assert v.findings[0].statistic == pytest.approx(3.0, abs=0.3)
    v = DriftImpactGate(decision_threshold=0.0).check(reference=ref, current=cur, model=model)
    assert v.findings[0].details["output"] == "regression" and v.status is Status.FAIL


def test_multiclass_decisions_are_the_most_probable_class():
    rng = np.random.default_rng(5)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 3000), "z": rng.normal(0, 1, 3000)})
    y = np.digitize(ref["x"] + rng.normal(0, 0.3, 3000), [-0.5, 0.5])
    model = LogisticRegression().fit(ref, y)
    cur = ref.assign(x=ref["x"] + 1.0, z=rng.normal(0, 1, 3000))
    v = DriftImpactGate().check(reference=ref, current=cur, model=model)
    assert v.params["output"] == "multiclass"
    assert v.findings[0].subject == "x" and v.findings[0].status is Status.FAIL


class _Checky:
    """A model that checks the dtypes it is given, like a strict pipeline would."""

    def __init__(self, frame):
        self.dtypes = frame.dtypes
        self.feature_names_in_ = np.array(frame.columns, dtype=object)

    def predict_proba(self, frame):
        assert (frame.dtypes == self.dtypes).all(), frame.dtypes
        p = 1 / (1 + np.exp(-(frame["n"].astype(float) - 2)))
        return np.c_[1 - p, p]


def test_dtypes_are_kept_and_inputs_are_not_mutated():
    rng = np.random.default_rng(6)

    def table(lam, p):
        return pd.DataFrame(
            {
                "n": rng.poisson(lam, 800).astype("int32"),
                "c": pd.Categorical(rng.choice(["x", "y"], 800, p=p), categories=["x", "y"]),
                "b": rng.random(800) < p[0],
                "f": pd.array(np.where(rng.random(800) < 0.1, None, rng.normal(size=800)), dtype="Float64"),
            }
        )

    ref, cur = table(2, (0.5, 0.5)), table(3, (0.8, 0.2))
    before = (ref.copy(), cur.copy())
    v = DriftImpactGate(only_drifted=False).check(reference=ref, current=cur, model=_Checky(ref))
    assert v.status is not Status.ERROR, v.to_text()
    pd.testing.assert_frame_equal(ref, before[0])
    pd.testing.assert_frame_equal(cur, before[1])


def test_a_failing_model_is_predict_failed(setting):
    ref, cur, _ = setting

    class Broken:
        feature_names_in_ = np.array(["used"], dtype=object)

        def predict_proba(self, frame):
            if len(frame) > N:  # fine on current, broken on the edited copies
                raise ValueError("too many rows")
            return np.c_[np.full(len(frame), 0.4), np.full(len(frame), 0.6)]

    v = DriftImpactGate().check(reference=ref, current=cur, model=Broken())
    assert v.status is Status.ERROR and v.reason == "predict_failed"
    assert "too many rows" in v.message


def test_columns_that_cannot_be_judged(setting):
    ref, cur, model = setting
    ts = pd.Series(pd.date_range("2026-01-01", periods=N, freq="h"))
    v = DriftImpactGate(only_drifted=False).check(
        reference=ref.assign(ts=ts, lst=[[1]] * N),
        current=cur.assign(ts=ts, lst=[[1]] * N),
        model=_AllColumns(model),
    )
    by = {f.subject: f for f in v.findings}
    assert by["ts"].status is Status.SKIP and by["ts"].reason == "unsupported_kind"
    assert by["lst"].status is Status.SKIP and by["lst"].reason == "unsupported_dtype"
    v = DriftImpactGate(columns=["ts", "nope"]).check(
        reference=ref.assign(ts=ts), current=cur.assign(ts=ts), model=_AllColumns(model)
    )
    by = {f.subject: f for f in v.findings}
    assert by["ts"].status is Status.ERROR and by["nope"].reason == "missing_column"


class _AllColumns:
    """Wraps a model fitted on some columns so that it accepts (and ignores) any others."""

    def __init__(self, model):
        self.model = model

    def predict_proba(self, frame):
        return self.model.predict_proba(frame[list(self.model.feature_names_in_)])


def test_insufficient_and_empty(setting):
    ref, cur, model = setting
    v = DriftImpactGate(min_samples=50).check(reference=ref.head(20), current=cur.head(20), model=model)
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    v = DriftImpactGate().check(reference=ref.head(0), current=cur, model=model)
    assert v.status is Status.ERROR and v.reason == "empty_input"
    assert DriftImpactGate().check(reference=ref, current=cur).reason == "missing_input"


@pytest.mark.slow
def test_null_calibration_random_splits_pass():
    """Random splits of the same data: at most alpha of the runs fail (only drifted columns
    are measured), and every column's impact interval covers zero at about its level."""
    rng = np.random.default_rng(11)
    pool = pd.DataFrame(
        {"a": rng.normal(size=40_000), "b": rng.integers(0, 6, 40_000), "c": rng.choice(list("pqrs"), 40_000)}
    )
    y = (pool["a"] + 0.4 * pool["b"] + (pool["c"] == "p") + rng.normal(0, 1, 40_000) > 1.5).astype(int)
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["c"]), ("passthrough", ["a", "b"])), LogisticRegression()
    ).fit(pool, y)
    fails = covered = judged = 0
    runs = 200
    for r in range(runs):
        n = (300, 1000, 3000)[r % 3]
        rows = rng.permutation(40_000)[: 2 * n]
        ref, cur = pool.iloc[rows[:n]], pool.iloc[rows[n:]]
        v = DriftImpactGate(only_drifted=r % 2 == 0, random_state=r).check(
            reference=ref, current=cur, model=model
        )
        fails += v.status is Status.FAIL
        for f in v.findings:
            if f.method == "drift_impact":
                judged += 1
                lo, hi = f.details["flip_share_ci"]
                covered += lo <= 0.0 <= hi
    assert fails <= 0.01 * runs, fails
    assert covered >= 0.9 * judged, (covered, judged)
