"""Dispatch of objects to their canonical digests: tables, arrays, estimators, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xxhash

from mlgates.core._io import (
    COMPRESSION_SUFFIXES,
    CSV_SUFFIXES,
    TABLE_SUFFIXES,
    csv_read_policy,
    is_table_file,
    table_format,
)
from mlgates.core.errors import InputError
from mlgates.core.inputs import arrow_to_pandas, arrow_types, read_table
from mlgates.fingerprints._canon import canonical_bytes
from mlgates.fingerprints._paths import IGNORED_NAMES, digest_path
from mlgates.fingerprints._tables import TableDigest, digest_array, digest_frame

__all__ = [
    "COMPRESSION_SUFFIXES",
    "CSV_READ_POLICY",
    "CSV_SUFFIXES",
    "IGNORED_NAMES",
    "TABLE_SUFFIXES",
    "arrow_types",
    "as_pandas_table",
    "digest_path",
    "is_numpy_scalar",
    "is_table_file",
    "object_state",
    "special_digest",
    "table_digest",
    "table_format",
]

# File-format recognition lives in mlgates.core._io (shared with the command line); the names
# stay importable from here.
CSV_READ_POLICY: dict[str, Any] = csv_read_policy()


def as_pandas_table(obj: Any) -> pd.DataFrame | pd.Series | None:
    """pandas view of a pyarrow or polars table (types preserved via ArrowDtype), else None."""
    mod = type(obj).__module__.split(".")[0]
    if mod == "pyarrow":
        import pyarrow as pa

        if isinstance(obj, (pa.Table, pa.RecordBatch)):
            return arrow_to_pandas(obj)
        if isinstance(obj, (pa.Array, pa.ChunkedArray)):
            return arrow_to_pandas(pa.table({"": obj})).iloc[:, 0].rename(None)
    if mod == "polars":
        import pyarrow as pa

        if type(obj).__name__ == "LazyFrame":  # the data it computes
            obj = obj.collect()
        if hasattr(obj, "to_arrow"):
            arrow = obj.to_arrow()
            if isinstance(arrow, pa.Table):
                return arrow_to_pandas(arrow)
            return arrow_to_pandas(pa.table({"": arrow})).iloc[:, 0].rename(getattr(obj, "name", None))
    return None


def table_digest(
    obj: Any, *, row_order: str = "sensitive", column_order: str = "sensitive"
) -> TableDigest | None:
    """Digest of a table-like object (DataFrame, Series, ndarray, pyarrow, polars), else None."""
    converted = as_pandas_table(obj)
    if converted is not None:
        obj = converted
    if isinstance(obj, pd.api.extensions.ExtensionArray):
        obj = pd.Series(obj)
    if isinstance(obj, pd.DataFrame):
        return digest_frame(obj, row_order=row_order, column_order=column_order)
    if isinstance(obj, pd.Series):
        return digest_frame(
            obj.to_frame(name=obj.name), kind="series", row_order=row_order, column_order=column_order
        )
    if isinstance(obj, pd.Index):
        return digest_frame(
            obj.to_frame(index=False, name=obj.name),
            kind="index",
            row_order=row_order,
            column_order=column_order,
        )
    if isinstance(obj, np.ndarray):
        return digest_array(obj, row_order=row_order, column_order=column_order)
    return None


def is_numpy_scalar(v: Any) -> bool:
    """A numpy scalar that ``.item()`` turns into the equal Python value."""
    return isinstance(v, np.generic) and not isinstance(v, (np.datetime64, np.timedelta64, np.void))


def special_digest(v: Any) -> tuple[bytes, bytes] | None:
    """(tag, 16-byte digest) for values nested in configs/estimators that are not plain data."""
    if isinstance(v, (np.datetime64, np.timedelta64)):
        return b"g", xxhash.xxh3_128_digest(canonical_bytes(str(v.dtype) + ":" + str(v)))
    if isinstance(v, np.random.RandomState):
        return b"r", xxhash.xxh3_128_digest(canonical_bytes(list(v.get_state(legacy=True))))
    if isinstance(v, np.random.Generator):
        return b"q", xxhash.xxh3_128_digest(canonical_bytes(v.bit_generator.state))
    table = table_digest(v)
    if table is not None:
        return b"t", table.digest
    return None


def object_state(v: Any, path: tuple[Any, ...]) -> Any:
    """The state that defines an arbitrary object: ``__getstate__()``, else its reduce tuple."""
    getstate = getattr(v, "__getstate__", None)
    state: Any = None
    if callable(getstate):
        try:
            state = getstate()
        except TypeError:
            state = None
    if isinstance(state, dict):
        return {k: s for k, s in state.items() if not (isinstance(k, str) and k.startswith("__"))}
    if state is not None:  # e.g. (dict, slots) of a slotted class
        return state
    try:
        reduced = v.__reduce_ex__(4)
    except Exception as exc:  # noqa: BLE001 - anything that refuses to pickle
        where = ".".join(map(str, path)) or "value"
        raise TypeError(
            f"cannot fingerprint {where} of type {type(v).__name__}: it has no state to hash "
            f"({exc}). Convert it to plain data, an array or a table first."
        ) from None
    if isinstance(reduced, str):
        return reduced
    if _stateless(v, reduced) and (not path or type(v) is object):
        # nested in an estimator or config, a stateless instance is identified by its class
        # (e.g. a loss's link function); on its own, or as a bare object() sentinel, it is not
        where = ".".join(map(str, path)) or "value"
        raise TypeError(
            f"cannot fingerprint {where} of type {type(v).__name__}: it has no inspectable state (no "
            "attributes, no __getstate__, no constructor arguments), so every instance would get the "
            "same fingerprint. Supported: tables and arrays (pandas, numpy, pyarrow, polars), "
            "estimators with get_params, dicts, lists, tuples, sets, str, int, float, bool, None, "
            "dates, enums, paths, and objects whose __getstate__ or pickle reduce arguments hold "
            "their state."
        )
    return list(reduced[1:3]) if len(reduced) > 1 else []


def _stateless(v: Any, reduced: Any) -> bool:
    """The reduce tuple of a bare ``object()`` (or of an instance with no attributes): only
    ``copyreg.__newobj__(cls)``, no state, no items."""
    import copyreg

    if not isinstance(reduced, tuple) or len(reduced) < 2:
        return False
    func, args, *rest = reduced
    newobj = func in (getattr(copyreg, "__newobj__", None), getattr(copyreg, "__newobj_ex__", None))
    bare_args = args in ((type(v),), (type(v), (), {}))
    return newobj and bare_args and all(item is None for item in rest)


def _read_table(path: Path) -> pd.DataFrame | None:
    """The table in a Parquet/Feather/CSV/TSV file, read by :func:`mlgates.core.inputs.read_table`
    (the dtypes ``mlgates check`` sees); None when it cannot be read as one: a CSV/TSV file
    pandas cannot parse (empty, ragged, not text) or Parquet/Feather without pyarrow. Such a
    file is then hashed by its bytes.
    """
    try:
        return read_table(path)
    except InputError:  # Parquet/Feather without pyarrow
        return None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, EOFError):
        return None
