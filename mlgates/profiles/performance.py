"""The performance profile: what the label and score metrics need, computed per chunk and merged.

==========================  ============================  =============================================
need                        summary                       what it holds
==========================  ============================  =============================================
:class:`LabelCounts`        :class:`LabelCountTable`      rows (and weights) per distinct tuple of
                                                          (target, [baseline prediction,] prediction)
                                                          values: every confusion matrix, McNemar's
                                                          discordant pairs and the bootstrap by counts
:class:`ScoreCounts`        :class:`ScoreCountTable`      per target value: a histogram of the scores
                                                          on fixed bins (ROC AUC within a stated
                                                          bound, :mod:`mlgates.stats.score_histogram`)
                                                          and the sums of the log and squared losses
==========================  ============================  =============================================

Counts are exact; sums of weights and losses are exact up to floating-point rounding. The
values are read with the rules of the in-memory path (:func:`mlgates.core.inputs.complete`,
:func:`~mlgates.core.inputs.reject_scores`, :func:`~mlgates.core.inputs.numbers`); an input
error in a chunk is kept in the summary and raised when the gate decides.

Examples
--------
>>> import pandas as pd
>>> from mlgates.core.inputs import Chunk
>>> df = pd.DataFrame({"y": [0, 1, 1, 0], "pred": [0, 1, 0, 0]})
>>> need = LabelCounts(("y", "pred"))
>>> whole = need.summarize(Chunk(df.iloc[:3], 0)).merge(need.summarize(Chunk(df.iloc[3:], 1)))
>>> whole.counts.keys, whole.counts.rows[:, 0].tolist()
(((0, 0), (1, 0), (1, 1)), [2, 1, 1])
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from mlgates.core import inputs
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
from mlgates.stats.cells import KeyedCounts, keyed_counts, plain_value, sorted_keys
from mlgates.stats.fairness import group_codes
from mlgates.stats.score_histogram import ScoreHistogram, score_histogram, uniform_edges

__all__ = [
    "DEFAULT_SCORE_BINS",
    "LabelCountTable",
    "LabelCounts",
    "ScoreCountTable",
    "ScoreCounts",
]

#: Equal-width bins over [0, 1] of the score histograms (plus two open outer bins): the ROC AUC
#: bound is at most about one bin's share of the positive-negative pairs, and 0 when no bin
#: holds two distinct scores.
DEFAULT_SCORE_BINS = 10_000

#: Per target value, the sums a :class:`ScoreCounts` keeps (weighted; ``eps``-clipped logs as in
#: :func:`sklearn.metrics.log_loss`).
_SUMS = ("weight", "neg_log_p", "neg_log_1mp", "p_sq", "one_minus_p_sq")


# -- label metrics -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class LabelCountTable(FailureKept):
    """Rows (and weights) per distinct value tuple of the :class:`LabelCounts` columns."""

    counts: KeyedCounts
    n_rows: int = 0
    weight_sum: float = 0.0
    failure: ChunkFailure | None = None

    def merge(self, other: LabelCountTable) -> LabelCountTable:
        return LabelCountTable(
            self.counts.merge(other.counts),
            self.n_rows + other.n_rows,
            self.weight_sum + other.weight_sum,
            first_failure(self.failure, other.failure),
        )

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "counts": self.counts.to_dict(),
            "n_rows": self.n_rows,
            "weight_sum": self.weight_sum,
        }
        return self._with_failure(state)


@dataclasses.dataclass(frozen=True)
class LabelCounts(KeepsFailure[LabelCountTable], _Need):
    """Count rows by their ``(target, [baseline prediction,] prediction)`` values.

    ``label_columns[0]`` is the target; the others are predicted-label columns (checked as
    predictions: complete, and not probabilities). ``names`` are the input names used in
    messages (``("target", "prediction")`` by default).
    """

    label_columns: tuple[str, ...]
    names: tuple[str, ...] = ("target", "baseline_prediction", "prediction")
    sample_weight: str | None = None
    side: str = "current"
    kind: ClassVar[str] = "performance.labels"

    @property
    def columns(self) -> tuple[Any, ...]:
        named = (*self.label_columns, self.sample_weight)
        return tuple(dict.fromkeys(c for c in named if c is not None))

    def _names(self) -> tuple[str, ...]:
        if len(self.label_columns) == 2:
            return ("target", self.names[-1])
        return self.names[: len(self.label_columns)]

    def empty(self) -> LabelCountTable:
        return LabelCountTable(KeyedCounts.empty(1, weighted=self.sample_weight is not None))

    def from_state(self, state: Mapping[str, Any]) -> LabelCountTable:
        return LabelCountTable(
            KeyedCounts.from_dict(state["counts"], 1),
            int(state["n_rows"]),
            float(state["weight_sum"]),
            failure_from_state(state),
        )

    def _summarize(self, chunk: Chunk) -> LabelCountTable:
        frame = ChunkColumns(chunk)
        if len(frame) == 0:
            return self.empty()
        names = self._names()
        y = inputs.complete(names[0], frame[self.label_columns[0]].to_numpy())
        values = [y]
        for name, col in zip(names[1:], self.label_columns[1:]):
            pred = inputs.complete(name, frame[col].to_numpy())
            inputs.reject_scores(name, pred, y)
            values.append(pred)
        w = None if self.sample_weight is None else chunk_weights(frame[self.sample_weight].to_numpy())
        counts = keyed_counts(values, np.zeros(len(frame), dtype=np.int64), 1, w)
        return LabelCountTable(counts, len(frame), float(len(frame)) if w is None else float(w.sum()))


# -- score metrics -------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class ScoreCountTable(FailureKept):
    """Per target value (``labels``): score histogram counts on the need's edges (rows and
    weights), each bin's smallest and largest score, and the loss sums of :data:`_SUMS`."""

    edges: np.ndarray
    labels: tuple[Any, ...] = ()
    rows: np.ndarray | None = None  # (n_labels, n_bins) int
    weights: np.ndarray | None = None  # (n_labels, n_bins)
    low: np.ndarray | None = None  # (n_labels, n_bins)
    high: np.ndarray | None = None
    sums: np.ndarray | None = None  # (n_labels, len(_SUMS))
    score_min: float = math.inf
    score_max: float = -math.inf
    n_rows: int = 0
    failure: ChunkFailure | None = None

    def _aligned(self, labels: tuple[Any, ...]) -> tuple[np.ndarray, ...]:
        m = len(self.edges) + 1
        k = len(labels)
        rows, weights = np.zeros((k, m), dtype=np.int64), np.zeros((k, m))
        low, high = np.full((k, m), np.inf), np.full((k, m), -np.inf)
        sums = np.zeros((k, len(_SUMS)))
        if self.labels:
            assert self.rows is not None and self.weights is not None and self.sums is not None
            assert self.low is not None and self.high is not None
            pos = [labels.index(lab) for lab in self.labels]
            rows[pos], weights[pos], low[pos], high[pos], sums[pos] = (
                self.rows,
                self.weights,
                self.low,
                self.high,
                self.sums,
            )
        return rows, weights, low, high, sums

    def merge(self, other: ScoreCountTable) -> ScoreCountTable:
        if not np.array_equal(self.edges, other.edges):
            raise ValueError("cannot merge score counts on different edges")
        labels = tuple(k[0] for k in sorted_keys((v,) for v in set(self.labels) | set(other.labels)))
        a, b = self._aligned(labels), other._aligned(labels)
        return ScoreCountTable(
            self.edges,
            labels,
            a[0] + b[0],
            a[1] + b[1],
            np.minimum(a[2], b[2]),
            np.maximum(a[3], b[3]),
            a[4] + b[4],
            min(self.score_min, other.score_min),
            max(self.score_max, other.score_max),
            self.n_rows + other.n_rows,
            first_failure(self.failure, other.failure),
        )

    def label_rows(self) -> dict[Any, int]:
        """Rows per target value."""
        if self.rows is None:
            return {}
        return {lab: int(r) for lab, r in zip(self.labels, self.rows.sum(axis=1))}

    def histogram(self, positive: Any) -> ScoreHistogram:
        """The score histogram with ``positive`` as the positive class, every other value
        negative."""
        rows, weights, low, high, _ = self._aligned(self.labels)
        is_pos = np.array([lab == positive for lab in self.labels], dtype=bool)
        return ScoreHistogram(
            self.edges,
            rows[~is_pos].sum(axis=0),
            rows[is_pos].sum(axis=0),
            weights[~is_pos].sum(axis=0),
            weights[is_pos].sum(axis=0),
            low.min(axis=0, initial=np.inf),
            high.max(axis=0, initial=-np.inf),
        )

    def loss(self, base: str, positive: Any) -> float:
        """Weighted mean log loss or Brier score of the scores as the positive class's
        probability (NaN without rows)."""
        _, _, _, _, sums = self._aligned(self.labels)
        is_pos = np.array([lab == positive for lab in self.labels], dtype=bool)
        total = sums[:, 0].sum()
        if not total > 0:
            return math.nan
        if base == "log_loss":
            value = sums[is_pos, 1].sum() + sums[~is_pos, 2].sum()
        else:  # brier_score_loss: (p - 1)^2 for positives, p^2 for negatives
            value = sums[is_pos, 4].sum() + sums[~is_pos, 3].sum()
        return float(value / total)

    def to_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "edges": self.edges.tolist(),
            "labels": list(self.labels),
            "score_min": self.score_min,
            "score_max": self.score_max,
            "n_rows": self.n_rows,
        }
        for name in ("rows", "weights", "low", "high", "sums"):
            value = getattr(self, name)
            state[name] = None if value is None else value.tolist()
        return self._with_failure(state)


@dataclasses.dataclass(frozen=True)
class ScoreCounts(KeepsFailure[ScoreCountTable], _Need):
    """Per target value, a histogram of ``score`` on ``n_bins`` equal-width bins over [0, 1]
    (plus open outer bins for scores outside) and the log / squared loss sums."""

    target: str
    score: str
    sample_weight: str | None = None
    n_bins: int = DEFAULT_SCORE_BINS
    score_name: str = "proba"
    kind: ClassVar[str] = "performance.scores"

    @property
    def columns(self) -> tuple[Any, ...]:
        named = (self.target, self.score, self.sample_weight)
        return tuple(dict.fromkeys(c for c in named if c is not None))

    @property
    def edges(self) -> np.ndarray:
        return uniform_edges(self.n_bins)

    def empty(self) -> ScoreCountTable:
        return ScoreCountTable(self.edges)

    def from_state(self, state: Mapping[str, Any]) -> ScoreCountTable:
        def arr(name: str, dtype: Any) -> np.ndarray | None:
            value = state.get(name)
            return None if value is None else np.asarray(value, dtype=dtype)

        return ScoreCountTable(
            np.asarray(state["edges"], dtype=float),
            tuple(state["labels"]),
            arr("rows", np.int64),
            arr("weights", float),
            arr("low", float),
            arr("high", float),
            arr("sums", float),
            float(state["score_min"]),
            float(state["score_max"]),
            int(state["n_rows"]),
            failure_from_state(state),
        )

    def _summarize(self, chunk: Chunk) -> ScoreCountTable:
        frame = ChunkColumns(chunk)
        if len(frame) == 0:
            return self.empty()
        y = inputs.complete("target", frame[self.target].to_numpy())
        p = inputs.numbers(self.score_name, frame[self.score].to_numpy())
        w = (
            np.ones(len(p))
            if self.sample_weight is None
            else chunk_weights(frame[self.sample_weight].to_numpy())
        )
        code, found = group_codes([y])
        keys = sorted_keys((plain_value(v[0]),) for v in found)
        labels = tuple(key[0] for key in keys)
        remap = np.array([labels.index(plain_value(v[0])) for v in found], dtype=np.int64)
        code = remap[code]
        edges = self.edges
        m = len(edges) + 1
        k = len(labels)
        rows = np.zeros((k, m), dtype=np.int64)
        weights = np.zeros((k, m))
        low, high = np.full((k, m), np.inf), np.full((k, m), -np.inf)
        sums = np.zeros((k, len(_SUMS)))
        eps = np.finfo(np.float64).eps
        clipped = np.clip(p, eps, 1 - eps)
        for j in range(k):
            sel = code == j
            h = score_histogram(np.zeros(int(sel.sum()), dtype=np.int8), p[sel], edges, w[sel])
            rows[j], weights[j], low[j], high[j] = h.negative_rows, h.negatives, h.low, h.high
            wj, pj, cj = w[sel], p[sel], clipped[sel]
            sums[j] = [
                wj.sum(),
                np.dot(wj, -np.log(cj)),
                np.dot(wj, -np.log1p(-cj)),
                np.dot(wj, pj * pj),
                np.dot(wj, (1 - pj) ** 2),
            ]
        return ScoreCountTable(
            edges, labels, rows, weights, low, high, sums, float(p.min()), float(p.max()), len(frame)
        )
