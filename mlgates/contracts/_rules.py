"""ODCS quality rules: their types, library metrics, operators and units, read once.

An ODCS v3 quality rule is a mapping such as ``{"metric": "nullValues", "mustBe": 0}``. This
module reads one into a :class:`LibraryRule` (metric, operator, bound, unit, arguments) and
compares a computed value with its bound (:func:`satisfies`). Both the mapping onto gates
(:mod:`mlgates.contracts._odcs_read`) and :class:`~mlgates.ContractRuleGate`, which evaluates
the rules no other gate expresses exactly, use it, so a rule means the same thing everywhere.

Operators follow the standard's table: ``mustBe`` (=), ``mustNotBe`` (≠), ``mustBeGreaterThan``
(>), ``mustBeGreaterOrEqualTo`` (≥), ``mustBeLessThan`` (<), ``mustBeLessOrEqualTo`` (≤),
``mustBeBetween`` and ``mustNotBeBetween``. The standard defines ``mustBeBetween: [a, b]`` as
"the equivalent to mustBeGreaterThan a and mustBeLessThan b", so both ends are excluded here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgates.core._suggest import did_you_mean
from mlgates.core.errors import ConfigError

__all__ = [
    "LIBRARY_METRICS",
    "METRIC_ALIASES",
    "OPERATORS",
    "RULE_TYPES",
    "LibraryRule",
    "library_rule",
    "rule_type",
    "satisfies",
]

#: Operator key -> its symbol (for messages).
OPERATORS: Mapping[str, str] = {
    "mustBe": "=",
    "mustNotBe": "≠",
    "mustBeGreaterThan": ">",
    "mustBeGreaterOrEqualTo": "≥",
    "mustBeLessThan": "<",
    "mustBeLessOrEqualTo": "≤",
    "mustBeBetween": "in",
    "mustNotBeBetween": "not in",
}
_RANGE_OPERATORS = ("mustBeBetween", "mustNotBeBetween")

#: The rule types of ODCS v3 (``library`` is the default when a ``metric`` is given).
RULE_TYPES = ("library", "text", "sql", "custom")

#: The library metrics of ODCS v3.1 that mlgates evaluates.
LIBRARY_METRICS = ("nullValues", "missingValues", "invalidValues", "duplicateValues", "rowCount")

#: Older spellings (ODCS v3.0 ``rule:`` names) -> the v3.1 metric.
METRIC_ALIASES: Mapping[str, str] = {
    "nullCheck": "nullValues",
    "duplicateCount": "duplicateValues",
    "validValues": "invalidValues",
}

_UNITS = ("rows", "percent")


@dataclass(frozen=True)
class LibraryRule:
    """One library rule, read: ``metric`` (a :data:`LIBRARY_METRICS` name), ``operator`` (an
    :data:`OPERATORS` key), ``bound`` (a number, or ``(low, high)`` for the range operators),
    ``unit`` (``"rows"`` or ``"percent"``) and ``arguments`` (``validValues``, ``pattern``,
    ``missingValues``, ``properties``)."""

    metric: str
    operator: str
    bound: float | tuple[float, float]
    unit: str = "rows"
    arguments: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``nullValues = 0 rows``, ``rowCount in (100, 120)``."""
        if isinstance(self.bound, tuple):
            shown = f"({_num(self.bound[0])}, {_num(self.bound[1])})"
        else:
            shown = _num(self.bound)
        unit = "" if self.metric == "rowCount" else (" %" if self.unit == "percent" else " rows")
        return f"{self.metric} {OPERATORS[self.operator]} {shown}{unit}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def rule_type(rule: Mapping[str, Any]) -> str:
    """The rule's type: its ``type``, else ``library`` when it names a ``metric`` (or the
    deprecated ``rule``), else ``text`` when it only describes (``library`` otherwise)."""
    kind = rule.get("type")
    if kind is not None:
        return str(kind)
    if "metric" in rule or "rule" in rule:
        return "library"
    if "query" in rule:
        return "sql"
    if "engine" in rule or "implementation" in rule:
        return "custom"
    return "library"


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


def operator_of(rule: Mapping[str, Any], where: str) -> tuple[str, Any] | None:
    """The one operator of ``rule`` and its value, None when it has none. Several operators,
    or a value of the wrong type, is a ConfigError naming ``where``."""
    found = [key for key in OPERATORS if key in rule]
    if not found:
        return None
    if len(found) > 1:
        raise ConfigError(
            f"{where}: a rule takes one operator, got {', '.join(found)}; split it into one rule per "
            "operator."
        )
    key = found[0]
    value = rule[key]
    if key in _RANGE_OPERATORS:
        if (
            not isinstance(value, (list, tuple))
            or len(value) != 2
            or not all(_is_number(v) for v in value)
            or not value[0] < value[1]
        ):
            raise ConfigError(
                f"{where}: {key} takes two numbers, smallest first (e.g. {key}: [0, 100]), got {value!r}."
            )
        return key, (value[0], value[1])
    if not _is_number(value):
        raise ConfigError(f"{where}: {key} takes a number, got {value!r}.")
    return key, value


def library_rule(rule: Mapping[str, Any], where: str) -> LibraryRule | str:
    """A library rule read into a :class:`LibraryRule`, or the reason (a sentence) why mlgates
    cannot evaluate it: an unknown metric, a unit other than rows or percent, a metric missing
    the arguments it needs. A malformed rule (several operators, a bound that is not a number,
    ``arguments`` that is not a mapping) is a ConfigError naming ``where``.

    Count metrics without an operator mean "none at all" (``mustBe: 0``), as in ODCS v3.0's
    ``rule: validValues`` examples; ``rowCount`` needs an operator.
    """
    metric = rule.get("metric", rule.get("rule"))
    if not isinstance(metric, str):
        return f"a library rule names its metric (metric: one of {', '.join(LIBRARY_METRICS)})"
    metric = METRIC_ALIASES.get(metric, metric)
    if metric not in LIBRARY_METRICS:
        hint = did_you_mean(metric, LIBRARY_METRICS)
        return f"unknown library metric {metric!r}.{hint} mlgates evaluates {', '.join(LIBRARY_METRICS)}"
    arguments = rule.get("arguments", {})
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise ConfigError(f"{where}: arguments must be a mapping, got {type(arguments).__name__}.")
    arguments = dict(arguments)
    if "validValues" in rule:  # ODCS v3.0: validValues beside the rule
        arguments.setdefault("validValues", rule["validValues"])
    unit = rule.get("unit", "rows")
    if unit not in _UNITS:
        return f"unit {unit!r} (mlgates evaluates rows or percent)"
    if metric == "rowCount" and unit != "rows":
        return "rowCount counts rows; a percent unit has no meaning"
    op = operator_of(rule, where)
    if op is None:
        if metric == "rowCount":
            return "rowCount needs an operator (mustBeGreaterThan: 0, mustBeBetween: [100, 120], ...)"
        op = ("mustBe", 0)
    if metric == "invalidValues" and "validValues" not in arguments and "pattern" not in arguments:
        return "invalidValues needs arguments.validValues or arguments.pattern"
    if metric == "missingValues" and not isinstance(arguments.get("missingValues"), list):
        return "missingValues needs arguments.missingValues, a list of the values that count as missing"
    if "validValues" in arguments and not isinstance(arguments["validValues"], list):
        raise ConfigError(f"{where}: validValues must be a list, got {arguments['validValues']!r}.")
    if "pattern" in arguments and not isinstance(arguments["pattern"], str):
        raise ConfigError(f"{where}: pattern must be a string, got {arguments['pattern']!r}.")
    properties = arguments.get("properties")
    if properties is not None and (
        not isinstance(properties, list) or not properties or not all(isinstance(p, str) for p in properties)
    ):
        raise ConfigError(
            f"{where}: arguments.properties must be a list of property names, got {properties!r}."
        )
    return LibraryRule(metric, op[0], op[1], unit, arguments)


def satisfies(value: float, operator: str, bound: Any) -> bool:
    """Whether ``value`` meets ``operator`` with ``bound`` (a NaN value never does).

    Examples
    --------
    >>> satisfies(0, "mustBe", 0), satisfies(120, "mustBeBetween", (100, 120))
    (True, False)
    >>> satisfies(float("nan"), "mustNotBe", 3)
    False
    """
    if value != value:  # NaN: fail closed
        return False
    if operator == "mustBe":
        return bool(value == bound)
    if operator == "mustNotBe":
        return bool(value != bound)
    if operator == "mustBeGreaterThan":
        return bool(value > bound)
    if operator == "mustBeGreaterOrEqualTo":
        return bool(value >= bound)
    if operator == "mustBeLessThan":
        return bool(value < bound)
    if operator == "mustBeLessOrEqualTo":
        return bool(value <= bound)
    low, high = bound
    inside = bool(low < value < high)
    if operator == "mustBeBetween":
        return inside
    if operator == "mustNotBeBetween":
        return not inside
    raise ValueError(f"unknown operator {operator!r}")
