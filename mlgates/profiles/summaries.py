"""Mergeable summaries: what a gate needs from a table, computed per chunk and merged.

Each *need* (a frozen dataclass: a :class:`~mlgates.core.inputs.Summarizer`) names one
computation by a stable ``key``; its ``summarize(chunk)`` turns one
:class:`~mlgates.core.inputs.Chunk` into a *summary*, and summaries merge with ``a.merge(b)``:
associative, commutative, and exact (the merged summary of the chunks equals the summary of
the whole table; sums of floats up to rounding, ~1e-12 relative).

==================  =====================  ===========================================================
need                summary                what it holds
==================  =====================  ===========================================================
:class:`Rows`       :class:`RowCount`      rows
:class:`Stats`      :class:`ColumnStats`   rows, missing, +/-inf, finite count, min, max, mean and
                                           the sum of squared deviations (Chan et al.'s merge)
:class:`Values`     :class:`ValueCounts`   count per distinct non-missing value, up to
                                           ``max_distinct`` values (beyond: ``overflow``, counts
                                           dropped, the total kept)
:class:`Bins`       :class:`BinCounts`     counts, sums, minimum and maximum of the finite values in
                                           right-closed bins on frozen inner edges (open ends)
:class:`Outside`    :class:`OutsideCounts` values below / above fixed bounds, and the first
                                           offending values in row order
:class:`RowHashes`  :class:`HashCounts`    the 64-bit hash of every row, sorted (duplicates, keys)
:class:`Edges`      :class:`EdgeValues`    bin edges of the reference: quantile / uniform edges or
                                           a fine quantile grid (from all sorted values: exact)
:class:`Fences`     :class:`FenceValues`   outlier fences of the reference (IQR or robust z)
:class:`Types`      :class:`TypeCounts`    count per value type of an object column
==================  =====================  ===========================================================

Nothing here is randomized: there are no sketches. Row hashes can collide (probability below
``n^2 / 2^65`` for ``n`` distinct rows, stated on the findings that use them).

Examples
--------
>>> import pandas as pd
>>> from mlgates.core.inputs import Chunk
>>> df = pd.DataFrame({"x": [1.0, 2.0, None, 4.0]})
>>> need = Stats("x")
>>> a, b = need.summarize(Chunk(df.iloc[:2])), need.summarize(Chunk(df.iloc[2:]))
>>> whole = a.merge(b)
>>> whole.n_rows, whole.n_missing, whole.min, whole.max, round(whole.mean, 6)
(4, 1, 1.0, 4.0, 2.333333)
>>> whole == b.merge(a)
True
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.inputs import Chunk

__all__ = [
    "DEFAULT_GRID_SIZE",
    "DEFAULT_MAX_DISTINCT",
    "MAX_EXAMPLES",
    "MAX_REFERENCE_VALUES",
    "BinCounts",
    "Bins",
    "ColumnStats",
    "EdgeValues",
    "Edges",
    "FenceValues",
    "Fences",
    "HashCounts",
    "NumericCounts",
    "Outside",
    "OutsideCounts",
    "RowCount",
    "RowHashes",
    "Rows",
    "Stats",
    "TypeCounts",
    "Types",
    "ValueCounts",
    "Values",
    "edges_hash",
    "plain",
    "type_group",
]

#: Distinct values counted per column before a :class:`ValueCounts` overflows.
DEFAULT_MAX_DISTINCT = 100_000
#: Reference quantiles in the fine grid of the sample statistics (KS, Wasserstein, ...): the
#: grid's approximation bound is about ``1 / DEFAULT_GRID_SIZE`` (computed and recorded).
DEFAULT_GRID_SIZE = 4096
#: Offending values a summary keeps as examples.
MAX_EXAMPLES = 5
#: Values of one reference column held (sorted, 8 bytes each) to freeze bins and fences
#: exactly while a reference is read; beyond, the same values are found exactly by more passes
#: in bounded memory (:func:`mlgates.profiles.select.resolved`).
MAX_REFERENCE_VALUES = 20_000_000


def _too_many(n: int, what: str) -> Any:
    from mlgates.core.errors import NeedsInMemory

    return NeedsInMemory(
        f"the reference column has {n:,} values, more than it holds sorted ({MAX_REFERENCE_VALUES:,}); "
        f"its {what} are found by more passes over the reference (mlgates.profiles.select.resolved), "
        "which a table read once (an iterator) cannot give: pass files, or fixed bins/fences"
    )


def edges_hash(edges: Sequence[float] | np.ndarray) -> str:
    """A short, stable hash of bin edges (the *bin-spec hash* recorded on findings).

    >>> edges_hash([0.5, 1.5]) == edges_hash(np.array([0.5, 1.5]))
    True
    """
    arr = np.ascontiguousarray(np.asarray(edges, dtype="<f8"))
    return hashlib.sha256(arr.tobytes()).hexdigest()[:16]


def plain(value: Any) -> Any:
    """A summary key value as plain Python (str, int, float, bool, None); timestamps as text."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def _key(kind: str, **params: Any) -> str:
    return f"{kind}{json.dumps(params, sort_keys=True, default=str, separators=(',', ':'))}"


@dataclasses.dataclass(frozen=True)
class _Need:
    """Base of the needs: ``key`` from the kind and the parameters."""

    kind: ClassVar[str] = ""

    @functools.cached_property
    def key(self) -> str:
        params = {f.name: _param(getattr(self, f.name)) for f in dataclasses.fields(self)}
        return _key(self.kind, **params)

    @property
    def columns(self) -> tuple[Any, ...] | None:
        column = getattr(self, "column", None)
        return None if column is None else (column,)


def _param(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) > 8 and all(isinstance(v, float) for v in value):
        return f"edges:{len(value)}:{edges_hash(value)}"
    if isinstance(value, (tuple, frozenset)):
        return [_param(v) for v in (sorted(value, key=repr) if isinstance(value, frozenset) else value)]
    return value


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


# -- one column: counts on frozen bins -----------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class BinCounts:
    """Finite values of one column in the right-closed bins ``(e_{i-1}, e_i]`` of inner
    ``edges`` (``len(edges) + 1`` bins, the first and last open), with the sum, minimum and
    maximum of the values in each bin (NaN for an empty bin). Counts add up exactly under
    merging; the sums, minima and maxima give the grid statistics their bounds."""

    edges: np.ndarray
    counts: np.ndarray
    sums: np.ndarray
    mins: np.ndarray
    maxs: np.ndarray

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BinCounts):
            return False
        return bool(
            np.array_equal(self.edges, other.edges)
            and np.array_equal(self.counts, other.counts)
            and np.allclose(self.sums, other.sums, rtol=1e-9, atol=1e-9, equal_nan=True)
            and np.array_equal(self.mins, other.mins, equal_nan=True)
            and np.array_equal(self.maxs, other.maxs, equal_nan=True)
        )

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    @property
    def spec_hash(self) -> str:
        return edges_hash(self.edges)

    def merge(self, other: BinCounts) -> BinCounts:
        with np.errstate(invalid="ignore"):
            return BinCounts(
                self.edges,
                self.counts + other.counts,
                self.sums + other.sums,
                np.fmin(self.mins, other.mins),
                np.fmax(self.maxs, other.maxs),
            )

    def to_state(self) -> dict[str, Any]:
        return {
            "edges": self.edges,
            "counts": self.counts,
            "sums": self.sums,
            "mins": self.mins,
            "maxs": self.maxs,
        }


@dataclasses.dataclass(frozen=True)
class Bins(_Need):
    """Counts of the finite values of ``column`` on frozen inner ``edges`` (:class:`BinCounts`),
    the same bins as :func:`mlgates.stats.binning.counts_on_edges`."""

    column: Any
    edges: tuple[float, ...]
    kind: ClassVar[str] = "bins"

    def _edges(self) -> np.ndarray:
        return np.asarray(self.edges, dtype=float)

    def summarize(self, chunk: Chunk) -> BinCounts:
        return self._count(chunk.finite_sorted(self.column))

    def _count(self, x: np.ndarray) -> BinCounts:
        edges = self._edges()
        cuts = np.searchsorted(x, edges, side="right")
        bounds = np.concatenate(([0], cuts, [x.size]))
        counts = np.diff(bounds).astype(np.int64)
        k = counts.size
        sums = np.zeros(k)
        mins = np.full(k, np.nan)
        maxs = np.full(k, np.nan)
        nonempty = counts > 0
        if x.size:
            starts = bounds[:-1][nonempty]
            sums[nonempty] = np.add.reduceat(x, starts)
            mins[nonempty] = x[starts]
            maxs[nonempty] = x[bounds[1:][nonempty] - 1]
        return BinCounts(edges, counts, sums, mins, maxs)

    def empty(self) -> BinCounts:
        k = len(self.edges) + 1
        return BinCounts(
            self._edges(), np.zeros(k, np.int64), np.zeros(k), np.full(k, np.nan), np.full(k, np.nan)
        )

    def from_state(self, state: Mapping[str, Any]) -> BinCounts:
        return BinCounts(
            np.asarray(state["edges"], dtype=float),
            np.asarray(state["counts"], dtype=np.int64),
            np.asarray(state["sums"], dtype=float),
            np.asarray(state["mins"], dtype=float),
            np.asarray(state["maxs"], dtype=float),
        )


# -- one column: values outside fixed bounds -----------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class OutsideCounts:
    """Non-missing values (``n_checked``, infinities included) below ``low`` and above
    ``high``, and up to :data:`MAX_EXAMPLES` distinct offending values, the first in row order
    (``examples`` pairs of ``(order, value)``: merging keeps the earliest, in any order)."""

    n_checked: int = 0
    n_below: int = 0
    n_above: int = 0
    examples: tuple[tuple[tuple[int, int], float], ...] = ()

    def __eq__(self, other: object) -> bool:  # the order keys locate rows in chunks: not compared
        return isinstance(other, OutsideCounts) and (
            self.n_checked,
            self.n_below,
            self.n_above,
            self.example_values,
        ) == (other.n_checked, other.n_below, other.n_above, other.example_values)

    def merge(self, other: OutsideCounts) -> OutsideCounts:
        return OutsideCounts(
            self.n_checked + other.n_checked,
            self.n_below + other.n_below,
            self.n_above + other.n_above,
            _first_examples(self.examples + other.examples),
        )

    @property
    def example_values(self) -> list[float]:
        return [v for _, v in self.examples]

    def to_state(self) -> dict[str, Any]:
        return {
            "n_checked": self.n_checked,
            "n_below": self.n_below,
            "n_above": self.n_above,
            "examples": [[list(o), v] for o, v in self.examples],
        }


def _first_examples(pairs: Sequence[tuple[tuple[int, int], Any]]) -> tuple[tuple[tuple[int, int], Any], ...]:
    out: list[tuple[tuple[int, int], Any]] = []
    seen: set[Any] = set()
    for order, value in sorted(pairs, key=lambda p: p[0]):
        if value in seen:
            continue
        seen.add(value)
        out.append((order, value))
        if len(out) == MAX_EXAMPLES:
            break
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class Outside(_Need):
    """Values of ``column`` outside ``[low, high]`` (:class:`OutsideCounts`); ``inclusive``
    as in :class:`~mlgates.RangeGate` (``"both"``, ``"left"``, ``"right"``, ``"neither"``);
    None is an open bound."""

    column: Any
    low: float | None
    high: float | None
    inclusive: str = "both"
    kind: ClassVar[str] = "outside"

    def summarize(self, chunk: Chunk) -> OutsideCounts:
        from mlgates.stats.quality import outside_counts

        values = chunk.numeric(self.column)
        if values is None:
            raise TypeError(f"column {self.column!r} does not hold numbers")
        n_checked = int(np.count_nonzero(~np.isnan(values)))
        with np.errstate(invalid="ignore"):
            n_below, n_above, mask = outside_counts(values, self.low, self.high, inclusive=self.inclusive)
        bad = np.flatnonzero(mask)
        examples: list[tuple[tuple[int, int], float]] = []
        seen: set[float] = set()
        for i in bad[: MAX_EXAMPLES * 20].tolist():
            v = float(values[i])
            if v not in seen:
                seen.add(v)
                examples.append(((chunk.index, i), v))
            if len(examples) == MAX_EXAMPLES:
                break
        return OutsideCounts(n_checked, n_below, n_above, tuple(examples))

    def empty(self) -> OutsideCounts:
        return OutsideCounts()

    def from_state(self, state: Mapping[str, Any]) -> OutsideCounts:
        ex = tuple((tuple(o), float(v)) for o, v in state["examples"])
        return OutsideCounts(int(state["n_checked"]), int(state["n_below"]), int(state["n_above"]), ex)  # type: ignore[arg-type]


# -- rows: hashes ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class HashCounts:
    """The 64-bit hashes of ``n_rows`` rows, kept as sorted runs (8 bytes per row; runs of
    similar size are merged as they come, so merging chunk after chunk costs
    ``O(n log n)`` in all). ``n_distinct`` distinct hashes; ``n_rows - n_distinct`` rows repeat
    an earlier row's hash."""

    runs: tuple[np.ndarray, ...]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HashCounts) and np.array_equal(self.hashes, other.hashes)

    @functools.cached_property
    def hashes(self) -> np.ndarray:
        """Every row's hash, sorted."""
        if not self.runs:
            return np.empty(0, np.uint64)
        if len(self.runs) == 1:
            return self.runs[0]
        out = np.concatenate(self.runs)
        out.sort(kind="stable")
        return out

    @property
    def n_rows(self) -> int:
        return int(sum(r.size for r in self.runs))

    @functools.cached_property
    def n_distinct(self) -> int:
        h = self.hashes
        return int(np.count_nonzero(h[1:] != h[:-1])) + 1 if h.size else 0

    def collision_bound(self) -> float:
        """Upper bound on the probability that two distinct rows share a hash (the birthday
        bound ``d (d - 1) / 2^65`` for ``d`` distinct hashes), i.e. that a repeated hash is not a
        repeated row. A collision can only add a duplicate: a count within its bound is exact."""
        d = float(self.n_distinct)
        return min(1.0, d * (d - 1.0) / 2.0**65)

    def merge(self, other: HashCounts) -> HashCounts:
        runs = sorted((r for r in (*self.runs, *other.runs) if r.size), key=lambda r: -r.size)
        while len(runs) > 1 and runs[-2].size <= 2 * runs[-1].size:  # similar sizes: merge
            b, a = runs.pop(), runs.pop()
            merged = np.concatenate((a, b))
            merged.sort(kind="stable")  # two sorted runs: linear
            runs.append(merged)
            runs.sort(key=lambda r: -r.size)
        return HashCounts(tuple(runs))

    def to_state(self) -> dict[str, Any]:
        return {"hashes": self.hashes}


@dataclasses.dataclass(frozen=True)
class RowHashes(_Need):
    """The hash of each row over ``columns_`` (all columns when None): 64 bits of
    ``pandas.util.hash_pandas_object`` (index excluded; missing values hash alike, as
    ``DataFrame.duplicated`` compares them). With ``skip_missing`` rows with a missing value in
    those columns are left out (keys, as SQL ``UNIQUE``)."""

    columns_: tuple[Any, ...] | None = None
    skip_missing: bool = False
    kind: ClassVar[str] = "row_hashes"

    @property
    def columns(self) -> tuple[Any, ...] | None:
        return self.columns_

    def summarize(self, chunk: Chunk) -> HashCounts:
        if self.columns_ is None:
            frame = chunk.frame
        else:
            frame = pd.concat([chunk.series(c) for c in self.columns_], axis=1)
        if self.skip_missing and len(frame):
            frame = frame[~np.asarray(frame.isna().any(axis=1))]
        if len(frame) == 0:
            return self.empty()
        try:
            hashed = pd.util.hash_pandas_object(frame, index=False)
        except (TypeError, NotImplementedError):  # unhashable objects: by their text
            hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
        return HashCounts((np.sort(np.asarray(hashed, dtype=np.uint64)),))

    def empty(self) -> HashCounts:
        return HashCounts(())

    def from_state(self, state: Mapping[str, Any]) -> HashCounts:
        return HashCounts((np.asarray(state["hashes"], np.uint64),))


# -- reference edges -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class EdgeValues:
    """Bins frozen from the reference: for each spec of :class:`Edges`, the edges and the
    reference's :class:`BinCounts` on them. While merging it holds the column's sorted finite
    values (exact); saved, it holds the edges and counts only (a reference profile stays small).
    """

    specs: tuple[tuple[Any, ...], ...]
    values: np.ndarray | None
    saved: Mapping[tuple[Any, ...], BinCounts] | None = None
    _memo: dict[tuple[Any, ...], BinCounts] = dataclasses.field(default_factory=dict, repr=False)
    overflow: int = 0  # values seen beyond MAX_REFERENCE_VALUES: no edges (NeedsInMemory)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EdgeValues) and all(self.bins(s) == other.bins(s) for s in self.specs)

    def edges(self, spec: tuple[Any, ...]) -> np.ndarray:
        """The inner edges for ``spec`` (see :func:`compute_edges`)."""
        return self.bins(spec).edges

    def bins(self, spec: tuple[Any, ...]) -> BinCounts:
        """The reference's counts, sums, minima and maxima on the edges of ``spec``."""
        spec = tuple(spec)
        if self.overflow:
            raise _too_many(self.overflow, "bins")
        if self.saved is not None:
            return self.saved[spec]
        if spec not in self._memo:
            assert self.values is not None
            edges = compute_edges(self.values, spec)
            self._memo[spec] = Bins(None, tuple(edges.tolist()))._count(self.values)
        return self._memo[spec]

    def merge(self, other: EdgeValues) -> EdgeValues:
        if self.overflow or other.overflow:
            n = (self.overflow or _size(self.values)) + (other.overflow or _size(other.values))
            return EdgeValues(self.specs, None, overflow=n)
        if self.values is None or other.values is None:
            raise ValueError("saved reference edges cannot be merged with more rows")
        if other.values.size == 0:
            return self
        if self.values.size == 0:
            return other
        if self.values.size + other.values.size > MAX_REFERENCE_VALUES:
            return EdgeValues(self.specs, None, overflow=self.values.size + other.values.size)
        out = np.concatenate((self.values, other.values))
        out.sort(kind="stable")  # two sorted runs: linear
        return EdgeValues(self.specs, out)

    def to_state(self) -> dict[str, Any]:
        if self.overflow:
            return {"specs": [list(s) for s in self.specs], "overflow": self.overflow}
        return {"specs": [list(s) for s in self.specs], "bins": [self.bins(s).to_state() for s in self.specs]}


def _size(values: np.ndarray | None) -> int:
    return 0 if values is None else int(values.size)


def compute_edges(sorted_values: np.ndarray, spec: Sequence[Any]) -> np.ndarray:
    """Edges for ``spec``: ``("quantile", n)`` / ``("uniform", n)`` inner edges as the in-memory
    drift gate computes them (:func:`mlgates.stats.binning.numeric_edges`), or ``("grid", g)``:
    the distinct reference values at the ``k / g`` quantiles (``k = 0..g``, lower order
    statistics), from the minimum to the maximum, so that every cell holds about ``1/g`` of
    the reference."""
    from mlgates.stats.binning import numeric_edges

    x = np.asarray(sorted_values, dtype=float)
    strategy, size = spec[0], int(spec[1])
    if strategy in ("quantile", "uniform"):
        return numeric_edges(x, strategy, size)
    if x.size == 0:
        return np.empty(0)
    pos = np.unique(np.floor(np.linspace(0.0, 1.0, size + 1) * (x.size - 1)).astype(np.int64))
    return np.unique(x[pos])


@dataclasses.dataclass(frozen=True)
class Edges(_Need):
    """Bins of ``column`` frozen from the reference (:class:`EdgeValues`), one set per spec:
    ``("quantile", n_bins)``, ``("uniform", n_bins)`` or ``("grid", size)`` (see
    :func:`compute_edges`), with the reference's counts on them. Exact: computed from all sorted
    finite values, which a pass over a chunked reference holds in memory (8 bytes per value of
    the column) until the edges are taken; saved profiles hold edges and counts only."""

    column: Any
    specs: tuple[tuple[Any, ...], ...]
    kind: ClassVar[str] = "edges"

    def summarize(self, chunk: Chunk) -> EdgeValues:
        return EdgeValues(self.specs, chunk.finite_sorted(self.column))

    def empty(self) -> EdgeValues:
        return EdgeValues(self.specs, np.empty(0))

    def from_state(self, state: Mapping[str, Any]) -> EdgeValues:
        if state.get("overflow"):
            return EdgeValues(self.specs, None, overflow=int(state["overflow"]))
        bins = Bins(None, ())
        saved = {tuple(spec): bins.from_state(b) for spec, b in zip(state["specs"], state["bins"])}
        return EdgeValues(self.specs, None, saved)


# -- reference fences ------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class FenceValues:
    """Outlier fences of one reference column (:func:`mlgates.stats.quality.iqr_fences` or
    ``robust_z_fences``) and its number of finite values. While merging it holds the sorted
    finite values (exact); saved, the fences only."""

    method: str
    factor: float
    values: np.ndarray | None
    saved: tuple[float, float, int] | None = None
    overflow: int = 0  # values seen beyond MAX_REFERENCE_VALUES: no fences (NeedsInMemory)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FenceValues):
            return False
        return self.fences == other.fences and self.n_finite == other.n_finite

    @functools.cached_property
    def _computed(self) -> tuple[float, float, int]:
        if self.overflow:
            raise _too_many(self.overflow, "outlier fences")
        if self.saved is not None:
            return self.saved
        from mlgates.stats.quality import iqr_fences, robust_z_fences

        assert self.values is not None
        fn = iqr_fences if self.method == "iqr" else robust_z_fences
        low, high = fn(self.values, self.factor)
        return (low, high, int(self.values.size))

    @property
    def fences(self) -> tuple[float, float]:
        return self._computed[0], self._computed[1]

    @property
    def n_finite(self) -> int:
        return self._computed[2]

    def merge(self, other: FenceValues) -> FenceValues:
        n = (self.overflow or _size(self.values)) + (other.overflow or _size(other.values))
        if self.overflow or other.overflow or n > MAX_REFERENCE_VALUES:
            return FenceValues(self.method, self.factor, None, overflow=n)
        if self.values is None or other.values is None:
            raise ValueError("saved reference fences cannot be merged with more rows")
        out = np.concatenate((self.values, other.values))
        out.sort(kind="stable")
        return FenceValues(self.method, self.factor, out)

    def to_state(self) -> dict[str, Any]:
        if self.overflow:
            return {"overflow": self.overflow}
        low, high = self.fences
        return {"low": low, "high": high, "n_finite": self.n_finite}


@dataclasses.dataclass(frozen=True)
class Fences(_Need):
    """Outlier fences of ``column`` from the reference (:class:`FenceValues`): ``method``
    ``"iqr"`` or ``"robust_z"`` with ``factor``, on all finite values (exact; a pass over a
    chunked reference holds the column's sorted values until the fences are taken)."""

    column: Any
    method: str
    factor: float
    kind: ClassVar[str] = "fences"

    def summarize(self, chunk: Chunk) -> FenceValues:
        return FenceValues(self.method, self.factor, chunk.finite_sorted(self.column))

    def empty(self) -> FenceValues:
        return FenceValues(self.method, self.factor, np.empty(0))

    def from_state(self, state: Mapping[str, Any]) -> FenceValues:
        if state.get("overflow"):
            return FenceValues(self.method, self.factor, None, overflow=int(state["overflow"]))
        saved = (float(state["low"]), float(state["high"]), int(state["n_finite"]))
        return FenceValues(self.method, self.factor, None, saved)


# -- one column: value types -----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class TypeCounts:
    """Count per Python type name of the non-missing values of an object column, and the first
    value seen of each type (``examples``: ``{type: (order, repr)}``)."""

    counts: Mapping[str, int] = dataclasses.field(default_factory=dict)
    examples: Mapping[str, tuple[tuple[int, int], str]] = dataclasses.field(default_factory=dict)

    def __eq__(self, other: object) -> bool:  # the order keys locate rows in chunks: not compared
        return (
            isinstance(other, TypeCounts)
            and dict(self.counts) == dict(other.counts)
            and {t: v for t, (_, v) in self.examples.items()}
            == {t: v for t, (_, v) in other.examples.items()}
        )

    def merge(self, other: TypeCounts) -> TypeCounts:
        counts = dict(self.counts)
        for t, c in other.counts.items():
            counts[t] = counts.get(t, 0) + c
        examples = dict(self.examples)
        for t, ex in other.examples.items():
            if t not in examples or tuple(ex[0]) < tuple(examples[t][0]):
                examples[t] = ex
        return TypeCounts(counts, examples)

    def to_state(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "examples": {t: [list(o), v] for t, (o, v) in self.examples.items()},
        }


@dataclasses.dataclass(frozen=True)
class Types(_Need):
    """Count per value type of ``column`` (:class:`TypeCounts`): by type name, or with
    ``grouped`` by type group (``boolean`` for bools, ``number`` for every other number,
    ``string`` for strings, else the type name: the groups of :class:`~mlgates.MixedTypesGate`)."""

    column: Any
    grouped: bool = False
    kind: ClassVar[str] = "types"

    def summarize(self, chunk: Chunk) -> TypeCounts:
        series = chunk.series(self.column)
        values = series[~chunk.missing(self.column)]
        if not len(values):
            return TypeCounts()
        if self.grouped:
            types = values.map(type)
            groups = {t: type_group(t) for t in types.unique()}
            names = types.map(groups).to_numpy(dtype=object)
        else:
            names = values.map(lambda v: type(v).__name__).to_numpy(dtype=object)
        uniq, first, counts = np.unique(names.astype(str), return_index=True, return_counts=True)
        raw = values.to_numpy(dtype=object)
        positions = np.flatnonzero(~chunk.missing(self.column))
        return TypeCounts(
            {str(t): int(c) for t, c in zip(uniq, counts)},
            {str(t): ((chunk.index, int(positions[i])), repr(raw[i])[:80]) for t, i in zip(uniq, first)},
        )

    def empty(self) -> TypeCounts:
        return TypeCounts()

    def from_state(self, state: Mapping[str, Any]) -> TypeCounts:
        return TypeCounts(
            {str(k): int(v) for k, v in state["counts"].items()},
            {str(k): (tuple(o), str(v)) for k, (o, v) in state["examples"].items()},  # type: ignore[misc]
        )


def type_group(t: type) -> str:
    """``boolean``, ``number``, ``string`` or the type's name (MixedTypesGate's groups)."""
    import numbers

    if issubclass(t, (bool, np.bool_)):
        return "boolean"
    if issubclass(t, numbers.Number):
        return "number"
    if issubclass(t, str):
        return "string"
    return t.__name__
