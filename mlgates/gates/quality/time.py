"""Time: FreshnessGate (the newest timestamp is recent) and MonotonicGate (ordered values)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import Interval, Options, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates.quality._common import (
    MAX_EXAMPLES,
    NUMERIC_KINDS,
    absent,
    all_missing,
    checkable,
    examples,
    frame_or_error,
    kind_of,
    numeric,
    resolve_columns,
    screened,
    share_status,
    unsupported,
)
from mlgates.gates.quality._where import QualityGate

__all__ = ["FreshnessGate", "MonotonicGate"]


def _timedelta(owner: str, name: str, value: Any) -> pd.Timedelta:
    try:
        td = pd.Timedelta(value)
    except (TypeError, ValueError):
        td = pd.NaT
    if td is pd.NaT or pd.isna(td) or td < pd.Timedelta(0):
        raise parameter_error(owner, name, 'a duration string such as "36h" or "2 days"', value)
    return td


def _tz(series: pd.Series) -> Any:
    dtype = series.dtype
    tz = getattr(dtype, "tz", None)
    if tz is None and isinstance(dtype, pd.ArrowDtype):
        tz = getattr(dtype.pyarrow_dtype, "tz", None)
    return tz


class FreshnessGate(QualityGate):
    """The newest timestamp in ``column`` is no older than ``max_age`` at time ``now``.

    Parameters
    ----------
    column : str
        A datetime column (numpy, tz-aware or pyarrow timestamps). Required.
    max_age : str
        Largest allowed age of the newest value, as a duration string (``"36h"``,
        ``"2 days"``, anything ``pandas.Timedelta`` reads). Required.
    warn_age : str, optional
        Ages above this (within ``max_age``) WARN.
    now : str, optional
        The reference time as an ISO 8601 string (``"2026-11-26T12:00:00+00:00"``); by default
        the wall clock at check time (UTC), recorded in the verdict's params. Naive columns are
        compared with a naive ``now`` (the wall clock is taken as naive UTC).
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``stale_data`` (FAIL/WARN), ``timezone_mismatch`` (ERROR: a tz-aware column
    with a naive ``now`` or the reverse), ``unsupported_dtype``, ``all_missing``,
    ``missing_column``, ``empty_input``, ``duplicate_columns``. The statistic is the age in
    seconds; details hold the newest timestamp, ``now`` and ``n_future`` (values after
    ``now``, reported but not judged).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import FreshnessGate
    >>> df = pd.DataFrame({"ts": pd.to_datetime(["2026-11-20", "2026-11-24"])})
    >>> v = FreshnessGate(column="ts", max_age="1 day", now="2026-11-26").check(current=df)
    >>> v.status
    <Status.FAIL: 'fail'>
    >>> v.findings[0].message
    'ts: newest value 2026-11-24 00:00:00 is 2 days 00:00:00 old > 1 days 00:00:00 allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "column": [str, Interval("int", None, None)],
        "max_age": [str],
        "warn_age": [str, None],
        "now": [str, None],
    }

    def __init__(
        self,
        *,
        column: str | None = None,
        max_age: str | None = None,
        warn_age: str | None = None,
        now: str | None = None,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.column = column
        self.max_age = max_age
        self.warn_age = warn_age
        self.now = now

    def _validate_params(self) -> None:
        _timedelta("FreshnessGate", "max_age", self.max_age)
        if self.warn_age is not None:
            _timedelta("FreshnessGate", "warn_age", self.warn_age)
        if self.now is not None:
            try:
                pd.Timestamp(self.now)
            except (TypeError, ValueError):
                raise parameter_error(
                    "FreshnessGate", "now", "an ISO 8601 timestamp string", self.now
                ) from None

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        col = self.column
        if col not in frame.columns:
            return self._verdict(findings=[absent(col, available=frame.columns)])
        series = frame[col]
        kind = kind_of(ctx, "current", col)
        screen = screened(ctx, col, explicit=True, method="freshness")
        if screen is not None:
            return self._verdict(findings=[screen])
        if kind != "datetime":
            return self._verdict(
                findings=[unsupported(col, kind, "a datetime column (use pd.to_datetime)", "freshness")]
            )
        tz = _tz(series)
        if self.now is None:
            now = pd.Timestamp(_dt.datetime.now(_dt.UTC))
            if tz is None:
                now = now.tz_localize(None)
        else:
            now = pd.Timestamp(self.now)
            if (now.tz is None) != (tz is None):
                raise InputError(
                    f"{col}: column is {'tz-aware (' + str(tz) + ')' if tz is not None else 'naive'} but now="
                    f"{self.now!r} is {'naive' if now.tz is None else 'tz-aware'}; "
                    "give both a time zone or neither",
                    reason="timezone_mismatch",
                    subject=str(col),
                )
        newest = series.max()
        if pd.isna(newest):
            return self._verdict(findings=[all_missing(col, len(series), "freshness")])
        age = now - pd.Timestamp(newest)
        max_age = _timedelta("FreshnessGate", "max_age", self.max_age)
        warn_age = _timedelta("FreshnessGate", "warn_age", self.warn_age) if self.warn_age else None
        n_future = int(np.asarray(series > now, dtype=bool).sum())
        if age > max_age:
            status, reason, cmp, lim = Status.FAIL, "stale_data", ">", f"{max_age} allowed"
        elif warn_age is not None and age > warn_age:
            status, reason, cmp, lim = Status.WARN, "stale_data", ">", f"{warn_age} (warning level)"
        else:
            status, reason, cmp, lim = Status.PASS, None, "<=", f"{max_age} allowed"
        finding = Finding(
            str(col),
            status,
            statistic=age.total_seconds(),
            threshold=(warn_age if status is Status.WARN and warn_age else max_age).total_seconds(),
            method="freshness",
            reason=reason,
            message=f"{col}: newest value {newest} is {age} old {cmp} {lim}",
            details={"newest": str(newest), "now": str(now), "n_future": n_future},
        )
        return self._verdict(
            findings=[finding], metrics={"age_seconds": age.total_seconds()}, params={"now": str(now)}
        )


def _ordinal(ctx: CheckContext, col: Any, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(values as int64/float64 without missing, positions of those values)."""
    series = ctx.frame("current")[col]
    if kind in NUMERIC_KINDS:
        values = numeric(ctx, "current", col)
        keep = ~np.isnan(values)
        return values[keep], np.flatnonzero(keep)
    keep = ~np.asarray(series.isna(), dtype=bool)
    s = series[keep]
    if isinstance(s.dtype, pd.ArrowDtype):
        tz = _tz(s)
        s = s.astype(f"datetime64[ns, {tz}]" if tz is not None else "datetime64[ns]")
    return np.asarray(s.array.asi8, dtype="int64"), np.flatnonzero(keep)


class MonotonicGate(QualityGate):
    """Values (timestamps or numbers) are ordered: each non-missing value is >= (or >, or <=,
    or <) the previous non-missing one, in row order.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to check; every datetime column by default. Integer and float columns are
        accepted when listed; other kinds are ERROR (``unsupported_dtype``).
    direction : {"increasing", "decreasing"}, default "increasing"
    strict : bool, default False
        Whether equal neighbours break the order.
    max_share : float, default 0.0
        Largest share of adjacent pairs allowed out of order, in [0, 1].
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Missing values are skipped (pairs join the neighbouring non-missing values). A column
    with fewer than two non-missing values has no pair: ERROR ``insufficient_samples``.
    Reason codes: ``not_monotonic`` (FAIL), ``insufficient_samples``, ``all_missing``,
    ``unsupported_dtype``, ``missing_column``, ``empty_input``, ``duplicate_columns``.
    Details hold ``n_breaks``, ``n_pairs`` and up to five index labels of rows that break
    the order.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import MonotonicGate
    >>> df = pd.DataFrame({"ts": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-02"])})
    >>> MonotonicGate().check(current=df).findings[0].message
    'ts: 1 of 2 adjacent pairs (50.0%) not increasing > 0.0% allowed'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "direction": [Options("increasing", "decreasing")],
        "strict": ["boolean"],
        "max_share": [Interval("real", 0, 1)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        direction: str = "increasing",
        strict: bool = False,
        max_share: float = 0.0,
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.direction = direction
        self.strict = strict
        self.max_share = max_share

    def required_inputs(self) -> tuple[str, ...]:
        return ("current",)

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        findings: list[Finding] = []
        columns = resolve_columns(frame, self.columns, kinds=("datetime",))
        for col, kind in checkable(
            ctx,
            columns,
            findings,
            accepted=("datetime", *NUMERIC_KINDS),
            wanted="a datetime or numeric column",
            method="monotonic",
            explicit=self.columns is not None,
        ):
            findings.append(self._judge(ctx, frame, col, kind))
        return self._verdict(findings=findings)

    def _judge(self, ctx: CheckContext, frame: pd.DataFrame, col: Any, kind: str) -> Finding:
        values, positions = _ordinal(ctx, col, kind)
        if len(values) == 0:
            return all_missing(col, len(frame), "monotonic")
        if len(values) < 2:
            return Finding(
                str(col),
                Status.ERROR,
                method="monotonic",
                reason="insufficient_samples",
                message=f"{col}: one non-missing value; no pair to order",
            )
        # compare neighbours, not their difference: inf - inf is NaN, which no test would flag
        prev, nxt = values[:-1], values[1:]
        if self.direction == "increasing":
            bad = nxt <= prev if self.strict else nxt < prev
        else:
            bad = nxt >= prev if self.strict else nxt > prev
        n_pairs = len(bad)
        n_bad = int(bad.sum())
        share = n_bad / n_pairs
        status, exceeded = share_status(share, self.max_share, None)
        word = ("strictly " if self.strict else "") + self.direction
        cmp = ">" if exceeded else "<="
        rows = frame.index[positions[1:][bad][:MAX_EXAMPLES]]
        return Finding(
            str(col),
            status,
            statistic=share,
            threshold=self.max_share,
            method="monotonic",
            reason="not_monotonic" if exceeded else None,
            message=f"{col}: {n_bad:,} of {n_pairs:,} adjacent pairs ({share_text(share)}) not {word} "
            f"{cmp} {share_text(self.max_share)} allowed",
            details={"n_breaks": n_bad, "n_pairs": n_pairs, "example_rows": examples(rows)},
        )
