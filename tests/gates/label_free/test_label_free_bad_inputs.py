"""The bad-input matrix's tables through the label-free gates that need a model.

The matrix (tests/test_bad_inputs_matrix.py) passes no model, so DriftImpactGate and
FeatureRelevanceGate are ERROR/missing_input there for every case. Here they get a model that
reads the case's awkward column ``bad`` next to ``x`` (and ignores ``bad``'s values, as a
pipeline that drops it would): nothing raises, nothing unjudgeable passes, every verdict
renders, the inputs stay unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_bad_inputs_matrix import (
    CASES,
    NOTHING_TO_JUDGE,
    UNSUPPORTED,
    _assert_unchanged,
    _snapshot,
    assert_renders,
)

from mlgates import DriftImpactGate, FeatureRelevanceGate, ParameterError, Status, Verdict


class _ReadsX:
    """Scores from column ``x``; records ``x`` and ``bad`` (when present) as its features."""

    def __init__(self, frame: pd.DataFrame) -> None:
        cols = [c for c in ("x", "bad") if c in frame.columns]
        self.feature_names_in_ = np.array(cols, dtype=object)

    def __eq__(self, other: object) -> bool:  # the snapshot comparison of the inputs
        return isinstance(other, _ReadsX) and list(other.feature_names_in_) == list(self.feature_names_in_)

    __hash__ = None  # type: ignore[assignment]

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        x = pd.to_numeric(frame["x"], errors="coerce").to_numpy(dtype=float)
        if np.isnan(x).any():
            raise ValueError("Input X contains NaN.")
        p = 1 / (1 + np.exp(-x))
        return np.c_[1 - p, p]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(frame)[:, 1] >= 0.5).astype(int)


GATES = {
    "DriftImpactGate": lambda: DriftImpactGate(only_drifted=False, n_resamples=2, min_samples=5),
    "FeatureRelevanceGate": lambda: FeatureRelevanceGate(n_resamples=2, min_samples=5),
}
# Cases without one column named x (non-string or duplicated names) have nothing for the model
# to read: the matrix in tests/test_bad_inputs_matrix.py covers them without a model.
MATRIX = [
    (case, gate)
    for case, (frame, _) in CASES.items()
    if "x" in frame.columns and isinstance(frame["x"], pd.Series)
    for gate in GATES
]


@pytest.mark.parametrize(("case", "gate_name"), MATRIX, ids=[f"{c}-{g}" for c, g in MATRIX])
def test_label_free_gates_with_a_model_on_bad_inputs(case, gate_name):
    frame, extra = CASES[case]
    inputs: dict[str, Any] = {
        "reference": frame,
        "current": frame,
        "target": "y",
        **extra,
        "model": _ReadsX(frame),
    }
    snapshot = _snapshot(inputs)
    try:
        verdict = GATES[gate_name]().check(**inputs)
    except ParameterError as exc:
        assert any(repr(c) in str(exc) for c in frame.columns), str(exc)
        return
    _assert_unchanged(inputs, snapshot)
    assert isinstance(verdict, Verdict)
    assert_renders(verdict)
    if verdict.status is not Status.PASS:
        assert verdict.reason, verdict.to_text()
    if case in NOTHING_TO_JUDGE:
        assert verdict.status is not Status.PASS, verdict.to_text()
    if case in UNSUPPORTED:
        bad = [f for f in verdict.findings if f.subject == "bad"]
        assert all(f.status is not Status.PASS or f.method == "permutation_importance" for f in bad), bad
        if gate_name == "DriftImpactGate":
            assert bad and all(f.reason == "unsupported_dtype" for f in bad), verdict.to_text()
    if case in ("labels_inf", "labels_all_missing", "target_2d") and gate_name == "FeatureRelevanceGate":
        assert verdict.status is Status.ERROR, verdict.to_text()
