"""Drift gates: per-column two-sample comparisons (:class:`DriftGate`) and multivariate drift
(:class:`MultivariateDriftGate`). Statistics live in :mod:`mlgates.stats.drift`."""

from mlgates.gates.drift.multivariate import MultivariateDriftGate
from mlgates.gates.drift.univariate import DriftGate

__all__ = ["DriftGate", "MultivariateDriftGate"]
