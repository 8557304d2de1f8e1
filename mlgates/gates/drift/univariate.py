"""DriftGate: per-column two-sample comparison of ``reference`` and ``current``.

The gate is split by job: :mod:`~mlgates.gates.drift._compare` runs the comparison column by
column, :mod:`~mlgates.gates.drift._levels` resolves thresholds,
:mod:`~mlgates.gates.drift._decide` decides on the facts and
:mod:`~mlgates.gates.drift._describe` words the decisions."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, parameter_error
from mlgates.core.params import insufficient_status as _insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import VALUE_KINDS
from mlgates.gates.drift import _compare as compare
from mlgates.gates.drift._compare import METHODS, SPECIAL_COLUMNS, Outcome
from mlgates.gates.drift._decide import (
    DECISIONS,
    ColumnFacts,
    DatasetFacts,
    dataset_bound,
    decide_column,
    decide_dataset,
    is_test,
)
from mlgates.gates.drift._describe import describe_column, describe_dataset, verdict_message
from mlgates.gates.drift._levels import REFERENCE_NULL, check_levels, default_threshold, lookup
from mlgates.stats.binning import BIN_STRATEGIES
from mlgates.stats.multiple_testing import CORRECTIONS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "SPECIAL_COLUMNS", "DriftGate"]

#: Resamples of the interval, the significance test and the reference null by default.
DEFAULT_RESAMPLES = 1000
#: Rows per column to sort (current, and reference unless prepared earlier in the run) from
#: which columns run in threads: below it, starting and joining threads costs more than the
#: columns (the windows of a monitoring check: their reference is sorted once, in the first).
THREADS_MIN_ROWS = 50_000


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
        1), is a ParameterError naming the column and method. ``"reference_null"`` (alone or
        as a mapping value) calibrates a distance's bound on the reference: the
        ``null_quantile`` of the distance between two samples of the reference at the check's
        sizes (``n_resamples`` multinomial draws on the frozen bins; the value, draws, seed and
        sizes recorded in ``details["reference_null"]``); p-value tests keep alpha 0.05 (a
        p-value is calibrated under the null already).
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
        Threads over columns (numpy sorts release the GIL), used when the columns have at least
        ``THREADS_MIN_ROWS`` (50,000) rows to sort; smaller checks run in one thread.
    random_state : int, default 0
        Seed of ``empirical_mmd``'s subsample and permutations, and of the resampling below.
    decision : {"point", "material"}, default "point"
        How a distance decides. ``"point"``: the distance against ``threshold``.
        ``"material"``: FAIL only when the change is significant (a test of no change on the
        distance at ``alpha``) **and** the lower bound of the distance's interval is above
        ``threshold``; PASS when the whole interval is below it; otherwise
        ``drift_inconclusive`` with ``on_insufficient``'s status. Decisions then no longer
        depend on the sample size: at 1M rows a negligible change passes, at 100 rows a large
        one is inconclusive rather than silently passing. P-value tests decide on their p-value
        either way. Works with ``psi``, ``kl_div``, ``jensenshannon``, ``hellinger``, ``tvd``
        and ``wasserstein`` (others: ``method_not_applicable``). See docs/drift.md.
    alpha : float, default 0.05
        Significance level of the test of no change with ``decision="material"``.
    confidence : float, default 0.95
        Level of the distances' intervals (``details["interval"]``).
    n_resamples : int, optional
        Multinomial draws for the interval, the test and the reference null (default 1,000
        when one is asked for). Given with ``decision="point"``, the interval is still recorded.
    null_quantile : float, default 0.99
        Quantile of the reference null taken by ``threshold="reference_null"``.
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

    Reason codes: ``drift_detected``, ``drift_inconclusive``, ``missing_share_drift``,
    ``new_category_share_exceeded``, ``new_categories``, ``insufficient_samples``, ``missing_column``,
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
        "threshold": [Interval("real", 0, None), Options(REFERENCE_NULL), "mapping", None],
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
        "decision": [Options(*DECISIONS)],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "n_resamples": [Interval("int", 100, 100_000), None],
        "null_quantile": [Interval("real", 0.5, 1, closed="neither")],
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
        decision: str = "point",
        alpha: float = 0.05,
        confidence: float = 0.95,
        n_resamples: int | None = None,
        null_quantile: float = 0.99,
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
        self.decision = decision
        self.alpha = alpha
        self.confidence = confidence
        self.n_resamples = n_resamples
        self.null_quantile = null_quantile

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
                if pname == "threshold" and v == REFERENCE_NULL:
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
        uses_null = self.threshold == REFERENCE_NULL or (
            isinstance(self.threshold, Mapping) and REFERENCE_NULL in self.threshold.values()
        )
        if uses_null:
            from mlgates.stats.distance_resampling import draws_needed

            draws = DEFAULT_RESAMPLES if self.n_resamples is None else self.n_resamples
            need = draws_needed(self.null_quantile)
            if draws < need:
                # the Monte Carlo test's smallest p-value is 1 / (draws + 1): a level below it
                # is out of reach (monte_carlo_bound gives no bound), the check could never flag
                raise parameter_error(
                    owner,
                    "null_quantile",
                    f"reachable with n_resamples={draws} draws (at most 1 - 1/(n_resamples + 1) = "
                    f"{1 - 1 / (draws + 1):.5g})",
                    self.null_quantile,
                    f"pass n_resamples={need} or more, or a lower null_quantile.",
                )
        if isinstance(self.method, str) and self.method != "auto":
            # one method for every column: scalar levels can be checked before any data is seen
            thr = self.threshold if isinstance(self.threshold, (int, float)) else None
            warn = self.warn_threshold if isinstance(self.warn_threshold, (int, float)) else None
            if self.threshold == REFERENCE_NULL:  # the bound is calibrated at check time
                warn = None
            default = default_threshold(self.method)
            if thr is not None or warn is not None:
                check_levels(
                    owner,
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

    def _method_for(self, column: str, kind: str) -> str:
        return str(lookup(self.method, column, kind, None, "auto"))

    def _threshold_for(self, column: str, kind: str | None, method: str) -> tuple[float, float | None]:
        """The column's (threshold, warning level); a threshold calibrated on the reference
        (``"reference_null"``, distances only) is NaN here and set from the column's draws."""
        value = lookup(self.threshold, column, kind, method, default_threshold(method))
        warn = lookup(self.warn_threshold, column, kind, method, None)
        warn = None if warn is None else float(warn)
        if value == REFERENCE_NULL:
            if is_test(method):  # a p-value is calibrated under the null already
                value = default_threshold(method)
            else:
                return math.nan, warn
        thr = float(value)
        check_levels(type(self).__name__, f"column {column!r}", method, thr, warn)
        return thr, warn

    def _resamples(self, column: str, kind: str | None, method: str) -> dict[str, Any] | None:
        """What the column's distance needs by resampling (None: nothing): an ``interval``
        (``decision="material"`` or ``n_resamples`` given), a ``significance`` test (material)
        and the ``reference_null`` threshold."""
        if is_test(method):
            return None
        material = self.decision == "material"
        calibrate = lookup(self.threshold, column, kind, method, None) == REFERENCE_NULL
        if not (material or calibrate or self.n_resamples is not None):
            return None
        return {
            "interval": material or self.n_resamples is not None,
            "significance": material,
            "reference_null": calibrate,
            "n_resamples": DEFAULT_RESAMPLES if self.n_resamples is None else self.n_resamples,
            "confidence": self.confidence,
            "null_quantile": self.null_quantile,
            "alpha": self.alpha,
            "random_state": self.random_state,
        }

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
        pairs, unknown, unshared, ref_columns, cur_columns = self._layout(ctx, ref, cur)
        resolved = [(subject, compare.resolve(ctx, subject, source)) for subject, source in pairs]
        if self.n_jobs > 1 and len(pairs) > 1 and _worth_threads(resolved, len(ref), len(cur)):
            with ThreadPoolExecutor(max_workers=self.n_jobs) as pool:
                # the inputs' provenance (fingerprints, read by _finalize) alongside the columns
                described = pool.submit(ctx.describe_inputs)
                outcomes = list(pool.map(lambda p: compare.column(self, *p), resolved))
                described.result()
        else:
            outcomes = [compare.column(self, *p) for p in resolved]
        return self._decide(outcomes, ref_columns, cur_columns, unshared, unknown=unknown)

    def _layout(self, ctx: CheckContext, ref: pd.DataFrame, cur: pd.DataFrame) -> tuple[Any, ...]:
        """The compared columns and the findings about the tables' columns (unknown mapping
        keys, columns in one table only): worked out once per run for all windows of current,
        whose columns are views of the same labels."""
        held: list[tuple[pd.Index, tuple[Any, ...]]] = ctx.cached(
            ("drift_layout", id(self)), list, depends_on=("reference",)
        )
        for columns, layout in held:
            if columns.is_(cur.columns):
                return layout
        ref_columns, cur_columns = list(ref.columns), list(cur.columns)
        layout = (
            compare.pairs(self, ctx),
            compare.unknown_keys(self, ref_columns, cur_columns),
            compare.unshared(self, ctx),
            ref_columns,
            cur_columns,
        )
        held.append((cur.columns, layout))
        return layout

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        from mlgates.gates.drift import _profiled

        return _profiled.needs(self, ctx, side)

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        from mlgates.gates.drift import _profiled

        return _profiled.check(self, ctx)

    def _decide(
        self,
        outcomes: list[Outcome],
        ref_columns: list[Any],
        cur_columns: list[Any],
        unshared: list[Finding],
        *,
        unknown: list[Finding] | None = None,
    ) -> Verdict:
        """The verdict from the columns' outcomes (in memory or from profiles): multiple-testing
        correction, thresholds, the dataset-level decision and the wording (``unknown``: the
        findings for mapping keys that name no column, when already worked out)."""
        compare.correct(self, outcomes)
        compare.new_categories(self, outcomes)
        findings: list[Finding] = list(
            compare.unknown_keys(self, ref_columns, cur_columns) if unknown is None else unknown
        )
        others = list(findings)  # findings other than judged drift: they join the status as-is
        n_judged = n_drifted = n_warned = 0
        insufficient_status = _insufficient_status(self.on_insufficient)
        for o in outcomes:
            f, judged = self._finding(o, insufficient_status)
            findings.append(f)
            for extra in (o.missing, o.new):
                if extra is not None:
                    findings.append(extra)
                    if extra.status is not Status.PASS:
                        others.append(extra)
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
            tally = decide_dataset(DatasetFacts(self.mode, self.drift_share, n_judged, n_drifted, n_warned))
            decision, summary = tally.status, describe_dataset(tally)
            metrics["drift_share"] = tally.facts.share
            findings.append(
                Finding(
                    "dataset",
                    decision,
                    statistic=tally.facts.share,
                    threshold=dataset_bound(tally),
                    method="drift_share",
                    reason=tally.reason,
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
        methods = {o.subject: o.method for o in outcomes if o.method}
        return self._verdict(
            status,
            findings=findings,
            metrics=metrics,
            reason=reason,
            message=verdict_message(summary, [str(f.message) for f in others]),
            params={"resolved_methods": methods, "auto_rule": "evidently-0.7"},
        )

    def _finding(self, o: Outcome, insufficient_status: Status) -> tuple[Finding, bool]:
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
        assert o.levels is not None  # set with the method (judgeable_method), in memory and on profiles
        thr, warn = o.levels
        null = o.details.get("reference_null")
        if null is not None:
            thr = float(null["value"])
        bounds = o.details.get("bounds")
        if bounds is not None:  # a statistic on the reference-quantile grid: decided within its bound
            undecided = _within_bound(o, bounds, is_test(method), thr)
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
        ci = o.details.get("interval")
        sig = o.details.get("significance")
        facts = ColumnFacts(
            o.subject,
            method,
            statistic=o.statistic,
            pvalue=o.pvalue,
            threshold=thr,
            warn_threshold=warn,
            n_ref=o.details.get("n_ref", 0),
            n_cur=o.details.get("n_cur", 0),
            correction=o.details.get("correction"),
            raw_pvalue=o.details.get("raw_pvalue"),
            n_new_categories=o.details.get("n_new_categories") or 0,
            decision="point" if is_test(method) else self.decision,
            ci_low=None if ci is None else ci["low"],
            ci_high=None if ci is None else ci["high"],
            confidence=self.confidence,
            significance_pvalue=None if sig is None else sig["pvalue"],
            alpha=self.alpha,
            calibrated=null is not None,
        )
        d = decide_column(facts, insufficient=insufficient_status)
        o.details.update(direction="pvalue < threshold" if facts.is_test else "statistic >= threshold")
        judged = d.outcome not in ("undefined", "inconclusive")
        if judged:
            o.details.update(drifted=bool(facts.drifted))
            if warn is not None:  # a WARN row's threshold is the warning level: keep both levels
                o.details.update(warn_threshold=warn, fail_threshold=thr)
        return Finding(
            o.subject,
            d.status,
            statistic=o.statistic,
            pvalue=o.pvalue if sig is None else sig["pvalue"],
            threshold=warn if d.outcome == "warning" else thr,
            method=method,
            reason=d.reason,
            message=describe_column(d),
            details=o.details,
        ), judged


def _within_bound(o: Outcome, bounds: Mapping[str, Any], test: bool, thr: float) -> str | None:
    """Set the outcome's statistic and p-value to the end of their bound on the side the
    decision falls, or return the message of an undecided column (the bound straddles the
    threshold)."""
    s_lo, s_hi = bounds["statistic"]
    if test:
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


def _worth_threads(resolved: list[tuple[str, Any]], n_ref: int, n_cur: int) -> bool:
    """Whether the columns have enough to sort for a thread pool to pay: the current rows, plus
    the reference's when some column's reference side is not prepared yet (an empty memo)."""
    prepared = all(isinstance(r, tuple) and r[3] for _, r in resolved)
    return n_cur + (0 if prepared else n_ref) >= THREADS_MIN_ROWS
