"""Label-free gates: what can be said about a model before its labels arrive (performance
estimated from calibrated scores or a loss model, drift impact), and what the labels say once they
do (back-tests of those estimates, feature relevance, concept drift)."""

from __future__ import annotations

from mlgates.gates.label_free.backtest import EstimateCheckGate
from mlgates.gates.label_free.concept import ConceptDriftGate
from mlgates.gates.label_free.estimate import LabelFreePerformanceGate
from mlgates.gates.label_free.impact import DriftImpactGate
from mlgates.gates.label_free.regression_estimate import LabelFreeRegressionGate
from mlgates.gates.label_free.relevance import FeatureRelevanceGate

__all__ = [
    "ConceptDriftGate",
    "DriftImpactGate",
    "EstimateCheckGate",
    "FeatureRelevanceGate",
    "LabelFreePerformanceGate",
    "LabelFreeRegressionGate",
]
