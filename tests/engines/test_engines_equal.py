"""Every gate that runs on profiles gives the same verdict in memory, in chunks, on Dask
(synchronous and threaded schedulers, and a LocalCluster of two worker processes) and on Spark
(local mode): counts exactly, grid statistics within their recorded bound. One suite holds all
of them, so each engine makes one pass over the table.

Slow (Dask and Spark start schedulers and a JVM): ``pytest -m slow`` and CI run them.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pandas as pd
import pytest

import mlgates
from mlgates import (
    CategoryGate,
    ConstantColumnGate,
    DisparateImpactGate,
    DriftGate,
    DuplicateRowsGate,
    FairnessGate,
    Gate,
    InfiniteValuesGate,
    MissingValuesGate,
    MixedTypesGate,
    OutlierGate,
    PerformanceGate,
    RangeGate,
    RowCountGate,
    SchemaGate,
    Suite,
    UniqueGate,
    scan,
)

pytestmark = pytest.mark.slow


def _table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    race = rng.choice(["a", "b", "c"], n).astype(object)
    race[::41] = None
    y = rng.integers(0, 2, n)
    p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y - 0.3 * (sex == "F"))))
    age = rng.normal(40, 12, n).round()
    age[::53] = np.nan
    return pd.DataFrame(
        {
            "sex": sex,
            "race": race,
            "age": age,
            "income": rng.lognormal(10, 0.5, n),
            "y": y,
            "p": p,
            "pred": (p > 0.5).astype(int),
            "base": (rng.random(n) < 0.5).astype(int),
            "id": np.arange(seed * 1_000_000, seed * 1_000_000 + n),
        }
    )


CURRENT = _table(4000, 0)
REFERENCE = _table(3000, 1)

#: One configuration of every gate class that decides from profiles (checked below).
GATES: list[Gate] = [
    RowCountGate(min_rows=100),
    MissingValuesGate(max_share=0.05),
    RangeGate(bounds={"age": {"min": 0, "max": 80}, "income": {"min": 0}}, max_share_outside=0.01),
    InfiniteValuesGate(),
    ConstantColumnGate(),
    CategoryGate(columns=["sex", "race"]),
    OutlierGate(fences_from="reference", columns=["age", "income"], max_share=0.05),
    UniqueGate(columns=["id", ["sex", "id"]]),
    DuplicateRowsGate(columns=["sex", "race", "pred"], max_share=1.0),
    MixedTypesGate(columns=["race", "sex"]),
    SchemaGate(),
    DriftGate(columns=["sex", "race", "age", "income"]),
    DriftGate(
        method={"numeric": "ks", "categorical": "chisquare"},
        columns=["age", "income", "race"],
        name="drift_ks",
    ),
    FairnessGate("equalized_odds_ratio", sensitive_features=["sex", "race"], name="fair_eo"),
    FairnessGate(
        "demographic_parity_difference", sensitive_features="sex", max_worsening=0.05, name="fair_dp"
    ),
    DisparateImpactGate(sensitive_features="race"),
    PerformanceGate("accuracy", max_drop=0.01, test="mcnemar", name="perf_mcnemar"),
    PerformanceGate("f1", max_drop=0.01, test="bootstrap", n_resamples=300, name="perf_boot"),
    PerformanceGate("roc_auc", min_value=0.6, name="perf_auc"),
    PerformanceGate("log_loss", max_value=0.8, name="perf_logloss"),
]
INPUTS = {"target": "y", "prediction": "pred", "baseline_prediction": "base", "proba": "p"}


def _profiled_gate_classes() -> set[type]:
    out = set()
    for name in mlgates.__all__:
        if name.startswith("Evidently"):
            continue
        obj = getattr(mlgates, name)
        is_gate = inspect.isclass(obj) and issubclass(obj, Gate) and obj is not Suite
        if is_gate and obj._check_profile is not Gate._check_profile:
            out.add(obj)
    return out


def test_every_profiled_gate_is_in_the_engine_suite():
    """A gate class that learns to run on profiles must be added to GATES above."""
    assert _profiled_gate_classes() <= {type(g) for g in GATES}, _profiled_gate_classes() - {
        type(g) for g in GATES
    }


def _suite() -> Suite:
    return Suite(GATES)


def _grid_bound(finding) -> float | None:
    bounds = finding["details"].get("bounds") if finding["details"] else None
    if not bounds:
        return None
    lo, hi = bounds["statistic"]
    return (hi - lo) / 2 if lo == lo else None


def assert_same(expected, got, *, exact_numbers: bool) -> None:
    """Same statuses, reasons and subjects; numbers equal (up to rounding of float sums) or,
    for a statistic on a grid, the in-memory value within the recorded bound."""
    for a, b in zip(expected.children, got.children, strict=True):
        da, db = a.to_dict(), b.to_dict()
        assert (a.gate, a.status, a.reason) == (b.gate, b.status, b.reason), (a.message, b.message)
        assert len(da["findings"]) == len(db["findings"]), a.gate
        for fa, fb in zip(da["findings"], db["findings"]):
            assert (fa["subject"], fa["status"], fa["reason"]) == (fb["subject"], fb["status"], fb["reason"])
            bound = None if exact_numbers else _grid_bound(fb)
            for key in ("statistic", "pvalue", "threshold"):
                if fa[key] is None or fb[key] is None:
                    assert fa[key] == fb[key], (a.gate, fa["subject"], key)
                elif bound is not None and key == "statistic":
                    assert abs(fa[key] - fb[key]) <= bound + 1e-12, (a.gate, fa["subject"])
                elif bound is None:
                    assert fb[key] == pytest.approx(fa[key], rel=1e-9, abs=1e-12, nan_ok=True), (a.gate, key)


@pytest.fixture(scope="module")
def in_memory():
    return _suite().check(current=CURRENT, reference=REFERENCE, **INPUTS)


@pytest.fixture(scope="module")
def chunked():
    return _suite().check(current=scan(CURRENT, chunk_rows=900), reference=REFERENCE, **INPUTS)


def test_chunked_equals_in_memory(in_memory, chunked):
    assert chunked.children[0].provenance["profile"]["current"]["chunks"] == 5
    assert_same(in_memory, chunked, exact_numbers=False)


def _dask_frame(npartitions: int = 5):
    import dask.dataframe as dd

    return dd.from_pandas(CURRENT, npartitions=npartitions)


@pytest.mark.dask
@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
def test_dask_equals_chunked_and_in_memory(scheduler, in_memory, chunked):
    import dask

    with dask.config.set(scheduler=scheduler):
        v = _suite().check(current=_dask_frame(), reference=REFERENCE, **INPUTS)
    prov = v.children[0].provenance["profile"]["current"]
    assert (prov["engine"], prov["scheduler"], prov["partitions"], prov["passes"]) == (
        "dask",
        scheduler,
        5,
        1,
    )
    assert_same(in_memory, v, exact_numbers=False)
    assert_same(chunked, v, exact_numbers=True)  # the same counts: even grid statistics are equal


@pytest.mark.dask
def test_dask_local_cluster_with_two_processes(dask_client, in_memory, chunked):
    v = _suite().check(current=_dask_frame(8), reference=REFERENCE, **INPUTS)
    prov = v.children[0].provenance["profile"]["current"]
    assert (prov["engine"], prov["scheduler"], prov["rows"]) == ("dask", "distributed", len(CURRENT))
    assert_same(in_memory, v, exact_numbers=False)
    assert_same(chunked, v, exact_numbers=True)


@pytest.mark.spark
def test_spark_local_mode(spark, in_memory, chunked):
    sdf = spark.createDataFrame(CURRENT).repartition(4)
    v = _suite().check(current=sdf, reference=REFERENCE, **INPUTS)
    prov = v.children[0].provenance["profile"]["current"]
    assert (prov["engine"], prov["rows"], prov["chunks"]) == ("spark", len(CURRENT), 4)
    assert_same(in_memory, v, exact_numbers=False)
    assert_same(chunked, v, exact_numbers=True)


@pytest.mark.spark
def test_spark_input_error_is_the_gate_error_not_a_java_trace(spark):
    bad = CURRENT.assign(pred=CURRENT["p"])  # probabilities given as labels, in every partition
    v = FairnessGate("true_positive_rate", sensitive_features="sex", max_value=0.1).check(
        current=spark.createDataFrame(bad).repartition(3), target="y", prediction="pred"
    )
    assert v.status.value == "error" and v.reason == "probabilities_as_labels", v.message


def test_engines_need_their_extra(monkeypatch):
    """A Dask frame without dask importable (a broken install) names the extra to install."""
    engines = importlib.import_module("mlgates.core._engines")
    source = engines.DaskSource(_dask_frame())
    monkeypatch.setitem(__import__("sys").modules, "dask", None)
    with pytest.raises(mlgates.InputError, match=r"pip install mlgates\[dask\]"):
        source.summarize([])


def _refusing_need():
    """A need whose summarize raises in the worker (defined here so that Spark pickles it by
    value); every engine returns the same ``Failed`` summary for it, the other needs unharmed."""

    class Refuses:
        key = "test.refuses"
        columns = ("sex",)

        def summarize(self, chunk):
            raise ValueError("refused")

        def empty(self):
            return None

        def from_state(self, state):
            return None

    return Refuses()


def _failed_the_same_way(source) -> None:
    from mlgates.profiles.summaries import Rows

    result = source.summarize([_refusing_need(), Rows()])
    failed = result.summaries["test.refuses"]
    local = scan(CURRENT, chunk_rows=1000).summarize([_refusing_need()]).summaries["test.refuses"]
    assert (type(failed).__name__, failed.key, failed.message) == ("Failed", local.key, local.message)
    assert failed.index == 0  # the first partition's failure wins, as the first chunk's does locally
    assert result.summaries[Rows().key].n_rows == len(CURRENT)


@pytest.mark.dask
def test_a_summarizer_failing_in_a_dask_worker_fails_alone():
    import dask

    engines = importlib.import_module("mlgates.core._engines")
    with dask.config.set(scheduler="threads"):
        _failed_the_same_way(engines.DaskSource(_dask_frame()))


@pytest.mark.spark
def test_a_summarizer_failing_in_a_spark_worker_fails_alone(spark):
    engines = importlib.import_module("mlgates.core._engines")
    _failed_the_same_way(engines.SparkSource(spark.createDataFrame(CURRENT).repartition(2)))


@pytest.mark.dask
def test_dask_reference_and_current(in_memory):
    """Both tables on Dask: the reference's pass (bins frozen from it) runs on Dask too."""
    import dask
    import dask.dataframe as dd

    with dask.config.set(scheduler="threads"):
        v = _suite().check(
            current=_dask_frame(), reference=dd.from_pandas(REFERENCE, npartitions=3), **INPUTS
        )
    prov = v.children[0].provenance["profile"]
    assert prov["reference"]["engine"] == prov["current"]["engine"] == "dask"
    assert_same(in_memory, v, exact_numbers=False)


def _order_statistics_on(table, monkeypatch) -> None:
    """Exact order statistics by radix selection (several passes: a small COLLECT_LIMIT) on an
    engine's table equal numpy's sorted values, to the last bit."""
    from mlgates.core.context import CheckContext
    from mlgates.profiles import select

    monkeypatch.setattr(select, "COLLECT_LIMIT", 40)
    x = REFERENCE["income"].to_numpy(dtype=float)
    x = np.sort(x[np.isfinite(x)])
    ranks = np.array([0, 1, len(x) // 3, len(x) // 2, len(x) - 1])
    ctx = CheckContext({"reference": table}, profiled=True)
    got = select.order_statistics(ctx, "reference", "income", ranks)
    assert got.tolist() == x[ranks].tolist()
    assert ctx.profile_provenance()["reference"]["passes"] > 2


@pytest.mark.dask
def test_dask_reference_too_large_to_hold_gives_the_in_memory_bins_and_fences(monkeypatch):
    """A reference column with more values than it holds sorted: the bins and fences found by
    more passes on Dask are the in-memory ones."""
    import dask
    import dask.dataframe as dd

    from mlgates.gates.drift import _profiled
    from mlgates.profiles import select, summaries

    monkeypatch.setattr(summaries, "MAX_REFERENCE_VALUES", 100)
    monkeypatch.setattr(select, "COLLECT_LIMIT", 40)
    monkeypatch.setattr(_profiled, "EXPAND_LIMIT", 10)
    for gate in (
        DriftGate(columns=["age", "income"], method="psi"),
        OutlierGate(fences_from="reference", columns=["age", "income"]),
    ):
        memory = gate.check(reference=REFERENCE, current=CURRENT)
        with dask.config.set(scheduler="threads"):
            got = gate.check(reference=dd.from_pandas(REFERENCE, npartitions=4), current=CURRENT)
        assert [(f.subject, f.status, f.statistic) for f in got.findings] == [
            (f.subject, f.status, pytest.approx(f.statistic, rel=1e-12)) for f in memory.findings
        ], (memory.to_text(), got.to_text())
        assert got.provenance["profile"]["reference"]["passes"] > 1
    with dask.config.set(scheduler="threads"):
        _order_statistics_on(dd.from_pandas(REFERENCE, npartitions=4), monkeypatch)


@pytest.mark.spark
def test_spark_order_statistics_by_more_passes_are_exact(spark, monkeypatch):
    _order_statistics_on(spark.createDataFrame(REFERENCE).repartition(3), monkeypatch)
