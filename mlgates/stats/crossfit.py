"""Cross-fitting: seeded fold ids and out-of-fold predictions.

A model judged on the rows it was fitted on looks better than it is. Cross-fitting splits the
rows into folds, fits on all folds but one and predicts the held-out fold, so every row gets a
prediction from a model that never saw it. The label-free estimators use it for the calibration
maps and the loss models they fit on ``reference``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["cross_fit_predict", "fold_ids"]


def fold_ids(
    n: int, n_splits: int, random_state: int | None = 0, *, stratify: np.ndarray | None = None
) -> np.ndarray:
    """The fold (0 .. ``n_splits - 1``) of each of ``n`` rows, seeded.

    With ``stratify`` (class codes, one per row) the rows of each class are dealt round robin
    in a random order, so every fold holds about the same share of each class.

    Examples
    --------
    >>> import numpy as np
    >>> ids = fold_ids(10, 3, random_state=0, stratify=np.array([0] * 6 + [1] * 4))
    >>> sorted(np.bincount(ids).tolist())
    [3, 3, 4]
    >>> sorted(np.bincount(ids[6:], minlength=3).tolist())  # the 4 rows of class 1
    [1, 1, 2]
    """
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits}")
    rng = np.random.default_rng(random_state)
    out = np.empty(n, dtype=np.int64)
    if stratify is None:
        order = rng.permutation(n)
        out[order] = np.arange(n) % n_splits
        return out
    labels = np.asarray(stratify)
    start = 0
    for value in np.unique(labels):
        rows = np.flatnonzero(labels == value)
        rows = rows[rng.permutation(rows.size)]
        out[rows] = (start + np.arange(rows.size)) % n_splits
        start += rows.size  # continue the round robin where this class stopped
    return out


def cross_fit_predict(
    fit: Callable[[np.ndarray], Any],
    predict: Callable[[Any, np.ndarray], np.ndarray],
    folds: np.ndarray,
) -> tuple[np.ndarray, list[Any]]:
    """Out-of-fold predictions and the fold models.

    ``fit(train_rows)`` returns a model fitted on the rows whose indices it gets;
    ``predict(model, rows)`` returns one prediction per row index. Every row is predicted by
    the model of the folds it is not in.

    Returns
    -------
    (oof, models) : the out-of-fold predictions (float array, one per row) and the models,
        one per fold, in fold order.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.arange(6, dtype=float)
    >>> oof, models = cross_fit_predict(
    ...     lambda rows: y[rows].mean(), lambda m, rows: np.full(rows.size, m), np.array([0, 1] * 3)
    ... )
    >>> oof.tolist()
    [3.0, 2.0, 3.0, 2.0, 3.0, 2.0]
    """
    folds = np.asarray(folds)
    oof = np.full(folds.shape[0], np.nan)
    models = []
    for k in np.unique(folds):
        held = np.flatnonzero(folds == k)
        train = np.flatnonzero(folds != k)
        model = fit(train)
        oof[held] = np.asarray(predict(model, held), dtype=float)
        models.append(model)
    return oof, models
