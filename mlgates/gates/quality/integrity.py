"""Label and split integrity: ConflictingLabelsGate, TrainTestLeakageGate, FeatureLeakageGate."""

from __future__ import annotations

from mlgates.gates.quality.conflicting_labels import ConflictingLabelsGate
from mlgates.gates.quality.feature_leakage import NAME_EVIDENCE_SCORE, FeatureLeakageGate  # noqa: F401
from mlgates.gates.quality.train_test_leakage import TrainTestLeakageGate

__all__ = ["ConflictingLabelsGate", "FeatureLeakageGate", "TrainTestLeakageGate"]
