"""check_gate over every gate of the data-quality family, with inputs it can judge."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import mlgates
from mlgates.testing import CHECKS, check_gate, example_inputs, gate_checks


def _timed_inputs() -> dict:
    rng = np.random.default_rng(1)
    n = 200
    frame = pd.DataFrame(
        {
            "ts": pd.date_range("2026-01-01", periods=n, freq="h"),
            "code": [f"AB{i:03d}" for i in range(n)],
            "mixed": pd.Series(["a", "b"] * (n // 2), dtype=object),
            "x": rng.normal(size=n),
        }
    )
    return {"current": frame, "reference": frame.copy()}


BASE = example_inputs()
TIMED = _timed_inputs()
ENVIRONMENTS = {"training": {}, "serving": {"exclude": ["y"], "allow_extra": False}}
OLD = {"type": "SchemaGate", "columns": {"x": "float", "z": "integer"}}
NEW = {
    "type": "Suite",
    "gates": [
        {"type": "SchemaGate", "columns": {"x": "numeric", "w": "string"}},
        {"type": "MissingValuesGate", "columns": ["x"]},
    ],
}
_TRAIN = BASE["reference"].assign(id=range(len(BASE["reference"])))
SKEWED = {**BASE, "reference": _TRAIN, "current": _TRAIN.sample(frac=0.9, random_state=1)}

CASES = [
    (mlgates.SchemaGate(), BASE),
    (mlgates.SchemaGate(columns={"x": "float", "color": "string"}), BASE),
    (mlgates.MissingValuesGate(max_share={"x": 0.1}), BASE),
    (mlgates.RowCountGate(min_rows=10), BASE),
    (mlgates.RangeGate(bounds={"x": {"min": -10.0, "max": 10.0}, "z": {"min": 0}}), BASE),
    (mlgates.RangeGate(min_value=-5.0, max_value=5.0, max_share_outside=0.01), BASE),
    (mlgates.CategoryGate(), BASE),
    (mlgates.CategoryGate(allowed={"color": ["red", "green", "blue"]}, on_new="fail"), BASE),
    (mlgates.UniqueGate(columns=["x", ["color", "group"]]), BASE),
    (mlgates.DuplicateRowsGate(max_share=0.01), BASE),
    (mlgates.ConstantColumnGate(near_constant_share=0.99), BASE),
    (mlgates.MixedTypesGate(), TIMED),
    (mlgates.InfiniteValuesGate(), BASE),
    (mlgates.StringGate(columns="code", pattern=r"[A-Z]{2}\d{3}", max_length=5), TIMED),
    (mlgates.OutlierGate(), BASE),
    (mlgates.OutlierGate(method="robust_z", fences_from="reference", max_share={"x": 0.05}), BASE),
    (mlgates.FreshnessGate(column="ts", max_age="30 days", now="2026-01-10"), TIMED),
    (mlgates.MonotonicGate(strict=True), TIMED),
    (mlgates.ConflictingLabelsGate(), BASE),
    (mlgates.TrainTestLeakageGate(), BASE),
    (mlgates.FeatureLeakageGate(columns=["x", "z", "color"]), BASE),
    (
        mlgates.RuleGate(["x > -100", {"rule": "color in ['red', 'green', 'blue'] or z > 50", "name": "c"}]),
        BASE,
    ),
    (mlgates.RuleGate("pred == y or proba between 0.3 and 0.7", max_share=0.5, on_missing="skip"), BASE),
    (mlgates.StatisticGate("mean", columns="x", min_value=-1.0, max_value=1.0), BASE),
    (mlgates.StatisticGate("std", compare_to="reference", max_relative_change=0.5), BASE),
    (mlgates.StatisticGate("quantile", quantile=0.9, bounds={"x": {"max": 5.0}}, decision="point"), BASE),
    (mlgates.StatisticGate("share", value="red", columns="color", max_value=0.6), BASE),
    (mlgates.RowCountGate(compare_to="reference", min_ratio=0.5, max_ratio=2.0), BASE),
    # where= on gates of every shape (one table, two tables, target)
    (mlgates.MissingValuesGate(max_share=0.1, where="group == 'a'"), BASE),
    (mlgates.CategoryGate(where="x > 0"), BASE),
    (mlgates.ConflictingLabelsGate(where="color != 'red'"), BASE),
    (mlgates.RowCountGate(compare_to="reference", min_ratio=0.5, where="group == 'b'"), BASE),
    (mlgates.StatisticGate("mean", columns="x", max_value=2.0, where="z >= 10"), BASE),
    (mlgates.SchemaGate(columns={"x": "float", "y": "integer"}, environments=ENVIRONMENTS), BASE),
    (mlgates.SchemaDiffGate(), BASE),
    (mlgates.SchemaDiffGate(old_schema=OLD, new_schema=NEW, on_breaking="warn"), BASE),
    (
        mlgates.ContractRuleGate(
            rule={
                "metric": "invalidValues",
                "arguments": {"validValues": ["red", "green"]},
                "mustBeLessThan": 50,
                "unit": "percent",
            },
            column="color",
        ),
        BASE,
    ),
    (mlgates.ContractRuleGate(rule={"metric": "rowCount", "mustBeBetween": [10, 1000]}), BASE),
    (mlgates.FeatureSkewGate(keys=["id"], columns=["x", "color"], max_unmatched_share=0.2), SKEWED),
    (mlgates.StringVariantsGate(), BASE),
    (mlgates.MissingSpellingsGate(), BASE),
    (mlgates.SpecialCharactersGate(), BASE),
    (mlgates.ClassBalanceGate(min_share=0.1, max_ratio=5.0), BASE),
    (mlgates.CorrelationChangeGate(columns=["x", "z", "color"], n_resamples=50), BASE),
]


IDS = [f"{type(g).__name__}-{i}" for i, (g, _) in enumerate(CASES)]


@functools.cache
def _checks(case: int) -> dict:
    gate, inputs = CASES[case]
    return dict(gate_checks(gate, inputs=inputs))


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("case", range(len(CASES)), ids=IDS)
def test_contract(case, check):
    _checks(case)[check]()


@pytest.mark.parametrize("gate, inputs", CASES, ids=IDS)
def test_judged(gate, inputs):
    verdict = gate.check(**inputs)
    assert verdict.status is not mlgates.Status.ERROR, verdict.to_text()


def test_every_quality_gate_is_covered():
    from mlgates._exports import LAZY_EXPORTS

    family = {n for n, m in LAZY_EXPORTS.items() if m == "mlgates.gates.quality" and n.endswith("Gate")}
    assert family == {type(g).__name__ for g, _ in CASES}


def test_inferred_suite_passes_check_gate():
    suite = mlgates.quality_suite_from_reference(BASE["reference"], target="y", leakage=True)
    check_gate(suite, inputs=BASE)
