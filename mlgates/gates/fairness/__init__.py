"""Fairness gates: fairlearn's disparity metrics and any per-group metric within bounds, the
four-fifths rule, fairness non-regression against a baseline model, and features that act as
proxies of a sensitive attribute."""

from mlgates.gates.fairness.disparate_impact import DisparateImpactGate
from mlgates.gates.fairness.gate import FairnessGate
from mlgates.gates.fairness.proxy import ProxyGate

__all__ = ["DisparateImpactGate", "FairnessGate", "ProxyGate"]
