"""The inferred data-quality suite vs pandera (lazy validation) and Great Expectations, and
vs a numpy lower bound, on 1,000,000 rows x 25 columns, measured in one process.

Run: ``python benchmarks/quality_vs_peers.py [--rows N]`` (needs ``pip install mlgates[bench]``;
Great Expectations is optional and skipped with a note when it is not installed or fails).

What is timed (best of ``--repeat`` runs, data already in memory, suites already built):

- mlgates: ``quality_suite_from_reference(reference)`` checked on ``current`` (schema, row
  count, missing shares, ranges, categories, unique key, duplicate rows, constant columns,
  infinities, outlier shares, monotonic timestamps);
- pandera: one ``DataFrameSchema`` with the same checks, built from the same inferred
  thresholds (built-in checks where pandera has them: dtype, ``isin``, ``unique``; custom
  vectorised checks for the shares that pandera's built-ins cannot express: missing share,
  range with a share allowed outside, duplicated-row share, constant column, infinities,
  share beyond the frozen outlier fences, monotonic order), ``validate(lazy=True)``;
- Great Expectations: the expectations it has for the same checks (type, between with
  ``mostly`` for ranges and outlier fences, in set with ``mostly``, not null with
  ``mostly``, unique, compound-columns unique, unique value count, increasing; it has no
  infinity check), result format ``SUMMARY``;
- lower bound: each column's min, max and null count computed once with numpy (pandas for
  string, categorical and datetime columns): one vectorised pass over the data.

Ratios, not absolute times, are the result: ``mlgates / pandera`` (< 1 means faster) and
``mlgates / lower bound`` (target: within 5x).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

import mlgates

N_FLOAT, N_INT, N_STR = 12, 4, 5  # + id, categorical, boolean, timestamp = 25 columns


def make_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    for i in range(N_FLOAT):
        x = rng.normal(10 * i, 1 + i, n)
        x[rng.random(n) < 0.01 * (i % 3)] = np.nan
        cols[f"f{i}"] = x
    for i in range(N_INT):
        cols[f"i{i}"] = rng.integers(0, 100 * (i + 1), n)
    cols["id"] = np.arange(n)
    for i in range(N_STR):
        levels = np.array([f"level_{i}_{k}" for k in range(5 + 10 * i)], dtype=object)
        s = levels[rng.integers(0, len(levels), n)]
        s[rng.random(n) < 0.02] = None
        cols[f"s{i}"] = pd.Series(s, dtype="str")
    cols["cat"] = pd.Categorical.from_codes(rng.integers(0, 8, n), categories=[f"c{k}" for k in range(8)])
    cols["flag"] = rng.random(n) < 0.3
    cols["ts"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(
        np.sort(rng.integers(0, 86_400 * 300, n)), unit="s"
    )
    return pd.DataFrame(cols)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def lower_bound(frame: pd.DataFrame) -> list[tuple[object, object, int]]:
    out = []
    for col in frame.columns:
        s = frame[col]
        if s.dtype.kind in "fiub" and isinstance(s.dtype, np.dtype):
            a = s.to_numpy()
            if a.dtype.kind == "f":
                out.append((np.nanmin(a), np.nanmax(a), int(np.isnan(a).sum())))
            else:
                out.append((a.min(), a.max(), 0))
        elif isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.cat.codes.to_numpy()
            out.append((codes.min(), codes.max(), int((codes < 0).sum())))
        else:
            out.append((s.min(), s.max(), int(s.isna().sum())))
    return out


def _gate(suite: mlgates.Suite, name: str) -> mlgates.Gate | None:
    return next((g for g in suite.gates if g.name == name), None)


def pandera_schema(suite: mlgates.Suite, reference: pd.DataFrame):
    import pandera.pandas as pa

    missing = _gate(suite, "missing_values").max_share
    bounds = _gate(suite, "ranges").bounds
    allowed = _gate(suite, "categories").allowed
    unique = set(_gate(suite, "unique_keys").columns)
    varying = set(_gate(suite, "constant_columns").columns)
    finite = set(_gate(suite, "infinite_values").columns)
    outliers = _gate(suite, "outliers").max_share
    ordered = set(_gate(suite, "monotonic").columns)
    dup_share = _gate(suite, "duplicate_rows").max_share

    fences = _gate(suite, "outliers").fences

    def outlier_check(col: str, limit: float) -> pa.Check:
        lo, hi = fences[col]["low"], fences[col]["high"]
        return pa.Check(
            lambda s: bool(((s < lo) | (s > hi)).sum() <= limit * s.notna().sum()), name="outlier_share"
        )

    columns = {}
    for col in reference.columns:
        checks = [
            pa.Check(
                lambda s, m=missing[col]: bool(s.isna().mean() <= m), ignore_na=False, name="missing_share"
            )
        ]
        if col in bounds:
            b = bounds[col]
            share = _gate(suite, "ranges").max_share_outside
            checks.append(
                pa.Check(
                    lambda s, b=b, m=share: bool(
                        (~s.between(b["min"], b["max"])).sum() <= m * s.notna().sum() + s.isna().sum()
                    ),
                    name="in_range_mostly",
                )
            )
        if col in allowed:
            checks.append(pa.Check.isin(allowed[col]))
        if col in varying:
            checks.append(pa.Check(lambda s: bool(s.nunique() >= 2), name="not_constant"))
        if col in finite:
            checks.append(pa.Check(lambda s: bool(~np.isinf(s.to_numpy()).any()), name="finite"))
        if col in outliers:
            checks.append(outlier_check(col, outliers[col]))
        if col in ordered:
            checks.append(pa.Check(lambda s: bool(s.dropna().is_monotonic_increasing), name="monotonic"))
        columns[col] = pa.Column(str(reference[col].dtype), checks, nullable=True, unique=col in unique)
    frame_checks = [pa.Check(lambda df: bool(df.duplicated().mean() <= dup_share), name="duplicate_share")]
    return pa.DataFrameSchema(columns, checks=frame_checks)


def run_pandera(schema, frame: pd.DataFrame) -> object:
    import pandera.pandas as pa

    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases


def ge_runner(suite: mlgates.Suite, reference: pd.DataFrame, frame: pd.DataFrame) -> Callable[[], object]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    missing = _gate(suite, "missing_values").max_share
    bounds = _gate(suite, "ranges").bounds
    allowed = _gate(suite, "categories").allowed
    unique = _gate(suite, "unique_keys").columns
    varying = _gate(suite, "constant_columns").columns
    ordered = _gate(suite, "monotonic").columns
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("bench")
        .add_dataframe_asset("current")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    es = gx.ExpectationSuite(name="inferred")
    for col in reference.columns:
        es.add_expectation(gxe.ExpectColumnValuesToBeOfType(column=col, type_=str(reference[col].dtype)))
        if missing[col] < 1:
            es.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=1 - missing[col]))
        if col in bounds:
            es.add_expectation(
                gxe.ExpectColumnValuesToBeBetween(
                    column=col,
                    min_value=bounds[col]["min"],
                    max_value=bounds[col]["max"],
                    mostly=1 - _gate(suite, "ranges").max_share_outside,
                )
            )
        if col in allowed:
            es.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=col,
                    value_set=allowed[col],
                    mostly=1 - _gate(suite, "categories").max_unknown_share,
                )
            )
        if col in varying:
            es.add_expectation(gxe.ExpectColumnUniqueValueCountToBeBetween(column=col, min_value=2))
    fences = _gate(suite, "outliers").fences
    for col, limit in _gate(suite, "outliers").max_share.items():
        es.add_expectation(
            gxe.ExpectColumnValuesToBeBetween(
                column=col, min_value=fences[col]["low"], max_value=fences[col]["high"], mostly=1 - limit
            )
        )
    for col in unique:
        es.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=col))
    for col in ordered:
        es.add_expectation(gxe.ExpectColumnValuesToBeIncreasing(column=col))
    es.add_expectation(
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=list(reference.columns), mostly=1 - _gate(suite, "duplicate_rows").max_share
        )
    )
    es = context.suites.add(es)
    return lambda: batch.validate(es, result_format="SUMMARY")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("TQDM_DISABLE", "1")  # Great Expectations' progress bars
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    reference, current = make_frame(args.rows, 0), make_frame(args.rows, 1)
    print(
        f"data: {args.rows:,} rows x {current.shape[1]} columns "
        f"({N_FLOAT} float, {N_INT + 1} int incl. id, {N_STR} str, categorical, bool, datetime)"
    )
    t_infer, suite = timed(lambda: mlgates.quality_suite_from_reference(reference), 1)
    print(f"inferred suite: {len(suite.gates)} gates: {', '.join(g.name for g in suite.gates)}")
    inputs = {"reference": reference, "current": current}

    t_lower, _ = timed(lambda: lower_bound(current), args.repeat)
    t_ours, verdict = timed(lambda: suite.check(**inputs), args.repeat)
    print(f"mlgates verdict: {verdict.status.value}")
    per_gate = sorted(((c.duration_s or 0.0, c.name) for c in verdict.children), reverse=True)[:5]
    print("slowest gates (s): " + ", ".join(f"{n} {d:.3f}" for d, n in per_gate))

    rows = [("numpy lower bound (min, max, nulls per column)", t_lower), ("mlgates inferred suite", t_ours)]
    try:
        schema = pandera_schema(suite, reference)
        t_pandera, _ = timed(lambda: run_pandera(schema, current), max(1, args.repeat - 1))
        rows.append(("pandera DataFrameSchema.validate(lazy=True)", t_pandera))
    except ImportError:
        t_pandera = float("nan")
        print("pandera not installed: pip install mlgates[bench]")
    t_ge = float("nan")
    try:
        run_ge = ge_runner(suite, reference, current)
        with contextlib.redirect_stderr(io.StringIO()):  # its progress bars
            t_ge, result = timed(run_ge, 1)
        rows.append(("Great Expectations 1.x batch.validate (SUMMARY)", t_ge))
        failed = [r.expectation_config.type for r in getattr(result, "results", []) if not r.success]
        print(
            f"great expectations success: {getattr(result, 'success', '?')}"
            + (f" (failed: {sorted(set(failed))})" if failed else "")
        )
    except ImportError:
        print("Great Expectations: not installed (optional; pip install great_expectations)")
    except Exception as exc:  # a peer failing on this data is reported, not hidden
        print(f"Great Expectations: failed on this data ({type(exc).__name__}: {str(exc)[:200]})")

    print(f"\n(inference from the reference, once: {t_infer:.2f} s)")
    width = max(len(r[0]) for r in rows)
    for label, t in rows:
        print(f"{label:<{width}}  {t:8.3f} s")
    print()
    print(f"ratio mlgates / numpy lower bound:  {t_ours / t_lower:6.2f}x   (target <= 5x)")
    print(f"ratio mlgates / pandera:            {t_ours / t_pandera:6.2f}x   (target < 1: faster)")
    if t_ge == t_ge:
        print(f"ratio mlgates / Great Expectations: {t_ours / t_ge:6.2f}x")


if __name__ == "__main__":
    main()
