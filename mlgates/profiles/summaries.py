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
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core.inputs import Chunk
from mlgates.profiles._summary_base import (  # noqa: F401  (re-exported: the public import path)
    DEFAULT_GRID_SIZE,
    DEFAULT_MAX_DISTINCT,
    MAX_EXAMPLES,
    _key,
    _Need,
    _param,
    edges_hash,
    plain,
)
from mlgates.profiles._summary_bins import (  # noqa: F401
    BinCounts,
    Bins,
    Outside,
    OutsideCounts,
    _first_examples,
)
from mlgates.profiles._summary_counts import (  # noqa: F401
    ColumnStats,
    NumericCounts,
    RowCount,
    Rows,
    Stats,
    ValueCounts,
    Values,
    _fmax,
    _fmin,
)
from mlgates.profiles._summary_hashes import HashCounts, RowHashes
from mlgates.profiles._summary_types import TypeCounts, Types, type_group

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
