"""Helpers for tests: a contract check any gate can run, and readable assertions.

``check_gate(gate)`` is how a gate proves it keeps the contract in DESIGN.md; the common test
runs it over every built-in gate, and authors of custom gates call it in their own tests.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from mlgates.core.config import gate_from_config
from mlgates.core.errors import ConfigError, GateFailure
from mlgates.core.gate import Gate
from mlgates.core.status import Status
from mlgates.core.verdict import FRAME_COLUMNS, Verdict

__all__ = ["assert_passes", "check_gate", "example_inputs"]


def assert_passes(verdict: Verdict, *, fail_on: Status | str = Status.FAIL) -> Verdict:
    """Assert that a verdict passed; on failure the assertion message is the verdict table.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import RowCountGate
    >>> assert_passes(RowCountGate().check(current=pd.DataFrame({"a": [1]}))).status
    <Status.PASS: 'pass'>
    """
    __tracebackhide__ = True
    try:
        return verdict.raise_for_status(fail_on=fail_on)
    except GateFailure as exc:
        raise GateFailure(verdict, f"gate did not pass:\n{exc}") from None


def example_inputs(n: int = 200, seed: int = 0) -> dict[str, Any]:
    """Small inputs that every standard input name can be drawn from: reference and current
    tables with numeric, categorical and binary columns, a target, predictions, probabilities
    and a sensitive feature."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)

    def table(shift: float) -> pd.DataFrame:
        x = rng.normal(shift, 1.0, n)
        y = (x + rng.normal(0, 1, n) > shift).astype("int64")
        proba = 1 / (1 + np.exp(-(x - shift)))
        return pd.DataFrame(
            {
                "x": x,
                "z": rng.integers(0, 100, n),
                "color": rng.choice(["red", "green", "blue"], n),
                "group": rng.choice(["a", "b"], n),
                "y": y,
                "pred": (proba > 0.5).astype("int64"),
                "proba": proba,
                "base_pred": (rng.random(n) < 0.5).astype("int64"),
                "base_proba": rng.random(n),
            }
        )

    return {
        "reference": table(0.0),
        "current": table(0.0),
        "target": "y",
        "prediction": "pred",
        "proba": "proba",
        "baseline_prediction": "base_pred",
        "baseline_proba": "base_proba",
        "sensitive_features": "group",
    }


def _snapshot(inputs: Mapping[str, Any]) -> dict[str, Any]:
    snap = {}
    for key, value in inputs.items():
        try:
            snap[key] = copy.deepcopy(value)
        except Exception:  # noqa: BLE001 - uncopyable inputs are not compared
            continue
    return snap


def _unchanged(before: Any, after: Any) -> bool:
    """Compare a snapshot with the input after the check: tables, arrays and plain data only.

    Other objects (models, callables) have no value equality, so a deep copy never compares
    equal to the original; they are not compared.
    """
    import numpy as np
    import pandas as pd

    if isinstance(before, (pd.DataFrame, pd.Series)):
        return bool(before.equals(after)) and (
            list(before.dtypes) == list(after.dtypes)
            if isinstance(before, pd.DataFrame)
            else before.dtype == after.dtype
        )
    if isinstance(before, np.ndarray):
        return bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    if isinstance(before, (str, int, float, bool, list, tuple, dict)) or before is None:
        try:
            return bool(before == after)
        except Exception:  # noqa: BLE001 - containers of arrays
            return True
    return True


def _empty_like(inputs: Mapping[str, Any]) -> dict[str, Any]:
    import pandas as pd

    out = dict(inputs)
    for key in ("reference", "current"):
        if isinstance(inputs.get(key), pd.DataFrame):
            out[key] = inputs[key].iloc[0:0].copy()
    return out


def check_gate(
    gate: Gate,
    *,
    inputs: Mapping[str, Any] | None = None,
    registry: Mapping[str, type] | None = None,
) -> Verdict:
    """Run the gate contract on ``gate``; raise AssertionError naming the first broken rule.

    The rules: parameters round-trip through ``get_params``/``set_params``/``clone`` and the
    config form; the repr starts with the class name; ``check(**inputs)`` returns a Verdict
    that round-trips through JSON, flattens to the fixed ``to_frame`` columns and renders as
    text and HTML; ``bool(verdict)`` raises; inputs are not mutated; with no inputs a gate
    that needs some returns ERROR (reason ``missing_input``); with empty tables nothing
    passes; a non-blocking copy never FAILs.

    Parameters
    ----------
    gate : Gate
        The gate to check (it is not modified).
    inputs : mapping, optional
        Inputs under which the gate can be judged; :func:`example_inputs` by default.
    registry : mapping, optional
        Passed to ``gate_from_config`` for gates that are not built in.

    Returns
    -------
    Verdict
        The verdict of ``gate.check(**inputs)``.

    Examples
    --------
    >>> from mlgates import MissingValuesGate
    >>> check_gate(MissingValuesGate(max_share=0.1)).gate
    'MissingValuesGate'
    """
    __tracebackhide__ = True
    cls = type(gate)
    name = cls.__name__
    inputs = dict(example_inputs() if inputs is None else inputs)
    registry = {name: cls, **(registry or {})}

    # parameters
    params = gate.get_params()
    assert set(params) == set(cls._param_names()), f"{name}.get_params() keys differ from __init__"
    twin = gate.clone()
    assert twin is not gate and type(twin) is cls, f"{name}.clone() must return a new {name}"
    assert repr(twin) == repr(gate), f"{name}.clone() changed the parameters: {twin!r} != {gate!r}"
    assert repr(gate).startswith(f"{name}("), f"{name} repr must read like the constructor call"
    twin.set_params(**twin.get_params())
    assert repr(twin) == repr(gate), f"{name}.set_params(**get_params()) must change nothing"
    gate.validate()

    # config
    try:
        config = gate.to_config()
    except ConfigError:
        config = None  # parameters that a file cannot hold (callables)
    if config is not None:
        rebuilt = gate_from_config(config, registry=registry)
        assert rebuilt.to_config() == config, (
            f"{name}: config round trip changed {config} -> {rebuilt.to_config()}"
        )

    # a real check, without mutating the inputs
    before = _snapshot(inputs)
    verdict = gate.check(**inputs)
    assert isinstance(verdict, Verdict), f"{name}.check() must return a Verdict, got {type(verdict)}"
    for key, value in before.items():
        assert _unchanged(value, inputs[key]), f"{name}.check() mutated the input {key!r}"
    assert verdict.gate == name, f"verdict.gate must be {name!r}, got {verdict.gate!r}"
    assert Verdict.from_json(verdict.to_json()) == verdict, f"{name}: verdict JSON round trip is lossy"
    frame = verdict.to_frame()
    assert tuple(frame.columns) == FRAME_COLUMNS, f"{name}: to_frame() columns are not the fixed set"
    assert verdict.to_text() and verdict.to_html(), f"{name}: verdict must render"
    try:
        bool(verdict)
    except TypeError:
        pass
    else:  # pragma: no cover - Verdict enforces it
        raise AssertionError("bool(verdict) must raise TypeError")
    if verdict.status is not Status.PASS:
        assert verdict.reason, f"{name}: a {verdict.status.value} verdict needs a reason code"

    # fail closed
    required = gate.required_inputs()
    if gate.missing_inputs(()):  # required inputs, or alternatives such as prediction/model
        empty = gate.check()
        assert empty.status is Status.ERROR and empty.reason == "missing_input", (
            f"{name}.check() with no inputs must be ERROR/missing_input, got "
            f"{empty.status.value}/{empty.reason}"
        )
        tables = [k for k in ("reference", "current") if k in required]
        if tables:
            hollow = gate.check(**_empty_like(inputs))
            assert hollow.status is not Status.PASS, (
                f"{name} passed on empty tables; it must fail closed (ERROR or an insufficient "
                "data status with a reason)"
            )
            assert hollow.reason, f"{name}: the verdict on empty tables needs a reason code"

    # non-blocking never fails
    relaxed = gate.clone().set_params(blocking=False)
    assert relaxed.check(**inputs).status is not Status.FAIL, f"{name}(blocking=False) returned FAIL"
    return verdict
