"""The benchmark script's data and baselines stay runnable (timings are never asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import mlgates
from mlgates import Status

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "quality_vs_peers.py"


def _load():
    spec = importlib.util.spec_from_file_location("quality_vs_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_data_passes_its_inferred_suite_and_lower_bound_runs():
    bench = _load()
    reference, current = bench.make_frame(3000, 0), bench.make_frame(3000, 1)
    assert current.shape == (3000, 25)
    suite = mlgates.quality_suite_from_reference(reference)
    assert {"ranges", "categories", "unique_keys", "outliers", "monotonic"} <= {g.name for g in suite.gates}
    assert suite.check(reference=reference, current=current).status is Status.PASS
    assert len(bench.lower_bound(current)) == 25
