"""FairnessGate: a fairlearn disparity metric (or any per-group metric, aggregated) within bounds,
with per-group confidence intervals, honest small groups, and non-regression against a baseline."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np

from mlgates.core import inputs
from mlgates.core._text import pluralize
from mlgates.core.context import CheckContext
from mlgates.core.errors import NeedsInMemory
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.fairness import _components as comps
from mlgates.gates.fairness import _inputs as inp
from mlgates.gates.fairness._aggregate import Rules, aggregate_components, aggregate_finding
from mlgates.gates.fairness._common import Component, undecided_status
from mlgates.gates.fairness._describe import single_group
from mlgates.gates.fairness._groups import group_findings
from mlgates.gates.fairness._metric import (
    NAMED_METRICS,
    Spec,
    bounds,
    higher_is_worse,
    resample_count,
    resolve_metric,
    validate_params,
)
from mlgates.gates.fairness._worsening import worsening_finding
from mlgates.stats import fairness as fk

__all__ = ["FairnessGate"]


class FairnessGate(Gate):
    """A group-fairness metric of the predictions is within bounds.

    Per-group values come from one vectorized pass (per-group confusion counts for rates,
    per-group loss sums for regression), shared by every fairness gate of a suite run. The
    aggregate is compared with ``max_value`` / ``min_value``; with a baseline model and
    ``max_worsening`` it must also not be worse than the baseline's by more than that margin.

    Parameters
    ----------
    metric : str or callable, default "demographic_parity_difference"
        fairlearn's disparity metrics ``demographic_parity_difference``,
        ``demographic_parity_ratio``, ``equalized_odds_difference``, ``equalized_odds_ratio``,
        ``equal_opportunity_difference``, ``equal_opportunity_ratio``; or a per-group metric
        aggregated with ``aggregate``: a count metric (``selection_rate``,
        ``true_positive_rate``, ``false_positive_rate``, ``true_negative_rate``,
        ``false_negative_rate``, ``accuracy_score``, ``error_rate``, ``precision_score``,
        ``recall_score``, ``f1_score``, ``false_discovery_rate``, ``false_omission_rate``,
        ``negative_predictive_value``; short forms ``tpr``, ``fpr``, ``accuracy``, ...), a
        regression loss (``mean_absolute_error``, ``mean_squared_error``,
        ``root_mean_squared_error``), any other ``sklearn.metrics`` name ending in ``_score``,
        ``_error`` or ``_loss``, or a callable ``fn(y_true, y_pred[, sample_weight])`` (run per
        group through fairlearn's ``MetricFrame``).
    max_value, min_value : float, optional
        Bounds on the aggregate. With neither (and no ``max_worsening``), a difference must be
        <= 0.1 and a ratio >= 0.8; ``group_min``/``group_max`` need an explicit bound.
        Bounded group loss is ``aggregate="group_max"`` with ``max_value`` on a loss.
    max_worsening : float, optional
        Fairness non-regression: the candidate's aggregate may be worse than the baseline's
        (``baseline_prediction`` or ``baseline_model``, same rows) by at most this much, in
        the metric's units. "Worse" is higher when ``max_value`` is set (or for differences and
        ``group_max``), lower when ``min_value`` is set (or for ratios and ``group_min``). The
        interval is a paired bootstrap on the same rows; see ``worsening_decision``.
    sensitive_features : str or list of str, optional
        Column(s) of ``current``. Takes precedence over the check input
        ``sensitive_features`` (column names, an array, a Series or a DataFrame). Several
        columns give intersectional groups (only observed combinations).
    method : {"between_groups", "to_overall"}, default "between_groups"
        As in fairlearn: ``max - min`` / ``min / max`` over groups, or each group against the
        value on all rows.
    aggregate : {"difference", "ratio", "group_min", "group_max"}, optional
        For per-group metrics (default "difference"); implied by fairlearn's metric names.
    combine_rates : {"worst_case", "mean"}, default "worst_case"
        Equalized odds only: the worse (or the mean) of the TPR and FPR aggregates (fairlearn's
        ``agg``; ``agg=`` is a deprecated alias).
    min_group_size : int, default 30
        A group's value enters the aggregate only if the group has at least this many rows
        and the rate's denominator does too (TPR needs that many positive labels in the
        group); otherwise it is reported with reason ``insufficient_samples`` and left out.
        Rates with a zero denominator (TPR in a group without positives) are reported as
        ``undefined_statistic`` and left out, never scored 0.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status of insufficient groups, of an aggregate that cannot be computed, and of a
        single group (reason ``single_group``). ``"skip"`` lists them as SKIP; a verdict
        whose aggregate could not be computed is then SKIP, never PASS. (``"ignore"`` is a
        deprecated alias of ``"skip"``.)
    on_missing : {"as_group", "drop", "error"}, default "as_group"
        Missing sensitive values form their own group (shown as ``<missing>``), drop their rows
        (counted in ``params["n_dropped_missing"]``), or are an ERROR
        (``missing_sensitive_values``). ``missing=`` is a deprecated alias.
    decision : {"point", "ci"}, default "point"
        For the bounds on the aggregate (``max_value``/``min_value``): fail on the point
        estimate, or only when the whole confidence interval is beyond the bound (a point
        beyond it with an interval that is not gives WARN, ``fairness_bound_inconclusive``).
    worsening_decision : {"ci", "point"}, default "ci"
        For ``max_worsening``: by default the candidate FAILs (``fairness_regression``) only
        when the lower end of the paired-bootstrap interval of the worsening exceeds the
        margin; a point estimate beyond the margin whose interval still includes it is WARN
        (``fairness_regression_inconclusive``), so two models of the same quality do not fail
        on noise. ``"point"`` fails on the point estimate. ``"ci"`` needs ``n_resamples > 0``.
    confidence : float, default 0.95
        Level of every interval.
    decision_threshold : float, optional
        Binarize scores: with ``proba`` (or a model with ``predict_proba``) the positive-class
        probability, else the ``prediction`` values, ``>= decision_threshold`` is positive.
        Without it, probabilities given as predictions are an ERROR (``probabilities_as_labels``).
        ``threshold=`` is a deprecated alias.
    pos_label : optional
        The favourable label when labels are not 0/1, -1/1 or boolean.
    n_resamples : int, optional
        Bootstrap resamples (0 disables bootstraps), at most 100,000
        (``mlgates.core.params.MAX_RESAMPLES``). Default 1000 for count metrics
        (multinomial draws of the per-group counts, cheap) and 200 for row bootstraps
        (regression losses, callables).
    random_state : int, optional, default 0
        Seed of the bootstrap.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Reason codes: ``fairness_bound_exceeded``, ``fairness_bound_inconclusive``,
    ``fairness_regression``, ``fairness_regression_inconclusive``, ``insufficient_samples``,
    ``undefined_statistic`` (also for an aggregate that is undefined because a rate is undefined in
    every group, or a ratio's reference value is 0), ``single_group``,
    and input errors ``probabilities_as_labels``, ``pos_label_required``, ``non_binary_labels``,
    ``missing_values``, ``missing_sensitive_values``, ``missing_input``, ``missing_column``,
    ``length_mismatch``, ``empty_input``.

    ``metrics`` holds the aggregate under the metric's own name (``selection_rate_difference``
    for ``metric="selection_rate"``), its interval (``<name>_ci_low``/``_ci_high``), the
    number of groups, and with a baseline ``baseline_<name>`` and ``<name>_worsening``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import FairnessGate
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"sex": rng.choice(["F", "M"], 2000), "y": rng.integers(0, 2, 2000)})
    >>> df["pred"] = (rng.random(2000) < np.where(df["sex"] == "M", 0.5, 0.3)).astype(int)
    >>> gate = FairnessGate("demographic_parity_difference", max_value=0.1,
    ...                     sensitive_features="sex")
    >>> v = gate.check(current=df, target="y", prediction="pred")
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'fairness_bound_exceeded')
    >>> round(v.metrics["demographic_parity_difference"], 3)
    0.232
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [str, "callable"],
        "max_value": [Interval("real", None, None), None],
        "min_value": [Interval("real", None, None), None],
        "max_worsening": [Interval("real", 0, None), None],
        "sensitive_features": ["columns", None],
        "method": [Options("between_groups", "to_overall")],
        "aggregate": [Options("difference", "ratio", "group_min", "group_max"), None],
        "combine_rates": [Options("worst_case", "mean")],
        "min_group_size": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "on_missing": [Options("as_group", "drop", "error")],
        "decision": [Options("point", "ci")],
        "worsening_decision": [Options("ci", "point")],
        "confidence": [Interval("real", 0, 1, closed="neither")],
        "decision_threshold": [Interval("real", None, None), None],
        "pos_label": ["label", None],
        "n_resamples": [Interval("int", 0, MAX_RESAMPLES), None],
        "random_state": [Interval("int", 0, None), None],
    }
    _renamed_parameters: ClassVar[dict[str, str]] = {
        "threshold": "decision_threshold",
        "missing": "on_missing",
        "agg": "combine_rates",
    }
    _renamed_values: ClassVar[dict[str, dict[Any, Any]]] = {"on_insufficient": {"ignore": "skip"}}

    def __init__(
        self,
        metric: str | Callable[..., float] = "demographic_parity_difference",
        *,
        max_value: float | None = None,
        min_value: float | None = None,
        max_worsening: float | None = None,
        sensitive_features: str | Sequence[str] | None = None,
        method: str = "between_groups",
        aggregate: str | None = None,
        combine_rates: str = "worst_case",
        min_group_size: int = 30,
        on_insufficient: str = "warn",
        on_missing: str = "as_group",
        decision: str = "point",
        worsening_decision: str = "ci",
        confidence: float = 0.95,
        decision_threshold: float | None = None,
        pos_label: Any = None,
        n_resamples: int | None = None,
        random_state: int | None = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.max_value = max_value
        self.min_value = min_value
        self.max_worsening = max_worsening
        self.sensitive_features = sensitive_features
        self.method = method
        self.aggregate = aggregate
        self.combine_rates = combine_rates
        self.min_group_size = min_group_size
        self.on_insufficient = on_insufficient
        self.on_missing = on_missing
        self.decision = decision
        self.worsening_decision = worsening_decision
        self.confidence = confidence
        self.decision_threshold = decision_threshold
        self.pos_label = pos_label
        self.n_resamples = n_resamples
        self.random_state = random_state

    # -- parameters -----------------------------------------------------------------------
    def _spec(self) -> Spec:
        return resolve_metric(type(self).__name__, self.metric, self.aggregate)

    def _validate_params(self) -> None:
        validate_params(
            type(self).__name__,
            self._spec(),
            combine_rates=self.combine_rates,
            max_value=self.max_value,
            min_value=self.min_value,
            max_worsening=self.max_worsening,
            decision=self.decision,
            worsening_decision=self.worsening_decision,
            n_resamples=self.n_resamples,
        )

    def _bounds(self, spec: Spec) -> tuple[float | None, float | None]:
        return bounds(spec, self.max_value, self.min_value, self.max_worsening)

    def _rules(self, spec: Spec) -> Rules:
        return Rules(
            aggregate=spec.aggregate,
            method=self.method,
            combine_rates=self.combine_rates,
            min_group_size=self.min_group_size,
            confidence=self.confidence,
            decision=self.decision,
            worsening_decision=self.worsening_decision,
            max_worsening=self.max_worsening,
            insufficient=insufficient_status(self.on_insufficient),
            higher_is_worse=higher_is_worse(spec, self.max_value, self.min_value),
        )

    def required_inputs(self) -> tuple[str, ...]:
        spec = self._spec()
        needs = ["target"] if spec.components != ("selection_rate",) else []
        if self.sensitive_features is None:
            needs.append("sensitive_features")
        return tuple(needs)

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        scored = self.decision_threshold is not None and self._spec().kind == "count"
        needs = [("proba", "model", "prediction") if scored else ("prediction", "model")]
        if self.max_worsening is not None:  # the baseline: its predictions or its model
            needs.append(
                ("baseline_proba", "baseline_model", "baseline_prediction")
                if scored
                else ("baseline_prediction", "baseline_model")
            )
        return tuple(needs)

    # -- checking -------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        spec = self._spec()
        groups = inputs.groups(ctx, self.sensitive_features, self.on_missing)
        n_resamples = self._n_resamples(spec)
        rng = np.random.default_rng(self.random_state)
        with_baseline = self.max_worsening is not None
        components, base_components = self._components(ctx, spec, groups, n_resamples, rng, with_baseline)
        return self._decide(spec, groups, components, base_components, n_resamples)

    def _n_resamples(self, spec: Spec) -> int:
        return resample_count(spec, self.n_resamples)

    # -- tables read in chunks: the same decision from merged per-group counts -------------
    def _confusion_need(self, ctx: CheckContext, spec: Spec) -> Any:
        if spec.kind != "count":
            raise NeedsInMemory(
                f"FairnessGate({spec.components[0]!r}) needs every row in memory: only count metrics "
                "(selection rate, TPR, FPR, ..., and fairlearn's disparity metrics) are computed from "
                "per-group counts on a table read in chunks; pass current as a DataFrame"
            )
        return inp.confusion_need(
            ctx,
            self.sensitive_features,
            self.on_missing,
            self.pos_label,
            self.decision_threshold,
            needs_target=spec.components != ("selection_rate",),
            with_baseline=self.max_worsening is not None,
        )

    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        spec = self._spec()
        need = self._confusion_need(ctx, spec)
        return [need] if side == "current" else []

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        spec = self._spec()
        groups, counts, joint = inp.profiled_counts(ctx, self._confusion_need(ctx, spec))
        n_resamples = self._n_resamples(spec)
        if joint is None:
            reps = inp.count_replicates(ctx, counts, n_resamples, self.random_state)
            components = comps.count_components(spec.components, counts, reps, self.confidence)
            return self._decide(spec, groups, components, None, n_resamples)
        components, base = self._paired_components(spec, counts, joint, n_resamples)
        return self._decide(spec, groups, components, base, n_resamples)

    def _paired_components(
        self, spec: Spec, counts: fk.GroupCounts, joint: fk.GroupCounts, n_resamples: int
    ) -> tuple[list[Component], list[Component]]:
        """Candidate and baseline components from the joint 8-cell counts (paired bootstrap)."""
        rng = np.random.default_rng(self.random_state)
        base_counts = fk.GroupCounts(
            fk.split_joint(joint.weighted)[1],
            fk.split_joint(joint.rows)[1],
            None if joint.weighted_sq is None else fk.split_joint(joint.weighted_sq)[1],
        )
        rep_a = rep_b = None
        if n_resamples:
            rep_a, rep_b = fk.split_joint(fk.bootstrap_counts(joint, n_resamples, rng))
        return (
            comps.count_components(spec.components, counts, rep_a, self.confidence),
            comps.count_components(spec.components, base_counts, rep_b, self.confidence),
        )

    def _decide(
        self,
        spec: Spec,
        groups: inp.Groups,
        components: list[Component],
        base_components: list[Component] | None,
        n_resamples: int,
    ) -> Verdict:
        with_baseline = self.max_worsening is not None
        max_value, min_value = self._bounds(spec)
        insufficient = insufficient_status(self.on_insufficient)
        params = {
            "aggregate": spec.aggregate,
            "max_value": max_value,
            "min_value": min_value,
            "n_resamples": n_resamples,
            "sensitive_feature_names": list(groups.names),
            "n_dropped_missing": groups.n_dropped,
        }
        if spec.name in NAMED_METRICS and spec.name != self.metric:
            params["metric"] = spec.name  # fairlearn's constraint name resolved to its metric
        rows = components[0].rows
        findings: list[Finding] = []
        for comp in components:
            findings.extend(group_findings(comp, groups, self.min_group_size, insufficient, self.confidence))
        metrics: dict[str, float] = {"n_groups": groups.n_groups}

        if groups.n_groups < 2:
            head = Finding(
                spec.name,
                insufficient,
                method=spec.name,
                reason="single_group",
                message=single_group(groups.subject(0), int(rows[0]), groups.names),
            )
            metrics[spec.name] = float("nan")
            return self._verdict(
                undecided_status([head, *findings]),
                findings=[head, *findings],
                metrics=metrics,
                params=params,
                message=head.message,
            )

        value, reps, used = self._aggregate(spec, components)
        ci = fk.percentile_interval(reps, self.confidence) if reps is not None else (np.nan, np.nan)
        metrics.update(
            {
                spec.name: value,
                f"{spec.name}_ci_low": ci[0],
                f"{spec.name}_ci_high": ci[1],
                "n_groups_used": int(used.sum()),
            }
        )
        head = self._aggregate_finding(
            spec, components, groups, used, value, ci, max_value, min_value, insufficient
        )
        top = [head]
        if with_baseline:
            top.append(
                self._worsening_finding(spec, components, base_components, groups, metrics, insufficient)
            )
        message = "; ".join(f.message for f in top)
        n_bad = sum(1 for f in findings if f.status is not Status.PASS)
        if n_bad:
            message += f" ({pluralize(n_bad, 'group result')} not judged: see findings)"
        everything = [*top, *findings]
        # an aggregate (or a comparison with the baseline) that could not be computed never passes
        status = undecided_status(everything) if any(f.statistic is None for f in top) else None
        return self._verdict(status, findings=everything, metrics=metrics, params=params, message=message)

    def _components(
        self,
        ctx: CheckContext,
        spec: Spec,
        groups: inp.Groups,
        n_resamples: int,
        rng: np.random.Generator,
        with_baseline: bool,
    ) -> tuple[list[Component], list[Component] | None]:
        codes, n_groups = groups.codes, groups.n_groups
        w = inp.weights(ctx, groups)
        if spec.kind == "count":
            needs_target = spec.components != ("selection_rate",)
            counts = inp.confusion(ctx, groups, self.pos_label, self.decision_threshold, needs_target)
            if not with_baseline:
                count_reps = inp.count_replicates(ctx, counts, n_resamples, self.random_state)
                return comps.count_components(spec.components, counts, count_reps, self.confidence), None
            y = inp.labels(ctx, groups, self.pos_label, needs_target)
            pred_a = inp.predictions(ctx, groups, self.pos_label, self.decision_threshold, baseline=False)
            pred_b = inp.predictions(ctx, groups, self.pos_label, self.decision_threshold, baseline=True)
            joint = fk.joint_counts(codes, n_groups, y, pred_a, pred_b, w)
            return self._paired_components(spec, counts, joint, n_resamples)
        y_raw = groups.take(ctx.labels("current"), "target")
        if spec.kind == "regression":
            name = spec.components[0]
            y = inputs.numbers("target", y_raw)
            preds = [inp.scores(ctx, groups, baseline=False)]
            if with_baseline:
                preds.append(inp.scores(ctx, groups, baseline=True))
            losses = [comps.loss_values(name, y, p) for p in preds]
            rep = None
            if n_resamples:
                rep = fk.bootstrap_group_means(codes, n_groups, np.column_stack(losses), w, n_resamples, rng)
            out = [
                comps.regression_component(
                    name, codes, n_groups, loss, w, None if rep is None else rep[:, :, k], self.confidence
                )
                for k, loss in enumerate(losses)
            ]
            return out[:1], (out[1:] or None)
        assert spec.fn is not None
        name = spec.components[0]
        preds = [self._raw_prediction(ctx, groups, baseline=False)]
        if with_baseline:
            preds.append(self._raw_prediction(ctx, groups, baseline=True))
        rows = np.bincount(codes, minlength=n_groups)
        reps: list[Any] = [None] * len(preds)
        rep_overall: list[Any] = [None] * len(preds)
        if n_resamples:
            reps, rep_overall = comps.row_bootstrap_callable(
                spec.fn, codes, n_groups, y_raw, preds, w, n_resamples, rng
            )
        out = []
        for k, pred in enumerate(preds):
            values, overall = comps.callable_values(spec.fn, codes, n_groups, y_raw, pred, w)
            out.append(
                comps.callable_component(
                    name, values, overall, rows, reps[k], rep_overall[k], self.confidence
                )
            )
        return out[:1], (out[1:] or None)

    def _raw_prediction(self, ctx: CheckContext, groups: inp.Groups, *, baseline: bool) -> np.ndarray:
        if self.decision_threshold is not None:
            return inp.predictions(ctx, groups, self.pos_label, self.decision_threshold, baseline=baseline)
        name = "baseline_prediction" if baseline else "prediction"
        return groups.take(np.asarray(ctx.prediction("current", baseline=baseline)), name)

    def _aggregate(
        self, spec: Spec, components: list[Component]
    ) -> tuple[float, np.ndarray | None, np.ndarray]:
        """Aggregate (combined over components), its replicates, and the groups used."""
        return aggregate_components(components, self._rules(spec))

    def _aggregate_finding(
        self,
        spec: Spec,
        components: list[Component],
        groups: inp.Groups,
        used: np.ndarray,
        value: float,
        ci: tuple[float, float],
        max_value: float | None,
        min_value: float | None,
        insufficient: Status,
    ) -> Finding:
        rules = dataclasses.replace(self._rules(spec), insufficient=insufficient)
        return aggregate_finding(spec.name, components, groups, used, value, ci, max_value, min_value, rules)

    def _worsening_finding(
        self,
        spec: Spec,
        components: list[Component],
        base: list[Component] | None,
        groups: inp.Groups,
        metrics: dict[str, float],
        insufficient: Status,
    ) -> Finding:
        rules = dataclasses.replace(self._rules(spec), insufficient=insufficient)
        finding, worsening_metrics = worsening_finding(spec.name, components, base, groups, rules)
        metrics.update(worsening_metrics)
        return finding
