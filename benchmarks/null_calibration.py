"""Null calibration: random splits of one real table must pass.

For each dataset (scikit-learn's breast_cancer, diabetes, wine and digits at their full size,
and the bundled UCI Adult subsampled to sizes from 300 to 30,000 rows) and each seeded split
(60% reference, 40% current, drawn at random from the same rows):

- ``quality_suite_from_reference(reference, target=...)`` is checked on ``current``;
- ``DriftGate()`` (all defaults) compares ``reference`` and ``current``;
- ``DriftGate(method=plan)`` runs every p-value method on the columns it applies to, the
  methods rotating over the columns from split to split (numeric columns: ks, anderson,
  cramer_von_mises, mannwhitneyu, t_test, empirical_mmd, chisquare, g_test; categorical
  columns: chisquare, g_test; two-valued columns: z, fisher_exact), so each method's
  per-column false-alarm rate at its nominal level (0.05) is measured on every column.

Printed per dataset and size: the share of splits in which the inferred quality suite has any
FAIL, the share in which DriftGate's gate-level decision is FAIL, and each method's per-column
false-alarm rate (rejections / columns tested). The data are the same splits as in
tests/gates/test_null_calibration.py. Usage::

    python benchmarks/null_calibration.py                # 200 splits of every dataset
    python benchmarks/null_calibration.py --splits 20 --datasets breast_cancer adult:300
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

NUMERIC_METHODS = (
    "ks",
    "anderson",
    "cramer_von_mises",
    "mannwhitneyu",
    "t_test",
    "empirical_mmd",
    "chisquare",
    "g_test",
)
COUNT_METHODS = ("chisquare", "g_test")
BINARY_METHODS = ("z", "fisher_exact")
PVALUE_METHODS = tuple(dict.fromkeys(NUMERIC_METHODS + COUNT_METHODS + BINARY_METHODS))
NOMINAL = 0.05
REFERENCE_SHARE = 0.6
ADULT_SIZES = (300, 1000, 3000, 10_000, 30_000)
SKLEARN = ("breast_cancer", "diabetes", "wine", "digits")


@dataclass
class Result:
    """Counts over the splits of one dataset at one size."""

    name: str
    n_rows: int
    n_splits: int = 0
    quality_fails: int = 0
    drift_fails: int = 0
    failed_gates: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    tests: Counter[str] = field(default_factory=Counter)
    per_split_rates: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0

    def rate(self, method: str) -> float:
        return self.hits[method] / self.tests[method] if self.tests[method] else math.nan

    def rate_se(self, method: str) -> float:
        """Standard error of the per-column rate from the spread of per-split rates (columns
        of one split are correlated, splits are not)."""
        rates = self.per_split_rates.get(method, [])
        if len(rates) < 2:
            return math.nan
        return float(np.std(rates, ddof=1) / math.sqrt(len(rates)))


_CACHE: dict[str, tuple[pd.DataFrame, str]] = {}


def load(name: str) -> tuple[pd.DataFrame, str]:
    """The table and its target column."""
    if name not in _CACHE:
        if name == "adult":
            from mlgates.datasets import load_adult

            _CACHE[name] = (load_adult(), "income")
        else:
            from sklearn import datasets

            frame = getattr(datasets, f"load_{name}")(as_frame=True).frame
            _CACHE[name] = (frame, "target")
    return _CACHE[name]


def split(frame: pd.DataFrame, n_rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n_rows`` rows drawn at random (seeded), 60% reference and 40% current."""
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(frame))[:n_rows]
    cut = round(REFERENCE_SHARE * len(rows))
    ref = frame.iloc[np.sort(rows[:cut])].reset_index(drop=True)
    cur = frame.iloc[np.sort(rows[cut:])].reset_index(drop=True)
    return ref, cur


#: empirical_mmd is quadratic in the rows: at most this many columns per split use it.
MMD_COLUMNS = 2


def method_plan(ref: pd.DataFrame, cur: pd.DataFrame, seed: int) -> dict[str, str]:
    """One p-value method per column, rotating with the split's seed (empirical_mmd on at
    most two columns per split; the rotation still reaches every column)."""
    plan: dict[str, str] = {}
    for j, col in enumerate(ref.columns):
        both = pd.concat([ref[col], cur[col]], ignore_index=True).dropna()
        if both.nunique() <= 2:
            methods: tuple[str, ...] = BINARY_METHODS
        elif pd.api.types.is_numeric_dtype(both.dtype) and not pd.api.types.is_bool_dtype(both.dtype):
            methods = NUMERIC_METHODS
        else:
            methods = COUNT_METHODS
        method = methods[(j + seed) % len(methods)]
        if method == "empirical_mmd" and sum(m == method for m in plan.values()) >= MMD_COLUMNS:
            method = methods[(j + seed + 1) % len(methods)]
        plan[str(col)] = method
    return plan


def run_split(result: Result, frame: pd.DataFrame, target: str, seed: int) -> None:
    """One split: the inferred suite, DriftGate's default decision, every p-value method."""
    from mlgates import DriftGate, Status, quality_suite_from_reference

    ref, cur = split(frame, result.n_rows, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        suite = quality_suite_from_reference(ref, target=target)
        verdict = suite.check(current=cur, target=target)
        failed = [
            child.name
            for child in verdict.children
            if any(f.status is Status.FAIL for f in child.findings) or child.status is Status.FAIL
        ]
        drift = DriftGate().check(reference=ref, current=cur)
        by_method = DriftGate(method=method_plan(ref, cur, seed)).check(reference=ref, current=cur)
    result.n_splits += 1
    result.quality_fails += bool(failed)
    result.failed_gates.update(failed)
    result.drift_fails += drift.status is Status.FAIL
    split_hits: Counter[str] = Counter()
    split_tests: Counter[str] = Counter()
    for f in by_method.findings:
        if f.method not in PVALUE_METHODS or f.pvalue is None:
            continue
        if f.reason not in (None, "drift_detected"):
            continue  # not judged (too few values, undefined statistic)
        split_tests[f.method] += 1
        split_hits[f.method] += f.status is Status.FAIL
    result.hits.update(split_hits)
    result.tests.update(split_tests)
    for m, k in split_tests.items():
        result.per_split_rates.setdefault(m, []).append(split_hits[m] / k)


def run(name: str, n_rows: int | None, n_splits: int, seed0: int = 0) -> Result:
    """``n_splits`` seeded splits of dataset ``name`` at ``n_rows`` rows (all rows if None)."""
    frame, target = load(name)
    n = len(frame) if n_rows is None else min(n_rows, len(frame))
    result = Result(name, n)
    start = time.perf_counter()
    for s in range(n_splits):
        run_split(result, frame, target, seed0 + s)
    result.seconds = time.perf_counter() - start
    return result


def configurations(names: list[str] | None = None) -> list[tuple[str, int | None]]:
    """(dataset, rows) pairs; ``adult:300`` picks one Adult size."""
    out: list[tuple[str, int | None]] = []
    for item in names or [*SKLEARN, "adult"]:
        if item == "adult":
            out.extend(("adult", n) for n in ADULT_SIZES)
        elif item.startswith("adult:"):
            out.append(("adult", int(item.split(":", 1)[1])))
        else:
            out.append((item, None))
    return out


def table(results: list[Result]) -> str:
    """The results as a Markdown table (rates in %)."""
    head = ["dataset", "rows", "splits", "quality any FAIL", "DriftGate FAIL", *PVALUE_METHODS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cells = [
            r.name,
            f"{r.n_rows:,}",
            str(r.n_splits),
            f"{100 * r.quality_fails / r.n_splits:.1f}%",
            f"{100 * r.drift_fails / r.n_splits:.1f}%",
        ]
        for m in PVALUE_METHODS:
            cells.append("-" if not r.tests[m] else f"{100 * r.rate(m):.1f}% ({r.tests[m]})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--splits", type=int, default=200)
    parser.add_argument("--datasets", nargs="*", default=None)
    args = parser.parse_args(argv)
    results: list[Any] = []
    for name, n_rows in configurations(args.datasets):
        r = run(name, n_rows, args.splits)
        results.append(r)
        gates = ", ".join(f"{g} {c}" for g, c in r.failed_gates.most_common(3)) or "none"
        print(
            f"{name} n={r.n_rows:,}: quality {r.quality_fails}/{r.n_splits} (gates: {gates}), "
            f"drift {r.drift_fails}/{r.n_splits}, {r.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    print(
        f"Null calibration: {args.splits} random 60/40 splits per row; per-method cells are the "
        f"per-column false-alarm rate at nominal {NOMINAL:g} (columns tested)."
    )
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
