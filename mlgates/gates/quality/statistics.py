"""StatisticGate: bounds on a column statistic (mean, standard deviation, median, a quantile,
the number of distinct values, the share of a value), absolute or relative to the reference,
judged with the statistic's interval."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext, Side
from mlgates.core.finding import Finding
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import unknown_key_findings
from mlgates.gates.quality._common import (
    NUMERIC_KINDS,
    absent,
    all_missing,
    check_bounds,
    check_string_keys,
    checkable,
    frame_or_error,
    guarded,
    numeric,
    resolve_columns,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.stats.intervals import (
    Estimate,
    difference_interval,
    mean_interval,
    proportion_interval,
    quantile_interval,
    std_interval,
)

__all__ = ["StatisticGate"]

STATISTICS = ("mean", "std", "median", "quantile", "n_unique", "share")
_NUMERIC_ONLY = ("mean", "std", "median", "quantile")
_ANY_KIND = ("integer", "float", "boolean", "string", "categorical", "datetime", "timedelta", "object")
_BOUND_KEYS = ("min", "max")
DEFAULT_MIN_SAMPLES = 10


class StatisticGate(QualityGate):
    """A statistic of each column lies within bounds: absolute (``min_value``/``max_value``,
    per column ``bounds``) or relative to the same statistic on ``reference``
    (``compare_to="reference"`` with ``max_change`` and/or ``max_relative_change``).

    The statistic is judged with its confidence interval, so a small sample does not fail on
    noise: with ``decision="ci"`` (default) a column FAILs only when the whole interval lies
    beyond a bound; when the point estimate is beyond the bound but the interval reaches back
    inside it, the data cannot decide (reason ``insufficient_samples``, status from
    ``on_insufficient``); otherwise it PASSes. ``decision="point"`` judges the point estimate
    alone (as Great Expectations' ``expect_column_mean_to_be_between`` does) and still reports
    the interval.

    Parameters
    ----------
    statistic : {"mean", "std", "median", "quantile", "n_unique", "share"}
        What is bounded: the mean (Student's t interval), the standard deviation (``ddof=1``,
        Bonett's interval), the median or the ``quantile`` given (distribution-free
        order-statistic interval), the number of distinct values (exact: a property of the
        batch, no interval), the share of ``value`` among the non-missing values (Wilson
        interval). Computed on the non-missing values.
    columns : str or list of str, optional
        Columns to check; by default every integer/float column for mean, std, median and
        quantile, every column for ``n_unique``, every column of ``value``'s kind for ``share``
        (with ``min_value``/``max_value`` or ``compare_to``).
    min_value, max_value : float, optional
        Bounds on the statistic for ``columns`` (both included).
    bounds : mapping of column to {"min": float, "max": float}, optional
        Per-column bounds (either key may be omitted), checked in addition to ``columns``;
        they take precedence.
    quantile : float, optional
        The quantile level in (0, 1) for ``statistic="quantile"``.
    value : str, float or bool, optional
        The value whose share is bounded, for ``statistic="share"``.
    compare_to : {"reference"}, optional
        Bound the change from the statistic on ``reference`` instead of the statistic itself.
    max_change : float, optional
        With ``compare_to``: the largest change allowed, in the statistic's units.
    max_relative_change : float, optional
        With ``compare_to``: the largest change allowed as a fraction of the reference's
        statistic (``0.1``: within 10% of it). With both, the smaller allowance holds.
    decision : {"ci", "point"}, default "ci"
        Judge only when the whole interval is beyond a bound (``"ci"``) or the point estimate
        (``"point"``). The change from the reference has the MOVER interval of the difference
        (Zou and Donner, 2008), from both sides' intervals.
    confidence : float, default 0.95
        Level of every interval.
    min_samples : int or mapping of column to int, default 10
        Fewer non-missing values than this (in ``current`` or, with ``compare_to``, in
        ``reference``) cannot be judged: ``insufficient_samples``. A mapping sets it per column
        (others: 10); :func:`~mlgates.quality_suite_from_reference` calibrates it so.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of a column the data cannot decide.
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reasons: ``statistic_bound_exceeded`` (FAIL), ``insufficient_samples`` (``on_insufficient``),
    ``undefined_statistic`` (ERROR: e.g. the mean of values with infinities), ``all_missing``,
    ``missing_column``, ``unsupported_dtype``, ``empty_input``. Each finding's statistic is the
    current value (the change, with ``compare_to``); its details hold the interval
    (``ci_low``, ``ci_high``), the method, ``n`` and the bounds, and with ``compare_to`` the
    reference's value and interval and the allowed change.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import StatisticGate
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"age": rng.normal(52, 10, 400)})
    >>> v = StatisticGate("mean", columns="age", min_value=30, max_value=45).check(current=df)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'statistic_bound_exceeded')
    >>> v.findings[0].message
    'age: mean 51.63 (95% CI 50.65 to 52.61) > 45 allowed'
    >>> small = df.head(12).assign(age=[44, 47, 52, 33, 49, 40, 51, 38, 45, 50, 43, 60])
    >>> StatisticGate("mean", columns="age", max_value=45).check(current=small).findings[0].reason
    'insufficient_samples'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "statistic": [Options(*STATISTICS)],
        "columns": ["columns", None],
        "min_value": [Interval("real", None, None), None],
        "max_value": [Interval("real", None, None), None],
        "bounds": ["mapping", None],
        "quantile": [Interval("real", 0, 1, closed="neither"), None],
        "value": [str, "boolean", Interval("real", None, None), None],
        "compare_to": [Options("reference"), None],
        "max_change": [Interval("real", 0, None), None],
        "max_relative_change": [Interval("real", 0, None), None],
        "decision": [Options("ci", "point")],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "min_samples": [Interval("int", 1, None), "mapping"],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        statistic: str,
        *,
        columns: str | Sequence[str] | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        bounds: Mapping[str, Mapping[str, float]] | None = None,
        quantile: float | None = None,
        value: str | float | bool | None = None,
        compare_to: str | None = None,
        max_change: float | None = None,
        max_relative_change: float | None = None,
        decision: str = "ci",
        confidence: float = 0.95,
        min_samples: int | Mapping[str, int] = 10,
        on_insufficient: str = "warn",
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.statistic = statistic
        self.columns = columns
        self.min_value = min_value
        self.max_value = max_value
        self.bounds = bounds
        self.quantile = quantile
        self.value = value
        self.compare_to = compare_to
        self.max_change = max_change
        self.max_relative_change = max_relative_change
        self.decision = decision
        self.confidence = confidence
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.where = where

    # -- parameters ---------------------------------------------------------------------------
    def _validate_params(self) -> None:
        owner = "StatisticGate"
        if self.statistic == "quantile" and self.quantile is None:
            raise parameter_error(
                owner,
                "quantile",
                "a float in (0, 1) with statistic='quantile'",
                None,
                "StatisticGate('quantile', quantile=0.99, ...).",
            )
        if self.statistic != "quantile" and self.quantile is not None:
            raise parameter_error(
                owner,
                "quantile",
                "None unless statistic='quantile'",
                self.quantile,
                f"StatisticGate('quantile', quantile={self.quantile}, ...), or drop quantile=.",
            )
        if self.statistic == "share" and self.value is None:
            raise parameter_error(
                owner,
                "value",
                "the value whose share is bounded, with statistic='share'",
                None,
                "StatisticGate('share', value='US', columns='country', max_value=0.5).",
            )
        if self.statistic != "share" and self.value is not None:
            raise parameter_error(owner, "value", "None unless statistic='share'", self.value)
        if self.bounds is not None:
            check_bounds(owner, self.bounds, _BOUND_KEYS)
        if isinstance(self.min_samples, Mapping):
            check_string_keys(owner, "min_samples", self.min_samples)
            for col, count in self.min_samples.items():
                if not Interval("int", 1, None).is_satisfied_by(count):
                    raise parameter_error(owner, f"min_samples[{col!r}]", "an int in [1, inf)", count)
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise parameter_error(
                owner, "max_value", f"a float >= min_value ({self.min_value})", self.max_value
            )
        absolute = self.min_value is not None or self.max_value is not None or self.bounds is not None
        relative = self.max_change is not None or self.max_relative_change is not None
        if self.compare_to is None:
            if relative:
                name = "max_change" if self.max_change is not None else "max_relative_change"
                raise parameter_error(
                    owner,
                    name,
                    "used with compare_to='reference'",
                    getattr(self, name),
                    f"StatisticGate({self.statistic!r}, compare_to='reference', {name}=...).",
                )
            if self.columns is not None and self.min_value is None and self.max_value is None:
                raise parameter_error(
                    owner,
                    "columns",
                    "used with min_value and/or max_value",
                    self.columns,
                    "set min_value/max_value, or give per-column bounds={'col': {'min': ..., 'max': ...}}.",
                )
            if not absolute:
                raise parameter_error(
                    owner,
                    "bounds",
                    "set (or min_value/max_value, or compare_to='reference')",
                    None,
                    f"StatisticGate({self.statistic!r}, min_value=..., max_value=...) or "
                    f"StatisticGate({self.statistic!r}, compare_to='reference', max_relative_change=0.1).",
                )
        else:
            if absolute:
                name = (
                    "bounds"
                    if self.bounds is not None
                    else ("min_value" if self.min_value is not None else "max_value")
                )
                raise parameter_error(
                    owner,
                    name,
                    "None with compare_to='reference' (the bound is on the change)",
                    getattr(self, name),
                    "use max_change= or max_relative_change=, or a second gate.",
                )
            if not relative:
                raise parameter_error(
                    owner,
                    "max_relative_change",
                    "set (or max_change) with compare_to='reference'",
                    None,
                    f"StatisticGate({self.statistic!r}, compare_to='reference', max_relative_change=0.1).",
                )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "reference") if self.compare_to == "reference" else ("current",)

    # -- checking -----------------------------------------------------------------------------
    def _kinds(self) -> tuple[str, ...]:
        if self.statistic in _NUMERIC_ONLY:
            return NUMERIC_KINDS
        if self.statistic == "share":
            if isinstance(self.value, bool):
                return ("boolean",)
            if isinstance(self.value, str):
                return ("string", "categorical", "object")
            return (*NUMERIC_KINDS, "categorical", "object")
        return _ANY_KIND

    def _plan(self, ctx: CheckContext) -> dict[Any, tuple[float | None, float | None, bool]]:
        """Column -> (low, high, listed explicitly)."""
        frame = frame_or_error(ctx)
        plan: dict[Any, tuple[float | None, float | None, bool]] = {}
        if self.compare_to is not None or self.min_value is not None or self.max_value is not None:
            for col in resolve_columns(frame, self.columns, kinds=self._kinds()):
                plan[col] = (self.min_value, self.max_value, self.columns is not None)
        for col, spec in (self.bounds or {}).items():
            plan[col] = (spec.get("min"), spec.get("max"), True)
        return plan

    def _check(self, ctx: CheckContext) -> Verdict:
        frame_or_error(ctx)
        if self.compare_to is not None:
            frame_or_error(ctx, "reference")
        findings: list[Finding] = []
        plan = self._plan(ctx)
        wanted = (
            "an integer or float column"
            if self.statistic in _NUMERIC_ONLY
            else f"a column of {self.value!r}'s kind"
        )
        for col, _kind in checkable(
            ctx,
            plan,
            findings,
            accepted=self._kinds(),
            wanted=wanted,
            method=self._method_name(),
            explicit=lambda c: plan[c][2],
        ):
            low, high, _ = plan[col]
            judge = functools.partial(self._judge, ctx, col, low, high)
            findings.append(guarded(judge, col, self._method_name()))
        findings.extend(
            unknown_key_findings(
                {"min_samples": self.min_samples},
                ctx.frame("current").columns,
                skip=list(plan),
                method=self._method_name(),
            )
        )
        n_fail = sum(f.status is Status.FAIL for f in findings)
        return self._verdict(findings=findings, metrics={"n_columns_out_of_bounds": n_fail})

    def _min_samples(self, col: Any) -> int:
        if isinstance(self.min_samples, Mapping):
            return int(self.min_samples.get(str(col), DEFAULT_MIN_SAMPLES))
        return int(self.min_samples)

    def _label(self) -> str:
        return f"quantile {self.quantile:g}" if self.statistic == "quantile" else self.statistic

    def _method_name(self) -> str:
        return f"quantile_{self.quantile:g}" if self.statistic == "quantile" else self.statistic

    def _estimate(self, ctx: CheckContext, side: Side, col: Any) -> tuple[Estimate, int]:
        """The statistic on ``side`` with its interval, and the number of rows."""
        frame = ctx.frame(side)
        n_rows = len(frame)
        if self.statistic in _NUMERIC_ONLY:
            present = ctx.cached(("quality.present", side, col), lambda: _present(numeric(ctx, side, col)))
            if self.statistic == "mean":
                return mean_interval(present, self.confidence), n_rows
            if self.statistic == "std":
                return std_interval(present, self.confidence), n_rows
            q = 0.5 if self.statistic == "median" else float(self.quantile)  # type: ignore[arg-type]
            return quantile_interval(present, q, self.confidence), n_rows
        series = frame[col]
        present_series = series.dropna()
        n = len(present_series)
        if self.statistic == "n_unique":
            count = float(present_series.nunique()) if n else math.nan
            return Estimate(count, count, count, n, "exact"), n_rows
        hits = int(np.asarray(present_series == self.value, dtype=bool).sum()) if n else 0
        return proportion_interval(hits, n, self.confidence), n_rows

    def _judge(self, ctx: CheckContext, col: Any, low: float | None, high: float | None) -> Finding:
        stat = self._method_name()
        current, n_rows = self._estimate(ctx, "current", col)
        if current.n == 0:
            return all_missing(col, n_rows, stat)
        details: dict[str, Any] = {
            "statistic": self.statistic,
            "n": current.n,
            "n_missing": n_rows - current.n,
        }
        if self.compare_to is not None:
            ref_frame = ctx.frame("reference")
            if col not in ref_frame.columns:
                return absent(col, "reference", method=stat, available=ref_frame.columns)
            reference, ref_rows = self._estimate(ctx, "reference", col)
            if reference.n == 0:
                return Finding(
                    str(col),
                    Status.ERROR,
                    method=stat,
                    reason="all_missing",
                    message=f"{col}: all {ref_rows:,} values are missing in reference; nothing to compare",
                    details={"n_rows": ref_rows, "n_missing": ref_rows},
                )
            return self._judge_change(col, current, reference, details)
        details.update(min=low, max=high, ci_low=current.low, ci_high=current.high, interval=current.method)
        if current.n < self._min_samples(col):
            return self._insufficient(
                col, current.value, low if low is not None else high, details, current.n
            )
        if not math.isfinite(current.value):
            return self._undefined(col, current.value, details)
        shown = self._shown_estimate(current)
        outcome, bound, sign = _decide(current.value, current.low, current.high, low, high, self.decision)
        threshold = bound if bound is not None else (high if high is not None else low)
        if outcome == "pass":
            message = f"{col}: {shown} within {_range(low, high)}"
        elif outcome == "fail":
            message = f"{col}: {shown} {sign} {_num(bound)} allowed"
        else:
            message = (
                f"{col}: {self._label()} {_num(current.value)} {sign} {_num(bound)} allowed, but its "
                f"{_pct(self.confidence)} CI ({_num(current.low)} to {_num(current.high)}) includes the "
                "bound: not enough data to decide"
            )
        return self._finding(col, outcome, current.value, threshold, message, details)

    def _judge_change(
        self, col: Any, current: Estimate, reference: Estimate, details: dict[str, Any]
    ) -> Finding:
        n_small = min(current.n, reference.n)
        allowed = _allowed_change(reference.value, self.max_change, self.max_relative_change)
        diff, d_low, d_high = difference_interval(current, reference)
        details.update(
            reference=reference.value,
            reference_ci_low=reference.low,
            reference_ci_high=reference.high,
            n_reference=reference.n,
            change=diff,
            ci_low=d_low,
            ci_high=d_high,
            allowed_change=allowed,
            interval=f"mover_{current.method}",
            value=current.value,
        )
        if n_small < self._min_samples(col):
            return self._insufficient(col, diff, allowed, details, n_small)
        if not (math.isfinite(current.value) and math.isfinite(reference.value)):
            return self._undefined(
                col, current.value if not math.isfinite(current.value) else reference.value, details
            )
        outcome, _bound, _sign = _decide(diff, d_low, d_high, -allowed, allowed, self.decision)
        change = self._shown_change(diff, reference.value)
        limit = self._shown_allowed(allowed, reference.value)
        head = f"{col}: {self._label()} {_num(current.value)} vs {_num(reference.value)} in reference"
        lo_text, hi_text = (
            self._shown_change(d_low, reference.value),
            self._shown_change(d_high, reference.value),
        )
        interval = f"{_pct(self.confidence)} CI {lo_text} to {hi_text}"
        if outcome == "pass":
            message = f"{head}: change {change} within ±{limit} allowed"
        elif outcome == "fail":
            message = f"{head}: change {change} ({interval}) beyond ±{limit} allowed"
        else:
            message = (
                f"{head}: change {change} beyond ±{limit} allowed, but its {interval} includes the bound: "
                "not enough data to decide"
            )
        return self._finding(col, outcome, diff, allowed, message, details)

    # -- findings -----------------------------------------------------------------------------
    def _finding(
        self,
        col: Any,
        outcome: str,
        statistic: float,
        threshold: float | None,
        message: str,
        details: dict[str, Any],
    ) -> Finding:
        if outcome == "pass":
            status, reason = Status.PASS, None
        elif outcome == "fail":
            status, reason = Status.FAIL, "statistic_bound_exceeded"
        else:
            status, reason = insufficient_status(self.on_insufficient), "insufficient_samples"
        details["decision"] = self.decision
        details["confidence"] = self.confidence
        return Finding(
            str(col),
            status,
            statistic=statistic,
            threshold=threshold,
            method=self._method_name(),
            reason=reason,
            message=message,
            details=details,
        )

    def _insufficient(
        self, col: Any, statistic: float, threshold: float | None, details: dict[str, Any], n: int
    ) -> Finding:
        message = (
            f"{col}: {n:,} non-missing values < {self._min_samples(col):,} needed (min_samples): "
            f"not enough data to judge the {self._label()}"
        )
        return self._finding(col, "insufficient", statistic, threshold, message, details)

    def _undefined(self, col: Any, value: float, details: dict[str, Any]) -> Finding:
        return Finding(
            str(col),
            Status.ERROR,
            statistic=value,
            method=self._method_name(),
            reason="undefined_statistic",
            message=f"{col}: the {self._label()} is undefined ({value}) on these values (infinite values?)",
            details=details,
        )

    def _shown_estimate(self, e: Estimate) -> str:
        if e.method == "exact":
            return f"{self._label()} {_num(e.value)}"
        return f"{self._label()} {_num(e.value)} ({_pct(self.confidence)} CI {_num(e.low)} to {_num(e.high)})"

    def _shown_change(self, diff: float, ref: float) -> str:
        if self.max_relative_change is not None and self.max_change is None and ref != 0:
            return f"{100 * diff / abs(ref):+.1f}%"
        return f"{diff:+.4g}"

    def _shown_allowed(self, allowed: float, ref: float) -> str:
        if self.max_relative_change is not None and self.max_change is None and ref != 0:
            return f"{100 * allowed / abs(ref):.1f}%"
        return f"{allowed:.4g}"


def _present(values: np.ndarray) -> np.ndarray:
    """The non-missing values of a float64 column (shared by the statistics of one run)."""
    missing = np.isnan(values)
    return values[~missing] if missing.any() else values


def _allowed_change(reference: float, max_change: float | None, max_relative: float | None) -> float:
    """The change allowed: the smaller of ``max_change`` and ``max_relative * |reference|``."""
    limits = [
        x
        for x in (max_change, None if max_relative is None else max_relative * abs(reference))
        if x is not None
    ]
    return float(min(limits))


def _decide(
    value: float, low: float, high: float, lo_bound: float | None, hi_bound: float | None, decision: str
) -> tuple[str, float | None, str]:
    """``("pass" | "fail" | "inconclusive", the bound crossed, ">" or "<")``.

    ``decision="point"`` judges ``value``; ``"ci"`` fails only when the interval ``[low, high]``
    lies wholly beyond a bound, and is inconclusive when ``value`` is beyond it but the
    interval is not (a NaN interval end counts as unbounded)."""
    if hi_bound is not None and value > hi_bound:
        if decision == "point" or low > hi_bound:
            return "fail", hi_bound, ">"
        return "inconclusive", hi_bound, ">"
    if lo_bound is not None and value < lo_bound:
        if decision == "point" or high < lo_bound:
            return "fail", lo_bound, "<"
        return "inconclusive", lo_bound, "<"
    return "pass", None, ""


def _num(x: float | None) -> str:
    if x is None:
        return "none"
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return f"{x:.4g}"


def _pct(confidence: float) -> str:
    return f"{100 * confidence:g}%"


def _range(low: float | None, high: float | None) -> str:
    return f"[{_num(low) if low is not None else '-inf'}, {_num(high) if high is not None else 'inf'}]"
