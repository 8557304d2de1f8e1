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
