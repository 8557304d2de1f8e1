"""PerformanceGate per segment: the same comparison (or the same floors) within each group of
the ``segments`` columns, segments below ``min_segment_size`` not judged, the segments'
regression p-values corrected for multiple testing, worst first."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.gates.performance._baseline import Evaluation, Rules, evaluate
from mlgates.gates.performance._compare import metric_value
from mlgates.gates.performance._data import Pair
from mlgates.gates.performance._findings import bound_findings, comparison_finding
from mlgates.stats.performance import MetricSpec, adjust_pvalues

__all__ = ["segment_findings"]


def _worst_first(statistic: float | None, sign: float) -> float:
    if statistic is None or not math.isfinite(statistic):
        return math.inf
    return sign * statistic


def _too_small(segment: str, size: int, rules: Rules) -> Finding:
    return Finding(
        segment,
        rules.insufficient,
        statistic=float(size),
        threshold=float(rules.min_segment_size),
        method="min_segment_size",
        reason="insufficient_samples",
        message=f"{segment}: {size} rows < min_segment_size {rules.min_segment_size}; not judged",
    )


def segment_findings(
    ctx: CheckContext,
    pair: Pair,
    spec: MetricSpec | None,
    fn: Callable[..., float] | None,
    sign: float,
    comparing: bool,
    rules: Rules,
) -> tuple[list[Finding], dict[str, float]]:
    """One finding per segment (judged ones worst first, then those too small) and the
    segment metrics (``segments_judged``, ``segments_too_small``, ``segments_failed``,
    ``worst_segment_difference``)."""
    names, ids = inputs.segments(ctx, rules.segments, "current")
    if ids.shape[0] != len(pair.candidate):
        raise InputError(
            f"segments: current has {ids.shape[0]} rows but the predictions have {len(pair.candidate)}.",
            reason="length_mismatch",
            subject="segments",
        )
    base_index: dict[str, np.ndarray] = {}
    if comparing and not pair.paired:
        ref_names, ref_ids = inputs.segments(ctx, rules.segments, "reference")
        base_index = {n: np.flatnonzero(ref_ids == i) for i, n in enumerate(ref_names)}
    small: list[Finding] = []
    judged: list[tuple[str, Evaluation | float]] = []
    for i, seg in enumerate(names):
        rows = np.flatnonzero(ids == i)
        brows = base_index.get(seg, np.array([], dtype=np.int64)) if base_index else None
        size = len(rows) if brows is None else min(len(rows), len(brows))
        if size < rules.min_segment_size:
            small.append(_too_small(seg, size, rules))
            continue
        sub = pair.restrict(rows, brows)
        if comparing:
            judged.append((seg, evaluate(sub, spec, fn, sign, rules)))
        else:
            judged.append((seg, metric_value(sub, spec, fn, sub.candidate)))
    out: list[Finding] = []
    seg_metrics: dict[str, float] = {
        "segments_judged": len(judged),
        "segments_too_small": len(small),
    }
    if comparing:
        evs = [(s, e) for s, e in judged if isinstance(e, Evaluation)]
        pvals = [e.comparison.regression_pvalue for _, e in evs]
        usable = [k for k, p in enumerate(pvals) if p is not None and math.isfinite(p)]
        adjusted: dict[int, float] = {}
        if usable and rules.segment_correction is not None:
            adj = adjust_pvalues(np.array([pvals[k] for k in usable]), rules.segment_correction)
            adjusted = dict(zip(usable, adj.tolist()))
        for k, (seg, ev) in enumerate(evs):
            p = adjusted.get(k, pvals[k])
            out.append(comparison_finding(seg, ev, sign, p, spec, rules, overall=False))
        diffs = [sign * e.comparison.difference for _, e in evs if math.isfinite(e.comparison.difference)]
        if diffs:
            seg_metrics["worst_segment_difference"] = sign * min(diffs)
    else:
        for seg, val in judged:
            assert isinstance(val, float)
            out.extend(bound_findings(seg, val, rules))
    out.sort(key=lambda f: (-(f.status.rank or 0), _worst_first(f.statistic, sign)))
    seg_metrics["segments_failed"] = float(sum(f.status is Status.FAIL for f in out))
    return out + small, seg_metrics
