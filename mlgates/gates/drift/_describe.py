"""How DriftGate says what it decided: one message per outcome of a decision rule
(:mod:`mlgates.gates.drift._decide`), written from the decision's facts only.

>>> from mlgates.gates.drift._decide import ColumnFacts, decide_column
>>> facts = ColumnFacts("x", "ks", statistic=0.21, pvalue=0.001, threshold=0.05,
...                     warn_threshold=None, n_ref=500, n_cur=400)
>>> describe_column(decide_column(facts))
'x: drift detected (ks p=0.001 < 0.05; n_ref=500, n_cur=400)'
"""

from __future__ import annotations

from mlgates.core._text import pluralize
from mlgates.gates._columns import share_text
from mlgates.gates.drift._decide import (
    ColumnFacts,
    DatasetFacts,
    Decision,
    MissingShareFacts,
    undefined,
)

__all__ = [
    "describe_column",
    "describe_dataset",
    "describe_insufficient",
    "describe_missing_share",
    "verdict_message",
]

_HEADS = {"drift": "drift detected", "warning": "drift at warning level", "no_drift": "no drift"}


def _sizes(f: ColumnFacts) -> str:
    return f"n_ref={f.n_ref:,}, n_cur={f.n_cur:,}"


def _shown(d: Decision[ColumnFacts]) -> str:
    f = d.facts
    v = f.value
    assert v is not None
    warn_only = d.outcome == "warning"
    if f.is_test:
        label = "p" if f.raw_pvalue is None else f"{f.correction}-adjusted p"
        if warn_only:
            shown = f"{f.method} {label}={v:.3g} < {f.warn_threshold:g} (warning level)"
        else:
            shown = f"{f.method} {label}={v:.3g} {'<' if f.drifted else '>='} {f.threshold:g}"
        if f.raw_pvalue is not None:
            shown += f", raw p={f.raw_pvalue:.3g}"
        return shown
    if warn_only:
        return f"{f.method} {v:.3g} >= {f.warn_threshold:g} (warning level)"
    return f"{f.method} {v:.3g} {'>=' if f.drifted else '<'} {_bound(f)}"


def _bound(f: ColumnFacts, value: float | None = None) -> str:
    value = f.threshold if value is None else value
    return f"{value:.3g} (reference null)" if f.calibrated else f"{value:g}"


def _material(d: Decision[ColumnFacts]) -> str:
    """The material decision's evidence: the distance, its interval against the bound and the
    test of no change."""
    f = d.facts
    ci = f"{100 * f.confidence:g}% CI [{f.ci_low:.3g}, {f.ci_high:.3g}]"
    p = f"p={f.significance_pvalue:.3g} {'<' if f.significant else '>='} {f.alpha:g}"
    assert f.ci_low is not None and f.ci_high is not None
    if d.outcome == "material":
        where = f"above {_bound(f)}"
    elif d.outcome == "warning":
        where = f"above {f.warn_threshold:g} (warning level), within {_bound(f)}"
    elif d.outcome == "immaterial":
        where = f"below {_bound(f)}"
    elif f.ci_low > f.threshold:
        where = f"above {_bound(f)} but the change is not significant"
    else:
        where = f"includes {_bound(f)}"
    return f"{f.method} {f.statistic:.3g}, {ci} {where}; {p}"


_MATERIAL_HEADS = {
    "material": "material drift",
    "warning": "drift at warning level",
    "immaterial": "no material drift",
    "inconclusive": "drift inconclusive",
}


def describe_column(d: Decision[ColumnFacts]) -> str:
    """``"x: drift detected (ks p=0.001 < 0.05; n_ref=500, n_cur=400)"``, with the new
    categories counted."""
    f = d.facts
    if d.outcome == "undefined":
        if f.decision == "material" and not f.is_test and not undefined(f):
            return f"{f.subject}: {f.method}'s interval or bound is undefined on this data ({_sizes(f)})"
        return f"{f.subject}: {f.method} is undefined on this data ({_sizes(f)})"
    tail = f"; {pluralize(f.n_new_categories, 'new category')}" if f.n_new_categories else ""
    if f.decision == "material" and not f.is_test:
        return f"{f.subject}: {_MATERIAL_HEADS[d.outcome]} ({_material(d)}; {_sizes(f)}){tail}"
    return f"{f.subject}: {_HEADS[d.outcome]} ({_shown(d)}; {_sizes(f)}){tail}"


def describe_insufficient(
    subject: str,
    method: str,
    n_ref: int,
    n_cur: int,
    min_samples: int,
    alpha: float,
    effect: float,
    binary: bool,
) -> str:
    """Too few values, with the smallest effect the method could detect at these sizes
    (``effect``: a change of share for binary tests, else a KS distance)."""
    head = f"{subject}: {n_ref} reference and {n_cur} current values (< {min_samples}) for {method}"
    if effect >= 1:
        text = f"no shift of any size is detectable with {n_ref} reference and {n_cur} current values"
    elif binary:
        text = f"a {method} test at alpha {alpha:g} could only detect a change of share >= {effect:.2f}"
    else:
        test = "a ks test" if method == "ks" else "even a ks test"
        text = f"{test} at alpha {alpha:g} could only detect a CDF gap >= {effect:.2f}"
    return f"{head}; {text}"


def describe_missing_share(d: Decision[MissingShareFacts]) -> str:
    f = d.facts
    text = f"{f.subject}: missing share {share_text(f.reference_share)} -> {share_text(f.current_share)}"
    if d.outcome == "exceeded":
        return f"{text} (change {100 * f.change:+.1f} points > {share_text(f.tolerance)} allowed)"
    return f"{text} (within {share_text(f.tolerance)})"


def describe_dataset(d: Decision[DatasetFacts]) -> str:
    f = d.facts
    rule = (
        "any drifted column fails"
        if f.mode == "column"
        else f"fails at a drifted share >= {share_text(f.drift_share)}"
    )
    return f"{f.n_drifted} of {f.n_judged} columns drifted ({share_text(f.share)}); {rule}"


def verdict_message(summary: str, problems: list[str]) -> str:
    """The verdict's message: the dataset summary, then the first two other findings."""
    if not problems:
        return summary
    return f"{summary}; {pluralize(len(problems), 'other finding')}: " + "; ".join(problems[:2])
