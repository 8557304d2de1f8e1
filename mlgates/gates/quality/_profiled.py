"""What the data-quality gates share when they run on profiles (tables read in chunks, saved
reference profiles): the table's schema and rows, each column's kind without its rows, and the
profiled twin of :func:`~mlgates.gates.quality._common.checkable`.

A column's kind comes from its dtype (Arrow and numpy dtypes say it all); an ``object``
column's kind comes from the merged count of its values' types
(:class:`~mlgates.profiles.summaries.Types`): only ``str`` is ``string``, any container is
``nested``, ``Decimal``/``complex`` are ``unsupported``, anything else ``object``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pandas as pd

from mlgates.core.context import CheckContext, Side
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind, select_columns, unsupported_dtype_finding
from mlgates.gates.quality._common import checkable_in
from mlgates.profiles.summaries import Rows, Types

_CONTAINERS = frozenset({"list", "tuple", "dict", "set", "frozenset", "ndarray"})
_UNSUPPORTED = frozenset({"Decimal", "complex", "complex64", "complex128"})


def table(ctx: CheckContext, side: Side = "current") -> tuple[pd.DataFrame, int]:
    """The schema (zero rows) and row count of ``side``; duplicate names and an empty table are
    InputErrors, as :func:`~mlgates.gates.quality._common.frame_or_error` makes them."""
    schema = ctx.table_schema(side)
    select_columns(schema, None)
    n = ctx.summary(side, Rows()).n_rows
    if n == 0:
        raise InputError(f"{side} has no rows: nothing can be judged", reason="empty_input", subject=side)
    return schema, n


def schema_of(ctx: CheckContext, side: Side = "current") -> pd.DataFrame:
    schema = ctx.table_schema(side)
    select_columns(schema, None)  # duplicate names -> InputError naming them
    return schema


def type_needs(schema: pd.DataFrame, columns: Iterable[Any]) -> list[Any]:
    """:class:`Types` for the ``object`` columns among ``columns`` (their kind needs values)."""
    return [
        Types(c) for c in columns if c in schema.columns and pd.api.types.is_object_dtype(schema[c].dtype)
    ]


def kind(ctx: CheckContext, side: Side, col: Any, schema: pd.DataFrame | None = None) -> str:
    """The column's kind (see the module docstring)."""
    schema = ctx.table_schema(side) if schema is None else schema
    series = schema[col]
    if not pd.api.types.is_object_dtype(series.dtype):
        return column_kind(series)
    names = set(ctx.summary(side, Types(col)).counts)
    if not names:
        return "object"
    if names & _CONTAINERS:
        return "nested"
    if names & _UNSUPPORTED:
        return "unsupported"
    return "string" if names == {"str"} else "object"


def resolve(schema: pd.DataFrame, columns: Any, ctx: CheckContext, kinds: Iterable[str] | None) -> list[Any]:
    """:func:`~mlgates.gates.quality._common.resolve_columns` on a schema (kinds from the
    profile; columns of unsupported kinds stay in the selection, to be reported)."""
    if columns is None:
        cols = list(schema.columns)
        if kinds is not None:
            wanted = set(kinds) | set(UNSUPPORTED_KINDS)
            cols = [c for c in cols if kind(ctx, "current", c, schema) in wanted]
        return cols
    return select_columns(schema, columns)


def candidates(schema: pd.DataFrame, columns: Any, kinds: Iterable[str] | None) -> list[Any]:
    """Columns a default selection may hold, decided from dtypes alone (for needs: object
    columns are kept, their kind is known after the pass)."""
    if columns is not None:
        return [c for c in select_columns(schema, columns) if c in schema.columns]
    if kinds is None:
        return list(schema.columns)
    wanted = set(kinds) | set(UNSUPPORTED_KINDS)
    return [
        c
        for c in schema.columns
        if pd.api.types.is_object_dtype(schema[c].dtype) or column_kind(schema[c]) in wanted
    ]


def screened(
    ctx: CheckContext,
    col: Any,
    schema: pd.DataFrame,
    *,
    explicit: bool,
    method: str | None,
    side: Side = "current",
) -> Finding | None:
    """The ``unsupported_dtype`` finding for a nested/unsupported column, or None."""
    k = kind(ctx, side, col, schema)
    if k in UNSUPPORTED_KINDS:
        return unsupported_dtype_finding(col, schema[col], explicit=explicit, method=method, kind=k)
    return None


def checkable(
    ctx: CheckContext,
    schema: pd.DataFrame,
    columns: Iterable[Any],
    findings: list[Finding],
    *,
    accepted: Iterable[str],
    wanted: str,
    method: str | None,
    explicit: bool | Callable[[Any], bool] = True,
) -> Iterator[tuple[Any, str]]:
    """The profiled twin of :func:`~mlgates.gates.quality._common.checkable`."""
    return checkable_in(
        schema.columns,
        columns,
        findings,
        kind=lambda col: kind(ctx, "current", col, schema),
        screen=lambda col, listed: screened(ctx, col, schema, explicit=listed, method=method),
        accepted=accepted,
        wanted=wanted,
        method=method,
        explicit=explicit,
    )


def sorted_counts(counts: Mapping[Any, int]) -> tuple[pd.Index, Any]:
    """Values and counts, most frequent first (ties in order of first sight), as
    ``value_counts(sort=True)`` gives them in memory."""
    import numpy as np

    values = list(counts.keys())
    numbers = np.fromiter(counts.values(), dtype=np.int64, count=len(values))
    order = np.argsort(-numbers, kind="stable")
    index = pd.Index([values[i] for i in order], dtype=object)
    return index, numbers[order]
