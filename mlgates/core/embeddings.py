"""The input layer's reader of embeddings: vectors, one per row, given as a 2-d array or read
from a table (one column of vectors, or several numeric columns).

Part of the input layer (with :mod:`mlgates.core.inputs`): every gate that judges embeddings
reads them here, so the same mistake gives the same reason and words everywhere:

==========================================  ==================
mistake                                     reason
==========================================  ==================
an array that is not 2-d                    ``invalid_input``
vectors of different lengths in a column    ``invalid_input``
values that are not numbers                 ``invalid_input``
infinite values                             ``invalid_input``
``columns`` given with an array input       ``invalid_input``
==========================================  ==================

Rows with a missing vector (None, NaN in the column of vectors, NaN in a numeric column) are
left out and counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgates.core.context import CheckContext

__all__ = ["embedding_matrix"]

Side = Literal["current", "reference"]


def _bad(side: str, what: str) -> InputError:
    return InputError(f"{side}: {what}", reason="invalid_input", subject=side)


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _vectors(series: pd.Series, side: str, col: Any) -> tuple[np.ndarray, int]:
    import numpy as np

    values = series.tolist()
    rows = []
    for v in values:
        if _is_missing(v):
            continue
        try:
            arr = np.asarray(v, dtype="float64")
        except (TypeError, ValueError):
            raise _bad(
                side, f"column {col!r} holds {type(v).__name__} values that are not vectors of numbers"
            ) from None
        if arr.ndim != 1:
            raise _bad(side, f"column {col!r} holds values of shape {arr.shape}; each row needs one vector")
        rows.append(arr)
    if not rows:
        return np.empty((0, 0)), len(values)
    lengths = sorted({r.size for r in rows})
    if len(lengths) > 1:
        raise _bad(
            side,
            f"column {col!r} holds vectors of different lengths ({', '.join(map(str, lengths[:5]))}); "
            "every embedding needs the same dimension",
        )
    return np.vstack(rows), len(values) - len(rows)


def _finite(matrix: np.ndarray, side: str) -> np.ndarray:
    import numpy as np

    if np.isinf(matrix).any():
        raise _bad(side, f"{int(np.isinf(matrix).sum()):,} infinite values in the embeddings")
    return matrix


def embedding_matrix(
    ctx: CheckContext, side: Side, columns: str | Sequence[Any] | None = None
) -> tuple[np.ndarray, int, str]:
    """``(matrix, n_dropped, subject)``: the embeddings of ``side`` as a float64 matrix (one
    row per kept row), the number of rows left out for a missing vector, and the name of what
    was read (the column, ``"embedding"``).

    ``side`` may be a 2-d array (``columns`` must then be None), or a table: ``columns`` names
    one column of vectors (lists, tuples or arrays of one length) or several numeric columns;
    with None, the table's one column of vectors or else every numeric feature column.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates.core.context import CheckContext
    >>> frame = pd.DataFrame({"emb": [[0.1, 0.2], [0.3, 0.4], None], "y": [0, 1, 0]})
    >>> matrix, dropped, subject = embedding_matrix(CheckContext({"current": frame}), "current", "emb")
    >>> matrix.shape, dropped, subject
    ((2, 2), 1, 'emb')
    >>> embedding_matrix(CheckContext({"current": np.ones((4, 3))}), "current")[0].shape
    (4, 3)
    """
    import numpy as np
    import pandas as pd

    raw = ctx.require(side)
    if isinstance(raw, (np.ndarray, list)) and not isinstance(raw, pd.DataFrame):
        if columns is not None:
            raise _bad(
                side, f"columns={columns!r} names table columns, but {side} is an array; pass columns=None"
            )
        try:
            arr = np.asarray(raw, dtype="float64")
        except (TypeError, ValueError):
            raise _bad(side, "the array holds values that are not numbers") from None
        if arr.ndim != 2:
            raise _bad(side, f"embeddings must be a 2-d array (rows x dimensions), got shape {arr.shape}")
        keep = ~np.isnan(arr).any(axis=1)
        return _finite(arr[keep], side), int((~keep).sum()), "embedding"
    frame = ctx.frame(side)
    dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
    if dupes:
        raise InputError(
            f"{side}: duplicate column names {dupes[:10]}: rename them so each column can be read",
            reason="duplicate_columns",
            subject=str(dupes[0]),
        )
    if columns is None:
        feats = ctx.features(side)
        nested = [c for c in feats.columns if _holds_vectors(feats[c])]
        if len(nested) == 1:
            columns = nested[0]
        else:
            columns = [
                c
                for c in feats.columns
                if pd.api.types.is_numeric_dtype(feats[c].dtype)
                and not pd.api.types.is_bool_dtype(feats[c].dtype)
            ]
            if not columns:
                raise _bad(
                    side,
                    "no column of vectors and no numeric column: name the embedding column(s) with columns=",
                )
    names = [columns] if isinstance(columns, (str, int)) else list(columns)
    gone = [c for c in names if c not in frame.columns]
    if gone:
        from mlgates.core._suggest import did_you_mean

        raise InputError(
            f"{side}: column {gone[0]!r} not found.{did_you_mean(gone[0], frame.columns)}",
            reason="missing_column",
            subject=str(gone[0]),
        )
    if len(names) == 1 and _holds_vectors(frame[names[0]]):
        matrix, dropped = _vectors(frame[names[0]], side, names[0])
        return _finite(matrix, side), dropped, str(names[0])
    blocks = []
    for c in names:
        series = frame[c]
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_complex_dtype(series.dtype):
            raise _bad(side, f"column {c!r} ({series.dtype}) is neither numeric nor a column of vectors")
        blocks.append(series.to_numpy(dtype="float64", na_value=np.nan))
    matrix = np.column_stack(blocks)
    keep = ~np.isnan(matrix).any(axis=1)
    subject = str(names[0]) if len(names) == 1 else "embedding"
    return _finite(matrix[keep], side), int((~keep).sum()), subject


def _holds_vectors(series: pd.Series) -> bool:
    """An object or Arrow list column whose first non-missing value is a list, tuple or array."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    pa_type = getattr(dtype, "pyarrow_dtype", None)
    if pa_type is not None:
        import pyarrow as pa

        return bool(
            pa.types.is_list(pa_type)
            or pa.types.is_large_list(pa_type)
            or pa.types.is_fixed_size_list(pa_type)
        )
    if not pd.api.types.is_object_dtype(dtype):
        return False
    for v in series:
        if not _is_missing(v):
            return isinstance(v, (list, tuple, np.ndarray))
    return False
