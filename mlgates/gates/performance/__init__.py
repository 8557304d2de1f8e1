"""Performance gates: metric floors, champion vs challenger regression with paired tests
(McNemar, bootstrap, DeLong), beating a dummy baseline, and calibration."""

from __future__ import annotations

from mlgates.gates.performance.baselines import BeatsBaselineGate
from mlgates.gates.performance.calibration import CalibrationGate
from mlgates.gates.performance.regression import PerformanceGate

__all__ = ["BeatsBaselineGate", "CalibrationGate", "PerformanceGate"]
