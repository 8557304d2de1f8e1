"""The label-free gates' inputs, read through :mod:`mlgates.core.inputs`: the reference's binary
target, the positive class's scores on either table, and the feature columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext, Side
from mlgates.core.errors import InputError

__all__ = ["Target", "binary_target", "feature_columns", "positive_scores"]


@dataclass(frozen=True)
class Target:
    """The reference's target as 0/1 (1 for the positive class), and the positive class's
    index among the two sorted classes (the column of a two-column ``proba``)."""

    y: np.ndarray
    pos_index: int
    classes: tuple[Any, ...]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def binary_target(ctx: CheckContext, pos_label: Any, metric: str) -> tuple[Target, Any]:
    """The reference's labels as 0/1, checked: complete, one-dimensional, two classes (not a
    continuous target), ``pos_label`` among them. Returns the target and the positive class."""
    raw = inputs.labels(ctx, "reference")
    if raw.ndim != 1:
        raise InputError(
            f"target (reference): expected one label per row, got shape {raw.shape}.",
            reason="invalid_input",
            subject="target",
        )
    if raw.size == 0:
        raise InputError("reference has no rows: nothing to calibrate on", reason="empty_input")
    try:
        classes = np.unique(raw)
    except TypeError:
        raise InputError(
            "target (reference): holds values of different types that cannot be compared; convert "
            "them to one type.",
            reason="invalid_input",
            subject="target",
        ) from None
    continuous = classes.dtype.kind == "f" and classes.size > inputs.CONTINUOUS_MIN_DISTINCT
    if continuous and (classes != np.round(classes)).any():
        raise InputError(
            f"{metric}: the target looks continuous ({classes.size:,} distinct values on reference); "
            "use LabelFreeRegressionGate for a regression model.",
            reason="unsupported_target",
            subject="target",
        )
    if classes.size < 2:
        raise InputError(
            f"{metric}: the reference target has a single class ({inputs.shown_values(classes)}); "
            "a calibration map needs both outcomes.",
            reason="one_class_target",
            subject="target",
        )
    if classes.size > 2:
        raise InputError(
            f"target (reference): {classes.size} classes ({inputs.shown_values(classes)}); the "
            "label-free estimate is for binary classifiers.",
            reason="non_binary_labels",
            subject="target",
        )
    pos = classes[-1] if pos_label is None else pos_label
    hits = np.flatnonzero(classes == pos)
    if hits.size == 0:
        raise InputError(
            f"pos_label={pos_label!r} is not among the reference's classes {inputs.shown_values(classes)}.",
            reason="invalid_input",
            subject="pos_label",
        )
    y = (raw == pos).astype(np.int64)
    return Target(y, int(hits[0]), tuple(_plain(c) for c in classes)), _plain(pos)


def positive_scores(ctx: CheckContext, side: Side, pos_index: int) -> np.ndarray:
    """The positive class's score per row of ``side`` (``proba`` or ``model.predict_proba``):
    a two-column ``proba`` gives the ``pos_index`` column; a one-column score is the greater
    class's (reversed for the other one, as in the performance gates)."""
    s = inputs.scores(ctx, side)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    elif s.ndim == 2 and s.shape[1] == 2:
        s = s[:, pos_index]
    elif s.ndim == 1 and pos_index == 0:
        s = 1.0 - s if s.size == 0 or (s.min() >= 0 and s.max() <= 1) else -s
    if s.ndim != 1:
        raise InputError(
            f"proba ({side}): a binary target needs one score per row, got shape {s.shape}.",
            reason="invalid_proba",
            subject="proba",
        )
    return np.asarray(s, dtype=float)


def feature_columns(ctx: CheckContext) -> list[Any]:
    """The columns the support check reads by default: the model's ``feature_names_in_`` when
    it records them, else every column of current (but the target and score columns) that the
    reference also has."""
    model = ctx.get("model")
    names = getattr(model, "feature_names_in_", None) if model is not None else None
    if names is not None:
        return list(names)
    ref_columns = set(ctx.frame("reference").columns)
    return [c for c in ctx.features("current").columns if c in ref_columns]
