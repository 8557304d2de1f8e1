"""Gates beyond memory: drift + data quality on an N-row x 10-column Parquet dataset read in
chunks, against pyarrow's own scan of the same files.

Writes the dataset to a temporary folder (deleted afterwards; free disk is checked first),
then runs, each in a fresh process so that its peak RSS is its own:

1. ``pyarrow``: ``pyarrow.dataset`` scanning every column of every file in batches (the floor);
2. ``chunked``: one suite (drift on every column + row count, missing values, ranges,
   infinities, categories, outliers with reference fences) with ``current=mlgates.scan(folder)``
   and a 1M-row reference DataFrame;
3. ``dask LocalCluster``: the same suite on ``dd.read_parquet(folder)`` with a
   ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` (start-up not timed);
4. ``spark local[2]``: the same suite on ``spark.read.parquet(folder)`` with a local
   ``SparkSession`` (start-up and a first small job not timed).

The suite also holds ``FairnessGate`` and ``DisparateImpactGate`` (``b_flag`` as the decision,
by ``s_city``).

Prints rows/s, peak RSS (``resource.getrusage``; psutil's when installed) and the ratio of
each run's time to the pyarrow scan. Targets: peak RSS under 2 GB; the chunked run within 3x
of the pyarrow scan; Dask within 1.5x of the chunked run.

    python benchmarks/scale.py                    # 100M rows (about 5 GB of Parquet)
    python benchmarks/scale.py --rows 10_000_000  # smaller
    python benchmarks/scale.py --rows 2_000_000 --duplicates   # also DuplicateRowsGate (row hashes)
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COLUMNS = 10
BYTES_PER_ROW = 70  # Parquet (snappy) of the generated columns, measured: about 65 bytes per row


# -- data ---------------------------------------------------------------------------------------
def make_batch(n: int, seed: int, shift: float = 0.0) -> Any:
    """``n`` rows of the 10 benchmark columns (6 float, 2 int, 1 string category, 1 bool)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1.0, n)
    x[rng.random(n) < 0.01] = np.nan
    return pd.DataFrame(
        {
            "f_normal": x,
            "f_lognormal": rng.lognormal(0.0, 1.0 + shift, n),
            "f_uniform": rng.random(n) * 100.0,
            "f_gamma": rng.gamma(2.0, 2.0, n),
            "f_rounded": np.round(rng.normal(50.0, 10.0, n), 1),
            "f_ratio": np.where(rng.random(n) < 1e-4, np.inf, rng.random(n)),
            "i_small": rng.integers(0, 10, n),
            "i_large": rng.integers(0, 1_000_000, n),
            "s_city": pd.Categorical(rng.choice(["paris", "rome", "oslo", "lima", "kyiv"], n)).astype(str),
            "b_flag": rng.random(n) < 0.3,
        }
    )


def write_dataset(folder: Path, rows: int, files: int, batch_rows: int = 2_000_000) -> float:
    """Write ``rows`` rows as ``files`` Parquet files; returns the seconds it took."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = time.perf_counter()
    per_file = -(-rows // files)
    seed = 1000
    written = 0
    for f in range(files):
        n_file = min(per_file, rows - written)
        if n_file <= 0:
            break
        with pq.ParquetWriter(folder / f"part-{f:04d}.parquet", _schema()) as writer:
            done = 0
            while done < n_file:
                n = min(batch_rows, n_file - done)
                table = pa.Table.from_pandas(make_batch(n, seed, shift=0.05), preserve_index=False)
                writer.write_table(table.cast(_schema()), row_group_size=256_000)
                seed += 1
                done += n
        written += n_file
        print(f"  wrote {written:,} / {rows:,} rows", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - start


def _schema() -> Any:
    import pyarrow as pa

    floats = ("f_normal", "f_lognormal", "f_uniform", "f_gamma", "f_rounded", "f_ratio")
    return pa.schema(
        [
            *(pa.field(n, pa.float64()) for n in floats),
            pa.field("i_small", pa.int64()),
            pa.field("i_large", pa.int64()),
            pa.field("s_city", pa.string()),
            pa.field("b_flag", pa.bool_()),
        ]
    )


# -- runs (each in its own process: its own peak RSS) --------------------------------------------
def _peak_rss_mb() -> float:
    try:
        import psutil

        info = psutil.Process().memory_info()
        peak = getattr(info, "peak_wset", None) or 0
        if peak:
            return float(peak) / 2**20
    except ImportError:
        pass
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return kb / 1024.0 if sys.platform != "darwin" else kb / 2**20


def run_pyarrow(folder: str, chunk_rows: int) -> dict[str, Any]:
    """pyarrow's own scan: every column of every file, in batches."""
    import pyarrow.dataset as ds

    start = time.perf_counter()
    rows = 0
    for batch in ds.dataset(folder, format="parquet").to_batches(batch_size=chunk_rows):
        rows += batch.num_rows
    return {"rows": rows, "seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb()}


def suite(duplicates: bool) -> Any:
    """Drift + quality (+ fairness, once the engines work adds it: see ``fairness_gates``)."""
    from mlgates import (
        CategoryGate,
        DriftGate,
        DuplicateRowsGate,
        InfiniteValuesGate,
        MissingValuesGate,
        OutlierGate,
        RangeGate,
        RowCountGate,
        Suite,
    )

    gates = [
        RowCountGate(min_rows=1),
        MissingValuesGate(max_share=0.05),
        RangeGate(bounds={"f_uniform": {"min": 0, "max": 100}, "f_ratio": {"min": 0, "max": 1}}),
        InfiniteValuesGate(max_share=0.001),
        CategoryGate(columns=["s_city"]),
        OutlierGate(fences_from="reference", columns=["f_normal", "f_gamma"], max_share=0.05),
        DriftGate(),
        *fairness_gates(),
    ]
    if duplicates:
        gates.append(DuplicateRowsGate(max_share=1.0))
    return Suite(gates, name="scale")


def fairness_gates() -> list[Any]:
    """Fairness on profiles: the flag ``b_flag`` as the decision, by city (per-group counts of
    the selection rate; check inputs ``prediction="b_flag"``, see ``INPUTS``)."""
    from mlgates import DisparateImpactGate, FairnessGate

    return [
        FairnessGate("demographic_parity_difference", sensitive_features="s_city"),
        DisparateImpactGate(sensitive_features="s_city"),
    ]


#: The check inputs the fairness gates read (the other gates ignore them).
INPUTS = {"prediction": "b_flag"}


def run_chunked(folder: str, chunk_rows: int, reference_rows: int, duplicates: bool) -> dict[str, Any]:
    """The suite on ``mlgates.scan(folder)`` (the embedded engine: pyarrow.dataset, one pass)."""
    import mlgates

    reference = make_batch(reference_rows, seed=1)
    start = time.perf_counter()
    verdict = suite(duplicates).check(
        reference=reference, current=mlgates.scan(folder, chunk_rows=chunk_rows), **INPUTS
    )
    seconds = time.perf_counter() - start
    return _result(verdict, seconds)


def _result(verdict: Any, seconds: float, extra_rss_mb: float = 0.0) -> dict[str, Any]:
    info = verdict.children[0].provenance["profile"]["current"]
    ref_info = verdict.children[-1].provenance["profile"]["reference"]
    return {
        "rows": info["rows"],
        "seconds": seconds,
        "current_pass_seconds": info["seconds"],
        "reference_pass_seconds": ref_info.get("seconds", 0.0),
        "peak_rss_mb": _peak_rss_mb() + extra_rss_mb,
        "status": verdict.status.value,
        "passes": info["passes"],
        "exact": verdict.provenance["profile"]["exact"],
        "gates": {c.name: c.status.value for c in verdict.children},
    }


def _warm_up() -> None:
    """Imports a worker needs, done before the timed run (as a long-lived cluster has them)."""
    import mlgates.gates.drift
    import mlgates.gates.fairness
    import mlgates.gates.quality
    import mlgates.profiles.fairness  # noqa: F401


def run_dask(folder: str, chunk_rows: int, reference_rows: int, duplicates: bool) -> dict[str, Any]:
    """The suite on ``dd.read_parquet(folder)`` on a ``LocalCluster`` of 2 worker processes
    (1 thread each); cluster start-up and the workers' imports are not timed. Target: within
    1.5x of the chunked run. Peak RSS: this process plus the larger worker's (each worker is
    a fresh process)."""
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    reference = make_batch(reference_rows, seed=1)
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = Client(cluster)
    try:
        client.run(_warm_up)
        current = dd.read_parquet(folder)
        start = time.perf_counter()
        verdict = suite(duplicates).check(reference=reference, current=current, **INPUTS)
        seconds = time.perf_counter() - start
        workers = client.run(_peak_rss_mb)
        return {**_result(verdict, seconds, max(workers.values())), "partitions": current.npartitions}
    finally:
        client.close()
        cluster.close()


def run_spark(folder: str, chunk_rows: int, reference_rows: int, duplicates: bool) -> dict[str, Any]:
    """The suite on ``spark.read.parquet(folder)`` on a local ``SparkSession`` (``local[2]``, 2 GB
    driver); session start-up and a first small job (which starts the Python workers) are not
    timed. Peak RSS is this process's: the JVM and Spark's Python workers are not counted."""
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    reference = make_batch(reference_rows, seed=1)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mlgates-scale")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        warm = spark.createDataFrame(make_batch(1000, seed=2))
        suite(duplicates).check(reference=reference.head(1000), current=warm, **INPUTS)
        start = time.perf_counter()
        verdict = suite(duplicates).check(reference=reference, current=spark.read.parquet(folder), **INPUTS)
        return _result(verdict, time.perf_counter() - start)
    finally:
        spark.stop()


EXTRA_RUNS: dict[str, Any] = {"dask LocalCluster": run_dask, "spark local[2]": run_spark}


def _child(fn: Any, args: tuple[Any, ...], queue: Any) -> None:
    try:
        queue.put(fn(*args))
    except BaseException as exc:  # reported by the parent
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def isolated(fn: Any, *args: Any) -> dict[str, Any]:
    """``fn(*args)`` in a fresh process (spawned: no inherited memory)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result  # type: ignore[no-any-return]


# -- main -------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=100_000_000)
    parser.add_argument("--chunk-rows", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    parser.add_argument("--files", type=int, default=None, help="number of Parquet files (default rows/5M)")
    parser.add_argument("--reference-rows", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    parser.add_argument("--duplicates", action="store_true", help="add DuplicateRowsGate (8 bytes per row)")
    parser.add_argument("--tmp", default=None, help="folder for the temporary dataset")
    args = parser.parse_args(argv)
    files = args.files or max(1, args.rows // 5_000_000)
    base = Path(args.tmp or tempfile.gettempdir())
    need = args.rows * BYTES_PER_ROW * 1.2
    free = shutil.disk_usage(base).free
    if free < need:
        print(
            f"not enough free disk in {base}: {free / 1e9:.1f} GB free, about {need / 1e9:.1f} GB needed "
            f"for {args.rows:,} rows; pass --rows smaller or --tmp elsewhere",
            file=sys.stderr,
        )
        return 2
    folder = Path(tempfile.mkdtemp(prefix="mlgates-scale-", dir=base))
    try:
        print(f"writing {args.rows:,} rows x {COLUMNS} columns as {files} Parquet files in {folder} ...")
        wrote = write_dataset(folder, args.rows, files)
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(f"  {size / 1e9:.2f} GB in {wrote:.0f} s")
        runs = {"pyarrow scan": isolated(run_pyarrow, str(folder), args.chunk_rows)}
        runs["mlgates chunked"] = isolated(
            run_chunked, str(folder), args.chunk_rows, args.reference_rows, args.duplicates
        )
        for name, fn in EXTRA_RUNS.items():  # Dask, Spark (scale-engines)
            runs[name] = isolated(fn, str(folder), args.chunk_rows, args.reference_rows, args.duplicates)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    floor = runs["pyarrow scan"].get("seconds")
    print()
    print(
        f"{args.rows:,} rows x {COLUMNS} columns, chunks of {args.chunk_rows:,} rows, {os.cpu_count()} CPUs"
    )
    print(f"{'run':<18} {'seconds':>9} {'rows/s':>13} {'peak RSS MB':>12} {'x pyarrow':>10}")
    for name, r in runs.items():
        if "error" in r:
            print(f"{name:<18} error: {r['error']}")
            continue
        ratio = r["seconds"] / floor if floor else float("nan")
        print(
            f"{name:<18} {r['seconds']:>9.1f} {r['rows'] / r['seconds']:>13,.0f} {r['peak_rss_mb']:>12,.0f} "
            f"{ratio:>10.2f}"
        )
    chunked = runs["mlgates chunked"]
    if "error" not in chunked:
        print(
            f"suite: {chunked['status']}, passes over current: {chunked['passes']}, exact: {chunked['exact']}"
        )
        print(
            f"of which: pass over current {chunked['current_pass_seconds']:.1f} s, over the "
            f"{args.reference_rows:,}-row reference {chunked['reference_pass_seconds']:.1f} s"
        )
        print("gates: " + ", ".join(f"{k}={v}" for k, v in chunked["gates"].items()))
        ok_rss = chunked["peak_rss_mb"] < 2048
        ok_time = floor and chunked["seconds"] <= 3 * floor
        print(
            f"targets: peak RSS < 2 GB: {'met' if ok_rss else 'MISSED'}; within 3x of pyarrow: "
            f"{'met' if ok_time else 'MISSED'}"
        )
        for name in EXTRA_RUNS:  # the engines against the chunked run, and their verdicts
            r = runs.get(name, {})
            if "error" in r or not r:
                continue
            same = "same gate statuses" if r["gates"] == chunked["gates"] else f"OTHER statuses: {r['gates']}"
            target = ""
            if name.startswith("dask"):
                target = (
                    f"; target within 1.5x: {'met' if r['seconds'] <= 1.5 * chunked['seconds'] else 'MISSED'}"
                )
            print(f"{name}: {r['seconds'] / chunked['seconds']:.2f}x the chunked run{target}; {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
