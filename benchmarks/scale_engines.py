"""One suite (quality + drift + fairness + performance) over a Parquet dataset: pyarrow's own
scan, the chunked local engine, Dask on a ``LocalCluster`` and Spark in local mode.

Writes ``--rows`` rows x 10 columns as ``--files`` Parquet files in a temporary folder (deleted
after), then times, on the same files:

- ``pyarrow scan``: ``pyarrow.dataset`` reading every column batch by batch (the floor);
- ``chunked``: ``suite.check(current=<folder>)`` (``pyarrow.dataset`` batches, one pass);
- ``dask``: ``suite.check(current=dd.read_parquet(folder))`` on ``LocalCluster(n_workers=2,
  threads_per_worker=1, processes=True)`` (cluster start-up and the workers' imports not timed,
  printed apart);
- ``spark``: ``suite.check(current=spark.read.parquet(folder))`` on ``local[2]`` (session
  start-up and a first small job that starts the Python workers not timed, printed apart).

Each run prints wall time, rows/s, the ratio to the pyarrow scan and to the chunked run, and peak
RSS (this process; for Dask and Spark also their workers' peak, measured in the workers). The
verdicts of the three engines are compared (same statuses; the same statistics up to float
rounding). Nothing is asserted on timings. ``benchmarks/scale.py`` imports :func:`run_dask` and
:func:`run_spark` for its engine rows.

Run: ``python benchmarks/scale_engines.py --rows 10_000_000`` (the issue's full size is
``--rows 100_000_000``; it needs about 6 GB of disk and an hour on two busy cores).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 0


def write_dataset(folder: Path, rows: int, files: int) -> None:
    """``rows`` rows x 10 columns in ``files`` Parquet files (row groups of 1M rows at most)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(SEED)
    per_file = -(-rows // files)
    done = 0
    for i in range(files):
        n = min(per_file, rows - done)
        if n <= 0:
            break
        y = rng.integers(0, 2, n, dtype=np.int8)
        p = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y)))
        age = rng.normal(40, 12, n).round()
        age[rng.random(n) < 0.01] = np.nan
        table = pa.table(
            {
                "age": pa.array(age, from_pandas=True),  # missing as null (NaN is a value in Arrow)
                "income": rng.lognormal(10, 0.5, n),
                "score_a": rng.normal(size=n),
                "score_b": rng.normal(size=n),
                "sex": pa.array(rng.choice(["F", "M"], n)).dictionary_encode(),
                "region": pa.array(rng.choice(["north", "south", "east", "west"], n)).dictionary_encode(),
                "y": y,
                "p": p,
                "pred": (p > 0.5).astype(np.int8),
                "base": (rng.random(n) < 0.5).astype(np.int8),
            }
        )
        pq.write_table(table, folder / f"part-{i:04d}.parquet", row_group_size=1_000_000)
        done += n


def reference_frame(rows: int = 200_000) -> pd.DataFrame:
    folder = Path(tempfile.mkdtemp(prefix="mlgates-ref-"))
    try:
        write_dataset(folder, rows, 1)
        return pd.read_parquet(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def suite():
    from mlgates import (
        DisparateImpactGate,
        DriftGate,
        FairnessGate,
        MissingValuesGate,
        PerformanceGate,
        RowCountGate,
    )

    return (
        RowCountGate(min_rows=1)
        & MissingValuesGate(max_share=0.05)
        & DriftGate(columns=["age", "income", "score_a", "score_b", "sex", "region"])
        & FairnessGate("equalized_odds_difference", sensitive_features=["sex", "region"])
        & DisparateImpactGate(sensitive_features="region")
        & PerformanceGate("accuracy", max_drop=0.01, test="mcnemar")
    )


INPUTS = {"target": "y", "prediction": "pred", "baseline_prediction": "base"}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pyarrow_scan(folder: Path) -> int:
    import pyarrow.dataset as ds

    rows = 0
    for batch in ds.dataset(str(folder), format="parquet").to_batches(batch_size=1_000_000):
        rows += batch.num_rows
    return rows


def run_chunked(folder: Path, reference: pd.DataFrame):
    return suite().check(current=str(folder), reference=reference, **INPUTS)


def start_dask():
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
    client = Client(cluster)
    client.run(_warm_up)  # workers import mlgates and its stack once, before the timed run
    return cluster, client


def _warm_up() -> None:
    import mlgates.gates.drift
    import mlgates.gates.fairness
    import mlgates.gates.performance
    import mlgates.profiles.fairness
    import mlgates.profiles.performance  # noqa: F401


def run_dask(folder: Path, reference: pd.DataFrame, client) -> object:
    import dask.dataframe as dd

    frame = dd.read_parquet(str(folder))
    return suite().check(current=frame, reference=reference, **INPUTS)


def dask_worker_peak_mb(client) -> float:
    peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return max(peaks.values())


def start_spark(memory: str = "2g"):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mlgates-bench")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(folder: Path, reference: pd.DataFrame, spark) -> object:
    return run_spark_frame(spark.read.parquet(str(folder)), reference)


def run_spark_frame(frame, reference: pd.DataFrame) -> object:
    return suite().check(current=frame, reference=reference, **INPUTS)


def same_verdicts(a, b) -> str:
    """'same' when every child has the same status and statistics (to 1e-9 relative)."""
    for x, y in zip(a.children, b.children, strict=True):
        if x.status != y.status:
            return f"differs: {x.gate} {x.status.value} vs {y.status.value}: {y.message[:300]}"
        for fx, fy in zip(x.findings, y.findings, strict=True):
            sx, sy = fx.statistic, fy.statistic
            if (sx is None) != (sy is None) or (
                sx is not None and not np.isclose(sx, sy, rtol=1e-9, equal_nan=True)
            ):
                return f"differs: {x.gate} {fx.subject} {sx} vs {sy}"
    return "same"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "")), default=10_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--skip", nargs="*", default=[], choices=["chunked", "dask", "spark"])
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="mlgates-scale-engines-"))
    try:
        t = time.perf_counter()
        write_dataset(folder, args.rows, args.files)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
        print(
            f"dataset: {args.rows:,} rows x 10 columns in {args.files} Parquet files, {size:,.0f} MB "
            f"(written in {time.perf_counter() - t:.1f} s)"
        )
        reference = reference_frame()
        print(f"reference: {len(reference):,} rows in memory; suite: {suite()!r}"[:200])

        t = time.perf_counter()
        assert pyarrow_scan(folder) == args.rows
        scan_s = time.perf_counter() - t
        print(
            f"{'run':<14}{'seconds':>9}{'rows/s':>14}{'x scan':>8}{'x chunked':>11}{'peak RSS MB':>13}  verdict"
        )
        print(
            f"{'pyarrow scan':<14}{scan_s:>9.1f}{args.rows / scan_s:>14,.0f}{1.0:>8.2f}{'':>11}{peak_rss_mb():>13,.0f}"
        )

        results = {}
        chunked_s = None
        if "chunked" not in args.skip:
            t = time.perf_counter()
            results["chunked"] = run_chunked(folder, reference)
            chunked_s = time.perf_counter() - t
            v = results["chunked"]
            for child in v.children:
                if child.status.value in ("error", "skip"):
                    print(
                        f"  chunked {child.gate}: {child.status.value} {child.reason}: {child.message[:300]}"
                    )
            print(
                f"{'chunked':<14}{chunked_s:>9.1f}{args.rows / chunked_s:>14,.0f}{chunked_s / scan_s:>8.2f}"
                f"{1.0:>11.2f}{peak_rss_mb():>13,.0f}  {v.status.value}"
            )

        def row(name: str, seconds: float, rss: str, verdict) -> None:
            ratio = f"{seconds / chunked_s:>11.2f}" if chunked_s else f"{'':>11}"
            same = same_verdicts(results["chunked"], verdict) if "chunked" in results else ""
            print(
                f"{name:<14}{seconds:>9.1f}{args.rows / seconds:>14,.0f}{seconds / scan_s:>8.2f}{ratio}"
                f"{rss:>13}  {verdict.status.value} ({same} as chunked)"
            )

        if "dask" not in args.skip:
            t = time.perf_counter()
            cluster, client = start_dask()
            start = time.perf_counter() - t
            try:
                t = time.perf_counter()
                v = run_dask(folder, reference, client)
                seconds = time.perf_counter() - t
                rss = f"{peak_rss_mb():,.0f}/{dask_worker_peak_mb(client):,.0f}"
                row("dask", seconds, rss, v)
                print(
                    f"{'':<14}(LocalCluster 2 processes; start-up {start:.1f} s not timed; RSS driver/worker)"
                )
            finally:
                client.close()
                cluster.close()

        if "spark" not in args.skip:
            t = time.perf_counter()
            spark = start_spark()
            # a first small job starts the Python workers and imports mlgates there (reused after)
            run_spark_frame(spark.createDataFrame(reference.head(1000)), reference)
            start = time.perf_counter() - t
            try:
                t = time.perf_counter()
                v = run_spark(folder, reference, spark)
                seconds = time.perf_counter() - t
                row("spark", seconds, f"{peak_rss_mb():,.0f}", v)
                print(
                    f"{'':<14}(local[2]; session start-up {start:.1f} s not timed; the JVM's memory is "
                    "not in this process's RSS)"
                )
            finally:
                spark.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
