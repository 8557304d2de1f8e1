"""Chunked sources (errors name the file, nothing half-decided, progress) and saved reference
profiles (round trip, tampering, a suite they were not computed for)."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    CategoryGate,
    DriftGate,
    MissingValuesGate,
    OutlierGate,
    RangeGate,
    RowCountGate,
    load_profile,
    profile_reference,
    scan,
)
from mlgates.core.errors import InputError
from mlgates.core.inputs import IteratorSource, ScanProgress, TerminalProgress, chunked_source

rng = np.random.default_rng(7)
REF = pd.DataFrame(
    {
        "x": rng.normal(size=600),
        "n": rng.integers(0, 30, 600),
        "c": rng.choice(["a", "b", "c"], 600),
    }
)
CUR = REF.assign(x=REF["x"] + 0.5)
SUITE = (
    RowCountGate(min_rows=10)
    & MissingValuesGate(max_share=0.1)
    & DriftGate()
    & CategoryGate()
    & OutlierGate(fences_from="reference")
    & RangeGate(min_value=-5, max_value=5, columns=["x"])
)


def _parts(folder, frame, n=3, fmt="parquet"):
    folder.mkdir(exist_ok=True)
    step = -(-len(frame) // n)
    for i in range(n):
        part = frame.iloc[i * step : (i + 1) * step]
        if fmt == "parquet":
            part.to_parquet(folder / f"part-{i}.parquet", index=False)
        else:
            part.to_csv(folder / f"part-{i}.csv", index=False)
    return folder


# -- sources -------------------------------------------------------------------------------------
def test_a_schema_mismatched_file_fails_every_gate_naming_the_file(tmp_path):
    folder = _parts(tmp_path / "cur", CUR)
    CUR.assign(x=CUR["x"].astype(str)).iloc[:10].to_parquet(folder / "part-9.parquet", index=False)
    verdict = SUITE.check(reference=REF, current=str(folder))
    assert verdict.status.value == "error"
    for child in verdict.children:  # nothing half-decided
        assert child.status.value == "error" and child.reason == "schema_mismatch", child.to_text()
        assert "part-9.parquet" in child.message
        assert re.search(r"x: double -> (large_)?string", child.message)  # pandas 3 writes large_string


def test_an_unreadable_file_is_named(tmp_path):
    folder = _parts(tmp_path / "cur", CUR)
    (folder / "part-5.parquet").write_bytes(b"not parquet at all")
    verdict = RowCountGate().check(current=str(folder))
    assert verdict.reason == "invalid_file" and "part-5.parquet" in verdict.message


def test_a_csv_value_that_breaks_the_inferred_type_names_the_file(tmp_path):
    folder = _parts(tmp_path / "cur", CUR, fmt="csv")
    bad = CUR.iloc[:5].astype({"n": str})
    bad.loc[bad.index[0], "n"] = "many"
    bad.to_csv(folder / "part-7.csv", index=False)
    verdict = MissingValuesGate().check(current=str(folder / "*.csv"))
    assert verdict.status.value == "error" and "part-7.csv" in verdict.message, verdict.message
    assert verdict.reason in ("schema_mismatch", "invalid_file")


def test_paths_that_match_nothing_or_mix_formats(tmp_path):
    v = RowCountGate().check(current=str(tmp_path / "nothing-*.parquet"))
    assert v.reason == "missing_file" and "matches no table file" in v.message
    folder = _parts(tmp_path / "mixed", CUR, n=1)
    CUR.to_csv(folder / "also.csv", index=False)
    v = RowCountGate().check(current=str(folder))
    assert v.reason == "invalid_input" and "several formats" in v.message
    v = RowCountGate().check(current=str(tmp_path / "absent.parquet"))
    assert v.reason == "missing_file"


def test_a_list_of_paths_and_a_glob_read_the_same_rows(tmp_path):
    folder = _parts(tmp_path / "cur", CUR)
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    a = RowCountGate().check(current=files)
    b = RowCountGate().check(current=str(folder / "part-*.parquet"))
    assert a.metrics["rows"] == b.metrics["rows"] == len(CUR)


def test_an_iterator_is_read_once_and_its_chunks_must_agree():
    src = IteratorSource(iter([CUR.iloc[:10], CUR.iloc[10:20]]))
    assert sum(c.n_rows for c in src.chunks()) == 20
    with pytest.raises(InputError, match="can be read only once"):
        list(src.chunks())
    src = IteratorSource(iter([CUR.iloc[:10], CUR.iloc[10:20].rename(columns={"x": "y"})]))
    with pytest.raises(InputError, match="chunk 1: columns") as err:
        list(src.chunks())
    assert err.value.reason == "schema_mismatch"
    v = RowCountGate().check(current=iter([]))
    assert v.reason == "empty_input"


def test_progress_reports_rows_and_files(tmp_path):
    folder = _parts(tmp_path / "cur", CUR)
    seen: list[ScanProgress] = []
    src = chunked_source(str(folder), chunk_rows=100)
    from mlgates.profiles.summaries import Rows

    result = src.summarize([Rows()], progress=seen.append)
    assert result.rows == len(CUR) and result.files == 3 and result.engine == "pyarrow.dataset"
    assert seen[-1].rows == len(CUR) and seen[-1].files_done == 3 and seen[-1].files_total == 3
    assert [p.rows for p in seen] == sorted(p.rows for p in seen)
    stream = io.StringIO()
    bar = TerminalProgress(stream, interval=0.0)
    for p in seen:
        bar(p)
    bar.close()
    assert "600 rows, 3/3 files" in stream.getvalue() and "rows/s" in stream.getvalue()


def test_memory_is_bounded_by_the_chunk_size(tmp_path):
    folder = _parts(tmp_path / "cur", CUR, n=2)
    sizes = [c.n_rows for c in chunked_source(str(folder), chunk_rows=64).chunks()]
    assert max(sizes) <= 64 and sum(sizes) == len(CUR)


# -- reference profiles ----------------------------------------------------------------------------
def test_a_saved_reference_profile_gives_the_same_verdict(tmp_path):
    expected = SUITE.check(reference=REF, current=CUR)
    ref_files = _parts(tmp_path / "ref", REF)
    profile = profile_reference(SUITE, str(ref_files))
    folder = profile.save(tmp_path / "ref.mgprofile")
    for path in ref_files.iterdir():  # no reference data is needed any more
        path.unlink()
    for reference in (str(folder), load_profile(folder), profile):
        got = SUITE.check(reference=reference, current=CUR)
        assert got.status is expected.status
        for a, b in zip(expected.children, got.children, strict=True):
            assert [(f.subject, f.status, f.reason) for f in a.findings] == [
                (f.subject, f.status, f.reason) for f in b.findings
            ], (a.to_text(), b.to_text())
            for fa, fb in zip(a.findings, b.findings):
                if fa.statistic is not None:
                    assert fb.statistic == pytest.approx(fa.statistic, rel=1e-9, abs=1e-12)
    prov = got.children[0].provenance
    assert prov["inputs"]["reference"]["fingerprint"] == profile.fingerprint
    assert prov["profile"]["reference"]["type"] == "reference_profile"
    doc = json.loads((folder / "profile.json").read_text())
    assert doc["format"] == "mlgates-profile" and doc["version"] == 1
    assert doc["meta"]["n_rows"] == len(REF) and doc["meta"]["schema"]["x"] == "double[pyarrow]"


def test_a_profile_from_memory_equals_one_from_files(tmp_path):
    a = profile_reference(SUITE, REF)
    b = profile_reference(SUITE, scan(REF, chunk_rows=97))
    assert set(a.entries) == set(b.entries)
    assert a.n_rows == b.n_rows == len(REF)
    verdicts = [SUITE.check(reference=p, current=CUR) for p in (a, b)]
    assert [c.status for c in verdicts[0].children] == [c.status for c in verdicts[1].children]


def test_a_changed_profile_does_not_load(tmp_path):
    folder = profile_reference(SUITE, REF).save(tmp_path / "p")
    doc = json.loads((folder / "profile.json").read_text())
    doc["meta"]["n_rows"] += 1
    (folder / "profile.json").write_text(json.dumps(doc))
    v = RowCountGate().check(reference=str(folder), current=CUR)  # the profile is read only if needed
    v = DriftGate().check(reference=str(folder), current=CUR)
    assert v.reason == "invalid_profile" and "fingerprint mismatch" in v.message
    with pytest.raises(InputError, match="fingerprint mismatch"):
        load_profile(folder)
    doc["version"] = 99
    (folder / "profile.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="format version 99"):
        load_profile(folder)


def test_a_gate_the_profile_was_not_computed_for_says_so():
    profile = profile_reference(DriftGate(n_bins=10, method="psi"), REF)
    v = DriftGate(n_bins=5, method="psi").check(reference=profile, current=scan(CUR))
    assert v.status.value == "error" and v.reason == "missing_profile_summary"
    assert "compute it again" in v.message


def test_a_reference_too_large_to_hold_gives_the_same_bins_and_fences_by_more_passes(monkeypatch):
    """Bins and fences are frozen from all sorted reference values, held up to
    MAX_REFERENCE_VALUES per column; beyond, the same values are found exactly by radix
    selection over more passes (bounded memory). An iterator cannot be read again: the columns
    that need it say so."""
    from mlgates.gates.drift import _profiled
    from mlgates.profiles import select, summaries

    monkeypatch.setattr(summaries, "MAX_REFERENCE_VALUES", 250)
    monkeypatch.setattr(select, "COLLECT_LIMIT", 50)  # several selection passes on 600 rows
    monkeypatch.setattr(_profiled, "EXPAND_LIMIT", 10)  # not rebuilt from value counts
    gates = [
        DriftGate(columns=["x", "n", "c"], method={"numeric": "psi", "categorical": "psi"}),
        DriftGate(columns=["x"], method="wasserstein", bins="uniform"),
        OutlierGate(fences_from="reference", columns=["x", "n"]),
        OutlierGate(fences_from="reference", method="robust_z", columns=["x", "n"], max_share=0.01),
    ]
    for gate in gates:
        memory = gate.check(reference=REF, current=CUR)
        chunked = gate.check(reference=scan(REF, chunk_rows=200), current=CUR)
        saved = gate.check(reference=profile_reference(gate, scan(REF, chunk_rows=200)), current=CUR)
        for got in (chunked, saved):
            assert [(f.subject, f.status, f.reason) for f in got.findings] == [
                (f.subject, f.status, f.reason) for f in memory.findings
            ], (memory.to_text(), got.to_text())
            for a, b in zip(memory.findings, got.findings):
                assert b.details.get("low") == a.details.get("low")  # fences to the last bit
                assert b.details.get("bins") == a.details.get("bins") or a.method == "wasserstein"
                if a.statistic is not None and "bounds" not in b.details:
                    assert b.statistic == pytest.approx(a.statistic, rel=1e-9)
    assert chunked.provenance["profile"]["reference"]["passes"] > 1
    once = DriftGate(columns=["x"], method="psi").check(
        reference=(REF.iloc[i : i + 100] for i in range(0, 600, 100)), current=CUR
    )
    assert once.findings[0].status.value == "error" and "read only once" in once.findings[0].message
