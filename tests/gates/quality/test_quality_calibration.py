"""Inferred quality tolerances allow for sampling at the sizes at hand (issue 12): random splits
of real tables pass, the bound and its false-alarm level are recorded, and real breaks still
fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets

from mlgates import (
    CategoryGate,
    ConstantColumnGate,
    DuplicateRowsGate,
    FeatureLeakageGate,
    MissingValuesGate,
    OutlierGate,
    ParameterError,
    RangeGate,
    Status,
    StringGate,
    UniqueGate,
    load_suite,
    quality_suite_from_reference,
    save_suite,
)


def _split(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = np.random.default_rng(seed).permutation(len(frame))
    cut = round(0.6 * len(frame))
    return frame.iloc[rows[:cut]].reset_index(drop=True), frame.iloc[rows[cut:]].reset_index(drop=True)


def _failed(verdict) -> dict[str, list[str]]:
    return {
        child.name: [f.subject for f in child.findings if f.status is Status.FAIL]
        for child in verdict.children
        if any(f.status is Status.FAIL for f in child.findings)
    }


@pytest.fixture(scope="module")
def cancer() -> pd.DataFrame:
    return datasets.load_breast_cancer(as_frame=True).frame


def test_random_split_of_breast_cancer_passes_its_inferred_suite(cancer):
    """Old code: ranges failed 7 of 31 columns, outliers 5, feature_leakage 8 predictors."""
    for seed in range(5):
        ref, cur = _split(cancer, seed)
        verdict = quality_suite_from_reference(ref, target="target").check(current=cur, target="target")
        assert _failed(verdict) == {}, (seed, _failed(verdict))


def test_random_split_of_diabetes_passes_outliers():
    frame = datasets.load_diabetes(as_frame=True).frame
    for seed in range(5):
        ref, cur = _split(frame, seed)
        verdict = quality_suite_from_reference(ref, target="target").check(current=cur, target="target")
        assert _failed(verdict) == {}, (seed, _failed(verdict))


def test_inferred_gates_record_counts_and_share_the_suites_alpha(cancer):
    ref, _ = _split(cancer, 0)
    suite = quality_suite_from_reference(ref, target="target", alpha=0.01)
    calibrated = [g for g in suite.gates if getattr(g, "calibration", None)]
    # the statistic bounds (mean, std, median of each numeric feature) share the split
    statistics = [g for g in suite.gates if g.name.startswith("statistics: ")]
    n_bounds = sum(len(g.calibration) for g in calibrated) + sum(len(g.bounds) for g in statistics)
    assert len(statistics) == 3 and all(len(g.bounds) == 30 for g in statistics)
    assert {g.name for g in calibrated} >= {"missing_values", "ranges", "outliers", "duplicate_rows"}
    assert all(g.alpha == calibrated[0].alpha for g in calibrated)
    assert calibrated[0].alpha <= 0.01 / n_bounds < calibrated[0].alpha * 1.1
    ranges = (
        suite["ranges"]
        if hasattr(suite, "__getitem__")
        else next(g for g in suite.gates if g.name == "ranges")
    )
    assert ranges.calibration["mean radius"] == {"n": len(ref), "k": 0}
    leakage = next(g for g in suite.gates if g.name == "feature_leakage")
    assert leakage.blocking is False


@pytest.mark.parametrize("suffix", [".toml", ".yaml", ".json"])
def test_calibrated_suite_round_trips(cancer, tmp_path, suffix):
    ref, cur = _split(cancer, 1)
    suite = quality_suite_from_reference(ref, target="target")
    path = save_suite(suite, tmp_path / f"q{suffix}")
    back = load_suite(path)
    assert back.to_config() == suite.to_config() and repr(back) == repr(suite)
    assert back.check(current=cur, target="target").status is suite.check(current=cur, target="target").status


def test_adult_categories_store_counts_aligned_with_allowed():
    from mlgates.datasets import load_adult

    ref = load_adult().sample(300, random_state=0)
    cats = next(g for g in quality_suite_from_reference(ref).gates if g.name == "categories")
    for col, values in cats.allowed.items():
        spec = cats.calibration[col]
        assert len(spec["counts"]) == len(values) and sum(spec["counts"]) == spec["n"]
        assert spec["counts"] == [int((ref[col] == v).sum()) for v in values]


def test_range_bound_grows_with_what_chance_allows_and_is_recorded():
    gate = RangeGate(bounds={"x": {"min": 0, "max": 1}}, calibration={"x": {"n": 341, "k": 0}}, alpha=1e-4)
    inside = np.linspace(0.0, 1.0, 220)
    ok = gate.check(current=pd.DataFrame({"x": np.r_[inside, [2.0] * 8]}))
    bad = gate.check(current=pd.DataFrame({"x": np.r_[inside[:210], [2.0] * 18]}))
    assert ok.status is Status.PASS and bad.status is Status.FAIL
    bound = bad.findings[0].details["bound"]
    assert bound["method"] == "order_statistics" and bound["ends"] == 2 and bound["alpha"] == 1e-4
    assert bound["allowed_count"] == bound["sampling_count"] == 12 and bound["material_count"] == 0
    assert bad.findings[0].threshold == pytest.approx(12 / 228)
    assert "sampling bound: 12 of 228 at false-alarm level 0.0001" in bad.findings[0].message
    # without calibration the plain share rule is unchanged
    assert (
        RangeGate(bounds={"x": {"min": 0, "max": 1}})
        .check(current=pd.DataFrame({"x": np.r_[inside, [2.0]]}))
        .status
        is Status.FAIL
    )


def test_material_tolerance_wins_at_large_batches():
    gate = MissingValuesGate(max_share={"x": 0.02}, calibration={"x": {"n": 10_000, "k": 100}}, alpha=1e-4)
    x = np.r_[np.full(95_000, 1.0), np.full(5_000, np.nan)]  # 5% missing: significant and material
    v = gate.check(current=pd.DataFrame({"x": x}))
    b = v.findings[0].details["bound"]
    assert v.status is Status.FAIL and b["material_count"] == 2000 and b["allowed_count"] == 2000
    x = np.r_[np.full(98_200, 1.0), np.full(1_800, np.nan)]  # 1.8%: significant, not material
    assert gate.check(current=pd.DataFrame({"x": x})).status is Status.PASS


def test_missing_share_uses_the_one_sided_fisher_test():
    from scipy.stats import fisher_exact

    gate = MissingValuesGate(calibration={"x": {"n": 300, "k": 3}}, alpha=0.01)
    for n_missing in range(0, 30):
        x = np.r_[np.ones(200 - n_missing), np.full(n_missing, np.nan)]
        status = gate.check(current=pd.DataFrame({"x": x})).status
        p = fisher_exact([[n_missing, 200 - n_missing], [3, 297]], alternative="greater").pvalue
        assert (status is Status.FAIL) == (p <= 0.01), (n_missing, p)


def test_outlier_string_unique_and_duplicate_gates_use_their_bounds():
    outliers = OutlierGate(
        fences={"x": {"low": 0, "high": 1}}, max_share={"x": 0.0}, calibration={"x": {"n": 1000, "k": 20}}
    )
    x = np.r_[np.linspace(0, 1, 480), [5.0] * 20]
    assert outliers.check(current=pd.DataFrame({"x": x})).status is Status.PASS
    assert outliers.check(current=pd.DataFrame({"x": np.r_[x[:440], [5.0] * 60]})).status is Status.FAIL

    strings = StringGate(columns=["s"], max_length=5, calibration={"s": {"n": 500, "k": 0}})
    s = pd.Series(["abc"] * 199 + ["abcdefg"])
    v = strings.check(current=pd.DataFrame({"s": s}))
    assert v.status is Status.PASS and v.findings[0].details["bound"]["allowed_count"] >= 1

    unique = UniqueGate(columns="id", calibration={"id": {"n": 180, "k": 0}})
    ids = pd.DataFrame({"id": np.r_[np.arange(118), [0, 1]]})  # two repeats in 120 rows
    assert unique.check(current=ids).status is Status.PASS
    ids = pd.DataFrame({"id": np.r_[np.arange(100), np.arange(20)]})
    assert unique.check(current=ids).status is Status.FAIL

    dups = DuplicateRowsGate(calibration={"rows": {"n": 1000, "k": 5}})
    frame = pd.DataFrame({"a": np.r_[np.arange(498), [0, 1]]})
    assert dups.check(current=frame).status is Status.PASS
    assert (
        dups.check(current=pd.DataFrame({"a": np.r_[np.arange(400), np.arange(100)]})).status is Status.FAIL
    )


def test_constant_column_passes_when_chance_makes_it_constant():
    gate = ConstantColumnGate(columns=["p"], calibration={"p": {"n": 1078, "k": 3}})
    v = gate.check(current=pd.DataFrame({"p": np.zeros(719)}))
    f = v.findings[0]
    assert v.status is Status.PASS and f.pvalue == pytest.approx((1078 / 1797) ** 3, rel=0.01)
    assert "as chance allows" in f.message and f.details["bound"]["method"] == "hypergeometric"
    many = ConstantColumnGate(columns=["p"], calibration={"p": {"n": 1078, "k": 300}})
    assert many.check(current=pd.DataFrame({"p": np.zeros(719)})).status is Status.FAIL


def test_unknown_categories_fail_only_beyond_chance_given_the_reference_counts():
    allowed = {"c": ["a", "b", "c"] + [f"r{i}" for i in range(20)]}
    counts = [400, 300, 200] + [1] * 20  # 20 singletons: new categories are common
    gate = CategoryGate(
        allowed=allowed, max_unknown_share=0.01, calibration={"c": {"n": 920, "counts": counts}}
    )
    cur = pd.DataFrame({"c": ["a"] * 250 + ["b"] * 200 + ["c"] * 140 + [f"new{i}" for i in range(10)]})
    v = gate.check(current=cur)
    assert v.status is Status.WARN and v.findings[0].reason == "new_categories"
    assert v.findings[0].details["bound"]["pvalue"] >= gate.alpha
    cur = pd.DataFrame({"c": ["a"] * 250 + ["b"] * 200 + ["zz"] * 150})
    v = gate.check(current=cur)
    assert v.status is Status.FAIL and v.findings[0].reason == "unknown_categories"


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (RangeGate, {"bounds": {"x": {"max": 1}}, "calibration": {"x": {"n": 10, "k": 11}}}, "calibration"),
        (RangeGate, {"bounds": {"x": {"max": 1}}, "calibration": {"x": {"n": 10}}}, "calibration"),
        (MissingValuesGate, {"alpha": 0.0}, "'alpha'"),
        (MissingValuesGate, {"alpha": 1.5}, "'alpha'"),
        (
            CategoryGate,
            {"allowed": {"c": ["a"]}, "calibration": {"c": {"n": 3, "counts": [1, 2]}}},
            "aligned",
        ),
        (CategoryGate, {"allowed": {"c": ["a"]}, "calibration": {"c": {"n": 3, "counts": [2]}}}, "summing"),
    ],
)
def test_bad_calibration_is_a_parameter_error(cls, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        cls(**kwargs).validate()


def test_feature_leakage_needs_evidence_beyond_a_strong_score(cancer):
    v = FeatureLeakageGate().check(current=cancer, target="target")
    strong = [f for f in v.findings if f.statistic and f.statistic > 0.95]
    assert len(strong) >= 5 and all(f.status is Status.PASS for f in strong)
    assert all(f.details["evidence"] == () and f.details["lower_bound"] < 0.99 for f in strong)
    warned = FeatureLeakageGate(warn_score=0.95).check(current=cancer, target="target")
    assert {f.reason for f in warned.findings if f.status is Status.WARN} == {"strong_predictor"}


def test_feature_leakage_evidence_perfect_split_bound_and_name():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    df = pd.DataFrame(
        {
            "copy": y + rng.normal(0, 0.01, 2000),  # perfect split
            "near": y + rng.normal(0, 0.18, 2000),  # AUC ~0.997, tight bound
            "y_days": y * 2.0 + rng.normal(0, 0.9, 2000),  # strong, named after the target
            "y": y,
        }
    )
    v = FeatureLeakageGate().check(
        current=df.rename(columns={"y": "churn", "y_days": "churn_days"}), target="churn"
    )
    by = {f.subject: f for f in v.findings}
    assert by["copy"].status is Status.FAIL and "perfect_split" in by["copy"].details["evidence"]
    assert by["near"].status is Status.FAIL and by["near"].details["evidence"] == (
        "lower_bound_above_max_score",
    )
    assert (
        by["churn_days"].status is Status.FAIL
        and "target_derived_name" in by["churn_days"].details["evidence"]
    )
    assert "leakage:" in by["copy"].message
