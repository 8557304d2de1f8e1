"""EstimateCheckGate: back-test label-free estimates once the labels have arrived."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.label_free._decide import fmt

__all__ = ["EstimateCheckGate"]

#: The gates whose verdicts carry label-free estimates.
ESTIMATING_GATES = ("LabelFreePerformanceGate", "LabelFreeRegressionGate")


@dataclass(frozen=True)
class _Estimate:
    metric: str
    value: float
    low: float
    high: float
    confidence: float | None
    name: str


def _as_verdict(item: Any, what: str, i: int) -> Verdict | None:
    """A Verdict from a Verdict, its ``to_dict()`` mapping or its JSON text; None for anything else."""
    if isinstance(item, Verdict):
        return item
    try:
        if isinstance(item, str) and item.lstrip().startswith("{"):
            return Verdict.from_json(item)
        if isinstance(item, Mapping) and "status" in item and "metrics" in item:
            return Verdict.from_dict(item)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{what}[{i}]: not a readable verdict ({exc}).", reason="invalid_input", subject=what
        ) from None
    return None


def _estimate_from(verdict: Verdict, metric: str | None, i: int) -> _Estimate:
    for v in verdict.walk():
        if v.gate not in ESTIMATING_GATES:
            continue
        name = metric or v.params.get("metric")
        if not isinstance(name, str) or name not in v.metrics:
            continue
        low, high = v.metrics.get(f"{name}_ci_low"), v.metrics.get(f"{name}_ci_high")
        if low is None or high is None:
            continue
        conf = v.params.get("confidence")
        return _Estimate(name, float(v.metrics[name]), float(low), float(high), conf, v.name)
    raise InputError(
        f"estimates[{i}] ({verdict.name!r}) holds no label-free estimate"
        + (f" of {metric!r}" if metric else "")
        + f": pass verdicts of {' or '.join(ESTIMATING_GATES)} that made an estimate "
        "(a verdict that stopped at not_calibrated has none).",
        reason="missing_estimate",
        subject="estimates",
    )


def _realized_from(item: Any, metric: str, i: int) -> float:
    verdict = _as_verdict(item, "realized", i)
    if verdict is not None:
        for v in verdict.walk():
            if metric in v.metrics and v.gate not in ESTIMATING_GATES:
                return float(v.metrics[metric])
        raise InputError(
            f"realized[{i}] ({verdict.name!r}) has no measured {metric!r} in its metrics; pass the "
            f"verdict of a gate that measured it on the labelled batch (e.g. PerformanceGate({metric!r})) "
            "or the value itself.",
            reason="missing_estimate",
            subject="realized",
        )
    try:
        value = float(item)
    except (TypeError, ValueError):
        raise InputError(
            f"realized[{i}]: expected a number or a verdict, got {type(item).__name__}.",
            reason="invalid_input",
            subject="realized",
        ) from None
    return value


def _sequence(ctx: CheckContext, name: str) -> list[Any]:
    raw = ctx.require(name)
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, (Sequence, np.ndarray)):
        if hasattr(raw, "to_dict") and hasattr(raw, "columns"):  # a DataFrame: one row per window
            return list(raw.to_dict("records"))
        raise InputError(
            f"{name}: expected a list (one entry per batch), got {type(raw).__name__}.",
            reason="invalid_input",
            subject=name,
        )
    return list(raw)


class EstimateCheckGate(Gate):
    """Back-test label-free estimates against the values realized once labels arrived.

    ``estimates`` are earlier verdicts of :class:`LabelFreePerformanceGate` or
    :class:`LabelFreeRegressionGate` (``Verdict`` objects, their ``to_dict()`` mappings or JSON
    text: e.g. read back from a ledger), or rows with ``estimate``, ``ci_low`` and ``ci_high``;
    ``realized`` the same batches' measured values, in the same order: numbers, or verdicts of a
    gate that measured the metric on the labelled batch (e.g. :class:`PerformanceGate`). The
    gate reports how often the intervals covered the realized value and the estimates' bias,
    so a team knows whether the label-free gate can be trusted on its data.

    Parameters
    ----------
    metric : str, optional
        The metric compared; default the metric of the estimates' gate.
    min_coverage : float or "auto", default "auto"
        Coverage the intervals must reach: FAIL (``estimate_coverage_exceeded``) when the
        observed coverage is significantly below it (one-sided exact binomial test at
        ``alpha``). ``"auto"``: the intervals' own confidence level (0.95 when not recorded).
    max_bias : float, optional
        Largest mean error (estimate - realized) in metric units: FAIL
        (``estimate_bias_exceeded``) when the ``1 - alpha`` t-interval of the mean error lies
        entirely beyond it.
    alpha : float, default 0.05
        Significance level of both tests.
    min_samples : int, default 5
        Fewest batches to judge; fewer give ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    ``metrics``: ``coverage`` (share of realized values inside their interval), ``n``,
    ``covered``, ``nominal_coverage``, ``coverage_pvalue``, ``bias`` (mean estimate - realized),
    ``bias_ci_low``/``bias_ci_high``, ``mean_absolute_error`` of the estimates, ``mean_width``
    of the intervals. The ``coverage`` finding lists every batch in ``details["batches"]``.

    Reason codes: ``estimate_coverage_exceeded``, ``estimate_bias_exceeded``,
    ``insufficient_samples``, ``missing_estimate``, ``length_mismatch``, ``invalid_input``,
    ``missing_input``.

    Examples
    --------
    >>> from mlgates import EstimateCheckGate
    >>> rows = [{"estimate": 0.80, "ci_low": 0.78, "ci_high": 0.82}] * 6
    >>> v = EstimateCheckGate().check(estimates=rows, realized=[0.79, 0.81, 0.80, 0.83, 0.80, 0.79])
    >>> v.status, v.metrics["covered"], v.metrics["n"]
    (<Status.PASS: 'pass'>, 5, 6)
    >>> EstimateCheckGate().check(estimates=rows, realized=[0.70] * 6).reason
    'estimate_coverage_exceeded'
    """

    extra_inputs: ClassVar[tuple[str, ...]] = ("estimates", "realized")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "metric": [str, None],
        "min_coverage": [Interval("real", 0, 1), Options("auto")],
        "max_bias": [Interval("real", 0, None), None],
        "alpha": [Interval("real", 0, 0.5, closed="neither")],
        "min_samples": [Interval("int", 1, None)],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        *,
        metric: str | None = None,
        min_coverage: float | str = "auto",
        max_bias: float | None = None,
        alpha: float = 0.05,
        min_samples: int = 5,
        on_insufficient: str = "warn",
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.metric = metric
        self.min_coverage = min_coverage
        self.max_bias = max_bias
        self.alpha = alpha
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient

    def required_inputs(self) -> tuple[str, ...]:
        return ("estimates", "realized")

    def _read(self, ctx: CheckContext) -> list[tuple[_Estimate, float]]:
        est_items, real_items = _sequence(ctx, "estimates"), _sequence(ctx, "realized")
        if len(est_items) != len(real_items):
            raise InputError(
                f"estimates has {len(est_items)} entries but realized has {len(real_items)}; pass one "
                "realized value per estimate, in the same order.",
                reason="length_mismatch",
                subject="realized",
            )
        pairs = []
        for i, (e, r) in enumerate(zip(est_items, real_items)):
            verdict = _as_verdict(e, "estimates", i)
            if verdict is not None:
                est = _estimate_from(verdict, self.metric, i)
            elif isinstance(e, Mapping) and {"estimate", "ci_low", "ci_high"} <= set(e):
                conf = e.get("confidence")
                est = _Estimate(
                    self.metric or str(e.get("metric", "metric")),
                    float(e["estimate"]),
                    float(e["ci_low"]),
                    float(e["ci_high"]),
                    None if conf is None else float(conf),
                    str(e.get("name", i)),
                )
            else:
                raise InputError(
                    f"estimates[{i}]: expected a verdict or a mapping with estimate, ci_low and ci_high; "
                    f"got {type(e).__name__}.",
                    reason="invalid_input",
                    subject="estimates",
                )
            real = _realized_from(r, est.metric, i)
            values = (est.value, est.low, est.high, real)
            if not all(math.isfinite(v) for v in values):
                raise InputError(
                    f"batch {i}: estimate, interval and realized value must be finite numbers; got {values}.",
                    reason="invalid_input",
                    subject="estimates",
                )
            pairs.append((est, real))
        return pairs

    def _check(self, ctx: CheckContext) -> Verdict:
        from scipy.stats import binom, t

        pairs = self._read(ctx)
        n = len(pairs)
        if n == 0:
            raise InputError("estimates is empty: nothing to back-test", reason="empty_input")
        metric = pairs[0][0].metric
        confs = [e.confidence for e, _ in pairs if e.confidence is not None]
        nominal = (
            float(self.min_coverage)
            if not isinstance(self.min_coverage, str)
            else (min(confs) if confs else 0.95)
        )
        errors = np.array([e.value - r for e, r in pairs])
        inside = np.array([e.low <= r <= e.high for e, r in pairs])
        covered = int(inside.sum())
        coverage = covered / n
        p_cov = float(binom.cdf(covered, n, nominal))
        bias = float(errors.mean())
        if n > 1:
            half = float(t.ppf(1 - self.alpha / 2, n - 1) * errors.std(ddof=1) / math.sqrt(n))
        else:
            half = math.inf
        bias_ci = (bias - half, bias + half)
        batches = [
            {
                "name": e.name,
                "estimate": e.value,
                "ci_low": e.low,
                "ci_high": e.high,
                "realized": r,
                "covered": bool(c),
            }
            for (e, r), c in zip(pairs, inside)
        ]
        metrics = {
            "coverage": coverage,
            "n": n,
            "covered": covered,
            "nominal_coverage": nominal,
            "coverage_pvalue": p_cov,
            "bias": bias,
            "bias_ci_low": bias_ci[0],
            "bias_ci_high": bias_ci[1],
            "mean_absolute_error": float(np.abs(errors).mean()),
            "mean_width": float(np.mean([e.high - e.low for e, _ in pairs])),
        }
        head = (
            f"{metric}: intervals covered {covered} of {n} realized values ({coverage:.0%}) vs "
            f"{nominal:.0%} nominal"
        )
        findings = [self._coverage_finding(head, coverage, nominal, p_cov, n, batches)]
        findings.append(self._bias_finding(metric, bias, bias_ci, n))
        message = "; ".join(f.message for f in findings if f.message)
        return self._verdict(findings=findings, metrics=metrics, message=message, params={"metric": metric})

    def _coverage_finding(
        self, head: str, coverage: float, nominal: float, p: float, n: int, batches: list[dict[str, Any]]
    ) -> Finding:
        common: dict[str, Any] = {
            "statistic": coverage,
            "pvalue": p,
            "threshold": nominal,
            "method": "binomial_coverage",
            "details": {"batches": batches},
        }
        if p < self.alpha:
            return Finding(
                "coverage",
                Status.FAIL,
                reason="estimate_coverage_exceeded",
                message=f"{head}: significantly short (p = {p:.3g}); the label-free estimate cannot be "
                "trusted on this data",
                **common,
            )
        if n < self.min_samples:
            return Finding(
                "coverage",
                insufficient_status(self.on_insufficient),
                reason="insufficient_samples",
                message=f"{head}: {n} batches < min_samples {self.min_samples}: too few to judge",
                **common,
            )
        return Finding("coverage", Status.PASS, message=f"{head} (p = {p:.3g})", **common)

    def _bias_finding(self, metric: str, bias: float, ci: tuple[float, float], n: int) -> Finding:
        shown = f"[{fmt(ci[0])}, {fmt(ci[1])}]" if math.isfinite(ci[0]) else "undefined on one batch"
        head = f"bias: mean estimate - realized {fmt(bias)} ({(1 - self.alpha) * 100:g}% CI {shown})"
        common: dict[str, Any] = {"statistic": bias, "method": "t_interval", "details": {"n": n}}
        if self.max_bias is None:
            return Finding("bias", Status.SKIP, reason="nothing_to_check", message=head, **common)
        common["threshold"] = self.max_bias
        beyond = ci[0] > self.max_bias or ci[1] < -self.max_bias
        if beyond:
            return Finding(
                "bias",
                Status.FAIL,
                reason="estimate_bias_exceeded",
                message=f"{head} lies beyond max_bias {fmt(self.max_bias)}",
                **common,
            )
        if n < self.min_samples:
            return Finding(
                "bias",
                insufficient_status(self.on_insufficient),
                reason="insufficient_samples",
                message=f"{head}: {n} batches < min_samples {self.min_samples}: too few to judge",
                **common,
            )
        return Finding("bias", Status.PASS, message=f"{head}, within max_bias {fmt(self.max_bias)}", **common)
