"""Write a suite of gates as an Open Data Contract Standard (ODCS v3.1.0) contract.

The inverse of :func:`~mlgates.contracts.from_odcs`: each gate becomes what ODCS says for it
(a property's ``logicalType``, ``required``, ``unique``, ``logicalTypeOptions``, a library
quality rule) when ODCS can say it exactly, and otherwise a ``custom`` rule of the engine
``mlgates`` whose ``implementation`` is the gate's config, which ``from_odcs`` reads back. So
``from_odcs(to_odcs(suite))`` checks what ``suite`` checks, and ``to_odcs(from_odcs(contract))``
keeps every rule of the contract (its descriptions, owners, servers and the like are not rules
and are not kept).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from mlgates.contracts._odcs_read import (
    ENVIRONMENTS_PROPERTY,
    KIND_PROPERTY,
    LOGICAL_TO_KIND,
    MLGATES_ENGINE,
    blocks,
    unwrap_pattern,
)
from mlgates.core._io import atomic_write
from mlgates.core.config import gate_to_config
from mlgates.core.errors import ConfigError
from mlgates.core.gate import Gate

__all__ = ["API_VERSION", "to_odcs"]

#: The ODCS version written.
API_VERSION = "v3.1.0"

#: SchemaGate kind -> the ODCS logicalType written (a kind that does not read back as itself
#: also gets a ``customProperties`` entry :data:`KIND_PROPERTY`).
_KIND_TO_LOGICAL = {
    "string": "string",
    "categorical": "string",
    "integer": "integer",
    "float": "number",
    "numeric": "number",
    "boolean": "boolean",
    "datetime": "timestamp",
    "nested": "object",
}
_SYNTHETIC = ("logicalType", "logicalTypeOptions", "properties", "items")
_ARRAY_OPTIONS = ("minItems", "maxItems", "uniqueItems")


def _percent(share: float) -> float | int:
    """A share as the percent written in a contract (0.07 -> 7, not 7.000000000000001)."""
    value = Decimal(repr(float(share))) * 100
    return int(value) if value == value.to_integral_value() else float(value)


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value


class _Object:
    """One table of the contract, built gate by gate."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.properties: dict[str, dict[str, Any]] = {}
        self.quality: list[dict[str, Any]] = []
        self.string_options: set[str] = set()
        self.has_rules: set[str] = set()
        self.environments: Any = None

    def prop(self, column: Any) -> dict[str, Any]:
        return self.properties.setdefault(str(column), {"name": str(column)})

    def options(self, column: str) -> dict[str, Any]:
        return self.prop(column).setdefault("logicalTypeOptions", {})  # type: ignore[no-any-return]

    def rule(self, column: str | None, rule: dict[str, Any], name: Any = None) -> None:
        if isinstance(name, str):
            rule = {"name": name, **rule}
        if column is None:
            self.quality.append(rule)
        else:
            self.prop(column).setdefault("quality", []).append(rule)
            self.has_rules.add(column)

    def embed(self, config: Mapping[str, Any]) -> None:
        self.quality.append({"type": "custom", "engine": MLGATES_ENGINE, "implementation": dict(config)})

    # -- gates ------------------------------------------------------------------------------
    def add(self, gate: Gate) -> None:
        config = gate_to_config(gate)
        kind = config["type"]
        keys = set(config) - {"type", "name"}
        name = config.get("name")
        handler = getattr(self, f"_{kind}", None)
        if kind == "Suite":
            if keys <= {"gates"}:
                for member in gate.get_params()["gates"]:
                    self.add(member)
                return
        elif handler is not None and handler(config, keys, name):
            return
        self.embed(config)

    def _SchemaGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        columns = config.get("columns")
        if not keys <= {"columns", "environments"} or columns is None:
            return False
        if "environments" in config:
            if self.environments is not None:
                return False  # a second SchemaGate with environments: keep it whole
            self.environments = config["environments"]
        kinds = (
            columns
            if isinstance(columns, Mapping)
            else dict.fromkeys([columns] if isinstance(columns, str) else columns)
        )
        for col, want in kinds.items():
            prop = self.prop(col)
            if want is None:
                continue
            logical = _KIND_TO_LOGICAL.get(str(want))
            if logical is not None:
                prop["logicalType"] = logical
            if logical is None or LOGICAL_TO_KIND[logical] != want:
                prop.setdefault("customProperties", []).append({"property": KIND_PROPERTY, "value": want})
        return True

    def _MissingValuesGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        columns = config.get("columns")
        if not keys <= {"columns", "max_share"} or columns is None:
            return False
        share = config.get("max_share", 0.0)
        for col in [columns] if isinstance(columns, str) else columns:
            limit = share.get(col, 0.0) if isinstance(share, Mapping) else share
            if limit == 0:
                self.prop(col)["required"] = True
            else:
                rule = {"metric": "nullValues", "mustBeLessOrEqualTo": _percent(limit), "unit": "percent"}
                self.rule(col, rule, name)
        return True

    def _UniqueGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        if not keys <= {"columns"}:
            return False
        columns = config["columns"]
        for key in [columns] if isinstance(columns, str) else columns:
            names = [key] if isinstance(key, str) else list(key)
            if len(names) == 1:
                self.prop(names[0])["unique"] = True
            else:
                for col in names:
                    self.prop(col)
                self.rule(
                    None, {"metric": "duplicateValues", "mustBe": 0, "arguments": {"properties": names}}
                )
        return True

    def _CategoryGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        if not keys <= {"allowed", "on_new"} or not config.get("allowed"):
            return False
        for col, values in config["allowed"].items():
            rule = {"metric": "invalidValues", "mustBe": 0, "arguments": {"validValues": list(values)}}
            self.rule(col, rule, name)
        return True

    def _RangeGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        if not keys <= {"bounds", "inclusive", "columns", "min_value", "max_value"}:
            return False
        specs: dict[str, Mapping[str, Any]] = dict(config.get("bounds") or {})
        if "min_value" in config or "max_value" in config:
            columns = config.get("columns")
            if columns is None:
                return False  # every numeric column: ODCS names properties
            shared = {"min": config.get("min_value"), "max": config.get("max_value")}
            for col in [columns] if isinstance(columns, str) else columns:
                specs.setdefault(col, {k: v for k, v in shared.items() if v is not None})
        if any(
            set(self.properties.get(c, {}).get("logicalTypeOptions", {})) & {"minimum", "maximum"}
            for c in specs
        ):
            return False  # a second range on a column: keep the gate whole
        inclusive = config.get("inclusive", "both")
        for col, spec in specs.items():
            options = self.options(col)
            if spec.get("min") is not None:
                key = "minimum" if inclusive in ("both", "left") else "exclusiveMinimum"
                options[key] = _number(spec["min"])
            if spec.get("max") is not None:
                key = "maximum" if inclusive in ("both", "right") else "exclusiveMaximum"
                options[key] = _number(spec["max"])
        return True

    def _StringGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        columns = config.get("columns")
        if not keys <= {"columns", "pattern", "min_length", "max_length"} or columns is None:
            return False
        pattern = config.get("pattern")
        contract_pattern = unwrap_pattern(pattern) if pattern is not None else None
        if pattern is not None and contract_pattern is None:
            return False  # a Python full-match pattern: ODCS patterns match anywhere
        columns = [columns] if isinstance(columns, str) else list(columns)
        lengths = "min_length" in config or "max_length" in config
        as_options = name is None and not any(
            c in self.string_options or c in self.has_rules for c in columns
        )
        if not as_options and lengths:
            return False
        for col in columns:
            if as_options:
                options = self.options(col)
                if contract_pattern is not None:
                    options["pattern"] = contract_pattern
                if "min_length" in config:
                    options["minLength"] = config["min_length"]
                if "max_length" in config:
                    options["maxLength"] = config["max_length"]
                self.string_options.add(col)
            else:
                rule = {"metric": "invalidValues", "mustBe": 0, "arguments": {"pattern": contract_pattern}}
                self.rule(col, rule, name)
        return True

    def _RowCountGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        if not keys <= {"min_rows", "max_rows"}:
            return False
        low = config.get("min_rows", 1)
        if low > 0:
            self.rule(None, {"metric": "rowCount", "mustBeGreaterOrEqualTo": low}, name)
        if config.get("max_rows") is not None:
            self.rule(None, {"metric": "rowCount", "mustBeLessOrEqualTo": config["max_rows"]}, name)
        return True

    def _ContractRuleGate(self, config: dict[str, Any], keys: set[str], name: Any) -> bool:
        if not keys <= {"rule", "column", "blocking"}:
            return False
        rule, column = dict(config["rule"]), config.get("column")
        if config.get("blocking", True) != blocks(rule):
            return False  # the rule's severity would read back otherwise: keep the gate whole
        if column is not None and rule and set(rule) <= set(_SYNTHETIC) and set(rule) != {"logicalType"}:
            prop = self.prop(column)
            for key, value in rule.items():
                if key == "logicalTypeOptions":
                    prop.setdefault("logicalTypeOptions", {}).update(value)
                else:
                    prop[key] = value
            return True
        self.rule(column, rule)
        return True

    def document(self) -> dict[str, Any]:
        for prop in self.properties.values():  # nested: an array when it has items or array options
            if prop.get("logicalType") == "object" and (
                "items" in prop or set(prop.get("logicalTypeOptions", {})) & set(_ARRAY_OPTIONS)
            ):
                prop["logicalType"] = "array"
        out: dict[str, Any] = {"name": self.name, "properties": list(self.properties.values())}
        if self.environments is not None:
            out["customProperties"] = [{"property": ENVIRONMENTS_PROPERTY, "value": self.environments}]
        if self.quality:
            out["quality"] = self.quality
        return out


def to_odcs(suite: Gate | Mapping[str, Gate], path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """An ODCS v3.1.0 contract (a mapping) stating what ``suite`` checks.

    Parameters
    ----------
    suite : Gate or mapping of table name to Gate
        A suite (or one gate) for one table, named after the suite (``"table"`` when it has no
        name); or several, one per table.
    path : str or path, optional
        Also write the contract there, atomically: YAML (``.yaml``/``.yml``, needs
        ``pip install mlgates[yaml]``) or JSON (``.json``).

    Returns
    -------
    dict
        The contract: ``apiVersion``, ``kind``, ``id`` (derived from the table names),
        ``version`` ``"1.0.0"``, ``status`` ``"draft"`` and one ``schema`` entry per table.
        Gates ODCS cannot express exactly (tolerances other than "none", ``warn_*`` levels,
        drift and performance gates, ...) are ``custom`` rules of the engine ``mlgates``.

    Examples
    --------
    >>> from mlgates import MissingValuesGate, RowCountGate, SchemaGate, Suite
    >>> suite = Suite(
    ...     [SchemaGate(columns={"id": "integer"}), MissingValuesGate(columns=["id"]),
    ...      RowCountGate(min_rows=10)],
    ...     name="orders",
    ... )
    >>> contract = to_odcs(suite)
    >>> contract["schema"][0]["properties"]
    [{'name': 'id', 'logicalType': 'integer', 'required': True}]
    >>> contract["schema"][0]["quality"]
    [{'metric': 'rowCount', 'mustBeGreaterOrEqualTo': 10}]
    """
    tables = dict(suite) if isinstance(suite, Mapping) else {suite.name or "table": suite}
    if not tables:
        raise ConfigError("to_odcs needs at least one suite")
    objects = []
    for table, gate in tables.items():
        if not isinstance(gate, Gate):
            raise ConfigError(f"to_odcs: {table!r} maps to a {type(gate).__name__}, not a gate or suite")
        obj = _Object(str(table))
        obj.add(gate)
        objects.append(obj.document())
    contract = {
        "apiVersion": API_VERSION,
        "kind": "DataContract",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "mlgates:" + "/".join(map(str, tables)))),
        "version": "1.0.0",
        "status": "draft",
        "schema": objects,
    }
    if path is not None:
        _write(contract, Path(path))
    return contract


def _write(contract: dict[str, Any], path: Path) -> None:
    if path.suffix.lower() == ".json":
        text = json.dumps(contract, indent=2, ensure_ascii=False) + "\n"
    else:
        try:
            import yaml
        except ImportError:
            raise ImportError(
                "writing ODCS contracts as YAML needs PyYAML: pip install mlgates[yaml]"
            ) from None
        text = "# ODCS contract written by mlgates (to_odcs)\n" + yaml.safe_dump(
            contract, sort_keys=False, allow_unicode=True
        )
    atomic_write(path, text)
