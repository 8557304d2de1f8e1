"""What the fairness gates decide, apart from how they say it.

Each rule is a pure function of facts (plain numbers, group names and flags; no arrays, no
data, no wording) returning a :class:`Decision`: status, reason code, which rule decided (the
``outcome``, which picks the message in :mod:`mlgates.gates.fairness._describe`) and the facts.

>>> from mlgates.core.status import Status
>>> facts = WorseningFacts("demographic_parity_difference", candidate=0.30, baseline=0.10,
...                        ci_low=0.02, ci_high=0.38, margin=0.05, decision="ci",
...                        confidence=0.95, higher_is_worse=True)
>>> d = decide_worsening(facts, insufficient=Status.WARN)
>>> d.status, d.reason, d.outcome
(<Status.WARN: 'warn'>, 'fairness_regression_inconclusive', 'inconclusive')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlgates.core.status import Status
from mlgates.gates._decision import DecisionOn as Decision

__all__ = [
    "AggregateFacts",
    "BoundFacts",
    "ComponentCause",
    "Decision",
    "Extreme",
    "GroupFacts",
    "RatioFacts",
    "UndefinedFacts",
    "WorseningFacts",
    "binding_bound",
    "decide_aggregate",
    "decide_bound",
    "decide_group",
    "decide_ratio",
    "decide_worsening",
    "undefined_reason",
]


# -- a value against its bounds ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoundFacts:
    """A value with its interval against an upper (``max_value``) and a lower (``min_value``)
    bound; ``decision`` is ``"point"`` (the value decides) or ``"ci"`` (the whole interval
    must be beyond the bound to FAIL)."""

    value: float
    ci_low: float
    ci_high: float
    max_value: float | None
    min_value: float | None
    decision: str


#: Outcomes of :func:`decide_bound`.
BoundOutcome = Literal["above", "above_point_only", "below", "below_point_only", "within"]


def decide_bound(facts: BoundFacts) -> Decision[BoundFacts]:
    """FAIL ``fairness_bound_exceeded`` beyond a bound (with ``decision="ci"`` only when the
    whole interval is), WARN ``fairness_bound_inconclusive`` when the value is beyond it but the
    interval is not, else PASS. The upper bound is checked first."""
    f = facts
    if f.max_value is not None and f.value > f.max_value:
        if f.decision == "point" or f.ci_low > f.max_value:
            return Decision(Status.FAIL, "fairness_bound_exceeded", "above", f)
        return Decision(Status.WARN, "fairness_bound_inconclusive", "above_point_only", f)
    if f.min_value is not None and f.value < f.min_value:
        if f.decision == "point" or f.ci_high < f.min_value:
            return Decision(Status.FAIL, "fairness_bound_exceeded", "below", f)
        return Decision(Status.WARN, "fairness_bound_inconclusive", "below_point_only", f)
    return Decision(Status.PASS, None, "within", f)


def binding_bound(outcome: str, facts: BoundFacts) -> float | None:
    """The bound an outcome of :func:`decide_bound` is about: the one crossed, else the upper
    bound when set, else the lower one (None without bounds)."""
    if outcome.startswith("above"):
        return facts.max_value
    if outcome.startswith("below"):
        return facts.min_value
    return facts.max_value if facts.max_value is not None else facts.min_value


# -- why an aggregate is undefined ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentCause:
    """Why one component's aggregate (e.g. the TPR difference) is undefined.

    ``kind``: ``"zero_overall"`` (a ratio to the overall value, which is 0),
    ``"zero_largest"`` (a ratio whose largest group value is 0), ``"undefined_everywhere"``
    (the rate is undefined in every group: ``why``), ``"too_few_groups"`` (fewer than
    ``groups_needed`` groups with ``min_group_size`` rows and a defined value; ``used`` names
    them, ``undefined_in`` the groups where the value is undefined, ``size_limited`` that
    groups with a defined value were left out for their size)."""

    component: str
    kind: Literal["zero_overall", "zero_largest", "undefined_everywhere", "too_few_groups"]
    value: float | None = None
    why: str = ""
    min_group_size: int = 0
    groups_needed: int = 2
    used: tuple[str, ...] = ()
    undefined_in: tuple[str, ...] = ()
    size_limited: bool = False


@dataclass(frozen=True, slots=True)
class UndefinedFacts:
    """Why an aggregate is undefined: one cause per undefined component (none when only the
    combination of the components is undefined), and what the two largest groups could
    resolve (``largest``: their sizes, ``resolution``: the rate difference; None when there
    are not two groups with rows)."""

    causes: tuple[ComponentCause, ...]
    largest: tuple[int, int] | None = None
    resolution: float | None = None

    @property
    def size_limited(self) -> bool:
        return any(c.size_limited for c in self.causes)


def undefined_reason(facts: UndefinedFacts) -> str:
    """``insufficient_samples`` when groups were left out for their size, else
    ``undefined_statistic`` (a rate undefined in every group, a ratio whose reference is 0)."""
    return "insufficient_samples" if facts.size_limited else "undefined_statistic"


# -- the aggregate ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Extreme:
    """The groups with the highest and lowest value of one component among the ``n_used``
    groups that enter the aggregate (``all_used``: every group does)."""

    component: str
    n_used: int
    all_used: bool
    high_group: str
    high_value: float
    low_group: str
    low_value: float


@dataclass(frozen=True, slots=True)
class AggregateFacts:
    """The aggregate of a :class:`~mlgates.FairnessGate` (``metric``) against its bounds, the
    groups behind it, and, when it is undefined (NaN), why."""

    metric: str
    bound: BoundFacts
    extremes: tuple[Extreme, ...] = ()
    undefined: UndefinedFacts | None = None

    @property
    def defined(self) -> bool:
        return self.bound.value == self.bound.value


def decide_aggregate(facts: AggregateFacts, *, insufficient: Status) -> Decision[AggregateFacts]:
    """An undefined aggregate has status ``insufficient`` and :func:`undefined_reason`;
    otherwise :func:`decide_bound` decides (``outcome`` is its outcome)."""
    if not facts.defined:
        assert facts.undefined is not None
        return Decision(insufficient, undefined_reason(facts.undefined), "undefined", facts)
    bound = decide_bound(facts.bound)
    return Decision(bound.status, bound.reason, bound.outcome, facts)


# -- the worsening against a baseline ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorseningFacts:
    """The candidate's aggregate against the baseline's on the same groups (``metric``).

    ``higher_is_worse`` orients the worsening; ``ci_low``/``ci_high`` is the paired-bootstrap
    interval of the worsening (NaN without resamples); ``margin`` is ``max_worsening``;
    ``decision`` is ``worsening_decision``. When the worsening is undefined, ``undefined``
    says why for the side that is (``undefined_side``)."""

    metric: str
    candidate: float
    baseline: float
    ci_low: float
    ci_high: float
    margin: float
    decision: str
    confidence: float
    higher_is_worse: bool
    undefined: UndefinedFacts | None = None
    undefined_side: Literal["candidate", "baseline"] = "candidate"

    @property
    def worsening(self) -> float:
        sign = 1.0 if self.higher_is_worse else -1.0
        return sign * (self.candidate - self.baseline)


def decide_worsening(facts: WorseningFacts, *, insufficient: Status) -> Decision[WorseningFacts]:
    """FAIL ``fairness_regression`` when the worsening exceeds the margin (with
    ``decision="ci"``: the whole interval does), WARN ``fairness_regression_inconclusive`` when
    only the point estimate does, PASS otherwise; an undefined worsening has status
    ``insufficient`` and :func:`undefined_reason`."""
    w = facts.worsening
    if w != w:
        assert facts.undefined is not None
        return Decision(insufficient, undefined_reason(facts.undefined), "undefined", facts)
    bound = decide_bound(BoundFacts(w, facts.ci_low, facts.ci_high, facts.margin, None, facts.decision))
    if bound.status is Status.FAIL:
        return Decision(Status.FAIL, "fairness_regression", "regression", facts)
    if bound.status is Status.WARN:  # beyond the margin, but the interval includes it
        return Decision(Status.WARN, "fairness_regression_inconclusive", "inconclusive", facts)
    return Decision(Status.PASS, None, "within", facts)


# -- one group --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """One group's value of one component (``metric``): ``n`` rows, ``support`` rows in the
    rate's denominator, whether the value is ``defined``, its interval, what makes it undefined
    (``why``), and, for groups under ``min_group_size``, what a rate on ``n`` (``support``)
    rows is known to (``n_resolution``, ``support_resolution``: Wilson half-widths at 0.5)."""

    subject: str
    metric: str
    n: int
    support: int
    defined: bool
    value: float
    ci_low: float
    ci_high: float
    min_group_size: int
    why: str = "no usable rows"
    n_resolution: float | None = None
    support_resolution: float | None = None


def decide_group(facts: GroupFacts, *, insufficient: Status) -> Decision[GroupFacts]:
    """A group under ``min_group_size`` rows (``"small"``) or whose rate rests on fewer
    (``"small_support"``) is ``insufficient_samples``; an undefined value is
    ``undefined_statistic``; both with status ``insufficient``, left out of the aggregate.
    A group that enters the aggregate PASSes (informational)."""
    f = facts
    if f.n < f.min_group_size:
        return Decision(insufficient, "insufficient_samples", "small", f)
    if not f.defined:
        return Decision(insufficient, "undefined_statistic", "undefined", f)
    if f.support < f.min_group_size:
        return Decision(insufficient, "insufficient_samples", "small_support", f)
    return Decision(Status.PASS, None, "used", f)


# -- the four-fifths rule ---------------------------------------------------------------------------

#: A group's ratio below ``min_ratio``: FAIL, or WARN when its interval includes the bound.
_RATIO_REASONS = {Status.FAIL: "disparate_impact", Status.WARN: "disparate_impact_inconclusive"}


@dataclass(frozen=True, slots=True)
class RatioFacts:
    """A group's selection rate (``selection_rate``) as a ratio of the reference rate
    (``reference_group``), with its interval, against ``min_ratio``."""

    subject: str
    ratio: float
    ci_low: float
    ci_high: float
    min_ratio: float
    decision: str
    selection_rate: float
    reference_group: str

    @property
    def bound(self) -> BoundFacts:
        return BoundFacts(self.ratio, self.ci_low, self.ci_high, None, self.min_ratio, self.decision)


def decide_ratio(facts: RatioFacts, *, insufficient: Status) -> Decision[RatioFacts]:
    """An undefined ratio (the reference rate is 0) is ``undefined_statistic`` with status
    ``insufficient``; below ``min_ratio`` is FAIL ``disparate_impact`` (WARN
    ``disparate_impact_inconclusive`` with ``decision="ci"`` when the interval includes the
    bound); else PASS. ``outcome`` is that of :func:`decide_bound` on the lower bound."""
    f = facts
    if f.ratio != f.ratio:
        return Decision(insufficient, "undefined_statistic", "undefined", f)
    bound = decide_bound(f.bound)
    return Decision(bound.status, _RATIO_REASONS.get(bound.status), bound.outcome, f)
