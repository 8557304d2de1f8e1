"""The fairness gates' encoding of their inputs: binary labels and predictions (scores cut at
the gate's ``threshold``) on the kept rows of the sensitive groups, and the per-group confusion
counts that every fairness gate of a suite run shares through ``ctx.cached``. Reading and
checking the inputs (sensitive groups, labels, scores, weights) is :mod:`mlgates.core.inputs`."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.inputs import Groups
from mlgates.stats import fairness as fk

__all__ = ["Groups", "confusion", "count_replicates", "labels", "predictions", "scores", "weights"]


def weights(ctx: CheckContext, groups: Groups) -> np.ndarray | None:
    """``sample_weight`` (validated once per run by the context) restricted to kept rows."""
    w = ctx.sample_weight("current")
    return None if w is None else groups.take(w, "sample_weight")


def labels(ctx: CheckContext, groups: Groups, pos_label: Any, needed: bool) -> np.ndarray:
    """Binary target for kept rows; zeros when the metric does not use it and none is given."""
    if not ctx.has("target"):
        if needed:
            ctx.require("target", "This fairness metric compares predictions with the labels.")
        return np.zeros(len(groups.codes), dtype=np.int8)
    y = ctx.cached(
        ("fairness.y", _key(pos_label)),
        lambda: inputs.binary_labels("target", ctx.labels("current"), pos_label),
    )
    return groups.take(y, "target")


def predictions(
    ctx: CheckContext, groups: Groups, pos_label: Any, threshold: float | None, *, baseline: bool
) -> np.ndarray:
    """Binary predictions for kept rows: labels, or scores cut at ``threshold``."""
    which = "baseline" if baseline else "candidate"

    def compute() -> np.ndarray:
        if threshold is None:
            raw = ctx.prediction("current", baseline=baseline)
            name = "baseline_prediction" if baseline else "prediction"
            return inputs.binary_labels(name, raw, pos_label, prediction=True, y=_target_values(ctx))
        proba_name = "baseline_proba" if baseline else "proba"
        model_name = "baseline_model" if baseline else "model"
        if ctx.has(proba_name) or ctx.has(model_name):
            scores = ctx.proba("current", baseline=baseline)
            name = proba_name
        else:
            scores = ctx.prediction("current", baseline=baseline)
            name = "baseline_prediction" if baseline else "prediction"
        s = np.asarray(scores)
        if s.ndim != 1:
            raise InputError(
                f"{name}: decision_threshold= needs one score per row (positive-class probability); got "
                f"shape {s.shape}.",
                reason="invalid_input",
                subject=name,
            )
        return (inputs.numbers(name, s) >= threshold).astype(np.int8)

    name = "baseline_prediction" if baseline else "prediction"
    return groups.take(ctx.cached(("fairness.pred", which, _key(pos_label), threshold), compute), name)


def scores(ctx: CheckContext, groups: Groups, *, baseline: bool) -> np.ndarray:
    """Continuous predictions (regression) for kept rows."""
    name = "baseline_prediction" if baseline else "prediction"
    raw = ctx.prediction("current", baseline=baseline)
    return groups.take(ctx.cached(("fairness.score", name), lambda: inputs.numbers(name, raw)), name)


def confusion(
    ctx: CheckContext,
    groups: Groups,
    pos_label: Any,
    threshold: float | None,
    needs_target: bool,
    *,
    baseline: bool = False,
) -> fk.GroupCounts:
    """Per-group confusion counts, computed once per run for the same inputs."""
    key = (
        "fairness.counts",
        "baseline" if baseline else "candidate",
        groups.key,
        _key(pos_label),
        threshold,
        ctx.has("target"),
        ctx.has("sample_weight"),
    )

    def compute() -> fk.GroupCounts:
        y = labels(ctx, groups, pos_label, needs_target)
        pred = predictions(ctx, groups, pos_label, threshold, baseline=baseline)
        return fk.confusion_counts(groups.codes, groups.n_groups, y, pred, weights(ctx, groups))

    return ctx.cached(key, compute)


def _target_values(ctx: CheckContext) -> np.ndarray | None:
    """The target's own values, to name its classes when predictions are not labels."""
    if not ctx.has("target"):
        return None
    try:
        return inputs.labels(ctx, "current")
    except InputError:
        return None


def _key(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return (type(value).__name__, value)


def count_replicates(
    ctx: CheckContext, counts: fk.GroupCounts, n_resamples: int, random_state: int | None
) -> np.ndarray | None:
    """Bootstrap replicates of a count table; shared by gates with the same seed and size."""
    if not n_resamples:
        return None
    if random_state is None:
        return fk.bootstrap_counts(counts, n_resamples, np.random.default_rng())
    key = ("fairness.bootstrap", id(counts), n_resamples, random_state)
    return ctx.cached(
        key, lambda: fk.bootstrap_counts(counts, n_resamples, np.random.default_rng(random_state))
    )
