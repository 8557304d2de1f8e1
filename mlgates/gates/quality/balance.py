"""ClassBalanceGate: bounds on the label distribution (minority share, imbalance ratio), judged
with exact binomial intervals so that a small sample is not called imbalanced by chance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import ON_INSUFFICIENT, Interval, insufficient_status, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import share_text
from mlgates.gates._decision import Decision
from mlgates.gates.quality._common import frame_or_error, plain_value
from mlgates.gates.quality._where import QualityGate

__all__ = ["BalanceFacts", "ClassBalanceGate", "Decision", "clopper_pearson", "decide_balance"]


#: A target with more classes than this is not a classification target for this gate.
MAX_CLASSES = 50


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval of a binomial proportion ``k / n``.

    Examples
    --------
    >>> lo, hi = clopper_pearson(2, 20)
    >>> round(lo, 4), round(hi, 4)
    (0.0123, 0.317)
    """
    from scipy.stats import beta

    tail = (1.0 - confidence) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(tail, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - tail, k + 1, n - k))
    return lo, hi


@dataclass(frozen=True)
class BalanceFacts:
    """One bound of the rule: the value (a class share, or the ratio of the largest to the
    smallest class), its interval, the bound and whether the bound is a minimum."""

    subject: str
    value: float
    ci_low: float
    ci_high: float
    bound: float
    is_minimum: bool


def decide_balance(facts: BalanceFacts, *, insufficient: Status) -> Decision:
    """(status, reason, outcome): FAIL when the whole interval is beyond the bound; the status
    of ``on_insufficient`` (``insufficient_samples``) when only the estimate is; else PASS.

    >>> f = BalanceFacts("y=1", 0.05, 0.02, 0.09, 0.1, True)
    >>> decide_balance(f, insufficient=Status.WARN)
    Decision(status=<Status.FAIL: 'fail'>, reason='class_share_exceeded', outcome='beyond')
    >>> decide_balance(BalanceFacts("y=1", 0.05, 0.01, 0.2, 0.1, True), insufficient=Status.WARN)
    Decision(status=<Status.WARN: 'warn'>, reason='insufficient_samples', outcome='inconclusive')
    """
    if facts.is_minimum:
        beyond, point = facts.ci_high < facts.bound, facts.value < facts.bound
        reason = "class_share_exceeded"
    else:
        beyond, point = facts.ci_low > facts.bound, facts.value > facts.bound
        reason = "class_ratio_exceeded"
    if beyond:
        return Decision(Status.FAIL, reason, "beyond")
    if point:
        return Decision(insufficient, "insufficient_samples", "inconclusive")
    return Decision(Status.PASS, None, "within")


def _describe(facts: BalanceFacts, outcome: str, confidence: float) -> str:
    level = f"{confidence:.0%} interval"
    if facts.is_minimum:
        ci = f"{share_text(facts.ci_low)}-{share_text(facts.ci_high)}"
        value = f"{share_text(facts.value)} of labels ({level} {ci})"
        bound = f"min_share {share_text(facts.bound)}"
        if outcome == "beyond":
            return f"{facts.subject}: {value} < {bound}"
        if outcome == "inconclusive":
            return f"{facts.subject}: {value}: below {bound}, but the interval reaches it (too few labels)"
        return f"{facts.subject}: {value} >= {bound}"
    value = f"largest/smallest class {facts.value:.2f} ({level} {facts.ci_low:.2f}-{facts.ci_high:.2f})"
    if outcome == "beyond":
        return f"{facts.subject}: {value} > max_ratio {facts.bound:g}"
    if outcome == "inconclusive":
        return f"{facts.subject}: {value}: above max_ratio {facts.bound:g}, but the interval reaches it"
    return f"{facts.subject}: {value} <= max_ratio {facts.bound:g}"


class ClassBalanceGate(QualityGate):
    """The labels are balanced enough: every class holds at least ``min_share`` of the labels,
    and the largest class outnumbers the smallest at most ``max_ratio`` times.

    Each bound is judged with an exact (Clopper-Pearson) interval at ``confidence``: the gate
    FAILs only when the whole interval is beyond the bound. When the observed value is beyond
    it but the interval still reaches it (too few labels to tell), the finding gets reason
    ``insufficient_samples`` with the status of ``on_insufficient``. The ratio's interval comes
    from the binomial share of the largest class among the rows of the two classes.

    Parameters
    ----------
    min_share : float, optional, default 0.05
        Smallest share of the labels any class may hold, in [0, 1]; None turns the bound off.
    max_ratio : float, optional
        Largest allowed ratio of the largest class's count to the smallest's, >= 1.
    confidence : float, default 0.95
        Level of the intervals.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of a bound the data cannot decide.
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Inputs: ``current`` and ``target`` (a column name or an array). Missing labels are left
    out (their count is in the details). One finding per class for ``min_share`` (subject
    ``target=class``), one for ``max_ratio`` (subject ``target``). A target with one class is
    ERROR ``one_class_target``; a continuous target or one with more than 50 classes is ERROR
    ``unsupported_target``. Reason codes: ``class_share_exceeded``, ``class_ratio_exceeded``,
    ``insufficient_samples``, ``one_class_target``, ``unsupported_target``, ``all_missing``,
    ``invalid_input``, ``missing_input``, ``missing_column``, ``empty_input``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import ClassBalanceGate
    >>> df = pd.DataFrame({"y": [0] * 970 + [1] * 30})
    >>> v = ClassBalanceGate(min_share=0.1).check(current=df, target="y")
    >>> v.status, v.findings[1].message
    (<Status.FAIL: 'fail'>, 'y=1: 3.0% of labels (95% interval 2.0%-4.3%) < min_share 10.0%')
    >>> small = pd.DataFrame({"y": [0] * 16 + [1] * 4})  # 20% observed, but only 20 labels
    >>> ClassBalanceGate(min_share=0.25).check(current=small, target="y").reason
    'insufficient_samples'
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_share": [Interval("real", 0, 1), None],
        "max_ratio": [Interval("real", 1, None), None],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        *,
        min_share: float | None = 0.05,
        max_ratio: float | None = None,
        confidence: float = 0.95,
        on_insufficient: str = "warn",
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.min_share = min_share
        self.max_ratio = max_ratio
        self.confidence = confidence
        self.on_insufficient = on_insufficient

    def _validate_params(self) -> None:
        if self.min_share is None and self.max_ratio is None:
            raise parameter_error(
                "ClassBalanceGate",
                "min_share",
                "set (or max_ratio set)",
                None,
                "set min_share=0.05 or max_ratio=10.",
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "target")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame_or_error(ctx)
        raw = inputs.labels(ctx, "current", on_missing="keep")
        if raw.ndim != 1 or len(raw) != len(ctx.frame("current")):
            raise InputError(
                "target: one label per row of current is needed", reason="invalid_input", subject="target"
            )
        labels = pd.Series(raw)
        present = np.asarray(labels.notna(), dtype=bool)
        n_missing = int((~present).sum())
        if not present.any():
            raise InputError(
                f"target: all {len(labels):,} labels are missing; the class balance cannot be judged",
                reason="all_missing",
                subject="target",
            )
        counts = labels[present].value_counts(sort=True)
        if len(counts) < 2:
            raise InputError(
                f"target has {pluralize(len(counts), 'class', 'classes')}; balance needs two or more",
                reason="one_class_target",
                subject="target",
            )
        if len(counts) > MAX_CLASSES or (
            pd.api.types.is_float_dtype(labels.dtype)
            and len(counts) > inputs.CONTINUOUS_MIN_DISTINCT
            and bool((labels[present] % 1 != 0).any())
        ):
            raise InputError(
                f"target has {len(counts):,} distinct values: a continuous target or too many classes "
                f"(at most {MAX_CLASSES}) for a class balance",
                reason="unsupported_target",
                subject="target",
            )
        name = ctx.get("target") if isinstance(ctx.get("target"), str) else "target"
        n = int(counts.sum())
        insufficient = insufficient_status(self.on_insufficient)
        findings: list[Finding] = []
        if self.min_share is not None:
            for cls, k in zip(counts.index, counts.to_numpy()):
                lo, hi = clopper_pearson(int(k), n, self.confidence)
                facts = BalanceFacts(
                    f"{name}={plain_value(cls)}", int(k) / n, lo, hi, float(self.min_share), True
                )
                findings.append(self._finding(facts, insufficient, {"count": int(k), "n_labels": n}))
        if self.max_ratio is not None:
            big, small = int(counts.iloc[0]), int(counts.iloc[-1])
            lo, hi = clopper_pearson(big, big + small, self.confidence)
            ratio_ci = (lo / (1 - lo), hi / (1 - hi) if hi < 1 else float("inf"))
            facts = BalanceFacts(
                str(name), big / small, ratio_ci[0], ratio_ci[1], float(self.max_ratio), False
            )
            details = {
                "largest_class": plain_value(counts.index[0]),
                "smallest_class": plain_value(counts.index[-1]),
                "largest_count": big,
                "smallest_count": small,
            }
            findings.append(self._finding(facts, insufficient, details))
        shares = counts.to_numpy() / n
        return self._verdict(
            findings=findings,
            metrics={
                "minority_share": float(shares.min()),
                "imbalance_ratio": float(shares.max() / shares.min()),
                "n_labels": n,
                "n_missing_labels": n_missing,
            },
        )

    def _finding(self, facts: BalanceFacts, insufficient: Status, details: dict[str, Any]) -> Finding:
        status, reason, outcome = decide_balance(facts, insufficient=insufficient)
        return Finding(
            facts.subject,
            status,
            statistic=facts.value,
            threshold=facts.bound,
            method="class_share" if facts.is_minimum else "class_ratio",
            reason=reason,
            message=_describe(facts, outcome, self.confidence),
            details={
                **details,
                "ci_low": facts.ci_low,
                "ci_high": facts.ci_high,
                "confidence": self.confidence,
                "direction": "statistic >= threshold" if facts.is_minimum else "statistic <= threshold",
            },
        )
