"""Column helpers shared by gate families: selecting columns and naming their kind.

Column kinds (documented rule, used by schema checks and by drift's method choice):

=============  ============================================================================
kind           rule
=============  ============================================================================
boolean        numpy ``bool`` or pandas ``boolean`` dtype
integer        any signed/unsigned integer dtype, numpy or nullable (``Int64``)
float          any floating dtype, numpy or nullable (``Float64``)
datetime       ``datetime64`` with or without a time zone
timedelta      ``timedelta64``
categorical    pandas ``category`` dtype
string         pandas string dtypes (``string``, ``str`` in pandas 3, pyarrow strings), or an
               ``object`` column whose non-missing values are all ``str``
object         any other ``object`` column (mixed types, Python objects)
nested         values that are containers: lists, tuples, dicts, sets, arrays (``object``
               columns holding any such value), or Arrow list/struct/map/union dtypes
unsupported    numbers numpy cannot hold as float64 without losing part of them: complex
               dtypes, and ``object`` columns holding ``Decimal``, ``complex`` or Python ints
               beyond the int64 range
=============  ============================================================================

``"numeric"`` is accepted wherever a kind is expected and matches integer and float.

Columns of the kinds ``nested`` and ``unsupported`` (:data:`UNSUPPORTED_KINDS`) are never
judged by value: every gate that would select such a column reports it as a finding with reason
``unsupported_dtype`` (SKIP when the column came from the default selection, ERROR when the
user listed it), built by :func:`unsupported_dtype_finding`, which names the dtype, what the
column holds and the fix. A complex column is not read through its real part, a ``Decimal`` or
big-integer column is not dropped from a numeric gate's selection without a word.

Value kinds (:func:`value_kind`, used to compare distributions, e.g. by drift gates) group the
kinds above: ``numeric`` (integer, float), ``datetime`` (datetime, timedelta), ``categorical``
(boolean, categorical, string, object); :func:`is_text_like` marks a string/object column as
``text`` when most values are distinct (free text or identifiers, not categories), and a column
with at most two distinct values is ``binary``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core._suggest import closest
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.status import Status

VALUE_KINDS = ("numeric", "categorical", "binary", "datetime", "text")
KINDS = (
    "boolean",
    "integer",
    "float",
    "datetime",
    "timedelta",
    "categorical",
    "string",
    "object",
    "nested",
    "unsupported",
)
FAMILIES = (*KINDS, "numeric")
#: Kinds no gate judges by value (see the module docstring).
UNSUPPORTED_KINDS = ("nested", "unsupported")

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_CONTAINERS = (list, tuple, dict, set, frozenset, np.ndarray)


#: Kinds of plain numpy dtypes by their kind letter (object columns look at their values).
_NUMPY_KINDS = {
    "b": "boolean",
    "i": "integer",
    "u": "integer",
    "f": "float",
    "c": "unsupported",
    "M": "datetime",
    "m": "timedelta",
}


def column_kind(series: pd.Series) -> str:
    """The kind of a column, by the rule in this module's docstring.

    Examples
    --------
    >>> from decimal import Decimal
    >>> [column_kind(pd.Series(v)) for v in ([1, 2], ["a", None], [[1], [2]], [1 + 2j], [Decimal(1)])]
    ['integer', 'string', 'nested', 'unsupported', 'unsupported']
    """
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in _NUMPY_KINDS:  # the common case, without pandas' checks
        return _NUMPY_KINDS[dtype.kind]
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    arrow = _arrow_kind(dtype)
    if arrow is not None:
        return arrow
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_complex_dtype(dtype):
        return "unsupported"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "string"
    if pd.api.types.is_object_dtype(dtype):
        return _object_kind(series)
    if pd.api.types.is_numeric_dtype(dtype):
        return "float"
    return "object"


def _arrow_kind(dtype: Any) -> str | None:
    """``nested`` for Arrow list/struct/map/union dtypes; None for every other dtype."""
    pa_type = getattr(dtype, "pyarrow_dtype", None)
    if pa_type is None:
        return None
    import pyarrow as pa

    nested = (
        pa.types.is_list(pa_type)
        or pa.types.is_large_list(pa_type)
        or pa.types.is_fixed_size_list(pa_type)
        or pa.types.is_struct(pa_type)
        or pa.types.is_map(pa_type)
        or pa.types.is_union(pa_type)
        or getattr(pa.types, "is_list_view", lambda _t: False)(pa_type)
        or getattr(pa.types, "is_large_list_view", lambda _t: False)(pa_type)
    )
    return "nested" if nested else None


def _object_kind(series: pd.Series) -> str:
    """``string``, ``nested``, ``unsupported`` or ``object`` for an object column: one C pass
    (``infer_dtype``) decides the common cases; only other columns are scanned per type."""
    values = series[~np.asarray(series.isna(), dtype=bool)] if len(series) else series
    if not len(values):
        return "object"
    inferred = pd.api.types.infer_dtype(values, skipna=False)
    if inferred == "string":
        return "string"
    if inferred in ("decimal", "complex"):
        return "unsupported"
    if inferred in ("floating", "boolean", "datetime", "date", "time", "timedelta", "bytes", "period"):
        return "object"
    types = pd.unique(values.map(type).to_numpy(dtype=object))
    if any(issubclass(t, _CONTAINERS) for t in types):
        return "nested"
    if any(issubclass(t, (Decimal, complex, np.complexfloating)) for t in types):
        return "unsupported"
    if any(issubclass(t, int) and not issubclass(t, (bool, np.integer)) for t in types) and _big_ints(values):
        return "unsupported"
    return "object"


def _big_ints(values: pd.Series) -> bool:
    """Whether some Python int among ``values`` lies outside the int64 range."""
    ints = [v for v in values.to_numpy(dtype=object) if type(v) is int]
    return bool(ints) and (min(ints) < _INT64_MIN or max(ints) > _INT64_MAX)


def describe_unsupported(series: pd.Series, kind: str | None = None) -> tuple[str, str]:
    """What an unsupported column holds (``"lists"``, ``"complex numbers"``, ...) and the fix,
    for messages. ``kind`` defaults to :func:`column_kind`."""
    kind = kind or column_kind(series)
    dtype = series.dtype
    if kind == "nested":
        if getattr(dtype, "pyarrow_dtype", None) is not None:
            what = f"Arrow {str(dtype.pyarrow_dtype).split('<')[0]} values"
        else:
            values = series.dropna()
            seen = sorted({type(v).__name__ for v in values.to_numpy(dtype=object)[:1000]} & _CONTAINER_NAMES)
            what = " and ".join(_PLURAL.get(t, t) for t in seen) or "containers"
        fix = (
            "expand it into scalar columns (e.g. its length, or one column per key or element) "
            "or leave it out with columns=[...]"
        )
        return what, fix
    if pd.api.types.is_complex_dtype(dtype) or _holds(series, (complex, np.complexfloating)):
        return "complex numbers", "split it into np.real(...) and np.imag(...) columns, or use np.abs(...)"
    if _holds(series, (Decimal,)):
        return "Decimal values", "convert it with .astype(float) (or to str if every digit matters)"
    return (
        "integers beyond the int64 range",
        "convert it with .astype(float) for magnitudes, or .astype(str) for identifiers",
    )


_CONTAINER_NAMES = {"list", "tuple", "dict", "set", "frozenset", "ndarray"}
_PLURAL = {
    "list": "lists",
    "tuple": "tuples",
    "dict": "dicts",
    "set": "sets",
    "frozenset": "frozensets",
    "ndarray": "arrays",
}


def _holds(series: pd.Series, types: tuple[type, ...]) -> bool:
    if not pd.api.types.is_object_dtype(series.dtype):
        return False
    return any(isinstance(v, types) for v in series.dropna().to_numpy(dtype=object)[:1000])


def unsupported_dtype_finding(
    col: Any, series: pd.Series, *, explicit: bool = False, method: str | None = None, kind: str | None = None
) -> Finding:
    """The finding for a column of an unsupported kind: SKIP when it came from a gate's default
    selection, ERROR when the user listed it (``explicit``); reason ``unsupported_dtype``. The
    message names the dtype, what the column holds and the fix.

    Examples
    --------
    >>> f = unsupported_dtype_finding("z", pd.Series([1 + 2j, 3j]))
    >>> f.status.value, f.reason
    ('skip', 'unsupported_dtype')
    >>> print(f.message)  # doctest: +NORMALIZE_WHITESPACE
    z: complex128 column of complex numbers is not supported (not judged); fix: split it into
    np.real(...) and np.imag(...) columns, or use np.abs(...)
    """
    from mlgates.core.status import Status

    kind = kind or column_kind(series)
    what, fix = describe_unsupported(series, kind)
    return Finding(
        str(col),
        Status.ERROR if explicit else Status.SKIP,
        method=method,
        reason="unsupported_dtype",
        message=f"{col}: {series.dtype} column of {what} is not supported (not judged); fix: {fix}",
        details={"kind": kind, "dtype": str(series.dtype), "holds": what},
    )


def kind_matches(kind: str, expected: str, dtype: Any) -> bool:
    """Whether a column of ``kind`` (and ``dtype``) satisfies an expected family or dtype name."""
    expected_l = expected.lower()
    if expected_l in FAMILIES:
        if expected_l == "numeric":
            return kind in ("integer", "float")
        return kind == expected_l
    return str(dtype).lower() == expected_l


def select_columns(frame: pd.DataFrame, columns: str | Sequence[Any] | None) -> list[Any]:
    """Resolve a ``columns`` parameter against a frame (None means every column).

    Columns absent from the frame are kept: gates report them as ``missing_column`` findings.
    Duplicate column names in the frame are an InputError naming them.
    """
    dupes = [] if frame.columns.is_unique else frame.columns[frame.columns.duplicated()].unique().tolist()
    if dupes:
        raise InputError(
            f"duplicate column names {dupes[:10]}: rename them so each column can be judged",
            reason="duplicate_columns",
            subject=str(dupes[0]),
        )
    if columns is None:
        return list(frame.columns)
    if isinstance(columns, str):
        return [columns]
    return list(columns)


def share_text(x: float) -> str:
    """0.2 -> '20.0%'."""
    if x != x:  # NaN
        return "undefined"
    return f"{100 * x:.1f}%"


def missing_mask(series: pd.Series) -> np.ndarray:
    """Boolean array: NaN, None, NaT and pd.NA count as missing."""
    return np.asarray(series.isna(), dtype=bool)


def value_kind(series: pd.Series) -> str:
    """``numeric``, ``datetime`` or ``categorical``: how a column's values are compared.

    Decided from the dtype alone (no pass over the values): integer and float dtypes are
    numeric, datetime and timedelta dtypes are datetime, everything else is categorical.

    Examples
    --------
    >>> value_kind(pd.Series([1.5, 2.0])), value_kind(pd.Series(["a", "b"]))
    ('numeric', 'categorical')
    """
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":  # the common case, without pandas' checks
        return "numeric"
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return "datetime"
    return "categorical"


def is_text_like(kind: str, n_distinct: int, n_values: int, *, min_distinct: int = 100) -> bool:
    """A string/object column whose values are mostly distinct: more than ``min_distinct``
    distinct values and more than half of the non-missing values distinct."""
    return kind in ("string", "object") and n_distinct > min_distinct and n_distinct > 0.5 * n_values


def unknown_key_findings(
    mappings: Mapping[str, Any],
    columns: Iterable[Any],
    *,
    other_keys: Iterable[str] = (),
    skip: Iterable[Any] = (),
    side: str = "current",
    method: str | None = None,
) -> list[Finding]:
    """ERROR findings (reason ``missing_column``) for keys of per-column mapping parameters
    that name no column, so that a typo (``max_share={"agee": 0.1}``) is reported instead of
    silently applying to nothing.

    Parameters
    ----------
    mappings : mapping
        Parameter name -> its value; values that are not mappings are ignored.
    columns : iterable
        The columns the keys may name (compared as given and as ``str``).
    other_keys : iterable of str
        Keys that are valid without naming a column (e.g. drift's method and kind names).
    skip : iterable
        Keys already reported by the gate (e.g. listed columns it reports as missing).
    side : str
        The table named in the message.

    Returns
    -------
    list of Finding
        One per unknown key (naming every parameter that holds it), with the nearest column in
        the message and in ``details["did_you_mean"]``.

    Examples
    --------
    >>> [f.message for f in unknown_key_findings({"max_share": {"agee": 0.1}}, ["age", "city"])]
    ["max_share['agee']: no column 'agee' in current, so this entry applies to nothing. Did you mean 'age'?"]
    """
    cols = list(columns)
    names = {str(c) for c in cols}
    valid = names | set(other_keys)
    skipped = {str(k) for k in skip}
    where: dict[str, list[str]] = {}
    for param, value in mappings.items():
        if not isinstance(value, Mapping):
            continue
        for key in value:
            if str(key) in valid or str(key) in skipped:
                continue
            where.setdefault(str(key), []).append(param)
    findings = []
    for key, params in where.items():
        best = closest(key, [str(c) for c in cols])
        hint = f" Did you mean {best!r}?" if best is not None else ""
        entries = ", ".join(f"{p}[{key!r}]" for p in params)
        findings.append(
            Finding(
                key,
                Status.ERROR,
                method=method,
                reason="missing_column",
                message=f"{entries}: no column {key!r} in {side}, so this entry applies to nothing.{hint}",
                details={"parameters": params, "did_you_mean": best},
            )
        )
    return findings


def missing_column_hint(column: Any, columns: Iterable[Any]) -> str:
    """ " Did you mean 'x'?" for a column that is not in ``columns`` (or "")."""
    best = closest(str(column), [str(c) for c in columns])
    return "" if best is None else f" Did you mean {best!r}?"
