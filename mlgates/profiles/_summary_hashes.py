"""The row-hash summary (:mod:`mlgates.profiles.summaries`: :class:`RowHashes`)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.inputs import Chunk
from mlgates.profiles._summary_base import _Need


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
            hashed = pd.util.hash_pandas_object(frame.map(str), index=False)
        return HashCounts((np.sort(np.asarray(hashed, dtype=np.uint64)),))

    def empty(self) -> HashCounts:
        return HashCounts(())

    def from_state(self, state: Mapping[str, Any]) -> HashCounts:
        return HashCounts((np.asarray(state["hashes"], np.uint64),))
