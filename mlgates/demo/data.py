"""The demo's data: UCI Adult split into a reference and a shifted current sample, and two
models (a champion and a challenger) trained on the reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlgates.datasets import load_adult

TARGET = "income"
SENSITIVE = ("sex", "race")
SEED = 20261126


@dataclass(frozen=True)
class DemoData:
    """Everything the demo sections check."""

    reference: pd.DataFrame
    current: pd.DataFrame
    model: Any
    baseline_model: Any

    def inputs(self) -> dict[str, Any]:
        """The keyword inputs of ``suite.check()`` for the whole demo."""
        return {
            "reference": self.reference,
            "current": self.current,
            "target": TARGET,
            "model": self.model,
            "baseline_model": self.baseline_model,
            "sensitive_features": ["sex"],
        }


def split_adult(seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reference: a random 60% of Adult. Current: the other 40%, resampled so that older
    people are over-represented (selection weight rises with age), a real covariate shift
    built from real rows."""
    frame = load_adult()
    rng = np.random.default_rng(seed)
    in_ref = rng.random(len(frame)) < 0.6
    reference = frame[in_ref].reset_index(drop=True)
    rest = frame[~in_ref].reset_index(drop=True)
    weights = np.clip(rest["age"].to_numpy(dtype=float) - 17.0, 1.0, None) ** 1.5
    pick = rng.choice(len(rest), size=len(rest) // 2, replace=False, p=weights / weights.sum())
    current = rest.iloc[np.sort(pick)].reset_index(drop=True)
    return reference, current


def _pipeline(estimator: Any, frame: pd.DataFrame) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = frame.drop(columns=[TARGET])
    numeric = [c for c in features.columns if pd.api.types.is_numeric_dtype(features[c])]
    categorical = [c for c in features.columns if c not in numeric]
    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), numeric),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(handle_unknown="ignore", min_frequency=20, sparse_output=False),
                ),
                categorical,
            ),
        ]
    )
    return make_pipeline(prep, estimator)


def build_demo_data(seed: int = SEED) -> DemoData:
    """Split the data and train the champion (logistic regression) and the challenger
    (gradient boosting) on the reference."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    reference, current = split_adult(seed)
    x, y = reference.drop(columns=[TARGET]), reference[TARGET]
    champion = _pipeline(LogisticRegression(max_iter=1000), reference).fit(x, y)
    challenger = _pipeline(HistGradientBoostingClassifier(random_state=seed), reference).fit(x, y)
    return DemoData(reference, current, model=challenger, baseline_model=champion)
