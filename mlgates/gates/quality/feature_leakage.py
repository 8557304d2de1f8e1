"""Target leakage: FeatureLeakageGate (a feature that predicts the target too well)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import ON_INSUFFICIENT, Interval, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import column_kind
from mlgates.gates.quality._common import (
    UNGROUPABLE,
    absent,
    all_missing,
    frame_or_error,
    guarded,
    screened,
)
from mlgates.gates.quality._integrity_inputs import _feature_columns, _labels
from mlgates.gates.quality._where import QualityGate
from mlgates.stats.quality import auc_lower_bound, spearman_abs, spearman_lower_bound, univariate_auc

__all__ = ["NAME_EVIDENCE_SCORE", "FeatureLeakageGate"]


_ENCODED_KINDS = ("string", "categorical", "object")
_FOLD_SEED = 20261126
#: A feature whose name contains the target's name is leakage evidence above this score.
NAME_EVIDENCE_SCORE = 0.9


class FeatureLeakageGate(QualityGate):
    """No single feature predicts the target almost perfectly on its own.

    A strong predictor is not leakage: leakage needs evidence beyond a high score. A feature
    FAILs (reason ``feature_leakage``) when it

    - splits the target perfectly (score 1) on at least ``min_samples`` rows
      (``perfect_split``), or
    - has a one-sided ``1 - alpha`` lower confidence bound of its score above ``max_score``
      (``lower_bound_above_max_score``), or
    - has a name containing the target column's name (three characters or more) and scores
      above 0.9 (``target_derived_name``).

    The evidence found is listed in ``details["evidence"]`` with the score's lower bound. A
    feature scoring above ``warn_score`` without such evidence WARNs (reason
    ``strong_predictor``).

    The univariate score of a feature is, for a binary target, its ROC AUC folded to
    ``max(AUC, 1 - AUC)`` (0.5: useless, 1: perfect); for a numeric target with more than
    ten distinct values, the absolute Spearman correlation. String, categorical and object
    features are first replaced by the target mean of their category, cross-fitted on two
    folds (drawn at random with a fixed seed; a category unseen in the other fold gets that
    fold's overall mean), so an identifier column does not score 1 by memorising rows.

    Parameters
    ----------
    columns : str or list of str, optional
        Features to score; every column except the target and predictions by default.
    max_score : float, default 0.99
        A feature whose score's lower confidence bound exceeds this FAILs, in [0.5, 1].
        The bound of a folded ROC AUC inverts a one-sided score test with Hanley and
        McNeil's standard error taken at the tested value; that of ``|Spearman|`` uses
        Fisher's z with standard error ``sqrt(1.06 / (n - 3))``.
    warn_score : float, optional
        A feature scoring above this without leakage evidence WARNs (``strong_predictor``).
    alpha : float, default 0.05
        One-sided level of the lower confidence bound, in (0, 1).
    min_samples : int, default 30
        Fewer rows with both feature and target present: reason ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of a feature below ``min_samples``.
    where : str, optional
        Judge only the rows where this condition (in the rule language of
        :class:`~mlgates.RuleGate`) is true; see ``docs/quality.md#where``.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    A target with one class is ERROR ``one_class_target``; a non-binary target that is not
    numeric with more than ten distinct values is ERROR ``unsupported_target``. Missing values
    of a numeric feature are left out; in an encoded feature missing is a category. Reason
    codes: ``feature_leakage``, ``strong_predictor`` (WARN), ``insufficient_samples``,
    ``one_class_target``, ``unsupported_target``, ``all_missing`` (a feature, or every label),
    ``missing_column``, ``empty_input``, ``missing_input``, ``invalid_input`` (an infinite label),
    ``unsupported_dtype`` (a column of lists, dicts, complex numbers...: SKIP, ERROR when
    listed). With ``n`` rows, a binary score's standard error is about
    ``0.5 / sqrt(n_minority)``; scores near the bound on small data are noisy.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import FeatureLeakageGate
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 200)
    >>> df = pd.DataFrame({"noise": rng.normal(size=200), "leak": y + rng.normal(0, 0.01, 200), "y": y})
    >>> v = FeatureLeakageGate().check(current=df, target="y")
    >>> [(f.subject, f.status.value) for f in v.findings]
    [('noise', 'pass'), ('leak', 'fail')]
    >>> v.findings[1].details["evidence"]
    ('perfect_split',)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "max_score": [Interval("real", 0.5, 1)],
        "warn_score": [Interval("real", 0.5, 1), None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "min_samples": [Interval("int", 2, None)],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        max_score: float = 0.99,
        warn_score: float | None = None,
        alpha: float = 0.05,
        min_samples: int = 30,
        on_insufficient: str = "warn",
        where: str | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.where = where
        self.columns = columns
        self.max_score = max_score
        self.warn_score = warn_score
        self.alpha = alpha
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "target")

    def _check(self, ctx: CheckContext) -> Verdict:
        frame = frame_or_error(ctx)
        cols = _feature_columns(ctx, "current", self.columns)
        labels = pd.Series(_labels(ctx))
        present = np.asarray(labels.notna(), dtype=bool)
        if not present.any():
            raise InputError(
                f"target: all {len(labels):,} labels are missing; no feature can be scored",
                reason="all_missing",
                subject="target",
            )
        uniq = pd.unique(labels[present])
        if len(uniq) < 2:
            raise InputError(
                f"target has {pluralize(len(uniq), 'distinct value')}; no feature can predict it",
                reason="one_class_target",
                subject="target",
            )
        if len(uniq) == 2:
            task = "auc"
            positive = np.asarray(labels == sorted(uniq, key=repr)[1], dtype=bool)
            y = positive.astype("float64")
        elif pd.api.types.is_numeric_dtype(labels.dtype) and len(uniq) > 10:
            task = "spearman"
            y = labels.to_numpy(dtype="float64", na_value=np.nan)
        else:
            raise InputError(
                f"target has {len(uniq)} classes; FeatureLeakageGate scores binary targets (ROC AUC) and "
                "numeric targets with more than 10 distinct values (Spearman)",
                reason="unsupported_target",
                subject="target",
            )
        findings = []
        given = ctx.get("target")
        target_name = given if isinstance(given, str) else None
        for col in cols:
            if col not in frame.columns:
                findings.append(absent(col, method=task, available=frame.columns))
                continue
            screen = screened(ctx, col, explicit=self.columns is not None, method=task)
            judge = partial(self._judge, frame[col], col, y, present, task, target_name)
            findings.append(screen or guarded(judge, col, task))
        scores = [f.statistic for f in findings if f.statistic is not None]
        return self._verdict(
            findings=findings,
            metrics={"max_score": max(scores) if scores else float("nan")},
            params={"task": task},
        )

    def _judge(
        self,
        series: pd.Series,
        col: Any,
        y: np.ndarray,
        present: np.ndarray,
        task: str,
        target_name: str | None = None,
    ) -> Finding:
        kind = column_kind(series)
        if bool(series.isna().all()):
            return all_missing(col, len(series), task)
        if kind in _ENCODED_KINDS:
            try:
                codes, _ = pd.factorize(series, use_na_sentinel=False)
            except UNGROUPABLE:  # unhashable objects
                codes, _ = pd.factorize(series.astype(str), use_na_sentinel=False)
            codes = np.asarray(codes, dtype="int64")
            x = _cross_fit_mean(codes[present], y[present])
            keep = np.ones(len(x), dtype=bool)
            encoding = "target_mean_2fold"
        else:
            if kind == "datetime":
                raw = series.astype("int64").to_numpy(dtype="float64")
                raw = np.where(np.asarray(series.isna(), dtype=bool), np.nan, raw)
            else:
                raw = series.to_numpy(dtype="float64", na_value=np.nan)
            x = raw[present]
            keep = ~np.isnan(x)
            encoding = "raw"
        x, yy = x[keep], y[present][keep]
        n_checked = len(x)
        if n_checked < self.min_samples or (task == "auc" and min(yy.sum(), n_checked - yy.sum()) == 0):
            return Finding(
                str(col),
                insufficient_status(self.on_insufficient),
                threshold=self.max_score,
                method=task,
                reason="insufficient_samples",
                message=f"{col}: {n_checked:,} rows with feature and target (min_samples={self.min_samples}, "
                "both classes needed); no score",
                details={"n_checked": n_checked},
            )
        if task == "auc":
            auc = univariate_auc(x, yy.astype(bool))
            score = max(auc, 1.0 - auc)
            n_pos = int(yy.sum())
            lower = auc_lower_bound(score, n_pos, n_checked - n_pos, self.alpha) if score == score else score
        else:
            score = spearman_abs(x, yy)
            lower = spearman_lower_bound(score, n_checked, self.alpha)
        label = "ROC AUC (folded)" if task == "auc" else "|Spearman|"
        if score != score:
            return Finding(
                str(col),
                Status.ERROR,
                method=task,
                reason="constant_column",
                message=f"{col}: constant feature; {label} undefined",
                details={"n_checked": n_checked},
            )
        evidence = []
        if score >= 1.0:
            evidence.append("perfect_split")
        if lower > self.max_score:
            evidence.append("lower_bound_above_max_score")
        derived = _derived_from(str(col), target_name)
        if derived and score > NAME_EVIDENCE_SCORE:
            evidence.append("target_derived_name")
        bound = f"lower bound {lower:.3f} at alpha {self.alpha:g}"
        if evidence:
            status, reason = Status.FAIL, "feature_leakage"
            why = {
                "perfect_split": "splits the target perfectly",
                "lower_bound_above_max_score": f"{bound} > {self.max_score:g}",
                "target_derived_name": f"name contains the target's name {target_name!r}",
            }
            message = f"{col}: {label} {score:.3f}; leakage: " + "; ".join(why[e] for e in evidence)
        elif self.warn_score is not None and score > self.warn_score:
            status, reason = Status.WARN, "strong_predictor"
            message = (
                f"{col}: {label} {score:.3f} > {self.warn_score:.3f} (a strong predictor alone; {bound} "
                f"<= {self.max_score:g}, no perfect split: not judged leakage)"
            )
        else:
            status, reason = Status.PASS, None
            message = f"{col}: {label} {score:.3f} ({bound} <= {self.max_score:g}; no perfect split)"
        return Finding(
            str(col),
            status,
            statistic=score,
            threshold=self.warn_score if status is Status.WARN else self.max_score,
            method=task,
            reason=reason,
            message=message,
            details={
                "n_checked": n_checked,
                "encoding": encoding,
                "lower_bound": lower,
                "alpha": self.alpha,
                "evidence": evidence,
                "target_derived_name": derived,
            },
        )


def _derived_from(feature: str, target: str | None) -> bool:
    """Whether a feature's name contains the target column's name (3+ characters, any case)."""
    if target is None or len(target) < 3 or feature == target:
        return False
    return target.lower() in feature.lower()


def _cross_fit_mean(codes: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Target mean per category, each row encoded from the other fold (folds drawn at random
    with a fixed seed, so row order cannot line up with the folds)."""
    n_cat = int(codes.max()) + 1 if len(codes) else 0
    fold = np.random.default_rng(_FOLD_SEED).integers(0, 2, len(codes))
    out = np.empty(len(codes), dtype="float64")
    for f in (0, 1):
        other = fold != f
        sums = np.bincount(codes[other], weights=y[other], minlength=n_cat)
        counts = np.bincount(codes[other], minlength=n_cat)
        overall = float(y[other].mean()) if other.any() else 0.5
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), overall)
        out[~other] = means[codes[~other]]
    return out
