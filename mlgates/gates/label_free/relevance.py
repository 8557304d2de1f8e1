"""FeatureRelevanceGate: features the model does not need any more, and features whose
importance changed."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import select_columns
from mlgates.gates.label_free._model_calls import call_model, method_of
from mlgates.gates.label_free._outcomes import binary_outcomes
from mlgates.stats.importance import (
    ImportanceChange,
    ImportanceSummary,
    importance_change,
    importance_summary,
)
from mlgates.stats.multiple_testing import CORRECTIONS, adjust_pvalues
from mlgates.stats.performance import score_metric

__all__ = ["METRICS", "FeatureRelevanceGate"]

#: Metric name -> (needs scores, is a loss). Importance is the drop of the score (the rise of
#: a loss) when a feature is permuted.
METRICS: dict[str, tuple[bool, bool]] = {
    "roc_auc": (True, False),
    "log_loss": (True, True),
    "accuracy": (False, False),
    "balanced_accuracy": (False, False),
    "r2": (False, False),
    "mean_absolute_error": (False, True),
    "mean_squared_error": (False, True),
}


@dataclass(frozen=True)
class _Scored:
    """Labels ready for one metric, the features, the metric's name and its scorer."""

    x: pd.DataFrame
    y: np.ndarray
    metric: str
    scorer: Callable[[Any, pd.DataFrame, np.ndarray], float]


class FeatureRelevanceGate(Gate):
    """Permutation importance with intervals: dead-weight features, and importances that changed.

    On labelled ``current`` data (current rows with their labels, or a validation set passed
    as ``current``), each feature the model reads is permuted and the drop of the metric is
    its importance. Importances are measured on ``n_resamples`` bootstrap resamples of the
    rows (with :func:`sklearn.inspection.permutation_importance`, one permutation each), which
    gives each an interval that covers the rows' sampling error, not only the permutation's.

    - A feature whose importance is not above zero at level ``alpha`` (one-sided) is dead
      weight: the model would do as well without it, and it still costs a pipeline to keep
      (reason ``irrelevant_feature``, status from ``on_irrelevant``).
    - With a labelled ``reference`` (the ``target`` column present in it), importances are
      also measured there and compared: a change significant after ``correction`` across the
      features is reason ``importance_changed`` (WARN); with ``max_importance_change`` set, a
      significant change larger than it FAILs (``importance_change_exceeded``).

    Parameters
    ----------
    metric : str, default "auto"
        ``"roc_auc"``, ``"log_loss"``, ``"accuracy"``, ``"balanced_accuracy"``, ``"r2"``,
        ``"mean_absolute_error"`` or ``"mean_squared_error"``. ``"auto"``: ``roc_auc`` for a
        binary target and a model with ``predict_proba``, ``r2`` for a continuous target,
        ``accuracy`` otherwise.
    columns : str or list of str, optional
        Features to report (all are permuted); default every feature the model reads.
    alpha : float, default 0.05
        Significance level of both tests.
    correction : {"holm", "bonferroni", "fdr_bh"} or None, default "holm"
        Multiple-testing correction of the change tests across the features. The dead-weight
        test is per feature and not corrected: a correction would only make more features look
        irrelevant.
    max_importance_change : float, optional
        Largest change of a feature's importance (in metric units) against the reference that
        is not a failure. Without it a significant change only WARNs.
    on_irrelevant : {"warn", "fail", "ignore"}, default "warn"
        Status of a dead-weight feature (``"ignore"``: reported as PASS with the note).
    n_resamples : int, default 20
        Bootstrap resamples of the rows (each one permutation of every feature).
    confidence : float, default 0.95
        Level of the intervals.
    subsample : int, default 10000
        Rows of each table used (a seeded sample): every resample asks the model once per feature.
    min_samples : int, default 50
        Fewer labelled rows on a side is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    pos_label : str or int, optional
        Positive class for ``roc_auc``/``log_loss`` (default: the greater class).
    random_state : int, default 0
        Seed of the subsample, the resamples and the permutations.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Importances are measured on the model as fitted: a feature the model never reads has an
    importance of exactly zero, a feature it reads but that does not help has one around zero
    (negative on held-out rows when it only adds noise). Correlated features share their
    importance: permuting one leaves the other to carry it, so two redundant features can both
    look irrelevant. The standard error of an importance is the spread of its resampled values
    (see :mod:`mlgates.stats.importance`).

    ``metrics``: the metric's value on current (and ``baseline_<metric>`` on reference),
    ``features``, ``irrelevant_features``, ``changed_features``.

    Reason codes: ``irrelevant_feature``, ``importance_changed``, ``importance_change_exceeded``,
    ``insufficient_samples``, ``undefined_statistic``, ``one_class_target``,
    ``method_not_applicable``, ``missing_input``, ``missing_column``, ``missing_values``,
    ``empty_input``, ``predict_failed``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from mlgates import FeatureRelevanceGate
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"signal": rng.normal(size=1500), "noise": rng.normal(size=1500)})
    >>> y = (X["signal"] + rng.normal(0, 0.5, 1500) > 0).astype(int)
    >>> model = LogisticRegression().fit(X[:1000], y[:1000])
    >>> cur = X[1000:].assign(y=y[1000:])
    >>> v = FeatureRelevanceGate(n_resamples=10).check(current=cur, target="y", model=model)
    >>> [(f.subject, f.status.value, f.reason) for f in v.findings]
    [('noise', 'warn', 'irrelevant_feature'), ('signal', 'pass', None)]
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [Options("auto", *METRICS)],
        "columns": ["columns", None],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "correction": [Options(*CORRECTIONS), None],
        "max_importance_change": [Interval("real", 0, None), None],
        "on_irrelevant": [Options("warn", "fail", "ignore")],
        "n_resamples": [Interval("int", 2, MAX_RESAMPLES)],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "subsample": [Interval("int", 1, None)],
        "min_samples": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "pos_label": [str, int, None],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        metric: str = "auto",
        columns: str | Sequence[str] | None = None,
        alpha: float = 0.05,
        correction: str | None = "holm",
        max_importance_change: float | None = None,
        on_irrelevant: str = "warn",
        n_resamples: int = 20,
        confidence: float = 0.95,
        subsample: int = 10_000,
        min_samples: int = 50,
        on_insufficient: str = "warn",
        pos_label: str | int | None = None,
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.columns = columns
        self.alpha = alpha
        self.correction = correction
        self.max_importance_change = max_importance_change
        self.on_irrelevant = on_irrelevant
        self.n_resamples = n_resamples
        self.confidence = confidence
        self.subsample = subsample
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.pos_label = pos_label
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("current", "target", "model")

    # -- inputs ---------------------------------------------------------------------------
    def _metric_for(self, model: Any, y: np.ndarray) -> str:
        if self.metric != "auto":
            return self.metric
        values = _distinct(y)
        if (
            y.dtype.kind == "f"
            and values.size > inputs.CONTINUOUS_MIN_DISTINCT
            and bool((y != np.round(y)).any())
        ):
            return "r2"
        if values.size == 2 and method_of(model) == "predict_proba":
            return "roc_auc"
        return "accuracy"

    def _scored(
        self, ctx: CheckContext, model: Any, side: str, metric: str | None, rng: np.random.Generator
    ) -> _Scored:
        x = ctx.model_features(model, side)  # type: ignore[arg-type]
        y = inputs.labels(ctx, side)  # type: ignore[arg-type]
        if y.shape[0] != len(x):
            raise InputError(
                f"target ({side}): {y.shape[0]} labels for {len(x)} rows.",
                reason="length_mismatch",
                subject="target",
            )
        if len(x) > self.subsample:
            rows = np.sort(rng.choice(len(x), self.subsample, replace=False))
            x, y = x.iloc[rows], y[rows]
        name = metric or self._metric_for(model, y)
        return _Scored(x, *self._encode(model, y, name))

    def _encode(self, model: Any, y: np.ndarray, metric: str) -> tuple[np.ndarray, str, Callable[..., float]]:
        """The labels in the metric's encoding and a scorer ``(estimator, x, y) -> float``
        (greater is better) that asks ``model`` itself. The metrics are the performance
        kernels' (:func:`mlgates.stats.performance.score_metric`), which skip scikit-learn's
        per-call validation: a check scores ``n_resamples x (features + 1)`` times."""
        needs_scores, is_loss = METRICS[metric]
        sign = -1.0 if is_loss else 1.0
        if metric in ("r2", "mean_absolute_error", "mean_squared_error"):
            yy = inputs.numbers("target", y)

            def regression(est: Any, x: pd.DataFrame, y_: np.ndarray) -> float:
                pred = inputs.numbers("prediction", call_model(model, x, "predict"))
                return sign * score_metric(metric, y_, pred)

            return yy, metric, regression
        if needs_scores:
            if method_of(model) != "predict_proba":
                raise InputError(
                    f"metric {metric!r} needs probabilities, but the model ({type(model).__name__}) has no "
                    "predict_proba(); use metric='accuracy'.",
                    reason="method_not_applicable",
                    subject="metric",
                )
            y01 = binary_outcomes(y, self.pos_label)
            column = _positive_column(model, self.pos_label)

            def scored(est: Any, x: pd.DataFrame, y_: np.ndarray) -> float:
                raw = inputs.numbers("proba", call_model(model, x, "predict_proba"))
                p = raw[:, column] if raw.ndim == 2 else raw
                if metric == "roc_auc":
                    return score_metric("roc_auc", y_, p)
                q = np.clip(p, 1e-15, 1 - 1e-15)
                return float(np.mean(y_ * np.log(q) + (1 - y_) * np.log1p(-q)))  # minus the log loss

            return y01.astype(np.int64), metric, scored
        labels = inputs.complete("target", y)

        def labelled(est: Any, x: pd.DataFrame, y_: np.ndarray) -> float:
            pred = inputs.complete("prediction", call_model(model, x, "predict"))
            try:
                _, codes = np.unique(np.concatenate([y_, pred]), return_inverse=True)
            except TypeError:
                raise InputError(
                    f"{metric}: the model's predictions ({pred.dtype}) cannot be compared with the "
                    f"target ({y_.dtype}); convert them to one type.",
                    reason="invalid_prediction",
                    subject="prediction",
                ) from None
            yc, pc = codes[: y_.shape[0]], codes[y_.shape[0] :]
            if metric == "accuracy":
                return float(np.mean(yc == pc))
            recalls = [np.mean(pc[yc == k] == k) for k in np.unique(yc)]
            return float(np.mean(recalls))  # balanced accuracy: the mean recall over the classes

        return labels, metric, labelled

    # -- check ----------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        model = ctx.get("model")
        rng = np.random.default_rng(self.random_state)
        for side in ("current", "reference") if ctx.has("reference") else ("current",):
            if len(ctx.frame(side)) == 0:  # type: ignore[arg-type]
                return self._verdict(
                    Status.ERROR,
                    reason="empty_input",
                    message=f"{side} has no rows: no importance to measure",
                )
        cur = self._scored(ctx, model, "current", None, rng)
        select_columns(cur.x, None)  # duplicate names: an InputError naming them
        ref = self._scored(ctx, model, "reference", cur.metric, rng) if ctx.has("reference") else None
        for side, s in (("current", cur), ("reference", ref)):
            if s is None:
                continue
            short = self._shortfall(s)
            if short:
                return self._verdict(
                    findings=[
                        Finding(
                            "rows",
                            insufficient_status(self.on_insufficient),
                            statistic=float(len(s.x)),
                            threshold=float(self.min_samples),
                            method="min_samples",
                            reason="insufficient_samples",
                            message=f"{side}: {short}; importances not measured",
                        )
                    ],
                    params={"metric": cur.metric},
                )
        names = list(cur.x.columns)
        wanted = names if self.columns is None else select_columns(cur.x, self.columns)
        absent = [c for c in wanted if c not in names]
        if absent:
            raise InputError(
                f"columns {absent[:10]} are not features the model reads ({len(names)} features: "
                f"{', '.join(map(str, names[:10]))}{', ...' if len(names) > 10 else ''}).",
                reason="missing_column",
                subject=str(absent[0]),
            )
        imp_cur, score_cur = self._importances(model, cur, rng)
        imp_ref, score_ref = self._importances(model, ref, rng) if ref is not None else (None, None)
        index = {c: j for j, c in enumerate(names)}
        summaries = {c: importance_summary(imp_cur[index[c]], confidence=self.confidence) for c in wanted}
        changes: dict[Any, ImportanceChange] = {}
        adjusted: dict[Any, float] = {}
        if imp_ref is not None:
            changes = {
                c: importance_change(imp_cur[index[c]], imp_ref[index[c]], confidence=self.confidence)
                for c in wanted
            }
            raw = [changes[c].pvalue for c in wanted]
            adj = adjust_pvalues(raw, self.correction).tolist() if self.correction else raw
            adjusted = dict(zip(wanted, adj, strict=True))
        findings = [self._judge(c, summaries[c], changes.get(c), adjusted.get(c), cur.metric) for c in wanted]
        findings.sort(key=lambda f: (-(f.status.rank or 0), f.statistic if f.statistic is not None else 0.0))
        natural = -1.0 if METRICS[cur.metric][1] else 1.0  # losses are scored negated
        metrics: dict[str, float] = {
            cur.metric: natural * score_cur,
            "features": float(len(wanted)),
            "irrelevant_features": float(sum(bool(f.details.get("irrelevant")) for f in findings)),
        }
        if score_ref is not None:
            metrics[f"baseline_{cur.metric}"] = natural * score_ref
            metrics["changed_features"] = float(sum(bool(f.details.get("changed")) for f in findings))
        message = None
        if all(f.status is Status.PASS for f in findings):
            message = f"{len(findings)} features judged: " + "; ".join(f.message for f in findings[:3])
            if len(findings) > 3:
                message += f" (+{len(findings) - 3} more)"
        return self._verdict(
            findings=findings, metrics=metrics, message=message, params={"metric": cur.metric}
        )

    def _shortfall(self, s: _Scored) -> str | None:
        if len(s.x) < self.min_samples:
            return f"{len(s.x)} labelled rows < min_samples {self.min_samples}"
        if s.metric in ("roc_auc", "log_loss", "accuracy", "balanced_accuracy"):
            values = _distinct(s.y)
            if values.size < 2:
                raise InputError(
                    f"{s.metric}: the target has a single class ({inputs.shown_values(values)}); "
                    "importance is undefined on one class.",
                    reason="one_class_target",
                    subject="target",
                )
        return None

    def _importances(self, model: Any, s: _Scored, rng: np.random.Generator) -> tuple[np.ndarray, float]:
        """Importances (features x resamples) on bootstrap resamples of the rows, and the
        metric on all rows."""
        from sklearn.inspection import permutation_importance

        n = len(s.x)
        full = s.scorer(model, s.x, s.y)
        if not math.isfinite(full):
            raise InputError(
                f"{s.metric} is undefined on these rows (got {full}).",
                reason="undefined_statistic",
                subject=s.metric,
            )
        out = np.empty((s.x.shape[1], self.n_resamples))
        for b in range(self.n_resamples):
            rows = rng.integers(0, n, n)
            y_b = s.y[rows]
            if s.metric in ("roc_auc", "log_loss") and np.unique(y_b).size < 2:
                rows = rng.permutation(n)  # a one-class resample: fall back to all rows
                y_b = s.y[rows]
            x_b = s.x.iloc[rows].reset_index(drop=True)
            result = permutation_importance(
                _Fitted(),
                x_b,
                y_b,
                scoring=s.scorer,
                n_repeats=1,
                random_state=int(rng.integers(0, 2**31 - 1)),
            )
            out[:, b] = result.importances[:, 0]
        if not np.isfinite(out).all():
            raise InputError(
                f"{s.metric}: some permuted scores are undefined; importances cannot be measured.",
                reason="undefined_statistic",
                subject=s.metric,
            )
        return out, full

    # -- decision -----------------------------------------------------------------------------
    def _judge(
        self,
        col: Any,
        s: ImportanceSummary,
        change: ImportanceChange | None,
        p_change: float | None,
        metric: str,
    ) -> Finding:
        level = f"{self.confidence * 100:g}% CI"
        irrelevant = s.pvalue >= self.alpha
        details: dict[str, Any] = {
            "importance": s.mean,
            "se": s.se,
            "ci": [s.ci_low, s.ci_high],
            "relevance_pvalue": s.pvalue,
            "irrelevant": irrelevant,
            "n_resamples": s.n_resamples,
            "metric": metric,
        }
        head = f"{col}: importance {s.mean:.4f} {metric} ({level} {s.ci_low:.4f} to {s.ci_high:.4f})"
        parts: list[tuple[Status, str | None, str]] = []
        if irrelevant:
            status = {"warn": Status.WARN, "fail": Status.FAIL, "ignore": Status.PASS}[self.on_irrelevant]
            unused = s.mean == 0.0 and s.se == 0.0
            why = (
                "permuting it never changes the score: the model does not use it (dead weight)"
                if unused
                else f"not above zero (p = {s.pvalue:.3g}): dead weight, the model does as well without it"
            )
            parts.append((status, "irrelevant_feature" if status is not Status.PASS else None, why))
        else:
            parts.append((Status.PASS, None, f"above zero (p = {s.pvalue:.3g})"))
        if change is not None and p_change is not None:
            changed = p_change < self.alpha
            details.update(
                {
                    "baseline_importance": s.mean - change.difference,
                    "change": change.difference,
                    "change_ci": [change.ci_low, change.ci_high],
                    "change_pvalue": p_change,
                    "raw_change_pvalue": change.pvalue,
                    "changed": changed,
                }
            )
            after = f" after {self.correction}" if self.correction else ""
            what = (
                f"{_signed(change.difference)} against the reference ({level} {_signed(change.ci_low)} to "
                f"{_signed(change.ci_high)}; p = {p_change:.3g}{after})"
            )
            bound = self.max_importance_change
            if not changed:
                parts.append((Status.PASS, None, f"{what}, no significant change"))
            elif bound is None:
                parts.append((Status.WARN, "importance_changed", f"{what}: changed"))
            elif abs(change.difference) > bound:
                parts.append(
                    (Status.FAIL, "importance_change_exceeded", f"{what}: changed by more than {bound:g}")
                )
            else:
                parts.append((Status.PASS, None, f"{what}: significant, but within {bound:g} allowed"))
        status = Status.worst(st for st, _, _ in parts)
        reason = next((r for st, r, _ in parts if st is status and r), None)
        return Finding(
            str(col),
            status,
            statistic=s.mean,
            pvalue=s.pvalue,
            method="permutation_importance",
            reason=reason,
            details=details,
            message=f"{head}; " + "; ".join(t for _, _, t in parts),
        )


class _Fitted:
    """What scikit-learn's ``permutation_importance`` is handed as the estimator: it only checks
    for a ``fit`` method. The scorers ask the user's model itself (any object with
    ``predict``/``predict_proba``, fitted or not by scikit-learn) through the model-call path."""

    def fit(self, *args: Any, **kwargs: Any) -> _Fitted:  # pragma: no cover - never called
        raise NotImplementedError("the model is fitted already")


def _positive_column(model: Any, pos_label: Any) -> int:
    classes = getattr(model, "classes_", None)
    if classes is not None and pos_label is not None:
        hits = [i for i, c in enumerate(list(classes)) if c == pos_label]
        if hits:
            return hits[0]
    return 1


def _signed(x: float) -> str:
    return f"{x:+.4f}"


def _distinct(y: np.ndarray) -> np.ndarray:
    try:
        return np.unique(y)
    except TypeError:
        raise InputError(
            "target: holds values of different types (e.g. numbers and strings) that cannot be "
            "compared; convert them to one type.",
            reason="invalid_input",
            subject="target",
        ) from None
