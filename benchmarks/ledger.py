"""Ledger benchmark: appends per second, and status() / verify() / reindex() over 100,000 records.

Targets (issue 16): ``status()`` under 50 ms and ``verify()`` under 10 s at 100,000 records.

Appends are measured through the public API (``Ledger.record``), durable (``fsync=True``, the
default) and in bulk mode (``fsync=False``), on an empty ledger and on the 100,000-record one.
The 100,000 records are written with the ledger's own file format and chain (the same bytes an
append writes, without the per-record lock, fsync and index insert, so that building them does
not take minutes), then indexed with ``reindex()``, whose time is printed too. Each record holds
a real suite verdict on UCI Adult (quality, drift and performance gates) about one of 1,000
models under 50 names, and every 100th record is a lifecycle decision.

Run: ``python benchmarks/ledger.py [--records 100000]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from mlgates import DriftGate, Ledger, MissingValuesGate, PerformanceGate, RowCountGate, Suite
from mlgates.core._jsonable import encode, to_plain
from mlgates.datasets import load_adult
from mlgates.record import _chain


def _suite_verdict():
    from sklearn.linear_model import LogisticRegression

    adult = load_adult()
    numeric = [c for c in adult.select_dtypes("number").columns if c != "income"]
    frame = adult[[*numeric, "income"]].dropna()
    reference = frame.sample(frac=0.5, random_state=0)
    current = frame.drop(reference.index)
    model = LogisticRegression(max_iter=300).fit(reference[numeric], reference["income"])
    suite = Suite(
        [
            RowCountGate(min_rows=100),
            MissingValuesGate(max_share=0.1),
            DriftGate(blocking=False),
            PerformanceGate("roc_auc", min_value=0.7),
        ],
        name="release",
    )
    verdict = suite.check(reference=reference, current=current, target="income", model=model)
    return suite, verdict, model


def _timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _appends(ledger: Ledger, verdict, n: int, model: str) -> float:
    git = {"commit": "0" * 40, "dirty": False}
    t = time.perf_counter()
    for i in range(n):
        ledger.record(verdict, model=model, model_name="bench", git=git, metadata={"i": i})
    return n / (time.perf_counter() - t)


def _build(root: Path, template: dict, n: int) -> None:
    prev_id, prev_hash = None, _chain.GENESIS
    t0 = time.perf_counter()
    for seq in range(1, n + 1):
        m = seq % 1000
        body = dict(template)
        if seq % 100 == 0:
            body = {
                **template,
                "kind": "decision",
                "verdict": None,
                "data": {},
                "suite": None,
                "decision": {
                    "action": "promote",
                    "model": f"model-{m % 50}",
                    "fingerprint": f"mlg1-xxh3_128:{m:032x}",
                    "from": "candidate",
                    "to": "live",
                    "allowed": True,
                    "status": "pass",
                    "reason": None,
                    "message": "bench",
                    "verdict": None,
                    "caused_by": None,
                },
            }
        body["model"] = {
            **template["model"],
            "name": f"model-{m % 50}",
            "fingerprint": f"mlg1-xxh3_128:{m:032x}",
        }
        body["metadata"] = {"i": seq}
        body_bytes = _chain.canonical_body(encode(to_plain(body)))
        chain = _chain.seal(seq, prev_id, prev_hash, body_bytes)
        path = _chain.record_path(root, chain)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_chain.format_record(chain, body_bytes))
        prev_id, prev_hash = chain.id, chain.hash
        if seq % 20000 == 0:
            print(f"  wrote {seq:,} records ({time.perf_counter() - t0:.0f} s)", flush=True)
    _chain.write_head(root, chain, fsync=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=200)
    args = parser.parse_args()
    _, verdict, model = _suite_verdict()
    from mlgates import fingerprint

    fp = fingerprint(model)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        durable = _appends(Ledger(tmp_path / "durable"), verdict, args.appends, fp)
        bulk = _appends(Ledger(tmp_path / "bulk", fsync=False), verdict, args.appends, fp)
        sample = Ledger(tmp_path / "durable").records()[0]
        size = sample.path.stat().st_size
        print(
            f"appends, empty ledger: {durable:,.0f} records/s durable (fsync), {bulk:,.0f} records/s bulk "
            f"(fsync=False); one record is {size / 1024:.1f} KiB"
        )

        root = tmp_path / "big"
        template = json.loads(json.dumps(dict(sample.body), default=list))
        print(f"writing {args.records:,} records ...", flush=True)
        _build(root, template, args.records)
        big = Ledger(root)
        t = time.perf_counter()
        n = big.reindex()
        reindex_s = time.perf_counter() - t
        print(f"reindex(): {n:,} records in {reindex_s:.1f} s")

        status_s, table = _timed(big.status)
        print(
            f"status(): {status_s * 1000:.1f} ms for {len(table):,} models "  # type: ignore[arg-type]
            f"(target < 50 ms: {'met' if status_s < 0.05 else 'MISSED'})"
        )
        cold_s, _ = _timed(lambda: Ledger(root).status())
        print(f"status() on a new Ledger object (opens the index): {cold_s * 1000:.1f} ms")
        history_s, hist = _timed(lambda: big.history("model-7"))
        print(f"history('model-7'): {history_s * 1000:.1f} ms for {len(hist):,} records")  # type: ignore[arg-type]
        flaky_s, _ = _timed(big.flaky, repeat=1)
        print(f"flaky(): {flaky_s * 1000:.0f} ms")
        verify_s, v = _timed(big.verify, repeat=1)
        print(
            f"verify(): {verify_s:.2f} s, {v.status.value.upper()} "  # type: ignore[attr-defined]
            f"(target < 10 s: {'met' if verify_s < 10 else 'MISSED'})"
        )
        durable_big = _appends(Ledger(root), verdict, args.appends // 2, fp)
        bulk_big = _appends(Ledger(root, fsync=False), verdict, args.appends // 2, fp)
        print(
            f"appends at {args.records:,} records: {durable_big:,.0f} records/s durable, "
            f"{bulk_big:,.0f} records/s bulk"
        )


if __name__ == "__main__":
    main()
