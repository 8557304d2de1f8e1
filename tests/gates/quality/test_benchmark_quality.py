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


def test_benchmark_rules_and_statistics_are_the_same_checks_as_the_peers():
    """The 5 rules hold on clean orders and each breaks on about the share it was broken by, in
    mlgates and in the pandera schema that stands for them; the statistic bounds pass their data."""
    import pandera.pandas as pa

    bench = _load()
    clean = bench.make_orders(2000, 0, broken=0.0)
    assert mlgates.RuleGate(bench.RULES).check(current=clean).status is Status.PASS
    bench.pandera_rules(bench.RULES).validate(clean)
    bench.pandera_rules_fast(bench.RULES).validate(clean)
    broken = bench.make_orders(2000, 0, broken=0.05)
    v = mlgates.RuleGate(bench.RULES, max_share=0.2).check(current=broken)
    assert all(f.details["n_violations"] > 0 for f in v.findings)
    try:
        bench.pandera_rules_fast(bench.RULES).validate(broken, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases  # a DataFrame-wide check reports each failing row once per column
        by_rule = {f"rule {i}": f.details["n_violations"] for i, f in enumerate(v.findings)}
        assert {k: cases.loc[cases["check"] == k, "index"].nunique() for k in by_rule} == by_rule
    reference, current = bench.make_frame(3000, 0), bench.make_frame(3000, 1)
    bounds = bench.stat_bounds(reference)
    suite = mlgates.Suite([mlgates.StatisticGate(s, bounds=b) for s, b in bounds.items()])
    assert suite.check(current=current).status is Status.PASS
