"""FeatureSkewGate vs a plain pandas merge-and-compare, on a training and a serving table of
``--rows`` rows (default 1,000,000) x 12 features (8 floats, 2 integers, 2 strings), the serving
table shuffled, 1% of its rows from other ids and 0.5% of its cells changed.

Run: ``python benchmarks/feature_skew.py [--rows N] [--repeat R]``.

What is timed (best of ``--repeat`` runs, data in memory):

- mlgates: ``FeatureSkewGate(keys="id", atol=1e-9).check(reference=train, current=serve)``
  (duplicate-key check, join, per-feature differing share with examples, unmatched ids);
- lower bound: ``train.merge(serve, on="id", how="inner")`` and, per feature, the count of
  rows whose values differ (``numpy.isclose`` for floats, ``!=`` otherwise), with no
  duplicate check, no unmatched count and no examples.

The result is the ratio ``mlgates / lower bound`` (target: within 3x); the differing counts
of both are printed and must agree.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from mlgates import FeatureSkewGate


def make_pair(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    train = pd.DataFrame({"id": np.arange(n)})
    for i in range(8):
        train[f"f{i}"] = rng.normal(i, 1 + i, n)
    for i in range(2):
        train[f"i{i}"] = rng.integers(0, 1000, n)
    for i in range(2):
        train[f"s{i}"] = rng.choice(np.array([f"v{j}" for j in range(50)], dtype=object), n)
    serve = train.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    other = rng.random(n) < 0.01
    serve.loc[other, "id"] = np.arange(n, n + int(other.sum()))
    for col in serve.columns[1:]:
        hit = rng.random(n) < 0.005
        if col.startswith("f"):
            serve.loc[hit, col] = serve.loc[hit, col] + 1.0
        elif col.startswith("i"):
            serve.loc[hit, col] = serve.loc[hit, col] + 1
        else:
            serve.loc[hit, col] = "changed"
    return train, serve


def lower_bound(train: pd.DataFrame, serve: pd.DataFrame) -> dict[str, int]:
    joined = train.merge(serve, on="id", how="inner", suffixes=("_t", "_s"))
    out = {}
    for col in train.columns[1:]:
        a, b = joined[f"{col}_t"].to_numpy(), joined[f"{col}_s"].to_numpy()
        if col.startswith("f"):
            out[col] = int((~np.isclose(b, a, rtol=0.0, atol=1e-9)).sum())
        else:
            out[col] = int((a != b).sum())
    return out


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    train, serve = make_pair(args.rows)
    gate = FeatureSkewGate(keys="id", atol=1e-9, max_share=0.01, max_unmatched_share=0.02)
    t_gate, verdict = best(lambda: gate.check(reference=train, current=serve), args.repeat)
    t_low, counts = best(lambda: lower_bound(train, serve), args.repeat)
    found = {f.subject: f.details["n_differing"] for f in verdict.findings if "n_differing" in f.details}
    print(f"rows: {args.rows:,} x {train.shape[1] - 1} features; verdict {verdict.status.value}")
    print(f"differing counts agree with the lower bound: {found == counts}")
    print(f"mlgates FeatureSkewGate: {t_gate:.3f} s")
    print(f"pandas merge + compare (lower bound): {t_low:.3f} s")
    print(f"ratio mlgates / lower bound: {t_gate / t_low:.2f}")


if __name__ == "__main__":
    main()
