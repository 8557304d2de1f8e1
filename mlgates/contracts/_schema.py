"""A table's schema as plain data, read from the gates that state it.

A :class:`TableSchema` holds, per column, what a suite of data-quality gates requires of it:
its kind (``SchemaGate``), whether it must be complete (``MissingValuesGate`` with a share of
0) and unique (``UniqueGate``), its allowed categories (``CategoryGate``), its range
(``RangeGate``) and its string rules (``StringGate``); and the table's row-count bounds
(``RowCountGate``) and composite keys. Tolerances (``max_share`` and the like) and every other
gate are not part of a schema. :class:`~mlgates.SchemaDiffGate` compares two of them.

A schema is read from a gate or suite (:func:`schema_of`), or from what describes one: a gate
config, a suite file, an ODCS contract (:func:`read_schema`). Nothing here imports a gate
class: gates are built from their configs by name (:mod:`mlgates.core.config`) and read back
through ``get_params()``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mlgates.core.config import gate_from_config, load_suite
from mlgates.core.errors import ConfigError
from mlgates.core.gate import Gate

__all__ = ["ColumnSchema", "TableSchema", "read_schema", "schema_of"]

_NUMERIC = ("integer", "float", "numeric")


@dataclass(frozen=True)
class ColumnSchema:
    """What a schema requires of one column; None means "not constrained".

    ``kind`` is a SchemaGate kind or dtype name; ``categories`` the allowed values (sorted by
    their text); ``minimum``/``maximum`` a numeric range with ``min_inclusive``/``max_inclusive``;
    ``pattern`` a regular expression every string matches in full, ``min_length``/``max_length``
    string lengths.
    """

    kind: str | None = None
    required: bool = False
    unique: bool = False
    categories: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class TableSchema:
    """A table's columns (in order) and its table-level rules.

    ``declared`` is False for a schema inferred from a table, which knows names and kinds
    only (whether a column may be missing, and its domain, are properties of a sample, not of
    a schema). ``source`` says where the schema came from, for messages.

    Examples
    --------
    >>> from mlgates import MissingValuesGate, SchemaGate
    >>> schema = schema_of(SchemaGate(columns={"id": "integer"}) & MissingValuesGate(columns=["id"]))
    >>> schema.columns["id"]
    ColumnSchema(kind='integer', required=True, unique=False, categories=None, minimum=None, \
maximum=None, min_inclusive=True, max_inclusive=True, pattern=None, min_length=None, max_length=None)
    """

    columns: Mapping[str, ColumnSchema]
    keys: tuple[tuple[str, ...], ...] = ()
    min_rows: int | None = None
    max_rows: int | None = None
    declared: bool = True
    source: str = field(default="", compare=False)


def _walk(gate: Gate) -> Iterator[Gate]:
    members = gate.get_params().get("gates") if type(gate).__name__ == "Suite" else None
    if members is None:
        yield gate
        return
    for member in members:
        yield from _walk(member)


def _names(columns: Any) -> list[str] | None:
    """A ``columns`` parameter as a list of names (None: every column)."""
    if columns is None:
        return None
    if isinstance(columns, str):
        return [columns]
    return [str(c) for c in columns]


class _Collector:
    """Column attributes gathered gate by gate; several gates on one column intersect."""

    def __init__(self, environment: str | None = None) -> None:
        self.environment = environment
        self.excluded: set[str] = set()
        self.attrs: dict[str, dict[str, Any]] = {}
        self.keys: list[tuple[str, ...]] = []
        self.min_rows: int | None = None
        self.max_rows: int | None = None
        self.every_required = False
        self.except_required: set[str] = set()
        self.wild_ranges: list[dict[str, Any]] = []
        self.wild_strings: list[dict[str, Any]] = []

    def column(self, name: Any) -> dict[str, Any]:
        return self.attrs.setdefault(str(name), {})

    def kind(self, name: str, kind: str | None) -> None:
        attrs = self.column(name)
        if kind is not None and attrs.get("kind") is None:
            attrs["kind"] = kind

    def categories(self, name: str, values: Any) -> None:
        attrs = self.column(name)
        new = [v for v in values if v is not None and v == v]
        old = attrs.get("categories")
        if old is not None:
            new = [v for v in new if v in old]
        attrs["categories"] = new

    def bound(self, name: str, low: Any, high: Any, inclusive: str) -> None:
        attrs = self.column(name)
        if low is not None:
            incl = inclusive in ("both", "left")
            if attrs.get("minimum") is None or (low, not incl) > (
                attrs["minimum"],
                not attrs["min_inclusive"],
            ):
                attrs["minimum"], attrs["min_inclusive"] = low, incl
        if high is not None:
            incl = inclusive in ("both", "right")
            if attrs.get("maximum") is None or (high, incl) < (attrs["maximum"], attrs["max_inclusive"]):
                attrs["maximum"], attrs["max_inclusive"] = high, incl

    def strings(self, name: str, pattern: Any, min_length: Any, max_length: Any) -> None:
        attrs = self.column(name)
        if pattern is not None:
            old = attrs.get("pattern")
            attrs["pattern"] = pattern if old in (None, pattern) else f"(?=(?:{pattern})\\Z)(?:{old})"
        if min_length is not None:
            attrs["min_length"] = max(min_length, attrs.get("min_length") or 0)
        if max_length is not None:
            old = attrs.get("max_length")
            attrs["max_length"] = max_length if old is None else min(old, max_length)

    def add(self, gate: Gate) -> None:
        kind = type(gate).__name__
        p = gate.get_params()
        if kind == "SchemaGate":
            columns = p["columns"]
            if columns is None:
                raise ConfigError(
                    "a SchemaGate with columns=None reads its columns from reference at check time, "
                    "so it states no schema; list the columns (e.g. from save_suite of an inferred suite)"
                )
            extra = self._environment(p.get("environments"))
            if isinstance(columns, Mapping):
                for col, want in {**columns, **extra}.items():
                    self.kind(str(col), want)
            else:
                for col in _names(columns) or []:
                    self.column(col)
                for col, want in extra.items():
                    self.kind(str(col), want)
        elif kind == "MissingValuesGate":
            self._required(_names(p["columns"]), p["max_share"])
        elif kind == "UniqueGate" and p["max_duplicate_share"] == 0:
            for key in [p["columns"]] if isinstance(p["columns"], str) else p["columns"]:
                names = _names(key) or []
                if len(names) == 1:
                    self.column(names[0])["unique"] = True
                elif names and tuple(names) not in self.keys:
                    self.keys.append(tuple(names))
        elif kind == "CategoryGate" and p["allowed"]:
            for col, values in p["allowed"].items():
                self.categories(str(col), values)
        elif kind == "RangeGate":
            for col, spec in (p["bounds"] or {}).items():
                self.bound(str(col), spec.get("min"), spec.get("max"), p["inclusive"])
            if p["min_value"] is not None or p["max_value"] is not None:
                spec = {"low": p["min_value"], "high": p["max_value"], "inclusive": p["inclusive"]}
                cols = _names(p["columns"])
                if cols is None:
                    self.wild_ranges.append(spec)
                for col in cols or []:
                    self.bound(col, spec["low"], spec["high"], spec["inclusive"])
        elif kind == "StringGate":
            spec = {"pattern": p["pattern"], "min_length": p["min_length"], "max_length": p["max_length"]}
            cols = _names(p["columns"])
            if cols is None:
                self.wild_strings.append(spec)
            for col in cols or []:
                self.strings(col, **spec)
        elif kind == "RowCountGate":
            low, high = p.get("min_rows"), p.get("max_rows")
            if low is not None:
                self.min_rows = low if self.min_rows is None else max(self.min_rows, low)
            if high is not None:
                self.max_rows = high if self.max_rows is None else min(self.max_rows, high)

    def _required(self, columns: list[str] | None, share: Any) -> None:
        limits = share if isinstance(share, Mapping) else None
        if columns is None:
            if limits is None and share == 0:
                self.every_required = True
            elif limits is not None:
                self.every_required = True  # unlisted columns use 0.0
                self.except_required |= {str(c) for c, v in limits.items() if v > 0}
                for col, v in limits.items():
                    self.column(col)["required"] = self.column(col).get("required", False) or v == 0
            return
        for col in columns:
            limit = limits.get(col, 0.0) if limits is not None else share
            if limit == 0:
                self.column(col)["required"] = True
            else:
                self.column(col)

    def _environment(self, environments: Mapping[str, Any] | None) -> dict[str, Any]:
        """Columns the chosen environment adds (its ``exclude`` is remembered); a SchemaGate
        without environments is the same schema in every environment."""
        if self.environment is None or not environments:
            return {}
        if self.environment not in environments:
            from mlgates.core._suggest import did_you_mean

            known = sorted(environments)
            raise ConfigError(
                f"environment {self.environment!r} is not defined by the SchemaGate."
                f"{did_you_mean(self.environment, known)} Known environments: {', '.join(map(repr, known))}."
            )
        spec = environments[self.environment]
        exclude = spec.get("exclude", [])
        self.excluded.update([exclude] if isinstance(exclude, str) else exclude)
        added = spec.get("columns", [])
        if isinstance(added, Mapping):
            kinds = {str(c): k for c, k in added.items()}
        else:
            kinds = dict.fromkeys([added] if isinstance(added, str) else [str(c) for c in added])
        self.excluded.difference_update(kinds)
        for col in kinds:  # the environment's kind overrides the schema's
            self.attrs.get(col, {}).pop("kind", None)
        return kinds

    def schema(self, source: str) -> TableSchema:
        for col in self.excluded:  # absent in this environment, whatever other gates say of it
            self.attrs.pop(col, None)
        self.keys = [key for key in self.keys if not set(key) & self.excluded]
        for col, attrs in self.attrs.items():
            if self.every_required and col not in self.except_required:
                attrs["required"] = True
            kind = attrs.get("kind")
            for spec in self.wild_ranges if kind in _NUMERIC else ():
                self.bound(col, spec["low"], spec["high"], spec["inclusive"])
            for spec in self.wild_strings if kind == "string" else ():
                self.strings(col, **spec)
        columns = {}
        for col, attrs in self.attrs.items():
            cats = attrs.pop("categories", None)
            column = ColumnSchema(**attrs)
            if cats is not None:
                column = replace(column, categories=tuple(sorted(cats, key=repr)))
            columns[col] = column
        return TableSchema(columns, tuple(self.keys), self.min_rows, self.max_rows, True, source)


def schema_of(gate: Gate, *, source: str = "", environment: str | None = None) -> TableSchema:
    """The schema a gate or suite states (see the module docstring).

    With ``environment``, the schema of that environment of the ``SchemaGate``'s
    ``environments``: its excluded columns are left out (with what other gates say of them),
    its own columns added. A ``SchemaGate`` without environments is the same in every
    environment; one that defines environments but not this one is a ConfigError. A
    ``SchemaGate`` with ``columns=None`` states no schema (it reads one from ``reference``):
    ConfigError.
    """
    collector = _Collector(environment)
    for member in _walk(gate):
        collector.add(member)
    if not collector.attrs:
        raise ConfigError(f"{source or 'the suite'}: no gate of it names a column, so it states no schema")
    return collector.schema(source or type(gate).__name__)


def _looks_like_odcs(data: Mapping[str, Any]) -> bool:
    return data.get("kind") == "DataContract" or ("apiVersion" in data and "schema" in data)


def _document(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror or exc}).") from exc
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text.") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ConfigError(f"{path}: not valid JSON: {exc}") from None
    from mlgates.contracts._odcs_read import load_yaml

    return load_yaml(text, str(path))


def read_schema(
    source: Any, *, object_name: str | None = None, environment: str | None = None
) -> TableSchema:
    """The schema stated by ``source``: a :class:`TableSchema`, a gate or suite, a gate config
    (``{"type": "SchemaGate", "columns": {...}}``), an ODCS contract (a mapping or a file), or a
    suite file (TOML, YAML or JSON). ``object_name`` picks the table of a contract that
    describes several; ``environment`` one environment of the schema (see :func:`schema_of`).
    Anything that states no schema is a ConfigError naming the source.

    Examples
    --------
    >>> read_schema({"type": "SchemaGate", "columns": {"age": "integer"}}).columns["age"].kind
    'integer'
    """
    if isinstance(source, TableSchema):
        return source
    if isinstance(source, Gate):
        return schema_of(source, source=repr(source)[:80], environment=environment)
    if isinstance(source, Mapping):
        if _looks_like_odcs(source):
            from mlgates.contracts._odcs_read import from_odcs

            suite = from_odcs(source, object_name=object_name)
            return schema_of(suite, source=f"ODCS contract {suite.display_name!r}", environment=environment)
        if "type" not in source:
            raise ConfigError(
                "a schema given as a mapping is a gate config ({'type': 'SchemaGate', 'columns': {...}}) "
                "or an ODCS contract (kind: DataContract)"
            )
        return schema_of(
            gate_from_config(source, where="schema"),
            source=f"{source.get('type')} config",
            environment=environment,
        )
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
        if path.suffix.lower() == ".toml":
            return schema_of(load_suite(path), source=str(path), environment=environment)
        data = _document(path)
        if isinstance(data, Mapping) and _looks_like_odcs(data):
            from mlgates.contracts._odcs_read import from_odcs

            return schema_of(
                from_odcs(data, object_name=object_name, where=str(path)),
                source=str(path),
                environment=environment,
            )
        return schema_of(load_suite(path), source=str(path), environment=environment)
    raise ConfigError(
        f"a schema is a gate, a config mapping, a suite file or an ODCS contract; got {type(source).__name__}"
    )
