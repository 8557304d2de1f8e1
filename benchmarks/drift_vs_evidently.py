"""DriftGate vs Evidently 0.7's ``Report([DataDriftPreset()])`` on the same data, same run.

25 columns (20 numeric, 5 categorical), reference and current of N rows each (some columns
shifted). Both libraries use their automatic method choice (for N > 1000: normed Wasserstein for
numeric columns, Jensen-Shannon for categorical ones). Printed per size: wall time of each, their
ratio, peak memory above the loaded data (VmHWM - VmRSS before the run, each in a fresh
process, the peak reset after loading), the input size, the largest difference between the two libraries' per-column
statistics, and a numpy lower bound (one sort per column and side) with mlgates' ratio to it, in
wall time and in CPU time (process time: mlgates' thread pool adds its threads' CPU; on a machine
busy with other work the CPU ratio is the steadier figure).

Evidently needs pandas < 3, so it runs in its own virtual environment; mlgates runs in the
current one. Build the Evidently environment once with::

    python -m venv /tmp/venv-ev
    /tmp/venv-ev/bin/pip install "evidently>=0.7,<0.8" "pandas<3"

(or pass ``--build-venv``). Usage::

    python benchmarks/drift_vs_evidently.py --rows 10000 100000 1000000

mlgates and the numpy bound report the median of ``--repeat`` runs (default 3); Evidently runs
once (it takes minutes at 1M rows). The machine's load moves all of these numbers; run it on an
idle machine for stable figures. Each worker is a subprocess of this script (``--worker mlgates|evidently|numpy``) reading the
same ``.npz`` file, so numbers come from identical data.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

N_NUMERIC = 20
N_CATEGORICAL = 5
SEED = 20261126


def make_data(n: int, path: Path) -> None:
    rng = np.random.default_rng(SEED)
    arrays: dict[str, np.ndarray] = {}
    for side, drift in (("ref", 0.0), ("cur", 1.0)):
        for j in range(N_NUMERIC):
            shift = drift * (0.3 if j % 4 == 0 else 0.0)
            if j % 5 == 1:
                col = rng.lognormal(shift, 1.0, n)
            elif j % 5 == 2:
                col = rng.integers(0, 1000, n).astype(float) + 100 * shift
            else:
                col = rng.normal(shift, 1.0 + j / 10, n)
            arrays[f"{side}_num{j}"] = col
        for j in range(N_CATEGORICAL):
            k = 3 + 4 * j
            p = np.linspace(1, 2, k)
            if drift and j % 2 == 0:
                p = p[::-1]
            arrays[f"{side}_cat{j}"] = np.array([f"c{i}" for i in range(k)])[rng.choice(k, n, p=p / p.sum())]
    np.savez(path, **arrays)


def load_frames(path: str):
    import pandas as pd

    data = np.load(path)
    frames = []
    for side in ("ref", "cur"):
        cols = {f"num{j}": data[f"{side}_num{j}"] for j in range(N_NUMERIC)}
        cols.update({f"cat{j}": data[f"{side}_cat{j}"].astype(object) for j in range(N_CATEGORICAL)})
        frames.append(pd.DataFrame(cols))
    return frames


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so loading the data does not count."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        print("warning: could not reset the peak RSS; peaks include loading the data", file=sys.stderr)


def worker(kind: str, path: str, repeat: int) -> None:
    ref, cur = load_frames(path)
    import gc

    if kind == "mlgates":  # imports before the memory baseline: only the check is measured
        import scipy.stats  # noqa: F401

        from mlgates import DriftGate
    elif kind == "evidently":
        from evidently import Report
        from evidently.presets import DataDriftPreset
    data_mib = (ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum()) / 2**20
    gc.collect()
    _reset_peak()
    base = _rss_kib("VmRSS")
    stats: dict[str, float] = {}
    cpu = float("nan")
    if kind == "mlgates":
        times, cpus = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            verdict = DriftGate().check(reference=ref, current=cur)
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        elapsed, cpu = float(np.median(times)), float(np.median(cpus))
        for f in verdict.findings:
            if f.method in ("wasserstein", "jensenshannon"):
                stats[f.subject] = f.statistic
    elif kind == "evidently":
        start = time.perf_counter()
        snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
        elapsed = time.perf_counter() - start
        for m in snapshot.dict()["metrics"]:
            cfg = m.get("config", {})
            if cfg.get("type", "").endswith("ValueDrift"):
                stats[cfg["column"]] = float(m["value"])
    else:  # numpy lower bound: one sort per column and side (numeric), one hash count (categorical)
        times, cpus = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            for frame in (ref, cur):
                for col in frame.columns:
                    if col.startswith("num"):
                        np.sort(frame[col].to_numpy())
                    else:
                        frame[col].value_counts()
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        elapsed, cpu = float(np.median(times)), float(np.median(cpus))
    peak = _rss_kib("VmHWM")
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "peak_above_mib": max(peak - base, 0) / 1024,
                "data_mib": data_mib,
                "stats": stats,
            }
        )
    )


def run_worker(python: str, kind: str, path: Path, repeat: int = 1) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [python, __file__, "--worker", kind, "--data", str(path), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def build_venv(venv: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "evidently>=0.7,<0.8", "pandas<3"], check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--evidently-venv", default="/tmp/venv-ev")
    parser.add_argument("--build-venv", action="store_true")
    parser.add_argument("--skip-evidently", action="store_true")
    parser.add_argument("--worker", choices=["mlgates", "evidently", "numpy"])
    parser.add_argument("--data")
    parser.add_argument("--repeat", type=int, default=3, help="runs of mlgates and numpy (median)")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.repeat)
        return
    venv = Path(args.evidently_venv)
    ev_python = venv / "bin" / "python"
    if not args.skip_evidently and not ev_python.exists():
        if not args.build_venv:
            sys.exit(f"{ev_python} not found: pass --build-venv or --skip-evidently (see the docstring)")
        build_venv(venv)
    print(
        f"{N_NUMERIC} numeric + {N_CATEGORICAL} categorical columns; reference and current of N rows each; "
        f"mlgates in {sys.executable}, Evidently 0.7 in {ev_python}"
    )
    header = (
        f"{'rows':>9} {'data MiB':>9} {'mlgates s':>10} {'evidently s':>12} {'ratio':>8} "
        f"{'numpy s':>8} {'vs numpy':>9} {'cpu vs numpy':>13} {'mlg peak MiB':>13} {'ev peak MiB':>12} {'max |stat diff|':>16}"
    )
    print(header)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.rows:
            path = Path(tmp) / f"data_{n}.npz"
            make_data(n, path)
            ours = run_worker(sys.executable, "mlgates", path, args.repeat)
            low = run_worker(sys.executable, "numpy", path, args.repeat)
            ev = None if args.skip_evidently else run_worker(str(ev_python), "evidently", path)
            ratio = ev["seconds"] / ours["seconds"] if ev else float("nan")
            diff = float("nan")
            if ev:
                common = set(ours["stats"]) & set(ev["stats"])
                diff = max(abs(ours["stats"][c] - ev["stats"][c]) for c in common) if common else float("nan")
            print(
                f"{n:>9,} {ours['data_mib']:>9.1f} {ours['seconds']:>10.3f} "
                f"{(ev or {}).get('seconds', float('nan')):>12.2f} {ratio:>7.0f}x {low['seconds']:>8.3f} "
                f"{ours['seconds'] / low['seconds']:>8.1f}x {ours['cpu_seconds'] / low['cpu_seconds']:>12.1f}x "
                f"{ours['peak_above_mib']:>13.1f} "
                f"{(ev or {}).get('peak_above_mib', float('nan')):>12.1f} {diff:>16.2e}",
                flush=True,
            )


if __name__ == "__main__":
    main()
