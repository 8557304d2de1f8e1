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
from mlgates.profiles.fairness import GroupConfusion
from mlgates.stats import fairness as fk

__all__ = [
    "Groups",
    "column_input",
    "confusion",
    "confusion_need",
    "count_replicates",
    "labels",
    "predictions",
    "profiled_counts",
    "scores",
    "sensitive_columns",
    "weights",
]


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

    def draw() -> np.ndarray:
        return fk.bootstrap_counts(counts, n_resamples, np.random.default_rng(random_state))

    # the cached value holds the table itself, so its id cannot be reused by another table
    # while the check runs (a freed table's id can be, and then its replicates were returned)
    key = ("fairness.bootstrap", id(counts), n_resamples, random_state)
    held, replicates = ctx.cached(key, lambda: (counts, draw()))
    return replicates if held is counts else draw()


# -- tables read in chunks (profiles) ----------------------------------------------------------
column_input = inputs.column_input


def _check_column(ctx: CheckContext, column: str) -> None:
    from mlgates.core._suggest import did_you_mean

    schema = ctx.table_schema("current")
    if column not in schema.columns:
        raise InputError(
            f"current: column {column!r} not found.{did_you_mean(column, schema.columns)} "
            f"Columns: {list(map(str, schema.columns))[:20]}.",
            reason="missing_column",
            subject=column,
        )


def sensitive_columns(ctx: CheckContext, param: Any) -> tuple[str, ...]:
    """The sensitive feature columns on a table read in chunks: the gate's parameter, else
    the check input, which must then name columns too."""
    spec = (
        param
        if param is not None
        else ctx.require("sensitive_features", "Fairness gates need the sensitive feature(s).")
    )
    names = (spec,) if isinstance(spec, str) else tuple(spec) if isinstance(spec, (list, tuple)) else None
    if not names or not all(isinstance(c, str) for c in names):
        raise InputError(
            f"sensitive_features: current is read in chunks ({ctx.table_kind('current')}), so the "
            f"sensitive features must be column names of current, not {type(spec).__name__}.",
            reason="invalid_input",
            subject="sensitive_features",
        )
    for c in names:
        _check_column(ctx, c)
    return names


def confusion_need(
    ctx: CheckContext,
    sensitive: Any,
    on_missing: str,
    pos_label: Any,
    threshold: float | None,
    *,
    needs_target: bool,
    with_baseline: bool,
) -> GroupConfusion:
    """What a fairness gate needs from a table read in chunks: per-group confusion counts of
    the columns its inputs name (the same reading rules as :func:`confusion`)."""
    names = sensitive_columns(ctx, sensitive)
    target = column_input(
        ctx, "target", required=needs_target, why="This fairness metric compares predictions with the labels."
    )
    cols: dict[str, str | None] = {}
    for baseline in (False, True) if with_baseline else (False,):
        pred_name = "baseline_prediction" if baseline else "prediction"
        proba_name = "baseline_proba" if baseline else "proba"
        model_name = "baseline_model" if baseline else "model"
        score = None
        if threshold is not None and ctx.has(proba_name):
            score = column_input(ctx, proba_name, required=True)
            label = None
        elif ctx.has(pred_name) or not ctx.has(model_name):
            label = column_input(ctx, pred_name, required=True)
        else:
            raise InputError(
                f"{model_name}: current is read in chunks ({ctx.table_kind('current')}); predictions from a "
                f"model are not computed per chunk here: add them to the table and pass "
                f"{pred_name}='<column>'{' (or proba=)' if threshold is not None else ''}.",
                reason="invalid_input",
                subject=model_name,
            )
        cols[pred_name], cols[proba_name] = label, score
    return GroupConfusion(
        names,
        target=target,
        prediction=cols["prediction"],
        score=cols["proba"],
        baseline_prediction=cols.get("baseline_prediction"),
        baseline_score=cols.get("baseline_proba"),
        decision_threshold=threshold,
        pos_label=pos_label,
        sample_weight=column_input(ctx, "sample_weight", required=False),
        on_missing=on_missing,
    )


def profiled_counts(
    ctx: CheckContext, need: GroupConfusion
) -> tuple[Groups, fk.GroupCounts, fk.GroupCounts | None]:
    """Groups and per-group confusion counts from the merged summary of ``need`` (and the
    joint 8-cell counts with a baseline): what the in-memory path computes from the rows."""
    return ctx.cached(("fairness.profiled_counts", need.key), lambda: _profiled_counts(ctx, need))  # type: ignore[no-any-return]


def _profiled_counts(
    ctx: CheckContext, need: GroupConfusion
) -> tuple[Groups, fk.GroupCounts, fk.GroupCounts | None]:
    summary = ctx.summary("current", need)
    summary.raise_failure()
    kept = summary.n_rows - summary.n_dropped
    if summary.n_rows == 0:
        raise InputError("current has no rows: group rates are undefined.", reason="empty_input")
    if kept == 0:
        raise InputError(
            "every row has a missing sensitive feature value; nothing left after on_missing='drop'.",
            reason="empty_input",
        )
    if need.sample_weight is not None and not summary.weight_sum > 0:
        raise InputError(
            "sample_weight (current): weights must be one finite, non-negative number per row with a "
            "positive sum.",
            reason="invalid_input",
            subject="sample_weight",
        )
    c = summary.counts
    codes = np.zeros(0, dtype=np.int64)
    groups = Groups(codes, list(c.keys), need.sensitive, None, summary.n_dropped, ("profile", need.key), kept)
    table = fk.GroupCounts(c.weights, c.rows, c.weighted_sq)
    if not need.paired:
        return groups, table, None
    candidate = fk.GroupCounts(
        fk.split_joint(table.weighted)[0],
        fk.split_joint(table.rows)[0],
        None if table.weighted_sq is None else fk.split_joint(table.weighted_sq)[0],
    )
    return groups, candidate, table
