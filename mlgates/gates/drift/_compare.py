"""DriftGate's comparisons, column by column: which columns (and inputs) are compared, both
sides' values, the column's preparation, method and kernel run (an :class:`Outcome`), the
missing-share and new-category findings, the multiple-testing correction, and the findings for
mapping keys that name no column and for columns in one table only. What is decided from an
outcome is in :mod:`mlgates.gates.drift._decide`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    VALUE_KINDS,
    column_kind,
    select_columns,
    unknown_key_findings,
    unsupported_dtype_finding,
)
from mlgates.gates.drift import _prepare as prep
from mlgates.gates.drift._decide import MissingShareFacts, decide_missing_share
from mlgates.gates.drift._describe import describe_insufficient, describe_missing_share
from mlgates.gates.drift._levels import DEFAULT_PVALUE_THRESHOLD, lookup
from mlgates.gates.drift._new_categories import NEW_CATEGORY_ALPHA, aligned_counts, new_category_finding
from mlgates.gates.drift._resample import resample
from mlgates.stats import drift as kernels
from mlgates.stats.multiple_testing import adjust_pvalues

if TYPE_CHECKING:
    from mlgates.gates.drift.univariate import DriftGate

__all__ = [
    "METHODS",
    "SPECIAL_COLUMNS",
    "Outcome",
    "column",
    "correct",
    "new_categories",
    "pairs",
    "resolve",
    "unknown_keys",
    "unshared",
]

METHODS = tuple(sorted(kernels.SAMPLE_KERNELS + kernels.COUNT_KERNELS))
#: ``columns`` entries that name an input rather than a table column (when no column has it).
SPECIAL_COLUMNS = ("target", "prediction", "proba")


@dataclass
class Outcome:
    """What one column's task computed, before thresholds and correction decide."""

    subject: str
    method: str | None = None
    kind: str | None = None
    statistic: float | None = None
    pvalue: float | None = None
    error: tuple[str, str] | None = None  # (reason, message)
    skip: bool = False  # the error means "not compared by default": SKIP, not ERROR
    insufficient: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    missing: Finding | None = None
    new_counts: tuple[np.ndarray, np.ndarray] | None = None  # categorical: (reference, current)
    new: Finding | None = None
    levels: tuple[float, float | None] | None = None  # (threshold, warning level) of the method


def pairs(gate: DriftGate, ctx: CheckContext) -> list[tuple[str, Any]]:
    ref, cur = ctx.frame("reference"), ctx.frame("current")
    select_columns(ref, None)  # duplicate names are an InputError naming them
    select_columns(cur, None)
    if gate.columns is None:
        names = [c for c in ctx.features("current").columns if c in ref.columns]
    else:
        names = select_columns(cur, gate.columns)
    out: list[tuple[str, Any]] = []
    for col in names:
        if col in cur.columns or col in ref.columns or col not in SPECIAL_COLUMNS:
            out.append((str(col), ("frame", col)))
        else:
            out.append((str(col), ("input", col)))
    return out


def series(ctx: CheckContext, source: tuple[str, Any]) -> tuple[pd.Series, pd.Series, dict[str, Any]]:
    how, col = source
    if how == "frame":
        return ctx.column("reference", col), ctx.column("current", col), {}
    sides = []
    for side in ("reference", "current"):
        if col == "target":
            values = ctx.labels(side)
        elif col == "prediction":
            values = ctx.prediction(side)
        else:
            values = ctx.proba(side)
            if values.ndim == 2:
                raise InputError(
                    f"proba has {values.shape[1]} columns: pass proba as one column name to compare it",
                    reason="method_not_applicable",
                    subject=col,
                )
        sides.append(pd.Series(values, name=col))
    given = ctx.get(col) if ctx.has(col) else ("model" if ctx.has("model") else None)
    source_name = given if isinstance(given, str) else ("model" if not ctx.has(col) else "array")
    return sides[0], sides[1], {"source": source_name}


def unshared(gate: DriftGate, ctx: CheckContext) -> list[Finding]:
    """SKIP findings for the columns only one table has (default column selection)."""
    if gate.columns is not None:
        return []
    ref, cur = ctx.frame("reference"), ctx.frame("current")
    features = (list(ctx.features("current").columns), list(ctx.features("reference").columns))
    return unshared_of(gate, list(ref.columns), list(cur.columns), *features)


def unshared_of(
    gate: DriftGate,
    ref_columns: list[Any],
    cur_columns: list[Any],
    cur_features: list[Any],
    ref_features: list[Any],
) -> list[Finding]:
    """:func:`unshared` from column names (in memory or from the tables' schemas)."""
    if gate.columns is not None:
        return []
    out = []
    for side, other, features, reason in (
        ("current", "reference", cur_features, "column_only_in_current"),
        ("reference", "current", ref_features, "column_only_in_reference"),
    ):
        absent_from = ref_columns if side == "current" else cur_columns
        for col in features:
            if col not in absent_from:
                out.append(
                    Finding(
                        str(col),
                        Status.SKIP,
                        reason=reason,
                        message=f"{col}: column only in {side}, not in {other}; not compared "
                        "(SchemaGate judges the columns)",
                    )
                )
    return out


def resolve(ctx: CheckContext, subject: str, source: tuple[str, Any]) -> Any:
    """Both sides' series (or the InputError), and the column's memo of reference-side work
    (shared by every window of a run, see :meth:`CheckContext.derive`); run before the thread
    pool so predictions from ``model`` are computed once, in one thread."""
    try:
        ref, cur, extra = series(ctx, source)
    except InputError as exc:
        return exc
    uses = ("reference", *(("target", "prediction", "proba", "model") if source[0] == "input" else ()))
    memo = ctx.cached(("drift_reference_memo", subject, source), dict, depends_on=uses)
    return ref, cur, extra, memo


def column(gate: DriftGate, subject: str, resolved: Any) -> Outcome:
    out = Outcome(subject)
    if isinstance(resolved, InputError):
        out.error = (resolved.reason, str(resolved))
        return out
    ref, cur, extra, memo = resolved
    out.details.update(extra)
    for series in (ref, cur):  # lists, dicts, complex, Decimal...: said so, never hashed or cast
        if series is ref and "column_kind" in memo:
            kind = memo["column_kind"]
        else:
            kind = column_kind(series)
            if series is ref:
                memo["column_kind"] = kind
        if kind in UNSUPPORTED_KINDS:
            screen = unsupported_dtype_finding(subject, series, kind=kind)
            out.details.update(screen.details)
            out.error = ("unsupported_dtype", screen.message or "")
            out.skip = gate.columns is None  # not asked for by name: skipped, not an error
            return out
    override = gate.kinds.get(subject) if isinstance(gate.kinds, Mapping) else None
    try:
        col = prep.prepare(subject, ref, cur, override, memo=memo)
    except prep.NotApplicable as exc:
        out.error = ("method_not_applicable", str(exc))
        return out
    except prep.KindMismatch as exc:
        out.error = ("kind_mismatch", str(exc))
        return out
    out.kind = f"binary:{col.base_value_kind}" if col.kind == "binary" else col.kind
    d = out.details
    d.update(
        kind=col.kind,
        dtype=prep.dtype_name(ref.dtype),
        n_ref=col.ref.n,
        n_cur=col.cur.n,
        n_unique=col.n_unique,
        n_unique_exact=col.ref.counts is not None or col.n_unique <= prep.DISCRETE_MAX_VALUES,
    )
    method = judgeable_method(gate, subject, col, out)
    if method is None:
        return out
    bins = lookup(gate.bins, subject, out.kind, None, "quantile")
    try:
        result, info = prep.evaluate(col, method, bins, gate.n_bins, gate.random_state)
    except prep.NotApplicable as exc:
        out.error = ("method_not_applicable", str(exc))
        return out
    except ValueError as exc:  # a kernel's own precondition (e.g. 2 values per side)
        out.error = ("undefined_statistic", f"{subject}: {method} cannot be computed here: {exc}")
        return out
    spec = gate._resamples(subject, out.kind, method)
    if spec is not None and result.statistic is not None and np.isfinite(result.statistic):
        try:
            d.update(resample(col, method, info, float(result.statistic), spec))
        except prep.NotApplicable as exc:
            out.error = ("method_not_applicable", str(exc))
            return out
    d.update(info)
    hist = prep.histogram(col, info, gate.n_bins)
    if hist is not None:
        d["histogram"] = hist
    out.statistic, out.pvalue = result.statistic, result.pvalue
    return out


def judgeable_method(gate: DriftGate, subject: str, col: prep.Column, out: Outcome) -> str | None:
    """The step both paths (in memory, profiles) share once a column is prepared: its missing
    shares, missing-share finding and new-category counts; then its method, or None when the
    column is decided already (no values, a text column without a method, too few values: the
    reason is on ``out``)."""
    d = out.details
    ms_ref = col.ref.n_missing / col.ref.rows
    ms_cur = col.cur.n_missing / col.cur.rows
    d.update(missing_share_reference=ms_ref, missing_share_current=ms_cur)
    if col.ref.n_nonfinite or col.cur.n_nonfinite:
        d.update(n_nonfinite_reference=col.ref.n_nonfinite, n_nonfinite_current=col.cur.n_nonfinite)
    if col.ref.n_missing or col.cur.n_missing:
        out.missing = missing_finding(gate, subject, col)
    empty = [(s, side) for s, side in (("reference", col.ref), ("current", col.cur)) if side.n == 0]
    if col.ref.counts is not None and col.kind != "text" and not empty:
        out.new_counts = aligned_counts(col.ref.counts, col.cur.counts)
    if empty:
        word = "non-missing" if all(side.n_missing == side.rows for _, side in empty) else "finite"
        out.error = (
            "all_missing",
            f"{subject}: no {word} values in {' and '.join(s for s, _ in empty)}; "
            "its distribution cannot be compared",
        )
        return None
    method = gate._method_for(subject, out.kind or col.kind)
    if method == "auto":
        if col.kind == "text":
            out.error = (
                "unsupported_kind",
                f"{subject}: text-like column ({col.n_unique_ref:,} distinct "
                f"values in {col.ref.n:,}); set kinds={{{subject!r}: 'categorical'}} or a method "
                "to compare it",
            )
            out.skip = True
            return None
        method, why = prep.auto_method(col)
    else:
        why = "set by the method parameter"
    out.method = method
    d.update(method_reason=why)
    # invalid levels fail here, early; the levels are this gate's (the reference side is shared
    # by every gate of a suite), kept for the run's windows
    out.levels = prep.side_memo(
        col.ref,
        ("levels", id(gate), out.kind, method),
        lambda: gate._threshold_for(subject, out.kind, method),
    )
    thr = out.levels[0]
    if min(col.ref.n, col.cur.n) < gate.min_samples:
        out.insufficient = insufficient(gate, subject, method, col.ref.n, col.cur.n, thr, d)
        return None
    return method


def insufficient(
    gate: DriftGate, subject: str, method: str, n_ref: int, n_cur: int, thr: float, d: dict[str, Any]
) -> str:
    """The insufficient-samples message: the smallest effect the resolved method could
    detect at these sizes (binary tests: a change of share; the rest: the KS distance of a
    two-sample test, a scale for how coarse any comparison is)."""
    alpha = thr if method in kernels.PVALUE_METHODS else DEFAULT_PVALUE_THRESHOLD
    binary = method in ("z", "fisher_exact")
    if binary:
        eff = prep.detectable_share(n_ref, n_cur, alpha)
        d.update(detectable_share_difference=eff)
    else:
        eff = prep.detectable(n_ref, n_cur, alpha)
        d.update(detectable_ks_distance=eff)
    return describe_insufficient(subject, method, n_ref, n_cur, gate.min_samples, alpha, eff, binary)


def missing_finding(gate: DriftGate, subject: str, col: prep.Column) -> Finding:
    """The column's missing-share finding (a z-test's p-value recorded, the tolerance decides)."""
    facts = MissingShareFacts(
        subject,
        col.ref.n_missing / col.ref.rows,
        col.cur.n_missing / col.cur.rows,
        gate.missing_share_tolerance,
    )
    res = kernels.z(
        np.array([col.ref.n_missing, col.ref.rows - col.ref.n_missing]),
        np.array([col.cur.n_missing, col.cur.rows - col.cur.n_missing]),
    )
    decision = decide_missing_share(facts)
    return Finding(
        subject,
        decision.status,
        statistic=facts.change,
        pvalue=res.pvalue,
        threshold=facts.tolerance,
        method="missing_share",
        reason=decision.reason,
        message=describe_missing_share(decision),
        details={
            "missing_reference": col.ref.n_missing,
            "missing_current": col.cur.n_missing,
            "rows_reference": col.ref.rows,
            "rows_current": col.cur.rows,
            "pvalue_method": "z",
        },
    )


def new_categories(gate: DriftGate, outcomes: list[Outcome]) -> None:
    """The new-category rule, at level NEW_CATEGORY_ALPHA split over the columns tested."""
    tested = [o for o in outcomes if o.new_counts is not None]
    alpha = NEW_CATEGORY_ALPHA / max(1, len(tested))
    for o in tested:
        ref_counts, cur_counts = o.new_counts  # type: ignore[misc]
        o.new = new_category_finding(
            o.subject,
            ref_counts,
            cur_counts,
            alpha=alpha,
            max_share=gate.max_new_category_share,
            n_tests=len(tested),
            random_state=gate.random_state,
        )


def unknown_keys(gate: DriftGate, ref_columns: list[Any], cur_columns: list[Any]) -> list[Finding]:
    """ERROR findings for mapping keys that name no column (nor a method or kind where
    those are allowed): a typo must not silently fall back to the default."""
    columns = [*cur_columns, *(c for c in ref_columns if c not in cur_columns)]
    by_rule = unknown_key_findings(
        {"method": gate.method, "threshold": gate.threshold, "warn_threshold": gate.warn_threshold},
        columns,
        other_keys=(*SPECIAL_COLUMNS, *VALUE_KINDS, *METHODS),
        side="current or reference",
    )
    seen = {f.subject for f in by_rule}
    by_column = unknown_key_findings(
        {"kinds": gate.kinds, "bins": gate.bins},
        columns,
        other_keys=SPECIAL_COLUMNS,
        skip=seen,
        side="current or reference",
    )
    return by_rule + by_column


def correct(gate: DriftGate, outcomes: list[Outcome]) -> None:
    if gate.correction is None:
        return
    idx = [
        i
        for i, o in enumerate(outcomes)
        if o.method in kernels.PVALUE_METHODS
        and o.pvalue is not None
        and o.error is None
        and o.insufficient is None
    ]
    raw = [float(outcomes[i].pvalue or 0.0) for i in idx]
    adjusted = adjust_pvalues(raw, gate.correction)
    for j, (i, p) in enumerate(zip(idx, adjusted, strict=True)):
        outcomes[i].details.update(
            raw_pvalue=outcomes[i].pvalue, correction=gate.correction, n_tests=len(idx)
        )
        outcomes[i].pvalue = float(p)
        bounds = outcomes[i].details.get("bounds")
        if bounds is not None and "pvalue" in bounds:  # adjusted p is monotone in the raw p
            ends = []
            for end in bounds["pvalue"]:
                trial = list(raw)
                trial[j] = float(end)
                ends.append(float(adjust_pvalues(trial, gate.correction)[j]))
            outcomes[i].details["bounds"] = {**bounds, "raw_pvalue": bounds["pvalue"], "pvalue": ends}
