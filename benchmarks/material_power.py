"""Power and false alarms of DriftGate(decision="material") against the sample size (issue 18).

One numeric column, reference and current of n rows each from N(0, 1) and N(delta, 1): the
normed Wasserstein distance between them is ``delta`` (a pure shift), so with the materiality
bound ``threshold=0.1`` a shift of 0.05 is immaterial and one of 0.2 is material. For each n and
delta, ``--reps`` independent draws; printed per cell: the share of checks that FAIL, and for
``decision="material"`` also the share ``drift_inconclusive`` (the interval straddles the bound).

Three ways to decide are compared on the same draws:

- ``ks``: the Kolmogorov-Smirnov test at 0.05 (what a p-value gate does): at large n every
  shift, however small, fails ("everything drifts at 1M rows");
- ``point``: the distance against the bound (``decision="point"``): right on average, but at
  small n the estimate's noise crosses the bound either way;
- ``material``: FAIL only when the change is significant and the interval's lower bound is above
  the bound; inconclusive when the interval straddles it; PASS when it lies below.

    python benchmarks/material_power.py               # n = 300, 3,000, 30,000; 40 draws (~15 min)
    python benchmarks/material_power.py --reps 40 --sizes 1000 100000
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from mlgates import DriftGate

SHIFTS = (0.0, 0.05, 0.08, 0.12, 0.2, 0.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3_000, 30_000])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--threshold", type=float, default=0.1)
    args = parser.parse_args()
    gates = {
        "ks": DriftGate(method="ks", mode="column"),
        "point": DriftGate(method="wasserstein", threshold=args.threshold, mode="column"),
        "material": DriftGate(
            method="wasserstein", threshold=args.threshold, decision="material", mode="column"
        ),
    }
    print(
        f"one N(0,1) column vs N(delta,1); normed Wasserstein bound {args.threshold}; {args.reps} draws per cell\n"
        "cells: FAIL share (material: FAIL / inconclusive)"
    )
    header = f"{'n':>8} {'way':>9} " + " ".join(f"{'d=' + str(d):>13}" for d in SHIFTS)
    print(header)
    rng = np.random.default_rng(2026)
    for n in args.sizes:
        tallies = {w: {d: [0, 0] for d in SHIFTS} for w in gates}
        start = time.perf_counter()
        for delta in SHIFTS:
            for _ in range(args.reps):
                ref = pd.DataFrame({"x": rng.normal(size=n)})
                cur = pd.DataFrame({"x": rng.normal(delta, 1.0, size=n)})
                for way, gate in gates.items():
                    f = gate.check(reference=ref, current=cur).findings[0]
                    tallies[way][delta][0] += f.status.value == "fail"
                    tallies[way][delta][1] += f.reason == "drift_inconclusive"
        for way in gates:
            cells = []
            for d in SHIFTS:
                fail, inconclusive = (100 * v / args.reps for v in tallies[way][d])
                cells.append(f"{fail:5.1f}/{inconclusive:5.1f}%" if way == "material" else f"{fail:12.1f}%")
            print(f"{n:>8,} {way:>9} " + " ".join(f"{c:>13}" for c in cells))
        print(f"{'':>8} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
