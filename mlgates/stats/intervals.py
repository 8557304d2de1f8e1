"""Interval estimates of column statistics: mean, standard deviation, quantiles, a share, and
the difference of two independent estimates. Arrays in, an :class:`Estimate` out; the decisions
live in :class:`mlgates.StatisticGate`.

Methods (each interval is two-sided at level ``confidence``):

- mean: Student's t interval, ``mean ± t(1 - a/2, n - 1) · s / sqrt(n)``;
- standard deviation: Bonett's (2006) interval, which uses the sample kurtosis and so stays
  close to its level for non-normal data (the chi-square interval does not);
- quantile (and median): the distribution-free interval between two order statistics
  ``[x(l), x(u)]`` whose ranks come from the binomial distribution of the number of values
  below the quantile; its level is at least ``confidence`` for any continuous distribution
  (an end that no rank reaches is infinite: too few values);
- share: Wilson's score interval;
- difference of two independent estimates: the MOVER interval of Zou and Donner (2008), which
  recovers each side's variance from its own interval (with Wilson intervals it is Newcombe's
  hybrid score interval).

References: D. G. Bonett, "Approximate confidence interval for standard deviation of nonnormal
distributions", Computational Statistics & Data Analysis 50 (2006) 775-782; G. Y. Zou and A.
Donner, "Construction of confidence limits about effect measures: a general approach",
Statistics in Medicine 27 (2008) 1693-1702; E. B. Wilson, "Probable inference, the law of
succession, and statistical inference", JASA 22 (1927) 209-212.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Estimate",
    "difference_interval",
    "mean_interval",
    "mean_intervals",
    "null_fail_rate",
    "proportion_interval",
    "quantile_interval",
    "quantile_intervals",
    "std_interval",
    "std_intervals",
]


@dataclass(frozen=True, slots=True)
class Estimate:
    """A statistic and its interval: ``low <= value <= high`` (ends may be infinite, or NaN
    when undefined), from ``n`` values by ``method``."""

    value: float
    low: float
    high: float
    n: int
    method: str


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> Estimate:
    """The mean of ``values`` with Student's t interval.

    Examples
    --------
    >>> e = mean_interval(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> e.value, round(e.low, 4), round(e.high, 4)
    (2.5, 0.4457, 4.5543)
    """
    from scipy.stats import t

    x = np.asarray(values, dtype="float64")
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "t")
    with np.errstate(invalid="ignore", over="ignore"):  # infinite values: NaN spread
        mean = float(x.mean())
        if n < 2:
            return Estimate(mean, -math.inf, math.inf, n, "t")
        half = float(t.ppf(0.5 + confidence / 2, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n, "t")


def std_interval(values: np.ndarray, confidence: float = 0.95) -> Estimate:
    """The sample standard deviation (``ddof=1``) with Bonett's (2006) interval:
    ``exp(ln(c s²) ± z · se)`` for the variance, with ``c = n / (n - z)``,
    ``se = c · sqrt((k - (n - 3) / n) / (n - 1))`` and the kurtosis estimate
    ``k = n · Σ(x - m)⁴ / (Σ(x - mean)²)²``, ``m`` the mean trimmed by ``1 / (2 sqrt(n - 4))``
    at each end. Needs at least 5 values (else the interval is ``[0, inf]``).

    Examples
    --------
    >>> e = std_interval(np.arange(1.0, 21.0))
    >>> round(e.value, 4), round(e.low, 3), round(e.high, 3)
    (5.9161, 4.889, 7.936)
    """
    x = np.asarray(values, dtype="float64")
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "bonett")
    if n < 2:
        return Estimate(math.nan, 0.0, math.inf, n, "bonett")
    with np.errstate(invalid="ignore", over="ignore"):  # infinite values: NaN spread
        s2 = float(x.var(ddof=1))
    if not math.isfinite(s2):
        return Estimate(s2, math.nan, math.nan, n, "bonett")
    if n < 5:
        return Estimate(math.sqrt(s2), 0.0, math.inf, n, "bonett")
    value, low, high = std_intervals(x[None, :], confidence)
    return Estimate(float(value[0]), float(low[0]), float(high[0]), n, "bonett")


def _order_ranks(n: int, q: float, confidence: float) -> tuple[int, int]:
    """1-based ranks ``(l, u)`` with ``P(l <= B <= u - 1) >= confidence`` for
    ``B ~ Binomial(n, q)``, each tail at most ``(1 - confidence) / 2``; ``l = 0`` or
    ``u = n + 1`` when no rank reaches that far."""
    from scipy.stats import binom

    tail = (1 - confidence) / 2
    # l - 1 = the largest k with P(B <= k) <= tail
    k = int(binom.ppf(tail, n, q))
    while k >= 0 and binom.cdf(k, n, q) > tail:
        k -= 1
    low = k + 1
    # u - 1 = the smallest k with P(B <= k) >= 1 - tail
    k = int(binom.ppf(1 - tail, n, q))
    while k > 0 and binom.cdf(k - 1, n, q) >= 1 - tail:
        k -= 1
    high = k + 1
    return low, high


def quantile_interval(values: np.ndarray, q: float, confidence: float = 0.95) -> Estimate:
    """The ``q`` quantile of ``values`` (numpy's linear interpolation; the median for
    ``q = 0.5``) with the distribution-free order-statistic interval.

    Examples
    --------
    >>> e = quantile_interval(np.arange(1.0, 101.0), 0.5)
    >>> e.value, e.low, e.high
    (50.5, 40.0, 61.0)
    """
    x = np.asarray(values, dtype="float64")
    n = int(x.size)
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "order_statistics")
    value, low, high = quantile_intervals(x[None, :], q, confidence)
    return Estimate(float(value[0]), float(low[0]), float(high[0]), n, "order_statistics")


def proportion_interval(count: int, n: int, confidence: float = 0.95) -> Estimate:
    """The share ``count / n`` with Wilson's score interval.

    Examples
    --------
    >>> e = proportion_interval(12, 40)
    >>> e.value, round(e.low, 4), round(e.high, 4)
    (0.3, 0.1806, 0.4542)
    """
    if n <= 0:
        return Estimate(math.nan, math.nan, math.nan, 0, "wilson")
    z = _z(confidence)
    p = count / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n, "wilson")


def difference_interval(a: Estimate, b: Estimate) -> tuple[float, float, float]:
    """``a.value - b.value`` and its MOVER interval (Zou and Donner, 2008) from the two
    independent estimates' own intervals at the same level.

    Examples
    --------
    >>> d, lo, hi = difference_interval(proportion_interval(30, 100), proportion_interval(20, 100))
    >>> round(d, 2), round(lo, 4), round(hi, 4)
    (0.1, -0.0202, 0.2167)
    """
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = d + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return d, low, high


# -- many samples at once (rows of a 2-d array): the same intervals, vectorised ---------------------
def mean_intervals(
    samples: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`mean_interval` of each row of ``samples`` (``(k, n)``, ``n >= 2``):
    ``(values, lows, highs)``.

    Examples
    --------
    >>> v, lo, hi = mean_intervals(np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]]))
    >>> v.tolist(), np.round(lo, 4).tolist()
    ([2.5, 2.0], [0.4457, 2.0])
    """
    from scipy.stats import t

    x = np.asarray(samples, dtype="float64")
    n = x.shape[1]
    mean = x.mean(axis=1)
    half = float(t.ppf(0.5 + confidence / 2, n - 1)) * x.std(axis=1, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def std_intervals(samples: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`std_interval` (Bonett) of each row of ``samples`` (``(k, n)``, ``n >= 5``).

    Examples
    --------
    >>> v, lo, hi = std_intervals(np.arange(1.0, 21.0)[None, :])
    >>> round(float(v[0]), 4), round(float(lo[0]), 3), round(float(hi[0]), 3)
    (5.9161, 4.889, 7.936)
    """
    x = np.asarray(samples, dtype="float64")
    n = x.shape[1]
    z = _z(confidence)
    dev = x - x.mean(axis=1, keepdims=True)
    ss = np.einsum("ij,ij->i", dev, dev)  # one pass for the variance and the kurtosis
    s2 = ss / (n - 1)
    cut = int(n / (2.0 * math.sqrt(n - 4)))  # scipy.stats.trim_mean's cut: int(proportion * n)
    if cut:
        part = np.partition(x, [cut - 1, n - cut], axis=1)
        m = part[:, cut : n - cut].mean(axis=1)
    else:
        m = x.mean(axis=1)
    trimmed = x - m[:, None]
    trimmed *= trimmed  # squared in place: ** 4 is several times slower
    with np.errstate(invalid="ignore", divide="ignore"):
        kurt = n * np.einsum("ij,ij->i", trimmed, trimmed) / ss**2
        c = n / (n - z)
        se = c * np.sqrt(np.clip(kurt - (n - 3) / n, 0.0, None) / (n - 1))
        centre = np.log(c * s2)
        low = np.sqrt(np.exp(centre - z * se))
        high = np.sqrt(np.exp(centre + z * se))
    flat = s2 == 0
    low[flat] = 0.0
    high[flat] = 0.0
    return np.sqrt(s2), low, high


def quantile_intervals(
    samples: np.ndarray, q: float, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`quantile_interval` of each row of ``samples`` (``(k, n)``).

    Examples
    --------
    >>> v, lo, hi = quantile_intervals(np.arange(1.0, 101.0)[None, :], 0.5)
    >>> float(v[0]), float(lo[0]), float(hi[0])
    (50.5, 40.0, 61.0)
    """
    x = np.asarray(samples, dtype="float64")
    k, n = x.shape
    low_rank, high_rank = _order_ranks(n, q, confidence)
    pos = q * (n - 1)
    below, above = math.floor(pos), math.ceil(pos)
    kth = sorted({below, above} | {r - 1 for r in (low_rank, high_rank) if 1 <= r <= n})
    part = np.partition(x, kth, axis=1)
    value = part[:, below] + (pos - below) * (part[:, above] - part[:, below])
    low = part[:, low_rank - 1] if low_rank >= 1 else np.full(k, -math.inf)
    high = part[:, high_rank - 1] if high_rank <= n else np.full(k, math.inf)
    return value, np.minimum(low, value), np.maximum(high, value)


def null_fail_rate(
    values: np.ndarray,
    statistic: str,
    low: float | None,
    high: float | None,
    n: int,
    *,
    n_resamples: int = 400,
    confidence: float = 0.95,
    rng: np.random.Generator,
) -> float:
    """The share of samples of size ``n`` drawn (with replacement) from ``values`` whose
    ``statistic`` ("mean", "std" or "median") has its whole interval beyond ``[low, high]``:
    how often a bound FAILs data drawn like ``values`` (the false-alarm rate of
    :class:`mlgates.StatisticGate` with ``decision="ci"`` at that size).

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=2000)
    >>> null_fail_rate(x, "mean", -0.05, 0.05, 50, rng=np.random.default_rng(1)) < 0.05
    True
    """
    x = np.asarray(values, dtype="float64")
    samples = x[rng.integers(0, x.size, size=(n_resamples, n))]
    if statistic == "mean":
        _, lo, hi = mean_intervals(samples, confidence)
    elif statistic == "std":
        _, lo, hi = std_intervals(samples, confidence)
    else:
        _, lo, hi = quantile_intervals(samples, 0.5, confidence)
    fails = np.zeros(n_resamples, dtype=bool)
    if high is not None:
        fails |= lo > high
    if low is not None:
        fails |= hi < low
    return float(fails.mean())
