"""Direct loss estimation: a regression model's error on unlabelled rows, from a model of its
per-row loss fitted on labelled rows (NannyML calls this DLE).

The loss model predicts ``E[loss | x, prediction]``; averaged over current rows it estimates the
mean loss there. These kernels judge the loss model on its out-of-fold predictions on the
reference (is it calibrated: does the realized loss match the predicted loss in every decile
of the predicted loss?) and give the sampling error of a batch's mean loss from the reference's
residual variance in those deciles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["LossCalibration", "loss_calibration", "loss_metric", "row_loss"]

#: Deciles of the out-of-fold predicted loss the loss model is checked on.
N_GROUPS = 10


def row_loss(metric: str, y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """The per-row loss whose mean is ``metric``: absolute error for ``mean_absolute_error``,
    squared error for ``mean_squared_error`` and ``root_mean_squared_error``.

    >>> row_loss("mean_absolute_error", np.array([1.0, 2.0]), np.array([1.5, 1.0])).tolist()
    [0.5, 1.0]
    """
    diff = np.asarray(y, dtype=float) - np.asarray(pred, dtype=float)
    if metric == "mean_absolute_error":
        return np.abs(diff)  # type: ignore[no-any-return]
    if metric in ("mean_squared_error", "root_mean_squared_error"):
        return diff * diff  # type: ignore[no-any-return]
    raise ValueError(f"unknown loss metric {metric!r}")


def loss_metric(metric: str, mean_loss: float) -> float:
    """The metric from the mean per-row loss (the square root for RMSE).

    >>> loss_metric("root_mean_squared_error", 4.0)
    2.0
    """
    if metric == "root_mean_squared_error":
        return math.sqrt(mean_loss) if mean_loss >= 0 else math.nan
    return mean_loss


@dataclass(frozen=True, eq=False)
class LossCalibration:
    """The loss model judged on its out-of-fold predictions.

    ``error`` is the relative calibration error ``sum_d (n_d / n) |mean realized - mean
    predicted|_d / mean realized`` over the deciles ``d``; ``bound`` the ``level`` quantile of
    that error for a loss model that is right (each decile's mean residual drawn from its normal
    approximation with the decile's residual variance); ``edges`` the deciles' inner edges (of
    the quantity the deciles are taken on) and ``variance`` each decile's residual variance (the
    sampling variance of a row's loss around its prediction).
    """

    error: float
    bound: float
    edges: np.ndarray
    variance: np.ndarray
    mean_loss: float

    @property
    def calibrated(self) -> bool:
        return bool(self.error <= self.bound)

    def row_variance(self, by: np.ndarray) -> np.ndarray:
        """The residual variance of rows by their decile (of the quantity the deciles are of)."""
        return self.variance[np.searchsorted(self.edges, by, side="right")]  # type: ignore[no-any-return]


def loss_calibration(
    loss: np.ndarray,
    predicted: np.ndarray,
    by: np.ndarray | None = None,
    *,
    level: float = 0.999,
    n_sims: int = 4000,
    random_state: int | None = 0,
) -> LossCalibration:
    """Judge out-of-fold loss predictions ``predicted`` against the realized ``loss`` (see
    :class:`LossCalibration`), in the deciles of ``by`` (default: of ``predicted``).

    Deciles of the loss model's own predictions hold the rows its noise pushed there (the top
    decile over-predicts even for a model that is right on average); deciles of a quantity
    that does not depend on the loss model's fit, such as the regression model's prediction,
    do not.

    >>> rng = np.random.default_rng(0)
    >>> scale = rng.uniform(0.5, 2.0, 5000)
    >>> loss = np.abs(rng.normal(0, scale))
    >>> cal = loss_calibration(loss, scale * np.sqrt(2 / np.pi))
    >>> cal.calibrated, round(cal.error, 3) < round(cal.bound, 3)
    (True, True)
    """
    loss = np.asarray(loss, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    by = predicted if by is None else np.asarray(by, dtype=float)
    edges = np.unique(np.quantile(by, np.linspace(0, 1, N_GROUPS + 1)[1:-1]))
    groups = np.searchsorted(edges, by, side="right")
    k = edges.size + 1
    n = np.bincount(groups, minlength=k).astype(float)
    resid = loss - predicted
    mean_resid = np.bincount(groups, weights=resid, minlength=k) / np.maximum(n, 1)
    centered = resid - mean_resid[groups]
    variance = np.bincount(groups, weights=centered * centered, minlength=k) / np.maximum(n - 1, 1)
    mean_loss = float(loss.mean())
    scale = mean_loss if mean_loss > 0 else 1.0
    error = float(np.sum(n * np.abs(mean_resid)) / n.sum() / scale)
    rng = np.random.default_rng(random_state)
    sd = np.sqrt(variance / np.maximum(n, 1))
    sims = (np.abs(rng.standard_normal((n_sims, k))) * sd * n).sum(axis=1) / n.sum() / scale
    bound = float(np.quantile(sims, level))
    return LossCalibration(error, bound, edges, variance, mean_loss)
