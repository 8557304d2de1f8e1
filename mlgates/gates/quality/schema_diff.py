"""SchemaDiffGate: is a new schema version a breaking change or an additive one?"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from mlgates.contracts import ColumnSchema, TableSchema, read_schema
from mlgates.core.config import gate_to_config
from mlgates.core.context import CheckContext
from mlgates.core.errors import ConfigError, InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import Options
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates._columns import FAMILIES, column_kind
from mlgates.gates.quality._common import frame_or_error

__all__ = ["SchemaDiffGate", "diff_schemas"]

_POLICY = Options("fail", "warn", "error", "skip")
_STATUS = {"fail": Status.FAIL, "warn": Status.WARN, "error": Status.ERROR, "skip": Status.SKIP}
_NUMERIC_DTYPE_KINDS = ("integer", "float")


class _SchemaSource:
    """Constraint: what states a schema (a path, a config or contract mapping, a gate)."""

    def is_satisfied_by(self, value: Any) -> bool:
        return isinstance(value, (str, os.PathLike, Mapping, Gate, TableSchema))

    def __str__(self) -> str:
        return "a suite or ODCS file path, a gate config or ODCS mapping, a gate or suite"


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a column (or of the table)."""

    change: str
    breaking: bool
    text: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "breaking": self.breaking, **self.facts}


# -- kinds ----------------------------------------------------------------------------------------
def _accepted(kind: str) -> tuple[str, frozenset[str]]:
    """``("family", kinds)`` for a kind, ``("dtype", {name})`` for an exact dtype name."""
    lowered = kind.lower()
    if lowered == "numeric":
        return "family", frozenset(_NUMERIC_DTYPE_KINDS)
    if lowered in FAMILIES:
        return "family", frozenset({lowered})
    try:
        import pandas as pd

        dtype = pd.api.types.pandas_dtype(kind)
        return "dtype", frozenset({str(dtype)})
    except (TypeError, ValueError):
        return "dtype", frozenset({kind})


def _dtype_kind(name: str) -> str | None:
    import pandas as pd

    try:
        return column_kind(pd.Series([], dtype=pd.api.types.pandas_dtype(name)))
    except (TypeError, ValueError):
        return None


def kind_change(old: str | None, new: str | None) -> str:
    """``"same"``, ``"widened"`` (every dtype the old kind accepts the new one accepts) or
    ``"changed"`` (some column valid under the old kind is refused by the new one).

    >>> kind_change("integer", "numeric"), kind_change("integer", "float"), kind_change("int32", "integer")
    ('widened', 'changed', 'widened')
    """
    if old == new:
        return "same"
    if new is None:
        return "widened"
    if old is None:
        return "changed"
    (old_how, old_set), (new_how, new_set) = _accepted(old), _accepted(new)
    if old_how == new_how and old_set == new_set:
        return "same"
    if new_how == "family":
        covered = old_set if old_how == "family" else {_dtype_kind(next(iter(old_set)))}
        return "widened" if covered <= new_set else "changed"
    return "changed"


# -- domains --------------------------------------------------------------------------------------
def _side(value: Any, inclusive: bool, low: bool) -> tuple[float, int] | None:
    """A bound as a comparable key: larger is tighter for a lower bound, smaller for an upper."""
    if value is None:
        return None
    return (value, 0 if inclusive else 1) if low else (value, 1 if inclusive else 0)


def _bound_change(old: tuple[Any, bool], new: tuple[Any, bool], low: bool) -> str:
    a, b = _side(*old, low=low), _side(*new, low=low)
    if a == b:
        return "same"
    if a is None:
        return "narrowed"
    if b is None:
        return "widened"
    tighter = b > a if low else b < a
    return "narrowed" if tighter else "widened"


def _interval(low: Any, low_incl: bool, high: Any, high_incl: bool, unit: str = "") -> str:
    if low is None and high is None:
        return "any"
    left = "(-inf" if low is None else f"{'[' if low_incl else '('}{low}"
    right = "inf)" if high is None else f"{high}{']' if high_incl else ')'}"
    return f"{left}, {right}{unit}"


def _range(
    what: str, old: tuple[Any, bool, Any, bool], new: tuple[Any, bool, Any, bool], unit: str = ""
) -> Change | None:
    lower = _bound_change((old[0], old[1]), (new[0], new[1]), low=True)
    upper = _bound_change((old[2], old[3]), (new[2], new[3]), low=False)
    if lower == upper == "same":
        return None
    breaking = "narrowed" in (lower, upper)
    verb = "narrowed" if breaking else "widened"
    text = f"{what} {verb}: {_interval(*old, unit)} -> {_interval(*new, unit)}"
    facts = {"old": [old[0], old[2]], "new": [new[0], new[2]]}
    return Change(f"{what.replace(' ', '_')}_{verb}", breaking, text, facts)


def _shown(values: list[Any], limit: int = 5) -> str:
    text = ", ".join(repr(v) for v in values[:limit])
    return text + (f" (+{len(values) - limit} more)" if len(values) > limit else "")


def column_changes(old: ColumnSchema, new: ColumnSchema, *, domains: bool) -> list[Change]:
    """The changes from ``old`` to ``new`` of one column; ``domains=False`` compares kinds only."""
    out: list[Change] = []
    how = kind_change(old.kind, new.kind)
    if how != "same":
        breaking = how == "changed"
        verb = "retyped" if breaking else "type widened"
        out.append(
            Change(
                "retyped" if breaking else "type_widened",
                breaking,
                f"{verb}: {old.kind or 'any'} -> {new.kind or 'any'}",
                {"old": old.kind, "new": new.kind},
            )
        )
    if not domains:
        return out
    for flag, word in (("required", "required"), ("unique", "unique")):
        before, after = getattr(old, flag), getattr(new, flag)
        if before != after:
            change = f"newly_{word}" if after else f"no_longer_{word}"
            out.append(Change(change, after, change.replace("_", " ")))
    if old.categories != new.categories:
        if new.categories is None:
            out.append(Change("categories_widened", False, "categories no longer restricted"))
        elif old.categories is None:
            out.append(
                Change(
                    "categories_narrowed",
                    True,
                    f"categories now restricted to {_shown(list(new.categories))}",
                    {"new": list(new.categories)},
                )
            )
        else:
            removed = [v for v in old.categories if v not in new.categories]
            added = [v for v in new.categories if v not in old.categories]
            parts = ([f"-{_shown(removed)}"] if removed else []) + ([f"+{_shown(added)}"] if added else [])
            verb = "narrowed" if removed else "widened"
            out.append(
                Change(
                    f"categories_{verb}",
                    bool(removed),
                    f"categories {verb} ({'; '.join(parts)})",
                    {"removed": removed, "added": added},
                )
            )
    values = _range(
        "range",
        (old.minimum, old.min_inclusive, old.maximum, old.max_inclusive),
        (new.minimum, new.min_inclusive, new.maximum, new.max_inclusive),
    )
    lengths = _range(
        "length", (old.min_length, True, old.max_length, True), (new.min_length, True, new.max_length, True)
    )
    out.extend(c for c in (values, lengths) if c is not None)
    if old.pattern != new.pattern:
        if new.pattern is None:
            out.append(Change("pattern_removed", False, "pattern removed", {"old": old.pattern}))
        else:
            word = "pattern_added" if old.pattern is None else "pattern_replaced"
            out.append(
                Change(
                    word,
                    True,
                    f"{word.replace('_', ' ')}: {new.pattern!r}",
                    {"old": old.pattern, "new": new.pattern},
                )
            )
    return out


def table_changes(old: TableSchema, new: TableSchema) -> list[Change]:
    """Changes of the table-level rules: composite keys and row-count bounds."""
    out: list[Change] = []
    for key in new.keys:
        if key not in old.keys:
            out.append(Change("newly_unique", True, f"key {'+'.join(key)} newly unique", {"key": list(key)}))
    for key in old.keys:
        if key not in new.keys:
            out.append(
                Change("no_longer_unique", False, f"key {'+'.join(key)} no longer unique", {"key": list(key)})
            )
    rows = _range(
        "row count", (old.min_rows, True, old.max_rows, True), (new.min_rows, True, new.max_rows, True)
    )
    if rows is not None:
        out.append(rows)
    return out


def diff_schemas(old: TableSchema, new: TableSchema) -> dict[str, list[Change]]:
    """Changes per column (in the old order, then new columns) and for ``"table"``.

    Domains (required, unique, categories, ranges, strings, row counts, keys) are compared
    only when both schemas are declared; a schema inferred from a table knows names and kinds.

    >>> from mlgates.contracts import ColumnSchema, TableSchema
    >>> old = TableSchema({"age": ColumnSchema("integer", maximum=150), "id": ColumnSchema("string")})
    >>> new = TableSchema({"age": ColumnSchema("integer", maximum=120), "email": ColumnSchema("string")})
    >>> {col: [c.change for c in changes] for col, changes in diff_schemas(old, new).items()}
    {'age': ['range_narrowed'], 'id': ['column_removed'], 'email': ['column_added'], 'table': []}
    """
    domains = old.declared and new.declared
    out: dict[str, list[Change]] = {}
    for col, before in old.columns.items():
        after = new.columns.get(col)
        if after is None:
            out[col] = [Change("column_removed", True, "column removed", {"old": before.kind})]
        else:
            out[col] = column_changes(before, after, domains=domains)
    for col, after in new.columns.items():
        if col in old.columns:
            continue
        if domains and after.required:
            out[col] = [Change("required_column_added", True, "required column added", {"new": after.kind})]
        else:
            out[col] = [Change("column_added", False, "optional column added", {"new": after.kind})]
    out["table"] = table_changes(old, new) if domains else []
    return out


def _plain(column: ColumnSchema | None) -> dict[str, Any] | None:
    if column is None:
        return None
    default = asdict(ColumnSchema())
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(column).items() if v != default[k]}


class SchemaDiffGate(Gate):
    """Classifies the change from one schema version to the next as breaking or additive.

    A change is **breaking** when data valid under the old schema can be invalid under the new
    one, or a column consumers rely on goes away: a column removed, retyped to a kind that
    refuses the old one, newly required (nullable -> non-nullable), newly unique, a required
    column added, a domain narrowed (fewer categories, a tighter range or length, a pattern
    added or changed, fewer rows allowed). It is **additive** when it only adds an optional
    column or widens a type or domain. Each column gets one finding listing its changes.

    Parameters
    ----------
    old_schema, new_schema : str, path, mapping, gate or None
        The two versions. Each is a suite file (TOML, YAML, JSON), an ODCS contract (a file or
        a mapping), a gate config (``{"type": "SchemaGate", "columns": {...}}``) or a gate or
        suite; what a schema states is read by :func:`mlgates.contracts.read_schema` (kinds from
        ``SchemaGate``, required from ``MissingValuesGate``, categories from ``CategoryGate``,
        ranges from ``RangeGate``, ...). None infers it from the ``reference`` (old) or
        ``current`` (new) table: names and kinds only.
    object_name : str, optional
        The table to read from ODCS contracts that describe several.
    environment : str, optional
        Compare the versions as seen in one environment of their ``SchemaGate``'s
        ``environments`` (e.g. ``"serving"``: the columns it excludes are left out, its own
        added). A version without environments is the same in every environment; one that
        defines environments but not this one is ERROR ``invalid_schema``.
    on_breaking : {"fail", "warn", "error", "skip"}, default "fail"
        Status of a column with a breaking change.
    on_additive : {"fail", "warn", "error", "skip"}, default "warn"
        Status of a column whose changes are all additive.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    A kind change is additive when every dtype the old kind accepts the new one accepts too
    (``integer -> numeric``, ``int32 -> integer``, a kind -> no kind); any other is breaking,
    ``integer -> float`` included (a ``SchemaGate`` asking for ``float`` refuses an integer
    column). A pattern change is breaking unless the pattern is removed (two patterns are not
    compared for inclusion). Tolerances (``max_share`` and the like), ``allow_extra`` and
    column order are not part of a schema. When either version is inferred from a table, only
    names and kinds are compared: whether a column has missing values, or which values and
    range a sample shows, are properties of the sample, and a random split of one table would
    "narrow" them.

    Reason codes: ``breaking_schema_change`` (``on_breaking``), ``additive_schema_change``
    (``on_additive``), ``invalid_schema`` (a version cannot be read), ``empty_input``,
    ``duplicate_columns`` (an inferred version).

    Examples
    --------
    >>> from mlgates import SchemaDiffGate
    >>> v1 = {"type": "Suite", "gates": [
    ...     {"type": "SchemaGate", "columns": {"id": "string", "age": "integer", "plan": "string"}},
    ...     {"type": "CategoryGate", "allowed": {"plan": ["free", "pro"]}}]}
    >>> v2 = {"type": "Suite", "gates": [
    ...     {"type": "SchemaGate", "columns": {"id": "string", "age": "numeric", "plan": "string",
    ...                                        "email": "string"}},
    ...     {"type": "CategoryGate", "allowed": {"plan": ["free"]}}]}
    >>> v = SchemaDiffGate(old_schema=v1, new_schema=v2).check()
    >>> v.status, v.reason
    (<Status.FAIL: 'fail'>, 'breaking_schema_change')
    >>> [f.message for f in v.findings if f.status.value != "pass"]
    ['age: additive: type widened: integer -> numeric', "plan: breaking: categories narrowed (-'pro')", \
'email: additive: optional column added']
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "old_schema": [_SchemaSource(), None],
        "new_schema": [_SchemaSource(), None],
        "object_name": [str, None],
        "environment": [str, None],
        "on_breaking": [_POLICY],
        "on_additive": [_POLICY],
    }

    def __init__(
        self,
        *,
        old_schema: Any = None,
        new_schema: Any = None,
        object_name: str | None = None,
        environment: str | None = None,
        on_breaking: str = "fail",
        on_additive: str = "warn",
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.old_schema = old_schema
        self.new_schema = new_schema
        self.object_name = object_name
        self.environment = environment
        self.on_breaking = on_breaking
        self.on_additive = on_additive

    def required_inputs(self) -> tuple[str, ...]:
        needs = []
        if self.old_schema is None:
            needs.append("reference")
        if self.new_schema is None:
            needs.append("current")
        return tuple(needs)

    def _param_to_config(self, key: str, value: Any) -> Any:
        if isinstance(value, Gate):
            return gate_to_config(value)
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, TableSchema):
            raise ConfigError(f"SchemaDiffGate.{key} is a TableSchema, which a config file cannot hold")
        return super()._param_to_config(key, value)

    def _schema(self, ctx: CheckContext, param: str, source: Any, side: Any) -> TableSchema:
        if source is None:
            frame = frame_or_error(ctx, side)  # duplicate names and an empty table are input errors
            columns = {str(c): ColumnSchema(column_kind(frame[c])) for c in frame.columns}
            return TableSchema(columns, declared=False, source=f"inferred from {side} (names and kinds)")
        try:
            return read_schema(source, object_name=self.object_name, environment=self.environment)
        except (ConfigError, ImportError, ValueError, TypeError) as exc:
            raise InputError(f"{param}: {exc}", reason="invalid_schema", subject=param) from None

    def _check(self, ctx: CheckContext) -> Verdict:
        old = self._schema(ctx, "old_schema", self.old_schema, "reference")
        new = self._schema(ctx, "new_schema", self.new_schema, "current")
        changes = diff_schemas(old, new)
        findings: list[Finding] = []
        counts = {"breaking": 0, "additive": 0, "unchanged": 0}
        for subject, found in changes.items():
            if subject == "table" and not found:
                continue
            label = "breaking" if any(c.breaking for c in found) else "additive" if found else "unchanged"
            shown = sorted(found, key=lambda c: not c.breaking)
            status = {"breaking": _STATUS[self.on_breaking], "additive": _STATUS[self.on_additive]}.get(
                label, Status.PASS
            )
            reason = {"breaking": "breaking_schema_change", "additive": "additive_schema_change"}.get(label)
            counts[label] += subject != "table"
            message = f"{subject}: {label}" + (": " + "; ".join(c.text for c in shown) if shown else "")
            details: dict[str, Any] = {"classification": label, "changes": [c.to_dict() for c in shown]}
            if subject != "table":
                details["old"] = _plain(old.columns.get(subject))
                details["new"] = _plain(new.columns.get(subject))
            findings.append(
                Finding(
                    str(subject),
                    status,
                    method="schema_diff",
                    reason=reason,
                    message=message,
                    details=details,
                )
            )
        return self._verdict(
            findings=findings,
            metrics={f"n_{k}": v for k, v in counts.items()},
            params={"old_source": old.source, "new_source": new.source},
        )
