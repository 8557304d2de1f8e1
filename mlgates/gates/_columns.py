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
=============  ============================================================================

``"numeric"`` is accepted wherever a kind is expected and matches integer and float.

Value kinds (:func:`value_kind`, used to compare distributions, e.g. by drift gates) group the
kinds above: ``numeric`` (integer, float), ``datetime`` (datetime, timedelta), ``categorical``
(boolean, categorical, string, object); :func:`is_text_like` marks a string/object column as
``text`` when most values are distinct (free text or identifiers, not categories), and a column
with at most two distinct values is ``binary``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.errors import InputError

VALUE_KINDS = ("numeric", "categorical", "binary", "datetime", "text")
KINDS = ("boolean", "integer", "float", "datetime", "timedelta", "categorical", "string", "object")
FAMILIES = (*KINDS, "numeric")


def column_kind(series: pd.Series) -> str:
    """The kind of a column, by the rule in this module's docstring."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "timedelta"
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        return "string"
    if pd.api.types.is_object_dtype(dtype):
        values = series.dropna()
        if len(values) and values.map(type).eq(str).all():
            return "string"
        return "object"
    if pd.api.types.is_numeric_dtype(dtype):
        return "float"
    return "object"


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

    Columns absent from the frame are kept: gates report them as ``column_missing`` findings.
    Duplicate column names in the frame are an InputError naming them.
    """
    dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
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
