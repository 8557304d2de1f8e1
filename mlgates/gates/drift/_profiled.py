"""DriftGate on profiles: the summaries each column needs, and each column's outcome from the
merged summaries; :meth:`DriftGate._decide` then decides exactly as in memory.

Per column (reference side / current side):

- counts and moments (:class:`~mlgates.profiles.summaries.Stats`): rows, missing and
  non-finite values, min, max, mean, variance;
- categorical columns: the count per category (:class:`~mlgates.profiles.summaries.Values`),
  from which every count method, new categories and the value kind are computed as in memory;
- numeric and datetime columns: the count per distinct value (up to ``max_distinct``), the
  reference's bins (:class:`~mlgates.profiles.summaries.Edges`: the ``n_bins`` quantile or
  uniform bins and a fine ``GRID_SIZE``-point quantile grid) and the current's counts on them
  (:class:`~mlgates.profiles.summaries.Bins`).

How a numeric column is computed:

1. both sides have at most ``max_distinct`` distinct values and at most ``EXPAND_LIMIT`` values
   in all: the sorted values are rebuilt from the counts and every method runs as in memory
   (exact, the same numbers);
2. count methods (psi, jensenshannon, kl_div, hellinger, tvd, chisquare, g_test, z,
   fisher_exact) on bins frozen from the reference: exact;
3. ``t_test``: from the merged moments: exact;
4. ``ks`` and ``wasserstein``: on the reference-quantile grid, with the interval that surely
   holds the statistic of the raw values (:mod:`mlgates.stats.binned`), recorded on the finding
   (``details["bounds"]``, ``details["exact"]``, ``details["bin_spec_hash"]``); a bound that
   straddles the threshold is ``undecided_within_bound``;
5. the other sample methods (anderson, cramer_von_mises, energy, mannwhitneyu, empirical_mmd)
   need every value: ``SKIP`` with reason ``needs_in_memory``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError, NeedsInMemory
from mlgates.core.finding import histogram_details
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind, is_text_like, select_columns, value_kind
from mlgates.gates.drift import _compare as compare
from mlgates.gates.drift import _prepare as prep
from mlgates.gates.drift._levels import lookup
from mlgates.gates.drift._resample import profile_grid, resample
from mlgates.profiles.select import resolved
from mlgates.profiles.summaries import (
    DEFAULT_GRID_SIZE,
    DEFAULT_MAX_DISTINCT,
    BinCounts,
    Bins,
    ColumnStats,
    Edges,
    Rows,
    Stats,
    ValueCounts,
    Values,
)
from mlgates.stats import binned
from mlgates.stats import drift as kernels
from mlgates.stats.binning import BIN_STRATEGIES

if TYPE_CHECKING:
    from mlgates.gates.drift._compare import Outcome as _Outcome
    from mlgates.gates.drift.univariate import DriftGate

#: Reference quantiles in the grid of ``ks`` and ``wasserstein`` (bound about 1 / GRID_SIZE).
GRID_SIZE = DEFAULT_GRID_SIZE
#: Numeric columns with few distinct values and at most this many values in all are rebuilt
#: from their value counts and computed exactly as in memory.
EXPAND_LIMIT = 5_000_000
#: Sample methods computed on the grid, within a recorded bound.
BOUNDED = ("ks", "wasserstein")
_KIND_KEYS = ("numeric", "datetime", "binary:numeric", "binary:categorical", "categorical", "text", "binary")


# -- which columns ------------------------------------------------------------------------------
def _schemas(ctx: CheckContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    ref = ctx.table_schema("reference")
    cur = ctx.table_schema("current") if ctx.table_kind("current") != "absent" else ref
    select_columns(ref, None)  # duplicate names are an InputError naming them
    select_columns(cur, None)
    return ref, cur


def _pairs(gate: DriftGate, ctx: CheckContext, ref: pd.DataFrame, cur: pd.DataFrame) -> list[tuple[str, Any]]:
    """(subject, column) per compared column; column None for an input given as an array or
    from a model (not a table column: needs the rows in memory)."""
    from mlgates.gates.drift.univariate import SPECIAL_COLUMNS

    if gate.columns is None:
        named = _named_columns(ctx)
        names = [c for c in cur.columns if c not in named and c in ref.columns]  # shared columns
    else:
        names = select_columns(cur, gate.columns)
    out: list[tuple[str, Any]] = []
    for col in names:
        if col in cur.columns or col in ref.columns or col not in SPECIAL_COLUMNS:
            out.append((str(col), col))
        elif isinstance(ctx.get(col), str):  # "target" naming a column of both tables
            out.append((str(col), ctx.get(col)))
        else:
            out.append((str(col), None))
    return out


def _override(gate: DriftGate, subject: str) -> str | None:
    return gate.kinds.get(subject) if isinstance(gate.kinds, Mapping) else None


def _strategies(gate: DriftGate, subject: str) -> list[Any]:
    """Every bins setting the column could resolve to (its kind is known after the pass)."""
    out: list[Any] = []
    for kind in _KIND_KEYS:
        value = lookup(gate.bins, subject, kind, None, "quantile")
        if value not in out:
            out.append(value)
    return out


def _specs(gate: DriftGate, subject: str) -> tuple[tuple[Any, ...], ...]:
    specs: list[tuple[Any, ...]] = [
        (s, gate.n_bins) for s in _strategies(gate, subject) if isinstance(s, str) and s in BIN_STRATEGIES
    ]
    if ("quantile", gate.n_bins) not in specs:
        specs.append(("quantile", gate.n_bins))  # the report's histogram
    specs.append(("grid", GRID_SIZE))
    return tuple(specs)


def _explicit(gate: DriftGate, subject: str) -> list[tuple[float, ...]]:
    return [tuple(float(e) for e in s) for s in _strategies(gate, subject) if isinstance(s, (list, tuple))]


def _numeric_dtype(series: pd.Series) -> bool:
    return value_kind(series) in ("numeric", "datetime")


# -- needs ----------------------------------------------------------------------------------------
def needs(gate: DriftGate, ctx: CheckContext, side: str) -> list[Any]:
    """The summaries of ``side`` DriftGate needs (reference first: bins frozen from it)."""
    if side == "current" and ctx.table_kind("current") == "absent":
        return []
    ref_schema, cur_schema = _schemas(ctx)
    schema = ref_schema if side == "reference" else cur_schema
    out: list[Any] = [Rows()]
    for subject, col in _pairs(gate, ctx, ref_schema, cur_schema):
        if col is None or col not in schema.columns or column_kind(schema[col]) in UNSUPPORTED_KINDS:
            continue
        out.append(Stats(col))
        override = _override(gate, subject)
        numeric = _numeric_dtype(schema[col])
        if not numeric or override in ("categorical", "binary", "text"):
            out.append(Values(col))
        if not numeric:
            continue
        out.append(Values(col, numeric=True))
        if side == "reference":
            out.append(Edges(col, _specs(gate, subject)))
        else:
            if col not in ref_schema.columns or not _numeric_dtype(ref_schema[col]):
                continue
            need = Edges(col, _specs(gate, subject))
            edges = ctx.summary("reference", need)  # a profile without it: missing_profile_summary
            # a reference read once (an iterator) and too large to hold: the column says so
            with contextlib.suppress(NeedsInMemory, InputError):
                edges = resolved(ctx, "reference", need)
                out.extend(Bins(col, tuple(edges.edges(spec).tolist())) for spec in _specs(gate, subject))
        out.extend(Bins(col, e) for e in _explicit(gate, subject))
    return out


# -- decision ------------------------------------------------------------------------------------
def check(gate: DriftGate, ctx: CheckContext) -> Verdict:
    """DriftGate's verdict from the merged summaries of both tables."""
    ref_schema, cur_schema = _schemas(ctx)
    n_ref = ctx.summary("reference", Rows()).n_rows
    n_cur = ctx.summary("current", Rows()).n_rows
    empty = [s for s, n in (("reference", n_ref), ("current", n_cur)) if n == 0]
    if empty:
        return gate._verdict(
            Status.ERROR,
            reason="empty_input",
            message=f"{' and '.join(empty)} has no rows: drift cannot be judged",
        )
    outcomes = [
        _column(gate, ctx, subject, col, ref_schema, cur_schema)
        for subject, col in _pairs(gate, ctx, ref_schema, cur_schema)
    ]
    named = _named_columns(ctx)
    unshared = compare.unshared_of(
        gate,
        list(ref_schema.columns),
        list(cur_schema.columns),
        [c for c in cur_schema.columns if c not in named],
        [c for c in ref_schema.columns if c not in named],
    )
    return gate._decide(outcomes, list(ref_schema.columns), list(cur_schema.columns), unshared)


def _named_columns(ctx: CheckContext) -> set[Any]:
    """Columns named as target or predictions (not features; CheckContext.features' rule)."""
    named = set()
    for n in ("target", "prediction", "proba", "baseline_prediction", "baseline_proba"):
        value = ctx.get(n)
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(v, (str, int)) and not isinstance(v, bool):
                named.add(v)
    return named


def _column(
    gate: DriftGate,
    ctx: CheckContext,
    subject: str,
    col: Any,
    ref_schema: pd.DataFrame,
    cur_schema: pd.DataFrame,
) -> _Outcome:
    from mlgates.gates.drift._compare import Outcome as _Outcome

    out = _Outcome(subject)
    if col is None:
        out.error = (
            "needs_in_memory",
            f"{subject}: given as an array or computed by a model, not a column of the tables read in "
            "chunks; name a column of both tables, or check on DataFrames",
        )
        out.skip = True
        return out
    for side, schema in (("reference", ref_schema), ("current", cur_schema)):
        if col not in schema.columns:
            out.error = ("missing_column", f"{side}: column {col!r} not found.")
            return out
    for schema in (ref_schema, cur_schema):
        kind = column_kind(schema[col])
        if kind in UNSUPPORTED_KINDS:
            out.error = (
                "unsupported_dtype",
                f"{subject}: {kind} column ({schema[col].dtype}) is not compared",
            )
            out.skip = gate.columns is None
            return out
    try:
        return _judge(gate, ctx, out, col, ref_schema[col], cur_schema[col])
    except InputError as exc:
        out.error = (exc.reason, str(exc))
    except NeedsInMemory as exc:
        out.error, out.skip = ("needs_in_memory", str(exc)), True
    except _TooManyValues as exc:
        out.error, out.skip = ("distinct_values_exceeded", str(exc)), True
    except prep.NotApplicable as exc:
        out.error = ("method_not_applicable", str(exc))
    except prep.KindMismatch as exc:
        out.error = ("kind_mismatch", str(exc))
    return out


class _TooManyValues(Exception):
    """More distinct values than counted exactly (reason ``distinct_values_exceeded``)."""


def _side(stats: ColumnStats, counts: ValueCounts | None, numeric: bool) -> prep.Side:
    nonfinite = stats.n_rows - stats.n_missing - stats.n_finite if numeric else 0
    series = counts.series() if counts is not None and not counts.overflow else None
    return prep.Side(stats.n_rows, stats.n_missing, nonfinite, values=None, counts=series)


def _judge(
    gate: DriftGate, ctx: CheckContext, out: _Outcome, col: Any, ref_dtype: pd.Series, cur_dtype: pd.Series
) -> _Outcome:
    subject = out.subject
    override = _override(gate, subject)
    rs, cs = ctx.summary("reference", Stats(col)), ctx.summary("current", Stats(col))
    vkind, ckind = value_kind(ref_dtype), value_kind(cur_dtype)
    if vkind != ckind:
        ref_all_missing = rs.n_missing == rs.n_rows
        if ref_all_missing:
            vkind = ckind
        elif cs.n_missing < cs.n_rows:
            raise prep.KindMismatch(
                f"{subject}: reference holds {vkind} values ({ref_dtype.dtype}) but current holds {ckind} "
                f"values ({cur_dtype.dtype}); align the dtypes (or check the schema) before comparing "
                "distributions"
            )
    use_numbers = override in ("numeric", "datetime") or (
        override is None and vkind in ("numeric", "datetime")
    )
    if use_numbers and vkind == "categorical":
        raise prep.NotApplicable(
            f"{subject}: kind {override!r} needs numbers but the column holds {ref_dtype.dtype} values"
        )
    if use_numbers:
        use = override or vkind
        if use == "numeric" and vkind == "datetime":
            use = "datetime"
        rv = ctx.summary("reference", Values(col, numeric=True))
        cv = ctx.summary("current", Values(col, numeric=True))
        n_ref_u = rv.n_distinct if rv.n_distinct is not None else DEFAULT_MAX_DISTINCT + 1
        n_cur_u = cv.n_distinct if cv.n_distinct is not None else DEFAULT_MAX_DISTINCT + 1
        if max(n_ref_u, n_cur_u) > prep.DISCRETE_MAX_VALUES:
            n_unique = max(n_ref_u, n_cur_u)
        else:
            n_unique = len(set(rv.counts) | set(cv.counts))
        ref_side, cur_side = _side(rs, None, True), _side(cs, None, True)
        ref_side.values = cur_side.values = np.empty(0)  # numbers (rebuilt below when exact)
        column = prep.Column(subject, str(ref_dtype.dtype), use, ref_side, cur_side, n_unique, n_ref_u)
    else:
        rv = ctx.summary("reference", Values(col))
        cv = ctx.summary("current", Values(col))
        if rv.overflow or cv.overflow:
            raise _TooManyValues(
                f"{subject}: more than {rv.max_distinct:,} distinct values on one side; the categories "
                "cannot be counted exactly in chunks (set kinds={...: 'text'} to skip it, or check on "
                "DataFrames)"
            )
        ref_side, cur_side = _side(rs, rv, False), _side(cs, cv, False)
        keys = set(rv.counts) | set(cv.counts)
        column = prep.Column(
            subject,
            str(ref_dtype.dtype),
            override or "categorical",
            ref_side,
            cur_side,
            len(keys),
            len(rv.counts),
        )
        textual = not (
            isinstance(ref_dtype.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(ref_dtype.dtype)
        )
        if override is None and textual and is_text_like("string", len(rv.counts), ref_side.n):
            column.kind = "text"
    if override is None and column.kind != "text" and column.n_unique <= 2:
        column.kind = "binary"
    return _evaluate(
        gate, ctx, out, col, column, rs, cs, rv if use_numbers else None, cv if use_numbers else None
    )


def _evaluate(
    gate: DriftGate,
    ctx: CheckContext,
    out: _Outcome,
    col: Any,
    column: prep.Column,
    rs: ColumnStats,
    cs: ColumnStats,
    rv: ValueCounts | None,
    cv: ValueCounts | None,
) -> _Outcome:
    """The rest of DriftGate._column, on the summaries."""
    subject = out.subject
    out.kind = f"binary:{column.base_value_kind}" if column.kind == "binary" else column.kind
    d = out.details
    d.update(
        kind=column.kind,
        dtype=column.base_kind,
        n_ref=column.ref.n,
        n_cur=column.cur.n,
        n_unique=column.n_unique,
        n_unique_exact=column.ref.counts is not None or column.n_unique <= prep.DISCRETE_MAX_VALUES,
    )
    method = compare.judgeable_method(gate, subject, column, out)
    if method is None:
        return out
    bins = lookup(gate.bins, subject, out.kind, None, "quantile")
    if column.ref.values is not None and rv is not None and cv is not None and _expandable(rv, cv):
        column.ref.values, column.cur.values = _rebuild(rv), _rebuild(cv)
        result, info = _prep_evaluate(column, method, bins, gate)
        d.update(info)
        hist = prep.histogram(column, info, gate.n_bins)
    elif column.ref.values is None:  # categories: the counts are exact, as in memory
        result, info = _prep_evaluate(column, method, bins, gate)
        d.update(info)
        hist = prep.histogram(column, info, gate.n_bins)
    else:
        assert rv is not None and cv is not None  # numbers always have value counts
        result, info, hist = _numeric_profiled(gate, ctx, out, col, column, method, bins, rs, cs, rv, cv)
        d.update(info)
    if hist is not None:
        d["histogram"] = hist
    out.statistic, out.pvalue = result.statistic, result.pvalue
    d.update(_resampled(gate, ctx, out, col, column, method, info, rs, cs))
    return out


def _resampled(
    gate: DriftGate,
    ctx: CheckContext,
    out: _Outcome,
    col: Any,
    column: prep.Column,
    method: str,
    info: dict[str, Any],
    rs: ColumnStats,
    cs: ColumnStats,
) -> dict[str, Any]:
    """The interval, test and reference null of ``decision="material"`` and
    ``threshold="reference_null"`` from the same counts as in memory (categories, values, frozen
    bins, rebuilt values); ``wasserstein`` on a column too large to rebuild on the profile's cells."""
    spec = gate._resamples(out.subject, out.kind, method)
    if spec is None or out.statistic is None or not np.isfinite(out.statistic):
        return {}
    grid, bounds = None, info.get("bounds", {}).get("statistic")
    if method == "wasserstein" and bounds is not None:
        ref = resolved(ctx, "reference", Edges(col, _specs(gate, out.subject))).bins(("grid", GRID_SIZE))
        grid = profile_grid(ref, ctx.summary("current", Bins(col, tuple(ref.edges.tolist()))), rs, cs)
    return resample(column, method, info, float(out.statistic), spec, grid=grid, bounds=bounds)


def _prep_evaluate(
    column: prep.Column, method: str, bins: Any, gate: DriftGate
) -> tuple[kernels.DriftResult, dict[str, Any]]:
    if bins == "evidently" and column.ref.values is not None and column.ref.values.size == 0:
        raise NeedsInMemory(f"{column.name}: bins='evidently' bins the pooled values; check on DataFrames")
    try:
        return prep.evaluate(column, method, bins, gate.n_bins, gate.random_state)
    except ValueError as exc:
        raise InputError(
            f"{column.name}: {method} cannot be computed here: {exc}", reason="undefined_statistic"
        ) from None


def _expandable(rv: ValueCounts, cv: ValueCounts) -> bool:
    return not rv.overflow and not cv.overflow and rv.n + cv.n <= EXPAND_LIMIT


def _rebuild(vc: ValueCounts) -> np.ndarray:
    """The sorted values from their counts (exactly the sorted finite values of the column)."""
    keys = np.asarray(list(vc.counts.keys()), dtype=float)
    counts = np.asarray(list(vc.counts.values()), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    return np.repeat(keys[order], counts[order])


def _numeric_profiled(
    gate: DriftGate,
    ctx: CheckContext,
    out: _Outcome,
    col: Any,
    column: prep.Column,
    method: str,
    bins: Any,
    rs: ColumnStats,
    cs: ColumnStats,
    rv: ValueCounts,
    cv: ValueCounts,
) -> tuple[kernels.DriftResult, dict[str, Any], dict[str, Any] | None]:
    """A numeric column with too many values to rebuild: counts on frozen bins (exact), moments
    (exact), or the grid (bounded)."""
    subject = out.subject
    specs = _specs(gate, subject)
    edges_summary = resolved(ctx, "reference", Edges(col, specs))

    def on(spec_or_edges: Any) -> tuple[BinCounts, BinCounts]:
        if isinstance(spec_or_edges, tuple) and spec_or_edges and isinstance(spec_or_edges[0], str):
            ref_bins = edges_summary.bins(spec_or_edges)
            edges = tuple(ref_bins.edges.tolist())
        else:
            edges = tuple(float(e) for e in spec_or_edges)
            ref_bins = ctx.summary("reference", Bins(col, edges))
        return ref_bins, ctx.summary("current", Bins(col, edges))

    if method in kernels.COUNT_KERNELS:
        if bins == "evidently":
            raise NeedsInMemory(
                f"{subject}: bins='evidently' bins the pooled reference and current values; check on "
                "DataFrames, or use bins='quantile'"
            )
        if isinstance(bins, str) and column.n_unique_ref <= prep.DISCRETE_MAX_VALUES:
            if cv.overflow:
                raise _TooManyValues(
                    f"{subject}: the reference has {column.n_unique_ref} distinct values (binned per value) "
                    f"but current has more than {cv.max_distinct:,}; each would be a bin: check on DataFrames"
                )
            r, c, info = _discrete_counts(rv, cv)
        else:
            ref_bins, cur_bins = on((bins, gate.n_bins) if isinstance(bins, str) else tuple(bins))
            r, c = ref_bins.counts, cur_bins.counts
            label = bins if isinstance(bins, str) else "fixed"
            info = {
                "bins": {
                    "type": label,
                    "edges": ref_bins.edges.tolist(),
                    "closed": "right",
                    "open_ends": True,
                },
                "bin_spec_hash": ref_bins.spec_hash,
            }
        result, info = prep.evaluate_counts(
            subject, method, np.asarray(r), np.asarray(c), info, random_state=gate.random_state
        )
        return result, info, _histogram(info, rs, cs)
    if method == "t_test":
        if min(rs.n_finite, cs.n_finite) < 2:
            raise InputError(
                f"{subject}: t_test cannot be computed here: t_test needs at least 2 values on each side",
                reason="undefined_statistic",
            )
        result = binned.t_test_from_moments(
            rs.n_finite,
            rs.mean,
            rs.m2 / (rs.n_finite - 1),
            cs.n_finite,
            cs.mean,
            cs.m2 / (cs.n_finite - 1),
        )
        return result, {"computed_from": "moments"}, _quantile_histogram(on, gate, rs, cs)
    if method not in BOUNDED:
        raise NeedsInMemory(
            f"{subject}: {method} needs every value ({column.ref.n:,} reference and "
            f"{column.cur.n:,} current, more than {rv.max_distinct:,} distinct); use ks or "
            "wasserstein (bounded on a reference grid), a binned method, or check on DataFrames"
        )
    ref_grid, cur_grid = on(("grid", GRID_SIZE))
    ra = binned.Cells(ref_grid.edges, ref_grid.counts, ref_grid.sums, ref_grid.mins, ref_grid.maxs)
    ca = binned.Cells(cur_grid.edges, cur_grid.counts, cur_grid.sums, cur_grid.mins, cur_grid.maxs)
    grid_info: dict[str, Any] = {
        "grid_size": GRID_SIZE,
        "grid_cells": int(ref_grid.counts.size),
        "bin_spec_hash": ref_grid.spec_hash,
    }
    if method == "ks":
        lo, hi = binned.ks_bounds(ra, ca)
        p_lo, p_hi = (
            binned.ks_pvalue(hi, rs.n_finite, cs.n_finite),
            binned.ks_pvalue(lo, rs.n_finite, cs.n_finite),
        )
        grid_info["bounds"] = {"statistic": [lo, hi], "pvalue": [p_lo, p_hi]}
        result = kernels.DriftResult((lo + hi) / 2.0, (p_lo + p_hi) / 2.0)
    else:
        scale = max(rs.std, 0.001)
        lo, hi = binned.wasserstein_bounds(ra, ca)
        lo, hi = lo / scale, hi / scale
        grid_info["bounds"] = {"statistic": [lo, hi]}
        result = kernels.DriftResult((lo + hi) / 2.0, None)
    grid_info["exact"] = bool(lo == hi)
    return result, grid_info, _quantile_histogram(on, gate, rs, cs)


def _discrete_counts(rv: ValueCounts, cv: ValueCounts) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Per-value bins (reference values, then new values, each sorted), as in memory."""
    ref_keys = sorted(rv.counts)
    known = set(ref_keys)
    new = sorted(k for k in cv.counts if k not in known)
    keys = ref_keys + new
    r = np.array([rv.counts.get(k, 0) for k in keys], dtype=np.int64)
    c = np.array([cv.counts.get(k, 0) for k in keys], dtype=np.int64)
    return (
        r,
        c,
        {
            "bins": {"type": "values", "values": keys},
            "new_values": new[: prep.MAX_LISTED],
            "n_new_values": len(new),
        },
    )


def _histogram(info: Mapping[str, Any], rs: ColumnStats, cs: ColumnStats) -> dict[str, Any] | None:
    bins = info.get("bins")
    if bins is None:
        return None
    r, c = list(info["counts_reference"]), list(info["counts_current"])
    if "edges" in bins:
        inner = [float(e) for e in bins["edges"]]
        if len(inner) != len(r) - 1:
            return None
        lo = min(rs.min, cs.min, *inner[:1])
        hi = max(rs.max, cs.max, *inner[-1:])
        return histogram_details(r, c, edges=[lo, *inner, hi])
    labels = list(bins.get("values", []))
    if len(labels) != len(r) or len(labels) > prep.MAX_HISTOGRAM_BARS:
        return None
    return histogram_details(r, c, categories=labels)


def _quantile_histogram(on: Any, gate: DriftGate, rs: ColumnStats, cs: ColumnStats) -> dict[str, Any] | None:
    ref_bins, cur_bins = on(("quantile", gate.n_bins))
    info = {
        "bins": {"edges": ref_bins.edges.tolist()},
        "counts_reference": ref_bins.counts.tolist(),
        "counts_current": cur_bins.counts.tolist(),
    }
    return _histogram(info, rs, cs)
