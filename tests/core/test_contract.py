"""Every built-in gate keeps the contract (mlgates.testing.gate_checks / check_gate).

Each gate exported by mlgates needs an entry in EXAMPLES: a factory returning the gate with
typical parameters and inputs under which it can be judged. A gate without one fails
``test_every_builtin_gate_has_an_example``, so no gate escapes the contract. The contract runs
as one test per gate x named check, so one broken rule hides none of the others.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import pytest

from mlgates import Gate, ParameterError
from mlgates._exports import LAZY_EXPORTS
from mlgates.core.params import Interval
from mlgates.testing import CHECKS, check_gate, example_inputs, gate_checks

Example = Callable[[], tuple[Gate, dict[str, Any] | None]]


def _quality() -> dict[str, Example]:
    import mlgates as m

    def timed() -> dict[str, Any]:
        import pandas as pd

        frame = pd.DataFrame(
            {
                "ts": pd.date_range("2026-01-01", periods=100, freq="h"),
                "code": [f"AB{i:03d}" for i in range(100)],
                "mixed": pd.Series(["a", 1] * 50, dtype=object),
            }
        )
        return {"current": frame, "reference": frame.copy()}

    def skewed() -> dict[str, Any]:
        inputs = example_inputs()
        training = inputs["reference"].assign(id=range(len(inputs["reference"])))
        serving = training.sample(frac=0.9, random_state=0).assign(x=lambda d: d["x"].round(3))
        return {**inputs, "reference": training, "current": serving}

    return {
        "SchemaGate": lambda: (m.SchemaGate(columns={"x": "float", "color": "string"}), None),
        "MissingValuesGate": lambda: (m.MissingValuesGate(max_share=0.1), None),
        "RowCountGate": lambda: (m.RowCountGate(min_rows=10), None),
        "RangeGate": lambda: (m.RangeGate(bounds={"x": {"min": -10.0, "max": 10.0}}), None),
        "CategoryGate": lambda: (m.CategoryGate(max_unknown_share=0.01), None),
        "UniqueGate": lambda: (m.UniqueGate(columns=["x", ["color", "group"]]), None),
        "DuplicateRowsGate": lambda: (m.DuplicateRowsGate(max_share=0.01), None),
        "ConstantColumnGate": lambda: (m.ConstantColumnGate(near_constant_share=0.99), None),
        "MixedTypesGate": lambda: (m.MixedTypesGate(), timed()),
        "InfiniteValuesGate": lambda: (m.InfiniteValuesGate(), None),
        "StringGate": lambda: (m.StringGate(columns="code", pattern=r"[A-Z]{2}\d{3}"), timed()),
        "OutlierGate": lambda: (m.OutlierGate(method="robust_z"), None),
        "FreshnessGate": lambda: (m.FreshnessGate(column="ts", max_age="30 days", now="2026-01-10"), timed()),
        "MonotonicGate": lambda: (m.MonotonicGate(strict=True), timed()),
        "ConflictingLabelsGate": lambda: (m.ConflictingLabelsGate(), None),
        "TrainTestLeakageGate": lambda: (m.TrainTestLeakageGate(), None),
        "FeatureLeakageGate": lambda: (m.FeatureLeakageGate(columns=["x", "z", "color"]), None),
        "RuleGate": lambda: (
            m.RuleGate(["x > -100", "color == 'red' or z >= 0"], where="group == 'a'"),
            None,
        ),
        "StatisticGate": lambda: (m.StatisticGate("mean", columns="x", min_value=-1.0, max_value=1.0), None),
        "ContractRuleGate": lambda: (
            m.ContractRuleGate(
                rule={"metric": "nullValues", "mustBeLessThan": 5, "unit": "percent"}, column="x"
            ),
            None,
        ),
        "SchemaDiffGate": lambda: (m.SchemaDiffGate(on_additive="fail"), None),
        "FeatureSkewGate": lambda: (m.FeatureSkewGate(keys="id", atol=1e-9, max_share=0.01), skewed()),
        "StringVariantsGate": lambda: (m.StringVariantsGate(max_share={"color": 0.01}), None),
        "MissingSpellingsGate": lambda: (m.MissingSpellingsGate(spellings=["n/a", "null"]), None),
        "SpecialCharactersGate": lambda: (m.SpecialCharactersGate(max_share=0.01), None),
        "ClassBalanceGate": lambda: (m.ClassBalanceGate(min_share=0.1, max_ratio=5.0), None),
        "CorrelationChangeGate": lambda: (
            m.CorrelationChangeGate(columns=["x", "z", "color"], n_resamples=50),
            None,
        ),
    }


def _text_example() -> tuple[Gate, dict[str, Any]]:
    from mlgates import TextDriftGate
    from mlgates.datasets import load_kjv_verses

    verses = load_kjv_verses().sample(n=400, random_state=0)
    return TextDriftGate(columns="text", cv=2), {"reference": verses[:200], "current": verses[200:]}


def _drift() -> dict[str, Example]:
    from mlgates import DriftGate, EmbeddingDriftGate, MultivariateDriftGate

    return {
        "DriftGate": lambda: (DriftGate(correction="holm"), None),
        "MultivariateDriftGate": lambda: (MultivariateDriftGate(cv=2), None),
        "TextDriftGate": _text_example,
        "EmbeddingDriftGate": lambda: (EmbeddingDriftGate(columns=["x", "proba"], cv=2), None),
    }


def _performance() -> dict[str, Example]:
    from mlgates import BeatsBaselineGate, CalibrationGate, PerformanceGate

    return {
        "PerformanceGate": lambda: (PerformanceGate("accuracy", test="mcnemar", max_drop=0.01), None),
        "BeatsBaselineGate": lambda: (BeatsBaselineGate(min_improvement=0.1), None),
        "CalibrationGate": lambda: (CalibrationGate(max_ece=0.2), None),
    }


def _fairness() -> dict[str, Example]:
    from mlgates import DisparateImpactGate, FairnessGate, ProxyGate

    return {
        "FairnessGate": lambda: (FairnessGate("equalized_odds_difference", max_value=0.5), None),
        "DisparateImpactGate": lambda: (DisparateImpactGate(min_ratio=0.5), None),
        "ProxyGate": lambda: (ProxyGate(columns=["x", "z", "color"]), None),
    }


def _reproducibility() -> dict[str, Example]:
    import tempfile
    from pathlib import Path

    from mlgates import DeterminismGate, Manifest, ReproducibilityGate

    def repro():
        inputs = example_inputs()
        lock = Path(tempfile.mkdtemp()) / "mlgates.lock.json"
        Manifest.capture(artifacts={"reference": inputs["reference"]}).save(lock)
        return ReproducibilityGate(lockfile=str(lock)), inputs

    def determinism():
        from sklearn.linear_model import LogisticRegression

        inputs = example_inputs()
        ref = inputs["reference"]

        def train(seed):
            return LogisticRegression(random_state=seed).fit(ref[["x", "z"]], ref["y"])

        current = inputs["current"][["x", "z", "y"]]
        return DeterminismGate(train_fn=train), {"current": current, "target": "y"}

    return {"ReproducibilityGate": repro, "DeterminismGate": determinism}


def _record() -> dict[str, Example]:
    import tempfile

    from mlgates import Ledger, PromotionGate, RowCountGate, UnmanagedModelsGate

    fp = "mlg1-xxh3_128:" + "5" * 32

    def ledger() -> str:
        path = tempfile.mkdtemp()
        verdict = RowCountGate(min_rows=1, name="release").check(current=example_inputs()["current"])
        Ledger(path, fsync=False).record(verdict, model=fp, model_name="churn", git={"commit": "c"})
        return path

    return {
        "PromotionGate": lambda: (
            PromotionGate(require=["release"], ledger=ledger(), allow_dirty=True),
            {"model": fp, "model_name": "churn"},
        ),
        "UnmanagedModelsGate": lambda: (UnmanagedModelsGate(ledger=ledger()), {"deployed": {"churn": fp}}),
    }


def _suite() -> dict[str, Example]:
    from mlgates import MissingValuesGate, RowCountGate, Suite

    inner = Suite([MissingValuesGate(max_share=0.1)], name="inner", require="any")
    return {"Suite": lambda: (Suite([RowCountGate(min_rows=10), inner], name="outer"), None)}


def _security() -> dict[str, Example]:
    import pickle
    import tempfile
    from pathlib import Path

    from mlgates import ArtifactSafetyGate, SecretsGate, SensitiveDataGate

    def artifact():
        folder = Path(tempfile.mkdtemp())
        (folder / "model.pkl").write_bytes(pickle.dumps({"weights": [0.5, 1.5]}))
        return ArtifactSafetyGate(allow="python"), {"artifacts": [str(folder / "model.pkl")]}

    return {
        "ArtifactSafetyGate": artifact,
        "SensitiveDataGate": lambda: (SensitiveDataGate(max_share=0.01), None),
        "SecretsGate": lambda: (SecretsGate(), None),
    }


def _label_free() -> dict[str, Example]:
    from mlgates import (
        ConceptDriftGate,
        DriftImpactGate,
        EstimateCheckGate,
        FeatureRelevanceGate,
        LabelFreePerformanceGate,
        LabelFreeRegressionGate,
    )

    def regression():
        inputs = example_inputs()
        return LabelFreeRegressionGate(max_value=2.0, min_samples=100, cv=3), {
            "reference": inputs["reference"],
            "current": inputs["current"].drop(columns="x"),
            "target": "x",
            "prediction": "proba",
        }

    def backtest():
        rows = [{"estimate": 0.8, "ci_low": 0.75, "ci_high": 0.85}] * 5
        return EstimateCheckGate(max_bias=0.05), {"estimates": rows, "realized": [0.8, 0.78, 0.82, 0.8, 0.9]}

    def with_model() -> dict[str, Any]:
        from sklearn.linear_model import LogisticRegression

        inputs = example_inputs()
        ref = inputs["reference"]
        model = LogisticRegression().fit(ref[["x", "z"]], ref["y"])
        return {"reference": ref, "current": inputs["current"], "target": "y", "model": model}

    return {
        "LabelFreePerformanceGate": lambda: (
            LabelFreePerformanceGate("f1", min_value=0.5, min_samples=100, n_resamples=200),
            None,
        ),
        "LabelFreeRegressionGate": regression,
        "EstimateCheckGate": backtest,
        "DriftImpactGate": lambda: (DriftImpactGate(n_resamples=3), with_model()),
        "FeatureRelevanceGate": lambda: (FeatureRelevanceGate(n_resamples=3), with_model()),
        "ConceptDriftGate": lambda: (ConceptDriftGate(min_samples=50), None),
    }


def _monitoring() -> dict[str, Example]:
    import numpy as np
    import pandas as pd

    from mlgates import AnytimeDriftGate, DriftGate, MissingValuesGate, SequentialGate, Windowed
    from mlgates.gates.monitoring import k_of_n

    def timed() -> dict[str, Any]:
        inputs = example_inputs()
        current = inputs["current"].copy()
        current["t"] = pd.date_range("2026-03-01", periods=len(current), freq="37min")
        return {**inputs, "current": current}

    def stream() -> dict[str, Any]:
        rng = np.random.default_rng(0)
        return {
            "reference": pd.DataFrame({"x": rng.normal(size=500)}),
            "current": pd.DataFrame({"x": rng.normal(size=300)}),
        }

    return {
        "Windowed": lambda: (
            Windowed(
                DriftGate(columns=["x", "z"], n_jobs=1) & MissingValuesGate(max_share=0.2),
                on="t",
                window="1D",
                policy=k_of_n(2, 3),
                min_samples=20,
            ),
            timed(),
        ),
        "SequentialGate": lambda: (SequentialGate(column="x", arl0=200, n_resamples=200), stream()),
        "AnytimeDriftGate": lambda: (AnytimeDriftGate(column="x", max_change=0.05), stream()),
    }


EXAMPLES: dict[str, Example] = {
    **_monitoring(),
    **_record(),
    **_suite(),
    **_quality(),
    **_drift(),
    **_fairness(),
    **_performance(),
    **_reproducibility(),
    **_security(),
    **_label_free(),
}


def _builtin_gates() -> list[str]:
    out = []
    for name, module in LAZY_EXPORTS.items():
        if module.startswith("mlgates.integrations"):
            continue
        obj = getattr(importlib.import_module(module), name)
        if isinstance(obj, type) and issubclass(obj, Gate):
            out.append(name)
    return sorted(out)


def test_every_builtin_gate_has_an_example():
    missing = sorted(set(_builtin_gates()) - set(EXAMPLES))
    assert not missing, f"add check_gate examples for: {missing}"


@functools.cache
def _checks(name: str) -> dict[str, Callable[[], None]]:
    """The named checks of one example gate; they share one run of its check()."""
    gate, inputs = EXAMPLES[name]()
    assert type(gate).__name__ == name
    return dict(gate_checks(gate, inputs=inputs if inputs is not None else example_inputs()))


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_contract(name, check):
    _checks(name)[check]()


def test_check_gate_runs_every_check():
    gate, _ = EXAMPLES["RowCountGate"]()
    names = [n for n, _ in gate_checks(gate)]
    assert names == list(CHECKS) and len(set(names)) == len(names) >= 16
    assert check_gate(gate).gate == "RowCountGate"


def test_check_gate_catches_a_broken_gate():
    from mlgates import Status

    class PassesOnEmpty(Gate):
        def required_inputs(self):
            return ("current",)

        def _check(self, ctx):
            return self._verdict(Status.PASS)

    with pytest.raises(AssertionError, match="fail closed"):
        check_gate(PassesOnEmpty(), registry={"PassesOnEmpty": PassesOnEmpty})

    class Mutates(Gate):
        def required_inputs(self):
            return ("current",)

        def _check(self, ctx):
            ctx.get("current")["x"] = 0.0
            return self._verdict(Status.FAIL, reason="always")

    with pytest.raises(AssertionError, match="mutated"):
        check_gate(Mutates(), registry={"Mutates": Mutates})


def test_check_gate_accepts_models_as_inputs():
    from mlgates import Status

    class Model:
        def predict(self, x):
            return [0] * len(x)

    class UsesModel(Gate):
        def required_inputs(self):
            return ("current", "model")

        def _check(self, ctx):
            if len(ctx.frame()) == 0:
                return self._verdict(Status.ERROR, reason="empty_input")
            ctx.prediction()
            return self._verdict(Status.PASS)

    inputs = {**example_inputs(), "model": Model()}
    inputs.pop("prediction")
    check_gate(UsesModel(), inputs=inputs, registry={"UsesModel": UsesModel})


# -- every named check can fail ----------------------------------------------------------------
def _failures(gate, **kwargs) -> dict[str, str]:
    """The checks of ``gate`` that fail, with their messages."""
    out = {}
    for name, check in gate_checks(gate, **kwargs):
        try:
            check()
        except Exception as exc:
            out[name] = str(exc)
    return out


class _Base(Gate):
    """A correct little gate the broken ones below start from."""

    _parameter_constraints = {"max_share": [Interval("real", 0, 1)]}

    def __init__(self, *, max_share=0.1, name=None, blocking=True):
        super().__init__(name=name, blocking=blocking)
        self.max_share = max_share

    def required_inputs(self):
        return ("current",)

    def _check(self, ctx):
        from mlgates import Status

        frame = ctx.frame()
        if len(frame) == 0:
            return self._verdict(Status.ERROR, reason="empty_input")
        return self._verdict(Status.PASS)


def test_a_correct_gate_passes_every_check():
    assert _failures(_Base(max_share=0.2), registry={"_Base": _Base}) == {}


def test_init_that_converts_its_parameters_is_caught():
    class Converts(_Base):
        def __init__(self, *, columns=None, max_share=0.1, name=None, blocking=True):
            super().__init__(max_share=max_share, name=name, blocking=blocking)
            self.columns = list(columns) if columns is not None else None

    Converts._parameter_constraints = {"columns": ["columns", None]}
    failed = _failures(Converts(columns=["x"]), registry={"Converts": Converts})
    assert set(failed) == {"init_stores_params"}
    assert "columns: passed list ['x'], stored an equal copy" in failed["init_stores_params"]


def test_constraints_that_miss_or_invent_parameters_are_caught():
    class Uncovered(Gate):
        _parameter_constraints = {"max_shar": ["boolean"]}  # a typo: max_share is unconstrained

        def __init__(self, *, max_share=0.1, name=None, blocking=True):
            super().__init__(name=name, blocking=blocking)
            self.max_share = max_share

    failed = _failures(Uncovered(), registry={"Uncovered": Uncovered})
    assert "parameter_constraints" in failed
    assert "no constraint for ['max_share']" in failed["parameter_constraints"]
    assert "constraints for unknown parameters ['max_shar']" in failed["parameter_constraints"]


def test_invalid_values_without_the_documented_message_are_caught():
    class Lenient(_Base):
        _parameter_constraints = {"max_share": [Interval("real", 0, None)]}

        def validate(self):
            if not isinstance(self.max_share, float):
                raise ValueError("bad")
            return self

    failed = _failures(Lenient(max_share=0.2), registry={"Lenient": Lenient})
    assert "invalid_parameters" in failed
    assert "max_share=<not a valid value>: raised ValueError: bad" in failed["invalid_parameters"]
    assert "max_share=-0.5: accepted by validate()" in failed["invalid_parameters"]


def test_a_rename_without_a_working_shim_is_caught():
    class Half(_Base):
        _renamed_parameters = {"max_pct": "max_share", "old": "gone"}

    failed = _failures(Half(), registry={"Half": Half})
    assert "'old' is renamed to 'gone', which is not a parameter" in failed["deprecated_names"]


def test_a_repr_that_does_not_read_back_is_caught():
    class Lies(_Base):
        def __repr__(self):
            return f"Lies(max_share={self.max_share + 1})"

    failed = _failures(Lies(max_share=0.2), registry={"Lies": Lies})
    assert "repr" in failed and "repr round trip changed" in failed["repr"]


def test_suite_deep_params_are_checked():
    from mlgates import MissingValuesGate, RowCountGate, Suite

    suite = Suite([RowCountGate(min_rows=10), Suite([MissingValuesGate(max_share=0.1)])])
    deep = suite.get_params(deep=True)
    assert deep["gates__0__min_rows"] == 10
    assert deep["gates__1__gates__0__max_share"] == 0.1
    assert deep["gates__1"] is suite.gates[1]
    suite.set_params(gates__1__gates__0__max_share=0.3, gates__0=RowCountGate(min_rows=5), name="s")
    assert suite.gates[1].gates[0].max_share == 0.3 and suite.gates[0].min_rows == 5
    assert suite.name == "s"
    with pytest.raises(ParameterError, match=r"gates__<i>__<parameter> with i in gates__0 \.\. gates__1"):
        suite.set_params(gates__7__min_rows=1)
    with pytest.raises(ParameterError, match="Did you mean 'min_rows'"):
        suite.set_params(gates__0__min_row=1)


def test_check_gate_reports_every_broken_rule_at_once():
    from mlgates import Status

    class TwiceBroken(Gate):
        def __init__(self, *, max_share=0.1, name=None, blocking=True):
            super().__init__(name=name, blocking=blocking)
            self.max_share = max_share  # no constraint

        def required_inputs(self):
            return ("current",)

        def _check(self, ctx):
            ctx.get("current")["x"] = 0.0  # mutates, and passes on empty tables
            return self._verdict(Status.PASS)

    with pytest.raises(AssertionError) as info:
        check_gate(TwiceBroken(), registry={"TwiceBroken": TwiceBroken})
    text = str(info.value)
    assert "TwiceBroken broke 3 of 16 contract checks" in text
    for name in ("parameter_constraints", "no_input_mutation", "fail_closed_empty_input"):
        assert f"- {name}:" in text
