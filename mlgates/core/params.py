"""Parameter constraints as data, with one message template.

A gate lists its constraints in ``_parameter_constraints``: a mapping from parameter name to a
list of accepted forms. A value is valid when it satisfies any of them. Accepted forms:

- ``None``: the value None;
- a type (``str``, ``bool``, ``dict``, ...): an instance of it (``bool`` is not an ``int`` here);
- ``Interval(kind, left, right, closed=...)``: a real or integral number in a range;
- ``Options(...)``: one of a fixed set of values;
- ``"columns"``: a column name or a sequence of column names;
- ``"callable"``: any callable;
- ``"boolean"``: True or False;
- ``"path"``: a str or an ``os.PathLike`` (``pathlib.Path``);
- ``"label"``: a class label (a str, a number, a bool or a numpy scalar);
- any object with ``is_satisfied_by(value)`` and ``__str__``.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from mlgates.core.errors import ParameterError
from mlgates.core.status import Status

if TYPE_CHECKING:
    from mlgates.core.gate import Gate

__all__ = [
    "INSUFFICIENT_STATUS",
    "MAX_RESAMPLES",
    "ON_INSUFFICIENT",
    "Interval",
    "Options",
    "insufficient_status",
    "is_default",
    "non_default_params",
    "validate_params",
]

#: Upper bound of every ``n_resamples`` (bootstraps, permutations): time and memory grow
#: linearly with it (a fairness bootstrap holds resamples x groups x 4 counts), and beyond
#: 100,000 the Monte Carlo error of a 95% interval's ends is already far below the sampling
#: error it describes.
MAX_RESAMPLES = 100_000


@dataclass(frozen=True)
class Interval:
    """A number in a range. ``kind`` is ``"real"`` or ``"int"``."""

    kind: Literal["real", "int"]
    left: float | None
    right: float | None
    closed: Literal["both", "left", "right", "neither"] = "both"

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if self.kind == "int" and not isinstance(value, numbers.Integral):
            return False
        if isinstance(value, float) and math.isnan(value):
            return False
        value = float(value)
        lo_ok = (
            self.left is None or value > self.left or (value == self.left and self.closed in ("both", "left"))
        )
        hi_ok = (
            self.right is None
            or value < self.right
            or (value == self.right and self.closed in ("both", "right"))
        )
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        noun = "an int" if self.kind == "int" else "a float"
        lb = "[" if self.closed in ("both", "left") and self.left is not None else "("
        rb = "]" if self.closed in ("both", "right") and self.right is not None else ")"
        left = "-inf" if self.left is None else _num(self.left)
        right = "inf" if self.right is None else _num(self.right)
        return f"{noun} in {lb}{left}, {right}{rb}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values."""

    values: tuple[Any, ...]

    def __init__(self, *values: Any) -> None:
        object.__setattr__(self, "values", tuple(values))

    def is_satisfied_by(self, value: Any) -> bool:
        try:
            return any(value == v and type(value) is type(v) for v in self.values)
        except Exception:  # noqa: BLE001 - exotic __eq__
            return False

    def __str__(self) -> str:
        return "one of {" + ", ".join(repr(v) for v in self.values) + "}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(x)


def _is_columns(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)
    return False


def _is_label(value: Any) -> bool:
    return isinstance(value, (str, numbers.Number, bool)) or type(value).__module__ == "numpy"


_NAMED: dict[str, tuple[Callable[[Any], bool], str]] = {
    "columns": (_is_columns, "a column name or a list of column names"),
    "callable": (callable, "a callable"),
    "boolean": (lambda v: isinstance(v, bool), "True or False"),
    "mapping": (lambda v: isinstance(v, Mapping), "a mapping"),
    "path": (lambda v: isinstance(v, (str, os.PathLike)), "a path (str or os.PathLike)"),
    "label": (_is_label, "a class label (a str, a number or a bool)"),
}

_TYPE_NAMES = {
    str: "a str",
    bool: "True or False",
    dict: "a dict",
    list: "a list",
    int: "an int",
    float: "a float",
    tuple: "a tuple",
}


def _satisfied(constraint: Any, value: Any) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, str):
        return _NAMED[constraint][0](value)
    if isinstance(constraint, type):
        if constraint is int and isinstance(value, bool):
            return False
        return isinstance(value, constraint)
    return bool(constraint.is_satisfied_by(value))


def _describe(constraint: Any) -> str:
    if constraint is None:
        return "None"
    if isinstance(constraint, str):
        return _NAMED[constraint][1]
    if isinstance(constraint, type):
        return _TYPE_NAMES.get(constraint, f"an instance of {constraint.__name__}")
    return str(constraint)


def describe(constraints: Iterable[Any]) -> str:
    """Human-readable 'a float in [0, 1] or None'."""
    parts = [_describe(c) for c in constraints]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def validate_params(owner: str, params: Mapping[str, Any], constraints: Mapping[str, Iterable[Any]]) -> None:
    """Raise :class:`ParameterError` for the first parameter that satisfies no constraint.

    Examples
    --------
    >>> validate_params("DriftGate", {"threshold": -0.1},
    ...                 {"threshold": [Interval("real", 0, None), None]})
    Traceback (most recent call last):
    ...
    mlgates.core.errors.ParameterError: The 'threshold' parameter of DriftGate must be a float \
in [0, inf) or None. Got -0.1 instead. Fix: DriftGate(threshold=...) with a float in [0, inf) \
or None.
    """
    for name, allowed in constraints.items():
        if name not in params:
            continue
        allowed = list(allowed)
        value = params[name]
        if allowed and not any(_satisfied(c, value) for c in allowed):
            raise parameter_error(
                owner, name, describe(allowed), value, _option_fix(owner, name, allowed, value)
            )


def _option_fix(owner: str, name: str, allowed: list[Any], value: Any) -> str | None:
    """For a mistyped option (a str that is not one of the Options), the nearest valid one."""
    if not isinstance(value, str):
        return None
    from mlgates.core._suggest import closest

    options = [v for c in allowed if isinstance(c, Options) for v in c.values if isinstance(v, str)]
    best = closest(value, options)
    if best is None:
        return None
    return f"did you mean {best!r}? {owner}({name}={best!r})."


def parameter_error(
    owner: str, name: str, constraint: str, value: Any, fix: str | None = None
) -> ParameterError:
    """Build the one message template for an invalid parameter."""
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    fix = fix or f"{owner}({name}=...) with {constraint}."
    return ParameterError(
        f"The {name!r} parameter of {owner} must be {constraint}. Got {shown} instead. Fix: {fix}"
    )


#: The one option set of every ``on_insufficient`` parameter: the status of a result the data
#: cannot support (too few rows, a group under its minimum size, an undefined rate).
ON_INSUFFICIENT = Options("warn", "fail", "error", "skip")

#: ``on_insufficient`` option -> the status it gives; read through :func:`insufficient_status`.
INSUFFICIENT_STATUS: Mapping[str, Status] = MappingProxyType(
    {"warn": Status.WARN, "fail": Status.FAIL, "error": Status.ERROR, "skip": Status.SKIP}
)


def insufficient_status(policy: str) -> Status:
    """The status an ``on_insufficient`` policy gives: the one place every gate resolves it.

    Examples
    --------
    >>> insufficient_status("skip")
    <Status.SKIP: 'skip'>
    """
    return INSUFFICIENT_STATUS[policy]


# -- parameters that differ from their defaults ------------------------------------------------
def _equal_nan(a: Any, b: Any) -> bool:
    """``a == b`` where NaN equals NaN, through lists, tuples and mappings."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_equal_nan(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal_nan(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and exotic __eq__: not equal unless identical
        return a is b


def is_default(value: Any, default: Any) -> bool:
    """Whether a stored parameter ``value`` is its ``default``: the same object, or of the same
    type and equal, with NaN equal to NaN (also inside lists, tuples and mappings).

    The one rule for what a gate's repr, its config file and its notebook display leave out.

    Examples
    --------
    >>> is_default(float("nan"), float("nan")), is_default(0.05, 0.05)
    (True, True)
    >>> is_default(1, 1.0), is_default(True, 1), is_default((0.1, float("nan")), (0.1, float("nan")))
    (False, False, True)
    """
    if value is default:
        return True
    return type(value) is type(default) and _equal_nan(value, default)


def non_default_params(gate: Gate, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The parameters of ``gate`` that differ from their defaults (see :func:`is_default`), in
    signature order; parameters without a default are always included.

    Examples
    --------
    >>> from mlgates import RowCountGate
    >>> non_default_params(RowCountGate(min_rows=10, name="rows"))
    {'min_rows': 10, 'name': 'rows'}
    >>> non_default_params(RowCountGate(min_rows=10, name="rows"), exclude=("name",))
    {'min_rows': 10}
    """
    skip = set(exclude)
    defaults = gate._param_defaults()
    return {
        key: value
        for key, value in gate.get_params().items()
        if key not in skip and not (key in defaults and is_default(value, defaults[key]))
    }
