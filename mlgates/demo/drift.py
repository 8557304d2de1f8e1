"""Demo section: drift between the reference and the current sample.

The demo's current sample was drawn with a selection weight that rises with age, so ``age``
drifts, and so do columns that go with age (marital status, relationship). That drift is the
point of the demo, not a defect to block on: the drift gates here are non-blocking (a FAIL
shows as WARN), so the demo's exit code stays about the model and the data's validity.
"""

from __future__ import annotations

from mlgates.core.suite import Suite
from mlgates.demo.data import DemoData
from mlgates.gates.drift import DriftGate, MultivariateDriftGate


def section(data: DemoData) -> Suite:
    """Per-column drift (Evidently's default method rule: with about 20,000 reference rows it picks
    normed Wasserstein and Jensen-Shannon distances), target and prediction drift, and a domain
    classifier over all features."""
    return Suite(
        [
            DriftGate(name="feature_drift", blocking=False),
            DriftGate(columns=["target", "prediction"], name="target_prediction_drift", blocking=False),
            MultivariateDriftGate(cv=3, subsample=10_000, name="multivariate_drift", blocking=False),
        ],
        name="drift",
    )
