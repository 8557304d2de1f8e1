"""FairnessGate's parameters resolved once: which metric (one of fairlearn's disparity metrics, a
per-group count metric, a regression loss or a callable) with which aggregate, the rules between
parameters that a single constraint cannot say, the default bounds, the direction of a
worsening and the number of bootstrap resamples."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from mlgates.core._suggest import VALUE_ALIASES, closest
from mlgates.core.params import parameter_error
from mlgates.gates.fairness import _components as comps
from mlgates.stats import fairness as fk

__all__ = [
    "NAMED_METRICS",
    "Spec",
    "bounds",
    "higher_is_worse",
    "resample_count",
    "resolve_metric",
    "validate_params",
]

#: fairlearn's disparity metrics: per-group components and their aggregate.
NAMED_METRICS: dict[str, tuple[tuple[str, ...], str]] = {
    "demographic_parity_difference": (("selection_rate",), "difference"),
    "demographic_parity_ratio": (("selection_rate",), "ratio"),
    "equalized_odds_difference": (("true_positive_rate", "false_positive_rate"), "difference"),
    "equalized_odds_ratio": (("true_positive_rate", "false_positive_rate"), "ratio"),
    "equal_opportunity_difference": (("true_positive_rate",), "difference"),
    "equal_opportunity_ratio": (("true_positive_rate",), "ratio"),
}
#: The bounds (max_value, min_value) without any bound given, per aggregate.
DEFAULT_BOUNDS = {"difference": (0.1, None), "ratio": (None, 0.8)}
#: Default bootstrap resamples: multinomial draws of per-group counts are cheap, row bootstraps not.
COUNT_RESAMPLES = 1000
ROW_RESAMPLES = 200


@dataclasses.dataclass(frozen=True)
class Spec:
    """The metric resolved: its name in ``metrics``, its per-group components, the aggregate,
    how it is computed (``"count"``, ``"regression"`` or ``"callable"``) and the callable."""

    name: str
    components: tuple[str, ...]
    aggregate: str
    kind: str  # "count" | "regression" | "callable"
    fn: Callable[..., float] | None = None


def resolve_metric(owner: str, metric: Any, aggregate: str | None) -> Spec:
    """The :class:`Spec` of ``metric`` with ``aggregate`` (None: the metric's own, or
    "difference"); a parameter error for an unknown metric (with the closest name) or an
    aggregate that contradicts a fairlearn metric name.

    >>> resolve_metric("FairnessGate", "tpr", "ratio").name
    'true_positive_rate_ratio'
    >>> resolve_metric("FairnessGate", "equalized_odds_difference", None).components
    ('true_positive_rate', 'false_positive_rate')
    """
    if isinstance(metric, str) and VALUE_ALIASES.get(metric) in NAMED_METRICS:
        metric = VALUE_ALIASES[metric]  # fairlearn's constraint name -> its disparity metric
    if isinstance(metric, str) and metric in NAMED_METRICS:
        parts, agg = NAMED_METRICS[metric]
        if aggregate is not None and aggregate != agg:
            raise parameter_error(
                owner,
                "aggregate",
                f"None or {agg!r} for metric={metric!r}",
                aggregate,
                f"drop aggregate=, or use metric={parts[0]!r} with aggregate={aggregate!r}.",
            )
        return Spec(metric, parts, agg, "count")
    aggregate = aggregate or "difference"
    if isinstance(metric, str):
        canon = fk.canonical_metric(metric)
        if canon in fk.COUNT_METRICS:
            return Spec(f"{canon}_{aggregate}", (canon,), aggregate, "count")
        if canon in fk.REGRESSION_METRICS:
            return Spec(f"{canon}_{aggregate}", (canon,), aggregate, "regression")
    resolved = comps.resolve_callable(metric)
    if resolved is None:
        valid = sorted([*NAMED_METRICS, *fk.COUNT_METRICS, *fk.REGRESSION_METRICS])
        best = closest(metric, valid)
        hint = f"did you mean {best!r}? " if best is not None else ""
        raise parameter_error(
            owner,
            "metric",
            "a fairlearn metric name, a per-group metric name or a callable",
            metric,
            f"{hint}Use one of {valid}, a sklearn.metrics name, or a callable.",
        )
    fn, fn_name = resolved
    return Spec(f"{fn_name}_{aggregate}", (fn_name,), aggregate, "callable", fn)


def validate_params(
    owner: str,
    spec: Spec,
    *,
    combine_rates: str,
    max_value: float | None,
    min_value: float | None,
    max_worsening: float | None,
    decision: str,
    worsening_decision: str,
    n_resamples: int | None,
) -> None:
    """The rules between parameters: ``combine_rates`` only for equalized odds, ``min_value <=
    max_value``, resamples for a decision on intervals, and an explicit bound for
    ``group_min``/``group_max``."""
    if combine_rates != "worst_case" and not spec.name.startswith("equalized_odds"):
        raise parameter_error(
            owner,
            "combine_rates",
            "'worst_case' unless metric is equalized odds",
            combine_rates,
            f"{owner}(combine_rates='worst_case') for metric={spec.name!r}.",
        )
    if max_value is not None and min_value is not None and min_value > max_value:
        raise parameter_error(owner, "min_value", f"<= max_value ({max_value})", min_value)
    if decision == "ci" and n_resamples == 0:
        raise parameter_error(
            owner,
            "n_resamples",
            "> 0 with decision='ci'",
            n_resamples,
            f"{owner}(n_resamples=1000) or decision='point'.",
        )
    if max_worsening is not None and worsening_decision == "ci" and n_resamples == 0:
        raise parameter_error(
            owner,
            "n_resamples",
            "> 0 with max_worsening and worsening_decision='ci'",
            n_resamples,
            f"{owner}(n_resamples=1000) or worsening_decision='point'.",
        )
    if (
        max_value is None
        and min_value is None
        and max_worsening is None
        and spec.aggregate not in DEFAULT_BOUNDS
    ):
        raise parameter_error(
            owner,
            "max_value",
            f"a bound for aggregate={spec.aggregate!r}",
            None,
            f"{owner}(max_value=...) or {owner}(min_value=...).",
        )


def bounds(
    spec: Spec, max_value: float | None, min_value: float | None, max_worsening: float | None
) -> tuple[float | None, float | None]:
    """``(max_value, min_value)``: the defaults of the aggregate when no bound is given."""
    if max_value is None and min_value is None and max_worsening is None:
        return DEFAULT_BOUNDS[spec.aggregate]
    return max_value, min_value


def higher_is_worse(spec: Spec, max_value: float | None, min_value: float | None) -> bool:
    """The direction of a worsening: up with ``max_value`` (or for differences and
    ``group_max``), down with ``min_value`` (or for ratios and ``group_min``)."""
    if max_value is not None:
        return True
    if min_value is not None:
        return False
    return spec.aggregate in ("difference", "group_max")


def resample_count(spec: Spec, n_resamples: int | None) -> int:
    """``n_resamples``, or its default for the kind of metric."""
    default = COUNT_RESAMPLES if spec.kind == "count" else ROW_RESAMPLES
    return default if n_resamples is None else n_resamples
