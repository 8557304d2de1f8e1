"""Column health: ConstantColumnGate (a column with one value, or nearly)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.params import Interval
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import column_kind, share_text
from mlgates.gates.quality import _profiled as Q
from mlgates.gates.quality._chance import DEFAULT_ALPHA, check_calibration
from mlgates.gates.quality._common import (
    NUMERIC_KINDS,
    absent,
    all_missing,
    frame_or_error,
    guarded,
    kind_of,
    minmax,
    plain_value,
    resolve_columns,
    screened,
    top_examples,
    value_counts,
)
from mlgates.gates.quality._where import QualityGate
from mlgates.profiles.summaries import Rows, Stats, ValueCounts, Values

__all__ = ["ConstantColumnGate"]


_ORDERED_KINDS = ("boolean", "datetime", "timedelta")


class ConstantColumnGate(QualityGate):
    """No column is constant (one distinct non-missing value) or, optionally, near-constant.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; all columns by default.
    near_constant_share : float, optional
        If set, a column whose most frequent value covers at least this share of its
        non-missing rows also FAILs (reason ``near_constant``), in (0, 1].
    calibration : mapping of column to {"n": int, "k": int}, optional
        For columns found varying in a reference (:func:`~mlgates.quality_suite_from_reference`
        writes it): ``k`` of ``n`` non-missing reference values differ from its most frequent
        value. A batch of ``m`` values is constant by chance with probability
        ``C(n, k) / C(n + m, k)`` (none of the odd values drawn into it); a constant column
        FAILs only when that is below ``alpha``. See docs/quality.md.
    alpha : float, default 0.001
        False-alarm level of that test, in (0, 1).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``constant_column``, ``near_constant`` (FAIL), ``all_missing`` (ERROR),
    ``missing_column``, ``empty_input``, ``duplicate_columns``. Details hold the number of
    distinct values and the most frequent values with their counts (numeric, boolean and
    datetime columns without ``near_constant_share`` are decided by min == max in one pass
    and report the observed min and max instead).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import ConstantColumnGate
    >>> df = pd.DataFrame({"a": [1, 1, 1, 1], "b": ["x", "x", "x", "y"]})
    >>> [f.reason for f in ConstantColumnGate().check(current=df).findings]
    ['constant_column', None]
    >>> ConstantColumnGate(near_constant_share=0.75).check(current=df).findings[1].message
    "b: most frequent value 'x' covers 75.0% of rows >= 75.0%"
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "near_constant_share": [Interval("real", 0, 1, closed="right"), None],
        "calibration": ["mapping", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        near_constant_share: float | None = None,
        calibration: Mapping[str, Mapping[str, int]] | None = None,
        alpha: float = DEFAULT_ALPHA,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.near_constant_share = near_constant_share
        self.calibration = calibration
        self.alpha = alpha

    def _validate_params(self) -> None:
        check_calibration("ConstantColumnGate", self.calibration, self.alpha)

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        findings = []
        for col in resolve_columns(frame, self.columns):
            if col not in frame.columns:
                findings.append(absent(col, method="constant", available=frame.columns))
                continue
            screen = screened(ctx, col, explicit=self.columns is not None, method="constant")
            findings.append(
                screen or self._by_chance(guarded(partial(self._judge, ctx, col), col, "constant"))
            )
        n_const = sum(f.status is Status.FAIL for f in findings)
        return self._verdict(findings=findings, metrics={"n_constant_columns": n_const})

    # -- profiles (docs/scale.md): min and max, or counts per value, merged over chunks -----
    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        if side != "current":
            return []
        schema = Q.schema_of(ctx)
        cols = Q.candidates(schema, self.columns, None)
        out: list[Any] = [Rows(), *Q.type_needs(schema, cols)]
        for col in cols:
            kind = column_kind(schema[col])
            out.append(Stats(col))
            if self.near_constant_share is not None or kind not in (*NUMERIC_KINDS, *_ORDERED_KINDS):
                out.append(Values(col))
        return out

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        schema, n = Q.table(ctx)
        findings = []
        for col in Q.resolve(schema, self.columns, ctx, None):
            if col not in schema.columns:
                findings.append(absent(col, method="constant", available=schema.columns))
                continue
            screen = Q.screened(ctx, col, schema, explicit=self.columns is not None, method="constant")
            findings.append(
                screen
                or self._by_chance(
                    guarded(partial(self._judge_profile, ctx, col, schema, n), col, "constant")
                )
            )
        n_const = sum(f.status is Status.FAIL for f in findings)
        return self._verdict(findings=findings, metrics={"n_constant_columns": n_const})

    def _judge_profile(self, ctx: CheckContext, col: Any, schema: pd.DataFrame, n: int) -> Finding:
        kind = Q.kind(ctx, "current", col, schema)
        stats = ctx.summary("current", Stats(col))
        if kind in (*NUMERIC_KINDS, *_ORDERED_KINDS) and self.near_constant_share is None:
            if stats.n_missing == n:
                return all_missing(col, n, "constant")
            from mlgates.gates.quality.ranges import observed_range

            lo, hi = observed_range(stats)
            if kind in NUMERIC_KINDS:
                return self._minmax_finding(col, lo, hi, n - stats.n_missing)
            return self._ordered_finding(
                col, _restore(lo, schema[col]), _restore(hi, schema[col]), n - stats.n_missing
            )
        counts = ctx.summary("current", Values(col))
        if counts.overflow:
            return self._many_values(col, counts, n)
        index, numbers_ = Q.sorted_counts(counts.counts)
        return self._counts_finding(col, index, numbers_, n)

    def _many_values(self, col: Any, counts: ValueCounts, n: int) -> Finding:
        """More distinct values than counted: not constant; the top share is unknown."""
        if self.near_constant_share is None:
            return Finding(
                str(col),
                Status.PASS,
                method="constant",
                message=f"{col}: more than {counts.max_distinct:,} distinct values",
                details={"n_checked": counts.n, "n_distinct_more_than": counts.max_distinct},
            )
        return Finding(
            str(col),
            Status.SKIP,
            threshold=self.near_constant_share,
            method="constant",
            reason="distinct_values_exceeded",
            message=f"{col}: more than {counts.max_distinct:,} distinct values; the most frequent value's "
            "share is not counted in chunks: check on a DataFrame",
            details={"n_checked": counts.n, "n_distinct_more_than": counts.max_distinct},
        )

    def _by_chance(self, finding: Finding) -> Finding:
        """A constant column PASSes when a batch of its size is constant by chance with
        probability at least ``alpha`` given the reference's ``calibration``."""
        spec = (self.calibration or {}).get(finding.subject)
        constant = finding.status is Status.FAIL and finding.statistic == 1.0  # one distinct value
        if spec is None or not constant:
            return finding
        from mlgates.stats.sampling import constant_pvalue

        n, k = int(spec["n"]), int(spec["k"])
        m = int(finding.details.get("n_checked", 0))
        p = constant_pvalue(n, k, m)
        bound = {
            "pvalue": p,
            "alpha": float(self.alpha),
            "m": m,
            "n_reference": n,
            "k_reference": k,
            "method": "hypergeometric",
            "formula": "P = C(n, k) / C(n + m, k)",
        }
        details = {**finding.details, "bound": bound}
        if p < self.alpha:
            return finding.replace(
                pvalue=p,
                threshold=float(self.alpha),
                message=f"{finding.message}; by chance with probability {p:.2g} < {self.alpha:.2g} "
                f"(reference: {k:,} of {n:,} values off its most frequent)",
                details=details,
            )
        return finding.replace(
            status=Status.PASS,
            reason=None,
            pvalue=p,
            threshold=float(self.alpha),
            message=f"{finding.message} in these {m:,} rows, as chance allows (probability {p:.2g} >= "
            f"{self.alpha:.2g}; reference: {k:,} of {n:,} values off its most frequent)",
            details=details,
        )

    def _judge(self, ctx: CheckContext, col: Any) -> Finding:
        n = len(ctx.frame("current"))
        kind = kind_of(ctx, "current", col)
        if kind in NUMERIC_KINDS and self.near_constant_share is None:
            lo, hi, n_missing = minmax(ctx, "current", col)
            if n_missing == n:
                return all_missing(col, n, "constant")
            return self._minmax_finding(col, lo, hi, n - n_missing)
        if kind in ("boolean", "datetime", "timedelta") and self.near_constant_share is None:
            series = ctx.frame("current")[col]
            n_missing = int(series.isna().sum())
            if n_missing == n:
                return all_missing(col, n, "constant")
            return self._ordered_finding(col, series.min(), series.max(), n - n_missing)
        index, counts = value_counts(ctx, "current", col)
        keep = counts > 0
        return self._counts_finding(col, index[keep], counts[keep], n)

    def _minmax_finding(self, col: Any, lo: float, hi: float, n_checked: int) -> Finding:
        constant = lo == hi
        details: dict[str, Any] = {"observed_min": lo, "observed_max": hi, "n_checked": n_checked}
        if constant:
            message = f"{col}: constant (every non-missing value is {lo:g})"
        else:
            message = f"{col}: varies ({lo:g} to {hi:g})"
        return Finding(
            str(col),
            Status.FAIL if constant else Status.PASS,
            statistic=1.0 if constant else None,
            method="constant",
            reason="constant_column" if constant else None,
            message=message,
            details=details,
        )

    def _ordered_finding(self, col: Any, lo: Any, hi: Any, n_checked: int) -> Finding:
        constant = bool(lo == hi)
        return Finding(
            str(col),
            Status.FAIL if constant else Status.PASS,
            statistic=1.0 if constant else None,
            method="constant",
            reason="constant_column" if constant else None,
            message=f"{col}: constant (every non-missing value is {lo})"
            if constant
            else f"{col}: varies ({lo} to {hi})",
            details={"observed_min": str(lo), "observed_max": str(hi), "n_checked": n_checked},
        )

    def _counts_finding(self, col: Any, index: pd.Index, counts: np.ndarray, n: int) -> Finding:
        """The finding from the counts of the distinct values, most frequent first."""
        n_checked = int(counts.sum())
        if n_checked == 0:
            return all_missing(col, n, "constant")
        top_share = counts[0] / n_checked
        top = plain_value(index[0])
        details = {
            "n_distinct": len(index),
            "n_checked": n_checked,
            "top_values": top_examples(index, counts),
        }
        if len(index) == 1:
            return Finding(
                str(col),
                Status.FAIL,
                statistic=1.0,
                method="constant",
                reason="constant_column",
                message=f"{col}: constant (every non-missing value is {top!r})",
                details=details,
            )
        limit = self.near_constant_share
        if limit is not None and top_share >= limit:
            return Finding(
                str(col),
                Status.FAIL,
                statistic=top_share,
                threshold=limit,
                method="constant",
                reason="near_constant",
                message=f"{col}: most frequent value {top!r} covers {share_text(top_share)} of rows "
                f">= {share_text(limit)}",
                details=details,
            )
        return Finding(
            str(col),
            Status.PASS,
            statistic=top_share,
            threshold=limit,
            method="constant",
            message=f"{col}: {len(index):,} distinct values; the most frequent covers "
            f"{share_text(top_share)}",
            details=details,
        )


def _restore(value: float, schema: pd.Series) -> Any:
    """A boolean, datetime or timedelta value back from its float form in a profile."""
    if value != value:  # NaN
        return value
    dtype = schema.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return bool(value)
    if pd.api.types.is_timedelta64_dtype(dtype):
        return pd.Timedelta(int(value))
    stamp = pd.Timestamp(int(value))
    tz = getattr(dtype, "tz", None) or getattr(getattr(dtype, "pyarrow_dtype", None), "tz", None)
    return stamp.tz_localize("UTC").tz_convert(tz) if tz else stamp
