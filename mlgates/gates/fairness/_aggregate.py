"""FairnessGate's aggregate: the per-group components combined into one disparity (with its
bootstrap replicates), the facts behind it (the extreme groups, why it is undefined) and its
finding (decided by ``_decide``, written by ``_describe``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgates.core.finding import Finding
from mlgates.core.inputs import Groups
from mlgates.core.status import Status
from mlgates.gates.fairness._common import ZERO_DENOMINATOR, Component, masked
from mlgates.gates.fairness._decide import (
    AggregateFacts,
    BoundFacts,
    ComponentCause,
    Extreme,
    UndefinedFacts,
    binding_bound,
    decide_aggregate,
)
from mlgates.gates.fairness._describe import describe_aggregate
from mlgates.stats import fairness as fk
from mlgates.stats.power import detectable_share_difference

__all__ = ["Rules", "aggregate_components", "aggregate_finding", "undefined_facts"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The parameters of a :class:`~mlgates.FairnessGate` its rules use, resolved once per
    check: ``aggregate`` (of the metric), ``insufficient`` (the status ``on_insufficient``
    gives) and ``higher_is_worse`` (the direction of the worsening)."""

    aggregate: str
    method: str
    combine_rates: str
    min_group_size: int
    confidence: float
    decision: str
    worsening_decision: str
    max_worsening: float | None
    insufficient: Status
    higher_is_worse: bool


def _combine(stacked: np.ndarray, rules: Rules) -> np.ndarray:
    if stacked.shape[0] == 1:
        return stacked[0]
    with np.errstate(invalid="ignore"):
        if rules.combine_rates == "mean":
            return stacked.mean(axis=0)
        if rules.aggregate in ("difference", "group_max"):
            return stacked.max(axis=0)
        return stacked.min(axis=0)


def aggregate_components(
    components: list[Component], rules: Rules
) -> tuple[float, np.ndarray | None, np.ndarray]:
    """Aggregate (combined over components), its replicates, and the groups used."""
    values, reps = [], []
    used_any = np.zeros(len(components[0].rows), dtype=bool)
    for comp in components:
        used = comp.usable(rules.min_group_size)
        used_any |= used
        values.append(fk.aggregate(masked(comp.values, used), rules.aggregate, rules.method, comp.overall))
        if comp.replicates is not None:
            reps.append(
                fk.aggregate(
                    masked(comp.replicates, used), rules.aggregate, rules.method, comp.overall_replicates
                )
            )
    point = _combine(np.stack(values), rules)
    rep = _combine(np.stack(reps), rules) if len(reps) == len(components) else None
    return float(point), rep, used_any


def undefined_facts(components: list[Component], groups: Groups, rules: Rules) -> UndefinedFacts:
    """Why the aggregate of ``components`` is NaN, per component (see ``ComponentCause``)."""
    m = rules.min_group_size
    need = 1 if rules.aggregate in ("group_min", "group_max") or rules.method == "to_overall" else 2
    causes = []
    for comp in components:
        used = comp.usable(m)
        value = fk.aggregate(masked(comp.values, used), rules.aggregate, rules.method, comp.overall)
        if np.isfinite(value):
            continue
        name = comp.name
        why = ZERO_DENOMINATOR.get(name, "no usable rows")
        if used.sum() >= need:  # enough groups: a ratio with a zero (or undefined) reference
            if rules.method == "to_overall":
                causes.append(ComponentCause(name, "zero_overall", value=comp.overall))
            else:
                causes.append(ComponentCause(name, "zero_largest", value=float(np.max(comp.values[used]))))
            continue
        if not comp.defined.any():
            causes.append(ComponentCause(name, "undefined_everywhere", why=why))
            continue
        causes.append(
            ComponentCause(
                name,
                "too_few_groups",
                why=why,
                min_group_size=m,
                groups_needed=need,
                used=tuple(groups.subject(int(g)) for g in np.flatnonzero(used)),
                undefined_in=tuple(groups.subject(int(g)) for g in np.flatnonzero(~comp.defined)),
                size_limited=bool((comp.defined & ~used).any()),
            )
        )
    facts = UndefinedFacts(tuple(causes))
    if not facts.size_limited:
        return facts
    # what the two largest groups could show: the resolution of a rate difference between
    # them (Wald, at rates of 0.5), for the insufficient-data message
    support = components[0].rows if components[0].support is None else components[0].support
    sizes = np.sort(np.asarray(support, dtype=float))[::-1][:2]
    if len(sizes) < 2 or sizes[1] <= 0:
        return facts
    resolution = detectable_share_difference(float(sizes[0]), float(sizes[1]), 1 - rules.confidence)
    return UndefinedFacts(facts.causes, (int(sizes[0]), int(sizes[1])), resolution)


def _extremes(
    components: list[Component], groups: Groups, rules: Rules, details: dict[str, Any]
) -> tuple[Extreme, ...]:
    """The highest and lowest group of each component among those used (also recorded in
    ``details`` as ``<component>_max_group`` / ``_min_group``)."""
    out = []
    for comp in components:
        ok = comp.usable(rules.min_group_size)
        if ok.sum() >= 1:
            vals = np.where(ok, comp.values, np.nan)
            hi_g, lo_g = int(np.nanargmax(vals)), int(np.nanargmin(vals))
            details[f"{comp.name}_max_group"] = groups.subject(hi_g)
            details[f"{comp.name}_min_group"] = groups.subject(lo_g)
            out.append(
                Extreme(
                    comp.name,
                    n_used=int(ok.sum()),
                    all_used=bool(ok.all()),
                    high_group=groups.subject(hi_g),
                    high_value=float(vals[hi_g]),
                    low_group=groups.subject(lo_g),
                    low_value=float(vals[lo_g]),
                )
            )
    return tuple(out)


def aggregate_finding(
    metric: str,
    components: list[Component],
    groups: Groups,
    used: np.ndarray,
    value: float,
    ci: tuple[float, float],
    max_value: float | None,
    min_value: float | None,
    rules: Rules,
) -> Finding:
    """The finding of the aggregate against its bounds."""
    details: dict[str, Any] = {
        "ci_low": ci[0],
        "ci_high": ci[1],
        "confidence": rules.confidence,
        "ci_method": "bootstrap_percentile" if ci[0] == ci[0] else None,
        "method": rules.method,
        "aggregate": rules.aggregate,
        "groups_used": [groups.subject(int(g)) for g in np.flatnonzero(used)],
        "groups_excluded": [groups.subject(int(g)) for g in np.flatnonzero(~used)],
    }
    extremes = _extremes(components, groups, rules, details)
    bound = BoundFacts(value, ci[0], ci[1], max_value, min_value, rules.decision)
    undefined = undefined_facts(components, groups, rules) if value != value else None
    decision = decide_aggregate(
        AggregateFacts(metric, bound, extremes, undefined), insufficient=rules.insufficient
    )
    if decision.outcome == "undefined":
        return Finding(
            metric,
            decision.status,
            method=metric,
            reason=decision.reason,
            threshold=max_value if max_value is not None else min_value,
            details=details,
            message=describe_aggregate(decision),
        )
    return Finding(
        metric,
        decision.status,
        statistic=value,
        threshold=binding_bound(decision.outcome, bound),
        method=metric,
        reason=decision.reason,
        message=describe_aggregate(decision),
        details=details,
    )
