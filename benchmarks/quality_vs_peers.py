"""The inferred data-quality suite vs pandera (lazy validation) and Great Expectations, and
vs a numpy lower bound, on 1,000,000 rows x 25 columns, measured in one process.

Run: ``python benchmarks/quality_vs_peers.py [--rows N]`` (needs ``pip install mlgates[bench]``;
Great Expectations is optional and skipped with a note when it is not installed or fails).

What is timed (best of ``--repeat`` runs, data already in memory, suites already built):

- mlgates: ``quality_suite_from_reference(reference, statistics=False)`` checked on ``current`` (schema, row
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

Two more comparisons (``--only rules`` / ``--only statistics`` run one of them alone):

- rules across columns, on ``--rows`` orders (dates, prices, quantities, country, currency,
  state; 0.1% of rows break each rule): ``RuleGate`` with 5 rules vs pandera's DataFrame-wide
  checks (one vectorised ``pa.Check(lambda df: ...)`` per rule) and Great Expectations'
  column-pair expectations (A greater than B, pairs in a set, not null under a ``row_condition``;
  it has no expectation for arithmetic between columns on pandas, so it runs 4 of the 5 rules, on
  the first ``--ge-rule-rows`` rows since it works row by row, and mlgates is timed on the same
  4 rules and rows for that ratio);
- statistics on the 25-column table: ``StatisticGate`` bounds on the mean, standard deviation
  and median of the 16 numeric columns (with their intervals, and with ``decision="point"``)
  vs Great Expectations' ``expect_column_mean_to_be_between``, ``..._stdev_...`` and
  ``..._median_...``, and pandera column checks computing the same statistics.
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
            present = s.dropna()  # object columns hold NaN beside str under pandas 2
            out.append((present.min(), present.max(), len(s) - len(present)))
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


# -- rules across columns ------------------------------------------------------------------------
PAIRS = {"US": "USD", "FR": "EUR", "DE": "EUR", "JP": "JPY"}
RULES = [
    "end_date >= start_date",
    "price >= discount",
    " or ".join(f"country == '{c}' and currency == '{m}'" for c, m in PAIRS.items()),
    "country != 'US' or state notnull",
    "abs(price * qty - total) <= 0.01",
]


def make_orders(n: int, seed: int, broken: float = 0.001) -> pd.DataFrame:
    """Orders that keep the 5 rules, except a share ``broken`` of rows per rule."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86_400, n), unit="s")
    end = start + pd.to_timedelta(rng.integers(0, 30 * 86_400, n), unit="s")
    price = rng.uniform(1, 100, n).round(2)
    discount = (price * rng.uniform(0, 0.3, n)).round(2)
    qty = rng.integers(1, 20, n)
    total = price * qty
    country = rng.choice(list(PAIRS), n)
    currency = pd.Series(country).map(PAIRS).to_numpy(dtype=object)
    state = np.where(country == "US", rng.choice(["CA", "NY", "TX"], n), None)

    def some() -> np.ndarray:
        return rng.random(n) < broken

    end = end.where(~some(), start - pd.Timedelta(days=1))
    discount = np.where(some(), price + 1, discount)
    currency = np.where(some(), "XXX", currency)
    state = np.where(some() & (country == "US"), None, state)
    total = np.where(some(), total + 1, total)
    return pd.DataFrame(
        {
            "start_date": start,
            "end_date": end,
            "price": price,
            "discount": discount,
            "qty": qty,
            "total": total,
            # inferred: pandas 3's str dtype, object under pandas 2 (where dtype="str" turns None
            # into the string "None")
            "country": pd.Series(list(country)),
            "currency": pd.Series(list(currency)),
            "state": pd.Series(list(state)),
        }
    )


def pandera_rules(rules: list[str]):
    import pandera.pandas as pa

    checks = {
        RULES[0]: lambda df: df["end_date"] >= df["start_date"],
        RULES[1]: lambda df: df["price"] >= df["discount"],
        RULES[2]: lambda df: pd.Series(
            list(zip(df["country"], df["currency"], strict=True)), index=df.index
        ).isin(set(PAIRS.items())),
        RULES[3]: lambda df: (df["country"] != "US") | df["state"].notna(),
        RULES[4]: lambda df: (df["price"] * df["qty"] - df["total"]).abs() <= 0.01,
    }
    return pa.DataFrameSchema(checks=[pa.Check(checks[r], name=f"rule {i}") for i, r in enumerate(rules)])


def pandera_rules_fast(rules: list[str]):
    """The same rules written as a pandera user who knows pandas would: the pair rule vectorised."""
    import pandera.pandas as pa

    def pairs(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(False, index=df.index)
        for c, m in PAIRS.items():
            ok |= (df["country"] == c) & (df["currency"] == m)
        return ok

    checks = {
        RULES[0]: lambda df: df["end_date"] >= df["start_date"],
        RULES[1]: lambda df: df["price"] >= df["discount"],
        RULES[2]: pairs,
        RULES[3]: lambda df: (df["country"] != "US") | df["state"].notna(),
        RULES[4]: lambda df: (df["price"] * df["qty"] - df["total"]).abs() <= 0.01,
    }
    return pa.DataFrameSchema(checks=[pa.Check(checks[r], name=f"rule {i}") for i, r in enumerate(rules)])


def ge_rules(frame: pd.DataFrame) -> Callable[[], object]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("rules")
        .add_dataframe_asset("orders")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    es = gx.ExpectationSuite(name="rules")
    es.add_expectation(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="end_date", column_B="start_date", or_equal=True, mostly=0.99
        )
    )
    es.add_expectation(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="price", column_B="discount", or_equal=True, mostly=0.99
        )
    )
    es.add_expectation(
        gxe.ExpectColumnPairValuesToBeInSet(
            column_A="country",
            column_B="currency",
            value_pairs_set=[list(p) for p in PAIRS.items()],
            mostly=0.99,
        )
    )
    es.add_expectation(
        gxe.ExpectColumnValuesToNotBeNull(
            column="state", row_condition='country=="US"', condition_parser="pandas", mostly=0.99
        )
    )
    es = context.suites.add(es)
    return lambda: batch.validate(es, result_format="SUMMARY")


def bench_rules(rows: int, repeat: int, ge_limit: int) -> None:
    """``ge_limit``: Great Expectations' column-pair expectations work row by row (about 30 s per
    100,000 rows here), so they run on the first ``ge_limit`` rows, and RuleGate is timed on
    the same rows for their ratio."""
    orders = make_orders(rows, 0)
    print(f"\n== rules across columns: {rows:,} orders, 5 rules, 0.1% of rows break each ==")
    gate5 = mlgates.RuleGate(RULES, max_share=0.01)
    gate4 = mlgates.RuleGate(RULES[:4], max_share=0.01)
    t5, v5 = timed(lambda: gate5.check(current=orders), repeat)
    t4, _ = timed(lambda: gate4.check(current=orders), repeat)
    shares = ", ".join(f"{f.statistic:.4f}" for f in v5.findings)
    print(f"mlgates RuleGate: {v5.status.value} (violation shares {shares})")
    rows_out = [("mlgates RuleGate, 5 rules", t5), ("mlgates RuleGate, the 4 rules GE can express", t4)]
    t_pa = t_pa_fast = t_ge = t4_small = float("nan")
    try:
        schema = pandera_rules(RULES)
        t_pa, _ = timed(lambda: run_pandera(schema, orders), max(1, repeat - 1))
        rows_out.append(("pandera DataFrame-wide checks, 5 rules (pair rule via zip/isin)", t_pa))
        fast = pandera_rules_fast(RULES)
        t_pa_fast, _ = timed(lambda: run_pandera(fast, orders), max(1, repeat - 1))
        rows_out.append(("pandera DataFrame-wide checks, 5 rules (all vectorised)", t_pa_fast))
    except ImportError:
        print("pandera not installed: pip install mlgates[bench]")
    ge_rows = min(rows, ge_limit)
    try:
        small = orders.iloc[:ge_rows]
        run_ge = ge_rules(small)
        with contextlib.redirect_stderr(io.StringIO()):
            t_ge, result = timed(run_ge, 1)
        t4_small, _ = timed(lambda: gate4.check(current=small), repeat)
        rows_out.append((f"Great Expectations column-pair expectations, 4 rules, {ge_rows:,} rows", t_ge))
        rows_out.append((f"mlgates RuleGate, the same 4 rules, {ge_rows:,} rows", t4_small))
        print(f"great expectations success: {getattr(result, 'success', '?')}")
    except ImportError:
        print("Great Expectations: not installed (optional)")
    except Exception as exc:
        print(f"Great Expectations: failed on this data ({type(exc).__name__}: {str(exc)[:200]})")
    _table(rows_out)
    print(f"ratio RuleGate / pandera (zip/isin pair rule): {t5 / t_pa:6.2f}x   (target < 1: faster)")
    print(f"ratio RuleGate / pandera (all vectorised):    {t5 / t_pa_fast:6.2f}x   (target < 1: faster)")
    if t_ge == t_ge:
        print(
            f"ratio RuleGate / Great Expectations, same 4 rules on {ge_rows:,} rows: {t4_small / t_ge:8.4f}x"
            "   (target < 1: faster)"
        )


# -- statistics -----------------------------------------------------------------------------------
def stat_bounds(reference: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    cols = [c for c in reference.columns if reference[c].dtype.kind in "fi" and c != "id"]
    out: dict[str, dict[str, dict[str, float]]] = {"mean": {}, "std": {}, "median": {}}
    for c in cols:
        x = reference[c]
        sd = float(x.std())
        for stat, value in (("mean", x.mean()), ("std", sd), ("median", x.median())):
            out[stat][c] = {"min": float(value - sd), "max": float(value + sd)}
    return out


def bench_statistics(reference: pd.DataFrame, current: pd.DataFrame, repeat: int) -> None:
    bounds = stat_bounds(reference)
    n_cols = len(bounds["mean"])
    print(
        f"\n== statistics: mean, std and median bounds on {n_cols} numeric columns, {len(current):,} rows =="
    )
    suite_ci = mlgates.Suite([mlgates.StatisticGate(s, bounds=b) for s, b in bounds.items()])
    suite_point = mlgates.Suite(
        [mlgates.StatisticGate(s, bounds=b, decision="point") for s, b in bounds.items()]
    )
    t_ci, v = timed(lambda: suite_ci.check(current=current), repeat)
    t_point, _ = timed(lambda: suite_point.check(current=current), repeat)
    print(f"mlgates StatisticGate: {v.status.value}")
    rows_out = [
        ("mlgates StatisticGate x3 (with intervals)", t_ci),
        ("mlgates StatisticGate x3 (decision='point')", t_point),
    ]
    t_ge = t_pa = float("nan")
    try:
        import pandera.pandas as pa

        def column_checks(col: str) -> list:
            return [
                pa.Check(lambda s, b=bounds["mean"][col]: b["min"] <= s.mean() <= b["max"], name="mean"),
                pa.Check(lambda s, b=bounds["std"][col]: b["min"] <= s.std() <= b["max"], name="std"),
                pa.Check(
                    lambda s, b=bounds["median"][col]: b["min"] <= s.median() <= b["max"], name="median"
                ),
            ]

        schema = pa.DataFrameSchema({c: pa.Column(checks=column_checks(c)) for c in bounds["mean"]})
        t_pa, _ = timed(lambda: run_pandera(schema, current), max(1, repeat - 1))
        rows_out.append(("pandera column checks (s.mean(), s.std(), s.median())", t_pa))
    except ImportError:
        print("pandera not installed: pip install mlgates[bench]")
    try:
        import great_expectations as gx
        import great_expectations.expectations as gxe

        context = gx.get_context(mode="ephemeral")
        batch = (
            context.data_sources.add_pandas("stats")
            .add_dataframe_asset("current")
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": current})
        )
        es = gx.ExpectationSuite(name="stats")
        kinds = {
            "mean": gxe.ExpectColumnMeanToBeBetween,
            "std": gxe.ExpectColumnStdevToBeBetween,
            "median": gxe.ExpectColumnMedianToBeBetween,
        }
        for stat, per_column in bounds.items():
            for col, b in per_column.items():
                es.add_expectation(kinds[stat](column=col, min_value=b["min"], max_value=b["max"]))
        es = context.suites.add(es)
        with contextlib.redirect_stderr(io.StringIO()):
            t_ge, result = timed(lambda: batch.validate(es, result_format="SUMMARY"), 1)
        rows_out.append(("Great Expectations expect_column_{mean,stdev,median}_to_be_between", t_ge))
        print(f"great expectations success: {getattr(result, 'success', '?')}")
    except ImportError:
        print("Great Expectations: not installed (optional)")
    except Exception as exc:
        print(f"Great Expectations: failed on this data ({type(exc).__name__}: {str(exc)[:200]})")
    _table(rows_out)
    print(f"ratio StatisticGate (intervals) / pandera:            {t_ci / t_pa:6.2f}x")
    if t_ge == t_ge:
        print(
            f"ratio StatisticGate (intervals) / Great Expectations: {t_ci / t_ge:6.2f}x   (target < 1: faster)"
        )


def _table(rows: list[tuple[str, float]]) -> None:
    width = max(len(r[0]) for r in rows)
    for label, t in rows:
        print(f"{label:<{width}}  {t:8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("suite", "rules", "statistics"), default=None)
    parser.add_argument(
        "--ge-rule-rows", type=int, default=100_000, help="rows Great Expectations' pair expectations run on"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("TQDM_DISABLE", "1")  # Great Expectations' progress bars
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    if args.only == "rules":
        bench_rules(args.rows, args.repeat, args.ge_rule_rows)
        return
    reference, current = make_frame(args.rows, 0), make_frame(args.rows, 1)
    if args.only == "statistics":
        bench_statistics(reference, current, args.repeat)
        return
    print(
        f"data: {args.rows:,} rows x {current.shape[1]} columns "
        f"({N_FLOAT} float, {N_INT + 1} int incl. id, {N_STR} str, categorical, bool, datetime)"
    )
    # the peers get the same checks; statistic bounds are compared on their own below
    t_infer, suite = timed(lambda: mlgates.quality_suite_from_reference(reference, statistics=False), 1)
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
    if args.only is None:
        bench_statistics(reference, current, args.repeat)
        bench_rules(args.rows, args.repeat, args.ge_rule_rows)


if __name__ == "__main__":
    main()
