"""DisparateImpactGate: the four-fifths rule on selection rates, with a CI for each ratio."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core import inputs
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.fairness import _components as comps
from mlgates.gates.fairness import _inputs as inp
from mlgates.gates.fairness._common import undecided_status
from mlgates.gates.fairness._decide import RatioFacts, decide_ratio
from mlgates.gates.fairness._describe import (
    describe_ratio,
    impact_summary,
    impact_undefined,
    reference_too_small,
    single_group_for_ratio,
)
from mlgates.gates.fairness._groups import group_findings
from mlgates.stats import fairness as fk

__all__ = ["DisparateImpactGate"]

#: Keys of a group finding's details that describe the selection rate's own interval.
_RATE_CI_KEYS = ("ci_low", "ci_high", "ci_method", "confidence")


class DisparateImpactGate(Gate):
    """Each group's selection rate is at least ``min_ratio`` times the reference rate
    (the four-fifths rule of the US EEOC Uniform Guidelines, 29 CFR 1607.4(D)).

    Parameters
    ----------
    min_ratio : float, default 0.8
        Smallest allowed ratio of a group's selection rate to the reference rate.
    reference_group : str, default "max_rate"
        ``"max_rate"``: the group with the highest selection rate (the four-fifths rule);
        ``"overall"``: the rate on all rows; or a group, as its value (``"Male"``) or subject
        (``"sex=Male"``). ``reference=`` is a deprecated alias (it shadowed the ``reference``
        input).
    sensitive_features, min_group_size, on_insufficient, on_missing, decision, confidence,
    decision_threshold, pos_label, random_state
        As in :class:`~mlgates.FairnessGate` (``missing=`` and ``threshold=`` are deprecated
        aliases of ``on_missing=`` and ``decision_threshold=``).
    n_resamples : int, default 1000
        Multinomial bootstrap resamples of the per-group counts for the ratio intervals
        (0 disables them; ``decision="ci"`` needs them); at most 100,000
        (``mlgates.core.params.MAX_RESAMPLES``).
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    One finding per group: the ratio (statistic) with its percentile bootstrap interval in
    ``details["ci_low"]`` / ``details["ci_high"]`` (the reference is re-chosen in every
    resample for ``"max_rate"``), and the group's selection rate with its Wilson interval in
    ``details["selection_rate"]``, ``details["selection_rate_ci_low"]`` and
    ``details["selection_rate_ci_high"]``. Groups below ``min_group_size`` are
    ``insufficient_samples``; all-zero reference rate is ``undefined_statistic``. Reason codes:
    ``disparate_impact``, ``disparate_impact_inconclusive``, ``insufficient_samples``,
    ``undefined_statistic``, ``single_group``, ``missing_reference_group`` and the input errors of
    :class:`~mlgates.FairnessGate`. ``metrics["disparate_impact_ratio"]`` is the smallest ratio.
    Only predictions are needed (no target).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import DisparateImpactGate
    >>> rng = np.random.default_rng(1)
    >>> g = rng.choice(["a", "b"], 4000)
    >>> pred = (rng.random(4000) < np.where(g == "a", 0.5, 0.35)).astype(int)
    >>> v = DisparateImpactGate().check(prediction=pred, sensitive_features=g)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'disparate_impact')
    >>> round(v.metrics["disparate_impact_ratio"], 2)
    0.73
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_ratio": [Interval("real", 0, 1)],
        "reference_group": [str],
        "sensitive_features": ["columns", None],
        "min_group_size": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "on_missing": [Options("as_group", "drop", "error")],
        "decision": [Options("point", "ci")],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "decision_threshold": [Interval("real", None, None), None],
        "pos_label": ["label", None],
        "n_resamples": [Interval("int", 0, MAX_RESAMPLES)],
        "random_state": [Interval("int", 0, None), None],
    }
    _renamed_parameters: ClassVar[dict[str, str]] = {
        "reference": "reference_group",
        "threshold": "decision_threshold",
        "missing": "on_missing",
    }
    _renamed_values: ClassVar[dict[str, dict[Any, Any]]] = {"on_insufficient": {"ignore": "skip"}}

    def __init__(
        self,
        *,
        min_ratio: float = 0.8,
        reference_group: str = "max_rate",
        sensitive_features: str | Sequence[str] | None = None,
        min_group_size: int = 30,
        on_insufficient: str = "warn",
        on_missing: str = "as_group",
        decision: str = "point",
        confidence: float = 0.95,
        decision_threshold: float | None = None,
        pos_label: Any = None,
        n_resamples: int = 1000,
        random_state: int | None = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.min_ratio = min_ratio
        self.reference_group = reference_group
        self.sensitive_features = sensitive_features
        self.min_group_size = min_group_size
        self.on_insufficient = on_insufficient
        self.on_missing = on_missing
        self.decision = decision
        self.confidence = confidence
        self.decision_threshold = decision_threshold
        self.pos_label = pos_label
        self.n_resamples = n_resamples
        self.random_state = random_state

    def _validate_params(self) -> None:
        from mlgates.core.params import parameter_error

        if self.decision == "ci" and self.n_resamples == 0:
            raise parameter_error(
                type(self).__name__,
                "n_resamples",
                "> 0 with decision='ci'",
                self.n_resamples,
                "DisparateImpactGate(n_resamples=1000).",
            )

    def required_inputs(self) -> tuple[str, ...]:
        return () if self.sensitive_features is not None else ("sensitive_features",)

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        return (
            ("proba", "model", "prediction")
            if self.decision_threshold is not None
            else ("prediction", "model"),
        )

    def _reference_group(self, groups: inp.Groups) -> int | None:
        if self.reference_group in ("max_rate", "overall"):
            return None
        for g in range(groups.n_groups):
            label = groups.labels[g]
            if self.reference_group == groups.subject(g) or (
                len(label) == 1 and self.reference_group == str(label[0])
            ):
                return g
        raise InputError(
            f"reference group {self.reference_group!r} not found; groups are "
            f"{[groups.subject(g) for g in range(groups.n_groups)][:20]}",
            reason="missing_reference_group",
            subject=self.reference_group,
        )

    def _ratios(self, rates: np.ndarray, overall: Any, used: np.ndarray, ref: int | None) -> np.ndarray:
        """Ratio of each group's rate to the reference (last axis = groups)."""
        r = np.where(used, rates, np.nan)
        if self.reference_group == "max_rate":
            finite = np.isfinite(r)
            base = np.max(np.where(finite, r, -np.inf), axis=-1, keepdims=True)
        elif self.reference_group == "overall":
            base = np.asarray(overall)[..., None]
        else:
            assert ref is not None
            base = r[..., ref : ref + 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(np.isfinite(base) & (base > 0), r / np.where(base > 0, base, 1.0), np.nan)

    def _check(self, ctx: CheckContext) -> Verdict:
        groups = inputs.groups(ctx, self.sensitive_features, self.on_missing)
        counts = inp.confusion(ctx, groups, self.pos_label, self.decision_threshold, needs_target=False)
        return self._decide(ctx, groups, counts)

    # -- tables read in chunks: the same decision from merged per-group counts -------------
    def _confusion_need(self, ctx: CheckContext) -> Any:
        return inp.confusion_need(
            ctx,
            self.sensitive_features,
            self.on_missing,
            self.pos_label,
            self.decision_threshold,
            needs_target=False,
            with_baseline=False,
        )

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        need = self._confusion_need(ctx)
        return [need] if side == "current" else []

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        groups, counts, _ = inp.profiled_counts(ctx, self._confusion_need(ctx))
        return self._decide(ctx, groups, counts)

    def _decide(self, ctx: CheckContext, groups: inp.Groups, counts: fk.GroupCounts) -> Verdict:
        ref = self._reference_group(groups)
        reps = inp.count_replicates(ctx, counts, self.n_resamples, self.random_state)
        (comp,) = comps.count_components(("selection_rate",), counts, reps, self.confidence)
        insufficient = insufficient_status(self.on_insufficient)
        used = comp.usable(self.min_group_size)
        params = {"sensitive_feature_names": list(groups.names), "n_dropped_missing": groups.n_dropped}
        rate_findings = group_findings(comp, groups, self.min_group_size, insufficient, self.confidence)
        if groups.n_groups < 2:
            head = Finding(
                "disparate_impact_ratio",
                insufficient,
                reason="single_group",
                method="selection_rate_ratio",
                message=single_group_for_ratio(groups.subject(0)),
            )
            return self._verdict(
                undecided_status([head, *rate_findings]),
                findings=[head, *rate_findings],
                params=params,
                metrics={"disparate_impact_ratio": float("nan"), "n_groups": 1},
                message=head.message,
            )
        if ref is not None and not used[ref]:
            head = Finding(
                "disparate_impact_ratio",
                insufficient,
                reason="insufficient_samples",
                method="selection_rate_ratio",
                message=reference_too_small(groups.subject(ref), int(comp.rows[ref]), self.min_group_size),
            )
            return self._verdict(
                undecided_status([head, *rate_findings]),
                findings=[head, *rate_findings],
                params=params,
                metrics={"disparate_impact_ratio": float("nan")},
                message=head.message,
            )
        ratios = self._ratios(comp.values, comp.overall, used, ref)
        rep_ratios = None
        if comp.replicates is not None:
            rep_ratios = self._ratios(comp.replicates, comp.overall_replicates, used, ref)
        findings: list[Finding] = []
        for g, rate_finding in enumerate(rate_findings):
            subject = groups.subject(g)
            if not used[g]:
                findings.append(rate_finding)
                continue
            value = float(ratios[g])
            ci = (
                fk.percentile_interval(rep_ratios[:, g], self.confidence)
                if rep_ratios is not None
                else (np.nan, np.nan)
            )
            # the finding's interval (ci_low/ci_high) is the interval of its statistic, the
            # ratio; the group's selection rate and its own interval keep their own names
            rate = {k: v for k, v in rate_finding.details.items() if k not in _RATE_CI_KEYS}
            details = {
                **rate,
                "selection_rate": float(comp.values[g]),
                "selection_rate_ci_low": rate_finding.details.get("ci_low"),
                "selection_rate_ci_high": rate_finding.details.get("ci_high"),
                "selection_rate_ci_method": rate_finding.details.get("ci_method"),
                "ci_low": ci[0],
                "ci_high": ci[1],
                "ci_method": "bootstrap_percentile" if ci[0] == ci[0] else None,
                "confidence": self.confidence,
            }
            facts = RatioFacts(
                subject,
                value,
                float(ci[0]),
                float(ci[1]),
                self.min_ratio,
                self.decision,
                float(comp.values[g]),
                self.reference_group,
            )
            # FAIL below min_ratio; WARN when the interval includes it; undefined: reference rate 0
            decision = decide_ratio(facts, insufficient=insufficient)
            if decision.outcome == "undefined":
                findings.append(
                    Finding(
                        subject,
                        decision.status,
                        method="selection_rate_ratio",
                        reason=decision.reason,
                        details=details,
                        message=describe_ratio(decision),
                    )
                )
                continue
            findings.append(
                Finding(
                    subject,
                    decision.status,
                    statistic=value,
                    threshold=self.min_ratio,
                    method="selection_rate_ratio",
                    reason=decision.reason,
                    details=details,
                    message=describe_ratio(decision),
                )
            )
        finite = np.isfinite(ratios)
        worst = float(np.min(ratios[finite])) if finite.any() else float("nan")
        rep_min = None
        if rep_ratios is not None:
            with np.errstate(invalid="ignore"):
                rep_min = np.min(np.where(np.isfinite(rep_ratios), rep_ratios, np.inf), axis=-1)
            rep_min = np.where(np.isinf(rep_min), np.nan, rep_min)
        ci = fk.percentile_interval(rep_min, self.confidence) if rep_min is not None else (np.nan, np.nan)
        metrics = {
            "disparate_impact_ratio": worst,
            "disparate_impact_ratio_ci_low": ci[0],
            "disparate_impact_ratio_ci_high": ci[1],
            "n_groups": groups.n_groups,
            "n_groups_used": int(used.sum()),
        }
        if used.sum() < 2 or worst != worst:
            head = Finding(
                "disparate_impact_ratio",
                insufficient,
                reason="insufficient_samples",
                method="selection_rate_ratio",
                threshold=self.min_ratio,
                message=impact_undefined(int(used.sum()), self.min_group_size),
            )
            return self._verdict(
                undecided_status([head, *findings]),
                findings=[head, *findings],
                metrics=metrics,
                params=params,
                message=head.message,
            )
        bad = [
            f
            for f in findings
            if f.status in (Status.FAIL, Status.WARN) and f.method == "selection_rate_ratio"
        ]
        worst_g = int(np.nanargmin(np.where(finite, ratios, np.nan)))
        message = impact_summary(worst, groups.subject(worst_g), self.min_ratio, len(bad))
        return self._verdict(findings=findings, metrics=metrics, params=params, message=message)
