"""Summaries of rows and of one column's moments and value counts
(:mod:`mlgates.profiles.summaries`: :class:`Rows`, :class:`Stats`, :class:`Values`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.inputs import Chunk
from mlgates.profiles._summary_base import (
    DEFAULT_MAX_DISTINCT,
    _Need,
    plain,
)


# -- rows ----------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class RowCount:
    """The number of rows."""

    n_rows: int = 0

    def merge(self, other: RowCount) -> RowCount:
        return RowCount(self.n_rows + other.n_rows)

    def to_state(self) -> dict[str, Any]:
        return {"n_rows": self.n_rows}


@dataclasses.dataclass(frozen=True)
class Rows(_Need):
    """Count the rows (reads no column)."""

    kind: ClassVar[str] = "rows"

    @property
    def columns(self) -> tuple[Any, ...] | None:
        return ()

    def summarize(self, chunk: Chunk) -> RowCount:
        return RowCount(chunk.n_rows)

    def empty(self) -> RowCount:
        return RowCount()

    def from_state(self, state: Mapping[str, Any]) -> RowCount:
        return RowCount(int(state["n_rows"]))


# -- one column: counts and moments ----------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ColumnStats:
    """Counts and moments of one column. ``numeric`` is False for columns whose values are not
    numbers (then only ``n_rows`` and ``n_missing`` are meaningful). ``m2`` is the sum of
    squared deviations from the mean of the finite values (variance ``m2 / n_finite``)."""

    n_rows: int = 0
    n_missing: int = 0
    n_posinf: int = 0
    n_neginf: int = 0
    n_finite: int = 0
    min: float = math.nan
    max: float = math.nan
    mean: float = math.nan
    m2: float = 0.0
    numeric: bool = True

    @property
    def variance(self) -> float:
        """Population variance of the finite values (NaN without any)."""
        return self.m2 / self.n_finite if self.n_finite else math.nan

    @property
    def std(self) -> float:
        return math.sqrt(self.variance) if self.n_finite else math.nan

    def merge(self, other: ColumnStats) -> ColumnStats:
        if (other.n_finite, other.mean, other.m2) < (self.n_finite, self.mean, self.m2):
            return other.merge(self)  # one order of the operands: commutative to the last bit
        n = self.n_finite + other.n_finite
        if other.n_finite == 0:
            mean, m2 = self.mean, self.m2
        elif self.n_finite == 0:
            mean, m2 = other.mean, other.m2
        else:  # Chan, Golub and LeVeque (1979): the pairwise update of mean and M2
            delta = other.mean - self.mean
            mean = self.mean + delta * other.n_finite / n
            m2 = self.m2 + other.m2 + delta * delta * self.n_finite * other.n_finite / n
        return ColumnStats(
            self.n_rows + other.n_rows,
            self.n_missing + other.n_missing,
            self.n_posinf + other.n_posinf,
            self.n_neginf + other.n_neginf,
            n,
            _fmin(self.min, other.min),
            _fmax(self.max, other.max),
            mean,
            m2,
            self.numeric and other.numeric,
        )

    def to_state(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _fmin(a: float, b: float) -> float:
    return b if math.isnan(a) else a if math.isnan(b) else min(a, b)


def _fmax(a: float, b: float) -> float:
    return b if math.isnan(a) else a if math.isnan(b) else max(a, b)


@dataclasses.dataclass(frozen=True)
class Stats(_Need):
    """Counts and moments of ``column`` (:class:`ColumnStats`)."""

    column: Any
    kind: ClassVar[str] = "stats"

    def summarize(self, chunk: Chunk) -> ColumnStats:
        n = chunk.n_rows
        n_missing = int(chunk.missing(self.column).sum())
        values = chunk.numeric(self.column)
        if values is None:
            return ColumnStats(n, n_missing, numeric=False)
        finite = chunk.finite_sorted(self.column)
        k = int(finite.size)
        n_inf = n - n_missing - k
        n_pos = int(np.count_nonzero(values == np.inf)) if n_inf else 0
        n_neg = int(np.count_nonzero(values == -np.inf)) if n_inf else 0
        if k == 0:
            return ColumnStats(n, n_missing, n_pos, n_neg, 0)
        mean = float(finite.mean())
        dev = finite - mean
        np.multiply(dev, dev, out=dev)
        m2 = float(dev.sum())  # pairwise summation; no BLAS call
        return ColumnStats(n, n_missing, n_pos, n_neg, k, float(finite[0]), float(finite[-1]), mean, m2)

    def empty(self) -> ColumnStats:
        return ColumnStats()

    def from_state(self, state: Mapping[str, Any]) -> ColumnStats:
        return ColumnStats(**{f.name: state[f.name] for f in dataclasses.fields(ColumnStats)})


# -- one column: value counts ----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class ValueCounts:
    """Count per distinct non-missing value (plain Python values), ``n`` values in all; with
    more than ``max_distinct`` distinct values ``overflow`` is True and only ``n`` is kept
    (more than ``max_distinct`` distinct values, nothing else known)."""

    counts: Mapping[Any, int]
    n: int
    max_distinct: int
    overflow: bool = False

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ValueCounts)
            and (self.n, self.overflow, self.max_distinct) == (other.n, other.overflow, other.max_distinct)
            and dict(self.counts) == dict(other.counts)
        )

    @property
    def n_distinct(self) -> int | None:
        """Distinct values (None after an overflow: more than ``max_distinct``)."""
        return None if self.overflow else len(self.counts)

    def merge(self, other: ValueCounts) -> ValueCounts:
        if other.n == 0 and not other.overflow:
            return self
        if self.n == 0 and not self.overflow:
            return other
        if isinstance(other, NumericCounts) and not isinstance(self, NumericCounts):
            return other.merge(self)
        n = self.n + other.n
        if self.overflow or other.overflow:
            return ValueCounts({}, n, self.max_distinct, True)
        merged = dict(self.counts)
        for value, count in other.counts.items():
            merged[value] = merged.get(value, 0) + count
        if len(merged) > self.max_distinct:
            return ValueCounts({}, n, self.max_distinct, True)
        return ValueCounts(merged, n, self.max_distinct)

    def series(self) -> pd.Series:
        """The counts as a pandas Series indexed by value (order of first sight)."""
        return pd.Series(list(self.counts.values()), index=list(self.counts.keys()), dtype="int64")

    def to_state(self) -> dict[str, Any]:
        values = np.empty(len(self.counts), dtype=object)
        values[:] = list(self.counts.keys())
        return {
            "values": values,
            "counts": np.fromiter(self.counts.values(), dtype=np.int64, count=len(self.counts)),
            "n": self.n,
            "max_distinct": self.max_distinct,
            "overflow": self.overflow,
        }


class NumericCounts(ValueCounts):
    """:class:`ValueCounts` of finite numbers, held as sorted arrays (``keys``, ``key_counts``):
    merging is vectorized. ``counts`` gives the same mapping as for other values."""

    def __init__(self, keys: np.ndarray, key_counts: np.ndarray, n: int, max_distinct: int) -> None:
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "key_counts", key_counts)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "max_distinct", max_distinct)
        object.__setattr__(self, "overflow", False)

    keys: np.ndarray
    key_counts: np.ndarray

    @property  # type: ignore[override]
    def counts(self) -> Mapping[Any, int]:
        return dict(zip(self.keys.tolist(), self.key_counts.tolist()))

    @property
    def n_distinct(self) -> int | None:
        return int(self.keys.size)

    def series(self) -> pd.Series:
        return pd.Series(self.key_counts, index=self.keys, dtype="int64")

    def merge(self, other: ValueCounts) -> ValueCounts:
        if not isinstance(other, NumericCounts):
            if other.overflow:
                return ValueCounts({}, self.n + other.n, self.max_distinct, True)
            if other.n == 0:
                return self
            other = NumericCounts(
                np.asarray(list(other.counts), dtype=float),
                np.asarray(list(other.counts.values()), dtype=np.int64),
                other.n,
                other.max_distinct,
            )
        n = self.n + other.n
        keys = np.concatenate((self.keys, other.keys))
        counts = np.concatenate((self.key_counts, other.key_counts))
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if keys.size else keys
        if starts.size > self.max_distinct:
            return ValueCounts({}, n, self.max_distinct, True)
        if keys.size == 0:
            return NumericCounts(keys, counts, n, self.max_distinct)
        return NumericCounts(keys[starts], np.add.reduceat(counts, starts), n, self.max_distinct)

    def to_state(self) -> dict[str, Any]:
        return {
            "values": self.keys,
            "counts": self.key_counts,
            "n": self.n,
            "max_distinct": self.max_distinct,
            "overflow": False,
        }


@dataclasses.dataclass(frozen=True)
class Values(_Need):
    """Count per distinct non-missing value of ``column`` (:class:`ValueCounts`). With
    ``numeric`` the finite values as floats (as the drift gate bins discrete numbers), else the
    values themselves (strings, booleans, categories...)."""

    column: Any
    numeric: bool = False
    max_distinct: int = DEFAULT_MAX_DISTINCT
    kind: ClassVar[str] = "values"

    def summarize(self, chunk: Chunk) -> ValueCounts:
        if self.numeric:
            x = chunk.finite_sorted(self.column)
            if x.size == 0:
                return ValueCounts({}, 0, self.max_distinct)
            changes = x[1:] != x[:-1]
            if int(np.count_nonzero(changes)) + 1 > self.max_distinct:  # continuous: stop here
                return ValueCounts({}, int(x.size), self.max_distinct, True)
            starts = np.flatnonzero(np.concatenate(([True], changes)))
            counts = np.diff(np.append(starts, x.size))
            return NumericCounts(x[starts], counts.astype(np.int64), int(x.size), self.max_distinct)
        series = chunk.series(self.column)
        vc = series.value_counts(dropna=True, sort=False)
        vc = vc[vc > 0]
        total = int(vc.sum())
        if len(vc) > self.max_distinct:
            return ValueCounts({}, total, self.max_distinct, True)
        out: dict[Any, int] = {}
        for value, count in zip(vc.index.tolist(), vc.to_numpy(dtype=np.int64).tolist()):
            key = plain(value)
            out[key] = out.get(key, 0) + int(count)
        return ValueCounts(out, total, self.max_distinct)

    def empty(self) -> ValueCounts:
        return ValueCounts({}, 0, self.max_distinct)

    def from_state(self, state: Mapping[str, Any]) -> ValueCounts:
        if self.numeric and not state["overflow"]:
            return NumericCounts(
                np.asarray(state["values"], dtype=float),
                np.asarray(state["counts"], dtype=np.int64),
                int(state["n"]),
                int(state["max_distinct"]),
            )
        values = [plain(v) for v in np.asarray(state["values"], dtype=object).tolist()]
        counts = np.asarray(state["counts"], dtype=np.int64).tolist()
        return ValueCounts(
            dict(zip(values, counts)), int(state["n"]), int(state["max_distinct"]), bool(state["overflow"])
        )
