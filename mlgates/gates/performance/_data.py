"""The performance gates' encoding of their inputs: targets and predictions read and checked by
:mod:`mlgates.core.inputs` (NaN, probabilities given as labels, weights), turned into the class
codes and candidate/baseline pairs the metrics need, with the checks that are the metrics' own
(one-class and continuous targets, binary metrics on many classes, probability ranges)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.stats.performance import MetricSpec

__all__ = ["Pair", "Sample", "one_class_error", "resolve_pair"]


@dataclass(frozen=True)
class Sample:
    """Targets and one model's predictions on some rows, ready for a metric.

    ``y`` holds class codes (label metrics and multi-class scores), 0/1 (binary scores),
    floats (regression) or the raw values (callable metrics); ``w`` the rows' ``sample_weight``
    (None when unweighted).
    """

    y: np.ndarray
    pred: np.ndarray
    w: np.ndarray | None = None  # sample weights of the rows, when the check was given some

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def take(self, rows: np.ndarray) -> Sample:
        return Sample(self.y[rows], self.pred[rows], None if self.w is None else self.w[rows])


@dataclass(frozen=True)
class Pair:
    """Candidate and baseline samples. ``paired``: same rows (champion vs challenger);
    otherwise two samples (``compare_to="reference"``). ``baseline`` is None without one."""

    candidate: Sample
    baseline: Sample | None
    paired: bool
    kind: str
    k: int = 0
    pos: int = 1
    classes: tuple[Any, ...] = ()

    def restrict(self, cand_rows: np.ndarray, base_rows: np.ndarray | None) -> Pair:
        base = None
        if self.baseline is not None:
            base = self.baseline.take(cand_rows if self.paired else base_rows)  # type: ignore[arg-type]
        return replace(self, candidate=self.candidate.take(cand_rows), baseline=base)


_show = inputs.shown_values
_unique = inputs._unique


def _encode(arrays: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    joined = np.concatenate([np.asarray(a, dtype=object) if a.dtype.kind in "OUST" else a for a in arrays])
    try:
        classes, codes = np.unique(joined, return_inverse=True)
    except TypeError:
        raise mixed_label_types_error() from None
    out, start = [], 0
    for a in arrays:
        out.append(codes[start : start + a.shape[0]].astype(np.int64))
        start += a.shape[0]
    return classes, out


def _pos_index(classes: np.ndarray, y_classes: np.ndarray, pos_label: Any) -> int:
    if pos_label is None:
        pos_label = y_classes[-1]
    hits = np.flatnonzero(classes == pos_label)
    if hits.size == 0:
        raise InputError(
            f"pos_label={pos_label!r} is not among the labels {_show(classes)}.",
            reason="invalid_input",
            subject="pos_label",
        )
    return int(hits[0])


CONTINUOUS_MIN_DISTINCT = inputs.CONTINUOUS_MIN_DISTINCT


def _continuous_target(y_sets: list[tuple[str, np.ndarray]], metric: str) -> None:
    """A classification metric on a continuous target compares thousands of "classes" (and
    would report accuracy 0): say that the target looks continuous and name the regression
    metrics instead."""
    for side, side_y in y_sets:
        if side_y.dtype.kind != "f":
            continue
        finite = side_y[np.isfinite(side_y)]
        fractional = finite[finite != np.round(finite)]
        if fractional.size == 0:
            continue
        n_distinct = np.unique(finite).size
        if n_distinct > CONTINUOUS_MIN_DISTINCT:
            raise InputError(
                f"{metric}: the target looks continuous ({n_distinct:,} distinct values on {side}, e.g. "
                f"{float(fractional[0]):.4g}), but {metric} is a classification metric; use a regression "
                "metric (r2, mean_absolute_error, root_mean_squared_error, ...), or pass class labels.",
                reason="unsupported_target",
                subject="target",
            )


def _one_class(y_sets: list[tuple[str, np.ndarray]], metric: str) -> None:
    for side, side_y in y_sets:
        values = _unique(side_y, "target")
        if values.size < 2:
            raise one_class_error(metric, side, values, len(side_y))


def mixed_label_types_error() -> InputError:
    """The error of labels of types that cannot be compared (numbers and strings)."""
    return InputError(
        "the target and the predictions hold labels of different types (e.g. numbers and "
        "strings) that cannot be compared; convert them to one type.",
        reason="invalid_prediction",
        subject="prediction",
    )


def one_class_error(metric: str, side: str, values: np.ndarray, n: int) -> InputError:
    """The error of a target with a single class (``values``) on the ``n`` rows of ``side``."""
    return InputError(
        f"{metric}: the target has a single class ({_show(values)}) on the {n} rows "
        f"of {side}; a classifier's performance is undefined on one class: check on a sample "
        "with both outcomes.",
        reason="one_class_target",
        subject="target",
    )


def resolve_pair(
    ctx: CheckContext,
    spec: MetricSpec | None,
    *,
    compare: bool,
    compare_to: str,
    pos_label: Any = None,
    needs_proba: bool = False,
    metric_name: str,
) -> Pair:
    """Read y and predictions for the candidate (on current) and, with ``compare``, the
    baseline (baseline inputs on current, or the same model on reference), with the rows'
    ``sample_weight`` when the check was given weights."""
    pair = _resolve(
        ctx,
        spec,
        compare=compare,
        compare_to=compare_to,
        pos_label=pos_label,
        needs_proba=needs_proba,
        metric_name=metric_name,
    )
    w_cur = ctx.sample_weight("current")
    if w_cur is None:
        return pair
    if w_cur.shape[0] != len(pair.candidate):
        raise InputError(
            f"sample_weight: {w_cur.shape[0]} weights for {len(pair.candidate)} rows of current.",
            reason="length_mismatch",
            subject="sample_weight",
        )
    base = pair.baseline
    if base is not None:
        w_base = w_cur if pair.paired else ctx.sample_weight("reference")
        base = replace(base, w=w_base)
    return replace(pair, candidate=replace(pair.candidate, w=w_cur), baseline=base)


def _resolve(
    ctx: CheckContext,
    spec: MetricSpec | None,
    *,
    compare: bool,
    compare_to: str,
    pos_label: Any,
    needs_proba: bool,
    metric_name: str,
) -> Pair:
    kind = spec.kind if spec is not None else "raw"
    paired = compare_to == "baseline"
    sides: list[tuple[str, bool]] = [("current", False)]
    if compare:
        sides.append(("current", True) if paired else ("reference", False))

    y_sides = [side for side, _ in sides[: 1 if paired else 2]]
    ys = [inputs.labels(ctx, side) for side in y_sides]  # type: ignore[arg-type]
    for side, y in zip(y_sides, ys):
        if y.shape[0] == 0:
            raise InputError(f"{side} has no rows: the metric is undefined", reason="empty_input")
    y_for = [ys[0], ys[0] if paired else ys[-1]]

    def scores(side: str, baseline: bool) -> np.ndarray:
        return inputs.scores(ctx, side, baseline=baseline)  # type: ignore[arg-type]

    def predictions(side: str, baseline: bool, y: np.ndarray) -> np.ndarray:
        if kind == "regression":
            name = "baseline_prediction" if baseline else "prediction"
            return inputs.numbers(name, ctx.prediction(side, baseline=baseline))  # type: ignore[arg-type]
        return inputs.predicted_labels(ctx, side, baseline=baseline, y=y)  # type: ignore[arg-type]

    if kind == "raw":
        preds = [
            (scores(s, b) if needs_proba else inputs.complete("prediction", ctx.prediction(s, baseline=b)))  # type: ignore[arg-type]
            for s, b in sides
        ]
        samples = [Sample(y_for[i], p) for i, p in enumerate(preds)]
        return Pair(samples[0], samples[1] if compare else None, paired, kind)

    if kind == "regression":
        yf = [inputs.numbers("target", y) for y in y_for]
        preds = [predictions(s, b, yf[i]) for i, (s, b) in enumerate(sides)]
        samples = [Sample(yf[i], p) for i, p in enumerate(preds)]
        return Pair(samples[0], samples[1] if compare else None, paired, kind)

    _continuous_target(list(zip(y_sides, ys)), metric_name)
    _one_class(list(zip(y_sides, ys)), metric_name)
    y_classes = _unique(np.concatenate(ys) if len(ys) > 1 else ys[0], "target")
    if kind == "label":
        preds = [predictions(s, b, y_for[i]) for i, (s, b) in enumerate(sides)]
        classes, codes = _encode([*ys, *preds])
        y_codes = codes[: len(ys)]
        p_codes = codes[len(ys) :]
        k = len(classes)
        assert spec is not None
        if spec.average == "binary" and k > 2:
            raise InputError(
                f"{metric_name}: binary metric, but the labels have {k} classes {_show(classes)}; use "
                f"'{spec.base}_macro', '{spec.base}_micro' or '{spec.base}_weighted'.",
                reason="invalid_input",
                subject="target",
            )
        pos = _pos_index(classes, y_classes, pos_label) if k == 2 or spec.average == "binary" else 1
        yc = [y_codes[0], y_codes[0] if paired else y_codes[-1]]
        samples = [Sample(yc[i], p) for i, p in enumerate(p_codes)]
        return Pair(
            samples[0],
            samples[1] if compare else None,
            paired,
            kind,
            k,
            pos,
            tuple(c.item() if hasattr(c, "item") else c for c in classes),
        )

    # score metrics
    preds = [scores(s, b) for s, b in sides]
    k = y_classes.size
    assert spec is not None
    if k == 2:
        pos = _pos_index(y_classes, y_classes, pos_label)
        fixed = []
        for (side, b), p in zip(sides, preds):
            if p.ndim == 2 and p.shape[1] == 1:
                p = p[:, 0]
            if p.ndim == 2 and p.shape[1] == 2:
                p = p[:, pos]
            elif p.ndim == 1 and pos == 0:
                # a 1-d probability (or score) is that of the greater class, like
                # predict_proba[:, 1]; for the other class reverse it
                p = 1.0 - p if p.size == 0 or (p.min() >= 0 and p.max() <= 1) else -p
            if p.ndim != 1:
                raise InputError(
                    f"{'baseline_proba' if b else 'proba'} ({side}): a binary target needs one "
                    f"probability per row, got shape {p.shape}.",
                    reason="invalid_proba",
                    subject="proba",
                )
            fixed.append(p)
        preds = fixed
        ys01 = [(y == y_classes[pos]).astype(np.int64) for y in y_for]
        if spec.base in ("log_loss", "brier_score_loss"):
            for (_, b), p in zip(sides, preds):
                if p.min() < 0 or p.max() > 1:
                    name = "baseline_proba" if b else "proba"
                    raise InputError(
                        f"{name}: {spec.name} needs probabilities in [0, 1]; got values in "
                        f"[{p.min():.4g}, {p.max():.4g}]",
                        reason="invalid_proba",
                        subject=name,
                    )
        samples = [Sample(ys01[i], p) for i, p in enumerate(preds)]
        return Pair(
            samples[0],
            samples[1] if compare else None,
            paired,
            kind,
            2,
            pos,
            tuple(c.item() if hasattr(c, "item") else c for c in y_classes),
        )
    if spec.base not in ("log_loss", "roc_auc"):
        raise InputError(
            f"{metric_name} is defined for binary targets; the target has {k} classes.",
            reason="invalid_input",
            subject="target",
        )
    for p in preds:
        if p.ndim != 2 or p.shape[1] != k:
            raise InputError(
                f"proba: {k} classes in the target need an (n, {k}) probability array, got shape {p.shape}.",
                reason="invalid_proba",
                subject="proba",
            )
    codes = [np.searchsorted(y_classes, y) for y in y_for]
    samples = [Sample(codes[i], p) for i, p in enumerate(preds)]
    return Pair(
        samples[0],
        samples[1] if compare else None,
        paired,
        kind,
        k,
        1,
        tuple(c.item() if hasattr(c, "item") else c for c in y_classes),
    )
