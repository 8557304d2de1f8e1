"""Input errors met while a chunk is summarized, carried in the summary and raised when the
gate decides (so one gate's bad input does not stop the pass of the others), and the
per-chunk form of the input rules that only the whole table can satisfy."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import numpy as np

from mlgates.core import inputs
from mlgates.core.errors import InputError
from mlgates.core.inputs import Chunk

__all__ = [
    "ChunkColumns",
    "ChunkFailure",
    "FailureKept",
    "KeepsFailure",
    "chunk_weights",
    "failure_from_state",
    "first_failure",
]

S = TypeVar("S")


@dataclasses.dataclass(frozen=True)
class ChunkFailure:
    """The input error of the first failing chunk (by its index in the table): raised again,
    as the same :class:`~mlgates.core.errors.InputError`, when the gate decides."""

    index: int
    reason: str
    message: str
    subject: str | None = None

    @classmethod
    def of(cls, index: int, exc: InputError) -> ChunkFailure:
        return cls(index, exc.reason, str(exc), exc.subject)

    def first(self, other: ChunkFailure | None) -> ChunkFailure:
        return self if other is None or (self.index, self.message) <= (other.index, other.message) else other

    def error(self) -> InputError:
        return InputError(self.message, reason=self.reason, subject=self.subject)


def first_failure(a: ChunkFailure | None, b: ChunkFailure | None) -> ChunkFailure | None:
    """The failure of the earlier chunk (associative and commutative)."""
    return b if a is None else a.first(b)


def failure_from_state(state: Mapping[str, Any]) -> ChunkFailure | None:
    """The failure a summary's ``to_state`` recorded (None when every chunk was read)."""
    failure = state.get("failure")
    return None if failure is None else ChunkFailure(**failure)


class FailureKept:
    """Mixin of a merged summary with a ``failure`` field (the first chunk's input error)."""

    failure: ChunkFailure | None

    def raise_failure(self) -> None:
        """Raise the first chunk's input error, if any."""
        if self.failure is not None:
            raise self.failure.error()

    def _with_failure(self, state: dict[str, Any]) -> dict[str, Any]:
        """``state`` with the failure added (for ``to_state``), when there is one."""
        if self.failure is not None:
            state["failure"] = dataclasses.asdict(self.failure)
        return state


class KeepsFailure(Generic[S]):
    """Mixin of a need whose ``_summarize`` may raise an InputError: ``summarize`` keeps it in
    the summary (``empty()`` with the chunk's rows and the failure) instead of raising."""

    def empty(self) -> S:
        raise NotImplementedError

    def _summarize(self, chunk: Chunk) -> S:
        raise NotImplementedError

    def summarize(self, chunk: Chunk) -> S:
        try:
            return self._summarize(chunk)
        except InputError as exc:
            return dataclasses.replace(  # type: ignore[type-var]
                self.empty(), n_rows=chunk.n_rows, failure=ChunkFailure.of(chunk.index, exc)
            )


def chunk_weights(raw: Any) -> np.ndarray:
    """``sample_weight`` of one chunk with the rule of :func:`mlgates.core.inputs.weights`,
    except the positive sum, which only the whole table must have (checked on the merged
    summary): a chunk of zero weights is fine."""
    arr = np.asarray(raw)
    if arr.dtype.kind in "biuf" and arr.ndim == 1:
        w = arr.astype(float)
        if np.isfinite(w).all() and (w >= 0).all() and not w.sum() > 0:
            return w
    return inputs.weights(raw)


class ChunkColumns:
    """The columns of a chunk by name, each converted to pandas only when read
    (``chunk.series``); a column the chunk lacks is an InputError ``missing_column``."""

    __slots__ = ("chunk",)

    def __init__(self, chunk: Any) -> None:
        self.chunk = chunk

    def __len__(self) -> int:
        return int(self.chunk.n_rows)

    def __getitem__(self, column: Any) -> Any:
        try:
            return self.chunk.series(column)
        except KeyError:
            raise InputError(
                f"current: column {column!r} not found in {self.chunk.origin or 'a chunk'}.",
                reason="missing_column",
                subject=str(column),
            ) from None
