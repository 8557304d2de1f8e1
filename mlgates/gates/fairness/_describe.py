"""How the fairness gates say what they decided: one message function per outcome of a decision
rule (:mod:`mlgates.gates.fairness._decide`), written from the decision's facts only.

>>> from mlgates.core.status import Status
>>> from mlgates.gates.fairness._decide import WorseningFacts, decide_worsening
>>> facts = WorseningFacts("demographic_parity_difference", candidate=0.30, baseline=0.10,
...                        ci_low=0.12, ci_high=0.28, margin=0.05, decision="ci",
...                        confidence=0.95, higher_is_worse=True)
>>> print(describe_worsening(decide_worsening(facts, insufficient=Status.WARN)))
demographic_parity_difference: candidate 0.3 vs baseline 0.1, 0.2 worse [0.12, 0.28];
worsening > 0.05 allowed (the whole 95% interval)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlgates.core._text import pluralize
from mlgates.gates._columns import share_text
from mlgates.gates.fairness._common import fmt
from mlgates.gates.fairness._decide import (
    AggregateFacts,
    BoundFacts,
    ComponentCause,
    Decision,
    Extreme,
    GroupFacts,
    RatioFacts,
    UndefinedFacts,
    WorseningFacts,
)

__all__ = [
    "bound_text",
    "describe_aggregate",
    "describe_group",
    "describe_ratio",
    "describe_worsening",
    "impact_summary",
    "impact_undefined",
    "reference_too_small",
    "single_group",
    "single_group_for_ratio",
    "undefined_text",
]

_INCONCLUSIVE = ", but its confidence interval includes the bound"


# -- a value against its bounds (one text per outcome of decide_bound) ---------------------------


def _above(f: BoundFacts) -> str:
    return f"> {f.max_value:.4g} allowed"


def _below(f: BoundFacts) -> str:
    return f"< {f.min_value:.4g} required"


def _within(f: BoundFacts) -> str:
    if f.max_value is not None and f.min_value is not None:
        return f"within [{f.min_value:.4g}, {f.max_value:.4g}]"
    if f.max_value is not None:
        return f"<= {f.max_value:.4g} allowed"
    if f.min_value is not None:
        return f">= {f.min_value:.4g} required"
    return ""


_BOUND_TEXT: dict[str, Callable[[BoundFacts], str]] = {
    "above": _above,
    "above_point_only": lambda f: _above(f) + _INCONCLUSIVE,
    "below": _below,
    "below_point_only": lambda f: _below(f) + _INCONCLUSIVE,
    "within": _within,
}


def bound_text(outcome: str, facts: BoundFacts) -> str:
    """The comparison with the bound ("> 0.1 allowed") for an outcome of ``decide_bound``."""
    return _BOUND_TEXT[outcome](facts)


# -- why an aggregate is undefined ---------------------------------------------------------------


def _cause_text(c: ComponentCause) -> str:
    name = c.component
    if c.kind == "zero_overall":
        return f"the overall {name} is {fmt(name, c.value)}, so the ratio is undefined"  # type: ignore[arg-type]
    if c.kind == "zero_largest":
        return f"the largest {name} is {fmt(name, c.value)}, so the ratio is 0 / 0"  # type: ignore[arg-type]
    if c.kind == "undefined_everywhere":
        return f"{name} undefined in every group: {c.why}"
    head = "fewer than two groups" if c.groups_needed == 2 else "no group"
    text = f"{head} with >= {c.min_group_size} rows and a defined {name} (used: {list(c.used) or 'none'})"
    if c.undefined_in:
        text += f"; undefined in {list(c.undefined_in)} ({c.why})"
    return text


def undefined_text(facts: UndefinedFacts) -> str:
    """Why an aggregate is undefined, per component; with groups left out for their size,
    also what the two largest groups could resolve."""
    if not facts.causes:
        return "the components' aggregates do not combine to a value"
    text = "; ".join(_cause_text(c) for c in facts.causes)
    if facts.size_limited and facts.largest is not None:
        a, b = facts.largest
        text += (
            f"; the two largest groups ({a} and {b} rows) could only resolve "
            f"rate differences of about {facts.resolution:.2f}"
        )
    return text


# -- the aggregate ---------------------------------------------------------------------------------


def _extreme_text(e: Extreme) -> str:
    name = e.component
    if e.n_used == 1:
        text = f"only {e.high_group} {fmt(name, e.high_value)}"
    elif e.high_value == e.low_value:
        text = f"all {'groups' if e.all_used else 'groups used'} {fmt(name, e.high_value)}"
    else:
        text = f"{e.high_group} {fmt(name, e.high_value)} vs {e.low_group} {fmt(name, e.low_value)}"
    return f"{name}: {text}"


def describe_aggregate(decision: Decision[AggregateFacts]) -> str:
    """``"<metric> = <value> [<ci>] <bound text> (<extremes>)"``, or why it is undefined."""
    f = decision.facts
    if decision.outcome == "undefined":
        assert f.undefined is not None
        return f"{f.metric} undefined: {undefined_text(f.undefined)}"
    b = f.bound
    ci_text = "" if b.ci_low != b.ci_low else f" [{b.ci_low:.4g}, {b.ci_high:.4g}]"
    extremes = [_extreme_text(e) for e in f.extremes]
    extra = f" ({'; '.join(extremes)})" if extremes else ""
    text = bound_text(decision.outcome, b)
    return f"{f.metric} = {b.value:.4g}{ci_text} {text}{extra}".replace("  ", " ")


def single_group(subject: str, rows: int, names: Sequence[str]) -> str:
    return (
        f"only one group ({subject}, {rows:,} rows) in {', '.join(names)}: "
        "a disparity needs at least two groups"
    )


# -- the worsening against a baseline (one text per outcome of decide_worsening) -----------------


def describe_worsening(decision: Decision[WorseningFacts]) -> str:
    f = decision.facts
    if decision.outcome == "undefined":
        assert f.undefined is not None
        return f"{f.metric} vs baseline: undefined for the {f.undefined_side} ({undefined_text(f.undefined)})"
    w = f.worsening
    # the interval is shown in the same orientation as the number beside it: of the
    # worsening when worse, of the improvement (-worsening) when better
    verb = "worse" if w > 0 else "better"
    shown = (f.ci_low, f.ci_high) if w > 0 else (-f.ci_high, -f.ci_low)
    ci_text = "" if f.ci_low != f.ci_low else f" [{shown[0]:.4g}, {shown[1]:.4g}]"
    if decision.outcome == "regression":
        verdict_text = f"worsening > {f.margin:.4g} allowed"
        if f.decision == "ci":
            verdict_text += f" (the whole {f.confidence:.0%} interval)"
    elif decision.outcome == "inconclusive":
        verdict_text = (
            f"worsening > {f.margin:.4g} allowed on the point estimate, but its {f.confidence:.0%} "
            "interval includes the margin: not judged a regression"
        )
    else:
        verdict_text = f"worsening <= {f.margin:.4g} allowed"
    return (
        f"{f.metric}: candidate {f.candidate:.4g} vs baseline {f.baseline:.4g}, "
        f"{abs(w):.4g} {verb}{ci_text}; {verdict_text}"
    )


# -- one group (one text per outcome of decide_group) ----------------------------------------------


def describe_group(decision: Decision[GroupFacts]) -> str:
    f = decision.facts
    m = f.min_group_size
    if decision.outcome == "small":
        return (
            f"{f.subject}: n={f.n:,} < min_group_size {m}; {f.metric} not judged "
            f"(a rate on {pluralize(f.n, 'row')} is only known to about ±{share_text(f.n_resolution)})"  # type: ignore[arg-type]
        )
    if decision.outcome == "undefined":
        return f"{f.subject}: {f.metric} undefined ({f.why}); excluded, not counted as 0"
    if decision.outcome == "small_support":
        k = f.support
        what = f.why.replace("no ", "", 1)
        return (
            f"{f.subject}: n={f.n:,}, but {f.metric} rests on {pluralize(k, 'row')} ({what}): "
            f"{k:,} < min_group_size {m}; not judged "
            f"(about ±{share_text(f.support_resolution)})"  # type: ignore[arg-type]
        )
    ci = "" if f.ci_low != f.ci_low else f" [{fmt(f.metric, f.ci_low)}, {fmt(f.metric, f.ci_high)}]"
    return f"{f.subject}: {f.metric} {fmt(f.metric, f.value)}{ci} (n={f.n:,})"


# -- the four-fifths rule ---------------------------------------------------------------------------


def describe_ratio(decision: Decision[RatioFacts]) -> str:
    f = decision.facts
    if decision.outcome == "undefined":
        return f"{f.subject}: ratio undefined (reference selection rate is 0)"
    ci_text = "" if f.ci_low != f.ci_low else f" [{f.ci_low:.3f}, {f.ci_high:.3f}]"
    text = bound_text(decision.outcome, f.bound)
    return (
        f"{f.subject}: selection rate {share_text(f.selection_rate)} is {f.ratio:.3f}{ci_text} "
        f"of the reference ({f.reference_group}) {text}"
    )


def single_group_for_ratio(subject: str) -> str:
    return f"only one group ({subject}): a ratio needs two groups"


def reference_too_small(subject: str, rows: int, min_group_size: int) -> str:
    return f"reference group {subject}: n={rows:,} < min_group_size {min_group_size}"


def impact_undefined(n_used: int, min_group_size: int) -> str:
    return (
        f"disparate impact ratio undefined: {pluralize(n_used, 'usable group')} with >= {min_group_size} rows"
    )


def impact_summary(worst: float, worst_group: str, min_ratio: float, n_below: int) -> str:
    rel = "<" if worst < min_ratio else ">="
    message = f"smallest selection-rate ratio {worst:.3f} ({worst_group}) {rel} {min_ratio:g}"
    if n_below:
        message += f"; {pluralize(n_below, 'group')} below the four-fifths bound"
    return message
