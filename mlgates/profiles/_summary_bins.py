"""Summaries of one column against frozen bins and fixed bounds
(:mod:`mlgates.profiles.summaries`: :class:`Bins`, :class:`Outside`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core.inputs import Chunk
from mlgates.profiles._summary_base import (
    MAX_EXAMPLES,
    _Need,
    edges_hash,
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
        from mlgates.stats.binned import cells

        c = cells(x, self._edges())
        return BinCounts(c.edges, c.counts, c.sums, c.mins, c.maxs)

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
