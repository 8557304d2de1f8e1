"""LabelFreePerformanceGate: a binary classifier's performance on current rows, before labels."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.label_free._calibration import ECE_BINS, NULL_LEVEL, CalibrationFit, fit_reference
from mlgates.gates.label_free._decide import (
    CONCEPT_DRIFT_NOTE,
    fmt,
    headline,
    interval_finding,
    quantile_interval,
    support_finding,
)
from mlgates.gates.label_free._reading import binary_target, feature_columns, positive_scores
from mlgates.gates.label_free._support import outside_support
from mlgates.stats.label_free import LABEL_FREE_METRICS, expected_metric, group_current, simulate_metric

__all__ = ["LabelFreePerformanceGate"]

#: Fewest rows of each class the reference needs to fit and check a calibration map.
MIN_PER_CLASS = 10
#: Raw scores are used row by row up to this many current rows (else per bin and label).
ROW_GROUPS = 20_000
#: Exact label simulation (one Bernoulli draw per row) up to this many rows x draws.
EXACT_CELLS = 20_000_000


class LabelFreePerformanceGate(Gate):
    """A binary classifier's metric on ``current``, estimated from calibrated probabilities
    before the labels arrive.

    The gate learns on ``reference`` (held-out labelled rows the model did not train on: the
    ``target`` and the model's ``proba``, or a ``model``) how the scores translate into
    probabilities, checks that they do so reliably, and then reads the expected confusion
    counts of ``current`` off its scores (confidence-based performance estimation). It FAILs
    when the metric is worse than allowed beyond the estimate's interval.

    What it assumes, and checks where it can:

    - the calibrated probabilities are right on the reference: the out-of-fold expected
      calibration error must be at most ``max_reference_ece`` (ERROR ``not_calibrated``
      otherwise: no estimate is made on scores that do not mean what they say);
    - current rows lie where the reference had rows: a share outside the reference's support
      beyond ``warn_outside_share`` gives WARN ``outside_support`` (the estimate extrapolates);
    - P(y | x) has not changed (no concept drift): this cannot be checked without labels, and
      every verdict says so. Back-test the estimates with :class:`EstimateCheckGate` once labels
      arrive.

    Parameters
    ----------
    metric : {"accuracy", "precision", "recall", "f1", "roc_auc"}, default "accuracy"
        The metric estimated; the predicted labels are ``score >= decision_threshold``.
    min_value : float, optional
        Floor on the metric: FAIL when the whole interval is below it (reason
        ``metric_bound_exceeded``), PASS when the whole interval is at or above it.
    max_drop : float, optional
        Largest drop against the metric measured on ``reference`` (its labels are known), in
        metric units: FAIL when the whole interval of the difference lies beyond it (reason
        ``performance_regression``). The reference value's own sampling error is in the interval.
    calibration : {"auto", "isotonic", "sigmoid", "none"}, default "auto"
        The calibration map fitted on the reference (cross-fitted, ``cv`` folds). ``"auto"``
        keeps the raw scores unless isotonic or sigmoid calibration lowers the out-of-fold ECE,
        and takes the map with the lowest. ``"none"`` needs scores in [0, 1].
    max_reference_ece : float or "auto", default "auto"
        Largest out-of-fold ECE (10 equal-width bins) of the calibrated reference scores.
        ``"auto"``: the 99% quantile of the ECE that perfectly calibrated probabilities show at
        the reference's size and score distribution (simulated; recorded in ``params``), so
        calibrated scores pass 99 times in 100 at any reference size.
    decision_threshold : float, default 0.5
        Scores at or above it are predicted positive (for the label metrics).
    confidence : float, default 0.95
        Level of the estimate's interval.
    n_resamples : int, default 2000
        Label sets drawn for the interval, spread over 50 calibration maps refitted on
        bootstrap resamples of the reference (in [100, 100000]).
    cv : int, default 5
        Folds of the cross-fitted calibration.
    min_samples : int, default 200
        Fewest reference rows (and at least 10 of each class) to fit and check a calibration
        map; below that no estimate is made (``insufficient_samples``).
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status when the reference is too small or the interval straddles the bound.
    warn_outside_share : float, default 0.01
        Share of current rows outside the reference's support above which the gate WARNs,
        provided the share also exceeds what samples of the reference's own distribution
        reach (recorded as ``null_bound``).
    columns : str or list of str, optional
        Feature columns checked for support; default the model's ``feature_names_in_``, else
        every column of both tables but the target and the score columns.
    pos_label : str or int, optional
        The positive class (default the greater of the two target classes).
    random_state : int or None, default 0
        Seed of the folds and the simulations (fixed by default: a verdict is reproducible).
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Estimation: with ``q_i`` the calibrated probability of row ``i`` and ``ŷ_i`` its predicted
    label, ``E[TP] = sum_{ŷ=1} q_i`` and ``E[FN] = sum_{ŷ=0} q_i``; accuracy and precision are
    exact expectations, recall and F1 ratios of expected counts; ROC AUC is the expected
    Mann-Whitney numerator over the expected number of pairs (see
    :mod:`mlgates.stats.label_free`).

    Interval: the central ``confidence`` interval of the metric on label sets drawn from the
    calibrated probabilities (row by row up to 20 million row-draws, else from the exact normal
    approximation of the counts), under 50 calibration maps refitted on bootstrap resamples of
    the reference. It is a prediction interval for the value the batch will show once labelled.

    ``metrics``: ``<metric>`` (the estimate), ``<metric>_ci_low``, ``<metric>_ci_high``,
    ``reference_ece``, ``max_reference_ece``, ``outside_share``, ``n``, ``n_reference``; with
    ``max_drop`` also ``baseline_<metric>`` (measured on reference), ``difference``,
    ``ci_low``/``ci_high`` (of the difference).

    Reason codes: ``not_calibrated``, ``outside_support``, ``metric_bound_exceeded``,
    ``performance_regression``, ``insufficient_samples``, ``undefined_statistic``,
    ``one_class_target``, ``non_binary_labels``, ``invalid_proba``, ``missing_values``,
    ``missing_column``, ``missing_input``, ``empty_input``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import LabelFreePerformanceGate
    >>> rng = np.random.default_rng(0)
    >>> def batch(n):
    ...     x = rng.normal(size=n)
    ...     p = 1 / (1 + np.exp(-2 * x))
    ...     return pd.DataFrame({"x": x, "p": p, "y": (rng.random(n) < p).astype(int)})
    >>> reference, current = batch(5000), batch(3000).drop(columns="y")
    >>> gate = LabelFreePerformanceGate("accuracy", min_value=0.7)
    >>> v = gate.check(reference=reference, current=current, target="y", proba="p")
    >>> v.status, v.params["calibration_method"]
    (<Status.PASS: 'pass'>, 'none')
    >>> round(v.metrics["accuracy"], 3), round(v.metrics["accuracy_ci_low"], 3)
    (0.777, 0.76)
    >>> "concept drift" in v.message
    True
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [Options(*LABEL_FREE_METRICS)],
        "min_value": [Interval("real", None, None), None],
        "max_drop": [Interval("real", 0, None), None],
        "calibration": [Options("auto", "isotonic", "sigmoid", "none")],
        "max_reference_ece": [Interval("real", 0, 1), Options("auto")],
        "decision_threshold": [Interval("real", None, None)],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "n_resamples": [Interval("int", 100, MAX_RESAMPLES)],
        "cv": [Interval("int", 2, 20)],
        "min_samples": [Interval("int", 20, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "warn_outside_share": [Interval("real", 0, 1)],
        "columns": ["columns", None],
        "pos_label": [str, int, None],
        "random_state": [Interval("int", 0, None), None],
    }

    def __init__(
        self,
        metric: str = "accuracy",
        *,
        min_value: float | None = None,
        max_drop: float | None = None,
        calibration: str = "auto",
        max_reference_ece: float | str = "auto",
        decision_threshold: float = 0.5,
        confidence: float = 0.95,
        n_resamples: int = 2000,
        cv: int = 5,
        min_samples: int = 200,
        on_insufficient: str = "warn",
        warn_outside_share: float = 0.01,
        columns: str | list[str] | None = None,
        pos_label: str | int | None = None,
        random_state: int | None = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.min_value = min_value
        self.max_drop = max_drop
        self.calibration = calibration
        self.max_reference_ece = max_reference_ece
        self.decision_threshold = decision_threshold
        self.confidence = confidence
        self.n_resamples = n_resamples
        self.cv = cv
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.warn_outside_share = warn_outside_share
        self.columns = columns
        self.pos_label = pos_label
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current", "target")

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        return (("proba", "model"),)

    # -- checking -------------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        y_ref, pos_value = binary_target(ctx, self.pos_label, self.metric)
        s_ref = positive_scores(ctx, "reference", y_ref.pos_index)
        s_cur = positive_scores(ctx, "current", y_ref.pos_index)
        if s_ref.shape[0] != y_ref.y.shape[0]:
            raise InputError(
                f"proba (reference): {s_ref.shape[0]} scores for {y_ref.y.shape[0]} rows.",
                reason="length_mismatch",
                subject="proba",
            )
        if s_cur.size == 0:
            raise InputError("current has no rows: nothing to estimate", reason="empty_input")
        y = y_ref.y
        n_ref, n_cur = int(y.size), int(s_cur.size)
        params: dict[str, Any] = {"pos_label": pos_value, "assumption": CONCEPT_DRIFT_NOTE}
        metrics: dict[str, float] = {"n": n_cur, "n_reference": n_ref}
        counts = np.bincount(y, minlength=2)
        if n_ref < self.min_samples or counts.min() < MIN_PER_CLASS:
            shortfall = (
                f"{n_ref} reference rows < min_samples {self.min_samples}"
                if n_ref < self.min_samples
                else f"{int(counts.min())} {'positive' if counts.argmin() == 1 else 'negative'} reference "
                f"rows < {MIN_PER_CLASS}"
            )
            finding = Finding(
                self.metric,
                insufficient_status(self.on_insufficient),
                statistic=float(n_ref),
                threshold=float(self.min_samples),
                method="min_samples",
                reason="insufficient_samples",
                message=f"{self.metric}: {shortfall}: too few labelled rows to fit and check a "
                "calibration map; no estimate made",
            )
            return self._verdict(findings=[finding], metrics=metrics, params=params)
        if self.calibration == "none" and (
            s_ref.min() < 0 or s_ref.max() > 1 or s_cur.min() < 0 or s_cur.max() > 1
        ):
            raise InputError(
                "proba: calibration='none' takes the scores as probabilities, but they lie outside "
                f"[0, 1] (e.g. {float(s_ref.min()):.4g}); use calibration='auto' to map them to "
                "probabilities.",
                reason="invalid_proba",
                subject="proba",
            )
        fit = fit_reference(
            s_ref,
            y,
            calibration=self.calibration,
            decision_threshold=self.decision_threshold,
            cv=self.cv,
            random_state=self.random_state,
            max_reference_ece=self.max_reference_ece,
        )
        params.update(self._calibration_params(fit))
        metrics.update({"reference_ece": fit.ece, "max_reference_ece": fit.bound})
        cal = self._calibration_finding(fit)
        findings = [cal]
        columns, explicit = self._support_columns(ctx)
        support = outside_support(
            ctx.frame("reference"), ctx.frame("current"), columns, s_ref, s_cur, explicit=explicit
        )
        metrics["outside_share"] = support.share
        findings.append(support_finding(support, self.warn_outside_share))
        if not fit.calibrated:
            return self._verdict(
                findings=findings, metrics=metrics, params=params, message=headline(findings)
            )
        main, est_metrics, est_params = self._estimate(fit, s_ref, y, s_cur)
        metrics.update(est_metrics)
        params.update(est_params)
        findings.insert(0, main)
        return self._verdict(findings=findings, metrics=metrics, params=params, message=headline(findings))

    def _support_columns(self, ctx: CheckContext) -> tuple[list[Any], bool]:
        if self.columns is not None:
            return ([self.columns] if isinstance(self.columns, str) else list(self.columns)), True
        return feature_columns(ctx), False

    def _calibration_params(self, fit: CalibrationFit) -> dict[str, Any]:
        return {
            "calibration_method": fit.method,
            "calibration_oof_ece": fit.oof_ece,
            "max_reference_ece": fit.bound,
            "max_reference_ece_source": fit.bound_source,
            "ece_bins": ECE_BINS,
            "null_level": NULL_LEVEL,
            **fit.details,
        }

    def _calibration_finding(self, fit: CalibrationFit) -> Finding:
        tried = ", ".join(f"{m} {fmt(e)}" for m, e in fit.oof_ece.items())
        details = {"oof_ece": fit.oof_ece, "method": fit.method, "bound_source": fit.bound_source}
        if fit.calibrated:
            return Finding(
                "calibration",
                Status.PASS,
                statistic=fit.ece,
                threshold=fit.bound,
                method=f"oof_ece_{fit.method}",
                details=details,
                message=f"calibration: out-of-fold ECE {fmt(fit.ece)} <= {fmt(fit.bound)} with "
                f"calibration {fit.method!r} (tried: {tried})",
            )
        return Finding(
            "calibration",
            Status.ERROR,
            statistic=fit.ece,
            threshold=fit.bound,
            method=f"oof_ece_{fit.method}",
            reason="not_calibrated",
            details=details,
            message=f"calibration: out-of-fold ECE {fmt(fit.ece)} > {fmt(fit.bound)} even with the best "
            f"map ({fit.method!r}; tried: {tried}): the scores do not say how likely the positive class "
            "is, so no estimate is made",
        )

    def _estimate(
        self, fit: CalibrationFit, s_ref: np.ndarray, y: np.ndarray, s_cur: np.ndarray
    ) -> tuple[Finding, dict[str, float], dict[str, Any]]:
        rng = np.random.default_rng(self.random_state)
        pred = s_cur >= self.decision_threshold
        auc = self.metric == "roc_auc"
        cur_bin = fit.bins.index(s_cur)
        if fit.method != "none":
            group, q, qs = cur_bin, fit.q_bins, fit.q_boot
        elif s_cur.size <= ROW_GROUPS:  # raw scores, row by row, moved by the bootstrap maps
            group = np.arange(s_cur.size)
            q = np.clip(s_cur, 0, 1)
            qs = np.clip(q[None, :] + fit.deviation[:, cur_bin], 0, 1)
        else:  # raw scores, averaged per (reference bin, predicted label)
            group = 2 * cur_bin + pred
            n_groups = 2 * fit.bins.k
            size = np.bincount(group, minlength=n_groups)
            q = np.bincount(group, weights=np.clip(s_cur, 0, 1), minlength=n_groups) / np.maximum(size, 1)
            qs = np.clip(q[None, :] + np.repeat(fit.deviation, 2, axis=1), 0, 1)
        g = group_current(group, int(q.size), pred, s_cur if auc else None)
        plain = expected_metric(self.metric, q, g)
        per_map = max(1, math.ceil(self.n_resamples / qs.shape[0]))
        exact = s_cur.size * per_map * qs.shape[0] <= EXACT_CELLS
        draws = simulate_metric(self.metric, qs, g, per_map, rng, exact=exact)
        # bootstrap bias correction: a fitted map is noisier than the truth and, being monotone,
        # its noise reads as separation (ROC AUC above all); the refits show by how much
        boot = np.array([expected_metric(self.metric, qb, g) for qb in qs])
        bias = float(np.nanmean(boot) - plain) if fit.method != "none" and np.isfinite(boot).any() else 0.0
        estimate = plain - bias
        draws = draws - 2 * bias
        lo, hi = quantile_interval(draws, self.confidence)
        mname = self.metric
        out = {mname: estimate, f"{mname}_ci_low": lo, f"{mname}_ci_high": hi}
        method = f"cbpe_{fit.method}"
        p = {
            "interval_method": ("exact" if exact else "normal")
            + " label simulation"
            + f" x {qs.shape[0]} bootstrap calibration maps",
            "predicted_positive_share": float(pred.mean()),
            "bootstrap_bias": bias,
        }
        baseline = diff_ci = None
        if self.max_drop is not None:
            baseline, ref_draws = _reference_metric(mname, y, s_ref, self.decision_threshold, draws.size, rng)
            diffs = draws - rng.permutation(ref_draws)
            diff_ci = quantile_interval(diffs, self.confidence)
            out.update(
                {
                    f"baseline_{mname}": baseline,
                    "difference": estimate - baseline,
                    "ci_low": diff_ci[0],
                    "ci_high": diff_ci[1],
                }
            )
        finding = interval_finding(
            mname,
            estimate=estimate,
            interval=(lo, hi),
            confidence=self.confidence,
            greater_is_better=True,
            min_value=self.min_value,
            max_value=None,
            max_drop=self.max_drop,
            baseline=baseline,
            difference_interval=diff_ci,
            on_insufficient=self.on_insufficient,
            method=method,
            details={"n": int(s_cur.size), "assumption": CONCEPT_DRIFT_NOTE},
        )
        return finding, out, p


def _reference_metric(
    metric: str,
    y: np.ndarray,
    s: np.ndarray,
    decision_threshold: float,
    n_draws: int,
    rng: np.random.Generator,
) -> tuple[float, np.ndarray]:
    """The metric measured on the reference, and draws from its sampling distribution
    (confusion counts resampled multinomially; ROC AUC from DeLong's variance)."""
    from mlgates.stats.delong import delong_components
    from mlgates.stats.performance import confusion_metric, confusion_tables

    if metric == "roc_auc":
        auc, v10, v01 = delong_components(y, s)
        var = float(np.var(v10[0], ddof=1) / v10.shape[1] + np.var(v01[0], ddof=1) / v01.shape[1])
        value = float(auc[0])
        return value, value + math.sqrt(max(var, 0.0)) * rng.standard_normal(n_draws)
    pred = (s >= decision_threshold).astype(np.int64)
    cm = confusion_tables(y.astype(np.int64), pred, 2).astype(float)
    base = {"precision": "precision", "recall": "recall", "f1": "f1"}.get(metric, "accuracy")
    average = "binary" if base != "accuracy" else None
    value = float(confusion_metric(cm, base, average, pos=1))
    boot = rng.multinomial(int(cm.sum()), cm.ravel() / cm.sum(), size=n_draws).reshape(n_draws, 2, 2)
    return value, confusion_metric(boot, base, average, pos=1)
