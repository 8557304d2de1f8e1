"""What DriftGate decides, apart from how it says it.

Each rule is a pure function of facts (plain numbers and flags; no arrays, no data, no
wording) returning a :class:`Decision`: status, reason code, which rule decided (the
``outcome``, which picks the message in :mod:`mlgates.gates.drift._describe`) and the facts.

>>> facts = ColumnFacts("x", "ks", statistic=0.21, pvalue=0.001, threshold=0.05,
...                     warn_threshold=None, n_ref=500, n_cur=400)
>>> d = decide_column(facts)
>>> d.status, d.reason, d.outcome
(<Status.FAIL: 'fail'>, 'drift_detected', 'drift')
>>> decide_dataset(DatasetFacts("share", 0.5, n_judged=4, n_drifted=1, n_warned=0)).status
<Status.WARN: 'warn'>
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from mlgates.core.status import Status
from mlgates.gates._decision import DecisionOn as Decision
from mlgates.stats import drift as kernels

__all__ = [
    "DECISIONS",
    "ColumnFacts",
    "DatasetFacts",
    "Decision",
    "MissingShareFacts",
    "decide_column",
    "decide_dataset",
    "decide_missing_share",
    "is_test",
]

#: How a distance decides: on its value (``"point"``) or on its interval and a test of no
#: change (``"material"``).
DECISIONS = ("point", "material")
#: Which rule decided a column.
ColumnOutcome = Literal["undefined", "drift", "warning", "no_drift", "material", "immaterial", "inconclusive"]
#: Which rule decided the dataset row.
DatasetOutcome = Literal["drifted", "warned", "no_drift"]


def is_test(method: str) -> bool:
    """Whether ``method`` is judged on its p-value (else on its statistic, a distance)."""
    return method in kernels.PVALUE_METHODS


# -- one column ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnFacts:
    """One column's comparison as the decision sees it: the method, its statistic and p-value
    (the adjusted one under a correction, ``raw_pvalue`` the raw one), the levels resolved for
    this column (``threshold`` an alpha for tests, a bound for distances, ``calibrated`` when
    that bound was drawn from the reference null; ``warn_threshold`` the laxer warning level or
    None), the sizes and the new categories seen. With ``decision="material"`` (distances):
    the interval ``ci_low``/``ci_high`` at ``confidence`` and the p-value of "no change"
    ``significance_pvalue`` judged at ``alpha``."""

    subject: str
    method: str
    statistic: float | None
    pvalue: float | None
    threshold: float
    warn_threshold: float | None
    n_ref: int = 0
    n_cur: int = 0
    correction: str | None = None
    raw_pvalue: float | None = None
    n_new_categories: int = 0
    decision: str = "point"
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float = 0.95
    significance_pvalue: float | None = None
    alpha: float = 0.05
    calibrated: bool = False
    #: Whether the method is judged on its p-value (set from ``method``; read by every rule).
    is_test: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_test", is_test(self.method))

    @property
    def significant(self) -> bool:
        p = self.significance_pvalue
        return p is not None and p < self.alpha

    @property
    def value(self) -> float | None:
        """What is compared with the levels: the p-value of a test, a distance's statistic."""
        return self.pvalue if self.is_test else self.statistic

    @property
    def drifted(self) -> bool:
        v = self.value
        assert v is not None
        return v < self.threshold if self.is_test else v >= self.threshold

    @property
    def warned(self) -> bool:
        v, w = self.value, self.warn_threshold
        assert v is not None
        return w is not None and (v < w if self.is_test else v >= w)


def undefined(facts: ColumnFacts) -> bool:
    """No finite value to compare (``fisher_exact``'s odds ratio may be NaN: its p-value
    decides)."""
    v, s = facts.value, facts.statistic
    return (
        v is None
        or not math.isfinite(v)
        or (s is not None and math.isnan(s) and facts.method != "fisher_exact")
    )


def decide_column(facts: ColumnFacts, *, insufficient: Status = Status.WARN) -> Decision[ColumnFacts]:
    """FAIL when the p-value is below ``threshold`` (tests) or the distance reaches it; WARN at
    the warning level; ERROR (``undefined_statistic``) without a finite value.

    With ``decision="material"`` a distance FAILs only when the change is significant **and**
    the interval's lower bound is above ``threshold`` (WARN when above ``warn_threshold``
    only); it PASSes when the whole interval is below ``threshold``; otherwise (the interval
    straddles the bound, or lies above it without a significant change) the data cannot tell:
    ``drift_inconclusive`` with the ``insufficient`` status (``on_insufficient``).

    >>> f = ColumnFacts("x", "psi", 0.3, None, 0.1, None, 5000, 5000, decision="material",
    ...                 ci_low=0.05, ci_high=0.5, significance_pvalue=0.001)
    >>> decide_column(f).outcome
    'inconclusive'
    """
    if (
        undefined(facts)
        or not math.isfinite(facts.threshold)  # a calibrated bound that could not be drawn
        or (facts.decision == "material" and (facts.ci_low is None or facts.ci_high is None))
    ):
        return Decision(Status.ERROR, "undefined_statistic", "undefined", facts)
    if facts.decision == "material" and not facts.is_test:
        return _decide_material(facts, insufficient)
    if facts.drifted:
        return Decision(Status.FAIL, "drift_detected", "drift", facts)
    if facts.warned:
        return Decision(Status.WARN, "drift_detected", "warning", facts)
    return Decision(Status.PASS, None, "no_drift", facts)


def _decide_material(facts: ColumnFacts, insufficient: Status) -> Decision[ColumnFacts]:
    low, high = facts.ci_low, facts.ci_high
    assert low is not None and high is not None
    if facts.significant and low > facts.threshold:
        return Decision(Status.FAIL, "drift_detected", "material", facts)
    warn = facts.warn_threshold
    if facts.significant and warn is not None and low > warn and high <= facts.threshold:
        return Decision(Status.WARN, "drift_detected", "warning", facts)
    if high < facts.threshold:
        return Decision(Status.PASS, None, "immaterial", facts)
    return Decision(insufficient, "drift_inconclusive", "inconclusive", facts)


# -- missing shares ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MissingShareFacts:
    """A column's missing share on both sides and the change allowed (absolute, in shares)."""

    subject: str
    reference_share: float
    current_share: float
    tolerance: float

    @property
    def change(self) -> float:
        return self.current_share - self.reference_share


def decide_missing_share(facts: MissingShareFacts) -> Decision[MissingShareFacts]:
    """WARN (``missing_share_drift``) when the share moved by more than the tolerance."""
    if abs(facts.change) > facts.tolerance:
        return Decision(Status.WARN, "missing_share_drift", "exceeded", facts)
    return Decision(Status.PASS, None, "within", facts)


# -- the dataset ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatasetFacts:
    """The judged columns' tally (``n_judged`` > 0): how many drifted (FAIL) and warned, and
    the rule (``mode`` ``"share"`` fails at ``drift_share``, ``"column"`` at one column)."""

    mode: str
    drift_share: float
    n_judged: int
    n_drifted: int
    n_warned: int

    @property
    def share(self) -> float:
        return self.n_drifted / self.n_judged


def decide_dataset(facts: DatasetFacts) -> Decision[DatasetFacts]:
    """FAIL at the mode's rule, WARN when some column drifted or warned, else PASS."""
    if facts.mode == "column":
        failed = facts.n_drifted > 0
    else:
        failed = facts.share >= facts.drift_share
    if failed:
        return Decision(Status.FAIL, "drift_detected", "drifted", facts)
    if facts.n_drifted or facts.n_warned:
        return Decision(Status.WARN, "drift_detected", "warned", facts)
    return Decision(Status.PASS, None, "no_drift", facts)


def dataset_bound(decision: Decision[DatasetFacts]) -> float | None:
    """The bound the dataset row crossed: a WARN below ``drift_share`` is "some drift" (> 0);
    ``mode="column"`` has no share bound."""
    f = decision.facts
    if decision.status is Status.WARN:
        return 0.0 if f.n_drifted else None
    return f.drift_share if f.mode == "share" else None
