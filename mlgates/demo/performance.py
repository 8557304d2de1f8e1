"""Demo section: performance. The challenger (gradient boosting, ``model``) against the
champion (logistic regression, ``baseline_model``) on the current sample, plus a floor, a
dummy-baseline check and calibration."""

from __future__ import annotations

from mlgates.core.suite import Suite
from mlgates.demo.data import DemoData
from mlgates.gates.performance import BeatsBaselineGate, CalibrationGate, PerformanceGate


def section(data: DemoData) -> Suite:
    """Accuracy floor of 0.80; challenger not worse than the champion by more than one point of
    accuracy (McNemar) or of ROC AUC (DeLong), also within each sex and relationship status;
    better than predicting the majority class; ECE within 0.05."""
    return Suite(
        [
            PerformanceGate("accuracy", min_value=0.80, name="accuracy_floor"),
            PerformanceGate(
                "accuracy", test="mcnemar", max_drop=0.01, name="challenger_vs_champion_accuracy"
            ),
            PerformanceGate(
                "roc_auc",
                test="delong",
                max_drop=0.01,
                segments=["sex", "relationship"],
                name="challenger_vs_champion_auc",
            ),
            BeatsBaselineGate(metric="balanced_accuracy", min_improvement=0.1, name="beats_dummy"),
            CalibrationGate(max_ece=0.05, name="calibration"),
        ],
        name="performance",
    )
