"""One finding per group and component: the group's facts, its decision (``decide_group``)
and message (``describe_group``), with the numbers behind them in ``details``."""

from __future__ import annotations

from typing import Any

from mlgates.core.finding import Finding
from mlgates.core.inputs import Groups
from mlgates.core.status import Status
from mlgates.gates.fairness._common import ZERO_DENOMINATOR, Component, half_width
from mlgates.gates.fairness._decide import GroupFacts, decide_group
from mlgates.gates.fairness._describe import describe_group

__all__ = ["group_findings"]


def group_findings(
    comp: Component,
    groups: Groups,
    min_group_size: int,
    insufficient: Status,
    confidence: float,
) -> list[Finding]:
    """One finding per group for one component: PASS (informational) when used, else the
    insufficient status with reason ``insufficient_samples`` or ``undefined_statistic``."""
    out = []
    support = comp.rows if comp.support is None else comp.support
    for g in range(groups.n_groups):
        n, k = int(comp.rows[g]), int(support[g])
        facts = GroupFacts(
            groups.subject(g),
            comp.name,
            n=n,
            support=k,
            defined=bool(comp.defined[g]),
            value=float(comp.values[g]),
            ci_low=float(comp.ci_low[g]),
            ci_high=float(comp.ci_high[g]),
            min_group_size=min_group_size,
            why=ZERO_DENOMINATOR.get(comp.name, "no usable rows"),
            n_resolution=half_width(n, confidence) if n < min_group_size else None,
            support_resolution=half_width(k, confidence) if k < min_group_size else None,
        )
        decision = decide_group(facts, insufficient=insufficient)
        details: dict[str, Any] = {"n": n, "metric": comp.name}
        if comp.denominators is not None:
            details["numerator"] = float(comp.numerators[g])  # type: ignore[index]
            details["denominator"] = float(comp.denominators[g])
        if decision.outcome == "small":
            # judged on its size: the row reads "group_size n < min_group_size"; the metric's
            # value is not scored (kept in details["value"] for the record)
            details["value"] = facts.value if facts.defined else None
            statistic: float | None = n
            method, threshold = "group_size", float(min_group_size)
        elif decision.outcome == "undefined":
            statistic, method, threshold = None, comp.name, None
        elif decision.outcome == "small_support":
            details["value"] = facts.value
            details["support"] = k
            statistic, method, threshold = k, "group_size", float(min_group_size)
        else:
            details.update(
                {
                    "ci_low": facts.ci_low,
                    "ci_high": facts.ci_high,
                    "ci_method": comp.ci_method,
                    "confidence": confidence,
                }
            )
            statistic, method, threshold = facts.value, comp.name, None
        out.append(
            Finding(
                facts.subject,
                decision.status,
                statistic=statistic,
                threshold=threshold,
                method=method,
                reason=decision.reason,
                message=describe_group(decision),
                details=details,
            )
        )
    return out
