"""Performance metrics as pure kernels: a registry of named metrics (direction, input kind),
confusion-count versions of the label metrics vectorized over resamples, and calibration
error. The power rule (``minimum_detectable_effect``, ``power_at``) lives in
:mod:`mlgates.stats.power`; it is re-exported here under its old names.

Every named metric agrees with the :mod:`sklearn.metrics` function of the same name (checked in
the tests). The confusion-count functions take an array of confusion matrices of shape
``(..., k, k)`` (rows: true class, columns: predicted class) and return one value per matrix,
which is what makes the bootstrap of label metrics cheap (see :mod:`mlgates.stats.bootstrap`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgates.stats.multiple_testing import adjust_pvalues  # Holm / BH, shared with drift
from mlgates.stats.power import minimum_detectable_effect, power_at  # re-exported

__all__ = [
    "METRICS",
    "MetricSpec",
    "adjust_pvalues",
    "calibration_bins",
    "confusion_metric",
    "confusion_tables",
    "expected_calibration_error",
    "get_metric",
    "minimum_detectable_effect",
    "power_at",
    "score_metric",
]


@dataclass(frozen=True)
class MetricSpec:
    """What a named metric needs and which direction is better.

    ``kind`` is ``"label"`` (predicted labels), ``"score"`` (probabilities or scores) or
    ``"regression"``; ``base`` names the underlying formula and ``average`` the averaging of
    per-class label metrics (``"binary"``, ``"macro"``, ``"micro"``, ``"weighted"``).
    ``confusion`` is True when the metric is a function of the confusion matrix. ``best`` is
    the best attainable value (None when unbounded).
    """

    name: str
    kind: str
    greater_is_better: bool
    base: str
    average: str | None = None
    confusion: bool = False
    best: float | None = None


def _registry() -> dict[str, MetricSpec]:
    specs = [
        MetricSpec("accuracy", "label", True, "accuracy", confusion=True, best=1.0),
        MetricSpec("balanced_accuracy", "label", True, "balanced_accuracy", confusion=True, best=1.0),
        MetricSpec("matthews_corrcoef", "label", True, "matthews_corrcoef", confusion=True, best=1.0),
        MetricSpec("roc_auc", "score", True, "roc_auc", best=1.0),
        MetricSpec("average_precision", "score", True, "average_precision", best=1.0),
        MetricSpec("log_loss", "score", False, "log_loss", best=0.0),
        MetricSpec("brier_score_loss", "score", False, "brier_score_loss", best=0.0),
        MetricSpec("r2", "regression", True, "r2", best=1.0),
        MetricSpec("mean_absolute_error", "regression", False, "mean_absolute_error", best=0.0),
        MetricSpec("mean_squared_error", "regression", False, "mean_squared_error", best=0.0),
        MetricSpec("root_mean_squared_error", "regression", False, "root_mean_squared_error", best=0.0),
        MetricSpec(
            "mean_absolute_percentage_error", "regression", False, "mean_absolute_percentage_error", best=0.0
        ),
        MetricSpec("median_absolute_error", "regression", False, "median_absolute_error", best=0.0),
    ]
    for base in ("f1", "precision", "recall"):
        specs.append(MetricSpec(base, "label", True, base, "binary", confusion=True, best=1.0))
        for avg in ("macro", "micro", "weighted"):
            specs.append(MetricSpec(f"{base}_{avg}", "label", True, base, avg, confusion=True, best=1.0))
    return {s.name: s for s in specs}


#: Every metric name the performance gates accept, with its direction and input kind.
METRICS: dict[str, MetricSpec] = _registry()


def get_metric(name: str) -> MetricSpec:
    """The spec of a named metric; KeyError lists the valid names.

    Examples
    --------
    >>> get_metric("f1_macro").average
    'macro'
    >>> get_metric("log_loss").greater_is_better
    False
    """
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; valid names: {', '.join(sorted(METRICS))}") from None


# -- confusion-count metrics ------------------------------------------------------------------
def confusion_tables(
    y: np.ndarray, pred: np.ndarray, k: int, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """The ``k x k`` confusion matrix of integer codes ``y`` (rows) and ``pred`` (columns);
    with ``sample_weight`` each row counts its weight (as in
    :func:`sklearn.metrics.confusion_matrix`)."""
    return np.bincount(y * k + pred, weights=sample_weight, minlength=k * k).reshape(k, k)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast(num, den).shape, dtype=float)
    np.divide(num, den, out=out, where=den != 0)
    return out


def confusion_metric(cm: np.ndarray, base: str, average: str | None = None, pos: int = 1) -> np.ndarray:
    """A label metric from confusion matrices ``cm`` of shape ``(..., k, k)``.

    Follows scikit-learn: zero divisions count as 0; macro averages run over the classes that
    occur in the true or the predicted labels; balanced accuracy over the classes that occur in
    the true labels; micro-averaged precision, recall and F1 equal accuracy for single-label
    data; ``pos`` is the index of the positive class for ``average="binary"``.

    Returns
    -------
    ndarray of shape ``cm.shape[:-2]``

    Examples
    --------
    >>> import numpy as np
    >>> cm = np.array([[5, 1], [2, 2]])
    >>> float(confusion_metric(cm, "accuracy"))
    0.7
    >>> round(float(confusion_metric(cm, "f1", "binary")), 4)
    0.5714
    """
    cm = np.asarray(cm, dtype=float)
    tp = np.diagonal(cm, axis1=-2, axis2=-1)
    support = cm.sum(axis=-1)
    predicted = cm.sum(axis=-2)
    total = support.sum(axis=-1)
    if base == "accuracy" or (base in ("f1", "precision", "recall") and average == "micro"):
        return _safe_div(tp.sum(axis=-1), total)
    if base == "balanced_accuracy":
        present = support > 0
        recall = _safe_div(tp, support)
        return _safe_div((recall * present).sum(axis=-1), present.sum(axis=-1))
    if base == "matthews_corrcoef":
        correct = tp.sum(axis=-1)
        cov_tp = correct * total - (support * predicted).sum(axis=-1)
        cov_pp = total**2 - (predicted * predicted).sum(axis=-1)
        cov_tt = total**2 - (support * support).sum(axis=-1)
        return _safe_div(cov_tp, np.sqrt(cov_tt * cov_pp))
    if base == "precision":
        per_class = _safe_div(tp, predicted)
    elif base == "recall":
        per_class = _safe_div(tp, support)
    elif base == "f1":
        per_class = _safe_div(2 * tp, support + predicted)
    else:
        raise ValueError(f"{base!r} is not a confusion-matrix metric")
    if average == "binary":
        return per_class[..., pos]
    if average == "macro":
        present = (support + predicted) > 0
        return _safe_div((per_class * present).sum(axis=-1), present.sum(axis=-1))
    if average == "weighted":
        return _safe_div((per_class * support).sum(axis=-1), total)
    raise ValueError(f"unknown average {average!r}")


# -- score and regression metrics -------------------------------------------------------------
def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of binary ``y`` (0/1) by the Mann-Whitney midrank formula, O(n log n)."""
    from scipy.stats import rankdata

    m = int(y.sum())
    n = y.size - m
    if m == 0 or n == 0:
        return math.nan
    ranks = rankdata(score)
    return float((ranks[y == 1].sum() - m * (m + 1) / 2) / (m * n))


def score_metric(
    base: str,
    y: np.ndarray,
    pred: np.ndarray,
    labels: np.ndarray | None = None,
    sample_weight: np.ndarray | None = None,
) -> float:
    """A score or regression metric by its base name.

    ``y`` is 0/1 for binary score metrics (positive class 1) or integer codes with ``pred`` of
    shape ``(n, k)`` for multi-class ``log_loss``/``roc_auc`` (one-vs-rest, macro); ``labels``
    lists all class codes so that a subsample missing a class is still scored.
    ``sample_weight`` weights the rows as the :mod:`sklearn.metrics` function of the same name
    does.

    Examples
    --------
    >>> import numpy as np
    >>> y, p = np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 4.0])
    >>> score_metric("mean_absolute_error", y, p, sample_weight=np.array([1.0, 1.0, 2.0]))
    1.0
    """
    import sklearn.metrics as skm

    w = sample_weight
    if base == "roc_auc":
        if pred.ndim == 1:
            if w is None:
                return _auc(y, pred)
            if np.unique(y).size < 2:
                return math.nan
            return float(skm.roc_auc_score(y, pred, sample_weight=w))
        if np.unique(y).size < 2:
            return math.nan
        return float(skm.roc_auc_score(y, pred, multi_class="ovr", labels=labels, sample_weight=w))
    if base == "average_precision":
        if y.sum() == 0:
            return math.nan
        return float(skm.average_precision_score(y, pred, sample_weight=w))
    if base == "log_loss":
        return float(skm.log_loss(y, pred, labels=labels, sample_weight=w))
    if base == "brier_score_loss":
        return float(np.average((pred - y) ** 2, weights=w))
    if base == "mean_absolute_error":
        return float(np.average(np.abs(y - pred), weights=w))
    if base == "mean_squared_error":
        return float(np.average((y - pred) ** 2, weights=w))
    if base == "root_mean_squared_error":
        return float(np.sqrt(np.average((y - pred) ** 2, weights=w)))
    fn: Callable[..., Any] = getattr(skm, base if base != "r2" else "r2_score")
    return float(fn(y, pred) if w is None else fn(y, pred, sample_weight=w))


# -- calibration --------------------------------------------------------------------------------
def calibration_bins(
    y: np.ndarray,
    proba: np.ndarray,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-bin row count, mean predicted probability and observed positive rate.

    Bins are right-closed intervals ``(e_i, e_{i+1}]`` (the first also holds 0) on equal-width
    edges over [0, 1] (``"uniform"``) or on the quantiles of ``proba`` (``"quantile"``), the
    same binning as :func:`sklearn.calibration.calibration_curve`. With ``sample_weight`` the
    count is the bin's total weight and the means are weighted (the quantile edges stay those
    of the rows).

    Returns
    -------
    (edges, count, mean_proba, positive_rate) : arrays; empty bins have NaN means.
    """
    proba = np.asarray(proba, dtype=float)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        edges = np.percentile(proba, np.linspace(0, 100, n_bins + 1))
    else:
        raise ValueError(f"unknown strategy {strategy!r}")
    ids = np.searchsorted(edges[1:-1], proba)
    w = np.ones_like(proba) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    count = np.bincount(ids, weights=w, minlength=n_bins).astype(float)
    sums = np.bincount(ids, weights=w * proba, minlength=n_bins)
    pos = np.bincount(ids, weights=w * np.asarray(y, dtype=float), minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p, rate = sums / count, pos / count
    empty = count == 0  # also bins whose rows all weigh 0
    mean_p[empty], rate[empty] = np.nan, np.nan
    return edges, count, mean_p, rate


def expected_calibration_error(
    y: np.ndarray, proba: np.ndarray, *, n_bins: int = 10, strategy: str = "uniform"
) -> float:
    """ECE: ``sum_b (n_b / n) |positive_rate_b - mean_proba_b|`` over the bins of
    :func:`calibration_bins` (Naeini, Cooper and Hauskrecht 2015).

    Examples
    --------
    >>> import numpy as np
    >>> expected_calibration_error(np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.8, 0.3]), n_bins=2)
    0.175
    """
    _, count, mean_p, rate = calibration_bins(y, proba, n_bins=n_bins, strategy=strategy)
    keep = count > 0
    n = count.sum()
    if n == 0:
        return math.nan
    return float(np.sum(count[keep] / n * np.abs(rate[keep] - mean_p[keep])))
