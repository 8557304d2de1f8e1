"""StatisticGate (absolute and relative bounds judged with intervals) and RowCountGate's
relative volume."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mlgates
from mlgates import ParameterError, RowCountGate, StatisticGate, Status


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 500
    return pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "income": rng.lognormal(10, 0.5, n),
            "country": pd.array(rng.choice(["US", "FR", "DE"], n, p=[0.5, 0.3, 0.2]), dtype="str"),
            "flag": rng.random(n) < 0.3,
            "code": rng.integers(0, 7, n),
        }
    )


def test_the_statistic_and_its_interval_match_scipy(frame):
    f = StatisticGate("mean", columns="age", min_value=0.0, max_value=100.0).check(current=frame).findings[0]
    x = frame["age"]
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert f.statistic == pytest.approx(x.mean())
    assert (f.details["ci_low"], f.details["ci_high"]) == (pytest.approx(lo), pytest.approx(hi))
    assert f.details["interval"] == "t" and f.method == "mean" and f.status is Status.PASS
    f = StatisticGate("std", columns="age", max_value=100.0).check(current=frame).findings[0]
    assert f.statistic == pytest.approx(x.std(ddof=1)) and f.details["interval"] == "bonett"
    f = (
        StatisticGate("quantile", quantile=0.9, columns="age", max_value=100.0)
        .check(current=frame)
        .findings[0]
    )
    assert f.statistic == pytest.approx(x.quantile(0.9)) and f.method == "quantile_0.9"
    f = StatisticGate("n_unique", columns="code", min_value=7).check(current=frame).findings[0]
    assert f.statistic == 7 and f.details["ci_low"] == f.details["ci_high"] == 7
    f = StatisticGate("share", value="US", columns="country", max_value=1.0).check(current=frame).findings[0]
    assert (
        f.statistic == pytest.approx((frame["country"] == "US").mean()) and f.details["interval"] == "wilson"
    )


def test_decision_ci_fails_only_when_the_whole_interval_is_beyond_the_bound(frame):
    mean = frame["age"].mean()
    f = StatisticGate("mean", columns="age", max_value=mean - 5).check(current=frame).findings[0]
    assert (f.status, f.reason, f.threshold) == (Status.FAIL, "statistic_bound_exceeded", mean - 5)
    assert f.message.startswith(f"age: mean {mean:.4g} (95% CI ") and f.message.endswith(
        f"> {mean - 5:.4g} allowed"
    )
    # beyond the bound, but the interval reaches back: the data cannot decide
    f = StatisticGate("mean", columns="age", max_value=mean - 0.3).check(current=frame).findings[0]
    assert (f.status, f.reason) == (Status.WARN, "insufficient_samples")
    assert "includes the bound: not enough data to decide" in f.message
    f = (
        StatisticGate("mean", columns="age", max_value=mean - 0.3, on_insufficient="fail")
        .check(current=frame)
        .findings[0]
    )
    assert (f.status, f.reason) == (Status.FAIL, "insufficient_samples")
    # the same bound judged on the point estimate alone (Great Expectations' semantics)
    f = (
        StatisticGate("mean", columns="age", max_value=mean - 0.3, decision="point")
        .check(current=frame)
        .findings[0]
    )
    assert (f.status, f.reason) == (Status.FAIL, "statistic_bound_exceeded")
    f = StatisticGate("mean", columns="age", min_value=mean - 0.3).check(current=frame).findings[0]
    assert f.status is Status.PASS


def test_bounds_are_inclusive_as_in_great_expectations():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0] * 5})
    for decision in ("ci", "point"):
        gate = StatisticGate("mean", columns="x", min_value=2.0, max_value=2.0, decision=decision)
        assert gate.check(current=frame).status is Status.PASS


def test_per_column_bounds_and_defaults(frame):
    v = StatisticGate("median", bounds={"age": {"min": 30, "max": 50}, "income": {"max": 1000.0}}).check(
        current=frame
    )
    assert [(f.subject, f.status) for f in v.findings] == [("age", Status.PASS), ("income", Status.FAIL)]
    v = StatisticGate("mean", min_value=-1e9, max_value=1e9).check(current=frame)
    assert [f.subject for f in v.findings] == ["age", "income", "code"]  # numeric columns, not booleans
    v = StatisticGate("n_unique", min_value=2).check(current=frame)
    assert [f.subject for f in v.findings] == list(frame.columns)


def test_relative_to_the_reference(frame):
    ref = frame
    cur = frame.assign(age=frame["age"] * 1.2)
    gate = StatisticGate("mean", compare_to="reference", max_relative_change=0.1)
    v = gate.check(reference=ref, current=cur)
    age = next(f for f in v.findings if f.subject == "age")
    assert (age.status, age.reason) == (Status.FAIL, "statistic_bound_exceeded")
    assert age.statistic == pytest.approx(cur["age"].mean() - ref["age"].mean())
    assert age.details["allowed_change"] == pytest.approx(0.1 * ref["age"].mean())
    assert age.details["reference"] == pytest.approx(ref["age"].mean())
    assert age.details["interval"] == "mover_t"
    assert "change +20.0%" in age.message and "beyond ±10.0% allowed" in age.message
    assert all(f.status is Status.PASS for f in v.findings if f.subject != "age")
    # both allowances: the smaller holds
    both = StatisticGate(
        "mean", columns="age", compare_to="reference", max_change=1.0, max_relative_change=0.5
    )
    assert both.check(reference=ref, current=cur).findings[0].threshold == 1.0
    # the reference is an input the gate needs
    missing = gate.check(current=cur)
    assert (missing.status, missing.reason) == (Status.ERROR, "missing_input")


def test_relative_change_of_a_share_uses_newcombes_interval(frame):
    from statsmodels.stats.proportion import confint_proportions_2indep

    cur = frame.iloc[:200]
    gate = StatisticGate("share", value="US", columns="country", compare_to="reference", max_change=0.02)
    f = gate.check(reference=frame, current=cur).findings[0]
    k1, n1 = int((cur["country"] == "US").sum()), len(cur)
    k2, n2 = int((frame["country"] == "US").sum()), len(frame)
    lo, hi = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb")
    assert (f.details["ci_low"], f.details["ci_high"]) == (pytest.approx(lo), pytest.approx(hi))


def test_small_samples_are_insufficient_not_passed(frame):
    small = frame.head(8)
    f = StatisticGate("mean", columns="age", min_value=0.0).check(current=small).findings[0]
    assert (f.status, f.reason) == (Status.WARN, "insufficient_samples")
    assert "8 non-missing values < 10 needed (min_samples)" in f.message
    f = (
        StatisticGate("mean", columns="age", min_value=0.0, min_samples={"age": 5})
        .check(current=small)
        .findings[0]
    )
    assert f.status is Status.PASS
    f = (
        StatisticGate("mean", columns="age", min_value=0.0, on_insufficient="skip")
        .check(current=small)
        .findings[0]
    )
    assert f.status is Status.SKIP


def test_what_cannot_be_computed_never_passes():
    frame = pd.DataFrame({"x": [1.0, np.inf] * 10, "m": [np.nan] * 20, "s": ["a"] * 20})
    v = StatisticGate("mean", min_value=0.0).check(current=frame)
    by = {f.subject: f for f in v.findings}
    assert (by["x"].status, by["x"].reason) == (Status.ERROR, "undefined_statistic")
    assert (by["m"].status, by["m"].reason) == (Status.ERROR, "all_missing")
    listed = StatisticGate("mean", columns=["s"], min_value=0.0).check(current=frame).findings[0]
    assert (listed.status, listed.reason) == (Status.ERROR, "unsupported_dtype")
    absent = StatisticGate("mean", bounds={"xx": {"min": 0}}).check(current=frame).findings[0]
    assert (absent.status, absent.reason) == (
        Status.ERROR,
        "missing_column",
    ) and "Did you mean 'x'?" in absent.message
    empty = StatisticGate("mean", min_value=0.0).check(current=frame.iloc[:0])
    assert (empty.status, empty.reason) == (Status.ERROR, "empty_input")
    no_ref_col = StatisticGate("mean", columns="x", compare_to="reference", max_change=1.0).check(
        reference=frame.drop(columns="x"), current=frame
    )
    assert no_ref_col.findings[0].reason == "missing_column" and "reference" in no_ref_col.findings[0].message


@pytest.mark.parametrize(
    "kwargs, name, fragment",
    [
        ({"statistic": "quantile", "max_value": 1.0}, "quantile", "with statistic='quantile'"),
        (
            {"statistic": "mean", "quantile": 0.5, "max_value": 1.0},
            "quantile",
            "None unless statistic='quantile'",
        ),
        ({"statistic": "share", "max_value": 1.0}, "value", "with statistic='share'"),
        ({"statistic": "mean"}, "bounds", "compare_to='reference'"),
        ({"statistic": "mean", "max_change": 1.0}, "max_change", "used with compare_to='reference'"),
        ({"statistic": "mean", "compare_to": "reference"}, "max_relative_change", "set (or max_change)"),
        (
            {"statistic": "mean", "compare_to": "reference", "max_change": 1, "max_value": 2.0},
            "max_value",
            "None with",
        ),
        ({"statistic": "mean", "min_value": 2.0, "max_value": 1.0}, "max_value", ">= min_value"),
        ({"statistic": "mean", "bounds": {"x": {"low": 1}}}, "bounds['x']", 'keys "min" and/or "max"'),
        ({"statistic": "mean", "bounds": {"x": {"min": 2, "max": 1}}}, "bounds['x']", "min <= max"),
        ({"statistic": "mean", "max_value": 1.0, "min_samples": {"x": 0}}, "min_samples['x']", "[1, inf)"),
        ({"statistic": "median", "columns": "x"}, "columns", "used with min_value and/or max_value"),
        ({"statistic": "mode", "max_value": 1.0}, "statistic", "one of"),
    ],
)
def test_parameter_errors_name_the_parameter(kwargs, name, fragment):
    with pytest.raises(ParameterError) as info:
        StatisticGate(**kwargs).validate()
    assert str(info.value).startswith(f"The {name!r} parameter of StatisticGate must be"), str(info.value)
    assert fragment in str(info.value)


# -- RowCountGate: relative volume ---------------------------------------------------------------------
def test_row_ratio_against_the_reference():
    ref = pd.DataFrame({"a": range(1000)})
    gate = RowCountGate(compare_to="reference", min_ratio=0.5, max_ratio=2.0)
    for n, status in [(499, Status.FAIL), (500, Status.PASS), (2000, Status.PASS), (2001, Status.FAIL)]:
        v = gate.check(reference=ref, current=pd.DataFrame({"a": range(n)}))
        assert v.status is status, (n, v.message)
        assert v.metrics["row_ratio"] == pytest.approx(n / 1000) and v.metrics["reference_rows"] == 1000
        ratio = v.findings[1]
        assert ratio.subject == "row_ratio" and ratio.statistic == pytest.approx(n / 1000)
        assert ratio.reason == (None if status is Status.PASS else "row_count_exceeded")
    low = gate.check(reference=ref, current=pd.DataFrame({"a": range(400)}))
    assert low.message == "rows: 400 (>= 1); row_ratio: 400 rows = 0.4 x reference (1,000) < 0.5 x required"


def test_row_ratio_keeps_the_absolute_bounds_working():
    ref = pd.DataFrame({"a": range(10)})
    v = RowCountGate(min_rows=20, compare_to="reference", max_ratio=10.0).check(
        reference=ref, current=pd.DataFrame({"a": range(15)})
    )
    assert (
        v.status is Status.FAIL
        and v.findings[0].status is Status.FAIL
        and v.findings[1].status is Status.PASS
    )
    v = RowCountGate(min_rows=3).check(current=pd.DataFrame({"a": [1, 2]}))
    assert v.message == "rows: 2 < 3 required" and len(v.findings) == 1


def test_row_ratio_on_an_empty_reference_is_an_error():
    v = RowCountGate(compare_to="reference", min_ratio=0.5).check(
        reference=pd.DataFrame({"a": []}), current=pd.DataFrame({"a": [1]})
    )
    assert (v.status, v.reason) == (Status.ERROR, "empty_input")


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"min_ratio": 0.5}, "min_ratio"),
        ({"compare_to": "reference"}, "min_ratio"),
        ({"compare_to": "reference", "min_ratio": 2.0, "max_ratio": 1.0}, "max_ratio"),
        ({"compare_to": "baseline", "min_ratio": 0.5}, "compare_to"),
    ],
)
def test_row_ratio_parameter_errors(kwargs, name):
    with pytest.raises(ParameterError, match=rf"^The '{name}' parameter of RowCountGate"):
        RowCountGate(**kwargs).validate()


def test_suite_file_round_trip(tmp_path, frame):
    suite = mlgates.Suite(
        [
            StatisticGate("quantile", quantile=0.99, bounds={"age": {"max": 90.0}}, min_samples={"age": 50}),
            StatisticGate("share", value="US", columns="country", compare_to="reference", max_change=0.05),
            RowCountGate(compare_to="reference", min_ratio=0.5, max_ratio=2.0, where="age > 18"),
        ]
    )
    for suffix in ("toml", "yaml"):
        loaded = mlgates.load_suite(mlgates.save_suite(suite, tmp_path / f"s.{suffix}"))
        assert loaded.to_config() == suite.to_config() and repr(loaded) == repr(suite)
        a = suite.check(reference=frame, current=frame)
        b = loaded.check(reference=frame, current=frame)
        assert [c.findings for c in a.children] == [c.findings for c in b.children]
