"""Checks on per-row values (labels, predictions, scores) shared by every family, so the same
mistake gives the same reason code and wording everywhere: a missing value is
``missing_values``, an infinite or complex value is ``invalid_input``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.errors import InputError

__all__ = ["complete", "count_infinite"]


def complete(name: str, values: Any) -> np.ndarray:
    """``values`` as an array, or an InputError when a row has no usable value.

    Missing values (NaN, None, ``pd.NA``, NaT) are ``missing_values``; ``inf``/``-inf`` and
    complex numbers are ``invalid_input`` (an infinite label is not a class, and an infinite
    score ranks nothing). The message names the input, the count and the fix.

    Examples
    --------
    >>> complete("target", [0, 1, 1]).tolist()
    [0, 1, 1]
    >>> complete("target", [0.0, float("inf"), 1.0])
    Traceback (most recent call last):
    ...
    mlgates.core.errors.InputError: target: 1 of 3 values are infinite (inf or -inf); labels, \
predictions and scores must be finite: drop or fix those rows before the check.
    """
    arr = np.asarray(values)
    kind = arr.dtype.kind
    n = arr.shape[0] if arr.ndim else 1
    if kind == "c":
        raise InputError(
            f"{name}: holds complex numbers ({arr.dtype}); labels, predictions and scores must be "
            "real: pass np.real(...) or np.abs(...) of them.",
            reason="invalid_input",
            subject=name,
        )
    if kind == "f":
        n_missing = int(np.count_nonzero(np.isnan(arr)))
    elif kind in "biuUSmM":
        n_missing = int(np.count_nonzero(pd.isna(arr))) if kind in "mM" else 0
    else:
        n_missing = int(np.count_nonzero(pd.isna(arr.ravel())))
    if n_missing:
        raise InputError(
            f"{name}: {n_missing} of {n} values are missing (NaN); the metric needs a value for "
            "every row: drop or impute them before the check.",
            reason="missing_values",
            subject=name,
        )
    n_inf = count_infinite(arr)
    if n_inf:
        raise InputError(
            f"{name}: {n_inf} of {n} values are infinite (inf or -inf); labels, predictions and "
            "scores must be finite: drop or fix those rows before the check.",
            reason="invalid_input",
            subject=name,
        )
    return arr


def count_infinite(arr: np.ndarray) -> int:
    """Number of ``inf``/``-inf`` entries (float arrays, or floats inside object arrays)."""
    kind = arr.dtype.kind
    if kind == "f":
        return int(np.count_nonzero(np.isinf(arr)))
    if kind != "O":
        return 0
    flat = arr.ravel()
    with np.errstate(invalid="ignore"):
        try:
            hits = (flat == np.inf) | (flat == -np.inf)  # elementwise; strings compare False
        except (TypeError, ValueError):
            return 0
    if isinstance(hits, np.ndarray):
        return int(np.count_nonzero(hits.astype(bool)))
    return 0
