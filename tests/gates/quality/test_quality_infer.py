"""quality_suite_from_reference: inference rules, file round trips, and verdicts on real data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mlgates
from mlgates import ParameterError, Status
from mlgates.demo.data import split_adult


@pytest.fixture(scope="module")
def adult():
    return split_adult()


@pytest.fixture(scope="module")
def suite(adult):
    ref, _ = adult
    return mlgates.quality_suite_from_reference(ref, target="income", leakage=True)


def _gate(suite, name):
    return next(g for g in suite.gates if g.name == name)


@pytest.mark.parametrize("suffix", ["toml", "yaml", "json"])
def test_round_trip_is_identical(suite, adult, tmp_path, suffix):
    path = mlgates.save_suite(suite, tmp_path / f"quality.{suffix}")
    loaded = mlgates.load_suite(path)
    assert loaded.to_config() == suite.to_config()
    assert repr(loaded) == repr(suite)
    ref, cur = adult
    inputs = {"reference": ref, "current": cur, "target": "income"}
    a, b = suite.check(**inputs), loaded.check(**inputs)
    assert [(c.name, c.status, c.findings) for c in a.children] == [
        (c.name, c.status, c.findings) for c in b.children
    ]


def test_toml_file_is_readable(suite, tmp_path):
    text = mlgates.save_suite(suite, tmp_path / "quality.toml").read_text()
    assert "[gates.bounds.age]" in text and 'type = "CategoryGate"' in text
    assert "null" not in text and "None" not in text


def test_inference_rules(adult, suite):
    ref, _ = adult
    tol = 0.01
    missing = _gate(suite, "missing_values").max_share
    for col in ref.columns:
        observed = ref[col].isna().mean()
        assert observed + tol <= missing[col] <= observed + tol + 1e-4
    bounds = _gate(suite, "ranges").bounds
    lo, hi = ref["age"].min(), ref["age"].max()
    assert bounds["age"] == {"min": math.floor(lo - 0.1 * (hi - lo)), "max": math.ceil(hi + 0.1 * (hi - lo))}
    assert bounds["capital_gain"]["min"] == 0  # non-negative columns stay non-negative
    assert all(isinstance(v, int) for b in bounds.values() for v in b.values())
    allowed = _gate(suite, "categories").allowed
    assert allowed["race"] == sorted(ref["race"].dropna().unique())
    cat = _gate(suite, "categories")
    assert cat.max_unknown_share == tol and cat.on_new == "warn"
    outliers = _gate(suite, "outliers").max_share
    q1, q3 = np.percentile(ref["age"], [25, 75])
    share = ((ref["age"] < q1 - 1.5 * (q3 - q1)) | (ref["age"] > q3 + 1.5 * (q3 - q1))).mean()
    assert share + tol <= outliers["age"] <= share + tol + 1e-4
    assert _gate(suite, "duplicate_rows").max_share == pytest.approx(
        math.ceil((ref.duplicated().mean() + tol) * 1e4) / 1e4
    )


def test_float_bounds_round_outwards_and_strings_get_rules():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame(
        {
            "f": rng.normal(0, 1, 500),
            "id": [f"user-{i:05d}" for i in range(500)],
            "ts": pd.date_range("2026-01-01", periods=500, freq="min"),
        }
    )
    s = mlgates.quality_suite_from_reference(ref, max_categories=20)
    b = _gate(s, "ranges").bounds["f"]
    span = ref["f"].max() - ref["f"].min()
    assert b["min"] <= ref["f"].min() - 0.1 * span and b["max"] >= ref["f"].max() + 0.1 * span
    assert b["max"] - (ref["f"].max() + 0.1 * span) < 1e-4
    strings = _gate(s, "strings: id")
    assert (strings.min_length, strings.max_length) == (9, 11)
    assert strings.allow_empty is False and strings.allow_padding is False
    assert _gate(s, "unique_keys").columns == ["id"]
    assert _gate(s, "monotonic").columns == ["ts"]
    bad = ref.assign(id=ref["id"].where(ref.index >= 20, " padded"), f=ref["f"].where(ref.index >= 50, 100.0))
    v = s.check(current=bad)
    assert v.status is Status.FAIL
    failed = {c.name for c in v.children if c.status is Status.FAIL}
    assert {"ranges", "outliers", "strings: id", "unique_keys"} <= failed


def test_adult_current_passes_and_corruptions_fail(adult, suite):
    ref, cur = adult
    v = suite.check(reference=ref, current=cur, target="income")
    # real rows: every check passes except the outlier share of education_num, whose fences are
    # frozen from the reference: the older current sample has more people with little schooling
    assert {c.name: c.status for c in v.children if c.status is not Status.PASS} == {"outliers": Status.FAIL}
    f = next(c for c in v.children if c.name == "outliers").findings
    assert [x.subject for x in f if x.status is Status.FAIL] == ["education_num"]
    q1, q3 = np.percentile(ref["education_num"], [25, 75])
    low = q1 - 1.5 * (q3 - q1)
    assert next(x for x in f if x.subject == "education_num").statistic == pytest.approx(
        (cur["education_num"] < low).mean()
    )
    broken = cur.copy()
    broken.loc[broken.index[:50], "age"] = 200
    broken.loc[broken.index[:400], "race"] = "Martian"
    broken.loc[broken.index[:2000], "occupation"] = None
    v = suite.check(reference=ref, current=broken, target="income")
    reasons = {c.name: c.reason for c in v.children if c.status is Status.FAIL}
    assert reasons["ranges"] == "out_of_range"
    assert reasons["categories"] == "unknown_categories"
    assert reasons["missing_values"] == "missing_share_exceeded"


def test_new_categories_policy(adult):
    ref, cur = adult
    s = mlgates.quality_suite_from_reference(ref, new_categories="fail")
    few = cur.copy()
    few.loc[few.index[:3], "race"] = "Martian"
    v = s.check(current=few)
    cats = _gate(s, "categories")
    assert cats.on_new == "fail"
    assert next(c for c in v.children if c.name == "categories").reason == "new_categories"


frames = st.integers(25, 80).flatmap(
    lambda n: st.builds(
        lambda seed, miss: _random_frame(n, seed, miss), st.integers(0, 10_000), st.floats(0, 0.3)
    )
)


def _random_frame(n: int, seed: int, miss: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=n)
    x[rng.random(n) < miss] = np.nan
    return pd.DataFrame(
        {
            "x": x,
            "k": rng.integers(-5, 5, n),
            "c": pd.Series(rng.choice(["a", "b", "c"], n), dtype="str"),
            "y": rng.integers(0, 2, n),
        }
    )


@settings(max_examples=15, deadline=None)
@given(frames)
def test_reference_passes_its_own_suite(frame):
    suite = mlgates.quality_suite_from_reference(frame, target="y")
    v = suite.check(current=frame, reference=frame, target="y")
    assert v.status in (Status.PASS, Status.WARN), v.to_text()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"tolerance": 1.5}, "tolerance"),
        ({"range_margin": -1.0}, "range_margin"),
        ({"new_categories": "maybe"}, "new_categories"),
        ({"target": "nope"}, "target"),
    ],
)
def test_inference_parameter_errors(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        mlgates.quality_suite_from_reference(pd.DataFrame({"a": [1, 2]}), **kwargs)


@pytest.mark.parametrize("suffix", ["toml", "yaml"])
def test_round_trip_with_awkward_column_names(tmp_path, suffix):
    rng = np.random.default_rng(0)
    n = 100
    names = ["native.country", "a b", 'quo"te', "type", "ñ", "", "gates"]
    frame = pd.DataFrame(
        {
            names[0]: rng.choice(["a", "b"], n),
            names[1]: rng.normal(size=n),
            names[2]: rng.integers(0, 5, n),
            names[3]: rng.choice([True, False], n),
            names[4]: rng.normal(size=n),
            names[5]: rng.normal(size=n),
            names[6]: rng.choice(["x", "y z"], n),
        }
    )
    suite = mlgates.quality_suite_from_reference(frame)
    loaded = mlgates.load_suite(mlgates.save_suite(suite, tmp_path / f"q.{suffix}"))
    assert loaded.to_config() == suite.to_config() and repr(loaded) == repr(suite)
    assert loaded.check(current=frame).status is Status.PASS


# -- statistic bounds, relative volume (issue 20) ----------------------------------------------------
STATISTIC_GATES = ("statistics: mean", "statistics: std", "statistics: median")


def test_statistic_bounds_contain_the_reference_and_are_calibrated(adult, suite):
    from mlgates.gates.quality._infer_statistics import CALIBRATION_SIZES

    ref, _ = adult
    for name, stat in zip(STATISTIC_GATES, ("mean", "std", "median"), strict=True):
        gate = _gate(suite, name)
        assert gate.statistic == stat and gate.on_insufficient == "skip" and gate.decision == "ci"
        assert "income" not in gate.bounds  # the target is not bounded here
        for col, b in gate.bounds.items():
            value = {"mean": ref[col].mean(), "std": ref[col].std(), "median": ref[col].median()}[stat]
            assert b["min"] < value < b["max"], (name, col)
        sizes = gate.min_samples if isinstance(gate.min_samples, dict) else {}
        assert set(sizes) <= set(gate.bounds) and set(sizes.values()) <= set(CALIBRATION_SIZES)
    # a column that is 92% zeros with a heavy tail: its spread is judged only on large batches
    assert _gate(suite, "statistics: std").min_samples["capital_gain"] >= 500
    assert "capital_gain" in _gate(suite, "statistics: median").bounds
    mean = _gate(suite, "statistics: mean").bounds["age"]
    sd = ref["age"].std()
    assert mean["max"] - ref["age"].mean() == pytest.approx(sd + 3.29 * sd / math.sqrt(len(ref)), rel=1e-3)


def test_statistic_bounds_share_the_suite_false_alarm_level(adult, suite):
    """The statistic bounds (3 statistics x 6 numeric columns) count in the suite's Bonferroni
    split with the sampling bounds: each statistic gate judges with intervals at
    1 - 2 * level, level being the sampling gates' alpha."""
    ref, _ = adult
    for alpha in (0.01, 0.1):
        s = (
            suite
            if alpha == 0.01
            else mlgates.quality_suite_from_reference(ref, target="income", alpha=alpha)
        )
        level = _gate(s, "ranges").alpha
        assert {_gate(s, name).confidence for name in STATISTIC_GATES} == {round(1 - 2 * level, 12)}
        without = mlgates.quality_suite_from_reference(ref, target="income", alpha=alpha, statistics=False)
        # 18 more bounds share alpha: each gets less than without them
        assert level < _gate(without, "ranges").alpha <= alpha
    with pytest.raises(ParameterError, match="alpha"):
        mlgates.quality_suite_from_reference(ref, alpha=0.0)


def test_statistic_bounds_catch_broken_columns(adult, suite):
    ref, cur = adult
    cases = {
        "age in months": (cur.assign(age=cur["age"] * 12), {"statistics: mean", "statistics: std"}),
        "hours zeroed": (cur.assign(hours_per_week=0), {"statistics: mean", "statistics: std"}),
        "fnlwgt in thousands": (
            cur.assign(fnlwgt=cur["fnlwgt"] / 1000),
            {"statistics: mean", "statistics: median"},
        ),
    }
    for label, (broken, expected) in cases.items():
        v = suite.check(reference=ref, current=broken, target="income")
        failed = {c.name for c in v.children if c.name in STATISTIC_GATES and c.status is Status.FAIL}
        assert expected <= failed, (label, failed)
        assert all(c.reason == "statistic_bound_exceeded" for c in v.children if c.name in failed), label


def test_statistics_and_row_ratio_are_options(adult):
    ref, cur = adult
    plain = mlgates.quality_suite_from_reference(ref, statistics=False)
    assert not {g.name for g in plain.gates} & set(STATISTIC_GATES)
    ratio = mlgates.quality_suite_from_reference(ref, statistics=False, min_row_ratio=0.5, max_row_ratio=2.0)
    gate = _gate(ratio, "row_ratio")
    assert (gate.compare_to, gate.min_ratio, gate.max_ratio, gate.min_rows) == ("reference", 0.5, 2.0, 0)
    v = ratio.check(reference=ref, current=cur)  # current has a third of the reference's rows
    assert next(c for c in v.children if c.name == "row_ratio").reason == "row_count_exceeded"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"statistic_margin": -0.5}, "statistic_margin"),
        ({"statistics": "yes"}, "statistics"),
        ({"min_row_ratio": -1.0}, "min_row_ratio"),
        ({"min_row_ratio": 2.0, "max_row_ratio": 1.0}, "max_row_ratio"),
    ],
)
def test_statistic_parameter_errors(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        mlgates.quality_suite_from_reference(pd.DataFrame({"a": [1, 2]}), **kwargs)


def _split_statistics_fail(
    frame: pd.DataFrame, rng: np.random.Generator, sizes, margin: float
) -> dict[int, int]:
    idx = rng.permutation(len(frame))
    half = len(frame) // 2
    ref, rest = frame.iloc[idx[:half]], frame.iloc[idx[half:]]
    suite = mlgates.quality_suite_from_reference(
        ref, target="income", statistic_margin=margin, outliers=False
    )
    stats = mlgates.Suite([g for g in suite.gates if g.name in STATISTIC_GATES])
    out = {}
    for n in sizes:
        cur = rest.iloc[rng.choice(len(rest), size=n, replace=False)]
        out[n] = int(stats.check(current=cur).status is Status.FAIL)
    return out


def test_a_random_split_passes_the_inferred_statistics():
    frame = mlgates.datasets.load_adult()
    rng = np.random.default_rng(11)
    assert _split_statistics_fail(frame, rng, (30, 3000), margin=0.25) == {30: 0, 3000: 0}


@pytest.mark.slow
@pytest.mark.parametrize("margin", [0.25, 1.0])
def test_random_splits_fail_the_inferred_statistics_at_most_one_percent(margin):
    """Null calibration: 100 random halves of Adult as reference, batches of 20 to 10,000 rows
    from the other half: at most 1 in 100 fails any statistic bound, at every size."""
    frame = mlgates.datasets.load_adult()
    rng = np.random.default_rng(2024)
    sizes = (20, 100, 1000, 10_000)
    fails = dict.fromkeys(sizes, 0)
    for _ in range(100):
        for n, failed in _split_statistics_fail(frame, rng, sizes, margin).items():
            fails[n] += failed
    assert max(fails.values()) <= 1, fails


def test_learned_correlations_pass_a_random_split_and_catch_a_broken_relation():
    """correlations=True adds CorrelationChangeGate at the suite's share of alpha: a random split
    of breast_cancer passes it; shuffling one column (its correlations gone) fails it; without
    reference at check time the gate says it needs one."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer(as_frame=True).frame.iloc[:, :8]
    rng = np.random.default_rng(3)
    idx = rng.permutation(len(data))
    ref, cur = data.iloc[idx[:340]], data.iloc[idx[340:]]
    suite = mlgates.quality_suite_from_reference(ref, correlations=True, outliers=False, statistics=False)
    gate = suite["correlations"]
    assert gate.alpha < 0.01 and gate.max_change == 0.2
    assert gate.check(reference=ref, current=cur).status is Status.PASS
    broken = cur.assign(**{"mean radius": rng.permutation(cur["mean radius"].to_numpy())})
    v = gate.check(reference=ref, current=broken)
    assert v.status is Status.FAIL
    assert {f.subject for f in v.findings if f.status is Status.FAIL} <= {
        s for s in (f.subject for f in v.findings) if "mean radius" in s
    }
    assert gate.check(current=cur).reason == "missing_input"
    with pytest.raises(ParameterError, match="max_correlation_change"):
        mlgates.quality_suite_from_reference(ref, correlations=True, max_correlation_change=3.0)
