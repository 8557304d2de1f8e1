"""PerformanceGate: metric floors and the question "is the candidate really worse?"."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, parameter_error
from mlgates.core.verdict import Verdict
from mlgates.gates.performance._baseline import (
    Evaluation,
    Rules,
    allowed_margin,
    comparison_metrics,
    evaluate,
)
from mlgates.gates.performance._common import INSUFFICIENT, headline, metric_spec, sample_shortfall
from mlgates.gates.performance._compare import metric_value, weights_note
from mlgates.gates.performance._data import Pair, resolve_pair
from mlgates.gates.performance._findings import bound_findings, comparison_finding
from mlgates.gates.performance._segments import segment_findings
from mlgates.stats.performance import MetricSpec

__all__ = ["PerformanceGate"]

#: The comparison of one set of rows (the profiled path builds it from counts).
_Eval = Evaluation


@dataclass(frozen=True)
class _Facts:
    """What the overall result states about the sample (from the rows or a profile)."""

    n: int
    n_baseline: int | None
    weights: str
    short: str | None
    kind: str
    k: int
    pos: int
    classes: tuple[Any, ...]


class PerformanceGate(Gate):
    """A model metric above a floor, and not worse than a baseline beyond a margin.

    The candidate is the ``prediction`` / ``proba`` / ``model`` on ``current``. The baseline is
    the champion on the same rows (``baseline_prediction`` / ``baseline_proba`` /
    ``baseline_model``), or, with ``compare_to="reference"``, the same model on ``reference``.
    With a ``test`` the gate FAILs only when the candidate is worse than the baseline by more
    than the margin with confidence ``1 - alpha``; when the sample is too small to detect a drop
    of the margin it says so (reason ``insufficient_samples``) instead of passing.

    Parameters
    ----------
    metric : str or callable, default "accuracy"
        A scikit-learn metric name: ``accuracy``, ``balanced_accuracy``, ``f1``, ``precision``,
        ``recall`` (binary; ``_macro``, ``_micro``, ``_weighted`` suffixes for averaging),
        ``matthews_corrcoef``, ``roc_auc``, ``average_precision``, ``log_loss``,
        ``brier_score_loss`` (classification), ``r2``, ``mean_absolute_error``,
        ``mean_squared_error``, ``root_mean_squared_error``, ``mean_absolute_percentage_error``,
        ``median_absolute_error`` (regression). Or a callable ``f(y_true, y_pred) -> float``
        with ``greater_is_better`` stated (and ``needs_proba=True`` if it takes probabilities).
    min_value, max_value : float, optional
        Floor and ceiling on the candidate's metric (reason ``metric_bound_exceeded``).
    max_drop : float, optional
        Non-inferiority margin in metric units: the candidate may be worse than the baseline by
        at most this much (for losses, "worse" means higher).
    max_relative_drop : float, optional
        Margin as a fraction of the baseline's absolute value. With both margins the smaller
        applies. A baseline of exactly 0 makes the relative margin 0.
    test : {"mcnemar", "bootstrap", "delong"}, optional
        ``None``: compare point values only. ``"mcnemar"`` (accuracy, same rows): exact
        binomial when fewer than 25 discordant pairs, mid-p otherwise; Agresti-Min interval.
        ``"bootstrap"`` (any metric): percentile interval of the difference; paired on the same
        rows; label metrics resample confusion counts. ``"delong"`` (roc_auc): DeLong's test,
        with logit intervals for each AUC.
    alpha : float, default 0.05
        The interval is two-sided ``1 - alpha``; the gate FAILs when it lies entirely beyond the
        margin (with a zero margin: when the test rejects "no difference" at ``alpha`` and the
        candidate is worse).
    compare_to : {"baseline", "reference"}, default "baseline"
        What the candidate is compared with.
    n_resamples : int, default 2000
        Bootstrap resamples, in [100, 100000] (``mlgates.core.params.MAX_RESAMPLES``).
    random_state : int or None, default 0
        Seed of the bootstrap (fixed by default so a verdict is reproducible).
    power : float, default 0.8
        Power of the insufficient-samples rule.
    min_samples : int, default 30
        Fewest rows on which a result may PASS (the floors, the point comparison and the
        tests alike); ranking and probability metrics (``roc_auc``, ``average_precision``,
        ``log_loss``, ``brier_score_loss``, so also DeLong) also need ``min(10, min_samples)``
        rows of each class. Below that, a result that would PASS is ``insufficient_samples``
        (status from ``on_insufficient``) and the message states what effect the test could
        detect; a FAIL stands. With ``compare_to="reference"`` both samples must qualify.
    min_effect : float, optional
        Drop the sample must be able to detect; defaults to the margin. When both are 0 the
        power rule does not apply (the minimum detectable effect is still reported).
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
        Status when the sample is smaller than ``min_samples``, cannot detect the margin, or a
        segment is smaller than ``min_segment_size`` or has an undefined metric.
    segments : str, list of str or callable, optional
        Also compare within segments: the groups of these columns (``"col=value"``), or of the
        labels a callable returns for the table (``"segment=value"``).
    min_segment_size : int, default 50
        Segments with fewer rows are not judged (status from ``on_insufficient``).
    segment_correction : {"holm", "fdr_bh"} or None, default "holm"
        Multiple-testing correction of the segments' p-values.
    greater_is_better : bool, optional
        Direction of a callable metric (named metrics know theirs).
    needs_proba : bool, default False
        A callable metric takes probabilities (``proba``) instead of labels.
    pos_label : str or int, optional
        Positive class of binary metrics; default the greater of the two target classes (the
        class whose probability ``predict_proba`` puts in column 1). A 1-d ``proba`` is read
        as the probability (or score) of the greater class, and reversed when ``pos_label``
        is the other one; with two columns the ``pos_label`` column is used.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    ``verdict.metrics`` holds ``<metric>`` (candidate), ``baseline_<metric>``, ``difference``
    (candidate - baseline), ``relative_difference`` (when the baseline is not 0), ``margin``,
    ``ci_low``/``ci_high`` (interval of the difference), ``pvalue`` (test of no difference),
    ``regression_pvalue`` (test of "worse by more than the margin"), ``mde`` (minimum
    detectable effect at ``power``), ``n`` (and ``n_baseline`` when unpaired); with DeLong also
    ``<metric>_ci_low``... for each AUC's interval.

    The power rule: with ``se`` the standard error of the difference (McNemar: Agresti-Min;
    DeLong: its variance; bootstrap: the standard deviation of the resampled differences),
    ``mde = (z_{1-alpha/2} + z_{power}) se``. When ``mde`` exceeds the effect to detect
    (``min_effect`` or the margin) and no regression was found, the verdict is
    ``insufficient_samples``. One exception: an interval that lies entirely within the margin
    ("a drop beyond the margin is ruled out") PASSes even when ``mde`` exceeds the effect,
    since it excludes the drop directly. Percentile and DeLong intervals are too narrow on a
    handful of rows, so the ``min_samples`` rule is checked first: below it nothing PASSes.
    Segments report their ``mde`` but only the overall comparison applies the power rule
    (segments have ``min_segment_size`` instead).

    ``sample_weight`` (an array for current, or a column name, needed on reference with
    ``compare_to="reference"``) weights every metric value as in :mod:`sklearn.metrics`: the
    floors, the candidate and the baseline. The bootstrap then resamples rows with their
    weights. McNemar's and DeLong's tests have no weighted form here: with weights the values
    are weighted but the test's interval and p-values count rows, and ``params["sample_weight"]``
    and the finding's message say so. A callable metric gets the weights when it takes a
    ``sample_weight`` keyword (otherwise they are reported as ignored).

    Reason codes: ``performance_regression``, ``metric_bound_exceeded``,
    ``insufficient_samples``, ``undefined_statistic``, ``one_class_target``, ``missing_values``,
    ``probabilities_as_labels``, ``invalid_prediction``, ``invalid_proba``, ``length_mismatch``,
    ``empty_input``, ``missing_input``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlgates import PerformanceGate
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> champion = np.where(rng.random(2000) < 0.85, y, 1 - y)
    >>> challenger = np.where(rng.random(2000) < 0.80, y, 1 - y)
    >>> gate = PerformanceGate("accuracy", max_drop=0.01, test="mcnemar")
    >>> v = gate.check(target=y, prediction=challenger, baseline_prediction=champion)
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'performance_regression')
    >>> round(v.metrics["accuracy"], 3), round(v.metrics["baseline_accuracy"], 3)
    (0.793, 0.854)
    >>> PerformanceGate("accuracy", min_value=0.7).check(target=y, prediction=challenger).status
    <Status.PASS: 'pass'>
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [str, "callable"],
        "min_value": [Interval("real", None, None), None],
        "max_value": [Interval("real", None, None), None],
        "max_drop": [Interval("real", 0, None), None],
        "max_relative_drop": [Interval("real", 0, None), None],
        "test": [Options("mcnemar", "bootstrap", "delong"), None],
        "alpha": [Interval("real", 0, 0.5, closed="neither")],
        "compare_to": [Options("baseline", "reference")],
        "n_resamples": [Interval("int", 100, MAX_RESAMPLES)],
        "random_state": [Interval("int", 0, None), None],
        "power": [Interval("real", 0, 1, closed="neither")],
        "min_samples": [Interval("int", 1, None)],
        "min_effect": [Interval("real", 0, None, closed="neither"), None],
        "on_insufficient": [ON_INSUFFICIENT],
        "segments": ["columns", "callable", None],
        "min_segment_size": [Interval("int", 1, None)],
        "segment_correction": [Options("holm", "fdr_bh"), None],
        "greater_is_better": ["boolean", None],
        "needs_proba": ["boolean"],
        "pos_label": [str, int, None],
    }

    def __init__(
        self,
        metric: str | Callable[..., float] = "accuracy",
        *,
        min_value: float | None = None,
        max_value: float | None = None,
        max_drop: float | None = None,
        max_relative_drop: float | None = None,
        test: str | None = None,
        alpha: float = 0.05,
        compare_to: str = "baseline",
        n_resamples: int = 2000,
        random_state: int | None = 0,
        power: float = 0.8,
        min_samples: int = 30,
        min_effect: float | None = None,
        on_insufficient: str = "warn",
        segments: str | Sequence[str] | Callable[..., Any] | None = None,
        min_segment_size: int = 50,
        segment_correction: str | None = "holm",
        greater_is_better: bool | None = None,
        needs_proba: bool = False,
        pos_label: str | int | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.min_value = min_value
        self.max_value = max_value
        self.max_drop = max_drop
        self.max_relative_drop = max_relative_drop
        self.test = test
        self.alpha = alpha
        self.compare_to = compare_to
        self.n_resamples = n_resamples
        self.random_state = random_state
        self.power = power
        self.min_samples = min_samples
        self.min_effect = min_effect
        self.on_insufficient = on_insufficient
        self.segments = segments
        self.min_segment_size = min_segment_size
        self.segment_correction = segment_correction
        self.greater_is_better = greater_is_better
        self.needs_proba = needs_proba
        self.pos_label = pos_label

    # -- parameters ---------------------------------------------------------------------------
    def _validate_params(self) -> None:
        owner = type(self).__name__
        if isinstance(self.metric, str):
            spec = metric_spec(owner, self.metric)
            if self.greater_is_better is not None and self.greater_is_better != spec.greater_is_better:
                raise parameter_error(
                    owner,
                    "greater_is_better",
                    f"None or {spec.greater_is_better} for {spec.name!r}",
                    self.greater_is_better,
                    fix="leave greater_is_better=None for named metrics.",
                )
        elif self.greater_is_better is None:
            raise parameter_error(
                owner,
                "greater_is_better",
                "True or False for a callable metric",
                None,
                fix=f"{owner}(my_metric, greater_is_better=True) (False for losses).",
            )
        metric_name = spec.name if isinstance(self.metric, str) else None
        if self.test == "mcnemar" and (metric_name != "accuracy" or self.compare_to != "baseline"):
            raise parameter_error(
                owner,
                "test",
                "'mcnemar' only with metric='accuracy' and compare_to='baseline' "
                "(it compares two models' errors on the same rows)",
                self.test,
                fix="test='bootstrap' for other metrics or for compare_to='reference'.",
            )
        if self.test == "delong" and metric_name != "roc_auc":
            raise parameter_error(
                owner,
                "test",
                "'delong' only with metric='roc_auc'",
                self.test,
                fix="test='bootstrap' for other metrics.",
            )
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise parameter_error(
                owner,
                "min_value",
                f"at most max_value={self.max_value}",
                self.min_value,
                fix="set min_value <= max_value.",
            )

    def required_inputs(self) -> tuple[str, ...]:
        if self.compare_to == "reference":
            return ("reference", "current", "target")
        return ("target",)

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        spec, _fn, _name, _sign = self._spec()
        scores = spec.kind == "score" if spec is not None else self.needs_proba
        needs = [("proba", "model") if scores else ("prediction", "model")]
        if self._comparing() and self.compare_to == "baseline":
            needs.append(
                ("baseline_proba", "baseline_model") if scores else ("baseline_prediction", "baseline_model")
            )
        return tuple(needs)

    # -- helpers ------------------------------------------------------------------------------
    def _spec(self) -> tuple[MetricSpec | None, Callable[..., float] | None, str, float]:
        if isinstance(self.metric, str):
            spec = metric_spec(type(self).__name__, self.metric)
            return spec, None, spec.name, 1.0 if spec.greater_is_better else -1.0
        fname = getattr(self.metric, "__name__", "metric")
        fname = "metric" if fname.startswith("<") else fname
        return None, self.metric, fname, 1.0 if self.greater_is_better else -1.0

    def _comparing(self) -> bool:
        margins = (self.max_drop, self.max_relative_drop, self.test)
        floors = (self.min_value, self.max_value)
        return (
            self.compare_to == "reference"
            or any(v is not None for v in margins)
            or all(v is None for v in floors)
        )

    def _rules(self) -> Rules:
        """This gate's parameters for the rules of ``_baseline``, ``_findings`` and ``_segments``
        (the methods below bind them)."""
        return Rules(
            test=self.test,
            alpha=self.alpha,
            power=self.power,
            min_samples=self.min_samples,
            min_effect=self.min_effect,
            insufficient=INSUFFICIENT[self.on_insufficient],
            min_value=self.min_value,
            max_value=self.max_value,
            max_drop=self.max_drop,
            max_relative_drop=self.max_relative_drop,
            n_resamples=self.n_resamples,
            random_state=self.random_state,
            segments=self.segments,
            min_segment_size=self.min_segment_size,
            segment_correction=self.segment_correction,
        )

    def _evaluate(self, pair: Pair, spec: MetricSpec | None, fn: Any, sign: float) -> Evaluation:
        return evaluate(pair, spec, fn, sign, self._rules())

    def _margin(self, baseline: float) -> float:
        return allowed_margin(baseline, self.max_drop, self.max_relative_drop)

    # -- tables read in chunks: the same decision from merged counts (see _profiled) ----------
    def _profile_needs(self, ctx: CheckContext, side: str) -> list[Any]:
        from mlgates.gates.performance._profiled import profile_needs

        return profile_needs(self, ctx, side)

    def _check_profile(self, ctx: CheckContext) -> Verdict:
        from mlgates.gates.performance._profiled import check_profile

        return check_profile(self, ctx)

    # -- check --------------------------------------------------------------------------------
    def _check(self, ctx: CheckContext) -> Verdict:
        spec, fn, mname, sign = self._spec()
        comparing = self._comparing()
        # gates of one suite run that read the same metric share the decoded inputs
        key = (
            "performance.pair",
            mname if spec else id(fn),
            comparing,
            self.compare_to,
            self.pos_label,
            self.needs_proba,
        )
        pair = ctx.cached(
            key,
            lambda: resolve_pair(
                ctx,
                spec,
                compare=comparing,
                compare_to=self.compare_to,
                pos_label=self.pos_label,
                needs_proba=self.needs_proba,
                metric_name=mname,
            ),
        )
        facts = _Facts(
            n=len(pair.candidate),
            n_baseline=len(pair.baseline) if pair.baseline is not None and not pair.paired else None,
            weights=weights_note(pair, spec, fn, self.test if comparing else None),
            short=sample_shortfall(pair, self.min_samples),
            kind=pair.kind,
            k=pair.k,
            pos=pair.pos,
            classes=pair.classes,
        )
        ev = self._evaluate(pair, spec, fn, sign) if comparing else None
        value = math.nan if comparing else metric_value(pair, spec, fn, pair.candidate)
        findings, metrics, params = self._assemble(spec, mname, sign, facts, ev, value)
        if self.segments is not None:
            seg_findings, seg_metrics = self._segments(ctx, pair, spec, fn, mname, sign, comparing)
            findings.extend(seg_findings)
            metrics.update(seg_metrics)
        return self._verdict(findings=findings, metrics=metrics, params=params, message=headline(findings))

    def _assemble(
        self,
        spec: MetricSpec | None,
        mname: str,
        sign: float,
        facts: _Facts,
        ev: Evaluation | None,
        value: float,
    ) -> tuple[list[Finding], dict[str, float], dict[str, Any]]:
        """Findings, metrics and params of the overall result (in memory and on profiles)."""
        short = facts.short
        findings: list[Finding] = []
        metrics: dict[str, float] = {"n": facts.n}
        params: dict[str, Any] = {"greater_is_better": sign > 0}
        if spec is not None:
            params["metric"] = spec.name  # our name, also when a peer's name (e.g. "rmse") was given
        if facts.weights:
            params["sample_weight"] = facts.weights
        if short is not None:
            params["sample_shortfall"] = short
        if facts.classes:
            params["classes"] = list(facts.classes)
            if facts.kind in ("label", "score") and len(facts.classes) >= 2 and facts.k <= 2:
                params["pos_label"] = facts.classes[facts.pos]
        if ev is not None:
            comp = ev.comparison
            value = comp.candidate
            findings.append(
                self._judge(mname, ev, sign, comp.regression_pvalue, spec, overall=True, short=short)
            )
            metrics.update(self._comparison_metrics(mname, ev, sign))
            if facts.n_baseline is not None:
                metrics["n_baseline"] = facts.n_baseline
            params.update({"margin": ev.margin, "method": comp.method})
        else:
            metrics[mname] = value
        findings[:0] = self._floors(mname, value, short)
        return findings, metrics, params

    def _comparison_metrics(self, mname: str, ev: Evaluation, sign: float) -> dict[str, float]:
        return comparison_metrics(mname, ev, self._rules())

    def _floors(self, mname: str, value: float, short: str | None = None) -> list[Finding]:
        return bound_findings(mname, value, self._rules(), short)

    def _judge(
        self,
        subject: str,
        ev: Evaluation,
        sign: float,
        p_reg: float | None,
        spec: MetricSpec | None,
        *,
        overall: bool,
        short: str | None = None,
    ) -> Finding:
        return comparison_finding(subject, ev, sign, p_reg, spec, self._rules(), overall=overall, short=short)

    def _segments(
        self,
        ctx: CheckContext,
        pair: Pair,
        spec: MetricSpec | None,
        fn: Any,
        mname: str,
        sign: float,
        comparing: bool,
    ) -> tuple[list[Finding], dict[str, float]]:
        return segment_findings(ctx, pair, spec, fn, sign, comparing, self._rules())
