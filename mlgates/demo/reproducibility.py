"""Demo section: reproducibility (fingerprints, a lock file, a determinism check)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from mlgates.core.suite import Suite
from mlgates.demo.data import SEED, TARGET, DemoData
from mlgates.fingerprints.manifest import Manifest
from mlgates.gates.reproducibility import DeterminismGate, ReproducibilityGate


def _trainer(data: DemoData, n: int = 5000) -> Any:
    """A training function: a random forest (bootstrap samples and feature draws come from
    the seed) on the numeric columns of a fixed sample of the reference. Single-threaded, so
    the demo's timing does not depend on how busy the machine is."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline

    sample = data.reference.sample(n=min(n, len(data.reference)), random_state=SEED)
    x, y = sample.drop(columns=[TARGET]), sample[TARGET]
    numeric = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])]

    def train(seed: int) -> Any:
        model = make_pipeline(
            ColumnTransformer([("num", "passthrough", numeric)]),
            RandomForestClassifier(n_estimators=20, max_depth=8, n_jobs=1, random_state=seed),
        )
        return model.fit(x, y)

    return train


def section(data: DemoData) -> Suite:
    """Lock the reference, current and model fingerprints (plus the environment) in a
    temporary lock file, then check the run against it; and retrain twice with one seed."""
    lock = Path(tempfile.mkdtemp(prefix="mlgates-demo-")) / "mlgates.lock.json"
    Manifest.capture(
        artifacts={"reference": data.reference, "current": data.current, "model": data.model},
        seeds={"split": SEED},
    ).save(lock)
    return Suite(
        [
            ReproducibilityGate(
                lockfile=str(lock), compare_to=("data", "model", "environment"), name="matches lock"
            ),
            DeterminismGate(
                train_fn=_trainer(data), n_runs=2, random_state=SEED, name="deterministic training"
            ),
        ],
        name="reproducibility",
    )
