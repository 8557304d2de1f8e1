"""The bad-input matrix: every quality gate on awkward tables returns a clear verdict (or a
ParameterError naming the column), never a traceback from numpy/pandas, never a silent PASS."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import mlgates
from mlgates import ParameterError, Status, Verdict

N = 40


def _frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=N)
    y = np.tile([0, 1], N // 2)
    ts = pd.date_range("2026-01-01", periods=N, freq="D")
    words = np.array(["red", "green", "blue", "red"] * (N // 4), dtype=object)
    return {
        "string_dtype": pd.DataFrame(
            {
                "s": pd.Series(np.where(np.arange(N) % 7 == 0, None, words), dtype="str"),
                "x": x,
                "y": y,
            }
        ),
        "pyarrow": pd.DataFrame(
            {
                "i": pd.array([None if k % 5 == 0 else k for k in range(N)], dtype="int64[pyarrow]"),
                "f": pd.array(list(x), dtype="double[pyarrow]"),
                "s": pd.array(list(words), dtype=pd.ArrowDtype(pa.string())),
                "t": pd.array(list(ts), dtype=pd.ArrowDtype(pa.timestamp("us", tz="UTC"))),
                "y": y,
            }
        ),
        "nullable": pd.DataFrame(
            {
                "i": pd.array([pd.NA if k % 6 == 0 else k for k in range(N)], dtype="Int64"),
                "b": pd.array([pd.NA if k % 4 == 0 else bool(k % 3) for k in range(N)], dtype="boolean"),
                "f": pd.array([pd.NA if k % 9 == 0 else float(k) for k in range(N)], dtype="Float64"),
                "y": y,
            }
        ),
        "categorical": pd.DataFrame(
            {
                "c": pd.Categorical(np.where(np.arange(N) % 8 == 0, None, words)),
                "x": x,
                "y": y,
            }
        ),
        "tz_datetime": pd.DataFrame(
            {
                "t": pd.Series(ts.tz_localize("Europe/Oslo")).where(np.arange(N) % 10 != 3),
                "x": x,
                "y": y,
            }
        ),
        "duplicate_names": pd.DataFrame(np.c_[x, x, y], columns=["a", "a", "y"]),
        "non_string_names": pd.DataFrame({0: x, 1: words, 2: y}),
        "empty": pd.DataFrame(
            {"x": pd.Series([], dtype=float), "s": pd.Series([], dtype="str"), "y": pd.Series([], dtype=int)}
        ),
        "all_nan": pd.DataFrame({"x": np.full(N, np.nan), "o": pd.Series([None] * N, dtype=object), "y": y}),
        "mixed_object": pd.DataFrame(
            {
                "m": pd.Series(["a", 1, 2.5, None, "b"] * (N // 5), dtype=object),
                "x": x,
                "y": y,
            }
        ),
    }


FRAMES = _frames()
#: Cases where any PASS would be silent: nothing (or nothing valid) to judge. Counting rows and
#: reading dtypes stay well defined on them, so RowCountGate and SchemaGate may pass.
MUST_NOT_PASS = {"empty", "duplicate_names", "all_nan"}
STRUCTURAL = ("RowCountGate", "SchemaGate")


def _gates(frame: pd.DataFrame) -> list[mlgates.Gate]:
    cols = list(dict.fromkeys(frame.columns))
    first = cols[0]
    return [
        mlgates.SchemaGate(),
        mlgates.MissingValuesGate(max_share=0.5),
        mlgates.RowCountGate(),
        mlgates.RangeGate(min_value=-100.0, max_value=100.0),
        mlgates.RangeGate(columns=cols, min_value=-100.0, max_value=100.0),
        mlgates.CategoryGate(),
        mlgates.CategoryGate(columns=cols),
        mlgates.UniqueGate(columns=[first, cols]),
        mlgates.DuplicateRowsGate(max_share=0.5),
        mlgates.ConstantColumnGate(),
        mlgates.ConstantColumnGate(near_constant_share=0.9),
        mlgates.MixedTypesGate(),
        mlgates.MixedTypesGate(columns=cols),
        mlgates.InfiniteValuesGate(),
        mlgates.InfiniteValuesGate(columns=cols),
        mlgates.StringGate(allow_padding=False, max_length=10),
        mlgates.StringGate(columns=cols, min_length=1),
        mlgates.OutlierGate(),
        mlgates.OutlierGate(columns=cols, method="robust_z", fences_from="reference"),
        mlgates.FreshnessGate(column=first, max_age="1 day", now="2026-03-01T00:00:00+00:00"),
        mlgates.FreshnessGate(column=first, max_age="1 day"),
        mlgates.MonotonicGate(),
        mlgates.MonotonicGate(columns=cols),
        mlgates.ConflictingLabelsGate(),
        mlgates.TrainTestLeakageGate(),
        mlgates.FeatureLeakageGate(),
    ]


CASES = [(case, i) for case in FRAMES for i in range(len(_gates(FRAMES[case])))]


@pytest.mark.parametrize(
    "case, i", CASES, ids=[f"{case}-{type(_gates(FRAMES[case])[i]).__name__}-{i}" for case, i in CASES]
)
def test_bad_input_matrix(case, i):
    frame = FRAMES[case]
    gate = _gates(frame)[i]
    target = "y" if "y" in frame.columns else 2
    try:
        verdict = gate.check(current=frame, reference=frame.copy(), target=target)
    except ParameterError as exc:  # allowed only when it names a column, quoted
        assert any(repr(c) in str(exc) or f"column name {c}" in str(exc) for c in frame.columns), str(exc)
        return
    assert isinstance(verdict, Verdict)
    assert Verdict.from_json(verdict.to_json()) == verdict
    if verdict.status is not Status.PASS:
        assert verdict.reason, verdict.to_text()
    if case in MUST_NOT_PASS and verdict.gate not in STRUCTURAL:
        assert verdict.status is not Status.PASS, verdict.to_text()
    for f in verdict.findings:
        if f.status is Status.ERROR:
            assert f.reason and f.subject in f.message, f
    if case == "empty":
        assert verdict.status in (Status.ERROR, Status.FAIL), verdict.to_text()
        assert verdict.reason in ("empty_input", "row_count_exceeded"), verdict.to_text()
    if case == "duplicate_names" and verdict.status is Status.ERROR:
        assert "a" in verdict.message


def test_inference_rejects_bad_references_by_column():
    with pytest.raises(ParameterError, match="non-string column name 0"):
        mlgates.quality_suite_from_reference(FRAMES["non_string_names"])
    with pytest.raises(ParameterError, match=r"duplicate column names \['a'\]"):
        mlgates.quality_suite_from_reference(FRAMES["duplicate_names"])
    with pytest.raises(ParameterError, match="no rows"):
        mlgates.quality_suite_from_reference(FRAMES["empty"])


@pytest.mark.parametrize(
    "case", [c for c in FRAMES if c not in ("non_string_names", "duplicate_names", "empty")]
)
def test_inference_on_awkward_dtypes(case, tmp_path):
    frame = FRAMES[case]
    suite = mlgates.quality_suite_from_reference(frame, target="y")
    for fmt in ("toml", "yaml"):
        path = mlgates.save_suite(suite, tmp_path / f"q.{fmt}")
        assert mlgates.load_suite(path).to_config() == suite.to_config()
    verdict = suite.check(current=frame, reference=frame, target="y")
    bad = [c for c in verdict.children if c.status is Status.ERROR]
    if case == "all_nan":
        assert verdict.status is not Status.PASS
    else:
        assert not bad, verdict.to_text()


@pytest.mark.parametrize(
    "gate",
    [
        mlgates.MissingValuesGate(max_share={0: 0.1}),
        mlgates.SchemaGate(columns={0: "float"}),
        mlgates.RangeGate(bounds={0: {"min": 0.0}}),
        mlgates.CategoryGate(allowed={1: ["red"]}),
        mlgates.OutlierGate(max_share={0: 0.1}),
        mlgates.OutlierGate(fences={0: {"low": 0.0, "high": 1.0}}),
    ],
)
def test_mappings_keyed_by_non_string_columns_are_parameter_errors(gate):
    """A suite file would turn the key 0 into "0" and silently stop matching the column."""
    with pytest.raises(ParameterError, match=r"\[0\]|\[1\]") as err:
        gate.check(current=FRAMES["non_string_names"])
    assert "rename the column" in str(err.value)


def test_integer_column_names_keep_the_target_out_of_the_features():
    frame = pd.DataFrame({0: [1, 1, 2, 2, 3, 3], 1: [0, 1, 0, 0, 1, 1]})
    conflicts = mlgates.ConflictingLabelsGate().check(current=frame, target=1)
    assert conflicts.status is Status.FAIL, conflicts.to_text()  # rows 0 and 1 conflict
    leak = mlgates.FeatureLeakageGate().check(current=frame.assign(**{"2": [0.1] * 6}), target=1)
    assert all(f.subject != "1" for f in leak.findings), leak.to_text()


@pytest.mark.parametrize(
    "gate_type, extra",
    [(mlgates.RangeGate, {}), (mlgates.StatisticGate, {"statistic": "mean"})],
)
def test_an_empty_bounds_entry_is_refused_not_a_silent_pass(gate_type, extra):
    # {"x": {}} would check nothing: RangeGate used to PASS it ("outside [-inf, inf]")
    with pytest.raises(mlgates.ParameterError, match=r"bounds\['x'\].*\"min\" and/or \"max\""):
        gate_type(bounds={"x": {}}, **extra).check(current=pd.DataFrame({"x": [1.0, 2.0]}))
