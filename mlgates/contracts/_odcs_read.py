"""Read an Open Data Contract Standard (ODCS v3.x) contract into a suite of gates.

One table of the contract (one element of its ``schema`` list) becomes one :class:`~mlgates.Suite`
named after it. The mapping (docs/contracts.md has the full table):

- the properties and their ``logicalType`` -> ``SchemaGate`` (``number`` is ``numeric``,
  ``date``/``timestamp`` are ``datetime``, ``object``/``array`` are ``nested``; a
  ``customProperties`` entry ``mlgatesKind`` names an exact kind or dtype; the table's
  ``customProperties`` entry ``mlgatesEnvironments`` holds its ``environments``);
- ``required: true``, and ``nullValues`` rules that allow none -> one ``MissingValuesGate``
  (share 0);
- ``unique: true``, the primary key (in ``primaryKeyPosition`` order) and ``duplicateValues``
  rules that allow none -> one ``UniqueGate``;
- ``logicalTypeOptions`` ``minimum``/``maximum``/``exclusiveMinimum``/``exclusiveMaximum`` of
  numbers -> ``RangeGate`` (one per kind of inclusiveness); ``pattern``/``minLength``/``maxLength``
  of strings -> a ``StringGate`` per column, listed with that property's rules;
- ``rowCount`` rules with ``mustBe``, ``mustBeGreaterThan``, ... -> one ``RowCountGate`` (their
  intersection);
- ``invalidValues`` rules allowing none: ``validValues`` of a string property -> ``CategoryGate``,
  ``pattern`` -> ``StringGate``; ``nullValues`` with ``mustBeLessOrEqualTo`` in percent ->
  ``MissingValuesGate(max_share=...)``;
- ``custom`` rules of the engine ``mlgates`` -> the gate their ``implementation`` configures;
- every other rule and option -> :class:`~mlgates.ContractRuleGate`, which evaluates the
  library metrics exactly and is an ERROR (reason ``unsupported_rule``) for what mlgates cannot
  run: SQL, other engines, unknown metrics and options (a ``text`` rule is SKIP);
- a rule with ``severity: warning`` (or ``info``) -> its own ``ContractRuleGate`` with
  ``blocking=False``: broken, it WARNs instead of failing the suite (an ERROR stays an ERROR).

A document that is not ODCS v3 (a wrong ``apiVersion``, several operators in one rule, a bound
that is not a number) is a :class:`~mlgates.ConfigError` at load time; a valid rule mlgates
cannot run fails closed at check time. Patterns match anywhere in the value, as the standard's
ECMA-262 patterns do (the ``StringGate`` pattern is wrapped accordingly); they run with Python's
``re`` (RE2 on Arrow-backed strings), whose ``\\d`` and ``\\w`` also match non-ASCII digits and
letters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any

from mlgates.contracts._rules import LibraryRule, library_rule, rule_type
from mlgates.core._suggest import did_you_mean
from mlgates.core.config import gate_from_config
from mlgates.core.errors import ConfigError
from mlgates.core.gate import Gate

__all__ = [
    "ENVIRONMENTS_PROPERTY",
    "KIND_PROPERTY",
    "LOGICAL_TO_KIND",
    "MLGATES_ENGINE",
    "NON_BLOCKING_SEVERITIES",
    "blocks",
    "from_odcs",
    "load_yaml",
    "odcs_document",
    "unwrap_pattern",
    "wrap_pattern",
]

#: ODCS logicalType -> SchemaGate kind (None: presence only; ``time`` has no pandas kind).
LOGICAL_TO_KIND: Mapping[str, str | None] = {
    "string": "string",
    "integer": "integer",
    "number": "numeric",
    "boolean": "boolean",
    "date": "datetime",
    "timestamp": "datetime",
    "time": None,
    "object": "nested",
    "array": "nested",
}
#: The logicalType ``to_odcs`` writes for a kind (the types that read back as themselves).
_KIND_LOGICAL: Mapping[str | None, str] = {
    "string": "string",
    "integer": "integer",
    "numeric": "number",
    "boolean": "boolean",
    "datetime": "timestamp",
    "nested": "object",
}
#: A property's ``customProperties`` entry holding its exact SchemaGate kind or dtype name.
KIND_PROPERTY = "mlgatesKind"
#: A table's ``customProperties`` entry holding SchemaGate's ``environments`` (training, serving).
ENVIRONMENTS_PROPERTY = "mlgatesEnvironments"
#: The ``engine`` of ``custom`` rules whose ``implementation`` is an mlgates gate config.
MLGATES_ENGINE = "mlgates"

#: ODCS ``severity`` values of a rule that should not fail a suite (the standard's examples are
#: info, warning, error; any other value blocks).
NON_BLOCKING_SEVERITIES = ("info", "warning")

_NUMBER_OPTIONS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_STRING_OPTIONS = ("pattern", "minLength", "maxLength")
#: Options that describe a representation, not a rule on values (not checked, not kept).
_DESCRIPTIVE_OPTIONS = ("timezone", "defaultTimezone")
_INCLUSIVE = {(True, True): "both", (True, False): "left", (False, True): "right", (False, False): "neither"}

_WRAP_HEAD, _WRAP_TAIL = "(?s:.*?)(?:", ")(?s:.*)"


def wrap_pattern(pattern: str) -> str:
    """An ODCS (JSON Schema, ECMA-262 style) pattern, which matches anywhere in a value, as a
    full-match pattern (what ``StringGate`` takes). Python's ``re`` and RE2 (Arrow strings) read it.

    >>> import re
    >>> bool(re.fullmatch(wrap_pattern(r"[0-9]{2}"), "ab12cd"))
    True
    """
    return f"{_WRAP_HEAD}{pattern}{_WRAP_TAIL}"


def unwrap_pattern(pattern: str) -> str | None:
    """The contract pattern :func:`wrap_pattern` wrapped, or None for any other pattern."""
    if pattern.startswith(_WRAP_HEAD) and pattern.endswith(_WRAP_TAIL):
        return pattern[len(_WRAP_HEAD) : -len(_WRAP_TAIL)]
    return None


def load_yaml(text: str, where: str) -> Any:
    """YAML text as plain data (no tags, no code; dates stay text). Needs PyYAML."""
    try:
        import yaml
    except ImportError:
        raise ImportError("reading ODCS contracts (YAML) needs PyYAML: pip install mlgates[yaml]") from None

    class _Loader(yaml.SafeLoader):  # type: ignore[misc, name-defined]
        pass

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None


def odcs_document(source: Any, where: str | None = None) -> tuple[Mapping[str, Any], str]:
    """The contract as a mapping, checked to be ODCS v3, and a name for messages."""
    if isinstance(source, Mapping):
        doc, where = source, where or "ODCS contract"
    elif not isinstance(source, (str, PathLike)):
        raise ConfigError(
            f"{where or 'ODCS contract'}: an ODCS contract is a mapping (apiVersion, kind, schema, ...) "
            f"or the path of a YAML/JSON file, got {type(source).__name__}."
        )
    else:
        path = Path(source)
        where = where or str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read the contract ({exc.strerror or exc}).") from exc
        except UnicodeDecodeError:
            raise ConfigError(f"{where}: not UTF-8 text.") from None
        doc = load_yaml(text, where)
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{where}: an ODCS contract is a mapping (apiVersion, kind, schema, ...).")
    version = doc.get("apiVersion")
    if not isinstance(version, str) or not re.fullmatch(r"v3(\.\d+)*", version):
        raise ConfigError(
            f"{where}: apiVersion {version!r} is not ODCS v3 (v3.0.x, v3.1.0); "
            "mlgates reads ODCS v3 contracts."
        )
    if doc.get("kind", "DataContract") != "DataContract":
        raise ConfigError(f"{where}: kind {doc.get('kind')!r} is not 'DataContract'.")
    objects = doc.get("schema")
    if not isinstance(objects, list) or not objects:
        raise ConfigError(f"{where}: the contract has no schema (a list of tables with their properties).")
    for i, obj in enumerate(objects):
        if not isinstance(obj, Mapping) or not isinstance(obj.get("name"), str):
            raise ConfigError(f"{where}: schema[{i}] needs a name (the table it describes).")
    return doc, where


def _pick(doc: Mapping[str, Any], object_name: str | None, where: str) -> Mapping[str, Any]:
    objects = doc["schema"]
    names = [obj["name"] for obj in objects]
    if object_name is None:
        if len(objects) == 1:
            return objects[0]  # type: ignore[no-any-return]
        raise ConfigError(
            f"{where}: the contract describes {len(names)} tables ({', '.join(map(repr, names))}); "
            f"choose one: object_name={names[0]!r}."
        )
    if object_name not in names:
        raise ConfigError(
            f"{where}: no table {object_name!r} in the contract.{did_you_mean(object_name, names)} "
            f"Tables: {', '.join(map(repr, names))}."
        )
    return objects[names.index(object_name)]  # type: ignore[no-any-return]


def _share(percent: float) -> float:
    """A percent bound as a share, exactly as written (7 -> 0.07, not 0.07000000000000001)."""
    return float(Decimal(repr(percent)) / 100)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _Table:
    """The gates of one table, gathered property by property."""

    def __init__(self, obj: Mapping[str, Any], where: str) -> None:
        self.obj = obj
        self.where = f"{where}: {obj['name']}"
        self.kinds: dict[str, str | None] = {}
        self.required: list[str] = []
        self.keys: list[str | list[str]] = []
        self.ranges: dict[str, dict[str, Any]] = {}
        self.range_modes: dict[str, str] = {}
        self.min_rows: int | None = None
        self.max_rows: int | None = None
        self.rules: list[dict[str, Any]] = []
        self.environments: Any = None
        for entry in obj.get("customProperties") or []:
            if isinstance(entry, Mapping) and entry.get("property") == ENVIRONMENTS_PROPERTY:
                self.environments = entry.get("value")

    # -- helpers --------------------------------------------------------------------------
    def unsupported(self, rule: Mapping[str, Any], column: str | None) -> None:
        config: dict[str, Any] = {"type": "ContractRuleGate", "rule": dict(rule)}
        if column is not None:
            config["column"] = column
        if not blocks(rule):
            config["blocking"] = False
        self.rules.append(config)

    def add_required(self, column: str) -> None:
        if column not in self.required:
            self.required.append(column)

    def add_key(self, names: list[str]) -> None:
        key: str | list[str] = names[0] if len(names) == 1 else list(names)
        if key not in self.keys:
            self.keys.append(key)

    def add_rows(self, low: int | None, high: int | None) -> None:
        if low is not None:
            self.min_rows = low if self.min_rows is None else max(self.min_rows, low)
        if high is not None:
            self.max_rows = high if self.max_rows is None else min(self.max_rows, high)

    # -- properties -----------------------------------------------------------------------
    def property(self, i: int, prop: Any) -> tuple[int, int, str] | None:
        where = f"{self.where}.properties[{i}]"
        if not isinstance(prop, Mapping) or not isinstance(prop.get("name"), str):
            raise ConfigError(f"{where}: a property needs a name.")
        name = prop["name"]
        where = f"{self.where}.{name}"
        if name in self.kinds:
            raise ConfigError(f"{where}: the property is listed twice.")
        logical = prop.get("logicalType")
        if logical is not None and logical not in LOGICAL_TO_KIND:
            raise ConfigError(
                f"{where}: logicalType {logical!r} is not an ODCS type."
                f"{did_you_mean(logical, LOGICAL_TO_KIND)} Types: {', '.join(LOGICAL_TO_KIND)}."
            )
        kind = LOGICAL_TO_KIND.get(logical) if logical is not None else None
        for entry in prop.get("customProperties") or []:
            if isinstance(entry, Mapping) and entry.get("property") == KIND_PROPERTY:
                if not isinstance(entry.get("value"), str):
                    raise ConfigError(
                        f"{where}: customProperties {KIND_PROPERTY} must be a kind or dtype name."
                    )
                kind = entry["value"]
        self.kinds[name] = kind
        for flag in ("required", "unique", "primaryKey"):
            if prop.get(flag) not in (None, True, False):
                raise ConfigError(f"{where}: {flag} must be true or false, got {prop.get(flag)!r}.")
        if prop.get("required") is True:
            self.add_required(name)
        if prop.get("unique") is True:
            self.add_key([name])
        self.options(name, logical, prop, where)
        nested: dict[str, Any] = {k: prop[k] for k in ("properties", "items") if prop.get(k)}
        if nested and logical is not None:
            nested = {"logicalType": logical, **nested}
        if nested:
            self.unsupported(nested, name)
        for j, rule in enumerate(prop.get("quality") or []):
            self.rule(rule, name, f"{where}.quality[{j}]")
        if prop.get("primaryKey") is True:
            position = prop.get("primaryKeyPosition", -1)
            return (position if isinstance(position, int) and position > 0 else 1 << 30, i, name)
        return None

    def options(self, name: str, logical: str | None, prop: Mapping[str, Any], where: str) -> None:
        raw = prop.get("logicalTypeOptions")
        if raw is None:
            return
        if isinstance(raw, list):  # an ODCS v3.0 example writes one mapping per option
            merged: dict[str, Any] = {}
            for item in raw:
                if not isinstance(item, Mapping):
                    raise ConfigError(f"{where}: logicalTypeOptions must be a mapping.")
                merged.update(item)
            raw = merged
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: logicalTypeOptions must be a mapping, got {type(raw).__name__}.")
        numeric = logical in (None, "integer", "number")
        text = logical in (None, "string")
        left: dict[str, Any] = {}
        bounds = {k: raw[k] for k in _NUMBER_OPTIONS if k in raw}
        if bounds and numeric and all(_is_number(v) or isinstance(v, bool) for v in bounds.values()):
            self.range(name, bounds, where)
        elif bounds:
            left.update(bounds)  # dates and times: not checked by a gate here
        strings = {k: raw[k] for k in _STRING_OPTIONS if k in raw}
        if strings and text:
            self.string(name, strings, where, left)
        elif strings:
            left.update(strings)
        for key, value in raw.items():
            if key in _NUMBER_OPTIONS or key in _STRING_OPTIONS or key in _DESCRIPTIVE_OPTIONS:
                continue
            if key == "format" and logical != "string":
                continue  # the layout of a date or the width of a number: descriptive
            left[key] = value
        if left:
            rule: dict[str, Any] = {"logicalTypeOptions": left}
            if logical is not None and _KIND_LOGICAL.get(LOGICAL_TO_KIND[logical]) != logical:
                rule = {"logicalType": logical, **rule}  # options depend on the type: keep it
            self.unsupported(rule, name)

    def range(self, name: str, bounds: Mapping[str, Any], where: str) -> None:
        low = high = None
        low_incl = high_incl = True
        if isinstance(bounds.get("minimum"), (int, float)) and not isinstance(bounds.get("minimum"), bool):
            low = bounds["minimum"]
        if isinstance(bounds.get("maximum"), (int, float)) and not isinstance(bounds.get("maximum"), bool):
            high = bounds["maximum"]
        ex_low, ex_high = bounds.get("exclusiveMinimum"), bounds.get("exclusiveMaximum")
        if ex_low is True:  # ODCS v3.0: a flag on minimum
            low_incl = False
        elif _is_number(ex_low) and not isinstance(ex_low, bool) and (low is None or ex_low >= low):
            low, low_incl = ex_low, False
        if ex_high is True:
            high_incl = False
        elif _is_number(ex_high) and not isinstance(ex_high, bool) and (high is None or ex_high <= high):
            high, high_incl = ex_high, False
        if low is None and high is None:
            raise ConfigError(
                f"{where}: exclusiveMinimum/exclusiveMaximum given as flags need minimum/maximum."
            )
        spec = {}
        if low is not None:
            spec["min"] = low
        if high is not None:
            spec["max"] = high
        self.ranges[name] = spec
        self.range_modes[name] = _INCLUSIVE[
            (low_incl if low is not None else True, high_incl if high is not None else True)
        ]

    def string(self, name: str, options: Mapping[str, Any], where: str, left: dict[str, Any]) -> None:
        config: dict[str, Any] = {"type": "StringGate", "columns": name}
        pattern = options.get("pattern")
        if pattern is not None:
            if not isinstance(pattern, str):
                raise ConfigError(f"{where}: pattern must be a string, got {pattern!r}.")
            if not _runs(wrap_pattern(pattern)):
                left["pattern"] = pattern  # ContractRuleGate says why it cannot run
            else:
                config["pattern"] = wrap_pattern(pattern)
        for key, param in (("minLength", "min_length"), ("maxLength", "max_length")):
            if key in options:
                value = options[key]
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ConfigError(f"{where}: {key} must be a whole number >= 0, got {value!r}.")
                config[param] = value
        if len(config) > 2:
            self.rules.append(config)  # in the property's sequence: see to_odcs

    # -- rules ------------------------------------------------------------------------------
    def rule(self, rule: Any, column: str | None, where: str) -> None:
        if not isinstance(rule, Mapping):
            raise ConfigError(f"{where}: a quality rule is a mapping, got {type(rule).__name__}.")
        kind = rule_type(rule)
        if kind == "custom" and rule.get("engine") == MLGATES_ENGINE:
            self.rules.append(_embedded(rule, where))
            return
        if kind != "library" or not blocks(rule):  # a warning rule stays one rule of its own
            if kind == "library":
                library_rule(rule, where)  # malformed: a ConfigError now, as for any library rule
            self.unsupported(rule, column)
            return
        parsed = library_rule(rule, where)
        if isinstance(parsed, str) or not self.mapped(parsed, rule, column):
            self.unsupported(rule, column)

    def mapped(self, rule: LibraryRule, raw: Mapping[str, Any], column: str | None) -> bool:
        """Express ``rule`` with a gate when a gate expresses it exactly; False otherwise."""
        zero = rule.operator == "mustBe" and rule.bound == 0
        named = {"name": raw["name"]} if isinstance(raw.get("name"), str) else {}
        if rule.metric == "rowCount":
            return self.row_count(rule)
        if rule.metric == "duplicateValues" and zero:
            properties = rule.arguments.get("properties")
            if properties or column is not None:
                self.add_key(list(properties) if properties else [column])  # type: ignore[list-item]
                return True
            return False
        if column is None:
            return False
        if rule.metric == "nullValues":
            if zero:
                self.add_required(column)
                return True
            if rule.unit == "percent" and rule.operator == "mustBeLessOrEqualTo" and 0 <= rule.bound <= 100:  # type: ignore[operator]
                share = _share(rule.bound)  # type: ignore[arg-type]
                self.rules.append(
                    {"type": "MissingValuesGate", "columns": [column], "max_share": share, **named}
                )
                return True
            return False
        if rule.metric == "invalidValues" and zero:
            valid, pattern = rule.arguments.get("validValues"), rule.arguments.get("pattern")
            if valid is not None and pattern is None:
                values = [v for v in valid if v is not None]
                if self.kinds.get(column) != "string" and not all(isinstance(v, str) for v in values):
                    return False
                self.rules.append({"type": "CategoryGate", "allowed": {column: values}, **named})
                return True
            if pattern is not None and valid is None and _runs(wrap_pattern(pattern)):
                self.rules.append(
                    {"type": "StringGate", "columns": column, "pattern": wrap_pattern(pattern), **named}
                )
                return True
        return False

    def row_count(self, rule: LibraryRule) -> bool:
        op, bound = rule.operator, rule.bound
        if isinstance(bound, tuple):
            if op != "mustBeBetween":
                return False
            low, high = bound
            self.add_rows(math.floor(low) + 1, math.ceil(high) - 1)
        elif op == "mustBe" and float(bound).is_integer():
            self.add_rows(int(bound), int(bound))
        elif op == "mustBeGreaterThan":
            self.add_rows(math.floor(bound) + 1, None)
        elif op == "mustBeGreaterOrEqualTo":
            self.add_rows(math.ceil(bound), None)
        elif op == "mustBeLessThan":
            self.add_rows(None, math.ceil(bound) - 1)
        elif op == "mustBeLessOrEqualTo":
            self.add_rows(None, math.floor(bound))
        else:
            return False
        return True

    # -- the suite --------------------------------------------------------------------------
    def gates(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if self.kinds:
            schema: dict[str, Any] = {"type": "SchemaGate", "columns": dict(self.kinds)}
            if self.environments is not None:
                schema["environments"] = self.environments  # checked by SchemaGate itself
            out.append(schema)
        elif self.environments is not None:
            raise ConfigError(
                f"{self.where}: customProperties {ENVIRONMENTS_PROPERTY} needs the table's properties."
            )
        if self.required:
            out.append({"type": "MissingValuesGate", "columns": list(self.required)})
        if self.keys:
            out.append({"type": "UniqueGate", "columns": list(self.keys)})
        for mode in _INCLUSIVE.values():
            bounds = {c: b for c, b in self.ranges.items() if self.range_modes[c] == mode}
            if bounds:
                config: dict[str, Any] = {"type": "RangeGate", "bounds": bounds}
                if mode != "both":
                    config["inclusive"] = mode
                out.append(config)
        if self.min_rows is not None or self.max_rows is not None:
            low = max(self.min_rows or 0, 0)
            if self.max_rows is not None and self.max_rows < low:
                raise ConfigError(
                    f"{self.where}: the rowCount rules contradict each other (at least {low} and at most "
                    f"{self.max_rows} rows)."
                )
            rows: dict[str, Any] = {"type": "RowCountGate", "min_rows": low}
            if self.max_rows is not None:
                rows["max_rows"] = self.max_rows
            out.append(rows)
        out.extend(self.rules)
        return out


def blocks(rule: Mapping[str, Any]) -> bool:
    """Whether a broken rule fails the suite: False for ``severity: warning`` or ``info`` (its
    gate is built with ``blocking=False``, so a FAIL is reported as WARN; an ERROR stays one)."""
    severity = rule.get("severity")
    return not (isinstance(severity, str) and severity.strip().lower() in NON_BLOCKING_SEVERITIES)


def _runs(pattern: str) -> bool:
    """Whether StringGate accepts the pattern (it compiles and cannot backtrack badly)."""
    try:
        gate_from_config({"type": "StringGate", "pattern": pattern})
    except ConfigError:
        return False
    return True


def _embedded(rule: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The gate config of a ``custom`` rule of the ``mlgates`` engine (a mapping or YAML text)."""
    implementation = rule.get("implementation")
    if isinstance(implementation, str):
        implementation = load_yaml(implementation, where)
    if not isinstance(implementation, Mapping):
        raise ConfigError(f"{where}: an mlgates rule's implementation is a gate config with a 'type'.")
    gate_from_config(implementation, where=where)  # refuse an invalid config at load time
    return dict(implementation)


def from_odcs(source: Any, *, object_name: str | None = None, where: str | None = None) -> Gate:
    """The suite of gates an ODCS v3 contract states for one of its tables.

    Parameters
    ----------
    source : str, path or mapping
        An ODCS contract file (YAML or JSON; YAML needs ``pip install mlgates[yaml]``) or the
        contract already read into a mapping.
    object_name : str, optional
        The table (``schema[].name``) to read; needed when the contract describes several.
    where : str, optional
        How the contract is named in error messages (its path by default).

    Returns
    -------
    Suite
        Named after the table; its gates are listed in the module docstring. A rule mlgates
        cannot run becomes a :class:`~mlgates.ContractRuleGate` that returns ERROR at check time.

    Raises
    ------
    ConfigError
        The document is not an ODCS v3 contract, or a rule is malformed (several operators, a
        bound that is not a number, contradictory row counts); the message names the property.

    Examples
    --------
    >>> contract = {
    ...     "apiVersion": "v3.1.0", "kind": "DataContract", "id": "orders", "version": "1.0.0",
    ...     "status": "active",
    ...     "schema": [{"name": "orders", "properties": [
    ...         {"name": "order_id", "logicalType": "string", "required": True, "unique": True},
    ...         {"name": "amount", "logicalType": "number",
    ...          "logicalTypeOptions": {"minimum": 0}},
    ...     ], "quality": [{"metric": "rowCount", "mustBeGreaterThan": 0}]}],
    ... }
    >>> suite = from_odcs(contract)
    >>> [type(g).__name__ for g in suite.gates]
    ['SchemaGate', 'MissingValuesGate', 'UniqueGate', 'RangeGate', 'RowCountGate']
    """
    doc, where = odcs_document(source, where)
    obj = _pick(doc, object_name, where)
    table = _Table(obj, where)
    properties = obj.get("properties") or []
    if not isinstance(properties, list):
        raise ConfigError(f"{table.where}: properties must be a list.")
    keys = [pk for i, prop in enumerate(properties) if (pk := table.property(i, prop)) is not None]
    if keys:
        table.add_key([name for _, _, name in sorted(keys)])
    for j, rule in enumerate(obj.get("quality") or []):
        table.rule(rule, None, f"{table.where}.quality[{j}]")
    return gate_from_config({"type": "Suite", "name": obj["name"], "gates": table.gates()}, where=where)
