"""The named checks of the gate contract, behind :func:`mlgates.testing.gate_checks`.

Each check is a method ``check_<name>`` of :class:`GateUnderTest`, which holds the gate, the
inputs and one shared run of ``gate.check(**inputs)``; a check raises AssertionError naming the
broken rule. Public entry points: :func:`mlgates.testing.gate_checks` and
:func:`mlgates.testing.check_gate`.
"""

from __future__ import annotations

import ast
import copy
import functools
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from mlgates.core.errors import ConfigError, ParameterError
from mlgates.core.gate import Gate
from mlgates.core.params import Interval, Options, validate_params
from mlgates.core.renames import renamed_parameters, renamed_values
from mlgates.core.status import Status
from mlgates.core.verdict import FRAME_COLUMNS, Verdict

__all__ = ["CHECKS", "GateUnderTest"]

#: The names of the contract's checks, in the order they run.
CHECKS: tuple[str, ...] = (
    "get_params_keys",
    "init_stores_params",
    "clone",
    "set_params_round_trip",
    "repr",
    "parameter_constraints",
    "valid_parameters",
    "invalid_parameters",
    "deprecated_names",
    "config_round_trip",
    "check_returns_verdict",
    "verdict_json_round_trip",
    "no_input_mutation",
    "fail_closed_missing_inputs",
    "fail_closed_empty_input",
    "non_blocking_never_fails",
)


class _NotAValue:
    """A value no constraint of ours accepts: not a number, str, bool, mapping, path, list or
    callable."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<not a valid value>"


def _constraints(cls: type) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for klass in reversed(cls.__mro__):
        out.update(getattr(klass, "_parameter_constraints", {}) or {})
    return out


def _invalid_values(allowed: list[Any]) -> list[Any]:
    """Values that satisfy none of ``allowed``: one per way of breaking it."""
    candidates: list[Any] = [_NotAValue()]
    for c in allowed:
        if isinstance(c, Interval):
            step = 1 if c.kind == "int" else 0.5
            if c.left is not None:
                candidates.append(c.left - step if c.closed in ("both", "left") else c.left)
            if c.right is not None:
                candidates.append(c.right + step if c.closed in ("both", "right") else c.right)
            if c.kind == "int":
                candidates.append(1.5)
        elif isinstance(c, Options):
            candidates.append("__not_an_option__")
    return [v for v in candidates if not _accepted(allowed, v)]


def _accepted(allowed: list[Any], value: Any) -> bool:
    try:
        validate_params("Gate", {"value": value}, {"value": allowed})
    except ParameterError:
        return False
    return True


def _literal(value: Any) -> bool:
    """Whether ``repr(value)`` evaluates back to an equal value (gates count, recursively)."""
    if isinstance(value, Gate):
        return all(_literal(v) for v in value.get_params().values())
    if isinstance(value, (list, tuple)):
        return all(_literal(v) for v in value)
    try:
        return bool(ast.literal_eval(repr(value)) == value)
    except Exception:  # noqa: BLE001 - anything that is not a literal
        return False


def _stored_differently(passed: Any, stored: Any) -> str:
    def short(v: Any) -> str:
        text = repr(v)
        return text if len(text) <= 60 else text[:57] + "..."

    try:
        equal = bool(passed == stored)
    except Exception:  # noqa: BLE001
        equal = False
    how = "an equal copy" if equal else short(stored)
    return f"passed {type(passed).__name__} {short(passed)}, stored {how}"


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


class GateUnderTest:
    """A gate, the inputs it is judged under, and the one shared run of its check."""

    def __init__(self, gate: Gate, inputs: dict[str, Any], *, registry: Mapping[str, type] | None) -> None:
        self.gate = gate
        self.cls = type(gate)
        self.name = self.cls.__name__
        self.inputs = inputs
        self.registry = {self.name: self.cls, **(registry or {})}
        self._run: tuple[Verdict, list[str]] | None = None

    def bound(self, check: str) -> Callable[[], None]:
        """The check ``check`` as a callable of no arguments (named after the check)."""
        method = getattr(self, f"check_{check}")
        call = functools.partial(method)
        call.__name__ = check  # type: ignore[attr-defined]
        return call

    def verdict(self) -> Verdict:
        """``gate.check(**inputs)``, run once and shared by the checks."""
        return self._checked()[0]

    def _checked(self) -> tuple[Verdict, list[str]]:
        if self._run is None:
            before = _snapshot(self.inputs)
            verdict = self.gate.check(**self.inputs)
            mutated = [k for k, v in before.items() if not _unchanged(v, self.inputs[k])]
            self._run = (verdict, mutated)
        return self._run

    # -- parameters -------------------------------------------------------------------------
    def check_get_params_keys(self) -> None:
        params = self.gate.get_params()
        expected = self.cls._param_names()
        assert set(params) == set(expected), (
            f"{self.name}.get_params() keys {sorted(params)} differ from the __init__ parameters "
            f"{sorted(expected)}"
        )
        deep = self.gate.get_params(deep=True)
        missing = set(params) - set(deep)
        assert not missing, f"{self.name}.get_params(deep=True) lacks {sorted(missing)}"

    def check_init_stores_params(self) -> None:
        params = self.gate.get_params()
        twin = self.cls(**params)
        stored = twin.get_params()
        changed = [k for k, v in params.items() if stored.get(k) is not v]
        assert not changed, (
            f"{self.name}.__init__ must store its parameters unchanged, as the very objects passed "
            f"(convert and validate in check(), not in __init__); {', '.join(changed)}: "
            + "; ".join(_stored_differently(params[k], stored.get(k)) for k in changed)
        )

    def check_clone(self) -> None:
        twin = self.gate.clone()
        assert twin is not self.gate and type(twin) is self.cls, (
            f"{self.name}.clone() must return a new {self.name}"
        )
        assert repr(twin) == repr(self.gate), (
            f"{self.name}.clone() changed the parameters: {twin!r} != {self.gate!r}"
        )

    def check_set_params_round_trip(self) -> None:
        twin = self.gate.clone()
        twin.set_params(**twin.get_params())
        assert repr(twin) == repr(self.gate), f"{self.name}.set_params(**get_params()) must change nothing"
        twin.set_params(**twin.get_params(deep=True))
        assert repr(twin) == repr(self.gate), (
            f"{self.name}.set_params(**get_params(deep=True)) must change nothing"
        )

    def check_repr(self) -> None:
        text = repr(self.gate)
        assert text.startswith(f"{self.name}("), (
            f"{self.name} repr must read like the constructor call, got {text[:80]!r}"
        )
        if not all(_literal(v) for v in self.gate.get_params().values()):
            return  # callables, paths, numpy scalars: the repr is for reading, not eval
        types: dict[str, Any] = {n: _LazyType(n) for n in _builtin_types()}
        types.update(self.registry)
        try:
            rebuilt = _rebuild(ast.parse(text, mode="eval").body, types)
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(
                f"{self.name}: the repr {text[:200]!r} does not read back as a gate "
                f"({type(exc).__name__}: {exc})"
            ) from None
        assert repr(rebuilt) == text, f"{self.name}: repr round trip changed {text!r} -> {rebuilt!r}"

    def check_parameter_constraints(self) -> None:
        names = set(self.cls._param_names())
        constrained = set(_constraints(self.cls))
        missing, extra = sorted(names - constrained), sorted(constrained - names)
        assert not missing and not extra, (
            f"{self.name}._parameter_constraints must cover exactly the __init__ parameters: "
            + "; ".join(
                part
                for part in (
                    f"no constraint for {missing}" if missing else "",
                    f"constraints for unknown parameters {extra}" if extra else "",
                )
                if part
            )
        )

    def check_valid_parameters(self) -> None:
        try:
            self.gate.validate()
        except ParameterError as exc:
            raise AssertionError(f"{self.name}.validate() refused the gate as given: {exc}") from None

    def check_invalid_parameters(self) -> None:
        problems = []
        for param, allowed in _constraints(self.cls).items():
            allowed = list(allowed)
            if not allowed or param not in self.cls._param_names():
                continue
            pattern = re.compile(
                rf"^The {re.escape(repr(param))} parameter of {re.escape(self.name)} must be .+\. "
                r"Got .+ instead\.",
                re.S,
            )
            for value in _invalid_values(allowed):
                twin = self.gate.clone().set_params(**{param: value})
                try:
                    twin.validate()
                except ParameterError as exc:
                    if not pattern.match(str(exc)):
                        problems.append(f"{param}={value!r}: message {str(exc)[:160]!r}")
                except Exception as exc:  # noqa: BLE001 - a crash instead of the message
                    problems.append(f"{param}={value!r}: raised {type(exc).__name__}: {exc}")
                else:
                    problems.append(f"{param}={value!r}: accepted by validate()")
        assert not problems, (
            f"{self.name}: invalid parameter values must raise ParameterError(\"The 'x' parameter of "
            f'{self.name} must be ... Got ... instead."): ' + "; ".join(problems)
        )

    def check_deprecated_names(self) -> None:
        params = self.gate.get_params()
        problems: list[str] = []
        for old, new in renamed_parameters(self.cls).items():
            if new not in params:
                problems.append(f"{old!r} is renamed to {new!r}, which is not a parameter")
                continue
            value = params[new]
            rest = {k: v for k, v in params.items() if k != new}
            built = self._warns(functools.partial(self.cls, **rest, **{old: value}), new)
            if isinstance(built, str):
                problems.append(f"{self.name}({old}=...): {built}")
            elif built.get_params()[new] is not value or old in built.get_params():
                problems.append(f"{self.name}({old}=...) did not store the value as {new!r}")
            twin = self.gate.clone()
            outcome = self._warns(functools.partial(twin.set_params, **{old: value}), new)
            if isinstance(outcome, str):
                problems.append(f"set_params({old}=...): {outcome}")
            elif getattr(twin, new) is not value:
                problems.append(f"set_params({old}=...) did not set {new!r}")
            problems.extend(self._config_with(old, new, value))
        for param, mapping in renamed_values(self.cls).items():
            for old_value, new_value in mapping.items():
                rest = {k: v for k, v in params.items() if k != param}
                built = self._warns(
                    functools.partial(self.cls, **rest, **{param: old_value}), repr(new_value)
                )
                if isinstance(built, str):
                    problems.append(f"{self.name}({param}={old_value!r}): {built}")
                elif built.get_params()[param] != new_value:
                    problems.append(f"{self.name}({param}={old_value!r}) did not store {new_value!r}")
        assert not problems, f"{self.name}: deprecated spellings: " + "; ".join(problems)

    def _warns(self, call: Callable[[], Any], new: str) -> Any:
        """``call()``'s result, or a description of what is wrong with its FutureWarning."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = call()
            except Exception as exc:  # noqa: BLE001
                return f"raised {type(exc).__name__}: {exc}"
        future = [w for w in caught if issubclass(w.category, FutureWarning)]
        if not future:
            return "no FutureWarning"
        if not any(new in str(w.message) for w in future):
            return f"the FutureWarning does not name {new}: {future[0].message}"
        return result

    def _config_with(self, old: str, new: str, value: Any) -> list[str]:
        """A config that spells ``new`` as ``old`` loads (with the warning) as the new one does."""
        from mlgates.core.config import gate_from_config

        try:
            config = self.gate.to_config()
            plain = self.gate._param_to_config(new, value)
        except ConfigError:
            return []  # parameters a file cannot hold
        current = {**config, new: plain}
        expected = gate_from_config(current, registry=self.registry).to_config()
        deprecated = {k: v for k, v in current.items() if k != new}
        deprecated[old] = plain
        outcome = self._warns(lambda: gate_from_config(deprecated, registry=self.registry), new)
        if isinstance(outcome, str):
            return [f"config with {old!r}: {outcome}"]
        rebuilt = outcome.to_config()
        if rebuilt != expected:
            return [f"config with {old!r} loaded as {rebuilt}, expected {expected}"]
        return []

    def check_config_round_trip(self) -> None:
        from mlgates.core.config import gate_from_config

        try:
            config = self.gate.to_config()
        except ConfigError:
            return  # parameters that a file cannot hold (callables)
        rebuilt = gate_from_config(config, registry=self.registry)
        assert rebuilt.to_config() == config, (
            f"{self.name}: config round trip changed {config} -> {rebuilt.to_config()}"
        )

    # -- the verdict ------------------------------------------------------------------------
    def check_check_returns_verdict(self) -> None:
        verdict = self.verdict()
        assert isinstance(verdict, Verdict), f"{self.name}.check() must return a Verdict, got {type(verdict)}"
        assert verdict.gate == self.name, f"verdict.gate must be {self.name!r}, got {verdict.gate!r}"
        frame = verdict.to_frame()
        assert tuple(frame.columns) == FRAME_COLUMNS, f"{self.name}: to_frame() columns are not the fixed set"
        assert verdict.to_text() and verdict.to_html(), f"{self.name}: verdict must render"
        try:
            bool(verdict)
        except TypeError:
            pass
        else:  # pragma: no cover - Verdict enforces it
            raise AssertionError("bool(verdict) must raise TypeError")
        if verdict.status is not Status.PASS:
            assert verdict.reason, f"{self.name}: a {verdict.status.value} verdict needs a reason code"

    def check_verdict_json_round_trip(self) -> None:
        verdict = self.verdict()
        assert Verdict.from_json(verdict.to_json()) == verdict, (
            f"{self.name}: verdict JSON round trip is lossy"
        )

    def check_no_input_mutation(self) -> None:
        mutated = self._checked()[1]
        assert not mutated, f"{self.name}.check() mutated the input(s) {mutated}"

    # -- failing closed ---------------------------------------------------------------------
    def check_fail_closed_missing_inputs(self) -> None:
        if not self.gate.missing_inputs(()):  # needs nothing: nothing can be missing
            return
        empty = self.gate.check()
        assert empty.status is Status.ERROR and empty.reason == "missing_input", (
            f"{self.name}.check() with no inputs must be ERROR/missing_input, got "
            f"{empty.status.value}/{empty.reason}"
        )

    def check_fail_closed_empty_input(self) -> None:
        tables = [k for k in ("reference", "current") if k in self.gate.required_inputs()]
        if not tables:
            return
        hollow = self.gate.check(**_empty_like(self.inputs))
        assert hollow.status is not Status.PASS, (
            f"{self.name} passed on empty tables; it must fail closed (ERROR or an insufficient "
            "data status with a reason)"
        )
        assert hollow.reason, f"{self.name}: the verdict on empty tables needs a reason code"

    def check_non_blocking_never_fails(self) -> None:
        relaxed = self.gate.clone().set_params(blocking=False)
        status = relaxed.check(**self.inputs).status
        assert status is not Status.FAIL, f"{self.name}(blocking=False) returned FAIL"


def _builtin_types() -> list[str]:
    from mlgates.core.config import builtin_gate_types

    return list(builtin_gate_types())


def _rebuild(node: ast.expr, types: Mapping[str, Any]) -> Any:
    """Read a gate's repr back without ``eval``: calls of known gate types whose arguments are
    literals, lists of those, or gates."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id not in types:
            raise ValueError(f"unknown gate type {node.func.id!r}")
        args = [_rebuild(a, types) for a in node.args]
        kwargs = {k.arg: _rebuild(k.value, types) for k in node.keywords if k.arg is not None}
        return types[node.func.id](*args, **kwargs)
    if isinstance(node, ast.List) and any(isinstance(e, ast.Call) for e in node.elts):
        return [_rebuild(e, types) for e in node.elts]
    return ast.literal_eval(node)


class _LazyType:
    """A built-in gate class in the repr namespace, imported only when the repr calls it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import importlib

        from mlgates.core.config import builtin_gate_types

        module = importlib.import_module(builtin_gate_types()[self.name])
        return getattr(module, self.name)(*args, **kwargs)
