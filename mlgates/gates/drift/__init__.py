"""Drift gates: per-column two-sample comparisons (:class:`DriftGate`), multivariate drift
(:class:`MultivariateDriftGate`), free-text columns (:class:`TextDriftGate`) and embeddings
(:class:`EmbeddingDriftGate`). Statistics live in :mod:`mlgates.stats.drift` and
:mod:`mlgates.stats.embedding`."""

from mlgates.gates.drift.embedding import EmbeddingDriftGate
from mlgates.gates.drift.multivariate import MultivariateDriftGate
from mlgates.gates.drift.text import TextDriftGate
from mlgates.gates.drift.univariate import DriftGate

__all__ = ["DriftGate", "EmbeddingDriftGate", "MultivariateDriftGate", "TextDriftGate"]
