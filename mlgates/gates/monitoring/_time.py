"""Timestamps and windows: read a time column without guessing, and cut rows into windows.

Rules (docs/monitoring.md):

- a time column must have a datetime dtype (numpy, tz-aware or Arrow timestamps), or hold text
  read with an explicit ``format=`` (``"%d/%m/%Y"``: day and month are never guessed), or hold
  Python ``datetime`` objects; numbers (epochs) and text without ``format`` are refused with
  the conversion to write;
- timezones are explicit: ``tz=`` converts tz-aware timestamps (naive ones are refused, with
  the ``tz_localize`` call to write), and reference and current must agree on having a timezone;
- calendar windows (``"1D"``, ``"7D"``, ``"W"``, ``"MS"``, ...) follow the calendar in the
  timestamps' timezone, so a day with a DST change has 23 or 25 hours; windows of hours,
  minutes or seconds are fixed durations;
- rows are ordered by time (stably), so an unsorted table gives the windows a sorted one does.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.errors import InputError

__all__ = ["MAX_WINDOWS", "Window", "parse_window", "read_times", "row_windows", "time_windows"]

#: Most windows one check may cut (a typo such as window="1s" over a year is an error, not a hang).
MAX_WINDOWS = 10_000
_CALENDAR = ("Day", "Week", "MonthBegin", "QuarterBegin", "YearBegin")


@dataclass(frozen=True)
class Window:
    """One window: its label, bounds (timestamps, or row positions for row windows) and the
    positions of its rows in the table (in time order)."""

    label: str
    index: int
    rows: np.ndarray
    start: Any = None
    end: Any = None
    #: The rows are one run of consecutive positions, in order (a slice of the table).
    contiguous: bool = False

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "index": self.index, "n_rows": int(self.rows.size)}
        if isinstance(self.start, pd.Timestamp):
            out.update(start=self.start.isoformat(), end=self.end.isoformat())
        elif self.start is not None:
            out.update(first_row=int(self.start), last_row=int(self.end))
        return out


def parse_window(window: str) -> Any:
    """The pandas offset for ``window``; ValueError naming the accepted forms."""
    from pandas.tseries.frequencies import to_offset

    try:
        offset = to_offset(window)
    except (TypeError, ValueError):
        offset = None
    ok = offset is not None and offset.n > 0
    ok = ok and (isinstance(offset, pd.offsets.Tick) or type(offset).__name__ in _CALENDAR)
    if not ok:
        raise ValueError(
            "a duration such as '1D', '7D', '6h', '15min' or a calendar period 'W', 'MS', 'QS', 'YS'"
        )
    return offset


def _text_error(column: str, side: str, example: Any) -> InputError:
    return InputError(
        f"{side}: time column {column!r} holds text (e.g. {str(example)[:40]!r}), not datetimes; pass "
        f"format= with its layout (e.g. format='%Y-%m-%d %H:%M:%S'; day/month order is never "
        f"guessed), or convert it first: pd.to_datetime(df[{column!r}], format=...)",
        reason="invalid_timestamps",
        subject=column,
    )


def read_times(series: pd.Series, *, column: str, side: str, format: str | None, tz: str | None) -> pd.Series:
    """The column as datetimes (NaT where missing), converted to ``tz`` when given.

    Raises InputError (``invalid_timestamps``, ``timezone_mismatch``) for what cannot be read
    without guessing.
    """
    s = series
    dtype = s.dtype
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        if pa.types.is_timestamp(dtype.pyarrow_dtype):
            s = s.astype(
                f"datetime64[ns, {dtype.pyarrow_dtype.tz}]" if dtype.pyarrow_dtype.tz else "datetime64[ns]"
            )
            dtype = s.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        times = s
    elif pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise InputError(
            f"{side}: time column {column!r} holds numbers ({dtype}), not datetimes; convert epochs "
            f"explicitly, e.g. pd.to_datetime(df[{column!r}], unit='s', utc=True)",
            reason="invalid_timestamps",
            subject=column,
        )
    else:
        values = s.dropna()
        if format is None:
            if len(values) and all(isinstance(v, _dt.datetime) for v in values):
                times = _objects_to_times(s, column, side)
            elif len(values) == 0:
                times = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
            else:
                raise _text_error(column, side, values.iloc[0])
        else:
            times = _parse_text(s, column, side, format)
    if tz is not None:
        if getattr(times.dt, "tz", None) is None:
            raise InputError(
                f"{side}: time column {column!r} has naive timestamps but tz={tz!r} was given; say "
                f"which clock they were written in: df[{column!r}].dt.tz_localize('UTC') (or the local "
                f"zone, e.g. 'Europe/Paris'), or drop tz= to use them as they are",
                reason="timezone_mismatch",
                subject=column,
            )
        times = times.dt.tz_convert(tz)
    return times


def _objects_to_times(s: pd.Series, column: str, side: str) -> pd.Series:
    try:
        out = pd.to_datetime(s)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{side}: time column {column!r} mixes timezones or naive and aware datetimes ({exc}); "
            f"convert it first: pd.to_datetime(df[{column!r}], utc=True)",
            reason="timezone_mismatch",
            subject=column,
        ) from None
    if not pd.api.types.is_datetime64_any_dtype(out.dtype):
        raise InputError(
            f"{side}: time column {column!r} mixes UTC offsets; convert it first: "
            f"pd.to_datetime(df[{column!r}], utc=True)",
            reason="timezone_mismatch",
            subject=column,
        )
    return out


def _parse_text(s: pd.Series, column: str, side: str, format: str) -> pd.Series:
    text = s.astype("string")
    try:
        out = pd.to_datetime(text, format=format, errors="coerce")
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{side}: time column {column!r} cannot be read with format={format!r} ({exc}); mixed UTC "
            f"offsets need pd.to_datetime(df[{column!r}], format=..., utc=True) first",
            reason="invalid_timestamps",
            subject=column,
        ) from None
    if not pd.api.types.is_datetime64_any_dtype(out.dtype):
        raise InputError(
            f"{side}: time column {column!r} mixes UTC offsets; convert it first: "
            f"pd.to_datetime(df[{column!r}], format={format!r}, utc=True)",
            reason="timezone_mismatch",
            subject=column,
        )
    bad = text.notna().to_numpy() & out.isna().to_numpy()
    if bad.any():
        shown = [str(v) for v in text[bad].head(3)]
        raise InputError(
            f"{side}: {int(bad.sum()):,} value(s) of time column {column!r} do not match "
            f"format={format!r}, e.g. {shown}; fix the format or the values",
            reason="invalid_timestamps",
            subject=column,
        )
    return out


def as_ns(times: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Nanoseconds since the epoch (UTC for tz-aware values); NaT as the int64 minimum."""
    idx = pd.DatetimeIndex(times)
    return np.asarray(idx.as_unit("ns").asi8)


def bound(value: str | None, name: str, tz: Any) -> pd.Timestamp | None:
    """``start`` / ``end`` as a timestamp in the windows' timezone ``tz`` (None for naive data):
    a naive value is read in that timezone, an aware value with naive data is an error."""
    if value is None:
        return None
    ts = pd.Timestamp(value)
    if ts.tzinfo is None and tz is not None:
        return ts.tz_localize(tz)
    if ts.tzinfo is not None and tz is None:
        raise InputError(
            f"{name}={value!r} has a timezone but the timestamps are naive; give {name} without an "
            "offset, or localize the timestamps (df['t'].dt.tz_localize(...))",
            reason="timezone_mismatch",
            subject=name,
        )
    return ts if tz is None else ts.tz_convert(tz)


def _at(ns: Any, tz: Any) -> pd.Timestamp:
    """The timestamp of ``ns`` nanoseconds (UTC for a timezone ``tz``)."""
    ts = pd.Timestamp(int(ns), unit="ns")
    return ts.tz_localize("UTC").tz_convert(tz) if tz is not None else ts


def _anchor(first: pd.Timestamp, offset: Any) -> pd.Timestamp:
    """The start of the window that holds ``first``: midnight for days, the period's start for
    weeks, months, quarters and years, a multiple of the duration for shorter windows."""
    if _is_day(offset):  # a calendar day (a fixed 24 h Tick under pandas 2): local midnight
        return first.normalize()
    if isinstance(offset, pd.offsets.Tick):
        if first.tzinfo is None:
            return first.floor(offset)
        return first.tz_convert("UTC").floor(offset).tz_convert(first.tzinfo)
    day = first.normalize()
    if type(offset).__name__ == "Day":
        return day
    return day if offset.is_on_offset(day) else offset.rollback(day)


def _is_day(offset: Any) -> bool:
    return type(offset).__name__ == "Day"


def _next_edge(edge: pd.Timestamp, offset: Any) -> pd.Timestamp:
    """The next window edge: days are calendar days in the timestamps' timezone (23 or 25 hours
    across a DST change), under pandas 3 (where ``Day`` is calendar) and pandas 2 (a 24 h Tick)."""
    if _is_day(offset):
        return edge + pd.DateOffset(days=offset.n)
    return edge + offset


def time_windows(
    times: pd.Series,
    offset: Any,
    *,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    label_format: str | None = None,
) -> tuple[list[Window], np.ndarray]:
    """Windows of ``offset`` covering ``[start or the first timestamp's window, end or past the
    last timestamp)``, every one listed (empty ones too), and the positions of the rows outside
    ``[start, end)`` or without a timestamp."""
    ns = as_ns(times)
    valid = ~pd.isna(times).to_numpy()
    tz = getattr(times.dt, "tz", None)
    if not valid.any() and (start is None or end is None):
        return [], np.flatnonzero(~valid)
    first = start if start is not None else _anchor(_at(ns[valid].min(), tz), offset)
    stop = end if end is not None else _at(ns[valid].max(), tz)
    edges = [first]
    # without end=, windows run past the last timestamp; with it, up to end (exclusive)
    while (edges[-1] <= stop) if end is None else (edges[-1] < stop):
        edges.append(_next_edge(edges[-1], offset))
        if len(edges) > MAX_WINDOWS + 1:
            raise InputError(
                f"window={offset.freqstr!r} cuts more than {MAX_WINDOWS:,} windows between {first} and "
                f"{stop}; choose a longer window or set start=/end=",
                reason="invalid_input",
                subject="window",
            )
    if end is not None:
        edges[-1] = min(edges[-1], end)
    edge_ns = as_ns(pd.DatetimeIndex(edges))
    fmt = label_format or _label_format(offset, edges)
    contiguous = bool(valid.all()) and bool(np.all(ns[1:] >= ns[:-1]))
    if contiguous:
        # rows in time order (the usual case): each window is a run of rows, cut at the edges
        cuts = np.searchsorted(ns, edge_ns, side="left")
        rows = np.arange(ns.size)
        outside = np.concatenate((rows[: cuts[0]], rows[cuts[-1] :]))
        order = rows
    else:
        which = np.searchsorted(edge_ns, ns, side="right") - 1
        inside = valid & (which >= 0) & (which < len(edges) - 1) & (ns < edge_ns[-1])
        order = np.argsort(ns, kind="stable")  # by time, ties in row order
        order = order[inside[order]]
        cuts = np.searchsorted(which[order], np.arange(len(edges)), side="left")
        outside = np.flatnonzero(~inside)
    windows = [
        Window(edges[i].strftime(fmt), i, order[cuts[i] : cuts[i + 1]], edges[i], edges[i + 1], contiguous)
        for i in range(len(edges) - 1)
    ]
    return windows, outside


def _label_format(offset: Any, edges: list[pd.Timestamp]) -> str:
    name = type(offset).__name__
    if name in ("MonthBegin", "QuarterBegin"):
        return "%Y-%m"
    if name == "YearBegin":
        return "%Y"
    if name in ("Day", "Week") or all(e == e.normalize() for e in edges):
        return "%Y-%m-%d"
    if all(e.second == 0 for e in edges):
        return "%Y-%m-%d %H:%M"
    return "%Y-%m-%d %H:%M:%S"


def row_windows(n_rows: int, rows: int, order: np.ndarray | None = None) -> list[Window]:
    """Consecutive windows of ``rows`` rows (the last may be shorter) in ``order``."""
    positions = np.arange(n_rows) if order is None else order
    out = []
    for i, lo in enumerate(range(0, n_rows, rows)):
        hi = min(lo + rows, n_rows)
        out.append(Window(f"rows {lo:,}-{hi - 1:,}", i, positions[lo:hi], lo, hi - 1, order is None))
    return out


def time_order(times: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Positions in time order (stable; rows without a timestamp last) and the missing mask."""
    ns = as_ns(times)
    missing = pd.isna(times).to_numpy()
    key = np.where(missing, np.iinfo(np.int64).max, ns)
    return np.argsort(key, kind="stable"), missing
