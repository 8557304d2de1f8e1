"""The fairness profile: per-group confusion counts, computed per chunk and merged.

:class:`GroupConfusion` is the need of the fairness gates on a table read in chunks (files,
an iterator, a Dask or Spark DataFrame): for every group of the sensitive features, the
counts of the four cells ``[tn, fp, fn, tp]`` (the cell of a row is ``y * 2 + pred``), or,
with a baseline, the eight cells ``y * 4 + pred * 2 + baseline_pred``, as row counts and sums
of weights. Every count-based rate, its Wilson interval and its bootstrap (multinomial draws of
the cells, :func:`mlgates.stats.fairness.bootstrap_counts`) are functions of these counts, so
the gates decide from the merged summary exactly as from the rows: the counts are exact, and
the same seed draws the same replicates.

Each chunk's labels and predictions are read with the rules of the in-memory path
(:func:`mlgates.core.inputs.binary_labels`, :func:`~mlgates.core.inputs.numbers`,
:func:`~mlgates.core.inputs.group_codes`). An input error in a chunk (a missing label,
probabilities given as labels, a third class...) is kept in the summary, the one of the first
chunk in table order winning, and raised when the gate decides: that gate is ERROR with the
reason of the in-memory path, and the other gates of the pass are not affected.

Examples
--------
>>> import pandas as pd
>>> from mlgates.core.inputs import Chunk
>>> df = pd.DataFrame({"sex": ["F", "M", "F", "M"], "y": [1, 0, 1, 1], "pred": [1, 0, 0, 1]})
>>> need = GroupConfusion(("sex",), target="y", prediction="pred")
>>> a, b = need.summarize(Chunk(df.iloc[:2], 0)), need.summarize(Chunk(df.iloc[2:], 1))
>>> merged = a.merge(b)
>>> merged.counts.keys, merged.counts.rows.tolist()
((('F',), ('M',)), [[0, 0, 1, 1], [1, 0, 0, 1]])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core.errors import InputError
from mlgates.core.inputs import Chunk
from mlgates.profiles._failures import (
    ChunkColumns,
    ChunkFailure,
    FailureKept,
    KeepsFailure,
    chunk_weights,
    failure_from_state,
    first_failure,
)
from mlgates.profiles.summaries import _Need
from mlgates.stats.cells import KeyedCounts, keyed_counts_from_codes

__all__ = ["GroupConfusion", "GroupConfusionCounts"]


@dataclasses.dataclass(frozen=True, eq=False)
class GroupConfusionCounts(FailureKept):
    """The merged summary of :class:`GroupConfusion`: per-group cell counts, rows read, rows
    dropped for a missing sensitive value (``on_missing="drop"``), the sum of the weights and
    the first chunk's input error (None when every chunk was read)."""

    counts: KeyedCounts
    n_rows: int = 0
    n_dropped: int = 0
    weight_sum: float = 0.0
    failure: ChunkFailure | None = None

    def merge(self, other: GroupConfusionCounts) -> GroupConfusionCounts:
        return GroupConfusionCounts(
            self.counts.merge(other.counts),
            self.n_rows + other.n_rows,
            self.n_dropped + other.n_dropped,
            self.weight_sum + other.weight_sum,
            first_failure(self.failure, other.failure),
        )

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "counts": self.counts.to_dict(),
            "n_cells": self.counts.n_cells,
            "n_rows": self.n_rows,
            "n_dropped": self.n_dropped,
            "weight_sum": self.weight_sum,
        }
        return self._with_failure(state)


@dataclasses.dataclass(frozen=True)
class GroupConfusion(KeepsFailure[GroupConfusionCounts], _Need):
    """Per-group confusion counts of binary labels and predictions (see the module).

    Parameters
    ----------
    sensitive : tuple of str
        The sensitive feature columns (several: intersectional groups).
    target : str, optional
        The label column; None when the metric uses predictions only (labels count as 0).
    prediction : str, optional
        The predicted-label column, or the score column cut at ``decision_threshold``.
    score : str, optional
        A positive-class probability column cut at ``decision_threshold`` (instead of
        ``prediction``).
    baseline_prediction, baseline_score : str, optional
        The baseline's columns: the counts then have 8 cells (paired, same rows).
    decision_threshold : float, optional
    pos_label : optional
    sample_weight : str, optional
        A weight column.
    on_missing : {"as_group", "drop", "error"}
        The policy for a missing sensitive value (:func:`mlgates.core.inputs.group_codes`).
    """

    sensitive: tuple[str, ...]
    target: str | None = None
    prediction: str | None = None
    score: str | None = None
    baseline_prediction: str | None = None
    baseline_score: str | None = None
    decision_threshold: float | None = None
    pos_label: Any = None
    sample_weight: str | None = None
    on_missing: str = "as_group"
    kind: ClassVar[str] = "fairness.confusion"

    @property
    def paired(self) -> bool:
        return self.baseline_prediction is not None or self.baseline_score is not None

    @property
    def n_cells(self) -> int:
        return 8 if self.paired else 4

    @property
    def columns(self) -> tuple[Any, ...]:
        named = (
            *self.sensitive,
            self.target,
            self.prediction,
            self.score,
            self.baseline_prediction,
            self.baseline_score,
            self.sample_weight,
        )
        return tuple(dict.fromkeys(c for c in named if c is not None))

    def empty(self) -> GroupConfusionCounts:
        return GroupConfusionCounts(KeyedCounts.empty(self.n_cells, weighted=self.sample_weight is not None))

    def from_state(self, state: Mapping[str, Any]) -> GroupConfusionCounts:
        return GroupConfusionCounts(
            KeyedCounts.from_dict(state["counts"], int(state["n_cells"])),
            int(state["n_rows"]),
            int(state["n_dropped"]),
            float(state["weight_sum"]),
            failure_from_state(state),
        )

    def _summarize(self, chunk: Chunk) -> GroupConfusionCounts:
        frame = ChunkColumns(chunk)
        n = len(frame)
        if n == 0:
            return self.empty()
        raw_target = None if self.target is None else frame[self.target].to_numpy()
        y = (
            np.zeros(n, dtype=np.int8)
            if raw_target is None
            else inputs.binary_labels("target", raw_target, self.pos_label)
        )
        target_values = None
        if raw_target is not None:  # the target's classes, to name them in messages
            try:
                target_values = inputs.complete("target", raw_target)
            except InputError:
                target_values = None
        pred = self._predictions(frame, target_values, baseline=False)
        cells = y.astype(np.int64) * 2 + pred
        if self.paired:
            cells = cells * 2 + self._predictions(frame, target_values, baseline=True)
        w = None if self.sample_weight is None else chunk_weights(frame[self.sample_weight].to_numpy())
        codes, labels, keep, n_dropped = chunk_groups(frame, self.sensitive, self.on_missing)
        if keep is not None:
            if not keep.any():  # a chunk of rows without groups; the whole table may have some
                return dataclasses.replace(self.empty(), n_rows=n, n_dropped=n)
            cells, w = cells[keep], None if w is None else w[keep]
        counts = keyed_counts_from_codes(codes, labels, cells, self.n_cells, w)
        weight_sum = float(len(cells)) if w is None else float(w.sum())
        return GroupConfusionCounts(counts, n, n_dropped, weight_sum)

    def _predictions(self, frame: Any, target_values: Any, *, baseline: bool) -> np.ndarray:
        label_col = self.baseline_prediction if baseline else self.prediction
        score_col = self.baseline_score if baseline else self.score
        label_name = "baseline_prediction" if baseline else "prediction"
        if self.decision_threshold is None:
            assert label_col is not None
            raw = frame[label_col].to_numpy()
            return inputs.binary_labels(
                label_name, raw, self.pos_label, prediction=True, y=target_values
            ).astype(np.int64)
        name, col = (
            (("baseline_proba" if baseline else "proba"), score_col) if score_col else (label_name, label_col)
        )
        assert col is not None
        scores = inputs.numbers(name, frame[col].to_numpy())
        return (scores >= self.decision_threshold).astype(np.int64)


def chunk_groups(
    frame: Any, names: tuple[str, ...], on_missing: str
) -> tuple[np.ndarray, list[tuple[Any, ...]], np.ndarray | None, int]:
    """The groups of one chunk with the policy of :func:`mlgates.core.inputs.group_codes`
    (codes need not be sorted here: the counts' keys are put in canonical order), factorizing
    each column in its own dtype (a Categorical by its codes, Arrow strings by dictionary
    encoding) instead of as Python objects. ``keep`` is the row mask after
    ``on_missing="drop"`` (None when every row is kept)."""
    n = len(frame)
    parts: list[tuple[np.ndarray, list[Any]]] = []
    na = np.zeros(n, dtype=bool)
    for name in names:
        codes, uniques = pd.factorize(frame[name], sort=False, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        parts.append((codes, np.asarray(uniques, dtype=object).tolist()))
        na |= codes < 0
    n_missing = int(na.sum())
    if n_missing and on_missing == "error":  # the one wording of the error
        inputs.group_codes([frame[c].to_numpy() for c in names], names, on_missing)
    keep = None
    combined = np.zeros(n, dtype=np.int64)
    levels: list[list[Any]] = []
    for codes, values in parts:
        if on_missing == "as_group" and (codes < 0).any():
            codes = np.where(codes < 0, len(values), codes)
            values = [*values, None]
        combined = combined * max(len(values), 1) + np.maximum(codes, 0)
        levels.append(values)
    if on_missing == "drop" and n_missing:
        keep = ~na
        combined = combined[keep]
    found, compact = np.unique(combined, return_inverse=True)
    labels = []
    for value in found.tolist():
        label = []
        for values in reversed(levels):
            size = max(len(values), 1)
            label.append(values[value % size])
            value //= size
        labels.append(tuple(reversed(label)))
    return compact.astype(np.int64, copy=False), labels, keep, n_missing if on_missing == "drop" else 0
