"""Metric values and candidate-vs-baseline comparisons (test dispatch) for the gates."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlgates.gates.performance._data import Pair, Sample
from mlgates.stats.bootstrap import BootstrapResult, count_bootstrap, row_bootstrap
from mlgates.stats.delong import delong_test
from mlgates.stats.mcnemar import mcnemar_counts, mcnemar_test, paired_accuracy_ci
from mlgates.stats.performance import MetricSpec, confusion_metric, confusion_tables, score_metric

__all__ = [
    "Comparison",
    "bootstrap_comparison",
    "compare",
    "mcnemar_comparison",
    "metric_value",
    "weights_note",
]


def _accepts_weights(fn: Callable[..., float]) -> bool:
    try:
        return "sample_weight" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def metric_value(pair: Pair, spec: MetricSpec | None, fn: Callable[..., float] | None, s: Sample) -> float:
    """The metric of one sample, weighted by ``s.w`` when set (a callable only when it takes a
    ``sample_weight`` keyword); NaN when undefined on it, e.g. one class for ROC AUC."""
    if len(s) == 0:
        return math.nan
    if spec is None:
        assert fn is not None
        try:
            if s.w is not None and _accepts_weights(fn):
                return float(fn(s.y, s.pred, sample_weight=s.w))
            return float(fn(s.y, s.pred))
        except (ValueError, ZeroDivisionError):  # undefined on this (sub)sample
            return math.nan
    if spec.confusion:
        return float(
            confusion_metric(confusion_tables(s.y, s.pred, pair.k, s.w), spec.base, spec.average, pair.pos)
        )
    labels = np.arange(max(pair.k, 2)) if spec.kind == "score" else None
    try:
        return score_metric(spec.base, s.y, s.pred, labels=labels, sample_weight=s.w)
    except (ValueError, ZeroDivisionError):
        return math.nan


def weights_note(
    pair: Pair, spec: MetricSpec | None, fn: Callable[..., float] | None, test: str | None
) -> str:
    """How a comparison used ``sample_weight`` (for params and messages); '' without weights."""
    if pair.candidate.w is None:
        return ""
    if spec is None and fn is not None and not _accepts_weights(fn):
        return "ignored: the callable metric takes no sample_weight"
    if test in ("mcnemar", "delong"):
        return f"metric values weighted; the {test} test is unweighted (its interval and p-values count rows)"
    if test == "bootstrap":
        return "metric values weighted; bootstrap resamples rows with their weights"
    return "metric values weighted"


@dataclass(frozen=True)
class Comparison:
    """Candidate vs baseline on one set of rows: values, difference ``candidate - baseline``,
    interval, p-value of "no difference", p-value of "worse by more than the margin" and the
    standard error the power rule uses."""

    candidate: float
    baseline: float
    method: str
    ci_low: float | None = None
    ci_high: float | None = None
    pvalue: float | None = None
    regression_pvalue: float | None = None
    se: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def difference(self) -> float:
        return self.candidate - self.baseline


def _wald_beyond(diff: float, se: float, margin: float, sign: float) -> float:
    from scipy.stats import norm

    shifted = sign * diff + margin
    if not se > 0:
        return 0.0 if shifted < 0 else 1.0
    return float(min(1.0, 2 * norm.cdf(shifted / se)))


def compare(
    pair: Pair,
    spec: MetricSpec | None,
    fn: Callable[..., float] | None,
    *,
    test: str | None,
    margin: float,
    sign: float,
    alpha: float,
    n_resamples: int,
    random_state: int | None,
) -> Comparison:
    """Compare the candidate with the baseline of ``pair`` using ``test``."""
    cand, base = pair.candidate, pair.baseline
    assert base is not None
    if test == "mcnemar":
        b, c = mcnemar_counts(base.pred == base.y, cand.pred == cand.y)
        n = len(cand)
        weighted = cand.w is not None
        return mcnemar_comparison(
            b,
            c,
            n,
            metric_value(pair, spec, fn, cand)
            if weighted
            else (n - int(np.count_nonzero(cand.pred != cand.y))) / n,
            metric_value(pair, spec, fn, base)
            if weighted
            else (n - int(np.count_nonzero(base.pred != base.y))) / n,
            weighted=weighted,
            margin=margin,
            alpha=alpha,
        )
    if test == "delong":
        if pair.paired:
            res_d = delong_test(cand.y, cand.pred, base.pred, alpha=alpha)
        else:
            res_d = delong_test(cand.y, cand.pred, base.pred, baseline_y=base.y, alpha=alpha)
        c_lo, c_hi = res_d.candidate_ci(alpha)
        b_lo, b_hi = res_d.baseline_ci(alpha)
        weighted = cand.w is not None
        return Comparison(
            metric_value(pair, spec, fn, cand) if weighted else res_d.candidate,
            metric_value(pair, spec, fn, base) if weighted else res_d.baseline,
            "delong",
            res_d.ci_low,
            res_d.ci_high,
            res_d.pvalue,
            res_d.pvalue_beyond(margin),
            res_d.se,
            {
                "z": res_d.statistic,
                "covariance": res_d.covariance,
                "candidate_ci": [c_lo, c_hi],
                "baseline_ci": [b_lo, b_hi],
                "n_positive": int(cand.y.sum()),
                "n_negative": int(len(cand) - cand.y.sum()),
                **({"weighted": True} if weighted else {}),
            },
        )
    if test == "bootstrap":
        boot = _bootstrap(pair, spec, fn, n_resamples, random_state)
        engine = "confusion_counts" if _count_engine(pair, spec) else "rows"
        return bootstrap_comparison(boot, alpha, margin, sign, n_resamples, engine, pair.paired)
    return Comparison(metric_value(pair, spec, fn, cand), metric_value(pair, spec, fn, base), "difference")


def mcnemar_comparison(
    b: int,
    c: int,
    n: int,
    candidate: float,
    baseline: float,
    *,
    weighted: bool,
    margin: float,
    alpha: float,
) -> Comparison:
    """McNemar's comparison from the discordant counts ``b`` (baseline-only correct) and ``c``
    (candidate-only correct) of ``n`` paired rows, with the two accuracies as reported."""
    res = mcnemar_test(b, c)
    lo, hi, se = paired_accuracy_ci(b, c, n, alpha=alpha)
    diff = (c - b) / n
    if margin == 0:
        p_reg = res.pvalue if diff < 0 else 1.0
    else:
        p_reg = _wald_beyond((c - b) / (n + 2.0), se, margin, 1.0)
    return Comparison(
        candidate,
        baseline,
        f"mcnemar_{res.method}",
        lo,
        hi,
        res.pvalue,
        p_reg,
        se,
        {
            "b_baseline_only_correct": b,
            "c_candidate_only_correct": c,
            "n": n,
            "mcnemar_statistic": res.statistic,
            "ci_method": "agresti_min",
            **({"weighted": True} if weighted else {}),
        },
    )


def bootstrap_comparison(
    boot: BootstrapResult,
    alpha: float,
    margin: float,
    sign: float,
    n_resamples: int,
    engine: str,
    paired: bool,
) -> Comparison:
    """The comparison a bootstrap distribution of the difference gives."""
    lo, hi = boot.ci(alpha)
    return Comparison(
        boot.candidate,
        boot.baseline,
        "bootstrap",
        lo,
        hi,
        boot.pvalue(),
        boot.pvalue_beyond(margin, sign),
        boot.se,
        {
            "n_resamples": n_resamples,
            "n_valid_resamples": boot.n_valid,
            "ci_method": "percentile",
            "engine": engine,
            "paired": paired,
        },
    )


def _count_engine(pair: Pair, spec: MetricSpec | None) -> bool:
    # resampling confusion counts needs unit weights; weighted rows are resampled as rows
    return spec is not None and spec.confusion and pair.candidate.w is None


def _bootstrap(
    pair: Pair, spec: MetricSpec | None, fn: Callable[..., float] | None, n_resamples: int, seed: int | None
) -> BootstrapResult:
    cand, base = pair.candidate, pair.baseline
    assert base is not None
    if spec is not None and _count_engine(pair, spec):
        return count_bootstrap(
            cand.y,
            cand.pred,
            base.pred,
            k=pair.k,
            base=spec.base,
            average=spec.average,
            pos=pair.pos,
            n_resamples=n_resamples,
            rng=seed,
            baseline_y=None if pair.paired else base.y,
        )
    return row_bootstrap(
        lambda idx: metric_value(pair, spec, fn, cand.take(idx)),
        len(cand),
        baseline_metric=lambda idx: metric_value(pair, spec, fn, base.take(idx)),
        baseline_n=len(base),
        paired=pair.paired,
        n_resamples=n_resamples,
        rng=seed,
    )
