"""The inputs of the integrity gates: feature columns and the target, read through the input layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext, Side
from mlgates.core.errors import InputError
from mlgates.gates.quality._common import frame_or_error


def _feature_columns(ctx: CheckContext, side: Side, columns: Any) -> list[Any]:
    frame = frame_or_error(ctx, side)
    if columns is None:
        return list(ctx.features(side).columns)
    cols = [columns] if isinstance(columns, (str, int)) else list(columns)
    gone = [c for c in cols if c not in frame.columns]
    if gone:
        raise InputError(
            f"{side}: column {gone[0]!r} not found", reason="missing_column", subject=str(gone[0])
        )
    return cols


def _labels(ctx: CheckContext, side: Side = "current") -> np.ndarray:
    """The target: a missing label is a value of its own here; an infinite one is not a class
    (the rule of every family, :func:`mlgates.core.inputs.complete`)."""
    labels = inputs.labels(ctx, side, on_missing="keep")
    if len(labels) != len(ctx.frame(side)):
        raise InputError("target: length differs from current", reason="length_mismatch", subject="target")
    return labels
