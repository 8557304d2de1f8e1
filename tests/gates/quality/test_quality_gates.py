"""Behaviour of the data-quality gates, with oracles computed here from pandas/scipy/sklearn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mlgates
from mlgates import ParameterError, Status

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


# -- ranges -------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(float, st.integers(1, 60), elements=st.one_of(finite, st.just(np.nan))),
    finite,
    finite,
    st.sampled_from(["both", "left", "right", "neither"]),
)
def test_range_share_matches_pandas_between(values, a, b, inclusive):
    lo, hi = min(a, b), max(a, b)
    s = pd.Series(values)
    v = mlgates.RangeGate(bounds={"x": {"min": lo, "max": hi}}, inclusive=inclusive).check(
        current=pd.DataFrame({"x": s})
    )
    present = s.dropna()
    if present.empty:
        assert v.status is Status.ERROR and v.findings[0].reason == "all_missing"
        return
    oracle = 1.0 - present.between(lo, hi, inclusive=inclusive).mean()
    f = v.findings[0]
    assert f.statistic == pytest.approx(oracle)
    assert (f.status is Status.FAIL) == (oracle > 0)
    assert len(f.details["examples"]) <= 5


def test_range_mostly_and_warn_and_open_bounds():
    df = pd.DataFrame({"x": np.arange(100.0)})
    assert (
        mlgates.RangeGate(min_value=0.0, max_value=94.0, max_share_outside=0.05).check(current=df).status
        is Status.PASS
    )
    v = mlgates.RangeGate(
        min_value=0.0, max_value=89.0, max_share_outside=0.2, warn_share_outside=0.05
    ).check(current=df)
    assert v.status is Status.WARN and v.findings[0].details["n_above"] == 10
    assert mlgates.RangeGate(bounds={"x": {"min": 50}}).check(current=df).findings[0].details["n_below"] == 50


def test_range_counts_infinity_outside():
    df = pd.DataFrame({"x": [1.0, np.inf, -np.inf, 2.0]})
    f = mlgates.RangeGate(min_value=0.0, max_value=10.0).check(current=df).findings[0]
    assert (f.details["n_below"], f.details["n_above"]) == (1, 1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"bounds": {"x": {"min": 2, "max": 1}}}, r"bounds\['x'\]"),
        ({"bounds": {"x": {"low": 1}}}, r"bounds\['x'\]"),
        ({"bounds": {0: {"min": 1}}}, r"bounds\[0\].*rename the column"),
        ({"min_value": 3.0, "max_value": 1.0}, "max_value"),
        ({}, "bounds"),
    ],
)
def test_range_parameter_errors(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        mlgates.RangeGate(**kwargs).validate()


# -- categories ---------------------------------------------------------------------------
def test_category_unknown_share_and_examples():
    ref = pd.DataFrame({"c": list("aabbc")})
    cur = pd.DataFrame({"c": [*list("aaxxxyb"), None]})
    f = mlgates.CategoryGate().check(reference=ref, current=cur).findings[0]
    oracle = (~cur["c"].dropna().isin(ref["c"])).mean()
    assert f.statistic == pytest.approx(oracle)
    assert f.details["examples"][0] == {"value": "x", "count": 3}
    assert f.details["n_unknown_values"] == 2 and f.reason == "unknown_categories"


@pytest.mark.parametrize(
    "on_new, status", [("warn", Status.WARN), ("fail", Status.FAIL), ("ignore", Status.PASS)]
)
def test_category_on_new_policy(on_new, status):
    cur = pd.DataFrame({"c": ["a"] * 99 + ["z"]})
    v = mlgates.CategoryGate(allowed={"c": ["a"]}, max_unknown_share=0.05, on_new=on_new).check(current=cur)
    assert v.status is status


def test_category_booleans_and_categoricals():
    cur = pd.DataFrame(
        {
            "b": pd.array([True, False, pd.NA], dtype="boolean"),
            "k": pd.Categorical(["x", "y", "y"], categories=["x", "y", "never"]),
        }
    )
    v = mlgates.CategoryGate(allowed={"b": [True], "k": ["x", "y"]}).check(current=cur)
    assert [f.status for f in v.findings] == [Status.FAIL, Status.PASS]
    assert list(v.findings[0].details["examples"]) == [{"value": False, "count": 1}]


def test_category_column_absent_from_reference_is_an_error():
    v = mlgates.CategoryGate(columns=["b", "a"]).check(
        reference=pd.DataFrame({"a": ["x", "y"]}), current=pd.DataFrame({"b": ["x"], "a": ["x"]})
    )
    assert [(f.subject, f.status, f.reason) for f in v.findings] == [
        ("b", Status.ERROR, "missing_column"),
        ("a", Status.PASS, None),
    ]
    assert "reference" in v.findings[0].message


def test_category_needs_reference_without_allowed():
    v = mlgates.CategoryGate().check(current=pd.DataFrame({"c": ["a"]}))
    assert v.status is Status.ERROR and v.reason == "missing_input"


# -- uniqueness and duplicates ------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["a", "b", None])), min_size=1, max_size=50))
def test_duplicates_match_pandas(rows):
    df = pd.DataFrame(rows, columns=["i", "s"])
    v = mlgates.DuplicateRowsGate(max_share=1.0).check(current=df)
    assert v.findings[0].statistic == pytest.approx(df.duplicated().mean())
    u = mlgates.UniqueGate(columns=[["i", "s"], "i"]).check(current=df)
    kept = df.dropna()
    if len(kept):
        assert u.findings[0].details["n_duplicates"] == int(kept.duplicated().sum())
    assert u.findings[1].details["n_duplicates"] == int(df["i"].duplicated().sum())


def test_duplicate_rows_subset_and_examples():
    df = pd.DataFrame({"a": [1, 1, 2, 2, 2], "b": list("vwxyz")}, index=list("pqrst"))
    v = mlgates.DuplicateRowsGate(columns=["a"]).check(current=df)
    assert v.findings[0].details["n_duplicates"] == 3
    assert list(v.findings[0].details["example_rows"]) == ["q", "s", "t"]


def test_unique_requires_columns():
    with pytest.raises(ParameterError, match="columns"):
        mlgates.UniqueGate().validate()


# -- column health ------------------------------------------------------------------------
def test_constant_and_near_constant():
    df = pd.DataFrame(
        {"k": [3.0] * 9 + [np.nan], "n": [0] * 95 + [1] * 5 if False else [0] * 9 + [1], "s": ["x"] * 10}
    )
    v = mlgates.ConstantColumnGate(near_constant_share=0.9).check(current=df)
    assert [f.reason for f in v.findings] == ["constant_column", "near_constant", "constant_column"]
    assert v.findings[1].statistic == pytest.approx(df["n"].value_counts(normalize=True).max())


def test_mixed_types_counts_groups():
    s = pd.Series(["a", "b", 1, 2.0, True, None, "c"], dtype=object)
    f = mlgates.MixedTypesGate(max_minority_share=0.5).check(current=pd.DataFrame({"m": s})).findings[0]
    assert f.details["types"] == {"string": 3, "number": 2, "boolean": 1}
    assert f.statistic == pytest.approx(3 / 6) and f.status is Status.PASS
    ok = mlgates.MixedTypesGate().check(current=pd.DataFrame({"m": pd.Series([1, 2.5, None], dtype=object)}))
    assert ok.status is Status.PASS


def test_infinite_values():
    df = pd.DataFrame({"f": [1.0, np.inf, -np.inf, np.nan, 2.0], "i": [1, 2, 3, 4, 5]})
    v = mlgates.InfiniteValuesGate(columns=["f", "i"], max_share=0.4).check(current=df)
    assert v.findings[0].statistic == pytest.approx(np.isinf(df["f"].dropna()).mean())
    assert v.findings[0].status is Status.FAIL and v.findings[1].status is Status.PASS


# -- strings ------------------------------------------------------------------------------
def test_string_rules_count_once_per_value():
    s = pd.Series(["AB12", "", " AB12", "ABCDEFG", None], dtype="str")
    v = mlgates.StringGate(
        pattern=r"[A-Z]{2}\d{2}",
        min_length=1,
        max_length=5,
        allow_empty=False,
        allow_padding=False,
        max_share=0.5,
    ).check(current=pd.DataFrame({"s": s}))
    f = v.findings[0]
    assert (
        f.details["pattern_mismatch"],
        f.details["too_short"],
        f.details["too_long"],
        f.details["empty"],
        f.details["padded"],
    ) == (3, 1, 1, 1, 1)
    assert f.details["n_violations"] == 3 and f.statistic == pytest.approx(3 / 4)


def test_string_bad_regex_is_parameter_error():
    with pytest.raises(ParameterError, match="pattern"):
        mlgates.StringGate(pattern="(").validate()


# -- outliers -----------------------------------------------------------------------------
def test_outlier_fences_match_numpy_and_scipy():
    from scipy.stats import median_abs_deviation

    rng = np.random.default_rng(3)
    x = np.r_[rng.normal(size=500), [15.0, -12.0]]
    df = pd.DataFrame({"x": x})
    f = mlgates.OutlierGate(max_share=0.5).check(current=df).findings[0]
    q1, q3 = np.percentile(x, [25, 75])
    lo, hi = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    assert (f.details["low"], f.details["high"]) == pytest.approx((lo, hi))
    assert f.statistic == pytest.approx(((x < lo) | (x > hi)).mean())
    g = mlgates.OutlierGate(method="robust_z", max_share=0.5).check(current=df).findings[0]
    z = 0.6745 * (x - np.median(x)) / median_abs_deviation(x)
    assert g.statistic == pytest.approx((np.abs(z) > 3.5).mean())


def test_outlier_fences_from_reference_and_insufficient():
    ref = pd.DataFrame({"x": np.linspace(0, 1, 100)})
    cur = pd.DataFrame({"x": np.linspace(5, 6, 100)})
    assert mlgates.OutlierGate().check(current=cur).status is Status.PASS
    assert (
        mlgates.OutlierGate(fences_from="reference").check(reference=ref, current=cur).status is Status.FAIL
    )
    v = mlgates.OutlierGate(on_insufficient="fail").check(current=pd.DataFrame({"x": [1.0, 2.0]}))
    assert v.status is Status.FAIL and v.reason == "insufficient_samples"


# -- time ---------------------------------------------------------------------------------
def test_freshness_age_and_timezones():
    ts = pd.Series(pd.to_datetime(["2026-11-01", "2026-11-20"]))
    df = pd.DataFrame({"t": ts})
    f = mlgates.FreshnessGate(column="t", max_age="7 days", now="2026-11-26").check(current=df).findings[0]
    assert f.statistic == (pd.Timestamp("2026-11-26") - ts.max()).total_seconds() and f.status is Status.PASS
    warn = mlgates.FreshnessGate(column="t", max_age="7 days", warn_age="5 days", now="2026-11-26")
    assert warn.check(current=df).status is Status.WARN
    aware = mlgates.FreshnessGate(column="t", max_age="7 days", now="2026-11-26T00:00:00+00:00")
    v = aware.check(current=df)
    assert v.status is Status.ERROR and v.reason == "timezone_mismatch" and "t:" in v.message
    utc = pd.DataFrame({"t": ts.dt.tz_localize("UTC")})
    assert aware.check(current=utc).status is Status.PASS
    old = pd.DataFrame({"t": pd.Series(pd.to_datetime(["2020-01-01"])).dt.tz_localize("UTC")})
    assert mlgates.FreshnessGate(column="t", max_age="7 days").check(current=old).status is Status.FAIL


@pytest.mark.parametrize(
    "kwargs",
    [
        {"column": "t", "max_age": "soon"},
        {"column": "t"},
        {"column": "t", "max_age": "1 day", "now": "yesterday-ish"},
    ],
)
def test_freshness_parameter_errors(kwargs):
    with pytest.raises(ParameterError):
        mlgates.FreshnessGate(**kwargs).validate()


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(float, st.integers(2, 40), elements=st.one_of(st.floats(-100, 100), st.just(np.nan))),
    st.booleans(),
)
def test_monotonic_matches_diff(values, strict):
    s = pd.Series(values)
    present = s.dropna().to_numpy()
    v = mlgates.MonotonicGate(columns="x", strict=strict).check(current=pd.DataFrame({"x": s}))
    if len(present) < 2:
        assert v.status is Status.ERROR
        return
    d = np.diff(present)
    oracle = ((d <= 0) if strict else (d < 0)).mean()
    assert v.findings[0].statistic == pytest.approx(oracle)
    assert (v.status is Status.PASS) == (oracle == 0)


# -- integrity ----------------------------------------------------------------------------
def test_conflicting_labels_match_groupby():
    rng = np.random.default_rng(5)
    df = pd.DataFrame(
        {"a": rng.integers(0, 4, 300), "b": rng.choice(["x", "y"], 300), "y": rng.integers(0, 2, 300)}
    )
    v = mlgates.ConflictingLabelsGate(max_share=1.0).check(current=df, target="y")
    oracle = (df.groupby(["a", "b"])["y"].transform("nunique") > 1).mean()
    assert v.findings[0].statistic == pytest.approx(oracle)
    arr = mlgates.ConflictingLabelsGate(max_share=1.0).check(
        current=df.drop(columns="y"), target=df["y"].to_numpy()
    )
    assert arr.findings[0].statistic == pytest.approx(oracle)


def test_train_test_leakage_matches_merge():
    rng = np.random.default_rng(6)
    ref = pd.DataFrame({"a": rng.integers(0, 5, 200), "b": rng.choice(["x", "y", None], 200)})
    cur = pd.DataFrame({"a": rng.integers(0, 8, 150), "b": rng.choice(["x", "z", None], 150)})
    v = mlgates.TrainTestLeakageGate(max_share=1.0).check(reference=ref, current=cur)
    keys = ref.drop_duplicates().assign(_hit=True)
    oracle = cur.merge(keys, on=["a", "b"], how="left")["_hit"].notna().mean()
    assert v.findings[0].statistic == pytest.approx(oracle)
    floats = mlgates.TrainTestLeakageGate(max_share=1.0).check(
        reference=ref.astype({"a": float}), current=cur
    )
    assert floats.findings[0].statistic == pytest.approx(oracle)


def test_feature_leakage_auc_matches_sklearn():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(7)
    n = 400
    y = rng.integers(0, 2, n)
    df = pd.DataFrame(
        {
            "x": rng.normal(size=n) + y,
            "neg": -y + rng.normal(0, 0.01, n),
            "id": [f"row{i}" for i in range(n)],
            "y": y,
        }
    )
    v = mlgates.FeatureLeakageGate().check(current=df, target="y")
    by = {f.subject: f for f in v.findings}
    auc = roc_auc_score(y, df["x"])
    assert by["x"].statistic == pytest.approx(max(auc, 1 - auc)) and by["x"].status is Status.PASS
    assert by["neg"].status is Status.FAIL and by["neg"].statistic == pytest.approx(1.0)
    assert by["id"].status is Status.PASS and by["id"].statistic < 0.6  # cross-fitting: ids do not memorise


def test_feature_leakage_regression_and_bad_targets():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(8)
    x = rng.normal(size=300)
    df = pd.DataFrame({"x": x, "t": x**3 + rng.normal(0, 0.1, 300)})
    f = mlgates.FeatureLeakageGate().check(current=df, target="t").findings[0]
    assert f.statistic == pytest.approx(abs(spearmanr(df["x"], df["t"]).statistic))
    one = mlgates.FeatureLeakageGate().check(current=df.assign(t=1), target="t")
    assert one.status is Status.ERROR and one.reason == "one_class_target"
    multi = mlgates.FeatureLeakageGate().check(current=df.assign(t=rng.choice(list("abc"), 300)), target="t")
    assert multi.reason == "unsupported_target"
