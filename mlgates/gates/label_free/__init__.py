"""Label-free gates: performance estimated before the labels arrive, and back-tests of those
estimates once they do."""

from __future__ import annotations

from mlgates.gates.label_free.backtest import EstimateCheckGate
from mlgates.gates.label_free.estimate import LabelFreePerformanceGate
from mlgates.gates.label_free.regression_estimate import LabelFreeRegressionGate

__all__ = [
    "EstimateCheckGate",
    "LabelFreePerformanceGate",
    "LabelFreeRegressionGate",
]
