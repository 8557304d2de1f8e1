"""Every profiled gate gives the in-memory verdict when its tables are read in chunks: exactly
for counts, within the recorded bound for grid statistics; from chunked DataFrames, a Parquet
directory, CSV files and an iterator; and random chunkings give identical verdicts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates import (
    CategoryGate,
    ConstantColumnGate,
    DriftGate,
    DuplicateRowsGate,
    InfiniteValuesGate,
    MissingValuesGate,
    MixedTypesGate,
    OutlierGate,
    RangeGate,
    RowCountGate,
    SchemaGate,
    Suite,
    UniqueGate,
    scan,
)
from mlgates.core.inputs import FrameSource, read_table


def _frame(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1, n)
    x[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(n) % (n - 3),  # three repeated keys
            "x": x,
            "ratio": np.where(rng.random(n) < 0.01, np.inf, rng.gamma(2.0, 1.0 + shift, n)),
            "k": rng.integers(0, 4, n),
            "d": rng.integers(0, 60, n).astype(float),
            "city": rng.choice(["paris", "rome", "oslo"] + (["lima"] if shift else []), n),
            "flag": rng.random(n) < 0.3 + shift / 4,
            "const": np.ones(n),
            "mixed": pd.Series(rng.choice(np.array(["a", "b", 1, 2.5, True], dtype=object), n), dtype=object),
        }
    )


REF = _frame(900, 1)
CUR = _frame(700, 2, shift=0.4)

GATES = [
    RowCountGate(min_rows=10, max_rows=100_000),
    MissingValuesGate(max_share=0.02),
    RangeGate(bounds={"x": {"min": -2.5, "max": 2.5}, "ratio": {"min": 0}}, max_share_outside=0.01),
    InfiniteValuesGate(),
    ConstantColumnGate(),
    ConstantColumnGate(near_constant_share=0.6),
    CategoryGate(),
    CategoryGate(allowed={"city": ["paris", "rome"]}, max_unknown_share=0.5),
    OutlierGate(fences_from="reference"),
    OutlierGate(method="robust_z", fences_from="reference", max_share=0.01),
    OutlierGate(fences={"x": {"low": -2.0, "high": 2.0}}),
    UniqueGate(columns=["id", ["id", "k"]]),
    DuplicateRowsGate(columns=["k", "city"], max_share=0.99),
    DuplicateRowsGate(),
    MixedTypesGate(),
    MixedTypesGate(columns=["mixed", "x"], max_minority_share=0.5),
    SchemaGate(),
    SchemaGate(columns={"x": "float", "k": "integer", "city": "string"}, allow_extra=False),
    DriftGate(),
    DriftGate(method="psi", mode="column"),
    DriftGate(method={"numeric": "ks", "categorical": "chisquare"}, correction="holm"),
    DriftGate(method={"numeric": "wasserstein", "categorical": "jensenshannon"}, bins="uniform"),
    DriftGate(method={"numeric": "t_test", "categorical": "g_test"}),
    DriftGate(method={"numeric": "anderson", "categorical": "tvd"}, columns=["x", "d", "city"]),
]
IDS = [f"{i}-{type(g).__name__}" for i, g in enumerate(GATES)]


def _key(verdict):
    return [(f.subject, f.method, f.status, f.reason) for f in verdict.findings]


def assert_same(memory, profiled):
    """Same statuses and reasons everywhere; the same statistic for counts; a grid statistic
    within its recorded bound of the in-memory value."""
    assert profiled.status is memory.status, (memory.to_text(), profiled.to_text())
    assert _key(profiled) == _key(memory), (memory.to_text(), profiled.to_text())
    for a, b in zip(memory.findings, profiled.findings):
        if a.statistic is None:
            continue
        bounds = b.details.get("bounds")
        if bounds is not None:
            lo, hi = bounds["statistic"]
            assert lo - 1e-9 <= a.statistic <= hi + 1e-9, (a.subject, a.statistic, bounds)
        else:
            assert b.statistic == pytest.approx(a.statistic, rel=1e-9, abs=1e-12), (a.subject, a.method)
            if a.pvalue is not None and not math.isnan(a.pvalue):
                assert b.pvalue == pytest.approx(a.pvalue, rel=1e-7, abs=1e-12), (a.subject, a.method)


@pytest.mark.parametrize("gate", GATES, ids=IDS)
def test_chunked_dataframes_give_the_in_memory_verdict(gate):
    memory = gate.check(reference=REF, current=CUR)
    profiled = gate.check(reference=scan(REF, chunk_rows=250), current=scan(CUR, chunk_rows=128))
    assert_same(memory, profiled)
    info = profiled.provenance["profile"]
    assert info["current"]["chunks"] == 6 and info["current"]["passes"] == 1
    assert info["current"]["engine"] == "pandas"


def test_drift_on_chunks_skips_unshared_columns_and_counts_new_categories_as_in_memory():
    """Columns only one table has SKIP (column_only_in_*), and the new-category rule runs on
    merged counts, as in memory."""
    ref = REF.drop(columns=["mixed", "const"]).assign(only_ref=1.0)
    cur = CUR.drop(columns=["mixed"]).assign(city=CUR["city"].where(CUR["k"] != 0, "nowhere"))
    gate = DriftGate()
    memory = gate.check(reference=ref, current=cur)
    profiled = gate.check(reference=scan(ref, chunk_rows=250), current=scan(cur, chunk_rows=128))
    reasons = {(f.subject, f.reason) for f in memory.findings}
    assert {("const", "column_only_in_current"), ("only_ref", "column_only_in_reference")} <= reasons
    assert ("city", "new_category_share_exceeded") in reasons, memory.to_text()
    assert_same(memory, profiled)


def test_a_reference_in_memory_and_current_from_a_parquet_directory(tmp_path):
    folder = tmp_path / "current"
    folder.mkdir()
    cur = CUR.drop(columns="mixed")  # Parquet stores one type per column
    for i, lo in enumerate(range(0, len(cur), 200)):
        cur.iloc[lo : lo + 200].to_parquet(folder / f"part-{i:03d}.parquet", index=False)
    (folder / "_SUCCESS").write_text("")  # writer markers are not data
    suite = Suite(GATES)
    # in memory as mlgates.read_table reads the files (pandas 2: strings as string[pyarrow], not object)
    read = pd.concat([read_table(p) for p in sorted(folder.glob("*.parquet"))], ignore_index=True)
    memory = suite.check(reference=REF, current=read)
    profiled = suite.check(reference=REF, current=str(folder))
    for a, b in zip(memory.children, profiled.children, strict=True):
        assert_same(a, b)
    assert profiled.provenance["profile"]["current"]["files"] == 4
    assert profiled.provenance["profile"]["current"]["passes"] == 1


def test_csv_files_and_a_glob(tmp_path):
    for i, lo in enumerate(range(0, len(CUR), 350)):
        CUR.iloc[lo : lo + 350].drop(columns="mixed").to_csv(tmp_path / f"cur-{i}.csv", index=False)
    suite = MissingValuesGate(max_share=0.1) & RowCountGate(min_rows=1) & DriftGate(columns=["x", "city"])
    memory = suite.check(reference=REF, current=CUR.drop(columns="mixed"))
    profiled = suite.check(reference=REF, current=str(tmp_path / "cur-*.csv"))
    for a, b in zip(memory.children, profiled.children):
        assert_same(a, b)


def test_an_iterator_of_dataframes():
    suite = RowCountGate(min_rows=1) & RangeGate(min_value=-3, max_value=3, columns=["x"]) & DriftGate()
    memory = suite.check(reference=REF, current=CUR)
    chunks = (CUR.iloc[lo : lo + 100] for lo in range(0, len(CUR), 100))
    profiled = suite.check(reference=REF, current=chunks)
    for a, b in zip(memory.children, profiled.children):
        assert_same(a, b)
    assert profiled.provenance["profile"]["current"]["passes"] == 1


CHUNKING_SUITE = GATES[1] & GATES[2] & GATES[6] & GATES[11] & GATES[18] & GATES[20]
_ONE_CHUNK: list = []


@settings(max_examples=10)
@given(cuts=st.lists(st.integers(1, len(CUR) - 1), min_size=1, max_size=6))
def test_random_chunkings_give_identical_verdicts(cuts):
    suite = CHUNKING_SUITE
    if not _ONE_CHUNK:
        _ONE_CHUNK.append(suite.check(reference=REF, current=FrameSource(CUR, splits=[])))
    one = _ONE_CHUNK[0]
    many = suite.check(reference=REF, current=FrameSource(CUR, splits=cuts))
    assert many.status is one.status
    for a, b in zip(one.children, many.children):
        assert _key(a) == _key(b)
        for fa, fb in zip(a.findings, b.findings):
            assert (fa.statistic is None) == (fb.statistic is None)
            if fa.statistic is not None:
                assert fb.statistic == pytest.approx(fa.statistic, rel=1e-9, abs=1e-12)


def test_one_pass_per_table_for_a_whole_suite():
    seen = []
    suite = (
        RowCountGate()
        & MissingValuesGate(max_share=0.5)
        & DriftGate()
        & CategoryGate()
        & RangeGate(min_value=-10, max_value=10, columns=["x"])
    )
    from mlgates.core.context import CheckContext

    ctx = CheckContext({"reference": scan(REF, chunk_rows=300), "current": scan(CUR, chunk_rows=300)})
    ctx._profiling._progress = seen.append  # count the chunks read
    suite._run(ctx)
    assert [p.chunks for p in seen] == [1, 2, 3, 1, 2, 3]  # one pass over reference, one over current


def test_grid_statistics_record_their_bound(monkeypatch):
    """Columns with too many distinct values to rebuild are judged on the reference-quantile
    grid: the finding records the bound, the bin-spec hash and exact=False, and the in-memory
    statistic lies inside the bound."""
    from mlgates.gates.drift import _profiled

    monkeypatch.setattr(_profiled, "EXPAND_LIMIT", 10)  # force the grid on small data
    rng = np.random.default_rng(5)
    ref = pd.DataFrame({"x": rng.normal(size=3000)})
    cur = pd.DataFrame({"x": rng.normal(0.02, 1, 3000)})  # CDFs that cross: a bound of some width
    for method in ("ks", "wasserstein"):
        gate = DriftGate(method=method)
        memory = gate.check(reference=ref, current=cur)
        profiled = gate.check(reference=ref, current=scan(cur, chunk_rows=1000))
        assert_same(memory, profiled)
        f = profiled.findings[0]
        lo, hi = f.details["bounds"]["statistic"]
        assert lo <= hi and f.details["exact"] is (lo == hi) and len(f.details["bin_spec_hash"]) == 16
        assert f.details["grid_size"] == _profiled.GRID_SIZE
    assert profiled.provenance["profile"]["exact"] is False  # wasserstein: a bound of some width


def test_a_bound_that_straddles_the_threshold_is_undecided(monkeypatch):
    from mlgates.gates.drift import _profiled

    monkeypatch.setattr(_profiled, "EXPAND_LIMIT", 10)
    monkeypatch.setattr(_profiled, "GRID_SIZE", 4)  # a coarse grid: a wide bound
    rng = np.random.default_rng(6)
    ref = pd.DataFrame({"x": rng.normal(size=2000)})
    cur = pd.DataFrame({"x": rng.normal(0.05, 1, 2000)})
    first = DriftGate(method="wasserstein").check(reference=ref, current=scan(cur))
    lo, hi = first.findings[0].details["bounds"]["statistic"]
    assert lo < hi
    gate = DriftGate(method="wasserstein", threshold=(lo + hi) / 2)
    memory = gate.check(reference=ref, current=cur)
    f = gate.check(reference=ref, current=scan(cur)).findings[0]
    assert f.reason == "undecided_within_bound" and f.status.value == "warn"
    assert "straddles" in f.message and lo <= memory.findings[0].statistic <= hi


def test_gates_that_need_every_row_skip_with_needs_in_memory():
    from mlgates import FeatureLeakageGate, MultivariateDriftGate

    for gate in (MultivariateDriftGate(), FeatureLeakageGate()):
        v = gate.check(reference=REF, current=scan(CUR), target="flag")
        assert v.status.value == "skip" and v.reason == "needs_in_memory", v.to_text()
    v = OutlierGate().check(current=scan(CUR))  # fences from current's own quartiles
    assert {f.reason for f in v.findings} == {"needs_in_memory"}


def test_label_free_and_monitoring_gates_skip_on_chunks_and_run_on_dataframes():
    """The gates that landed with monitoring and the label-free work have no profiles: on a
    table read in chunks they SKIP (needs_in_memory), never pass, never raise."""
    from sklearn.linear_model import LogisticRegression

    from mlgates import (
        AnytimeDriftGate,
        ConceptDriftGate,
        DriftImpactGate,
        FeatureRelevanceGate,
        SequentialGate,
        Windowed,
    )

    def hourly(frame: pd.DataFrame, start: str) -> pd.DataFrame:
        out = frame[["x", "d", "flag"]].fillna(0.0)
        return out.assign(t=pd.date_range(start, periods=len(frame), freq="h"))

    ref, cur = hourly(REF, "2024-03-01"), hourly(CUR, "2024-05-01")
    model = LogisticRegression().fit(ref[["x", "d"]], ref["flag"])
    gates = [
        Windowed(DriftGate(columns="x"), on="t", window="7D"),
        SequentialGate(column="x"),
        AnytimeDriftGate(column="x"),
        ConceptDriftGate(),
        FeatureRelevanceGate(),
        DriftImpactGate(),
    ]
    for gate in gates:
        inputs = {"target": "flag", "model": model}
        if not isinstance(gate, (ConceptDriftGate, FeatureRelevanceGate, DriftImpactGate)):
            inputs = {}
        v = gate.check(reference=ref, current=scan(cur), **inputs)
        assert (v.status.value, v.reason) == ("skip", "needs_in_memory"), (type(gate).__name__, v.to_text())
        in_memory = gate.check(reference=ref, current=cur, **inputs)
        assert in_memory.reason != "needs_in_memory", (type(gate).__name__, in_memory.to_text())


def test_a_column_whose_values_defeat_a_summary_errors_alone():
    cur = CUR.assign(city=CUR["city"].astype(object))
    cur.loc[5, "city"] = 3.5  # a number among strings: fine for counts
    bad = pd.DataFrame({"x": ["a"] * 10, "y": np.arange(10.0)})
    v = RangeGate(bounds={"x": {"min": 0}, "y": {"min": 0}}).check(current=scan(bad, chunk_rows=4))
    assert [f.reason for f in v.findings] == ["unsupported_dtype", None]
    assert CategoryGate(allowed={"city": ["paris"]}).check(current=scan(cur)).status.value == "fail"


def test_a_gate_without_profiles_runs_in_memory_when_its_tables_are_dataframes():
    """A reference profile given for the drift gates of a suite does not make the gates that
    only read current (a DataFrame) skip."""
    from mlgates import StringGate, profile_reference

    suite = DriftGate(columns=["x"]) & StringGate(columns=["city"], pattern=r"[a-z]+")
    profile = profile_reference(suite, REF)
    v = suite.check(reference=profile, current=CUR)
    assert [c.status.value for c in v.children] == ["fail", "pass"], v.to_text()  # x drifted
    v = suite.check(reference=profile, current=scan(CUR))
    assert v.children[1].reason == "needs_in_memory"


def test_schema_environments_on_chunks_as_in_memory():
    """SchemaGate's environments (exclusions, extra columns, allow_extra) hold on chunks too."""
    gate = SchemaGate(
        columns=["x", "k", "flag"], environments={"serving": {"exclude": ["flag"], "allow_extra": False}}
    )
    cur = CUR[["x", "k", "city"]]
    for env in ("serving", None):
        memory = gate.check(current=cur, environment=env)
        profiled = gate.check(current=scan(cur, chunk_rows=128), environment=env)
        assert_same(memory, profiled)
        assert [(f.subject, f.status.value, f.message) for f in profiled.findings] == [
            (f.subject, f.status.value, f.message) for f in memory.findings
        ]
    serving = gate.check(current=scan(cur), environment="serving")
    assert [(f.subject, f.reason) for f in serving.findings if f.status.value == "fail"] == [
        ("city", "unexpected_column")
    ]
    assert "(environment 'serving')" in serving.findings[-1].message, serving.to_text()


def test_where_on_chunks_skips_and_on_dataframes_narrows():
    """where= narrows rows, which needs them in memory: on chunks the gate SKIPs with
    needs_in_memory (never judges every row, never raises); on DataFrames it narrows."""
    from mlgates import Status

    gate = RangeGate(bounds={"x": {"min": 0}}, where="x > 0")
    chunked = gate.check(current=scan(CUR, chunk_rows=128))
    assert chunked.status is Status.SKIP and chunked.reason == "needs_in_memory"
    assert "where=" in chunked.message
    in_memory = gate.check(current=CUR)
    assert in_memory.status is Status.PASS and in_memory.metrics["where_rows_kept"] < len(CUR)
