"""The per-row statistic a monitor watches: a feature column, the model's prediction or score,
or the per-row error when labels exist; read through the check context and the input layer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.gates.monitoring import _time

__all__ = ["SPECIAL", "row_statistic", "time_ordered"]

#: ``column`` values that name an input rather than a table column (when no column has it).
SPECIAL = ("prediction", "proba", "error")


def row_statistic(ctx: CheckContext, side: str, column: str) -> tuple[np.ndarray, dict[str, Any]]:
    """One float per row of ``side`` (NaN where a feature value is missing) and how it was
    made (``{"statistic": "feature" | "prediction" | "score" | "misclassified" |
    "absolute_error" | "squared_error"}``)."""
    frame = ctx.frame(side)  # type: ignore[arg-type]
    if column in frame.columns or column not in SPECIAL:
        series = ctx.column(side, column)  # type: ignore[arg-type]
        return _feature(series, column, side), {"statistic": "feature"}
    if column == "prediction":
        return inputs.numbers("prediction", ctx.prediction(side)), {"statistic": "prediction"}  # type: ignore[arg-type]
    if column == "proba":
        p = inputs.scores(ctx, side)  # type: ignore[arg-type]
        if p.ndim != 1:
            raise InputError(
                f"proba has {p.shape[1]} columns: pass the positive class's scores (one column) "
                "to monitor them",
                reason="invalid_input",
                subject="proba",
            )
        return p, {"statistic": "score"}
    y = inputs.labels(ctx, side)  # type: ignore[arg-type]
    if ctx.has("proba") or (
        ctx.has("model") and hasattr(ctx.get("model"), "predict_proba") and not ctx.has("prediction")
    ):
        p = inputs.scores(ctx, side)  # type: ignore[arg-type]
        if p.ndim == 1:
            yb = inputs.binary_labels("target", y)
            return (p - yb) ** 2, {"statistic": "squared_error", "meaning": "per-row Brier score"}
    regression = y.dtype.kind == "f" and bool(np.any(y != np.round(y)))
    if regression:
        pred = inputs.numbers("prediction", ctx.prediction(side))  # type: ignore[arg-type]
        return np.abs(inputs.numbers("target", y) - pred), {"statistic": "absolute_error"}
    pred = inputs.predicted_labels(ctx, side, y=y)  # type: ignore[arg-type]
    return (pred != y).astype(float), {"statistic": "misclassified", "meaning": "1 for a wrong label"}


def _feature(series: pd.Series, column: str, side: str) -> np.ndarray:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return series.astype("float64").to_numpy()
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        raise InputError(
            f"{side}: column {column!r} holds {dtype} values; a monitor watches a number per row: "
            "pass a numeric column, a 0/1 indicator (e.g. (df[col] == 'x').astype(int)), or "
            "'prediction', 'proba' or 'error'",
            reason="invalid_input",
            subject=column,
        )
    arr = series.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(arr).any():
        raise InputError(
            f"{side}: column {column!r} has {int(np.isinf(arr).sum())} infinite values; fix or drop them",
            reason="invalid_input",
            subject=column,
        )
    return arr


def time_ordered(ctx: CheckContext, side: str, on: str | None, format: str | None) -> np.ndarray | None:
    """Positions of ``side``'s rows in time order (stable), or None without ``on``; rows
    without a timestamp are an InputError (their place in the stream is unknown)."""
    if on is None:
        return None
    times = _time.read_times(
        ctx.column(side, on),  # type: ignore[arg-type]
        column=on,
        side=side,
        format=format,
        tz=None,
    )
    order, missing = _time.time_order(times)
    if missing.any():
        raise InputError(
            f"{side}: {int(missing.sum()):,} rows have no timestamp in {on!r}, so their place in the "
            "stream is unknown: drop or fill them before the check",
            reason="missing_values",
            subject=on,
        )
    return order
