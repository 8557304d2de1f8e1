"""Helpers shared by the data-quality gates: column resolution, numeric views, examples,
row hashes, and the statistics several gates of one suite run share through ``ctx.cached``.

Shared statistics (computed at most once per suite run and side):

- ``("quality.numeric", side, column)``: the column as a float64 array (missing -> NaN);
- ``("quality.minmax", side, column)``: finite-aware ``(nanmin, nanmax, n_missing)``;
- ``("quality.counts", side, column)``: ``(values, counts)`` of the non-missing values;
- ``("quality.row_hash", side, columns)``: one uint64 per row, to compare rows across two
  tables (exactness is restored by an exact join of the candidates).

Duplicates within one table are found exactly by :func:`exact_duplicate_mask`, which narrows
the candidates column by column before one exact comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext, Side
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.params import parameter_error
from mlgates.core.status import Status
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    column_kind,
    missing_column_hint,
    missing_mask,
    select_columns,
    unsupported_dtype_finding,
)

#: What pandas raises on values it cannot hash or group: unhashable objects (TypeError), and
#: Arrow list/struct columns or float16 keys (NotImplementedError). Callers fall back to the
#: values' text form.
UNGROUPABLE = (TypeError, NotImplementedError)

#: How many offending values a finding lists in ``details["examples"]``.
MAX_EXAMPLES = 5

NUMERIC_KINDS = ("integer", "float")


def check_bounds(owner: str, bounds: Mapping[str, Any], keys: Sequence[str] = ("min", "max")) -> None:
    """Validate a per-column ``bounds`` parameter: string keys, each entry a non-empty mapping
    of ``"min"`` and/or ``"max"`` to finite floats with ``min <= max`` (an empty entry would
    check nothing and pass: refused)."""
    from mlgates.core.params import Interval

    check_string_keys(owner, "bounds", bounds)
    real = Interval("real", None, None)
    for col, spec in bounds.items():
        if not isinstance(spec, Mapping) or not spec or not set(spec) <= set(keys):
            raise parameter_error(owner, f"bounds[{col!r}]", 'a mapping with keys "min" and/or "max"', spec)
        for key, value in spec.items():
            if not real.is_satisfied_by(value):
                raise parameter_error(owner, f"bounds[{col!r}][{key!r}]", "a finite float", value)
        if "min" in spec and "max" in spec and spec["min"] > spec["max"]:
            raise parameter_error(owner, f"bounds[{col!r}]", "min <= max", dict(spec))


def frame_or_error(ctx: CheckContext, side: Side = "current") -> pd.DataFrame:
    """The table, with duplicate column names and an empty table turned into InputErrors."""
    frame = ctx.frame(side)
    select_columns(frame, None)  # duplicate names -> InputError naming them
    if len(frame) == 0:
        raise InputError(f"{side} has no rows: nothing can be judged", reason="empty_input", subject=side)
    return frame


def pandas_table(value: Any, owner: str, name: str) -> pd.DataFrame:
    """A table argument as a pandas DataFrame: polars and pyarrow tables (anything with
    ``to_pandas()``) are converted; anything else is a ParameterError naming its full type and
    how to convert it. Never modifies ``value``."""
    if isinstance(value, pd.DataFrame):
        return value
    kind = f"{type(value).__module__}.{type(value).__qualname__}"
    to_pandas = getattr(value, "to_pandas", None)
    if callable(to_pandas):
        try:
            frame = to_pandas()
        except Exception as exc:
            raise parameter_error(
                owner,
                name,
                "a pandas DataFrame (or a table with to_pandas())",
                _Shown(f"a {kind}"),
                f"convert it yourself: {name}.to_pandas() failed with {type(exc).__name__}: {exc}",
            ) from exc
        if isinstance(frame, pd.DataFrame):
            return frame
    if callable(getattr(value, "collect", None)):
        fix = f"collect it first: {owner}({name}.collect())."
    elif callable(getattr(value, "compute", None)):
        fix = f"compute it first (a sample that fits in memory): {owner}({name}.compute())."
    elif isinstance(value, pd.Series):
        fix = f"pass a table: {owner}({name}.to_frame())."
    else:
        fix = f"convert it: {owner}(pd.DataFrame({name}))."
    raise parameter_error(
        owner, name, "a pandas DataFrame (polars and pyarrow tables are converted)", _Shown(f"a {kind}"), fix
    )


class _Shown(str):
    """A description shown as-is in a parameter error (no quotes)."""

    def __repr__(self) -> str:
        return str(self)


def resolve_columns(
    frame: pd.DataFrame,
    columns: str | Sequence[Any] | None,
    *,
    kinds: Iterable[str] | None = None,
) -> list[Any]:
    """``columns`` as a list; with None, every column whose kind is in ``kinds``, plus every
    column of an unsupported kind (``nested``, ``unsupported``), which :func:`checkable` turns
    into a SKIP finding ``unsupported_dtype``: no column leaves a default selection silently."""
    if columns is None:
        cols = list(frame.columns)
        if kinds is not None:
            wanted = set(kinds) | set(UNSUPPORTED_KINDS)
            cols = [c for c in cols if column_kind(frame[c]) in wanted]
        return cols
    return select_columns(frame, columns)


def absent(
    col: Any,
    side: str = "current",
    threshold: float | None = None,
    method: str | None = None,
    *,
    available: Iterable[Any] | None = None,
) -> Finding:
    """The ERROR finding for a listed column that the table lacks; with ``available`` (the
    table's columns) it names the nearest one ("Did you mean 'age'?")."""
    hint = missing_column_hint(col, available) if available is not None else ""
    return Finding(
        str(col),
        Status.ERROR,
        threshold=threshold,
        method=method,
        reason="missing_column",
        message=f"{col}: column not found in {side}.{hint}" if hint else f"{col}: column not found in {side}",
    )


def unsupported(col: Any, kind: str, wanted: str, method: str | None = None) -> Finding:
    """The ERROR finding for a column of a kind this gate cannot judge."""
    return Finding(
        str(col),
        Status.ERROR,
        method=method,
        reason="unsupported_dtype",
        message=f"{col}: {kind} column cannot be checked here (needs {wanted})",
        details={"kind": kind},
    )


def all_missing(col: Any, n: int, method: str | None = None) -> Finding:
    """The ERROR finding for a column with no non-missing value (fail closed)."""
    return Finding(
        str(col),
        Status.ERROR,
        method=method,
        reason="all_missing",
        message=f"{col}: all {n:,} values are missing; nothing to judge",
        details={"n_rows": n, "n_missing": n},
    )


def numeric(ctx: CheckContext, side: Side, col: Any) -> np.ndarray:
    """The column as float64 (missing -> NaN), computed once per run."""

    def compute() -> np.ndarray:
        series = ctx.frame(side)[col]
        return np.asarray(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")

    return ctx.cached(("quality.numeric", side, col), compute)  # type: ignore[no-any-return]


def minmax(ctx: CheckContext, side: Side, col: Any) -> tuple[float, float, int]:
    """``(nanmin, nanmax, n_missing)`` of a numeric column, computed once per run."""

    def compute() -> tuple[float, float, int]:
        values = numeric(ctx, side, col)
        n_missing = int(np.isnan(values).sum())
        if n_missing == len(values):
            return (float("nan"), float("nan"), n_missing)
        # fmin/fmax skip NaN in one pass without the copy np.nanmin makes
        return (float(np.fmin.reduce(values)), float(np.fmax.reduce(values)), n_missing)

    return ctx.cached(("quality.minmax", side, col), compute)  # type: ignore[no-any-return]


def value_counts(ctx: CheckContext, side: Side, col: Any) -> tuple[pd.Index, np.ndarray]:
    """Distinct non-missing values and their counts (most frequent first), once per run."""

    def compute() -> tuple[pd.Index, np.ndarray]:
        counts = ctx.frame(side)[col].value_counts(dropna=True, sort=True)
        return counts.index, counts.to_numpy(dtype="int64")

    return ctx.cached(("quality.counts", side, col), compute)  # type: ignore[no-any-return]


def kind_of(ctx: CheckContext, side: Side, col: Any) -> str:
    """:func:`column_kind`, once per run."""
    return ctx.cached(("quality.kind", side, col), lambda: column_kind(ctx.frame(side)[col]))  # type: ignore[no-any-return]


def screened(
    ctx: CheckContext, col: Any, *, explicit: bool, method: str | None, side: Side = "current"
) -> Finding | None:
    """The ``unsupported_dtype`` finding for a column of kind ``nested`` or ``unsupported``
    (SKIP from a default selection, ERROR when listed), or None for a column that can be judged."""
    kind = kind_of(ctx, side, col)
    if kind in UNSUPPORTED_KINDS:
        series = ctx.frame(side)[col]
        return unsupported_dtype_finding(col, series, explicit=explicit, method=method, kind=kind)
    return None


def checkable(
    ctx: CheckContext,
    columns: Iterable[Any],
    findings: list[Finding],
    *,
    accepted: Iterable[str],
    wanted: str,
    method: str | None,
    explicit: bool | Callable[[Any], bool] = True,
) -> Iterator[tuple[Any, str]]:
    """The columns of ``current`` a gate can judge, in order, with their kinds.

    A listed column the table lacks gets an ERROR ``missing_column`` finding; a column of kind
    ``nested`` or ``unsupported`` an ``unsupported_dtype`` finding (SKIP unless ``explicit``,
    a flag or a per-column predicate saying the user listed it), and any other column whose
    kind is not in ``accepted`` an ERROR ``unsupported_dtype`` finding (``wanted`` says what
    the gate needs); all are appended to ``findings`` and skipped.
    """
    return checkable_in(
        ctx.frame("current").columns,
        columns,
        findings,
        kind=lambda col: kind_of(ctx, "current", col),
        screen=lambda col, listed: screened(ctx, col, explicit=listed, method=method),
        accepted=accepted,
        wanted=wanted,
        method=method,
        explicit=explicit,
    )


def checkable_in(
    available: Any,
    columns: Iterable[Any],
    findings: list[Finding],
    *,
    kind: Callable[[Any], str],
    screen: Callable[[Any, bool], Finding | None],
    accepted: Iterable[str],
    wanted: str,
    method: str | None,
    explicit: bool | Callable[[Any], bool],
) -> Iterator[tuple[Any, str]]:
    """The rule of :func:`checkable` on any table: ``available`` its columns, ``kind(col)``
    a column's kind and ``screen(col, listed)`` the finding of an unsupported one (or None);
    the in-memory and the profiled checks share it."""
    kinds = tuple(accepted)
    for col in columns:
        if col not in available:
            findings.append(absent(col, method=method, available=available))
            continue
        listed = explicit(col) if callable(explicit) else explicit
        found = screen(col, listed)
        if found is not None:
            findings.append(found)
            continue
        k = kind(col)
        if k not in kinds:
            findings.append(unsupported(col, k, wanted, method))
            continue
        yield col, k


def examples(values: Any, limit: int = MAX_EXAMPLES) -> list[Any]:
    """At most ``limit`` distinct values, as plain data, in order of appearance."""
    head = values[: limit * 20]  # slice before converting: offending values may be many
    flat = np.empty(len(head), dtype=object)  # one object per value, even for lists or arrays
    for i, v in enumerate(head):
        flat[i] = v
    try:
        distinct = list(pd.unique(pd.Series(flat)))
    except TypeError:  # unhashable values (lists, dicts): distinct by their repr
        seen: dict[str, Any] = {}
        for v in flat:
            seen.setdefault(repr(v), v)
        distinct = list(seen.values())
    return [plain_value(v) for v in distinct[:limit]]


def top_examples(index: pd.Index, counts: np.ndarray, limit: int = MAX_EXAMPLES) -> list[dict[str, Any]]:
    """``[{"value": v, "count": n}, ...]`` for the first ``limit`` entries."""
    return [{"value": plain_value(v), "count": int(c)} for v, c in zip(index[:limit], counts[:limit])]


def plain_value(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (pd.Timestamp, pd.Timedelta)):
        return str(v)
    return repr(v)


def row_hash(ctx: CheckContext, side: Side, columns: Sequence[Any]) -> np.ndarray:
    """A uint64 hash of each row over ``columns`` (values only, not the index), once per run.
    Used to compare rows across two tables; exactness is restored by an exact join."""

    def compute() -> np.ndarray:
        frame = ctx.frame(side)[list(columns)]
        try:
            hashed = pd.util.hash_pandas_object(frame, index=False)
        except UNGROUPABLE:  # unhashable objects (lists, dicts) in a column
            hashed = pd.util.hash_pandas_object(frame.map(str), index=False)
        return np.asarray(hashed, dtype="uint64")

    return ctx.cached(("quality.row_hash", side, tuple(columns)), compute)  # type: ignore[no-any-return]


def _selectivity_rank(series: pd.Series) -> int:
    """Columns likely to have many distinct values first (they narrow candidates fastest)."""
    kind = column_kind(series)
    return {"float": 0, "datetime": 1, "integer": 2, "string": 3, "timedelta": 4}.get(kind, 5)


def repeated_candidates(frame: pd.DataFrame, columns: Sequence[Any]) -> np.ndarray:
    """Positions of rows that may equal another row on ``columns``: a superset of every row
    in a group of identical rows, found column by column (rows whose value occurs more than
    once among the remaining candidates stay), so a column of distinct values ends it early.
    Missing values compare equal, as in ``DataFrame.duplicated``."""
    pos = np.arange(len(frame))
    for col in sorted(columns, key=lambda c: _selectivity_rank(frame[c])):
        series = frame[col] if len(pos) == len(frame) else frame[col].iloc[pos]
        try:
            keep = np.asarray(series.duplicated(keep=False), dtype=bool)
        except UNGROUPABLE:  # unhashable objects (lists, dicts), Arrow lists
            keep = np.asarray(series.map(str).duplicated(keep=False), dtype=bool)
        pos = pos[keep]
        if len(pos) == 0:
            break
    return pos


def exact_duplicate_mask(frame: pd.DataFrame) -> np.ndarray:
    """Rows equal to an earlier row (``DataFrame.duplicated(keep="first")``, NaN equal to NaN),
    computed exactly on the candidates of :func:`repeated_candidates` only."""
    out = np.zeros(len(frame), dtype=bool)
    cand = repeated_candidates(frame, list(frame.columns))
    if len(cand):
        sub = frame.iloc[cand]
        try:
            dup = sub.duplicated(keep="first").to_numpy()
        except UNGROUPABLE:
            dup = sub.map(str).duplicated(keep="first").to_numpy()
        out[cand[dup]] = True
    return out


def check_string_keys(owner: str, name: str, mapping: Any) -> None:
    """Per-column mappings must be keyed by column-name strings (TOML/YAML keys are strings)."""
    if isinstance(mapping, Mapping):
        for key in mapping:
            if not isinstance(key, str):
                raise parameter_error(
                    owner,
                    f"{name}[{key!r}]",
                    "keyed by column names as str",
                    key,
                    f"rename the column to a string (e.g. df.columns = df.columns.astype(str)) and "
                    f"key {name} by {str(key)!r}.",
                )


def per_column(value: float | Mapping[str, float], col: Any, default: float) -> float:
    """A float parameter that may be a per-column mapping."""
    if isinstance(value, Mapping):
        return float(value.get(str(col), default))
    return float(value)


def check_share_mapping(owner: str, name: str, value: Any) -> None:
    """Each entry of a per-column share mapping is a float in [0, 1]."""
    from mlgates.core.params import Interval

    check_string_keys(owner, name, value)
    if isinstance(value, Mapping):
        for col, v in value.items():
            if not Interval("real", 0, 1).is_satisfied_by(v):
                raise parameter_error(owner, f"{name}[{col!r}]", "a float in [0, 1]", v)


def share_status(share: float, limit: float, warn: float | None) -> tuple[Status, bool]:
    """FAIL above ``limit``; WARN above ``warn``; else PASS. Returns (status, exceeded)."""
    if not share <= limit:  # NaN fails closed
        return Status.FAIL, True
    if warn is not None and share > warn:
        return Status.WARN, True
    return Status.PASS, False


def guarded(fn: Callable[[], Finding], col: Any, method: str) -> Finding:
    """Run a per-column computation; a TypeError/ValueError from pandas or numpy on a column
    of exotic values becomes an ERROR finding naming the column instead of a traceback."""
    try:
        return fn()
    except (TypeError, ValueError, OverflowError) as exc:
        return Finding(
            str(col),
            Status.ERROR,
            method=method,
            reason="invalid_values",
            message=f"{col}: values cannot be checked ({type(exc).__name__}: {str(exc)[:120]})",
        )


__all__ = [
    "MAX_EXAMPLES",
    "UNGROUPABLE",
    "absent",
    "all_missing",
    "check_share_mapping",
    "check_string_keys",
    "exact_duplicate_mask",
    "examples",
    "frame_or_error",
    "guarded",
    "kind_of",
    "minmax",
    "missing_mask",
    "numeric",
    "pandas_table",
    "per_column",
    "plain_value",
    "repeated_candidates",
    "resolve_columns",
    "row_hash",
    "screened",
    "share_status",
    "top_examples",
    "unsupported",
    "value_counts",
]
