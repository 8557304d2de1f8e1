"""The domain classifiers' shared parts: folds that keep copies of a row apart
(:func:`fold_ids`), and the rule of TextDriftGate and EmbeddingDriftGate: cross-fitted scores,
the AUC with DeLong's interval, the decision on the interval's lower bound, the sentences
written from the same facts, and the finding (:func:`domain_finding`); MultivariateDriftGate's
``decision="material"`` finding (:func:`material_auc_finding`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.gates._decision import Decision
from mlgates.gates.drift._decide import ColumnFacts, decide_column
from mlgates.gates.drift._describe import describe_column

__all__ = [
    "Decision",
    "DomainFacts",
    "cross_fitted_scores",
    "decide_domain",
    "describe_domain",
    "domain_finding",
    "fold_ids",
    "material_auc_finding",
]


@dataclass(frozen=True)
class DomainFacts:
    """What the rule needs: the AUC of held-out scores telling current (1) from reference (0)
    rows, its interval at ``confidence``, the bounds, and the sample sizes."""

    subject: str
    auc: float
    ci_low: float
    ci_high: float
    threshold: float
    warn_threshold: float | None
    confidence: float
    n_ref: int
    n_cur: int


def decide_domain(facts: DomainFacts) -> Decision:
    """(status, reason, outcome). Drift when the interval's lower bound is above ``threshold``
    (the AUC is above it with the interval's confidence, not only by chance); WARN when above
    ``warn_threshold``; an undefined AUC is ERROR.

    >>> f = DomainFacts("text", 0.81, 0.77, 0.85, 0.55, None, 0.95, 500, 500)
    >>> decide_domain(f)
    Decision(status=<Status.FAIL: 'fail'>, reason='drift_detected', outcome='drift')
    >>> decide_domain(DomainFacts("text", 0.58, 0.52, 0.64, 0.55, None, 0.95, 500, 500))
    Decision(status=<Status.PASS: 'pass'>, reason=None, outcome='no_drift')
    """
    if not np.isfinite(facts.ci_low):
        return Decision(Status.ERROR, "undefined_statistic", "undefined")
    if facts.ci_low > facts.threshold:
        return Decision(Status.FAIL, "drift_detected", "drift")
    if facts.warn_threshold is not None and facts.ci_low > facts.warn_threshold:
        return Decision(Status.WARN, "drift_detected", "warn")
    return Decision(Status.PASS, None, "no_drift")


def describe_domain(facts: DomainFacts, outcome: str, what: str) -> str:
    """The sentence for one outcome, e.g. "review: drift detected: a TF-IDF classifier tells
    the samples apart (ROC AUC 0.810, 95% interval [0.770, 0.850]; lower bound > 0.55)"."""
    auc = (
        f"ROC AUC {facts.auc:.3f}, {facts.confidence:.0%} interval [{facts.ci_low:.3f}, {facts.ci_high:.3f}]"
    )
    if outcome == "undefined":
        return f"{facts.subject}: the {what} gave no usable AUC"
    if outcome == "drift":
        return (
            f"{facts.subject}: drift detected: a {what} tells the samples apart ({auc}; "
            f"lower bound > {facts.threshold:g})"
        )
    if outcome == "warn":
        return (
            f"{facts.subject}: drift at warning level: a {what} tells the samples apart ({auc}; "
            f"lower bound > {facts.warn_threshold:g})"
        )
    return (
        f"{facts.subject}: no drift: a {what} cannot tell the samples apart ({auc}; "
        f"lower bound <= {facts.threshold:g})"
    )


def cross_fitted_scores(
    x: Any,
    y: np.ndarray,
    keys: np.ndarray,
    fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    cv: int,
    random_state: int,
) -> tuple[np.ndarray, int]:
    """Held-out scores of every row from ``cv`` stratified folds, and the number of repeated
    rows.

    ``fit_predict(train, test)`` (row positions) fits a model on the train rows of ``x`` and
    returns scores of the test rows. ``keys`` (one row per sample row, hashed) decide which
    rows are copies of each other: copies are dealt to folds in proportion, as in
    :func:`fold_ids`, so that a copy held out is not judged by a model
    trained on its twins.
    """
    fold, n_dup = fold_ids(keys, y, cv, random_state)
    oof = np.full(y.size, 0.5)
    for i in range(cv):
        test = np.flatnonzero(fold == i)
        train = np.flatnonzero(fold != i)
        if test.size == 0 or np.unique(y[train]).size < 2:
            continue
        oof[test] = fit_predict(train, test)
    return oof, n_dup


def domain_finding(
    subject: str,
    y: np.ndarray,
    oof: np.ndarray,
    n_dup: int,
    *,
    threshold: float,
    warn_threshold: float | None,
    confidence: float,
    cv: int,
    model: str,
    method: str,
    what: str,
    details: dict[str, Any],
    **extra: Any,
) -> Finding:
    """The finding from held-out scores ``oof`` of rows labelled ``y`` (0 reference, 1
    current): the AUC and its DeLong interval, :func:`decide_domain` and
    :func:`describe_domain`. ``details`` (updated in place) gets the interval, the folds, the
    repeated rows ``n_dup``, the ``model`` and then ``extra``; ``what`` names the classifier
    in the message."""
    from mlgates.stats.embedding import domain_auc

    res = domain_auc(y, oof, confidence=confidence)
    n_cur = int(np.count_nonzero(y))
    facts = DomainFacts(
        subject,
        res.auc,
        res.ci_low,
        res.ci_high,
        threshold,
        warn_threshold,
        confidence,
        int(y.size) - n_cur,
        n_cur,
    )
    status, reason, outcome = decide_domain(facts)
    details.update(
        ci_low=res.ci_low,
        ci_high=res.ci_high,
        se=res.se,
        confidence=confidence,
        cv=cv,
        duplicate_rows=n_dup,
        model=model,
        direction="ci_low > threshold",
        **extra,
    )
    return Finding(
        subject,
        status,
        statistic=res.auc,
        threshold=warn_threshold if status is Status.WARN else threshold,
        method=method,
        reason=reason,
        message=describe_domain(facts, outcome, what),
        details=details,
    )


def fold_ids(x: np.ndarray, y: np.ndarray, cv: int, seed: int) -> tuple[np.ndarray, int]:
    """Cross-validation fold of each row, and the number of rows that repeat an earlier row.

    Rows start in seeded stratified folds. Copies of one feature vector (exact duplicates,
    missing values equal) are then dealt out per label, round robin from the fold of the
    first copy, so every fold holds the copies of each label in about the same proportion as
    the whole sample. Otherwise a held-out copy would be judged by a model trained on its
    twins, whose labels are mostly the other side's (a row in both samples, held out as
    "reference", is learned as "current"), which drives the AUC of identical samples far
    below 0.5. A row in both samples once each lands in one fold, where both copies get the
    same score.
    """
    from sklearn.model_selection import StratifiedKFold

    base = np.empty(y.size, dtype=np.int64)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    for i, (_, test) in enumerate(folds.split(np.zeros((y.size, 1)), y)):
        base[test] = i
    hashes = pd.util.hash_pandas_object(pd.DataFrame(x), index=False).to_numpy()
    _, first, group = np.unique(hashes, return_index=True, return_inverse=True)
    n_dup = int(y.size - first.size)
    if n_dup == 0:
        return base, 0
    order = np.lexsort((np.arange(y.size), y, group))
    key = group[order] * 2 + y[order].astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    rank = np.arange(y.size) - np.repeat(starts, np.diff(np.r_[starts, y.size]))
    fold = np.empty(y.size, dtype=np.int64)
    fold[order] = (base[first[group[order]]] + rank) % cv
    return fold, n_dup


def material_auc_finding(
    auc: float,
    pvalue: float,
    y: np.ndarray,
    oof: np.ndarray,
    *,
    threshold: float,
    warn_threshold: float | None,
    confidence: float,
    alpha: float,
    insufficient: Status,
    details: dict[str, Any],
) -> Finding:
    """MultivariateDriftGate's finding with ``decision="material"``: DriftGate's material rule
    (:func:`mlgates.gates.drift._decide.decide_column`) on the mean fold ``auc``, its test
    against 0.5 (``pvalue``) and its interval: DeLong's variance of the pooled held-out scores
    ``oof`` (labels ``y``, 1 current), on the logit scale around ``auc``. ``details`` (updated in
    place) gets the decision, the pooled AUC and the interval."""
    from mlgates.stats.delong import auc_ci
    from mlgates.stats.embedding import domain_auc

    pooled = domain_auc(y, oof, confidence=confidence)
    low, high = auc_ci(auc, pooled.se**2, alpha=1.0 - confidence)
    n_cur = int(np.count_nonzero(y))
    facts = ColumnFacts(
        "domain classifier",
        "ROC AUC",
        auc,
        None,
        threshold,
        warn_threshold,
        int(y.size) - n_cur,
        n_cur,
        decision="material",
        ci_low=low,
        ci_high=high,
        confidence=confidence,
        significance_pvalue=pvalue,
        alpha=alpha,
    )
    d = decide_column(facts, insufficient=insufficient)
    details.update(
        decision="material",
        pooled_auc=pooled.auc,
        interval={
            "low": low,
            "high": high,
            "confidence": confidence,
            "method": "DeLong variance of the pooled held-out scores; logit interval around the "
            "mean fold AUC",
        },
    )
    return Finding(
        "dataset",
        d.status,
        statistic=auc,
        pvalue=pvalue,
        threshold=warn_threshold if d.outcome == "warning" and warn_threshold is not None else threshold,
        method="domain_classifier",
        reason=d.reason,
        message=describe_column(d),
        details=details,
    )
