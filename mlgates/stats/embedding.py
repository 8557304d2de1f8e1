"""Kernels for drift of vectors (embeddings) and for domain classifiers.

- :func:`domain_auc`: the ROC AUC of held-out scores that tell current rows (1) from
  reference rows (0), with DeLong's variance and a logit interval
  (:func:`mlgates.stats.delong.auc_ci`).
- :func:`mean_distance`: the Euclidean distance between the mean vectors of two samples, with a
  permutation p-value and a bootstrap interval.

- :func:`mmd_interval`: the bootstrap standard error and normal interval of the MMD^2 of
  :func:`mlgates.stats.drift.empirical_mmd`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

__all__ = ["AucResult", "DistanceResult", "MmdInterval", "domain_auc", "mean_distance", "mmd_interval"]


class AucResult(NamedTuple):
    """ROC AUC, DeLong's standard error and the interval at the requested confidence."""

    auc: float
    se: float
    ci_low: float
    ci_high: float


class DistanceResult(NamedTuple):
    """Distance between the mean vectors, the permutation p-value of "same mean", the bootstrap
    interval of the distance and the distance scaled by the reference's root mean square
    spread (``sqrt(trace(cov_ref))``)."""

    statistic: float
    pvalue: float
    ci_low: float
    ci_high: float
    standardized: float


def domain_auc(y: np.ndarray, scores: np.ndarray, *, confidence: float = 0.95) -> AucResult:
    """AUC of ``scores`` for the 0/1 labels ``y`` with DeLong's variance and the logit interval.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 200)
    >>> res = domain_auc(y, y + rng.normal(0, 1, 400))
    >>> round(res.auc, 3), res.ci_low > 0.68
    (0.736, True)
    """
    from mlgates.stats.delong import auc_ci, delong_components

    auc, v10, v01 = delong_components(np.asarray(y), np.asarray(scores, dtype=float))
    m, n = v10.shape[1], v01.shape[1]
    var = (float(np.var(v10[0], ddof=1)) / m if m > 1 else 0.0) + (
        float(np.var(v01[0], ddof=1)) / n if n > 1 else 0.0
    )
    a = float(auc[0])
    lo, hi = auc_ci(a, var, alpha=1.0 - confidence)
    return AucResult(a, math.sqrt(max(var, 0.0)), lo, hi)


def mean_distance(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state: int = 0,
) -> DistanceResult:
    """Euclidean distance between the mean rows of two matrices.

    The p-value is the permutation p-value ``(1 + #{permuted >= observed}) / (1 +
    n_resamples)``: rows of both samples pooled and dealt to the sides at random. The interval
    is the percentile interval of the distance over ``n_resamples`` bootstrap resamples of
    each side (seeded). The distance of two samples from one distribution is not 0 (each mean
    has its sampling error), so the interval says how far the means are, the p-value whether
    they differ.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(0, 1, (300, 8))
    >>> res = mean_distance(ref, rng.normal(0, 1, (300, 8)) + 0.3)
    >>> round(res.statistic, 2), res.pvalue < 0.01
    (1.0, True)
    """
    x = np.asarray(reference, dtype=float)
    y = np.asarray(current, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("mean_distance needs two 2-d arrays with >= 2 rows and the same number of columns")
    nx = len(x)
    observed = float(np.linalg.norm(y.mean(axis=0) - x.mean(axis=0)))
    spread = math.sqrt(float(np.var(x, axis=0, ddof=1).sum()))
    rng = np.random.default_rng(random_state)
    pooled = np.vstack((x, y))
    total = pooled.sum(axis=0)
    n = len(pooled)
    null = np.empty(n_resamples)
    for i in range(n_resamples):
        idx = rng.permutation(n)[:nx]
        sx = pooled[idx].sum(axis=0)
        null[i] = np.linalg.norm((total - sx) / (n - nx) - sx / nx)
    p = (1.0 + float(np.sum(null >= observed * (1 - 1e-12)))) / (1.0 + n_resamples)
    boot = np.empty(n_resamples)
    for i in range(n_resamples):
        bx = x[rng.integers(0, nx, nx)].mean(axis=0)
        by = y[rng.integers(0, len(y), len(y))].mean(axis=0)
        boot[i] = np.linalg.norm(by - bx)
    tail = (1.0 - confidence) / 2
    lo, hi = (float(q) for q in np.quantile(boot, [tail, 1 - tail])) if n_resamples else (observed, observed)
    std = observed / spread if spread > 0 else float("inf") if observed > 0 else 0.0
    return DistanceResult(observed, p, lo, hi, std)


class MmdInterval(NamedTuple):
    """Bootstrap standard error of the unbiased MMD^2 and the normal interval around it."""

    se: float
    ci_low: float
    ci_high: float


def _mmd2_weighted(
    kxx: np.ndarray, kyy: np.ndarray, kxy: np.ndarray, cx: np.ndarray, cy: np.ndarray
) -> np.ndarray:
    """Unbiased MMD^2 of resamples given as counts per row (columns of ``cx``, ``cy``): pairs of
    distinct positions only, so two copies of one row are a pair with kernel value 1."""
    nx, ny = cx.sum(axis=0), cy.sum(axis=0)
    sxx = np.sum(cx * (kxx @ cx), axis=0) - nx  # kxx has ones on its diagonal
    syy = np.sum(cy * (kyy @ cy), axis=0) - ny
    sxy = np.sum(cx * (kxy @ cy), axis=0)
    return np.asarray(sxx / (nx * (nx - 1)) + syy / (ny * (ny - 1)) - 2.0 * sxy / (nx * ny))


def mmd_interval(
    reference: np.ndarray,
    current: np.ndarray,
    *,
    n_resamples: int = 200,
    confidence: float = 0.95,
    random_state: int = 0,
) -> MmdInterval:
    """Interval of the unbiased MMD^2 of :func:`mlgates.stats.drift.empirical_mmd` (Gaussian
    kernel, median-heuristic bandwidth of the pooled rows, no subsampling here).

    The standard error is that of the statistic over ``n_resamples`` bootstrap resamples of
    each side (rows drawn with replacement; two copies of one row form a pair with kernel
    value 1); the interval is ``statistic +- z * se``. When the distributions differ, MMD^2 is
    asymptotically normal and the interval says how large the discrepancy is; when they do not,
    the statistic is degenerate (its scale is 1/n, not 1/sqrt(n)) and only the permutation
    p-value tells drift from chance.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(0, 1, (200, 3))
    >>> res = mmd_interval(ref, rng.normal(0, 1, (200, 3)) + [1.0, 0, 0])
    >>> 0 < res.ci_low < res.ci_high
    True
    """
    from scipy.stats import norm

    x = np.asarray(reference, dtype=float)
    y = np.asarray(current, dtype=float)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1] or len(x) < 2 or len(y) < 2:
        raise ValueError("mmd_interval needs two 2-d arrays with >= 2 rows and the same number of columns")
    z = np.vstack((x, y))
    sq = np.sum(z * z, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (z @ z.T), 0.0)
    off = d2[np.triu_indices(len(z), k=1)]
    sigma = float(np.sqrt(np.median(off))) if off.size else 1.0
    if not sigma > 0:
        sigma = 1.0
    kmat = np.exp(-d2 / (2.0 * sigma * sigma))
    nx, ny = len(x), len(y)
    kxx, kyy, kxy = kmat[:nx, :nx], kmat[nx:, nx:], kmat[:nx, nx:]
    stat = float(_mmd2_weighted(kxx, kyy, kxy, np.ones((nx, 1)), np.ones((ny, 1)))[0])
    rng = np.random.default_rng(random_state)
    cx = rng.multinomial(nx, np.full(nx, 1.0 / nx), size=n_resamples).T.astype(float)
    cy = rng.multinomial(ny, np.full(ny, 1.0 / ny), size=n_resamples).T.astype(float)
    boot = _mmd2_weighted(kxx, kyy, kxy, cx, cy)
    se = float(np.std(boot, ddof=1)) if n_resamples > 1 else float("nan")
    half = float(norm.ppf(0.5 + confidence / 2)) * se
    return MmdInterval(se, stat - half, stat + half)
