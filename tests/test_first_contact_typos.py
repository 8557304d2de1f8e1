"""A new user's typos name the fix: mapping keys, constructor keywords, metric and option names,
column names (issue 12, "errors that name the fix")."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

import mlgates
from mlgates import (
    BeatsBaselineGate,
    CategoryGate,
    DriftGate,
    FairnessGate,
    Gate,
    MissingValuesGate,
    OutlierGate,
    ParameterError,
    PerformanceGate,
    RangeGate,
    RowCountGate,
    SchemaGate,
    Status,
    gate_from_config,
)
from mlgates._exports import LAZY_EXPORTS
from mlgates.core.errors import ConfigError, UnknownParameterError


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.normal(40, 10, 300).round(),
            "income": rng.normal(50_000, 9_000, 300),
            "city": rng.choice(["Oslo", "Rome", "Lima"], 300),
        }
    )


def _builtin_gates() -> list[type[Gate]]:
    out = []
    for name, module in sorted(LAZY_EXPORTS.items()):
        if name.endswith("Gate") and not module.startswith("mlgates.integrations"):
            out.append(getattr(mlgates, name))
    return out


# -- 1. mapping keys that name no column -----------------------------------------------------
#: Every per-column mapping parameter of a built-in gate, with a gate whose mapping has a typo.
MAPPING_CASES = {
    ("MissingValuesGate", "max_share"): lambda: MissingValuesGate(max_share={"agee": 0.1}),
    ("OutlierGate", "max_share"): lambda: OutlierGate(columns=["age"], max_share={"agee": 0.1}),
    ("OutlierGate", "fences"): lambda: OutlierGate(columns=["age"], fences={"agee": {"low": 0, "high": 1}}),
    ("CategoryGate", "allowed"): lambda: CategoryGate(columns=["city"], allowed={"cty": ["Oslo"]}),
    ("RangeGate", "bounds"): lambda: RangeGate(bounds={"agee": {"min": 0}}),
    ("DriftGate", "method"): lambda: DriftGate(method={"agee": "ks"}),
    ("DriftGate", "threshold"): lambda: DriftGate(threshold={"agee": 0.01}),
    ("DriftGate", "warn_threshold"): lambda: DriftGate(warn_threshold={"agee": 0.1}),
    ("DriftGate", "kinds"): lambda: DriftGate(kinds={"agee": "numeric"}),
    ("DriftGate", "bins"): lambda: DriftGate(bins={"agee": "uniform"}),
    ("SchemaGate", "columns"): lambda: SchemaGate(columns={"agee": "numeric", "city": "string"}),
    ("SensitiveDataGate", "allow"): lambda: mlgates.SensitiveDataGate(allow={"agee": ["email"]}),
    ("StringVariantsGate", "max_share"): lambda: mlgates.StringVariantsGate(max_share={"cty": 0.1}),
    ("MissingSpellingsGate", "max_share"): lambda: mlgates.MissingSpellingsGate(max_share={"cty": 0.1}),
    ("SpecialCharactersGate", "max_share"): lambda: mlgates.SpecialCharactersGate(max_share={"cty": 0.1}),
}


def test_every_mapping_parameter_is_covered():
    """A gate that gains a per-column mapping parameter must get a typo case here."""
    found = set()
    for cls in _builtin_gates():
        constraints: dict = {}
        for klass in reversed(cls.__mro__):
            constraints.update(getattr(klass, "_parameter_constraints", {}) or {})
        for param, allowed in constraints.items():
            if any(c == "mapping" or c is dict for c in allowed):
                found.add((cls.__name__, param))
    # ``calibration`` is written by quality_suite_from_reference, not typed: a key that names no
    # column only takes sampling slack away from nothing (the column is judged by its share bound)
    found = {case for case in found if case[1] != "calibration"}
    assert found == set(MAPPING_CASES)


@pytest.mark.parametrize("case", sorted(MAPPING_CASES), ids=lambda c: f"{c[0]}.{c[1]}")
def test_unknown_mapping_key_is_an_error_finding_with_did_you_mean(frame, case):
    gate = MAPPING_CASES[case]()
    verdict = gate.check(reference=frame, current=frame)
    typo = [f for f in verdict.findings if f.reason == "missing_column"]
    assert len(typo) == 1, verdict.findings
    expected = Status.FAIL if case[0] == "SchemaGate" else Status.ERROR  # schema: a missing column fails
    assert typo[0].status is expected
    assert verdict.status in (Status.ERROR, Status.FAIL)
    assert "Did you mean 'age'?" in typo[0].message or "Did you mean 'city'?" in typo[0].message


def test_mapping_typo_names_the_parameter_and_the_others_are_still_judged(frame):
    verdict = MissingValuesGate(max_share={"agee": 0.1}).check(current=frame)
    assert verdict.status is Status.ERROR
    typo = verdict.findings[-1]
    assert typo.subject == "agee"
    assert typo.message.startswith("max_share['agee']: no column 'agee' in current")
    assert typo.details["did_you_mean"] == "age"
    assert [f.subject for f in verdict.findings[:-1]] == ["age", "income", "city"]


def test_drift_mapping_keys_may_name_methods_and_kinds(frame):
    gate = DriftGate(
        threshold={"ks": 0.01, "numeric": 0.02, "age": 0.03}, method={"categorical": "chisquare"}
    )
    verdict = gate.check(reference=frame, current=frame)
    assert not [f for f in verdict.findings if f.reason == "missing_column"]
    assert verdict.status is Status.PASS


def test_column_missing_in_the_python_api_suggests_the_column(frame):
    data = frame.assign(income=(frame["income"] > 50_000).astype(int))
    verdict = PerformanceGate("accuracy", min_value=0.5).check(
        current=data, target="incme", prediction=np.ones(len(data), dtype=int)
    )
    assert verdict.reason == "missing_column"
    assert "Did you mean 'income'?" in verdict.message
    listed = RowCountGate() & MissingValuesGate(columns=["agee"])
    assert "Did you mean 'age'?" in listed.check(current=frame).children[1].findings[0].message


# -- 2. constructor keywords ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "suggested", "note"),
    [
        (lambda: PerformanceGate(threshold=0.8), "min_value", "a metric floor is min_value"),
        (lambda: DriftGate(stattest="psi"), "method", "Evidently"),
        (lambda: DriftGate(stattest_threshold=0.1), "threshold", "Evidently"),
        (lambda: RowCountGate(min=10), "min_rows", ""),
        (lambda: FairnessGate(sensitive_feature="sex"), "sensitive_features", "fairlearn"),
        (lambda: MissingValuesGate(max_shar=0.1), "max_share", ""),
    ],
)
def test_constructor_typo_gets_did_you_mean(make, suggested, note):
    with pytest.raises(TypeError) as info:
        make()
    assert isinstance(info.value, ParameterError)  # one line in the CLI, a TypeError for Python
    message = str(info.value)
    assert f"Did you mean {suggested!r}?" in message
    assert note in message
    assert "Valid parameters:" in message


@pytest.mark.parametrize("cls", _builtin_gates(), ids=lambda c: c.__name__)
def test_every_gate_constructor_names_its_parameters(cls):
    required = {
        name: (lambda seed: None)
        for name, p in inspect.signature(cls).parameters.items()
        if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
    }
    with pytest.raises(UnknownParameterError) as info:
        cls(**required, not_a_parameter=1)
    message = str(info.value)
    assert message.startswith(f"{cls.__name__}() got an unexpected keyword argument 'not_a_parameter'.")
    for name in cls._param_names():
        assert name in message
    # the wrapper keeps the signature, so get_params/clone/inspect see the real parameters
    assert list(inspect.signature(cls).parameters) == cls._param_names()
    gate = cls(**required)
    assert gate.clone().get_params().keys() == gate.get_params().keys()


def test_config_loader_and_constructor_give_the_same_help():
    with pytest.raises(ConfigError) as from_config:
        gate_from_config({"type": "DriftGate", "stattest": "psi"})
    with pytest.raises(TypeError) as from_python:
        DriftGate(stattest="psi")
    hint = str(from_python.value).split("'stattest'.", 1)[1]
    assert hint in str(from_config.value)


def test_positional_parameters_are_refused_with_the_keyword_form():
    with pytest.raises(TypeError, match=r"DriftGate\(\) takes no positional values.*by keyword"):
        DriftGate("age")
    with pytest.raises(TypeError, match=r"takes only 'metric' by position"):
        PerformanceGate("accuracy", 0.8)
    with pytest.raises(TypeError, match=r"Suite\(\) takes its gates as one list"):
        mlgates.Suite(RowCountGate(), DriftGate())


def test_user_gates_get_the_same_help_and_their_own_type_errors_pass_through():
    class MyGate(Gate):
        def __init__(self, *, limit: int = 1, name: str | None = None, blocking: bool = True) -> None:
            super().__init__(name=name, blocking=blocking)
            if not isinstance(limit, int):
                raise TypeError("limit must be an int (my own message)")
            self.limit = limit

    with pytest.raises(UnknownParameterError, match=r"Did you mean 'limit'\?"):
        MyGate(limt=2)
    with pytest.raises(TypeError, match=r"^limit must be an int \(my own message\)$"):
        MyGate(limit="x")
    assert MyGate(limit=3).clone().limit == 3


@pytest.mark.parametrize(
    ("make", "suggested"),
    [
        (lambda: PerformanceGate("accuracyy"), "accuracy"),
        (lambda: PerformanceGate("rmsee"), "root_mean_squared_error"),
        (lambda: BeatsBaselineGate("balanced_acc"), "balanced_accuracy"),
        (lambda: FairnessGate("demographic_parit"), "demographic_parity_difference"),
        (lambda: DriftGate(method="mannw"), "mannwhitneyu"),
        (lambda: DriftGate(method="kolmogorov_smirnov"), "ks"),
        (lambda: CategoryGate(on_new="wran"), "warn"),
    ],
)
def test_unknown_names_suggest_the_nearest_valid_one(make, suggested):
    with pytest.raises(ParameterError, match=rf"did you mean {suggested!r}\?"):
        make().validate()


def test_unknown_metric_without_a_near_name_does_not_suggest_accuracy():
    with pytest.raises(ParameterError) as info:
        PerformanceGate("zzz").validate()
    assert "accuracy'" not in str(info.value).split("Fix:")[1]


def test_peer_metric_names_are_accepted_and_recorded_under_ours():
    from sklearn.metrics import root_mean_squared_error

    rng = np.random.default_rng(1)
    y = rng.normal(size=200)
    p = y + rng.normal(scale=0.5, size=200)
    verdict = PerformanceGate("rmse", max_value=1.0).check(target=y, prediction=p)
    assert verdict.status is Status.PASS
    assert verdict.params["metric"] == "root_mean_squared_error"
    assert verdict.metrics["root_mean_squared_error"] == pytest.approx(root_mean_squared_error(y, p))
    assert PerformanceGate("rmse").get_params()["metric"] == "rmse"  # stored unchanged (clone)
    BeatsBaselineGate("rmse").validate()


def test_fairlearn_constraint_name_means_its_difference_metric():
    rng = np.random.default_rng(2)
    n = 600
    inputs = {
        "target": rng.integers(0, 2, n),
        "prediction": rng.integers(0, 2, n),
        "sensitive_features": rng.choice(["a", "b"], n),
    }
    alias = FairnessGate("demographic_parity").check(**inputs)
    ours = FairnessGate("demographic_parity_difference").check(**inputs)
    assert alias.params["metric"] == "demographic_parity_difference"
    assert alias.metrics == ours.metrics
    assert alias.status is ours.status
