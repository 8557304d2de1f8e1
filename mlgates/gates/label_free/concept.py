"""ConceptDriftGate: did the relation between the model's scores and the outcomes change?"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.label_free._outcomes import binary_outcomes
from mlgates.stats.multiple_testing import adjust_pvalues
from mlgates.stats.recalibration import ConceptChange, recalibration_change

__all__ = ["ConceptDriftGate"]

#: Each side needs this many rows of each class (capped at ``min_samples``) for the
#: recalibration's intercept and slope to be estimable.
MIN_PER_CLASS = 10


class ConceptDriftGate(Gate):
    """Concept drift: the model's scores no longer mean what they meant (P(y | x) changed).

    Drift gates see a change of the features, P(x); a model can be right on moved features
    and wrong on unchanged ones. With labels on both ``reference`` and ``current``, this gate
    asks whether the same score now goes with a different outcome rate: each side's outcomes
    are recalibrated on the model's scores (``logit P(y=1) = a + b logit(score)``), and a
    likelihood-ratio test compares one shared ``(a, b)`` with one per side. A change of the
    features alone (covariate shift) moves the scores, not their meaning, so with a model that
    was right on the reference it passes at the test's nominal rate. Also per segment, with a
    multiple-testing correction across segments.

    A change FAILs (reason ``concept_drift_detected``) when it is significant *and* material:
    the outcome rate for the same score moved by more than ``max_calibration_shift`` on average
    over the current scores. A significant change within the bound passes and says so. When
    the test finds nothing but the rows could not have confirmed a change of the allowed size
    (the detectable shift, about ``sqrt(chi2_2(1 - alpha))`` noise scales, is above the bound),
    the finding is ``insufficient_samples``: "no change found" would claim more than the data
    can show.

    Parameters
    ----------
    alpha : float, default 0.05
        Significance level of the likelihood-ratio test (segments: after ``segment_correction``).
    max_calibration_shift : float, default 0.05
        Largest mean absolute change of the recalibrated outcome probability, over the current
        scores, that is not a failure (probability units). About 1,000 rows a side can confirm
        a change of 0.05, about 3,000 one of 0.03 and 10,000 one of 0.015 (the finding's
        ``details["detectable_shift"]`` says it for the rows at hand).
    segments : str, list of str or callable, optional
        Also test within segments: the groups of these columns (``"col=value"``), or of the
        labels a callable returns for a table. Segments are matched by name across the sides.
    min_segment_size : int, default 200
        Fewest rows a segment needs on each side to be tested.
    segment_correction : {"holm", "bonferroni", "fdr_bh"} or None, default "holm"
        Multiple-testing correction of the segments' p-values (the overall test is separate).
    min_samples : int, default 100
        Fewest rows on each side for the overall test; each side also needs 10 rows of each
        class (capped at ``min_samples``).
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    pos_label : str or int, optional
        Positive class of the target (default: the greater of the two); the score is the
        probability of that class (``proba``, or the model's ``predict_proba[:, 1]``).
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Inputs: ``reference`` and ``current`` with the ``target`` column on both, and ``proba`` (a
    column name present on both) or ``model``. Binary classification only.

    The test is calibrated when the model's scores are the outcome probabilities on the
    reference; if they are not (a mis-specified or miscalibrated model), covariate shift can
    change the score-to-outcome relation too, because the same score then gathers different
    rows, and the gate reports that as a change of the score's meaning (which it is, for
    the decisions taken on it). See :mod:`mlgates.stats.recalibration`.

    ``metrics``: ``calibration_shift``, ``pvalue``, ``intercept``/``slope`` of current and
    ``baseline_intercept``/``baseline_slope`` of the reference, ``observed_minus_expected``
    and ``baseline_observed_minus_expected``, and with segments ``segments_judged``,
    ``segments_too_small``, ``segments_failed``.

    Reason codes: ``concept_drift_detected``, ``insufficient_samples``, ``undefined_statistic``,
    ``invalid_proba``, ``non_binary_labels``, ``pos_label_required``, ``missing_values``,
    ``missing_input``, ``missing_column``, ``empty_input``, ``predict_failed``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import ConceptDriftGate
    >>> rng = np.random.default_rng(0)
    >>> def sample(shift, flip=0.0):
    ...     x = rng.normal(shift, 1, 4000)
    ...     p = 1 / (1 + np.exp(-2 * x))
    ...     y = (rng.random(4000) < p).astype(int)
    ...     y = np.where(rng.random(4000) < flip, 1 - y, y)
    ...     return pd.DataFrame({"x": x, "score": p, "y": y})
    >>> ref = sample(0.0)
    >>> ConceptDriftGate().check(reference=ref, current=sample(1.0), target="y", proba="score").status
    <Status.PASS: 'pass'>
    >>> v = ConceptDriftGate().check(reference=ref, current=sample(0.0, flip=0.2), target="y", proba="score")
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'concept_drift_detected')
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "max_calibration_shift": [Interval("real", 0, 1)],
        "segments": ["columns", "callable", None],
        "min_segment_size": [Interval("int", 1, None)],
        "segment_correction": [Options("holm", "bonferroni", "fdr_bh"), None],
        "min_samples": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "pos_label": [str, int, None],
    }

    def __init__(
        self,
        *,
        alpha: float = 0.05,
        max_calibration_shift: float = 0.05,
        segments: str | Sequence[str] | Callable[..., Any] | None = None,
        min_segment_size: int = 200,
        segment_correction: str | None = "holm",
        min_samples: int = 100,
        on_insufficient: str = "warn",
        pos_label: str | int | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.alpha = alpha
        self.max_calibration_shift = max_calibration_shift
        self.segments = segments
        self.min_segment_size = min_segment_size
        self.segment_correction = segment_correction
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.pos_label = pos_label

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current", "target")

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        return (("proba", "model"),)

    # -- inputs ---------------------------------------------------------------------------
    def _side(self, ctx: CheckContext, side: str) -> tuple[np.ndarray, np.ndarray]:
        """0/1 outcomes and positive-class scores of one side."""
        y_raw = inputs.labels(ctx, side)  # type: ignore[arg-type]
        p = inputs.scores(ctx, side)  # type: ignore[arg-type]
        if p.ndim == 2:
            raise InputError(
                f"proba ({side}): {p.shape[1]} columns; ConceptDriftGate needs one probability per "
                "row (binary classification): pass the positive class's column.",
                reason="invalid_proba",
                subject="proba",
            )
        if p.shape[0] != y_raw.shape[0]:
            raise InputError(
                f"proba ({side}): {p.shape[0]} values for {y_raw.shape[0]} targets.",
                reason="length_mismatch",
                subject="proba",
            )
        if p.size and (p.min() < 0 or p.max() > 1):
            raise InputError(
                f"proba ({side}): values in [{p.min():.4g}, {p.max():.4g}]; the recalibration needs "
                "probabilities in [0, 1] (pass predict_proba, not decision_function).",
                reason="invalid_proba",
                subject="proba",
            )
        return y_raw, p

    def _labels01(self, y_ref: np.ndarray, y_cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both sides' outcomes as 0/1 with one positive class (checked jointly, so a side that
        lacks a class keeps the other side's meaning)."""
        joined = binary_outcomes(np.concatenate([y_ref, y_cur]), self.pos_label)
        return joined[: y_ref.shape[0]].astype(np.float64), joined[y_ref.shape[0] :].astype(np.float64)

    # -- check ----------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        for side in ("current", "reference"):
            if len(ctx.frame(side)) == 0:  # type: ignore[arg-type]
                return self._verdict(
                    Status.ERROR,
                    reason="empty_input",
                    message=f"{side} has no rows: the score-to-outcome relation cannot be compared",
                )
        y_cur_raw, p_cur = self._side(ctx, "current")  # current first: its problems are named first
        y_ref_raw, p_ref = self._side(ctx, "reference")
        y_ref, y_cur = self._labels01(y_ref_raw, y_cur_raw)
        overall, change = self._test("overall", y_ref, p_ref, y_cur, p_cur, self.min_samples, None)
        findings = [overall]
        metrics: dict[str, float] = {"n_ref": float(y_ref.size), "n_cur": float(y_cur.size)}
        if change is not None:
            metrics.update(
                {
                    "calibration_shift": change.shift,
                    "pvalue": change.pvalue,
                    "intercept": change.current.intercept,
                    "slope": change.current.slope,
                    "baseline_intercept": change.reference.intercept,
                    "baseline_slope": change.reference.slope,
                    "observed_minus_expected": change.observed_minus_expected_current,
                    "baseline_observed_minus_expected": change.observed_minus_expected_reference,
                }
            )
        if self.segments is not None:
            seg_findings, seg_metrics = self._segments(ctx, y_ref, p_ref, y_cur, p_cur)
            findings.extend(seg_findings)
            metrics.update(seg_metrics)
        message = overall.message if all(f.status is Status.PASS for f in findings) else None
        return self._verdict(findings=findings, metrics=metrics, message=message)

    def _segments(
        self, ctx: CheckContext, y_ref: np.ndarray, p_ref: np.ndarray, y_cur: np.ndarray, p_cur: np.ndarray
    ) -> tuple[list[Finding], dict[str, float]]:
        names_c, ids_c = inputs.segments(ctx, self.segments, "current")
        names_r, ids_r = inputs.segments(ctx, self.segments, "reference")
        ref_rows = {n: np.flatnonzero(ids_r == i) for i, n in enumerate(names_r)}
        tested: list[tuple[str, ConceptChange, dict[str, Any]]] = []
        small: list[Finding] = []
        others: list[Finding] = []
        for i, seg in enumerate(names_c):
            rc = np.flatnonzero(ids_c == i)
            rr = ref_rows.get(seg, np.zeros(0, dtype=np.int64))
            finding, change = self._test(
                seg, y_ref[rr], p_ref[rr], y_cur[rc], p_cur[rc], self.min_segment_size, "min_segment_size"
            )
            if change is None:
                (small if finding.method == "min_segment_size" else others).append(finding)
            else:
                tested.append((seg, change, dict(finding.details)))
        raw = [c.pvalue for _, c, _ in tested]
        adjusted = (
            adjust_pvalues(raw, self.segment_correction).tolist()
            if raw and self.segment_correction is not None
            else raw
        )
        judged = [
            self._decide(seg, change, p_adj, details, corrected=self.segment_correction)
            for (seg, change, details), p_adj in zip(tested, adjusted, strict=True)
        ]
        judged.sort(key=lambda f: (-(f.status.rank or 0), -(f.statistic or 0.0)))
        metrics = {
            "segments_judged": float(len(judged)),
            "segments_too_small": float(len(small)),
            "segments_failed": float(sum(f.status is Status.FAIL for f in judged)),
        }
        return judged + others + small, metrics

    def _test(
        self,
        subject: str,
        y_ref: np.ndarray,
        p_ref: np.ndarray,
        y_cur: np.ndarray,
        p_cur: np.ndarray,
        min_rows: int,
        floor_name: str | None,
    ) -> tuple[Finding, ConceptChange | None]:
        """The overall (``floor_name=None``) or one segment's finding; the change when tested."""
        floor = floor_name or "min_samples"
        per_class = min(MIN_PER_CLASS, min_rows)
        short = None
        for side, y in (("reference", y_ref), ("current", y_cur)):
            n_pos = int(y.sum())
            if y.size < min_rows:
                short = f"{y.size} rows on {side} < {floor} {min_rows}"
            elif min(n_pos, y.size - n_pos) < per_class:
                which = "positive" if n_pos < y.size - n_pos else "negative"
                short = f"{min(n_pos, y.size - n_pos)} {which} outcomes on {side} < {per_class}"
            if short:
                break
        if short:
            return (
                Finding(
                    subject,
                    insufficient_status(self.on_insufficient),
                    statistic=float(min(y_ref.size, y_cur.size)),
                    threshold=float(min_rows),
                    method=floor,
                    reason="insufficient_samples",
                    message=f"{subject}: {short}; the score-to-outcome relation was not compared",
                ),
                None,
            )
        try:
            change = recalibration_change(p_ref, y_ref, p_cur, y_cur)
        except ValueError as exc:
            return (
                Finding(
                    subject,
                    Status.ERROR,
                    method="recalibration_lr",
                    reason="undefined_statistic",
                    message=f"{subject}: {exc}",
                ),
                None,
            )
        if not math.isfinite(change.pvalue) or not math.isfinite(change.shift):
            return (
                Finding(
                    subject,
                    Status.ERROR,
                    method="recalibration_lr",
                    reason="undefined_statistic",
                    message=f"{subject}: the recalibration test is undefined on these scores",
                ),
                None,
            )
        details = {"n_ref": int(y_ref.size), "n_cur": int(y_cur.size)}
        if floor_name is None:
            return self._decide(subject, change, change.pvalue, details, corrected=None), change
        return Finding(subject, Status.PASS, details=details), change

    def _decide(
        self, subject: str, change: ConceptChange, p: float, details: dict[str, Any], *, corrected: str | None
    ) -> Finding:
        ref, cur = change.reference, change.current
        details = {
            **details,
            "lr_statistic": change.statistic,
            "df": change.df,
            "raw_pvalue": change.pvalue,
            "intercept": cur.intercept,
            "slope": cur.slope,
            "baseline_intercept": ref.intercept,
            "baseline_slope": ref.slope,
            "observed_minus_expected": change.observed_minus_expected_current,
            "baseline_observed_minus_expected": change.observed_minus_expected_reference,
            "converged": bool(ref.converged and cur.converged and change.pooled.converged),
        }
        p_text = f"LR p = {p:.3g}" + (f" after {corrected}" if corrected else "")
        fits = (
            f"recalibration intercept {ref.intercept:+.3f} -> {cur.intercept:+.3f}, slope "
            f"{ref.slope:.3f} -> {cur.slope:.3f}"
        )
        head = (
            f"{subject}: same score, outcome rate moved by {change.shift:.4f} on average ({fits}; {p_text})"
        )
        significant = p < self.alpha
        material = change.shift > self.max_calibration_shift
        detectable = _critical(self.alpha) * change.shift_se
        details["detectable_shift"] = detectable
        bound = f"{self.max_calibration_shift:g}"
        if significant and material:
            status, reason, tail = Status.FAIL, "concept_drift_detected", f" > {bound} allowed"
        elif significant:
            status, reason, tail = Status.PASS, None, f": significant, but within {bound} allowed"
        elif detectable > self.max_calibration_shift:
            status, reason = insufficient_status(self.on_insufficient), "insufficient_samples"
            tail = (
                f": not significant, but these rows can only confirm shifts of about {detectable:.3f} or "
                f"more, not the {bound} allowed"
            )
        else:
            status, reason = Status.PASS, None
            tail = f"; no significant change (shifts of about {detectable:.3f} or more would be confirmed)"
        return Finding(
            subject,
            status,
            statistic=change.shift,
            pvalue=p,
            threshold=self.max_calibration_shift,
            method="recalibration_lr",
            reason=reason,
            details=details,
            message=head + tail,
        )


def _critical(alpha: float) -> float:
    """The square root of the 2-df chi-square critical value: a change about this many noise
    scales (``shift_se``) large is confirmed by the test half the time."""
    from scipy import stats

    return float(math.sqrt(stats.chi2.ppf(1.0 - alpha, 2)))
