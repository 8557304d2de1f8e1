"""The statistic bounds :func:`~mlgates.quality_suite_from_reference` learns: the mean,
standard deviation and median of numeric columns, from the reference's own intervals widened
by a margin, judged at the confidence their share of the suite's false-alarm level gives, with
``min_samples`` calibrated under the null by resampling the reference."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.gate import Gate
from mlgates.gates.quality.statistics import DEFAULT_MIN_SAMPLES, StatisticGate
from mlgates.stats.intervals import mean_interval, null_fail_rate, quantile_interval, std_interval

__all__ = ["CALIBRATION_SIZES", "StatisticBounds", "round_out"]

#: A numeric column needs at least this many finite values (and three distinct ones) in the
#: reference before its mean, standard deviation and median get bounds.
MIN_ROWS_FOR_STATISTICS = 30
#: Level of the reference's own interval that an inferred statistic bound starts from.
REFERENCE_CONFIDENCE = 0.999
#: Batch sizes at which an inferred statistic bound is calibrated, and the largest false-alarm
#: rate allowed at a size (estimated from ``NULL_RESAMPLES`` samples drawn from the reference):
#: a gate's ``min_samples`` is the smallest size (and the next one) that keeps it.
CALIBRATION_SIZES = (10, 20, 30, 50, 100, 200, 500, 1000)
MAX_FALSE_ALARM = 0.001
NULL_RESAMPLES = 1000


def _statistic_gates(columns: dict[str, np.ndarray], margin: float, level: float) -> list[Gate]:
    """Bounds on the mean, standard deviation and median of each column (finite values):
    the reference's own interval at :data:`REFERENCE_CONFIDENCE`, widened by ``margin``
    reference standard deviations (mean, median) or the factor ``1 + margin`` (std).

    Each gate judges with intervals at ``confidence = 1 - 2 * level``: a bound FAILs only when
    the whole interval lies beyond it, and the data's own statistic lies within the bounds,
    so a batch drawn like the reference FAILs a bound with probability at most ``level``
    wherever the interval holds its level. Where it does not (small batches of skewed or
    heavy-tailed columns), ``min_samples`` is calibrated under the null
    (:func:`_calibrated_size`), and a column that needs more than the largest calibration
    size is left out of that gate."""
    rng = np.random.default_rng(0)
    confidence = round(1 - 2 * level, 12)
    bounds: dict[str, dict[str, dict[str, float]]] = {"mean": {}, "std": {}, "median": {}}
    sizes: dict[str, dict[str, int]] = {"mean": {}, "std": {}, "median": {}}
    for col, x in columns.items():
        pad = margin * float(x.std(ddof=1))
        mean = mean_interval(x, REFERENCE_CONFIDENCE)
        std = std_interval(x, REFERENCE_CONFIDENCE)
        median = quantile_interval(x, 0.5, REFERENCE_CONFIDENCE)
        candidates = {
            "mean": (mean.low - pad, mean.high + pad),
            "std": (std.low / (1 + margin), std.high * (1 + margin)),
            "median": (median.low - pad, median.high + pad),
        }
        for stat, (low, high) in candidates.items():
            low, high = round_out(low, up=False), round_out(high, up=True)
            size = _calibrated_size(x, stat, low, high, confidence, rng)
            if size is not None:
                bounds[stat][col] = {"min": low, "max": high}
                if size > DEFAULT_MIN_SAMPLES:
                    sizes[stat][col] = size
    out: list[Gate] = []
    for stat, per_column in bounds.items():
        if per_column:
            kwargs: dict[str, Any] = {"min_samples": sizes[stat]} if sizes[stat] else {}
            out.append(
                StatisticGate(
                    stat,
                    bounds=per_column,
                    confidence=confidence,
                    on_insufficient="skip",
                    name=f"statistics: {stat}",
                    **kwargs,
                )
            )
    return out


def _has_statistics(x: np.ndarray) -> bool:
    """Whether a column's finite values are enough to bound its mean, std and median."""
    if x.size < MIN_ROWS_FOR_STATISTICS or pd.unique(x).size < 3:
        return False
    sd = float(x.std(ddof=1))
    return math.isfinite(sd) and sd > 0


class StatisticBounds:
    """The statistic gates, built once the suite's bounds are counted (three per column)."""

    def __init__(self, columns: dict[str, np.ndarray], margin: float) -> None:
        self.columns = {c: x for c, x in columns.items() if _has_statistics(x)}
        self.margin = margin
        self.n_bounds = 3 * len(self.columns)

    def build(self, level: float) -> list[Gate]:
        return _statistic_gates(self.columns, self.margin, level) if self.columns else []


def _calibrated_size(
    x: np.ndarray, stat: str, low: float, high: float, confidence: float, rng: np.random.Generator
) -> int | None:
    """The smallest batch size of :data:`CALIBRATION_SIZES` at which (and at the next one) the
    bound FAILs at most :data:`MAX_FALSE_ALARM` of samples drawn from the reference; None when
    no size does (heavy tails, a column that is mostly one value)."""
    rates: dict[int, float] = {}

    def rate(n: int) -> float:
        if n not in rates:
            rates[n] = null_fail_rate(
                x, stat, low, high, n, n_resamples=NULL_RESAMPLES, confidence=confidence, rng=rng
            )
        return rates[n]

    for i, n in enumerate(CALIBRATION_SIZES):
        following = CALIBRATION_SIZES[i + 1 : i + 2]
        if rate(n) <= MAX_FALSE_ALARM and all(rate(m) <= MAX_FALSE_ALARM for m in following):
            return n
    return None


def round_out(x: float, up: bool) -> float:
    if x == 0 or not math.isfinite(x):
        return float(x)
    digits = 6 - math.ceil(math.log10(abs(x)))
    scale = 10.0**digits
    return float((math.ceil if up else math.floor)(x * scale) / scale)
