"""Synthetic time-stamped streams for the monitoring tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def fourteen_days(*, shift_from: int = 8, rows_per_day: int = 400, seed: int = 0, tz: str | None = None):
    """A reference and 14 daily batches of ``x``; from day ``shift_from`` on, ``x`` moves by one
    standard deviation. Rows are spread over each day."""
    rng = np.random.default_rng(seed)
    reference = pd.DataFrame({"x": rng.normal(size=4000), "c": rng.choice(list("abc"), 4000)})
    frames = []
    for day in range(1, 15):
        start = pd.Timestamp(2024, 3, day)
        if tz is not None:
            start = start.tz_localize(tz)
        offsets = pd.to_timedelta(np.sort(rng.uniform(0, 86_399, rows_per_day)), unit="s")
        mean = 1.0 if day >= shift_from else 0.0
        frames.append(
            pd.DataFrame(
                {
                    "t": start + offsets,
                    "x": rng.normal(mean, 1, rows_per_day),
                    "c": rng.choice(list("abc"), rows_per_day),
                }
            )
        )
    return reference, pd.concat(frames, ignore_index=True)
