"""FeatureSkewGate on hand-built training/serving pairs (known differing cells, unmatched ids,
duplicate ids, tolerances, kinds), and against a plain pandas-merge oracle on a larger pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import FeatureSkewGate, ParameterError, Status


@pytest.fixture
def pair() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training has ids 1-8, serving ids 3-10: 6 joined rows (3-8), 2 unmatched on each side.
    Among the joined rows: age differs at id 5; score differs at ids 4 (by 1e-3) and 7 (NaN vs
    a value), is NaN on both sides at id 6; city differs at id 8; plan (categorical, different
    category sets) is equal everywhere."""
    training = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7, 8],
            "age": [20, 21, 22, 23, 24, 25, 26, 27],
            "score": [0.1, 0.2, 0.3, 0.4, 0.5, np.nan, np.nan, 0.8],
            "city": ["Oslo", "Rome", "Lima", "Oslo", "Rome", "Lima", None, "Oslo"],
            "plan": pd.Categorical(["a", "b", "a", "b", "a", "b", "a", "b"]),
        }
    )
    serving = pd.DataFrame(
        {
            "id": [3, 4, 5, 6, 7, 8, 9, 10],
            "age": [22, 23, 99, 25, 26, 27, 28, 29],
            "score": [0.3, 0.401, 0.5, np.nan, 0.7, 0.8, 0.9, 1.0],
            "city": ["Lima", "Oslo", "Rome", "Lima", None, "Paris", "Oslo", "Rome"],
            "plan": pd.Categorical(["a", "b", "a", "b", "a", "b", "c", "c"]),
        }
    )
    return training, serving


def by_subject(verdict):
    return {f.subject: f for f in verdict.findings}


def test_known_differing_cells_and_unmatched_ids(pair):
    training, serving = pair
    before = (training.copy(), serving.copy())
    v = FeatureSkewGate(keys="id").check(reference=training, current=serving)
    found = by_subject(v)
    assert [f.subject for f in v.findings] == [
        "age",
        "score",
        "city",
        "plan",
        "reference keys",
        "current keys",
    ]
    expect = {"age": 1, "score": 2, "city": 1, "plan": 0}
    for col, n in expect.items():
        assert found[col].details["n_joined"] == 6
        assert found[col].details["n_differing"] == n, col
        assert found[col].statistic == pytest.approx(n / 6)
        assert found[col].status is (Status.FAIL if n else Status.PASS)
        assert found[col].reason == ("skew_share_exceeded" if n else None)
    assert [dict(e) for e in found["age"].details["examples"]] == [
        {"key": "id=5", "reference": 24, "current": 99}
    ]
    assert [e["key"] for e in found["score"].details["examples"]] == ["id=4", "id=7"]
    assert found["score"].details["max_abs_difference"] == pytest.approx(1e-3)
    assert found["score"].method == "isclose" and found["city"].method == "exact"
    assert found["reference keys"].details["n_unmatched"] == 2
    assert list(found["reference keys"].details["examples"]) == ["id=1", "id=2"]
    assert found["current keys"].statistic == pytest.approx(2 / 8)
    assert found["current keys"].reason == "unmatched_share_exceeded"
    assert v.metrics["n_joined"] == 6
    assert found["age"].message == (
        "age: 16.7% of 6 joined rows differ (1) > 0.0% allowed; e.g. id=5: 24 in reference, 99 in current"
    )
    pd.testing.assert_frame_equal(training, before[0])
    pd.testing.assert_frame_equal(serving, before[1])


def test_tolerance_bounds_and_warn_share(pair):
    training, serving = pair
    gate = FeatureSkewGate(keys="id", atol=1e-2, max_share=0.2, warn_share=0.1, max_unmatched_share=0.25)
    found = by_subject(gate.check(reference=training, current=serving))
    assert found["score"].details["n_differing"] == 1  # 0.4 vs 0.401 is within atol; NaN vs 0.7 is not
    assert found["age"].status is Status.WARN  # 1/6 = 16.7% > 10% warning level, <= 20%
    assert found["reference keys"].status is Status.PASS and found["current keys"].status is Status.PASS
    rtol = by_subject(FeatureSkewGate(keys="id", rtol=0.01).check(reference=training, current=serving))
    assert rtol["score"].details["n_differing"] == 1


def test_integers_compare_exactly_whatever_the_tolerance():
    ref = pd.DataFrame({"id": [1, 2], "n": [10**12, 5]})
    cur = pd.DataFrame({"id": [1, 2], "n": [10**12 + 1, 5]})
    v = FeatureSkewGate(keys="id", rtol=0.1).check(reference=ref, current=cur)
    assert by_subject(v)["n"].details["n_differing"] == 1
    # an integer column against a float column compares as numbers, with the tolerance
    v = FeatureSkewGate(keys="id", atol=1.0).check(reference=ref, current=cur.astype({"n": "float64"}))
    assert by_subject(v)["n"].details["n_differing"] == 0


def test_duplicate_ids_are_an_error_unless_allowed(pair):
    training, serving = pair
    dup = pd.concat([training, training.iloc[[3]].assign(age=0)], ignore_index=True)  # id 4 twice
    v = FeatureSkewGate(keys="id").check(reference=dup, current=serving)
    assert v.status is Status.ERROR and v.reason == "duplicate_keys"
    assert [f.subject for f in v.findings] == ["reference keys"]
    assert "2 rows share their key" in v.message and "id=4" in v.message
    first = by_subject(
        FeatureSkewGate(keys="id", on_duplicate_keys="first").check(reference=dup, current=serving)
    )
    assert first["age"].details["n_differing"] == 1  # the first id-4 row (age 23) is kept
    assert first["reference keys"].status is Status.WARN and first["reference keys"].details["n_dropped"] == 1
    last = by_subject(
        FeatureSkewGate(keys="id", on_duplicate_keys="last").check(reference=dup, current=serving)
    )
    assert last["age"].details["n_differing"] == 2  # age 0 is kept for id 4
    drop = by_subject(
        FeatureSkewGate(keys="id", on_duplicate_keys="drop").check(reference=dup, current=serving)
    )
    assert drop["age"].details["n_joined"] == 5 and drop["reference keys"].details["n_dropped"] == 2


def test_composite_keys_and_missing_keys():
    ref = pd.DataFrame({"store": ["a", "a", "b", None], "day": [1, 2, 1, 1], "sales": [5.0, 6.0, 7.0, 8.0]})
    cur = pd.DataFrame({"store": ["a", "b", "b", "a"], "day": [2, 1, 2, 1], "sales": [6.0, 7.5, 1.0, 5.0]})
    v = FeatureSkewGate(keys=["store", "day"], max_unmatched_share=0.5).check(reference=ref, current=cur)
    found = by_subject(v)
    assert found["sales"].details["n_joined"] == 3
    assert [dict(e) for e in found["sales"].details["examples"]] == [
        {"key": "store='b', day=1", "reference": 7.0, "current": 7.5}
    ]
    assert found["reference keys"].details["n_missing_key"] == 1
    assert found["reference keys"].details["n_unmatched"] == 1  # the row with a missing store
    assert found["current keys"].details["n_unmatched"] == 1


def test_kinds_that_differ_are_errors_and_unsupported_kinds_skip():
    ref = pd.DataFrame(
        {"id": [1, 2], "a": [1, 2], "t": pd.to_datetime(["2026-01-01", "2026-01-02"]), "lst": [[1], [2]]}
    )
    cur = pd.DataFrame(
        {
            "id": [1, 2],
            "a": ["1", "2"],
            "t": pd.to_datetime(["2026-01-01", "2026-01-02"]).tz_localize("UTC"),
            "lst": [[1], [2]],
        }
    )
    found = by_subject(FeatureSkewGate(keys="id").check(reference=ref, current=cur))
    assert found["a"].status is Status.ERROR and found["a"].reason == "kind_mismatch"
    assert "integer vs string" in found["a"].message
    assert found["t"].reason == "kind_mismatch" and "timezone" in found["t"].message
    assert found["lst"].status is Status.SKIP and found["lst"].reason == "unsupported_dtype"
    listed = by_subject(FeatureSkewGate(keys="id", columns=["lst"]).check(reference=ref, current=cur))
    assert listed["lst"].status is Status.ERROR


def test_columns_on_one_side_and_listed_columns():
    ref = pd.DataFrame({"id": [1, 2], "a": [1, 2], "only_train": [0, 0]})
    cur = pd.DataFrame({"id": [1, 2], "a": [1, 2], "only_serve": [0, 0]})
    v = FeatureSkewGate(keys="id").check(reference=ref, current=cur)
    assert v.status is Status.PASS
    skipped = [(f.subject, f.status, f.reason) for f in v.findings if f.status is Status.SKIP]
    assert skipped == [
        ("only_train", Status.SKIP, "missing_column"),
        ("only_serve", Status.SKIP, "missing_column"),
    ]
    v = FeatureSkewGate(keys="id", columns=["a", "only_train"]).check(reference=ref, current=cur)
    assert v.status is Status.ERROR and by_subject(v)["only_train"].reason == "missing_column"
    v = FeatureSkewGate(keys="ID").check(reference=ref, current=cur)
    assert v.reason == "missing_column" and "Did you mean 'id'?" in v.message


def test_no_joined_row_and_empty_tables_fail_closed():
    ref = pd.DataFrame({"id": [1, 2], "a": [1, 2]})
    cur = pd.DataFrame({"id": [3, 4], "a": [1, 2]})
    v = FeatureSkewGate(keys="id", max_unmatched_share=1.0).check(reference=ref, current=cur)
    assert v.status is Status.ERROR and v.reason == "empty_input"
    v = FeatureSkewGate(keys="id").check(reference=ref, current=cur.iloc[:0])
    assert v.status is Status.ERROR and v.reason == "empty_input"


def test_parameters():
    with pytest.raises(ParameterError, match="keys"):
        FeatureSkewGate().validate()
    with pytest.raises(ParameterError, match="remove \\['id'\\] from columns"):
        FeatureSkewGate(keys="id", columns=["id", "a"]).validate()
    with pytest.raises(ParameterError, match="on_duplicate_keys"):
        FeatureSkewGate(keys="id", on_duplicate_keys="keep").validate()


def _oracle(ref: pd.DataFrame, cur: pd.DataFrame, col: str, atol: float) -> tuple[int, int]:
    """Joined rows and differing rows by a pandas merge, row by row in plain Python."""
    merged = ref[["id", col]].merge(cur[["id", col]], on="id", suffixes=("_r", "_c"))
    differ = 0
    for a, b in zip(merged[f"{col}_r"], merged[f"{col}_c"]):
        if pd.isna(a) and pd.isna(b):
            continue
        if pd.isna(a) or pd.isna(b):
            differ += 1
        elif isinstance(a, float) or isinstance(b, float):
            differ += abs(a - b) > atol
        else:
            differ += a != b
    return len(merged), differ


def test_agrees_with_a_merge_oracle():
    rng = np.random.default_rng(7)
    n = 3000
    ref = pd.DataFrame(
        {
            "id": rng.permutation(n) + 1000,
            "x": np.where(rng.random(n) < 0.05, np.nan, rng.normal(size=n)),
            "k": rng.integers(0, 5, n),
            "s": rng.choice(["u", "v", "w", None], n),
        }
    )
    cur = ref.sample(frac=0.8, random_state=3).copy()
    cur["x"] = cur["x"] + np.where(rng.random(len(cur)) < 0.1, rng.normal(scale=1e-3, size=len(cur)), 0.0)
    cur["k"] = np.where(rng.random(len(cur)) < 0.02, 9, cur["k"])
    cur["s"] = np.where(rng.random(len(cur)) < 0.03, "z", cur["s"])
    extra = pd.DataFrame({"id": [1, 2, 3], "x": [0.0, 0.0, 0.0], "k": [0, 0, 0], "s": ["u", "u", "u"]})
    cur = pd.concat([cur, extra], ignore_index=True)
    v = FeatureSkewGate(keys="id", atol=5e-4).check(reference=ref, current=cur)
    found = by_subject(v)
    for col in ("x", "k", "s"):
        joined, differ = _oracle(ref, cur, col, 5e-4)
        assert found[col].details["n_joined"] == joined
        assert found[col].details["n_differing"] == differ, col
    assert found["current keys"].details["n_unmatched"] == 3
    assert found["reference keys"].details["n_unmatched"] == n - int(0.8 * n)


def test_keys_of_different_kinds_name_the_cast_instead_of_all_unmatched():
    ref = pd.DataFrame({"id": [1, 2, 3], "age": [30, 41, 52]})
    v = FeatureSkewGate(keys="id").check(reference=ref, current=ref.assign(id=["1", "2", "3"]))
    assert v.status is Status.ERROR
    assert [(f.subject, f.reason) for f in v.findings] == [("id", "kind_mismatch")]
    assert "integer vs string" in v.findings[0].message and "cast" in v.findings[0].message
    # integers and floats are one kind of key: 1 joins 1.0
    v = FeatureSkewGate(keys="id").check(reference=ref, current=ref.assign(id=[1.0, 2.0, 3.0]))
    assert v.status is Status.PASS and v.metrics["n_joined"] == 3
