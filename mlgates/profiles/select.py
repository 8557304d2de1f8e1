"""Exact order statistics of a column too large to hold, in bounded memory, by extra passes.

Bins and fences frozen from a reference are order statistics of its values (quantiles at given
ranks). While a reference column holds at most
:data:`~mlgates.profiles.summaries.MAX_REFERENCE_VALUES` values they are taken from its sorted
values; beyond, :func:`order_statistics` finds the same values exactly by radix selection over
passes of the table:

1. every finite value gets a 64-bit key that sorts as the value does (the float's bits, the sign
   bit flipped for positive numbers, every bit for negative ones);
2. a pass counts the values per bucket of the keys' leading bits (16 bits first, then 12 more
   inside the buckets that hold a wanted rank), which locates each wanted rank in a bucket;
3. once the buckets holding the wanted ranks hold at most :data:`COLLECT_LIMIT` values in all,
   a last pass collects them, and the values at the wanted ranks are read off exactly.

Each pass holds a few counters per wanted rank (or the collected values), never the column; the
counts add up over chunks, so every pass is mergeable like any other summary. A normal column of
100M values needs three passes; at most six.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from mlgates.core.context import CheckContext
>>> from mlgates.core.inputs import FrameSource
>>> x = np.random.default_rng(0).normal(size=10_000)
>>> ctx = CheckContext({"reference": FrameSource(pd.DataFrame({"x": x}), chunk_rows=999)}, profiled=True)
>>> got = order_statistics(ctx, "reference", "x", np.array([0, 5_000, 9_999]))
>>> bool(np.array_equal(got, np.sort(x)[[0, 5_000, 9_999]]))
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext, Side
from mlgates.core.inputs import Chunk
from mlgates.profiles.summaries import Bins, Edges, EdgeValues, Fences, FenceValues, Stats, _Need

__all__ = [
    "COLLECT_LIMIT",
    "COUNTERS",
    "KeyCollect",
    "KeyCounts",
    "KeyHistogram",
    "KeyValues",
    "from_keys",
    "order_statistics",
    "resolved",
    "to_keys",
]

#: Values collected in the last pass of a selection (8 bytes each).
COLLECT_LIMIT = 2_000_000
#: Bucket counters of one selection pass (8 bytes each).
COUNTERS = 4_000_000
_SIGN = np.uint64(1 << 63)


def to_keys(values: np.ndarray) -> np.ndarray:
    """64-bit keys that sort as the (finite) float64 values do.

    >>> v = np.array([-2.0, -0.5, 0.0, 1e-300, 3.0])
    >>> bool(np.all(np.diff(to_keys(v).astype(object)) > 0))
    True
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    negative = (bits & _SIGN) != 0
    return np.where(negative, ~bits, bits | _SIGN)


def from_keys(keys: np.ndarray) -> np.ndarray:
    """The float64 values of :func:`to_keys`'s keys."""
    keys = np.asarray(keys, dtype=np.uint64)
    positive = (keys & _SIGN) != 0
    bits = np.where(positive, keys & ~_SIGN, ~keys)
    return bits.view(np.float64)


def _chunk_keys(chunk: Chunk, column: Any, center: float | None) -> np.ndarray:
    """Sorted keys of the chunk's finite values (of ``|x - center|`` when given)."""

    def compute() -> np.ndarray:
        x = chunk.finite_sorted(column)
        if center is not None:
            x = np.abs(x - center)
            x.sort()
        return to_keys(x)

    return chunk.cached(("select.keys", column, center), compute)  # type: ignore[no-any-return]


@dataclasses.dataclass(frozen=True, eq=False)
class KeyCounts:
    """Counts of keys per sub-bucket of each prefix (``len(prefixes) * 2**sub_bits``)."""

    counts: np.ndarray

    def merge(self, other: KeyCounts) -> KeyCounts:
        return KeyCounts(self.counts + other.counts)

    def to_state(self) -> dict[str, Any]:
        return {"counts": self.counts}


@dataclasses.dataclass(frozen=True)
class KeyHistogram(_Need):
    """Counts of the keys of ``column``'s finite values (of ``|x - center|`` with ``center``)
    whose leading ``prefix_bits`` bits are one of ``prefixes``, per value of their next
    ``sub_bits`` bits."""

    column: Any
    prefix_bits: int
    prefixes: tuple[int, ...]
    sub_bits: int
    center: float | None = None
    kind: ClassVar[str] = "key_histogram"

    def summarize(self, chunk: Chunk) -> KeyCounts:
        keys = _chunk_keys(chunk, self.column, self.center)
        width = 1 << self.sub_bits
        sub = (keys >> np.uint64(64 - self.prefix_bits - self.sub_bits)) & np.uint64(width - 1)
        if self.prefix_bits == 0:  # one bucket: every key
            return KeyCounts(np.bincount(sub.astype(np.int64), minlength=width).astype(np.int64))
        wanted = np.array(self.prefixes, dtype=np.uint64)
        top = keys >> np.uint64(64 - self.prefix_bits)
        row = np.searchsorted(wanted, top)
        inside = row < wanted.size
        inside[inside] = wanted[row[inside]] == top[inside]
        cell = row[inside].astype(np.int64) * width + sub[inside].astype(np.int64)
        return KeyCounts(np.bincount(cell, minlength=wanted.size * width).astype(np.int64))

    def empty(self) -> KeyCounts:
        return KeyCounts(np.zeros(len(self.prefixes) << self.sub_bits, dtype=np.int64))

    def from_state(self, state: Mapping[str, Any]) -> KeyCounts:
        return KeyCounts(np.asarray(state["counts"], dtype=np.int64))


@dataclasses.dataclass(frozen=True, eq=False)
class KeyValues:
    """The sorted keys that fell in the collected buckets."""

    keys: np.ndarray

    def merge(self, other: KeyValues) -> KeyValues:
        out = np.concatenate((self.keys, other.keys))
        out.sort(kind="stable")
        return KeyValues(out)

    def to_state(self) -> dict[str, Any]:
        return {"keys": self.keys}


@dataclasses.dataclass(frozen=True)
class KeyCollect(_Need):
    """The keys of ``column``'s finite values (of ``|x - center|``) whose leading
    ``prefix_bits`` bits are one of ``prefixes``."""

    column: Any
    prefix_bits: int
    prefixes: tuple[int, ...]
    center: float | None = None
    kind: ClassVar[str] = "key_collect"

    def summarize(self, chunk: Chunk) -> KeyValues:
        keys = _chunk_keys(chunk, self.column, self.center)
        shift = 64 - self.prefix_bits
        parts = []
        for p in self.prefixes:
            lo = p << shift
            hi = (p + 1) << shift
            a = np.searchsorted(keys, np.uint64(lo), side="left")
            b = keys.size if hi >= 2**64 else np.searchsorted(keys, np.uint64(hi), side="left")
            parts.append(keys[a:b])
        return KeyValues(np.concatenate(parts) if parts else np.empty(0, np.uint64))

    def empty(self) -> KeyValues:
        return KeyValues(np.empty(0, np.uint64))

    def from_state(self, state: Mapping[str, Any]) -> KeyValues:
        return KeyValues(np.asarray(state["keys"], dtype=np.uint64))


def order_statistics(
    ctx: CheckContext, side: Side, column: Any, ranks: np.ndarray, *, center: float | None = None
) -> np.ndarray:
    """The values at the 0-based ``ranks`` among the finite values of ``column`` of ``side``
    (of ``|x - center|`` with ``center``), sorted ascending: exact, by radix selection over
    extra passes (see the module docstring)."""
    ranks = np.asarray(ranks, dtype=np.int64)
    n = ctx.summary(side, Stats(column)).n_finite  # type: ignore[arg-type]
    if ranks.size and (ranks.min() < 0 or ranks.max() >= n):
        raise ValueError(f"ranks must lie in [0, {n}); got {ranks.min()} .. {ranks.max()}")
    targets = sorted(set(ranks.tolist()))
    prefix = dict.fromkeys(targets, 0)  # the bucket (key prefix) holding each rank
    within = {r: r for r in targets}  # the rank inside that bucket
    size = dict.fromkeys(targets, n)  # values in that bucket
    bits = 0
    while bits < 64:
        wanted = sorted({prefix[r] for r in targets})
        if sum(size[r] for r in {prefix[r]: r for r in targets}.values()) <= COLLECT_LIMIT:
            break
        # 16 bits first; then as many as keep the counters within COUNTERS (32 MB)
        step = 16 if bits == 0 else max(4, min(16, int(np.log2(COUNTERS / len(wanted)))))
        step = min(step, 64 - bits)
        hist = ctx.summary(side, KeyHistogram(column, bits, tuple(wanted), step, center))
        counts = hist.counts.reshape(len(wanted), 1 << step)
        row = {p: i for i, p in enumerate(wanted)}
        for r in targets:
            c = counts[row[prefix[r]]]
            cum = np.cumsum(c)
            sub = int(np.searchsorted(cum, within[r], side="right"))
            before = int(cum[sub - 1]) if sub else 0
            prefix[r] = (prefix[r] << step) | sub
            within[r] -= before
            size[r] = int(c[sub])
        bits += step
    if bits == 64:
        values = {r: from_keys(np.array([prefix[r]], dtype=np.uint64))[0] for r in targets}
    else:
        wanted = sorted({prefix[r] for r in targets})
        collected = ctx.summary(side, KeyCollect(column, bits, tuple(wanted), center)).keys
        shift = 64 - bits
        starts = {p: int(np.searchsorted(collected, np.uint64(p << shift), side="left")) for p in wanted}
        at = {r: starts[prefix[r]] + within[r] for r in targets}
        values = {r: from_keys(collected[at[r] : at[r] + 1])[0] for r in targets}
    return np.array([values[r] for r in ranks.tolist()], dtype=np.float64)


# -- bins and fences of a reference too large to hold ------------------------------------------------
def resolved(ctx: CheckContext, side: Side, need: Any) -> Any:
    """The summary of ``need``; for :class:`~mlgates.profiles.summaries.Edges` and
    :class:`~mlgates.profiles.summaries.Fences` of a column that had more values than it holds,
    the same edges, counts and fences found exactly by :func:`order_statistics` (more passes;
    computed once per check)."""
    summary = ctx.summary(side, need)  # type: ignore[arg-type]
    if not getattr(summary, "overflow", 0):
        return summary
    if isinstance(need, Edges):
        return ctx.cached(("select.edges", side, need.key), lambda: _edges(ctx, side, need))
    if isinstance(need, Fences):
        return ctx.cached(("select.fences", side, need.key), lambda: _fences(ctx, side, need))
    return summary


def _edges(ctx: CheckContext, side: Side, need: Edges) -> EdgeValues:
    stats = ctx.summary(side, Stats(need.column))  # type: ignore[arg-type]
    n = stats.n_finite
    plans: dict[tuple[Any, ...], Any] = {}
    ranks: list[int] = []
    for spec in need.specs:
        strategy, size = spec[0], int(spec[1])
        if n == 0 or (strategy != "grid" and size < 2):
            plans[spec] = None
        elif strategy == "quantile":
            pos = np.linspace(0.0, 1.0, size + 1)[1:-1] * (n - 1)
            lo = np.floor(pos).astype(np.int64)
            hi = np.minimum(lo + 1, n - 1)
            plans[spec] = (pos, lo, hi)
            ranks += lo.tolist() + hi.tolist()
        elif strategy == "uniform":
            plans[spec] = "uniform"
        else:
            pos = np.unique(np.floor(np.linspace(0.0, 1.0, size + 1) * (n - 1)).astype(np.int64))
            plans[spec] = pos
            ranks += pos.tolist()
    wanted = np.array(sorted(set(ranks)), dtype=np.int64)
    found = order_statistics(ctx, side, need.column, wanted) if wanted.size else np.empty(0)
    at = dict(zip(wanted.tolist(), found.tolist()))
    edges: dict[tuple[Any, ...], np.ndarray] = {}
    for spec, plan in plans.items():
        if plan is None:
            edges[spec] = np.empty(0)
        elif isinstance(plan, str):  # uniform: from the extremes, as numeric_edges
            e = np.unique(np.linspace(stats.min, stats.max, int(spec[1]) + 1)[1:-1])
            edges[spec] = e[e < stats.max] if e.size else e
        elif isinstance(plan, tuple):  # quantile, with numeric_edges' interpolation
            pos, lo, hi = plan
            a = np.array([at[i] for i in lo.tolist()])
            b = np.array([at[i] for i in hi.tolist()])
            e = np.unique(a + (b - a) * (pos - lo))
            edges[spec] = e[e < stats.max] if e.size else e
        else:
            edges[spec] = np.unique(np.array([at[i] for i in plan.tolist()], dtype=float))
    bins = {spec: Bins(need.column, tuple(e.tolist())) for spec, e in edges.items()}
    ctx.need(side, bins.values())  # type: ignore[arg-type]
    saved = {spec: ctx.summary(side, b) for spec, b in bins.items()}  # type: ignore[arg-type]
    return EdgeValues(need.specs, None, saved)


def _lerp(a: float, b: float, t: float) -> float:
    """numpy's linear interpolation of percentiles, to the last bit."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def _fences(ctx: CheckContext, side: Side, need: Fences) -> FenceValues:
    n = ctx.summary(side, Stats(need.column)).n_finite  # type: ignore[arg-type]
    if n == 0:
        return FenceValues(need.method, need.factor, None, (float("nan"), float("nan"), 0))
    if need.method == "iqr":
        quartiles = []
        for q in (0.25, 0.75):
            v = q * (n - 1)
            lo = int(np.floor(v))
            quartiles.append((lo, min(lo + 1, n - 1), v - lo))
        ranks = np.array(sorted({r for lo, hi, _ in quartiles for r in (lo, hi)}), dtype=np.int64)
        at = dict(zip(ranks.tolist(), order_statistics(ctx, side, need.column, ranks).tolist()))
        q1, q3 = (_lerp(at[lo], at[hi], t) for lo, hi, t in quartiles)
        iqr = q3 - q1
        fences = (float(q1 - need.factor * iqr), float(q3 + need.factor * iqr))
    else:
        mid = np.array(sorted({(n - 1) // 2, n // 2}), dtype=np.int64)
        values = order_statistics(ctx, side, need.column, mid)
        med = float(values[0]) if n % 2 else float((values[0] + values[1]) / 2.0)
        dev = order_statistics(ctx, side, need.column, mid, center=med)
        mad = float(dev[0]) if n % 2 else float((dev[0] + dev[1]) / 2.0)
        half = need.factor * mad / 0.6745
        fences = (med - half, med + half)
    return FenceValues(need.method, need.factor, None, (fences[0], fences[1], n))
