"""Resolving the inputs of fairness gates: sensitive groups, binary labels, weights, and the
per-group counts that every fairness gate of a suite run shares through ``ctx.cached``."""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core._text import pluralize
from mlgates.core._values import complete
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.stats import fairness as fk

MISSING_LABEL = "<NA>"


@dataclasses.dataclass(frozen=True)
class Groups:
    """Sensitive groups of the rows of ``current`` (after the missing-value policy).

    ``keep`` is the row mask applied to every other per-row input (None when no row was
    dropped), ``codes`` the group code of each kept row.
    """

    codes: np.ndarray
    labels: list[tuple[Any, ...]]
    names: tuple[str, ...]
    keep: np.ndarray | None
    n_dropped: int
    key: Hashable
    n_rows: int

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    def subject(self, g: int) -> str:
        """``"sex=Female"`` or ``"sex=Female, race=Black"``."""
        parts = []
        for name, value in zip(self.names, self.labels[g]):
            shown = MISSING_LABEL if value is None else value
            parts.append(f"{name}={shown}")
        return ", ".join(parts)

    def take(self, values: np.ndarray, name: str = "input") -> np.ndarray:
        """Per-row values restricted to the kept rows (InputError if the length differs)."""
        if len(values) != self.n_rows:
            raise InputError(
                f"{name} has {len(values)} rows but sensitive_features has {self.n_rows}; pass one "
                "value per row.",
                reason="length_mismatch",
                subject=name,
            )
        return values if self.keep is None else values[self.keep]


def _sensitive_columns(
    ctx: CheckContext, spec: Any, from_param: bool = False
) -> tuple[list[Any], tuple[str, ...]]:
    """Arrays and names of the sensitive features from a gate parameter (always column
    names) or the check input (column names, or values)."""
    if from_param and not isinstance(spec, str):
        names = tuple(spec)
        return [ctx.column("current", c).to_numpy() for c in names], tuple(str(c) for c in names)
    if isinstance(spec, (str, int)) and not isinstance(spec, bool):
        return [ctx.column("current", spec).to_numpy()], (str(spec),)
    if isinstance(spec, str) or (
        isinstance(spec, Sequence)
        and not isinstance(spec, (str, bytes))
        and len(spec) > 0
        and all(isinstance(c, str) for c in spec)
    ):
        names = (spec,) if isinstance(spec, str) else tuple(spec)
        cols = [ctx.column("current", c).to_numpy() for c in names]
        return cols, names
    if isinstance(spec, (pd.DataFrame, pd.Series)):
        spec = ctx.aligned("sensitive_features", spec)  # by index label, like every per-row input
    if isinstance(spec, pd.DataFrame):
        return [spec[c].to_numpy() for c in spec.columns], tuple(str(c) for c in spec.columns)
    if isinstance(spec, pd.Series):
        name = str(spec.name) if spec.name is not None else "sensitive_feature_0"
        return [spec.to_numpy()], (name,)
    if isinstance(spec, dict):
        return [np.asarray(v) for v in spec.values()], tuple(str(k) for k in spec)
    arr = np.asarray(spec, dtype=object) if isinstance(spec, (list, tuple)) else np.asarray(spec)
    if arr.ndim == 1:
        return [arr], ("sensitive_feature_0",)
    if arr.ndim == 2:
        return [arr[:, j] for j in range(arr.shape[1])], tuple(
            f"sensitive_feature_{j}" for j in range(arr.shape[1])
        )
    raise InputError(
        f"sensitive_features: expected column name(s), a 1-d or 2-d array, a Series or a "
        f"DataFrame; got an array with {arr.ndim} dimensions.",
        reason="invalid_input",
        subject="sensitive_features",
    )


def resolve_groups(ctx: CheckContext, param: Any, missing: str) -> Groups:
    """Groups from the gate's ``sensitive_features`` (precedence) or the check input."""
    key_src: tuple[Any, ...]
    if param is not None:
        spec, key_src = param, ("param", param if isinstance(param, str) else tuple(param))
    else:
        spec = ctx.require("sensitive_features", "Fairness gates need the sensitive feature(s).")
        key_src = ("input",)
    key = ("fairness.groups", key_src, missing)
    return ctx.cached(key, lambda: _build_groups(ctx, spec, missing, key, from_param=param is not None))


def _build_groups(
    ctx: CheckContext, spec: Any, missing: str, key: Hashable, *, from_param: bool = False
) -> Groups:
    cols, names = _sensitive_columns(ctx, spec, from_param)
    n = len(ctx.frame("current")) if ctx.has("current") else len(cols[0])
    for name, col in zip(names, cols):
        if len(col) != n:
            raise InputError(
                f"sensitive feature {name!r} has {len(col)} rows but current has {n}; pass one "
                "value per row.",
                reason="length_mismatch",
                subject=name,
            )
    if n == 0:
        raise InputError("current has no rows: group rates are undefined.", reason="empty_input")
    na = np.zeros(n, dtype=bool)
    for col in cols:
        na |= np.asarray(pd.isna(col), dtype=bool)
    n_missing = int(na.sum())
    if n_missing and missing == "error":
        bad = [nm for nm, c in zip(names, cols) if np.asarray(pd.isna(c)).any()]
        raise InputError(
            f"sensitive {'feature' if len(bad) == 1 else 'features'} {bad}: "
            f"{pluralize(n_missing, 'missing value')}; pass "
            "missing='as_group' to treat them as a group or missing='drop' to drop those rows.",
            reason="missing_sensitive_values",
            subject=bad[0],
        )
    codes, labels = fk.group_codes(cols, dropna=(missing == "drop"))
    keep = None
    if missing == "drop" and n_missing:
        keep = codes >= 0
        codes = codes[keep]
        if len(codes) == 0:
            raise InputError(
                "every row has a missing sensitive value; nothing left after missing='drop'.",
                reason="empty_input",
            )
    return Groups(codes, labels, names, keep, n_missing if missing == "drop" else 0, key, n)


# -- labels ------------------------------------------------------------------------------------
def _looks_like_probability(v: np.ndarray) -> bool:
    if v.dtype.kind != "f":
        return False
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return False
    return bool(finite.min() >= 0 and finite.max() <= 1 and (finite != np.round(finite)).any())


def binarize(values: np.ndarray, name: str, pos_label: Any, *, is_prediction: bool) -> np.ndarray:
    """0/1 int8 array from labels; clear InputErrors for probabilities, NaN, inf and non-binary."""
    v = complete(name, values)  # NaN: missing_values; inf, complex: invalid_input
    if v.dtype.kind == "b":
        return v.astype(np.int8)
    if v.dtype.kind in "iuf":
        if v.dtype.kind == "f" and np.isnan(v).any():
            raise InputError(
                f"{name}: {pluralize(int(np.isnan(v).sum()), 'missing value')}; labels must be complete.",
                reason="missing_values",
                subject=name,
            )
        if is_prediction and _looks_like_probability(v):
            raise InputError(
                f"{name} holds probabilities (values between 0 and 1 such as "
                f"{float(v[(v != np.round(v))][0]):.3g}), but this metric needs predicted labels. "
                "Pass decision_threshold=0.5 (or your own cut-off) to the gate to binarize them, or "
                "pass the predicted labels.",
                reason="probabilities_given",
                subject=name,
            )
        if pos_label is None:
            lo, hi = v.min(), v.max()
            if lo >= 0 and hi <= 1 and ((v == 0) | (v == 1)).all():
                return v.astype(np.int8)
            if lo >= -1 and hi <= 1 and ((v == -1) | (v == 1)).all():
                return (v == 1).astype(np.int8)
    elif v.dtype.kind == "O" and bool(pd.isna(v).any()):
        raise InputError(
            f"{name}: {pluralize(int(pd.isna(v).sum()), 'missing value')}; labels must be complete.",
            reason="missing_values",
            subject=name,
        )
    uniques = pd.unique(v.ravel() if v.dtype.kind != "O" else v)
    if len(uniques) > 2:
        raise InputError(
            f"{name}: {len(uniques)} distinct values (e.g. {list(uniques[:5])}); classification "
            "fairness metrics need binary labels. Pass pos_label=... only for binary data, or "
            "use a regression metric such as 'mean_absolute_error'.",
            reason="non_binary_labels",
            subject=name,
        )
    if pos_label is None:
        if set(uniques.tolist()) <= {True, False}:
            return (v == 1).astype(np.int8)
        raise InputError(
            f"{name}: values {sorted(map(str, uniques.tolist()))} are not 0/1; pass pos_label=... "
            "to the gate to say which one is the positive (favourable) outcome.",
            reason="pos_label_required",
            subject=name,
        )
    return (v == pos_label).astype(np.int8)


def numeric(values: np.ndarray, name: str) -> np.ndarray:
    """Float array for regression metrics; NaN, inf or non-numeric is an InputError."""
    complete(name, values)
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name}: regression metrics need numeric values.", reason="invalid_input", subject=name
        ) from None
    if np.isnan(v).any():
        raise InputError(
            f"{name}: {pluralize(int(np.isnan(v).sum()), 'missing value')}.",
            reason="missing_values",
            subject=name,
        )
    return v


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
        lambda: binarize(ctx.labels("current"), "target", pos_label, is_prediction=False),
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
            return binarize(raw, name, pos_label, is_prediction=True)
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
        s = numeric(s, name)
        return (s >= threshold).astype(np.int8)

    name = "baseline_prediction" if baseline else "prediction"
    return groups.take(ctx.cached(("fairness.pred", which, _key(pos_label), threshold), compute), name)


def scores(ctx: CheckContext, groups: Groups, *, baseline: bool) -> np.ndarray:
    """Continuous predictions (regression) for kept rows."""
    name = "baseline_prediction" if baseline else "prediction"
    raw = ctx.prediction("current", baseline=baseline)
    return groups.take(ctx.cached(("fairness.score", name), lambda: numeric(raw, name)), name)


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
