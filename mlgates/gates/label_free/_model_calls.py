"""A model's outputs on current and on edited copies of current, read the same way each time.

The outputs on ``current`` itself come through :class:`~mlgates.core.context.CheckContext`
(``ctx.proba`` / ``ctx.prediction``: computed once per run and shared with every gate of a
suite, a failing model an InputError ``predict_failed``). Edited copies (a column moved back to
its reference distribution, a column permuted) are passed to the same method of the model by
:func:`call_model`, whose failures are the same ``predict_failed`` error.

What is read:

- a model with ``predict_proba`` and two classes: the score is the positive class's probability
  and the decision ``score >= decision_threshold`` (0.5 by default);
- ``predict_proba`` with more classes: the decision is the most probable class (no score);
- a model with ``predict`` only: continuous predictions (a regressor) are the score, and
  decisions exist only with a ``decision_threshold``; anything else is the decision itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core.context import CheckContext, model_method, predict_failed
from mlgates.core.errors import InputError

__all__ = ["Outputs", "call_model", "current_outputs", "interpret", "method_of"]

#: Edited copies are passed to the model in chunks of at most this many cells (rows x columns).
CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class Outputs:
    """``kind``: ``"binary"``, ``"multiclass"``, ``"regression"`` or ``"labels"``; ``score`` the
    positive class's probability or the regression prediction (None when there is none);
    ``decision`` integer codes of the decisions (None for a regressor without a threshold)."""

    kind: str
    score: np.ndarray | None
    decision: np.ndarray | None


def method_of(model: Any) -> str:
    """``"predict_proba"`` when the model has it, else ``"predict"``."""
    return "predict_proba" if callable(getattr(model, "predict_proba", None)) else "predict"


def interpret(raw: np.ndarray, method: str, decision_threshold: float | None, name: str = "model") -> Outputs:
    """Scores and decisions from what ``method`` returned (see the module docstring)."""
    arr = np.asarray(raw)
    if method == "predict_proba":
        p = inputs.numbers(f"{name}.predict_proba()", arr)
        if p.ndim == 2 and p.shape[1] == 2:
            p = p[:, 1]
        if p.ndim == 2 and p.shape[1] == 1:
            p = p[:, 0]
        if p.ndim == 1:
            cut = 0.5 if decision_threshold is None else decision_threshold
            return Outputs("binary", p, (p >= cut).astype(np.int8))
        return Outputs("multiclass", None, np.argmax(p, axis=1).astype(np.int64))
    pred = inputs.complete(f"{name}.predict()", arr)
    if pred.ndim != 1:
        raise InputError(
            f"{name}.predict() returned an array of shape {pred.shape}; one prediction per row is needed.",
            reason="invalid_prediction",
            subject=name,
        )
    if pred.dtype.kind == "f" and _continuous(pred):
        if decision_threshold is None:
            return Outputs("regression", pred.astype(np.float64), None)
        return Outputs("regression", pred.astype(np.float64), (pred >= decision_threshold).astype(np.int8))
    if pred.dtype.kind in "biuf":
        return Outputs("labels", None, np.asarray(pred))
    codes, _ = pd.factorize(pd.Series(pred, dtype=object), use_na_sentinel=False)
    return Outputs("labels", None, codes)


def _continuous(pred: np.ndarray) -> bool:
    fractional = pred != np.round(pred)
    return bool(fractional.any()) or np.unique(pred).size > inputs.CONTINUOUS_MIN_DISTINCT


def current_outputs(ctx: CheckContext, model: Any, decision_threshold: float | None) -> Outputs:
    """The model's outputs on ``current``, through the context (computed once per run): its
    probabilities when it has ``predict_proba``, else its predictions. An explicit ``proba`` or
    ``prediction`` input is not used here: every comparison is between the model's own outputs."""
    method = method_of(model)
    given = "proba" if method == "predict_proba" else "prediction"
    if ctx.has(given):
        raw = ctx.cached(
            ("label_free_outputs", id(model), method),
            lambda: call_model(model, ctx.model_features(model, "current"), method, "current"),
        )
    elif method == "predict_proba":
        raw = ctx.proba("current")
    else:
        raw = ctx.prediction("current")
    return interpret(raw, method, decision_threshold)


def call_model(
    model: Any, frame: pd.DataFrame, method: str, side: str = "current", model_name: str = "model"
) -> np.ndarray:
    """``model.<method>(frame)``, in chunks of at most :data:`CHUNK_CELLS` cells; an exception
    from the model is the context's ``predict_failed`` InputError."""
    fn = model_method(model, method, model_name)
    rows = max(1, CHUNK_CELLS // max(1, frame.shape[1]))
    parts = []
    for start in range(0, max(len(frame), 1), rows):
        chunk = frame.iloc[start : start + rows]
        try:
            parts.append(np.asarray(fn(chunk)))
        except Exception as exc:
            raise predict_failed(model, model_name, method, side, chunk, exc) from exc
    return np.concatenate(parts, axis=0)
