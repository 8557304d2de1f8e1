"""Fairness gates: fairlearn's disparity metrics and any per-group metric within bounds, the
four-fifths rule, and fairness non-regression against a baseline model."""

from mlgates.gates.fairness.disparate_impact import DisparateImpactGate
from mlgates.gates.fairness.gate import FairnessGate

__all__ = ["DisparateImpactGate", "FairnessGate"]
