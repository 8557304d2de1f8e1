"""FairnessGate's parameters resolved (mlgates.gates.fairness._metric): which metric with which
aggregate, the rules between parameters, the default bounds and resamples, without any data."""

from __future__ import annotations

import pytest

from mlgates.gates.fairness._metric import (
    COUNT_RESAMPLES,
    ROW_RESAMPLES,
    bounds,
    higher_is_worse,
    resample_count,
    resolve_metric,
    validate_params,
)


def _ok(y_true, y_pred):  # a user's callable metric
    return 0.0


@pytest.mark.parametrize(
    ("metric", "aggregate", "name", "components", "agg", "kind"),
    [
        (
            "demographic_parity_difference",
            None,
            "demographic_parity_difference",
            ("selection_rate",),
            "difference",
            "count",
        ),
        (
            "equalized_odds_ratio",
            "ratio",
            "equalized_odds_ratio",
            ("true_positive_rate", "false_positive_rate"),
            "ratio",
            "count",
        ),
        (
            "demographic_parity",
            None,
            "demographic_parity_difference",
            ("selection_rate",),
            "difference",
            "count",
        ),
        ("tpr", None, "true_positive_rate_difference", ("true_positive_rate",), "difference", "count"),
        (
            "selection_rate",
            "group_min",
            "selection_rate_group_min",
            ("selection_rate",),
            "group_min",
            "count",
        ),
        (
            "mean_absolute_error",
            "group_max",
            "mean_absolute_error_group_max",
            ("mean_absolute_error",),
            "group_max",
            "regression",
        ),
        (
            "balanced_accuracy_score",
            "ratio",
            "balanced_accuracy_score_ratio",
            ("balanced_accuracy_score",),
            "ratio",
            "callable",
        ),
        (_ok, None, "_ok_difference", ("_ok",), "difference", "callable"),
    ],
)
def test_metrics_resolve_to_their_components_and_aggregate(metric, aggregate, name, components, agg, kind):
    spec = resolve_metric("FairnessGate", metric, aggregate)
    assert (spec.name, spec.components, spec.aggregate, spec.kind) == (name, components, agg, kind)
    assert (spec.fn is not None) == (kind == "callable")


def test_an_unknown_metric_names_the_closest_one():
    with pytest.raises(ValueError, match=r"'metric'.*did you mean 'selection_rate'\?"):
        resolve_metric("FairnessGate", "selection_rat", None)


def test_an_aggregate_that_contradicts_a_fairlearn_metric_is_refused():
    with pytest.raises(ValueError, match=r"'aggregate'.*None or 'difference'.*metric='selection_rate'"):
        resolve_metric("FairnessGate", "demographic_parity_difference", "ratio")


_DEFAULTS = {
    "combine_rates": "worst_case",
    "max_value": None,
    "min_value": None,
    "max_worsening": None,
    "decision": "point",
    "worsening_decision": "ci",
    "n_resamples": None,
}


@pytest.mark.parametrize(
    ("metric", "aggregate", "changes", "parameter"),
    [
        ("demographic_parity_difference", None, {"combine_rates": "mean"}, "combine_rates"),
        ("demographic_parity_difference", None, {"max_value": 0.1, "min_value": 0.2}, "min_value"),
        ("demographic_parity_difference", None, {"decision": "ci", "n_resamples": 0}, "n_resamples"),
        ("demographic_parity_difference", None, {"max_worsening": 0.0, "n_resamples": 0}, "n_resamples"),
        ("selection_rate", "group_min", {}, "max_value"),
    ],
)
def test_rules_between_parameters_name_the_parameter(metric, aggregate, changes, parameter):
    spec = resolve_metric("FairnessGate", metric, aggregate)
    with pytest.raises(ValueError, match=f"'{parameter}' parameter of FairnessGate"):
        validate_params("FairnessGate", spec, **{**_DEFAULTS, **changes})


@pytest.mark.parametrize(
    ("metric", "aggregate", "changes"),
    [
        ("equalized_odds_difference", None, {"combine_rates": "mean"}),
        (
            "demographic_parity_difference",
            None,
            {"max_worsening": 0.0, "worsening_decision": "point", "n_resamples": 0},
        ),
        ("selection_rate", "group_min", {"min_value": 0.2}),
        ("selection_rate", "group_max", {"max_worsening": 0.05}),
    ],
)
def test_valid_combinations_pass(metric, aggregate, changes):
    spec = resolve_metric("FairnessGate", metric, aggregate)
    validate_params("FairnessGate", spec, **{**_DEFAULTS, **changes})


def test_bounds_direction_and_resamples():
    diff = resolve_metric("FairnessGate", "demographic_parity_difference", None)
    ratio = resolve_metric("FairnessGate", "demographic_parity_ratio", None)
    loss = resolve_metric("FairnessGate", "mean_absolute_error", "group_max")
    assert bounds(diff, None, None, None) == (0.1, None)
    assert bounds(ratio, None, None, None) == (None, 0.8)
    assert bounds(ratio, None, None, 0.05) == (None, None)  # a worsening bound alone: no default
    assert bounds(diff, 0.2, None, None) == (0.2, None)
    assert higher_is_worse(diff, None, None) and not higher_is_worse(ratio, None, None)
    assert not higher_is_worse(diff, None, 0.1) and higher_is_worse(ratio, 0.9, None)
    assert higher_is_worse(loss, None, None)
    assert resample_count(diff, None) == COUNT_RESAMPLES and resample_count(loss, None) == ROW_RESAMPLES
    assert resample_count(loss, 0) == 0
