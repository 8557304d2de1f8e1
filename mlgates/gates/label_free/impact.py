"""DriftImpactGate: does a column's drift change the model's decisions?"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    column_kind,
    select_columns,
    share_text,
    unsupported_dtype_finding,
)
from mlgates.gates.label_free._impact_columns import Prepared, Unjudged, drift_pvalue, prepare
from mlgates.gates.label_free._impact_measure import Impact, measure_impact
from mlgates.gates.label_free._model_calls import Outputs, current_outputs, method_of
from mlgates.stats.multiple_testing import CORRECTIONS, adjust_pvalues

__all__ = ["DriftImpactGate"]


class DriftImpactGate(Gate):
    """Which drifted columns change the model's decisions: drift that matters, before labels.

    Each feature the model reads is tested for drift (Kolmogorov-Smirnov for numbers,
    chi-square for categories, corrected across columns). For each drifted column the
    column's current values are moved back onto the reference distribution (each row keeps
    its rank, so its relation with the other columns is kept as far as the drift allows; see
    Notes) and the model is asked again: the share of decisions that flip, the change of the
    mean score and of the predicted positive rate are what the column's drift does to the
    model. A column whose drift flips more than ``max_flip_share`` of the decisions FAILs;
    findings are ranked by impact.

    Parameters
    ----------
    columns : str or list of str, optional
        Columns to judge; by default every column the model reads (its
        ``feature_names_in_``, else every column of ``current`` but the target and
        prediction columns).
    only_drifted : bool, default True
        Measure the impact of drifted columns only (the others get a PASS finding saying they
        did not drift). ``False`` measures every column: the impact of a column that did not
        drift is zero up to sampling noise.
    alpha : float, default 0.05
        Significance level of the drift tests (after ``correction``).
    correction : {"holm", "bonferroni", "fdr_bh"} or None, default "holm"
        Multiple-testing correction of the drift tests across the columns.
    max_flip_share : float, default 0.05
        Largest share of decisions a column's drift may flip (reason ``flip_share_exceeded``).
        FAIL when the whole interval lies above it; a point estimate above it with the
        interval around it is ``insufficient_samples``.
    warn_flip_share : float, optional
        A flip share above which the gate WARNs (below ``max_flip_share``).
    max_score_shift : float, optional
        Largest absolute change of the mean score (positive class probability, or the
        regressor's prediction) a column's drift may cause (reason ``score_shift_exceeded``);
        FAIL when the whole interval lies beyond it. The only bound for a regressor without
        ``decision_threshold``.
    decision_threshold : float, optional
        Score at or above which a decision is positive: 0.5 for a binary classifier's
        probability by default; required for a regressor's decisions. Multi-class decisions
        are the most probable class.
    n_resamples : int, default 10
        Resamples of the reference (each gives one moved copy of the column, and one copy
        moved by sampling noise alone): the model is asked ``2 * n_resamples`` times per
        judged column on ``subsample`` rows, which is most of the gate's time.
    confidence : float, default 0.95
        Level of the intervals.
    subsample : int, default 10000
        Rows of current (seeded sample) on which the model is asked again; the drift tests
        use every row.
    min_samples : int, default 30
        Fewer non-missing values of a column on either side is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
        Seed of the resamples and of the subsample.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    *Moving a column back.* A number is replaced by the reference's empirical quantile at its
    own place in current (its randomized rank), which is the smallest change that gives the
    column the reference distribution: a column that did not drift barely moves. A category is
    kept with probability ``min(1, q/p)`` (reference share ``q``, current share ``p``), else
    redrawn from the categories the reference has more of: exactly the total-variation share of
    rows changes. Missing values stay missing (a change of the missing share is
    :class:`~mlgates.DriftGate`'s ``missing_share_drift``). See :mod:`mlgates.stats.transport`.

    *Noise.* Finite samples differ even without drift, so moving a column flips a few
    decisions by chance. Each resample also moves the column onto a resample of current itself
    (sized so that its noise matches, :func:`~mlgates.stats.transport.noise_size`); the
    statistic is the flip share beyond that noise (``details["raw_flip_share"]`` and
    ``details["noise_flip_share"]`` hold both). The interval is normal, with the spread over
    resamples (the reference's sampling error) plus the rows' sampling error, and Student's t
    quantile with ``n_resamples - 1`` degrees of freedom.

    *What it is not.* This measures how much the model's outputs depend on the drift of one
    column at a time (interactions between drifted columns are not separated) and says nothing
    about whether the model is still right: that needs labels
    (:class:`~mlgates.PerformanceGate`, :class:`~mlgates.ConceptDriftGate`).

    Reason codes: ``flip_share_exceeded``, ``score_shift_exceeded``, ``insufficient_samples``,
    ``missing_column``, ``empty_input``, ``predict_failed``, ``method_not_applicable``,
    ``kind_mismatch``, ``unsupported_kind``, ``unsupported_dtype``, ``undefined_statistic``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> from mlgates import DriftImpactGate
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"used": rng.normal(0, 1, 2000), "ignored": rng.normal(0, 1, 2000)})
    >>> y = (ref["used"] + rng.normal(0, 0.5, 2000) > 0).astype(int)
    >>> model = LogisticRegression().fit(ref[["used"]], y)
    >>> cur = pd.DataFrame({"used": rng.normal(1, 1, 2000), "ignored": rng.normal(2, 1, 2000)})
    >>> v = DriftImpactGate(n_resamples=5).check(reference=ref, current=cur, model=model)
    >>> v.status, v.findings[0].subject, v.findings[0].reason
    (<Status.FAIL: 'fail'>, 'used', 'flip_share_exceeded')
    >>> DriftImpactGate(columns="ignored", n_resamples=5).check(
    ...     reference=ref, current=cur, model=model).findings[0].statistic
    0.0
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "only_drifted": ["boolean"],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "correction": [Options(*CORRECTIONS), None],
        "max_flip_share": [Interval("real", 0, 1)],
        "warn_flip_share": [Interval("real", 0, 1), None],
        "max_score_shift": [Interval("real", 0, None), None],
        "decision_threshold": [Interval("real", None, None), None],
        "n_resamples": [Interval("int", 2, MAX_RESAMPLES)],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "subsample": [Interval("int", 1, None)],
        "min_samples": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        only_drifted: bool = True,
        alpha: float = 0.05,
        correction: str | None = "holm",
        max_flip_share: float = 0.05,
        warn_flip_share: float | None = None,
        max_score_shift: float | None = None,
        decision_threshold: float | None = None,
        n_resamples: int = 10,
        confidence: float = 0.95,
        subsample: int = 10_000,
        min_samples: int = 30,
        on_insufficient: str = "warn",
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.only_drifted = only_drifted
        self.alpha = alpha
        self.correction = correction
        self.max_flip_share = max_flip_share
        self.warn_flip_share = warn_flip_share
        self.max_score_shift = max_score_shift
        self.decision_threshold = decision_threshold
        self.n_resamples = n_resamples
        self.confidence = confidence
        self.subsample = subsample
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def _validate_params(self) -> None:
        from mlgates.core.params import parameter_error

        if self.warn_flip_share is not None and not self.warn_flip_share < self.max_flip_share:
            raise parameter_error(
                type(self).__name__,
                "warn_flip_share",
                f"below max_flip_share={self.max_flip_share:g} (a warning level that is not laxer "
                "than the bound could never fire)",
                self.warn_flip_share,
                f"pass a smaller share such as warn_flip_share={self.max_flip_share / 2:g}, or None.",
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current", "model")

    # -- check ----------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        model = ctx.get("model")
        ref_frame, cur_frame = ctx.frame("reference"), ctx.frame("current")
        for side, frame in (("current", cur_frame), ("reference", ref_frame)):
            if len(frame) == 0:
                return self._verdict(
                    Status.ERROR,
                    reason="empty_input",
                    message=f"{side} has no rows: there is nothing to compare the model's outputs on",
                )
        features = ctx.model_features(model, "current")
        select_columns(features, None)  # duplicate names: an InputError naming them
        base = current_outputs(ctx, model, self.decision_threshold)
        if base.decision is None and self.max_score_shift is None:
            return self._verdict(
                Status.ERROR,
                reason="method_not_applicable",
                message="the model's predictions are continuous (a regressor): pass decision_threshold=... "
                "to turn them into decisions, or max_score_shift=... to bound the change of the mean "
                "prediction",
            )
        explicit = self.columns is not None
        names = select_columns(features, self.columns) if explicit else list(features.columns)
        findings: list[Finding] = []
        tested: list[tuple[str, Prepared, str, float]] = []
        for col in names:
            early = self._screen(ctx, features, col, explicit)
            if isinstance(early, Finding):
                findings.append(early)
                continue
            method, p = drift_pvalue(early)
            if not math.isfinite(p):
                findings.append(
                    Finding(
                        str(col),
                        Status.ERROR,
                        method=method,
                        reason="undefined_statistic",
                        message=f"{col}: the {method} drift test is undefined on these values",
                    )
                )
                continue
            tested.append((col, early, method, p))
        adjusted = (
            adjust_pvalues([t[3] for t in tested], self.correction).tolist()
            if tested and self.correction is not None
            else [t[3] for t in tested]
        )
        rng = np.random.default_rng(self.random_state)
        n_cur = len(features)
        rows = np.sort(rng.choice(n_cur, self.subsample, replace=False)) if n_cur > self.subsample else None
        judged: list[Finding] = []
        for (col, prep, method, p), p_adj in zip(tested, adjusted, strict=True):
            drifted = p_adj < self.alpha
            test = {
                "drift_method": method,
                "drift_pvalue": p,
                "drift_pvalue_adjusted": p_adj,
                "drifted": drifted,
                "kind": prep.kind,
                "n_ref": int(prep.reference.shape[0]),
                "n_cur": int(prep.current.shape[0]),
            }
            p_text = _p_text(p_adj, method, self.correction)
            if not drifted and self.only_drifted:
                judged.append(
                    Finding(
                        str(col),
                        Status.PASS,
                        method="no_drift",
                        details=test,
                        message=f"{col}: no drift detected ({p_text}); its impact was not measured",
                    )
                )
                continue
            col_rng = np.random.default_rng([self.random_state, len(judged)])
            impact = measure_impact(
                model,
                features,
                rows,
                col,
                prep,
                base,
                col_rng,
                n_resamples=self.n_resamples,
                confidence=self.confidence,
                decision_threshold=self.decision_threshold,
            )
            judged.append(self._judge(str(col), impact, test, p_text, base))
        judged.sort(key=_rank)
        findings = judged + findings
        assessed = [f for f in judged if f.method == "drift_impact"]
        metrics: dict[str, float] = {
            "columns_tested": float(len(tested)),
            "columns_drifted": float(sum(bool(f.details.get("drifted")) for f in judged)),
            "columns_assessed": float(len(assessed)),
        }
        shares = [f.details["flip_share"] for f in assessed if f.details.get("flip_share") is not None]
        if shares:
            metrics["max_flip_share"] = float(max(shares))
        shifts = [abs(f.details["score_shift"]) for f in assessed if f.details.get("score_shift") is not None]
        if shifts:
            metrics["max_abs_score_shift"] = float(max(shifts))
        return self._verdict(
            findings=findings,
            metrics=metrics,
            message=_headline(findings, assessed, self.max_flip_share),
            params={"output": base.kind, "model_method": method_of(model)},
        )

    def _screen(
        self, ctx: CheckContext, features: pd.DataFrame, col: Any, explicit: bool
    ) -> Prepared | Finding:
        """The column's prepared values, or the finding that says why it is not judged."""
        try:
            cur = ctx.column("current", col)
            ref = ctx.column("reference", col)
        except InputError as exc:
            return Finding(str(col), Status.ERROR, reason=exc.reason, message=str(exc))
        if col not in features.columns:
            return Finding(
                str(col),
                Status.PASS,
                statistic=0.0,
                method="not_read",
                message=f"{col}: the model does not read this column, so its drift cannot change decisions",
            )
        try:
            prep = prepare(str(col), cur, ref)
        except Unjudged as exc:
            if exc.unsupported_dtype:
                bad = cur if column_kind(cur) in UNSUPPORTED_KINDS else ref
                return unsupported_dtype_finding(col, bad, explicit=explicit)
            status = Status.SKIP if exc.skip_by_default and not explicit else Status.ERROR
            return Finding(str(col), status, reason=exc.reason, message=str(exc))
        short = min(prep.current.shape[0], prep.reference.shape[0])
        if short < self.min_samples:
            return Finding(
                str(col),
                insufficient_status(self.on_insufficient),
                statistic=float(short),
                threshold=float(self.min_samples),
                method="min_samples",
                reason="insufficient_samples",
                message=f"{col}: {short} non-missing values on one side < min_samples {self.min_samples}; "
                "drift and its impact not judged",
            )
        return prep

    # -- decision -----------------------------------------------------------------------------
    def _judge(self, col: str, imp: Impact, test: dict[str, Any], p_text: str, base: Outputs) -> Finding:
        details: dict[str, Any] = {
            **test,
            "n_rows": imp.n_rows,
            "n_resamples": self.n_resamples,
            "flip_share": imp.flip_share,
            "flip_share_ci": list(imp.flip_ci) if imp.flip_ci else None,
            "raw_flip_share": imp.raw_flip_share,
            "noise_flip_share": imp.noise_flip_share,
            "score_shift": imp.score_shift,
            "score_shift_ci": list(imp.score_ci) if imp.score_ci else None,
            "positive_rate_shift": imp.positive_rate_shift,
            "confidence": self.confidence,
        }
        drift_word = "drifted" if test["drifted"] else "did not drift"
        level = f"{self.confidence * 100:g}% CI"
        parts: list[tuple[Status, str | None, str]] = []
        if imp.flip_share is not None and imp.flip_ci is not None:
            lo, hi = imp.flip_ci
            text = (
                f"undoing its drift flips {share_text(imp.flip_share)} of decisions ({level} "
                f"{share_text(lo)} to {share_text(hi)}; sampling noise alone flips "
                f"{share_text(imp.noise_flip_share or 0.0)})"
            )
            bound = share_text(self.max_flip_share)
            if not math.isfinite(lo):
                parts.append(
                    (
                        insufficient_status(self.on_insufficient),
                        "insufficient_samples",
                        f"{text}: no interval",
                    )
                )
            elif lo > self.max_flip_share:
                parts.append((Status.FAIL, "flip_share_exceeded", f"{text} > {bound} allowed"))
            elif imp.flip_share > self.max_flip_share:
                parts.append(
                    (
                        insufficient_status(self.on_insufficient),
                        "insufficient_samples",
                        f"{text}: above the allowed {bound}, but the interval includes it",
                    )
                )
            elif self.warn_flip_share is not None and imp.flip_share > self.warn_flip_share:
                parts.append(
                    (
                        Status.WARN,
                        "flip_share_exceeded",
                        f"{text} > {share_text(self.warn_flip_share)} warning level",
                    )
                )
            else:
                parts.append((Status.PASS, None, f"{text} <= {bound} allowed"))
        if imp.score_shift is not None and imp.score_ci is not None:
            lo, hi = imp.score_ci
            text = (
                f"its drift moves the mean score by {_signed(imp.score_shift)} ({level} {_signed(lo)} "
                f"to {_signed(hi)})"
            )
            if self.max_score_shift is None:
                parts.append((Status.PASS, None, text))
            elif min(abs(lo), abs(hi)) > self.max_score_shift and lo * hi > 0:
                parts.append(
                    (Status.FAIL, "score_shift_exceeded", f"{text}, beyond {self.max_score_shift:g} allowed")
                )
            elif abs(imp.score_shift) > self.max_score_shift:
                parts.append(
                    (
                        insufficient_status(self.on_insufficient),
                        "insufficient_samples",
                        f"{text}: beyond {self.max_score_shift:g}, but the interval includes it",
                    )
                )
            else:
                parts.append((Status.PASS, None, f"{text}, within {self.max_score_shift:g} allowed"))
        status = Status.worst(s for s, _, _ in parts)
        reason = next((r for s, r, _ in parts if s is status and r), None)
        statistic = imp.flip_share if imp.flip_share is not None else imp.score_shift
        threshold = self.max_flip_share if imp.flip_share is not None else self.max_score_shift
        return Finding(
            col,
            status,
            statistic=statistic,
            threshold=threshold,
            method="drift_impact",
            reason=reason if status is not Status.PASS else None,
            details={**details, "output": base.kind},
            message=f"{col}: {drift_word} ({p_text}); " + "; ".join(t for _, _, t in parts),
        )


def _headline(findings: list[Finding], assessed: list[Finding], bound: float) -> str | None:
    """The verdict message when every finding passed (None: the base class summarises the
    failures)."""
    if any(f.status is not Status.PASS for f in findings):
        return None
    drifted = [f for f in assessed if f.details.get("drifted")]
    if not assessed:
        return f"no drift detected in {len(findings)} columns the model reads"
    top = assessed[0]
    share = top.details.get("flip_share")
    worst = (
        f"; the largest impact: {top.subject}, {share_text(share)} of decisions" if share is not None else ""
    )
    return (
        f"{len(drifted)} of {len(findings)} columns drifted; undoing each one's drift flips at most "
        f"{share_text(bound)} of the model's decisions{worst}"
    )


def _p_text(p: float, method: str, correction: str | None) -> str:
    after = f" after {correction}" if correction else ""
    return f"{method} p = {p:.3g}{after}"


def _signed(x: float) -> str:
    return f"{x:+.4f}"


def _rank(f: Finding) -> tuple[int, int, float]:
    """Worst status first, then the measured columns by impact (largest first), then the rest."""
    measured = f.method == "drift_impact" and f.statistic is not None
    return (-(f.status.rank or 0), 0 if measured else 1, -abs(f.statistic or 0.0) if measured else 0.0)
