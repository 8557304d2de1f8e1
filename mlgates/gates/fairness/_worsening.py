"""FairnessGate's non-regression against a baseline model: both models' aggregates on the same
groups, the paired-bootstrap interval of the worsening, and its finding (decided by
``decide_worsening``, written by ``describe_worsening``)."""

from __future__ import annotations

import dataclasses

import numpy as np

from mlgates.core.finding import Finding
from mlgates.core.inputs import Groups
from mlgates.gates.fairness._aggregate import Rules, aggregate_components, undefined_facts
from mlgates.gates.fairness._common import Component
from mlgates.gates.fairness._decide import WorseningFacts, decide_worsening
from mlgates.gates.fairness._describe import describe_worsening
from mlgates.stats import fairness as fk

__all__ = ["worsening_facts", "worsening_finding"]


def worsening_facts(
    metric: str, components: list[Component], base: list[Component], groups: Groups, rules: Rules
):
    """The candidate's and the baseline's aggregates on the groups usable for both, the
    interval of the worsening, and why it is undefined when it is."""
    # the same groups for both models: those usable for the candidate and the baseline
    both = [dataclasses.replace(b, defined=b.defined & c.defined) for c, b in zip(components, base)]
    cand = [dataclasses.replace(c, defined=c.defined & b.defined) for c, b in zip(components, base)]
    value_c, reps_c, _ = aggregate_components(cand, rules)
    value_b, reps_b, _ = aggregate_components(both, rules)
    sign = 1.0 if rules.higher_is_worse else -1.0
    ci = (np.nan, np.nan)
    if reps_c is not None and reps_b is not None:
        ci = fk.percentile_interval(sign * (reps_c - reps_b), rules.confidence)
    facts = WorseningFacts(
        metric,
        candidate=value_c,
        baseline=value_b,
        ci_low=float(ci[0]),
        ci_high=float(ci[1]),
        margin=float(rules.max_worsening or 0.0),
        decision=rules.worsening_decision,
        confidence=rules.confidence,
        higher_is_worse=rules.higher_is_worse,
    )
    if facts.worsening == facts.worsening:
        return facts
    if value_c != value_c:
        return dataclasses.replace(
            facts, undefined=undefined_facts(cand, groups, rules), undefined_side="candidate"
        )
    return dataclasses.replace(
        facts, undefined=undefined_facts(both, groups, rules), undefined_side="baseline"
    )


def worsening_finding(
    metric: str,
    components: list[Component],
    base: list[Component] | None,
    groups: Groups,
    rules: Rules,
) -> tuple[Finding, dict[str, float]]:
    """The finding of the candidate's worsening against the baseline, and its metrics
    (``baseline_<metric>``, ``<metric>_worsening`` and its interval)."""
    assert base is not None
    facts = worsening_facts(metric, components, base, groups, rules)
    worsening = facts.worsening
    metrics = {
        f"baseline_{metric}": facts.baseline,
        f"{metric}_worsening": worsening,
        f"{metric}_worsening_ci_low": facts.ci_low,
        f"{metric}_worsening_ci_high": facts.ci_high,
    }
    details = {
        "candidate": facts.candidate,
        "baseline": facts.baseline,
        "ci_low": facts.ci_low,
        "ci_high": facts.ci_high,
        "confidence": rules.confidence,
        "ci_method": "paired_bootstrap_percentile",
        "direction": "higher is worse" if rules.higher_is_worse else "lower is worse",
    }
    decision = decide_worsening(facts, insufficient=rules.insufficient)
    subject = f"{metric} vs baseline"
    if decision.outcome == "undefined":
        finding = Finding(
            subject,
            decision.status,
            method="fairness_non_regression",
            reason=decision.reason,
            threshold=rules.max_worsening,
            details=details,
            message=describe_worsening(decision),
        )
    else:
        finding = Finding(
            subject,
            decision.status,
            statistic=worsening,
            threshold=rules.max_worsening,
            method="fairness_non_regression",
            reason=decision.reason,
            details=details,
            message=describe_worsening(decision),
        )
    return finding, metrics
