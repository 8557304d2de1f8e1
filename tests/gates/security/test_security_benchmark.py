"""The benchmark's corpus stays buildable, and mlgates' column of the documented comparison holds:
every malicious file flagged, every benign one clean (timings are never asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "security.py"


def _load():
    spec = importlib.util.spec_from_file_location("security_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mlgates_classifies_the_benchmark_corpus(tmp_path):
    bench = _load()
    corpus = bench.build_corpus(tmp_path, bomb_mib=8)
    assert sum(bad for _, bad in corpus.values()) == 18 and len(corpus) == 27
    outcomes = {name: bench.scan_mlgates(path) for name, (path, _) in corpus.items()}
    expected = {name: ("flag" if bad else "ok") for name, (_, bad) in corpus.items()}
    assert outcomes == expected
    frame = bench.string_table(2000)
    assert frame.shape == (2000, 10)
