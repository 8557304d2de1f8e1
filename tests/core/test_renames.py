"""Renamed parameters keep working for one minor version, with a FutureWarning naming the new name.

One case per old name: the constructor, ``set_params`` and a suite file accept it (warning), the
gate stores and writes only the new name, and giving both names is an error.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    ConfigError,
    DeterminismGate,
    DisparateImpactGate,
    FairnessGate,
    MultivariateDriftGate,
    ParameterError,
    ReproducibilityGate,
    RowCountGate,
    Status,
    Suite,
    load_suite,
)
from mlgates.core.errors import UnknownParameterError
from mlgates.core.renames import REMOVED_IN


def _train(seed):  # a module-level function: DeterminismGate needs a train_fn
    return seed


#: (gate class, required parameters, old name, new name, a non-default value)
RENAMES = [
    (FairnessGate, {}, "threshold", "decision_threshold", 0.5),
    (FairnessGate, {}, "missing", "on_missing", "drop"),
    (FairnessGate, {"metric": "equalized_odds_difference"}, "agg", "combine_rates", "mean"),
    (DisparateImpactGate, {}, "reference", "reference_group", "overall"),
    (DisparateImpactGate, {}, "threshold", "decision_threshold", 0.5),
    (DisparateImpactGate, {}, "missing", "on_missing", "drop"),
    (DeterminismGate, {"train_fn": _train}, "compare", "compare_to", "fingerprint"),
    (DeterminismGate, {"train_fn": _train}, "seed", "random_state", 7),
    (ReproducibilityGate, {}, "compare", "compare_to", ("data",)),
    (ReproducibilityGate, {}, "environment_policy", "on_environment_change", "fail"),
    (MultivariateDriftGate, {}, "max_rows", "subsample", 1000),
]
IDS = [f"{cls.__name__}-{old}" for cls, _, old, _, _ in RENAMES]


def _future(caught, new):
    messages = [str(w.message) for w in caught if issubclass(w.category, FutureWarning)]
    assert messages, "no FutureWarning"
    assert any(repr(new) in m and REMOVED_IN in m for m in messages), messages
    return messages


@pytest.mark.parametrize("cls, required, old, new, value", RENAMES, ids=IDS)
def test_constructor_accepts_the_old_name_with_a_future_warning(cls, required, old, new, value):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gate = cls(**required, **{old: value})
    (message,) = _future(caught, new)
    assert f"{cls.__name__}({new}=...)" in message
    assert caught[0].filename == __file__  # the warning points at the caller's line
    params = gate.get_params()
    assert params[new] is value and old not in params
    assert f"{new}=" in repr(gate)
    gate.validate()


@pytest.mark.parametrize("cls, required, old, new, value", RENAMES, ids=IDS)
def test_set_params_accepts_the_old_name(cls, required, old, new, value):
    gate = cls(**required)
    with pytest.warns(FutureWarning, match=f"'{new}'"):
        assert gate.set_params(**{old: value}) is gate
    assert getattr(gate, new) is value and old not in gate.get_params()


@pytest.mark.parametrize("cls, required, old, new, value", RENAMES, ids=IDS)
def test_both_names_at_once_is_an_error(cls, required, old, new, value):
    with pytest.raises(UnknownParameterError, match=f"both '{old}' and '{new}'"):
        cls(**required, **{old: value, new: value})


@pytest.mark.parametrize(
    "cls, required, old, new, value",
    [r for r in RENAMES if r[0] is not DeterminismGate],  # a callable cannot live in a file
    ids=[i for i, r in zip(IDS, RENAMES, strict=True) if r[0] is not DeterminismGate],
)
def test_old_suite_files_keep_loading(tmp_path, cls, required, old, new, value):
    member = {"type": cls.__name__, **required, old: list(value) if isinstance(value, tuple) else value}
    path = tmp_path / "suite.json"
    path.write_text(json.dumps({"type": "Suite", "gates": [member]}), encoding="utf-8")
    with pytest.warns(FutureWarning, match=f"suite.json.*'{old}' is renamed '{new}'"):
        suite = load_suite(path)
    (gate,) = suite.gates
    assert type(gate) is cls and old not in gate.get_params()
    written = gate.to_config()
    assert old not in written and written[new] == member[old]


def test_a_suite_file_with_both_names_is_a_config_error(tmp_path):
    path = tmp_path / "suite.json"
    path.write_text(
        json.dumps({"type": "FairnessGate", "threshold": 0.5, "decision_threshold": 0.5}), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="suite.json.*both 'threshold' and 'decision_threshold'"):
        load_suite(path)


@pytest.mark.parametrize("cls", [FairnessGate, DisparateImpactGate])
def test_on_insufficient_ignore_is_a_deprecated_alias_of_skip(cls, tmp_path):
    with pytest.warns(FutureWarning, match="on_insufficient='skip'"):
        gate = cls(on_insufficient="ignore")
    assert gate.on_insufficient == "skip" and gate.to_config().get("on_insufficient") == "skip"
    with pytest.warns(FutureWarning, match="on_insufficient='skip'"):
        cls().set_params(on_insufficient="ignore")
    path = tmp_path / "suite.json"
    path.write_text(json.dumps({"type": cls.__name__, "on_insufficient": "ignore"}), encoding="utf-8")
    with pytest.warns(FutureWarning, match="suite.json"):
        assert load_suite(path).on_insufficient == "skip"
    # the old value gives the old behaviour: an insufficient group is SKIP, never PASS
    one = pd.DataFrame({"a": ["x"] * 40, "pred": [0, 1] * 20})
    with pytest.warns(FutureWarning):
        old = cls(sensitive_features="a", on_insufficient="ignore")
    new = cls(sensitive_features="a", on_insufficient="skip")
    assert old.check(current=one, prediction="pred").status is Status.SKIP
    assert new.check(current=one, prediction="pred").status is Status.SKIP


def test_the_old_name_judges_exactly_as_the_new_one():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.choice(["x", "y"], 500), "y": rng.integers(0, 2, 500)})
    proba = rng.random(500)
    new = FairnessGate(sensitive_features="a", decision_threshold=0.4).check(
        current=df, target="y", prediction=proba
    )
    with pytest.warns(FutureWarning):
        gate = FairnessGate(sensitive_features="a", threshold=0.4)
    old = gate.check(current=df, target="y", prediction=proba)
    assert old.metrics == new.metrics and old.status is new.status
    with pytest.warns(FutureWarning):
        di = DisparateImpactGate(sensitive_features="a", reference="overall", threshold=0.4)
    di_new = DisparateImpactGate(sensitive_features="a", reference_group="overall", decision_threshold=0.4)
    old_di = di.check(current=df, prediction=proba)
    assert old_di.metrics == di_new.check(current=df, prediction=proba).metrics


def test_a_rename_does_not_touch_a_subclass_that_reuses_the_old_name():
    class Thresholded(FairnessGate):
        def __init__(self, *, threshold=0.1, **kwargs):
            super().__init__(**kwargs)
            self.threshold = threshold

        @classmethod
        def _param_names(cls):
            return [*super()._param_names(), "threshold"]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gate = Thresholded(threshold=0.3)
    assert gate.threshold == 0.3 and gate.decision_threshold is None


def test_unknown_names_still_get_did_you_mean():
    with pytest.raises(UnknownParameterError, match="Did you mean 'decision_threshold'"):
        FairnessGate(decision_treshold=0.5)
    with pytest.raises(ParameterError, match="Did you mean 'min_rows'"):
        RowCountGate().set_params(min_row=3)


def test_new_names_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Suite(
            [
                FairnessGate(decision_threshold=0.5, on_missing="drop", on_insufficient="skip"),
                DisparateImpactGate(reference_group="overall"),
                ReproducibilityGate(compare_to=("data",), on_environment_change="ignore"),
                DeterminismGate(_train, compare_to="fingerprint", random_state=1),
                MultivariateDriftGate(subsample=100),
            ]
        ).set_params(gates__0__decision_threshold=0.3)
