"""BeatsBaselineGate: the model must beat a trivial predictor by a margin."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import MAX_RESAMPLES, ON_INSUFFICIENT, Interval, Options, parameter_error
from mlgates.core.verdict import Verdict
from mlgates.gates.performance._common import INSUFFICIENT, headline, metric_spec, sample_shortfall
from mlgates.gates.performance._compare import compare, weights_note
from mlgates.gates.performance._data import Pair, Sample, resolve_pair
from mlgates.gates.performance._decide import ImprovementFacts, decide_improvement
from mlgates.gates.performance._describe import describe
from mlgates.stats.performance import MetricSpec

__all__ = ["BeatsBaselineGate"]

_CLASSIFIER_STRATEGIES = ("most_frequent", "prior", "stratified", "uniform")
_REGRESSOR_STRATEGIES = ("mean", "median")


def _default_strategy(spec: MetricSpec) -> str:
    if spec.kind == "label":
        return "most_frequent"
    if spec.kind == "score":
        return "prior"
    return (
        "median"
        if spec.base in ("mean_absolute_error", "median_absolute_error", "mean_absolute_percentage_error")
        else "mean"
    )


class BeatsBaselineGate(Gate):
    """The model beats scikit-learn's ``DummyClassifier`` / ``DummyRegressor`` by a margin.

    The dummy is fitted on the target of ``reference`` when it is given (what a constant
    predictor trained on the training data would do), otherwise on ``current`` (the best
    constant for that sample), and scored on ``current`` like the model.

    Parameters
    ----------
    metric : str, default "accuracy"
        A named metric (see :class:`PerformanceGate`); use a regression metric for regressors.
    strategy : str, optional
        The dummy's strategy. Default: ``"most_frequent"`` for label metrics, ``"prior"`` for
        probability metrics (constant class frequencies: ROC AUC 0.5), ``"mean"`` for
        regression (``"median"`` for absolute-error metrics). ``"stratified"`` and ``"uniform"``
        use ``random_state``.
    min_improvement : float, default 0.0
        The model must be better than the dummy by more than this, in metric units (for losses:
        lower by more than this).
    test : {"bootstrap"} or None, default None
        ``None``: compare point values. ``"bootstrap"``: paired bootstrap interval of the
        improvement; PASS when its lower end exceeds ``min_improvement``, FAIL when its upper
        end does not, and ``insufficient_samples`` when the interval straddles it.
    alpha : float, default 0.05
        The interval is two-sided ``1 - alpha``.
    n_resamples : int, default 2000
        Bootstrap resamples, in [100, 100000] (``mlgates.core.params.MAX_RESAMPLES``).
    random_state : int or None, default 0
    min_samples : int, default 30
        Fewest rows on which the model may PASS; probability metrics also need
        ``min(10, min_samples)`` rows of each class (see :class:`PerformanceGate`). Below that
        a would-be PASS is ``insufficient_samples``; a FAIL stands.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    pos_label : str or int, optional
        Positive class of binary metrics (default: the greater class).
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    ``metrics`` holds ``<metric>`` (the model), ``baseline_<metric>`` (the dummy),
    ``difference``, ``improvement`` (difference oriented so that positive is better), and with
    the bootstrap ``ci_low``/``ci_high`` of the difference. ``sample_weight`` weights the
    metric values, the dummy's fit when it is fitted on ``current`` (or on ``reference`` when
    the weights are a column name) and the bootstrap's rows. Reason codes:
    ``not_better_than_dummy``, ``insufficient_samples``, and the input errors of
    :class:`PerformanceGate`.

    Examples
    --------
    >>> import numpy as np
    >>> from mlgates import BeatsBaselineGate
    >>> y = np.array([0] * 80 + [1] * 20)
    >>> always_zero = np.zeros(100, dtype=int)
    >>> v = BeatsBaselineGate(min_improvement=0.01).check(target=y, prediction=always_zero)
    >>> v.status, v.metrics["improvement"]
    (<Status.FAIL: 'fail'>, 0.0)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [str],
        "strategy": [Options(*_CLASSIFIER_STRATEGIES, *_REGRESSOR_STRATEGIES), None],
        "min_improvement": [Interval("real", 0, None)],
        "test": [Options("bootstrap"), None],
        "alpha": [Interval("real", 0, 0.5, closed="neither")],
        "n_resamples": [Interval("int", 100, MAX_RESAMPLES)],
        "random_state": [Interval("int", 0, None), None],
        "min_samples": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "pos_label": [str, int, None],
    }

    def __init__(
        self,
        metric: str = "accuracy",
        *,
        strategy: str | None = None,
        min_improvement: float = 0.0,
        test: str | None = None,
        alpha: float = 0.05,
        n_resamples: int = 2000,
        random_state: int | None = 0,
        min_samples: int = 30,
        on_insufficient: str = "warn",
        pos_label: str | int | None = None,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.strategy = strategy
        self.min_improvement = min_improvement
        self.test = test
        self.alpha = alpha
        self.n_resamples = n_resamples
        self.random_state = random_state
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.pos_label = pos_label

    def _validate_params(self) -> None:
        spec = metric_spec(type(self).__name__, self.metric)
        if self.strategy is None:
            return
        allowed = _REGRESSOR_STRATEGIES if spec.kind == "regression" else _CLASSIFIER_STRATEGIES
        if self.strategy not in allowed:
            raise parameter_error(
                type(self).__name__, "strategy", f"one of {allowed} for metric {spec.name!r}", self.strategy
            )

    def required_inputs(self) -> tuple[str, ...]:
        return ("target",)

    def required_any_of(self) -> tuple[tuple[str, ...], ...]:
        kind = metric_spec(type(self).__name__, self.metric).kind
        return (("proba", "model") if kind == "score" else ("prediction", "model"),)

    def _dummy_fit_target(self, ctx: CheckContext) -> tuple[np.ndarray, str]:
        if ctx.has("reference") and isinstance(ctx.get("target"), (str, int)):
            y = np.asarray(ctx.labels("reference"))
            if y.shape[0] > 0:
                return y, "reference"
        return np.asarray(ctx.labels("current")), "current"

    def _dummy_fit_weights(self, ctx: CheckContext, side: str) -> np.ndarray | None:
        if side == "reference" and not isinstance(ctx.get("sample_weight"), (str, int)):
            return None  # weights given as an array belong to current
        return ctx.sample_weight(side)  # type: ignore[arg-type]

    def _dummy_pair(self, ctx: CheckContext, spec: MetricSpec, pair: Pair, strategy: str) -> Pair:
        from sklearn.dummy import DummyClassifier, DummyRegressor

        y_fit, side = self._dummy_fit_target(ctx)
        w_fit = self._dummy_fit_weights(ctx, side)
        if spec.kind != "regression":
            import pandas as pd

            keep = ~pd.isna(y_fit)
            y_fit = y_fit[keep]
            w_fit = None if w_fit is None else w_fit[keep]
        n = len(pair.candidate)
        zeros_fit = np.zeros((y_fit.shape[0], 1))
        zeros = np.zeros((n, 1))
        if spec.kind == "regression":
            reg = DummyRegressor(strategy=strategy).fit(zeros_fit, y_fit.astype(float), sample_weight=w_fit)
            pred = reg.predict(zeros).astype(float)
            return replace(pair, baseline=Sample(pair.candidate.y, pred, pair.candidate.w))
        clf = DummyClassifier(strategy=strategy, random_state=self.random_state).fit(
            zeros_fit, y_fit, sample_weight=w_fit
        )
        classes = list(pair.classes)
        if spec.kind == "label":
            raw = clf.predict(zeros)
            extra = [c for c in np.unique(raw).tolist() if c not in classes]
            if extra:  # the dummy's label never occurs on current: one more (never-true) class
                classes = sorted([*classes, *extra])
                remap = np.array([classes.index(c) for c in pair.classes])
                cand = Sample(remap[pair.candidate.y], remap[pair.candidate.pred], pair.candidate.w)
                pair = replace(
                    pair,
                    candidate=cand,
                    k=len(classes),
                    pos=classes.index(pair.classes[pair.pos]),
                    classes=tuple(classes),
                )
            lookup = {c: i for i, c in enumerate(classes)}
            codes = np.array([lookup[c] for c in raw.tolist()], dtype=np.int64)
            return replace(pair, baseline=Sample(pair.candidate.y, codes, pair.candidate.w))
        proba = clf.predict_proba(zeros)
        fitted = list(clf.classes_.tolist())
        full = np.zeros((n, len(classes)))
        for j, c in enumerate(classes):
            if c in fitted:
                full[:, j] = proba[:, fitted.index(c)]
        dummy = full[:, pair.pos] if pair.k == 2 else full
        return replace(pair, baseline=Sample(pair.candidate.y, dummy, pair.candidate.w))

    def _check(self, ctx: CheckContext) -> Verdict:
        spec = metric_spec(type(self).__name__, self.metric)
        sign = 1.0 if spec.greater_is_better else -1.0
        strategy = self.strategy or _default_strategy(spec)
        pair = resolve_pair(
            ctx, spec, compare=False, compare_to="baseline", pos_label=self.pos_label, metric_name=spec.name
        )
        pair = self._dummy_pair(ctx, spec, pair, strategy)
        _, fitted_on = self._dummy_fit_target(ctx)
        comp = compare(
            pair,
            spec,
            None,
            test=self.test,
            margin=0.0,
            sign=sign,
            alpha=self.alpha,
            n_resamples=self.n_resamples,
            random_state=self.random_state,
        )
        diff = comp.difference
        improvement = sign * diff
        need = float(self.min_improvement)
        metrics = {
            spec.name: comp.candidate,
            f"baseline_{spec.name}": comp.baseline,
            "difference": diff,
            "improvement": improvement,
            "n": len(pair.candidate),
        }
        params: dict[str, Any] = {"strategy": strategy, "dummy_fitted_on": fitted_on}
        weights = weights_note(pair, spec, None, self.test)
        if weights:
            params["sample_weight"] = weights
            params["dummy_fit_weighted"] = self._dummy_fit_weights(ctx, fitted_on) is not None
        short = sample_shortfall(pair, self.min_samples)
        if short is not None:
            params["sample_shortfall"] = short
        lo = hi = None
        if self.test is not None:  # the interval of the improvement (of the difference, oriented)
            lo, hi = sorted(sign * b for b in (comp.ci_low, comp.ci_high))  # type: ignore[operator]
        facts = ImprovementFacts(
            spec.name,
            model=comp.candidate,
            dummy=comp.baseline,
            strategy=strategy,
            sign=sign,
            required=need,
            n=len(pair.candidate),
            alpha=self.alpha,
            ci_low=lo,
            ci_high=hi,
            shortfall=short,
        )
        decision = decide_improvement(facts, insufficient=INSUFFICIENT[self.on_insufficient])
        details: dict[str, Any] = {**comp.details, "strategy": strategy, "fitted_on": fitted_on}
        if decision.outcome == "small_sample":
            details["shortfall"] = short
        elif decision.outcome.startswith("interval_"):  # decided on the interval
            metrics.update({"ci_low": comp.ci_low, "ci_high": comp.ci_high})  # type: ignore[dict-item]
            # the finding's interval is that of its statistic, the improvement (metrics keep
            # the interval of the difference, as PerformanceGate's do)
            details.update({"ci_low": lo, "ci_high": hi})
        finding = Finding(
            spec.name,
            decision.status,
            statistic=improvement,
            threshold=need,
            method=comp.method,
            reason=decision.reason,
            message=describe(decision),
            details=details,
        )
        if len(pair.candidate) == 0:
            raise InputError("current has no rows", reason="empty_input")
        return self._verdict(findings=[finding], metrics=metrics, params=params, message=headline([finding]))
