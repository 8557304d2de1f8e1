"""Shared fixtures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

# Property tests judge correctness, not speed: no per-example deadline, so a busy 2-core CI
# machine cannot turn a slow example into a failure.
settings.register_profile("mlgates", deadline=None)
settings.load_profile("mlgates")


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 100
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "income": rng.normal(50_000, 10_000, n),
            "city": rng.choice(["paris", "lyon", "nice"], n),
        }
    )
