"""Per-group metric values, intervals and bootstrap replicates for the three kinds of metric:
count-based rates, regression losses, and arbitrary callables (through fairlearn's MetricFrame)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mlgates.gates.fairness._common import Component
from mlgates.stats import fairness as fk


def _quantiles(rep: np.ndarray | None, confidence: float, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    if rep is None:
        return np.full(n_groups, np.nan), np.full(n_groups, np.nan)
    lo = np.empty(n_groups)
    hi = np.empty(n_groups)
    for g in range(n_groups):
        lo[g], hi[g] = fk.percentile_interval(rep[:, g], confidence) if rep.shape[0] else (np.nan, np.nan)
    return lo, hi


def count_components(
    names: tuple[str, ...],
    counts: fk.GroupCounts,
    replicates: np.ndarray | None,
    confidence: float,
) -> list[Component]:
    """Components of count metrics from the confusion table and its replicates (B, G, 4)."""
    out = []
    total = counts.weighted.sum(axis=0)
    for name in names:
        values = fk.rate(counts.weighted, name)
        num_w, den_w = fk.rate_parts(counts.weighted, name)
        _, den_rows = fk.rate_parts(counts.rows.astype(float), name)
        defined = (den_rows > 0) & (den_w > 0)
        if name in fk.PROPORTION_METRICS:
            neff = fk.effective_size(counts, name)
            lo, hi = fk.wilson_interval(np.nan_to_num(values) * neff, neff, confidence)
            method: str | None = "wilson" if counts.weighted_sq is None else "wilson_kish"
        else:
            lo, hi = _quantiles(
                None if replicates is None else fk.rate(replicates, name), confidence, counts.n_groups
            )
            method = "bootstrap_percentile" if replicates is not None else None
        out.append(
            Component(
                name=name,
                values=values,
                rows=counts.rows.sum(axis=1),
                defined=defined,
                ci_low=lo,
                ci_high=hi,
                ci_method=method,
                overall=float(fk.rate(total, name)),
                replicates=None if replicates is None else fk.rate(replicates, name),
                overall_replicates=None if replicates is None else fk.rate(replicates.sum(axis=1), name),
                numerators=num_w,
                denominators=den_w,
                support=den_rows,
            )
        )
    return out


def loss_values(name: str, y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Per-row loss whose weighted group mean gives the metric (before the RMSE square root)."""
    err = pred - y
    return np.abs(err) if name == "mean_absolute_error" else err * err


def _finish_loss(name: str, means: np.ndarray) -> np.ndarray:
    return np.sqrt(means) if name == "root_mean_squared_error" else means


def regression_component(
    name: str,
    codes: np.ndarray,
    n_groups: int,
    losses: np.ndarray,
    w: np.ndarray | None,
    replicate_means: np.ndarray | None,
    confidence: float,
) -> Component:
    """A regression loss per group; ``replicate_means`` (B, G) are bootstrap group means."""
    means, wsum, rows = fk.group_means(codes, n_groups, losses, w)
    values = _finish_loss(name, means)
    overall_mean = float(np.sum(np.nan_to_num(means) * wsum) / wsum.sum()) if wsum.sum() > 0 else np.nan
    rep = rep_overall = None
    if replicate_means is not None:
        rep = _finish_loss(name, replicate_means)
        with np.errstate(invalid="ignore", divide="ignore"):
            rep_overall = _finish_loss(name, np.nansum(replicate_means * wsum, axis=1) / wsum.sum())
    lo, hi = _quantiles(rep, confidence, n_groups)
    return Component(
        name=name,
        values=values,
        rows=rows,
        defined=wsum > 0,
        ci_low=lo,
        ci_high=hi,
        ci_method="bootstrap_percentile" if rep is not None else None,
        overall=float(_finish_loss(name, np.asarray(overall_mean))),
        replicates=rep,
        overall_replicates=rep_overall,
    )


def callable_values(
    fn: Callable[..., float],
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    pred: np.ndarray,
    w: np.ndarray | None,
) -> tuple[np.ndarray, float]:
    """Per-group values and the overall value of ``fn`` through fairlearn's MetricFrame."""
    from fairlearn.metrics import MetricFrame

    params = {} if w is None else {"sample_params": {"sample_weight": w}}
    frame = MetricFrame(metrics=fn, y_true=y, y_pred=pred, sensitive_features=codes, **params)
    by_group = frame.by_group
    values = np.full(n_groups, np.nan)
    for code, value in by_group.items():
        values[int(code)] = float(value)
    return values, float(frame.overall)


def row_bootstrap_callable(
    fn: Callable[..., float],
    codes: np.ndarray,
    n_groups: int,
    y: np.ndarray,
    preds: list[np.ndarray],
    w: np.ndarray | None,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Stratified row bootstrap of a callable per group, for one or two prediction vectors
    resampled on the same rows. Returns per prediction (B, G) group values and (B,) overall."""
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_codes = codes[order]
    reps = [np.full((n_resamples, n_groups), np.nan) for _ in preds]
    overall = [np.full(n_resamples, np.nan) for _ in preds]

    def call(yy: np.ndarray, pp: np.ndarray, ww: np.ndarray | None) -> float:
        try:
            return float(fn(yy, pp) if ww is None else fn(yy, pp, sample_weight=ww))
        except ValueError:
            return float("nan")

    for b in range(n_resamples):
        pick = order[starts[sorted_codes] + (rng.random(len(codes)) * sizes[sorted_codes]).astype(np.int64)]
        yb = y[pick]
        wb = None if w is None else w[pick]
        for k, pred in enumerate(preds):
            pb = pred[pick]
            for g in range(n_groups):
                sl = slice(starts[g], starts[g] + sizes[g])
                if sizes[g]:
                    reps[k][b, g] = call(yb[sl], pb[sl], None if wb is None else wb[sl])
            overall[k][b] = call(yb, pb, wb)
    return reps, overall


def callable_component(
    name: str,
    values: np.ndarray,
    overall: float,
    rows: np.ndarray,
    rep: np.ndarray | None,
    rep_overall: np.ndarray | None,
    confidence: float,
) -> Component:
    lo, hi = _quantiles(rep, confidence, len(values))
    return Component(
        name=name,
        values=values,
        rows=rows,
        defined=np.isfinite(values),
        ci_low=lo,
        ci_high=hi,
        ci_method="bootstrap_percentile" if rep is not None else None,
        overall=overall,
        replicates=rep,
        overall_replicates=rep_overall,
    )


def resolve_callable(metric: Any) -> tuple[Callable[..., float], str] | None:
    """A callable metric and its display name: a function, or a name in sklearn.metrics."""
    if callable(metric):
        return metric, getattr(metric, "__name__", type(metric).__name__)
    import sklearn.metrics

    fn = getattr(sklearn.metrics, metric, None)
    if callable(fn) and metric.endswith(("_score", "_error", "_loss")):
        return fn, metric
    return None
