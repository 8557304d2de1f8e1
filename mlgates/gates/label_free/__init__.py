"""Label-free gates: what can be said about a model before its labels arrive (drift impact), and
what the labels say once they do (feature relevance, concept drift)."""

from __future__ import annotations

from mlgates.gates.label_free.concept import ConceptDriftGate
from mlgates.gates.label_free.impact import DriftImpactGate
from mlgates.gates.label_free.relevance import FeatureRelevanceGate

__all__ = ["ConceptDriftGate", "DriftImpactGate", "FeatureRelevanceGate"]
