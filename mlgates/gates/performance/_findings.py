"""PerformanceGate's findings: the facts of a comparison or a bound, the decision
(``_decide``), the message (``_describe``) and the numbers recorded beside them."""

from __future__ import annotations

from typing import Any

from mlgates.core.finding import Finding
from mlgates.gates.performance._baseline import Evaluation, Rules, mde
from mlgates.gates.performance._decide import BoundFacts, ComparisonFacts, decide_bound, decide_comparison
from mlgates.gates.performance._describe import describe
from mlgates.stats.performance import MetricSpec

__all__ = ["bound_findings", "comparison_facts", "comparison_finding"]


def comparison_facts(
    subject: str,
    ev: Evaluation,
    sign: float,
    p_reg: float | None,
    rules: Rules,
    *,
    overall: bool,
    short: str | None = None,
) -> ComparisonFacts:
    """What the decision needs to know of one evaluation (``p_reg``: the regression p-value
    as judged, adjusted across segments)."""
    c = ev.comparison
    return ComparisonFacts(
        subject,
        candidate=c.candidate,
        baseline=c.baseline,
        margin=ev.margin,
        sign=sign,
        n=ev.n,
        test=rules.test,
        method=c.method,
        alpha=rules.alpha,
        power=rules.power,
        ci_low=c.ci_low,
        ci_high=c.ci_high,
        regression_pvalue=p_reg,
        se=c.se,
        mde=mde(c, rules),
        min_effect=rules.min_effect,
        overall=overall,
        shortfall=short,
        weighted=rules.test in ("mcnemar", "delong") and bool(c.details.get("weighted")),
        error=str(c.details.get("error", "NaN metric")),
    )


def comparison_finding(
    subject: str,
    ev: Evaluation,
    sign: float,
    p_reg: float | None,
    spec: MetricSpec | None,
    rules: Rules,
    *,
    overall: bool,
    short: str | None = None,
) -> Finding:
    """The finding of candidate vs baseline on one set of rows (the whole sample or a segment)."""
    facts = comparison_facts(subject, ev, sign, p_reg, rules, overall=overall, short=short)
    decision = decide_comparison(facts, insufficient=rules.insufficient)
    c = ev.comparison
    details: dict[str, Any] = {
        **c.details,
        "candidate": c.candidate,
        "baseline": c.baseline,
        "difference": c.difference,
        "margin": ev.margin,
        "n": ev.n,
    }
    for key in ("ci_low", "ci_high", "regression_pvalue"):
        if getattr(c, key) is not None:
            details[key] = getattr(c, key)
    if p_reg is not None and p_reg != c.regression_pvalue:
        details["regression_pvalue_adjusted"] = p_reg
    if facts.mde is not None:
        details["mde"] = facts.mde
    if spec is not None and spec.best is not None and c.baseline == spec.best:
        details["baseline_is_perfect"] = True
    if rules.max_relative_drop is not None and c.baseline == 0:
        details["relative_margin_note"] = "the baseline is 0: a relative margin of 0 was used"
    if decision.outcome == "small_sample":
        details.update({"shortfall": short, "min_samples": rules.min_samples})
    return Finding(
        subject,
        decision.status,
        statistic=c.difference,
        pvalue=c.pvalue,
        threshold=-sign * ev.margin,
        method=c.method,
        reason=decision.reason,
        message=describe(decision),
        details=details,
    )


def bound_findings(subject: str, value: float, rules: Rules, short: str | None = None) -> list[Finding]:
    """One finding per floor (``min_value``) and ceiling (``max_value``) that is set."""
    out = []
    for bound, kind in ((rules.min_value, "min_value"), (rules.max_value, "max_value")):
        if bound is None:
            continue
        facts = BoundFacts(subject, value, bound, kind, short, rules.min_samples)  # type: ignore[arg-type]
        decision = decide_bound(facts, insufficient=rules.insufficient)
        too_few = decision.outcome == "small_sample"
        out.append(
            Finding(
                subject,
                decision.status,
                statistic=value,
                threshold=bound,
                method=kind,
                reason=decision.reason,
                details={"shortfall": short, "min_samples": rules.min_samples} if too_few else {},
                message=describe(decision),
            )
        )
    return out
