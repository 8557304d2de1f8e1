"""The value-type summary of an object column
(:mod:`mlgates.profiles.summaries`: :class:`Types`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from mlgates.core.inputs import Chunk
from mlgates.profiles._summary_base import _Need


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
