"""Permutation importances summarised over resamples: is a feature's importance above zero, and
did it change between two samples?

The input is, per feature, the importances measured on ``R`` bootstrap resamples of the rows
(each with its own permutation). The spread of those values is the bootstrap estimate of the
sampling error of one importance measured on the full sample, rows and permutation noise
together; the reported value is their mean, whose own error is smaller, so the tests below
(which use the spread as the standard error) are conservative.

- :func:`importance_summary`: mean, standard error, a normal interval, and the one-sided
  p-value of "the importance is at most zero" (the feature does not help the model).
- :func:`importance_change`: the difference current minus reference, its standard error
  ``sqrt(se_c^2 + se_r^2)`` (independent samples), a normal interval and the two-sided p-value.

A spread of exactly zero (a feature the model never reads gives the same score whatever its
values) is handled without dividing by it: an importance of exactly zero is "not above zero"
(p-value 1), a positive one with no spread is above zero (p-value 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["ImportanceChange", "ImportanceSummary", "importance_change", "importance_summary"]


@dataclass(frozen=True)
class ImportanceSummary:
    mean: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float  # one-sided, H0: importance <= 0
    n_resamples: int


@dataclass(frozen=True)
class ImportanceChange:
    difference: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float  # two-sided, H0: no change


def _z(confidence: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def _moments(samples: np.ndarray) -> tuple[float, float]:
    s = np.asarray(samples, dtype=np.float64)
    if s.ndim != 1 or s.size < 2 or not np.isfinite(s).all():
        raise ValueError("need at least two finite importance values per feature")
    return float(s.mean()), float(s.std(ddof=1))


def importance_summary(samples: np.ndarray, *, confidence: float = 0.95) -> ImportanceSummary:
    """Summary of one feature's resampled importances.

    Examples
    --------
    >>> s = importance_summary(np.array([0.10, 0.12, 0.08, 0.11]))
    >>> round(s.mean, 4), s.pvalue < 0.001
    (0.1025, True)
    >>> importance_summary(np.zeros(5)).pvalue
    1.0
    """
    from scipy import stats

    mean, se = _moments(samples)
    if se <= 0.0 or not math.isfinite(se):
        pvalue = 0.0 if mean > 0 else 1.0
    else:
        pvalue = float(stats.norm.sf(mean / se))
    half = _z(confidence) * se
    return ImportanceSummary(mean, se, mean - half, mean + half, pvalue, int(np.size(samples)))


def importance_change(
    current: np.ndarray, reference: np.ndarray, *, confidence: float = 0.95
) -> ImportanceChange:
    """Current minus reference importance of one feature, with a two-sided normal test.

    Examples
    --------
    >>> c = importance_change(np.array([0.30, 0.32, 0.29]), np.array([0.10, 0.12, 0.09]))
    >>> round(c.difference, 3), c.pvalue < 0.001
    (0.2, True)
    >>> importance_change(np.zeros(3), np.zeros(3)).pvalue
    1.0
    """
    from scipy import stats

    m_c, s_c = _moments(current)
    m_r, s_r = _moments(reference)
    diff = m_c - m_r
    se = math.hypot(s_c, s_r)
    if se <= 0.0:
        pvalue = 1.0 if diff == 0 else 0.0
    else:
        pvalue = float(2.0 * stats.norm.sf(abs(diff) / se))
    half = _z(confidence) * se
    return ImportanceChange(diff, se, diff - half, diff + half, min(1.0, pvalue))
