"""Demo section: security audits. The challenger model is saved as a compressed joblib file and
scanned without loading it (every global on the 'sklearn' allowlist preset); the current table
is searched for personal data and credentials (values are masked in every report)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mlgates.core.suite import Suite
from mlgates.demo.data import DemoData
from mlgates.gates.security import ArtifactSafetyGate, SecretsGate, SensitiveDataGate


def section(data: DemoData) -> Suite:
    """Personal data and credentials in ``current``; the saved model file's safety."""
    import joblib

    folder = Path(tempfile.mkdtemp(prefix="mlgates-demo-"))
    joblib.dump(data.model, folder / "model.joblib", compress=("gzip", 3))
    return Suite(
        [
            SensitiveDataGate(name="personal data"),
            SecretsGate(name="credentials"),
            ArtifactSafetyGate(paths=[str(folder)], name="model file"),
        ],
        name="security",
    )
