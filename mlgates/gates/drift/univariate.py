"""DriftGate: per-column two-sample comparison of ``reference`` and ``current``."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, parameter_error
from mlgates.core.params import insufficient_status as _insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    VALUE_KINDS,
    column_kind,
    select_columns,
    share_text,
    unknown_key_findings,
    unsupported_dtype_finding,
)
from mlgates.gates.drift import _prepare as prep
from mlgates.gates.drift._new_categories import NEW_CATEGORY_ALPHA, aligned_counts, new_category_finding
from mlgates.stats import drift as kernels
from mlgates.stats.binning import BIN_STRATEGIES
from mlgates.stats.multiple_testing import CORRECTIONS, adjust_pvalues

__all__ = ["METHODS", "SPECIAL_COLUMNS", "DriftGate"]

METHODS = tuple(sorted(kernels.SAMPLE_KERNELS + kernels.COUNT_KERNELS))
#: ``columns`` entries that name an input rather than a table column (when no column has it).
SPECIAL_COLUMNS = ("target", "prediction", "proba")
DEFAULT_PVALUE_THRESHOLD = 0.05
DEFAULT_DISTANCE_THRESHOLD = 0.1
#: Largest value a distance can take (a threshold above it could never fire).
DISTANCE_MAX = {"jensenshannon": math.sqrt(math.log(2.0)), "hellinger": 1.0, "tvd": 1.0}


@dataclass
class _Outcome:
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


class DriftGate(Gate):
    """Per-column drift between ``reference`` and ``current``, and a dataset-level decision.

    Each column gets one finding: the method and why it was chosen, the statistic, the p-value
    (for tests), the threshold and its direction, ``n_ref``/``n_cur``, the reference bins and
    the counts on them (binned methods), new categories, and missing shares. A drifted column
    is a FAIL finding (WARN when it only crosses ``warn_threshold``).

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to compare; by default every column both tables share, except the ones named
        by the ``target``/``prediction``/``proba`` inputs (a column in only one table is a
        SKIP finding, reason ``column_only_in_current`` or ``column_only_in_reference``; a
        listed column that is absent is an ERROR finding, ``missing_column``). The special names ``"target"``,
        ``"prediction"`` and ``"proba"`` (when no column has that name) resolve to those inputs
        on both sides, so ``DriftGate(columns=["target", "prediction"])`` checks target drift and
        prediction drift (predictions come from ``prediction`` or from ``model`` on each side).
    method : str or mapping, default "auto"
        ``"auto"`` (Evidently's default rule, see Notes) or one of ``ks``, ``chisquare``, ``z``,
        ``psi``, ``jensenshannon``, ``wasserstein``, ``kl_div``, ``hellinger``, ``anderson``,
        ``cramer_von_mises``, ``energy``, ``tvd``, ``mannwhitneyu``, ``t_test``,
        ``fisher_exact``, ``g_test``, ``empirical_mmd``. A mapping chooses per column name or
        per value kind (``numeric``, ``categorical``, ``binary``, ``datetime``, ``text``);
        column names win over kinds; a ``binary`` column without a ``binary`` entry uses the
        entry of what its values are (``numeric`` or ``categorical``); unlisted columns use
        ``"auto"``.
    threshold : float or mapping, optional
        For p-value methods the significance level alpha (drift when ``p < alpha``); for
        distances the bound (drift when ``statistic >= bound``). Default 0.05 for tests and 0.1
        for distances. A mapping sets it per column, method or kind (in that precedence). An
        alpha outside (0, 1), and a distance bound that is not finite, not positive or above
        the distance's largest value (``jensenshannon`` sqrt(ln 2), ``hellinger`` and ``tvd``
        1), is a ParameterError naming the column and method.
    warn_threshold : float or mapping, optional
        A laxer level that only WARNs (e.g. 0.1 for tests, 0.05 for distances); a level that is
        not laxer than ``threshold`` could never fire and is a ParameterError.
    drift_share : float, default 0.5
        With ``mode="share"``, the verdict FAILs when the share of drifted columns among the
        judged ones reaches this value; fewer drifted columns WARN.
    mode : {"share", "column"}, default "share"
        ``"column"`` FAILs when any column drifts.
    correction : {None, "bonferroni", "holm", "fdr_bh"}, default None
        Multiple-testing correction of the p-value methods' p-values across the columns; the
        finding's ``pvalue`` is then the adjusted one (``details["raw_pvalue"]`` the raw one).
    kinds : mapping, optional
        Value kind per column, overriding inference (e.g. ``{"zip": "categorical"}``).
    bins : {"quantile", "uniform", "evidently"} or mapping, default "quantile"
        How numeric columns are binned for the binned methods (psi, jensenshannon, kl_div,
        hellinger, tvd, chisquare, g_test): edges from the reference only. A mapping gives a
        strategy or an explicit list of inner edges per column. ``"evidently"`` reproduces
        Evidently 0.7's numbers: numpy's "sturges" bins on the pooled reference and current
        values (on the pooled distinct values for hellinger), ignoring ``n_bins``; see
        docs/migrating_from_evidently.md.
    n_bins : int, default 10
        Number of reference bins for the strategies.
    missing_share_tolerance : float, default 0.05
        Largest absolute change of a column's missing share (current minus reference) before a
        separate WARN finding (method ``missing_share``, reason ``missing_share_drift``).
    max_new_category_share : float, default 0.05
        The new-category rule (categorical columns): the share of current rows in categories
        the reference lacks gets its own finding (method ``new_categories``), decided by a
        permutation test of the split at level ``0.01 / n_categorical_columns``: FAIL
        (``new_category_share_exceeded``) when it is beyond sampling and above this share,
        WARN (``new_categories``) when beyond sampling but within it.
    min_samples : int, default 30
        Fewer non-missing values on either side is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of a column with too few values.
    n_jobs : int, default 2
        Threads over columns (numpy sorts release the GIL).
    random_state : int, default 0
        Seed of ``empirical_mmd``'s subsample and permutations.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    ``method="auto"`` follows Evidently 0.7's ``get_default_stattest``: with at most 1,000
    non-missing reference values, numeric columns with more than 5 distinct values (both sides
    pooled) use ``ks``, other columns with more than 2 distinct values ``chisquare``, else ``z``;
    above 1,000, numeric columns with more than 5 distinct values use ``wasserstein`` (normed),
    everything else ``jensenshannon``. Text-like columns (mostly distinct strings) are not
    compared (SKIP, reason ``unsupported_kind``) unless a kind or method is given.

    A test without power cannot hide new categories: the new-category rule decides on its own
    (a column whose current rows are all in unseen categories FAILs even where chi-square over
    many sparse categories does not), with a false-alarm level of at most 1% per gate on
    batches drawn like the reference.

    Reason codes: ``drift_detected``, ``missing_share_drift``, ``new_category_share_exceeded``,
    ``new_categories``, ``insufficient_samples``, ``missing_column``,
    ``column_only_in_current``, ``column_only_in_reference``, ``all_missing``,
    ``empty_input``, ``method_not_applicable``, ``undefined_statistic``, ``unsupported_kind``,
    ``kind_mismatch`` (numbers on one side, other values on the other), ``unsupported_dtype``
    (columns of lists, dicts, sets, Arrow list/struct, complex numbers, ``Decimal`` or ints
    beyond int64: SKIP, ERROR when listed in ``columns``; see :mod:`mlgates.gates._columns`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import DriftGate
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"x": rng.normal(0, 1, 500), "c": rng.choice(["a", "b", "c"], 500)})
    >>> cur = pd.DataFrame({"x": rng.normal(1, 1, 500), "c": rng.choice(["a", "b", "c"], 500)})
    >>> v = DriftGate().check(reference=ref, current=cur)
    >>> v.status, [(f.subject, f.method, f.status.value) for f in v.findings[:2]]
    (<Status.FAIL: 'fail'>, [('x', 'ks', 'fail'), ('c', 'chisquare', 'pass')])
    >>> v.metrics["drift_share"]
    0.5
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "method": [Options("auto", *METHODS), "mapping"],
        "threshold": [Interval("real", 0, None), "mapping", None],
        "warn_threshold": [Interval("real", 0, None), "mapping", None],
        "drift_share": [Interval("real", 0, 1, closed="right")],
        "mode": [Options("share", "column")],
        "correction": [Options(*CORRECTIONS), None],
        "kinds": ["mapping", None],
        "bins": [Options(*BIN_STRATEGIES, "evidently"), "mapping"],
        "n_bins": [Interval("int", 2, 1000)],
        "missing_share_tolerance": [Interval("real", 0, 1)],
        "max_new_category_share": [Interval("real", 0, 1)],
        "min_samples": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "n_jobs": [Interval("int", 1, None)],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        method: str | Mapping[str, str] = "auto",
        threshold: float | Mapping[str, float] | None = None,
        warn_threshold: float | Mapping[str, float] | None = None,
        drift_share: float = 0.5,
        mode: str = "share",
        correction: str | None = None,
        kinds: Mapping[str, str] | None = None,
        bins: str | Mapping[str, Any] = "quantile",
        n_bins: int = 10,
        missing_share_tolerance: float = 0.05,
        max_new_category_share: float = 0.05,
        min_samples: int = 30,
        on_insufficient: str = "warn",
        n_jobs: int = 2,
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.method = method
        self.threshold = threshold
        self.warn_threshold = warn_threshold
        self.drift_share = drift_share
        self.mode = mode
        self.correction = correction
        self.kinds = kinds
        self.bins = bins
        self.n_bins = n_bins
        self.missing_share_tolerance = missing_share_tolerance
        self.max_new_category_share = max_new_category_share
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- parameters -----------------------------------------------------------------------
    def _validate_params(self) -> None:
        owner = type(self).__name__
        if isinstance(self.method, Mapping):
            for key, value in self.method.items():
                if value not in ("auto", *METHODS):
                    raise parameter_error(owner, f"method[{key!r}]", f"one of {('auto', *METHODS)}", value)
        level = Interval("real", 0, None)
        for pname in ("threshold", "warn_threshold"):
            value = getattr(self, pname)
            entries: Any = value.items() if isinstance(value, Mapping) else [(None, value)]
            for key, v in entries:
                where = pname if key is None else f"{pname}[{key!r}]"
                if v is None and key is None:
                    continue
                if not level.is_satisfied_by(v) or not math.isfinite(float(v)):
                    raise parameter_error(
                        owner,
                        where,
                        "a finite float in [0, inf) (an alpha in (0, 1) for p-value tests, a "
                        "distance bound for distances)",
                        v,
                        f"pass e.g. {pname}=0.05 for tests or {pname}=0.1 for distances; an infinite "
                        "bound would never flag drift.",
                    )
        if isinstance(self.method, str) and self.method != "auto":
            # one method for every column: scalar levels can be checked before any data is seen
            thr = self.threshold if isinstance(self.threshold, (int, float)) else None
            warn = self.warn_threshold if isinstance(self.warn_threshold, (int, float)) else None
            default = (
                DEFAULT_PVALUE_THRESHOLD
                if self.method in kernels.PVALUE_METHODS
                else DEFAULT_DISTANCE_THRESHOLD
            )
            if thr is not None or warn is not None:
                self._check_levels(
                    "every column",
                    self.method,
                    float(default if thr is None else thr),
                    None if warn is None else float(warn),
                )
        if isinstance(self.kinds, Mapping):
            for key, value in self.kinds.items():
                if value not in VALUE_KINDS:
                    raise parameter_error(owner, f"kinds[{key!r}]", f"one of {VALUE_KINDS}", value)
        if isinstance(self.bins, Mapping):
            for key, value in self.bins.items():
                modes = (*BIN_STRATEGIES, "evidently")
                ok = value in modes or (
                    isinstance(value, (list, tuple))
                    and len(value) > 0
                    and all(isinstance(e, (int, float)) and not isinstance(e, bool) for e in value)
                    and all(x < y for x, y in itertools.pairwise(value))
                )
                if not ok:
                    raise parameter_error(
                        owner,
                        f"bins[{key!r}]",
                        f"one of {modes} or an increasing list of edges",
                        value,
                    )

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    def _lookup(self, value: Any, column: str, kind: str | None, method: str | None, default: Any) -> Any:
        """Resolve a scalar-or-mapping parameter: column name, then method, then kind; a
        ``binary`` column falls back to ``numeric`` or ``categorical`` (what its values are)."""
        if not isinstance(value, Mapping):
            return default if value is None else value
        kind_keys: list[str | None] = [kind]
        if kind is not None and ":" in kind:  # "binary:numeric"
            kind_keys = list(kind.split(":"))
        for key in (column, method, *kind_keys):
            if key is not None and key in value:
                return value[key]
        return default

    def _method_for(self, column: str, kind: str) -> str:
        return str(self._lookup(self.method, column, kind, None, "auto"))

    def _threshold_for(self, column: str, kind: str | None, method: str) -> tuple[float, float | None]:
        default = DEFAULT_PVALUE_THRESHOLD if method in kernels.PVALUE_METHODS else DEFAULT_DISTANCE_THRESHOLD
        thr = float(self._lookup(self.threshold, column, kind, method, default))
        warn = self._lookup(self.warn_threshold, column, kind, method, None)
        warn = None if warn is None else float(warn)
        self._check_levels(f"column {column!r}", method, thr, warn)
        return thr, warn

    def _check_levels(self, where: str, method: str, thr: float, warn: float | None) -> None:
        """A p-value method's threshold is an alpha in (0, 1); a warning level must be laxer
        than the threshold (a larger alpha, a smaller distance) or it could never fire."""
        owner = type(self).__name__
        is_test = method in kernels.PVALUE_METHODS
        if is_test and not 0 < thr < 1:
            raise parameter_error(
                owner,
                "threshold",
                f"a significance level in (0, 1) for {where} (method {method!r} is a p-value test)",
                thr,
                "pass an alpha such as threshold=0.05 (0 never flags drift, 1 or more always does); "
                "for distances and tests together use a mapping by method, e.g. "
                "threshold={'ks': 0.05, 'wasserstein': 0.1}.",
            )
        if not is_test:
            top = DISTANCE_MAX.get(method, math.inf)
            for pname, value in (("threshold", thr), ("warn_threshold", warn)):
                if value is not None and not (0 < value <= top and math.isfinite(value)):
                    what = f"in (0, {top:.4g}]" if math.isfinite(top) else "a finite float > 0"
                    raise parameter_error(
                        owner,
                        pname,
                        f"{what} for {where} (method {method!r} is a distance; a bound outside its "
                        "range never or always flags drift)",
                        value,
                        f"pass a bound such as {pname}=0.1, or a mapping by method, e.g. "
                        "threshold={'ks': 0.05, 'wasserstein': 0.1}.",
                    )
        if warn is None:
            return
        if is_test and not thr < warn < 1:
            raise parameter_error(
                owner,
                "warn_threshold",
                f"in ({thr:g}, 1) for {where}: method {method!r} is a p-value test, so the warning "
                f"alpha must be larger than threshold={thr:g} to ever fire",
                warn,
                f"pass a laxer alpha such as warn_threshold={min(2 * thr, (1 + thr) / 2):g}, or a mapping "
                "by method, e.g. warn_threshold={'ks': 0.1, 'wasserstein': 0.05}.",
            )
        if not is_test and not warn < thr:
            raise parameter_error(
                owner,
                "warn_threshold",
                f"below threshold={thr:g} for {where}: method {method!r} is a distance, so the warning "
                "bound must be smaller than the drift bound to ever fire",
                warn,
                f"pass a smaller bound such as warn_threshold={thr / 2:g}, or a mapping by method, "
                "e.g. warn_threshold={'ks': 0.1, 'wasserstein': 0.05}.",
            )

    # -- inputs ---------------------------------------------------------------------------
    def _pairs(self, ctx: CheckContext) -> list[tuple[str, Any]]:
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        select_columns(ref, None)  # duplicate names are an InputError naming them
        select_columns(cur, None)
        if self.columns is None:
            names = [c for c in ctx.features("current").columns if c in ref.columns]
        else:
            names = select_columns(cur, self.columns)
        out: list[tuple[str, Any]] = []
        for col in names:
            if col in cur.columns or col in ref.columns or col not in SPECIAL_COLUMNS:
                out.append((str(col), ("frame", col)))
            else:
                out.append((str(col), ("input", col)))
        return out

    def _series(
        self, ctx: CheckContext, source: tuple[str, Any]
    ) -> tuple[pd.Series, pd.Series, dict[str, Any]]:
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

    def _unshared(self, ctx: CheckContext) -> list[Finding]:
        """SKIP findings for the columns only one table has (default column selection)."""
        if self.columns is not None:
            return []
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        features = (list(ctx.features("current").columns), list(ctx.features("reference").columns))
        return self._unshared_of(list(ref.columns), list(cur.columns), *features)

    def _unshared_of(
        self, ref_columns: list[Any], cur_columns: list[Any], cur_features: list[Any], ref_features: list[Any]
    ) -> list[Finding]:
        """:meth:`_unshared` from column names (in memory or from the tables' schemas)."""
        if self.columns is not None:
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

    # -- one column -----------------------------------------------------------------------
    def _resolve(self, ctx: CheckContext, subject: str, source: tuple[str, Any]) -> Any:
        """Both sides' series (or the InputError), and the column's memo of reference-side work
        (shared by every window of a run, see :meth:`CheckContext.derive`); run before the thread
        pool so predictions from ``model`` are computed once, in one thread."""
        try:
            ref, cur, extra = self._series(ctx, source)
        except InputError as exc:
            return exc
        uses = ("reference", *(("target", "prediction", "proba", "model") if source[0] == "input" else ()))
        memo = ctx.cached(("drift_reference_memo", subject, source), dict, depends_on=uses)
        return ref, cur, extra, memo

    def _column(self, subject: str, resolved: Any) -> _Outcome:
        out = _Outcome(subject)
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
                out.skip = self.columns is None  # not asked for by name: skipped, not an error
                return out
        override = self.kinds.get(subject) if isinstance(self.kinds, Mapping) else None
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
            dtype=str(ref.dtype),
            n_ref=col.ref.n,
            n_cur=col.cur.n,
            n_unique=col.n_unique,
            n_unique_exact=col.ref.counts is not None or col.n_unique <= prep.DISCRETE_MAX_VALUES,
        )
        ms_ref = col.ref.n_missing / col.ref.rows
        ms_cur = col.cur.n_missing / col.cur.rows
        d.update(missing_share_reference=ms_ref, missing_share_current=ms_cur)
        if col.ref.n_nonfinite or col.cur.n_nonfinite:
            d.update(n_nonfinite_reference=col.ref.n_nonfinite, n_nonfinite_current=col.cur.n_nonfinite)
        if col.ref.n_missing or col.cur.n_missing:
            out.missing = self._missing_finding(subject, col)
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
            return out
        method = self._method_for(subject, out.kind)
        if method == "auto":
            if col.kind == "text":
                out.error = (
                    "unsupported_kind",
                    f"{subject}: text-like column ({col.n_unique_ref:,} distinct "
                    f"values in {col.ref.n:,}); set kinds={{{subject!r}: 'categorical'}} or a method "
                    "to compare it",
                )
                out.skip = True
                return out
            method, why = prep.auto_method(col)
        else:
            why = "set by the method parameter"
        out.method = method
        d.update(method_reason=why)
        thr, _ = self._threshold_for(subject, out.kind, method)  # invalid levels fail here, early
        if min(col.ref.n, col.cur.n) < self.min_samples:
            out.insufficient = self._insufficient(subject, method, col.ref.n, col.cur.n, thr, d)
            return out
        bins = self._lookup(self.bins, subject, out.kind, None, "quantile")
        try:
            result, info = prep.evaluate(col, method, bins, self.n_bins, self.random_state)
        except prep.NotApplicable as exc:
            out.error = ("method_not_applicable", str(exc))
            return out
        except ValueError as exc:  # a kernel's own precondition (e.g. 2 values per side)
            out.error = ("undefined_statistic", f"{subject}: {method} cannot be computed here: {exc}")
            return out
        d.update(info)
        hist = prep.histogram(col, info, self.n_bins)
        if hist is not None:
            d["histogram"] = hist
        out.statistic, out.pvalue = result.statistic, result.pvalue
        return out

    def _insufficient(
        self, subject: str, method: str, n_ref: int, n_cur: int, thr: float, d: dict[str, Any]
    ) -> str:
        """The insufficient-samples message: the smallest effect the resolved method could
        detect at these sizes (binary tests: a change of share; the rest: the KS distance of a
        two-sample test, a scale for how coarse any comparison is)."""
        head = f"{subject}: {n_ref} reference and {n_cur} current values (< {self.min_samples}) for {method}"
        alpha = thr if method in kernels.PVALUE_METHODS else DEFAULT_PVALUE_THRESHOLD
        if method in ("z", "fisher_exact"):
            eff = prep.detectable_share(n_ref, n_cur, alpha)
            d.update(detectable_share_difference=eff)
            effect = f"a {method} test at alpha {alpha:g} could only detect a change of share >= {eff:.2f}"
        else:
            eff = prep.detectable(n_ref, n_cur, alpha)
            d.update(detectable_ks_distance=eff)
            test = "a ks test" if method == "ks" else "even a ks test"
            effect = f"{test} at alpha {alpha:g} could only detect a CDF gap >= {eff:.2f}"
        if eff >= 1:
            effect = f"no shift of any size is detectable with {n_ref} reference and {n_cur} current values"
        return f"{head}; {effect}"

    def _missing_finding(self, subject: str, col: prep.Column) -> Finding:
        ref_share = col.ref.n_missing / col.ref.rows
        cur_share = col.cur.n_missing / col.cur.rows
        change = cur_share - ref_share
        res = kernels.z(
            np.array([col.ref.n_missing, col.ref.rows - col.ref.n_missing]),
            np.array([col.cur.n_missing, col.cur.rows - col.cur.n_missing]),
        )
        tol = self.missing_share_tolerance
        text = f"{subject}: missing share {share_text(ref_share)} -> {share_text(cur_share)}"
        if abs(change) > tol:
            status, reason = Status.WARN, "missing_share_drift"
            message = f"{text} (change {100 * change:+.1f} points > {share_text(tol)} allowed)"
        else:
            status, reason = Status.PASS, None
            message = f"{text} (within {share_text(tol)})"
        return Finding(
            subject,
            status,
            statistic=change,
            pvalue=res.pvalue,
            threshold=tol,
            method="missing_share",
            reason=reason,
            message=message,
            details={
                "missing_reference": col.ref.n_missing,
                "missing_current": col.cur.n_missing,
                "rows_reference": col.ref.rows,
                "rows_current": col.cur.rows,
                "pvalue_method": "z",
            },
        )

    # -- decision -------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        empty = [s for s, f in (("reference", ref), ("current", cur)) if len(f) == 0]
        if empty:
            return self._verdict(
                Status.ERROR,
                reason="empty_input",
                message=f"{' and '.join(empty)} has no rows: drift cannot be judged",
            )
        pairs = self._pairs(ctx)
        resolved = [(subject, self._resolve(ctx, subject, source)) for subject, source in pairs]
        if self.n_jobs > 1 and len(pairs) > 1:
            with ThreadPoolExecutor(max_workers=self.n_jobs) as pool:
                # the inputs' provenance (fingerprints, read by _finalize) alongside the columns
                described = pool.submit(ctx.describe_inputs)
                outcomes = list(pool.map(lambda p: self._column(*p), resolved))
                described.result()
        else:
            outcomes = [self._column(*p) for p in resolved]
        return self._decide(outcomes, list(ref.columns), list(cur.columns), self._unshared(ctx))

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        from mlgates.gates.drift import _profiled

        return _profiled.needs(self, ctx, side)

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        from mlgates.gates.drift import _profiled

        return _profiled.check(self, ctx)

    def _decide(
        self,
        outcomes: list[_Outcome],
        ref_columns: list[Any],
        cur_columns: list[Any],
        unshared: list[Finding],
    ) -> Verdict:
        """The verdict from the columns' outcomes (in memory or from profiles): multiple-testing
        correction, thresholds, the dataset-level decision and the wording."""
        self._correct(outcomes)
        self._new_categories(outcomes)
        findings: list[Finding] = self._unknown_keys(ref_columns, cur_columns)
        others = list(findings)  # findings other than judged drift: they join the status as-is
        n_judged = n_drifted = n_warned = 0
        insufficient_status = _insufficient_status(self.on_insufficient)
        for o in outcomes:
            f, judged = self._finding(o, insufficient_status)
            findings.append(f)
            if o.missing is not None:
                findings.append(o.missing)
                if o.missing.status is not Status.PASS:
                    others.append(o.missing)
            if o.new is not None:
                findings.append(o.new)
                if o.new.status is not Status.PASS:
                    others.append(o.new)
            if judged:
                n_judged += 1
                n_drifted += f.status is Status.FAIL
                n_warned += f.status is Status.WARN
            else:
                others.append(f)
        metrics: dict[str, float] = {
            "n_columns": len(outcomes),
            "n_judged": n_judged,
            "n_drifted": n_drifted,
        }
        if n_judged:
            share = n_drifted / n_judged
            metrics["drift_share"] = share
            if self.mode == "column":
                decision = Status.FAIL if n_drifted else (Status.WARN if n_warned else Status.PASS)
                rule = "any drifted column fails"
            else:
                decision = (
                    Status.FAIL
                    if share >= self.drift_share
                    else Status.WARN
                    if n_drifted or n_warned
                    else Status.PASS
                )
                rule = f"fails at a drifted share >= {share_text(self.drift_share)}"
            summary = f"{n_drifted} of {n_judged} columns drifted ({share_text(share)}); {rule}"
            findings.append(
                Finding(
                    "dataset",
                    decision,
                    statistic=share,
                    # the bound this row crossed: a WARN below drift_share is "some drift" (> 0)
                    threshold=(0.0 if n_drifted else None)
                    if decision is Status.WARN
                    else (self.drift_share if self.mode == "share" else None),
                    method="drift_share",
                    reason="drift_detected" if decision is not Status.PASS else None,
                    message=summary,
                    details={
                        "mode": self.mode,
                        "drift_share": self.drift_share,
                        "n_judged": n_judged,
                        "n_drifted": n_drifted,
                        "n_warned": n_warned,
                    },
                )
            )
        else:
            decision, summary = Status.SKIP, "no column could be judged"
        findings.extend(unshared)
        others.extend(unshared)
        status = Status.worst([decision, *(f.status for f in others)])
        if status is Status.SKIP and not outcomes:
            return self._verdict(
                findings=findings, metrics=metrics, reason="nothing_to_check", message="no columns to compare"
            )
        reason = None
        if status is not Status.PASS:
            if status is decision and decision in (Status.WARN, Status.FAIL):
                reason = "drift_detected"
            else:
                reason = next(
                    (f.reason for f in findings if f.status is status and f.reason), "nothing_to_check"
                )
        message = summary
        problems = [f.message for f in others]
        if problems:
            message += f"; {pluralize(len(problems), 'other finding')}: " + "; ".join(problems[:2])
        methods = {o.subject: o.method for o in outcomes if o.method}
        return self._verdict(
            status,
            findings=findings,
            metrics=metrics,
            reason=reason,
            message=message,
            params={"resolved_methods": methods, "auto_rule": "evidently-0.7"},
        )

    def _new_categories(self, outcomes: list[_Outcome]) -> None:
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
                max_share=self.max_new_category_share,
                n_tests=len(tested),
                random_state=self.random_state,
            )

    def _unknown_keys(self, ref_columns: list[Any], cur_columns: list[Any]) -> list[Finding]:
        """ERROR findings for mapping keys that name no column (nor a method or kind where
        those are allowed): a typo must not silently fall back to the default."""
        columns = [*cur_columns, *(c for c in ref_columns if c not in cur_columns)]
        by_rule = unknown_key_findings(
            {"method": self.method, "threshold": self.threshold, "warn_threshold": self.warn_threshold},
            columns,
            other_keys=(*SPECIAL_COLUMNS, *VALUE_KINDS, *METHODS),
            side="current or reference",
        )
        seen = {f.subject for f in by_rule}
        by_column = unknown_key_findings(
            {"kinds": self.kinds, "bins": self.bins},
            columns,
            other_keys=SPECIAL_COLUMNS,
            skip=seen,
            side="current or reference",
        )
        return by_rule + by_column

    def _correct(self, outcomes: list[_Outcome]) -> None:
        if self.correction is None:
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
        adjusted = adjust_pvalues(raw, self.correction)
        for j, (i, p) in enumerate(zip(idx, adjusted, strict=True)):
            outcomes[i].details.update(
                raw_pvalue=outcomes[i].pvalue, correction=self.correction, n_tests=len(idx)
            )
            outcomes[i].pvalue = float(p)
            bounds = outcomes[i].details.get("bounds")
            if bounds is not None and "pvalue" in bounds:  # adjusted p is monotone in the raw p
                ends = []
                for end in bounds["pvalue"]:
                    trial = list(raw)
                    trial[j] = float(end)
                    ends.append(float(adjust_pvalues(trial, self.correction)[j]))
                outcomes[i].details["bounds"] = {**bounds, "raw_pvalue": bounds["pvalue"], "pvalue": ends}

    def _finding(self, o: _Outcome, insufficient_status: Status) -> tuple[Finding, bool]:
        """The column's finding, and whether its drift was judged (a statistic compared with
        its threshold: PASS, WARN or FAIL) rather than an error, skip or insufficient data."""
        if o.error is not None:
            code, message = o.error
            status = Status.SKIP if o.skip else Status.ERROR
            return Finding(
                o.subject, status, method=o.method, reason=code, message=message, details=o.details
            ), False
        if o.insufficient is not None:
            return Finding(
                o.subject,
                insufficient_status,
                method=o.method,
                reason="insufficient_samples",
                message=o.insufficient,
                details=o.details,
            ), False
        method = o.method or ""
        thr, warn = self._threshold_for(o.subject, o.kind, method)
        is_test = method in kernels.PVALUE_METHODS
        bounds = o.details.get("bounds")
        if bounds is not None:  # a statistic on the reference-quantile grid: decided within its bound
            undecided = _within_bound(o, bounds, is_test, thr)
            if undecided is not None:
                return Finding(
                    o.subject,
                    insufficient_status,
                    statistic=o.statistic,
                    pvalue=o.pvalue,
                    threshold=thr,
                    method=method,
                    reason="undecided_within_bound",
                    message=undecided,
                    details=o.details,
                ), False
        value = o.pvalue if is_test else o.statistic
        sizes = f"n_ref={o.details.get('n_ref', 0):,}, n_cur={o.details.get('n_cur', 0):,}"
        o.details.update(direction="pvalue < threshold" if is_test else "statistic >= threshold")
        if (
            value is None
            or not math.isfinite(value)
            or (o.statistic is not None and math.isnan(o.statistic) and method != "fisher_exact")
        ):
            return Finding(
                o.subject,
                Status.ERROR,
                statistic=o.statistic,
                pvalue=o.pvalue,
                threshold=thr,
                method=method,
                reason="undefined_statistic",
                message=f"{o.subject}: {method} is undefined on this data ({sizes})",
                details=o.details,
            ), False
        if is_test:
            drifted, warned = value < thr, warn is not None and value < warn
            raw = o.details.get("raw_pvalue")
            label = "p" if raw is None else f"{o.details['correction']}-adjusted p"
            shown = f"{method} {label}={value:.3g} {'<' if drifted else '>='} {thr:g}"
            if warned and not drifted:
                shown = f"{method} {label}={value:.3g} < {warn:g} (warning level)"
            if raw is not None:
                shown += f", raw p={raw:.3g}"
        else:
            drifted, warned = value >= thr, warn is not None and value >= warn
            shown = f"{method} {value:.3g} {'>=' if drifted else '<'} {thr:g}"
            if warned and not drifted:
                shown = f"{method} {value:.3g} >= {warn:g} (warning level)"
        o.details.update(drifted=bool(drifted))
        if warn is not None:  # a WARN row's threshold is the warning level: keep both levels
            o.details.update(warn_threshold=warn, fail_threshold=thr)
        new = o.details.get("n_new_categories") or 0
        tail = f"; {pluralize(new, 'new category')}" if new else ""
        reason: str | None = None
        if drifted:
            status, reason, head = Status.FAIL, "drift_detected", "drift detected"
        elif warned:
            status, reason, head = Status.WARN, "drift_detected", "drift at warning level"
        else:
            status, reason, head = Status.PASS, None, "no drift"
        return Finding(
            o.subject,
            status,
            statistic=o.statistic,
            pvalue=o.pvalue,
            threshold=warn if status is Status.WARN else thr,
            method=method,
            reason=reason,
            message=f"{o.subject}: {head} ({shown}; {sizes}){tail}",
            details=o.details,
        ), True


def _within_bound(o: _Outcome, bounds: Mapping[str, Any], is_test: bool, thr: float) -> str | None:
    """Set the outcome's statistic and p-value to the end of their bound on the side the
    decision falls, or return the message of an undecided column (the bound straddles the
    threshold)."""
    s_lo, s_hi = bounds["statistic"]
    if is_test:
        p_lo, p_hi = bounds["pvalue"]
        if p_hi < thr:  # drift whatever the raw values: the largest possible p is below alpha
            o.statistic, o.pvalue = s_lo, p_hi
            return None
        if p_lo >= thr:  # no drift whatever the raw values
            o.statistic, o.pvalue = s_hi, p_lo
            return None
        shown = f"p in [{p_lo:.3g}, {p_hi:.3g}] straddles {thr:g}"
    else:
        if s_lo >= thr:
            o.statistic = s_lo
            return None
        if s_hi < thr:
            o.statistic = s_hi
            return None
        shown = f"{o.method} in [{s_lo:.3g}, {s_hi:.3g}] straddles {thr:g}"
    grid = o.details.get("grid_size")
    return (
        f"{o.subject}: {shown} on the {grid}-point reference-quantile grid; only the exact value "
        "decides: check on DataFrames (in memory), or use a binned method (psi, jensenshannon, ...)"
    )
