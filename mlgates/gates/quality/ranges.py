"""RangeGate: numeric values lie within bounds, allowing a share of rows outside."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import column_kind, share_text
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration, judge_share, with_notes
from mlgates.gates.quality._common import (
    NUMERIC_KINDS,
    all_missing,
    check_bounds,
    checkable,
    examples,
    frame_or_error,
    minmax,
    numeric,
    resolve_columns,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import ColumnStats, Outside, Rows, Stats
from mlgates.stats.quality import outside_counts

__all__ = ["RangeGate"]

_BOUND_KEYS = ("min", "max")


class RangeGate(QualityGate):
    """Numeric values lie in ``[min_value, max_value]``; a share ``max_share_outside`` of the
    non-missing values may lie outside (the ``mostly`` idea of Great Expectations).

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check with ``min_value``/``max_value``; by default every integer or float
        column of ``current`` (booleans excluded) when those bounds are set.
    min_value, max_value : float, optional
        Bounds applied to ``columns``. An omitted bound is open.
    bounds : mapping of column to {"min": float, "max": float}, optional
        Per-column bounds (either key may be omitted); these columns are checked in addition
        to ``columns`` and their bounds take precedence. Keys are column names (str).
    inclusive : {"both", "left", "right", "neither"}, default "both"
        Which bounds are themselves allowed values.
    max_share_outside : float, default 0.0
        Largest share of non-missing values allowed outside, in [0, 1].
    warn_share_outside : float, optional
        Shares above this (within ``max_share_outside``) WARN.
    calibration : mapping of column to {"n": int, "k": int}, optional
        For bounds learned from a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``n`` reference values, ``k`` of them outside the bounds. A batch of ``m``
        values may then have as many values outside as chance allows at false-alarm level
        ``alpha`` when the bounds sit at reference extremes, ``K ~ BetaBinomial(m, k + ends,
        n - k - ends + 1)`` with ``ends`` the number of bounds (at least one row), or
        ``max_share_outside * m`` if that is larger. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that sampling bound, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing values are not judged here (see ``MissingValuesGate``); ``inf`` counts as outside
    a finite bound. Reason codes: ``out_of_range`` (FAIL/WARN), ``missing_column``,
    ``unsupported_dtype`` (a listed column that is not numeric), ``all_missing`` (ERROR: no
    value to judge), ``empty_input``, ``duplicate_columns``. Each finding's details hold
    ``n_below``, ``n_above``, ``n_checked``, ``n_missing``, the observed ``min``/``max``, up
    to five offending ``examples`` and, with ``calibration``, the ``bound`` (allowed count,
    sampling and material counts, ``alpha``, the formula).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import RangeGate
    >>> df = pd.DataFrame({"age": [25, 40, 130, 61], "score": [0.1, 0.5, 0.9, 1.0]})
    >>> v = RangeGate(bounds={"age": {"min": 0, "max": 120}, "score": {"max": 1}}).check(current=df)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'out_of_range')
    >>> v.findings[0].message
    'age: 25.0% of values outside [0, 120] > 0.0% allowed (1 above)'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "min_value": [Interval("real", None, None), None],
        "max_value": [Interval("real", None, None), None],
        "bounds": ["mapping", None],
        "inclusive": [Options("both", "left", "right", "neither")],
        "max_share_outside": [Interval("real", 0, 1)],
        "warn_share_outside": [Interval("real", 0, 1), None],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        min_value: float | None = None,
        max_value: float | None = None,
        bounds: Mapping[str, Mapping[str, float]] | None = None,
        inclusive: str = "both",
        max_share_outside: float = 0.0,
        warn_share_outside: float | None = None,
        calibration: Mapping[str, Mapping[str, int]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.min_value = min_value
        self.max_value = max_value
        self.bounds = bounds
        self.inclusive = inclusive
        self.max_share_outside = max_share_outside
        self.warn_share_outside = warn_share_outside
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        owner = "RangeGate"
        check_calibration(owner, self.calibration, self.alpha)
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise parameter_error(
                owner, "max_value", f"a float >= min_value ({self.min_value})", self.max_value
            )
        if self.bounds is not None:
            check_bounds(owner, self.bounds, _BOUND_KEYS)
        if self.columns is not None and self.min_value is None and self.max_value is None:
            raise parameter_error(
                owner,
                "columns",
                "used with min_value and/or max_value",
                self.columns,
                "set min_value/max_value, or give per-column bounds={'col': {'min': ..., 'max': ...}}.",
            )
        if self.bounds is None and self.min_value is None and self.max_value is None:
            raise parameter_error(
                owner,
                "bounds",
                "set (or min_value/max_value set)",
                None,
                "RangeGate(min_value=..., max_value=...) or "
                "RangeGate(bounds={'col': {'min': ..., 'max': ...}}).",
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _plan(self, ctx: CheckContext) -> dict[Any, tuple[float | None, float | None, bool]]:
        """Column -> (low, high, listed explicitly)."""
        frame = frame_or_error(ctx)
        return self._plan_for(lambda: resolve_columns(frame, self.columns, kinds=NUMERIC_KINDS))

    def _plan_for(self, default: Any) -> dict[Any, tuple[float | None, float | None, bool]]:
        plan: dict[Any, tuple[float | None, float | None, bool]] = {}
        if self.min_value is not None or self.max_value is not None:
            for col in default():
                plan[col] = (self.min_value, self.max_value, self.columns is not None)
        for col, spec in (self.bounds or {}).items():
            plan[col] = (spec.get("min"), spec.get("max"), True)
        return plan

    # -- profiles (docs/scale.md): counts outside the bounds, merged over chunks ------------
    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = Q.schema_of(ctx)
        plan = self._plan_for(lambda: Q.candidates(schema, self.columns, NUMERIC_KINDS))
        out: list[Any] = [Rows(), *Q.type_needs(schema, plan)]
        for col, (low, high, _listed) in plan.items():
            if col in schema.columns and column_kind(schema[col]) in NUMERIC_KINDS:
                out += [Stats(col), Outside(col, low, high, self.inclusive)]
        return out

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        plan = self._plan_for(lambda: Q.resolve(schema, self.columns, ctx, NUMERIC_KINDS))
        findings: list[Finding] = []
        n_fail = 0
        for col, _kind in Q.checkable(
            ctx,
            schema,
            plan,
            findings,
            accepted=NUMERIC_KINDS,
            wanted="an integer or float column",
            method="range",
            explicit=lambda c: plan[c][2],
        ):
            low, high, _listed = plan[col]
            out = ctx.summary("current", Outside(col, low, high, self.inclusive))
            if out.n_checked == 0:
                finding = all_missing(col, n, "range")
            else:
                observed = observed_range(ctx.summary("current", Stats(col)))
                finding = self._finding(
                    col, low, high, n, out.n_checked, out.n_below, out.n_above, observed, out.example_values
                )
            n_fail += finding.status is Status.FAIL
            findings.append(finding)
        return self._verdict(findings=findings, metrics={"n_columns_out_of_range": n_fail})

    def _check(self, ctx: CheckContext) -> Verdict:
        frame_or_error(ctx)  # duplicate names and an empty table are input errors
        findings: list[Finding] = []
        n_fail = 0
        plan = self._plan(ctx)
        for col, _kind in checkable(
            ctx,
            plan,
            findings,
            accepted=NUMERIC_KINDS,
            wanted="an integer or float column",
            method="range",
            explicit=lambda c: plan[c][2],
        ):
            low, high, _listed = plan[col]
            finding = self._judge(ctx, col, low, high)
            n_fail += finding.status is Status.FAIL
            findings.append(finding)
        return self._verdict(findings=findings, metrics={"n_columns_out_of_range": n_fail})

    def _judge(self, ctx: CheckContext, col: Any, low: float | None, high: float | None) -> Finding:
        values = numeric(ctx, "current", col)
        n = len(values)
        present = ~np.isnan(values)
        n_checked = int(present.sum())
        if n_checked == 0:
            return all_missing(col, n, "range")
        observed = minmax(ctx, "current", col)
        if _inside(observed[0], observed[1], low, high, self.inclusive):  # no pass over the values needed
            n_below, n_above, mask = 0, 0, None
        else:
            n_below, n_above, mask = outside_counts(values, low, high, inclusive=self.inclusive)
        shown = examples(values[mask]) if n_below + n_above and mask is not None else []
        return self._finding(col, low, high, n, n_checked, n_below, n_above, observed[:2], shown)

    def _finding(
        self,
        col: Any,
        low: float | None,
        high: float | None,
        n: int,
        n_checked: int,
        n_below: int,
        n_above: int,
        observed: tuple[float, float],
        shown: list[Any],
    ) -> Finding:
        """The column's finding from its counts (in memory or merged from chunks)."""
        n_out = n_below + n_above
        share = n_out / n_checked
        ends = (low is not None) + (high is not None)
        d = judge_share(
            n_out,
            n_checked,
            self.max_share_outside,
            self.warn_share_outside,
            calibration=self.calibration,
            subject=str(col),
            alpha=self.alpha,
            ends=max(ends, 1),
            at_least_one=True,
        )
        lb = "[" if self.inclusive in ("both", "left") else "("
        rb = "]" if self.inclusive in ("both", "right") else ")"
        interval = f"{lb}{_fmt(low, '-inf')}, {_fmt(high, 'inf')}{rb}"
        where = ", ".join(
            p for p in (f"{n_below:,} below" if n_below else "", f"{n_above:,} above" if n_above else "") if p
        )
        message = f"{col}: {share_text(share)} of values outside {interval} {d.tail()}"
        shown_where = where if d.status is not Status.PASS else ""
        return Finding(
            str(col),
            d.status,
            statistic=share,
            threshold=d.threshold,
            method="range",
            reason="out_of_range" if d.exceeded else None,
            message=with_notes(message, shown_where, d.note()),
            details={
                "min": low,
                "max": high,
                "inclusive": self.inclusive,
                "n_below": n_below,
                "n_above": n_above,
                "n_checked": n_checked,
                "n_missing": n - n_checked,
                "observed_min": observed[0],
                "observed_max": observed[1],
                "examples": list(shown),
                **d.details(),
            },
        )


def _inside(lo: float, hi: float, low: float | None, high: float | None, inclusive: str) -> bool:
    """Whether the observed [lo, hi] lies within the bounds (then no value is outside)."""
    low_ok = low is None or (lo >= low if inclusive in ("both", "left") else lo > low)
    high_ok = high is None or (hi <= high if inclusive in ("both", "right") else hi < high)
    return bool(low_ok and high_ok)


def _fmt(x: float | None, open_: str) -> str:
    if x is None:
        return open_
    return f"{x:g}"


def observed_range(stats: ColumnStats) -> tuple[float, float]:
    """The smallest and largest non-missing value, infinities included (as ``minmax`` in memory)."""
    inf = float("inf")
    seen = [stats.min, stats.max] if stats.n_finite else []
    seen += [-inf] * bool(stats.n_neginf) + [inf] * bool(stats.n_posinf)
    return (min(seen), max(seen)) if seen else (float("nan"), float("nan"))
