"""Helpers for tests: a contract check any gate can run, and readable assertions.

``check_gate(gate)`` is how a gate proves it keeps the contract in DESIGN.md; the common test
runs it over every built-in gate, and authors of custom gates call it in their own tests.
:func:`gate_checks` yields the same contract as named checks, one pytest case each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from mlgates.core.errors import GateFailure
from mlgates.core.gate import Gate
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.testing._checks import CHECKS, GateUnderTest

__all__ = ["CHECKS", "assert_passes", "check_gate", "example_inputs", "gate_checks"]


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


def gate_checks(
    gate: Gate,
    *,
    inputs: Mapping[str, Any] | None = None,
    registry: Mapping[str, type] | None = None,
) -> Iterator[tuple[str, Callable[[], None]]]:
    """The gate contract as named checks: ``(name, check)`` pairs, ``check()`` raising
    AssertionError naming the broken rule.

    Nothing runs until a check is called; the checks share one ``gate.check(**inputs)`` run.
    The names are those of :data:`CHECKS`, always all of them (a check that does not apply,
    such as empty tables for a gate that reads none, passes), so they parametrize a pytest
    test over gates x checks:

    ``get_params_keys``
        ``get_params()`` has exactly the constructor's parameters, ``get_params(deep=True)``
        at least those.
    ``init_stores_params``
        ``type(gate)(**gate.get_params())`` stores the very objects passed (clone identity:
        no conversion or validation in ``__init__``).
    ``clone``
        ``clone()`` is a new gate of the same class and repr.
    ``set_params_round_trip``
        ``set_params(**get_params())`` (and the deep form) changes nothing.
    ``repr``
        The repr reads like the constructor call and, when every parameter is a literal,
        evaluates back to an equal gate.
    ``parameter_constraints``
        ``_parameter_constraints`` (with the bases') name exactly the constructor's parameters.
    ``valid_parameters``
        ``validate()`` accepts the gate as given.
    ``invalid_parameters``
        A value that breaks each parameter's constraints makes ``validate()`` raise
        ParameterError with the documented message ("The 'x' parameter of G must be ... Got
        ... instead.").
    ``deprecated_names``
        Every deprecated parameter name and option value still works, in the constructor,
        ``set_params`` and a config, with a FutureWarning naming the new one.
    ``config_round_trip``
        ``gate_from_config(gate.to_config())`` gives the same config (skipped for parameters a
        file cannot hold, such as callables).
    ``check_returns_verdict``
        ``check(**inputs)`` returns a Verdict of this gate that flattens to the fixed
        ``to_frame()`` columns, renders, refuses ``bool()`` and has a reason unless it passed.
    ``verdict_json_round_trip``
        The verdict survives ``Verdict.from_json(verdict.to_json())``.
    ``no_input_mutation``
        Tables, arrays and plain values passed to ``check`` are unchanged afterwards.
    ``fail_closed_missing_inputs``
        With no inputs a gate that needs some returns ERROR ``missing_input``.
    ``fail_closed_empty_input``
        With empty ``reference``/``current`` tables nothing passes and the verdict has a reason.
    ``non_blocking_never_fails``
        ``set_params(blocking=False)`` never returns FAIL.

    Parameters
    ----------
    gate : Gate
        The gate to check (it is not modified).
    inputs : mapping, optional
        Inputs under which the gate can be judged; :func:`example_inputs` by default.
    registry : mapping, optional
        Passed to ``gate_from_config`` for gates that are not built in.

    Examples
    --------
    >>> from mlgates import RowCountGate
    >>> checks = dict(gate_checks(RowCountGate(min_rows=10)))
    >>> len(checks) == len(CHECKS)
    True
    >>> checks["invalid_parameters"]()  # passes: returns None
    """
    subject = GateUnderTest(gate, dict(example_inputs() if inputs is None else inputs), registry=registry)
    for name in CHECKS:
        yield name, subject.bound(name)


def check_gate(
    gate: Gate,
    *,
    inputs: Mapping[str, Any] | None = None,
    registry: Mapping[str, type] | None = None,
) -> Verdict:
    """Run every check of the gate contract (:func:`gate_checks`) on ``gate``; raise one
    AssertionError listing every broken rule, so the first failure hides none of the others.

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
    subject = GateUnderTest(gate, dict(example_inputs() if inputs is None else inputs), registry=registry)
    failures = []
    for name in CHECKS:
        try:
            subject.bound(name)()
        except Exception as exc:  # noqa: BLE001 - every broken rule is reported, not only the first
            kind = "" if isinstance(exc, AssertionError) else f"{type(exc).__name__}: "
            failures.append(f"- {name}: {kind}{exc}")
    if failures:
        owner = type(gate).__name__
        raise AssertionError(
            f"{owner} broke {len(failures)} of {len(CHECKS)} contract checks:\n" + "\n".join(failures)
        )
    return subject.verdict()
