"""Windows over time: one Windowed(DriftGate) check over 365 daily windows against a loop of
separate DriftGate.check calls, one per day (issue 18).

Data: 20 numeric columns; a reference of 100,000 rows; 365 days of 10,000 rows each
(3.65 million rows). Both ways compare each day with the same reference and give the same
statistics (checked, to rounding). Two methods are timed:

- the default (Evidently's rule: the normed Wasserstein distance at these sizes). Windowed sorts
  the reference once per check; each day's exact distance is then one linear pass over the day's
  sorted values and the sorted reference (the loop sorts the reference every day). That pass over
  100,000 reference values per column is the floor of this method;
- ``method="psi"`` on quantile bins frozen from the reference: Windowed computes the bins and the
  reference's counts once; each day costs one sort of its values and a count on the bins.

The loop and Windowed both fingerprint their inputs for provenance as a user's call would:
the loop every day and the reference every call, Windowed the whole input once (a window's
provenance names the input it is cut from).

For the default method a numpy floor is printed too: per window and column, one sort of the
day's values and the exact distance against the reference sorted once (the same kernel, no
findings, no verdicts), and Windowed's ratio to it. ``--vary`` draws each day's row count from
a Poisson distribution around ``--rows`` (real days differ in size: no day's size divides the
reference's, the general case of the distance); by default every day has ``--rows`` rows.

    python benchmarks/monitoring.py            # full size (a few minutes for the loops)
    python benchmarks/monitoring.py --days 30  # quicker
    python benchmarks/monitoring.py --vary     # days of different sizes

Each way runs ``--repeat`` times (default 3, alternating) and the fastest run is shown: the
machine's other work only ever slows a run down.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import pandas as pd

from mlgates import DriftGate, Windowed


def data(
    days: int, rows: int, columns: int, n_ref: int, seed: int = 0, vary: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    names = [f"f{i:02d}" for i in range(columns)]
    reference = pd.DataFrame(rng.normal(size=(n_ref, columns)), columns=names)
    sizes = rng.poisson(rows, size=days) if vary else np.full(days, rows)
    values = rng.normal(size=(int(sizes.sum()), columns))
    current = pd.DataFrame(values, columns=names)
    start = pd.Timestamp("2025-01-01")
    day = np.repeat(np.arange(days), sizes)
    seconds = rng.uniform(0, 86_400, size=day.size)
    seconds = seconds[np.lexsort((seconds, day))]
    current.insert(0, "t", start + pd.to_timedelta(day * 86_400 + seconds, unit="s"))
    return reference, current


def numpy_floor(reference: pd.DataFrame, groups: list[pd.DataFrame], columns: list[str]) -> float:
    """Seconds for the default method's arithmetic alone: the reference sorted (and its unit,
    the standard deviation, computed) once, then per window and column one sort and the exact
    distance (mlgates' kernel)."""
    from mlgates.stats.drift import wasserstein

    t0 = time.perf_counter()
    ref = {c: np.sort(reference[c].to_numpy()) for c in columns}
    unit = {c: max(float(np.std(ref[c])), 0.001) for c in columns}
    for g in groups:
        for c in columns:
            raw = wasserstein(ref[c], np.sort(g[c].to_numpy()), normed=False, presorted=True).statistic
            raw / unit[c]
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--reference", type=int, default=100_000)
    parser.add_argument("--methods", nargs="+", default=["auto", "psi"])
    parser.add_argument("--vary", action="store_true", help="Poisson day sizes around --rows")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way; the fastest is shown")
    args = parser.parse_args()
    reference, current = data(args.days, args.rows, args.columns, args.reference, vary=args.vary)
    columns = [c for c in current.columns if c != "t"]
    day = current["t"].dt.floor("D")
    groups = [current.iloc[idx] for idx in day.groupby(day, sort=True).indices.values()]
    n = args.days
    sizes = f"about {args.rows:,} rows (Poisson)" if args.vary else f"{args.rows:,} rows"
    print(f"{n} daily windows x {args.columns} columns x {sizes} (reference {args.reference:,} rows)")
    for method in args.methods:
        gate = DriftGate(columns=columns, method=method)

        t_windowed = t_loop = t_floor = math.inf
        for _ in range(args.repeat):  # alternating, so a busy spell of the machine hits both
            t0 = time.perf_counter()
            windowed = Windowed(gate, on="t", window="1D").check(reference=reference, current=current)
            t_windowed = min(t_windowed, time.perf_counter() - t0)

            t0 = time.perf_counter()
            looped = [gate.check(reference=reference, current=g) for g in groups]
            t_loop = min(t_loop, time.perf_counter() - t0)
            if method == "auto":
                t_floor = min(t_floor, numpy_floor(reference, groups, columns))

        days = [c for c in windowed.children if c.provenance["window"]["side"] == "current"]
        assert len(days) == len(looped) == n
        for a, b in zip(days, looped, strict=True):
            sa = [f.statistic for f in a.findings]
            sb = [f.statistic for f in b.findings]
            np.testing.assert_allclose(sa, sb, rtol=1e-9, atol=1e-12)
        used = sorted({f.method for f in looped[0].findings if f.method and f.subject != "dataset"})
        print(
            f"method={method!r} ({', '.join(used)})\n"
            f"  Windowed(DriftGate)        {t_windowed:8.2f} s  ({1000 * t_windowed / n:6.2f} ms per window)\n"
            f"  loop of DriftGate.check    {t_loop:8.2f} s  ({1000 * t_loop / n:6.2f} ms per window)\n"
            f"  speed-up                   {t_loop / t_windowed:8.1f}x  (same statistics in every window, to 1e-9)"
        )
        if used == ["wasserstein"] and method == "auto":
            print(
                f"  numpy floor (sort + kernel){t_floor:8.2f} s  ({1000 * t_floor / n:6.2f} ms per window): "
                f"Windowed {t_windowed / t_floor:.1f}x it, the loop {t_loop / t_floor:.1f}x"
            )


if __name__ == "__main__":
    main()
