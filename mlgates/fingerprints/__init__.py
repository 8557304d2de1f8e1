"""Canonical content fingerprints of data, models, configs, files and environments.

``fingerprint(obj)`` returns ``"mlg1-xxh3_128:<32 hex digits>"``: the scheme version
(``mlg1``), the hash algorithm, and a 128-bit digest of a canonical encoding of ``obj``
(specified byte for byte in docs/reproducibility.md). The same logical data gives the same
fingerprint across pandas 2 and 3, dtype backends (numpy, nullable, Arrow), datetime units
and categorical category orders; any change to a value, a column name or a dtype family
changes it.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any, Literal

from mlgates.fingerprints._canon import canonical_bytes, digest_of

__all__ = [
    "ALGORITHM",
    "SCHEME",
    "Manifest",
    "TableFingerprint",
    "capture_environment",
    "fingerprint",
    "fingerprint_table",
]

#: Version of the canonical encoding; bumped whenever any fingerprint could change.
SCHEME = "mlg1"
#: Hash function of this scheme.
ALGORITHM = "xxh3_128"
PREFIX = f"{SCHEME}-{ALGORITHM}:"

Order = Literal["sensitive", "insensitive"]


def _format(digest: bytes) -> str:
    return PREFIX + digest.hex()


def _check_order(name: str, value: Any) -> None:
    if value not in ("sensitive", "insensitive"):
        from mlgates.core.params import parameter_error

        raise parameter_error("fingerprint", name, "one of {'sensitive', 'insensitive'}", value)


@dataclasses.dataclass(frozen=True)
class TableFingerprint:
    """Fingerprint of a table with one fingerprint per column, for diffs.

    Attributes
    ----------
    fingerprint : str
        The table's fingerprint (equal to ``fingerprint(obj, ...)`` with the same options).
    n_rows : int
        Number of rows hashed (all of them).
    columns : dict
        Column name (as ``str``) -> that column's fingerprint.
    families : dict
        Column name -> canonical dtype family (``"int"``, ``"float"``, ``"string"``, ...).
    row_order, column_order : str
        The options used.
    """

    fingerprint: str
    n_rows: int
    columns: dict[str, str]
    families: dict[str, str]
    row_order: str = "sensitive"
    column_order: str = "sensitive"

    def changed_columns(self, other: TableFingerprint) -> dict[str, list[str]]:
        """Columns whose fingerprint differs, and columns only in one of the two tables."""
        mine, theirs = self.columns, other.columns
        return {
            "changed": [c for c in mine if c in theirs and mine[c] != theirs[c]],
            "added": [c for c in mine if c not in theirs],
            "removed": [c for c in theirs if c not in mine],
        }


def fingerprint_table(
    obj: Any, *, row_order: Order = "sensitive", column_order: Order = "sensitive"
) -> TableFingerprint:
    """Fingerprint a table and each of its columns.

    Parameters
    ----------
    obj : DataFrame, Series, numpy array, pyarrow Table or polars DataFrame
        The table. Every row and every column is hashed; the index is not.
    row_order, column_order : {"sensitive", "insensitive"}
        See :func:`fingerprint`.

    Returns
    -------
    TableFingerprint

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import fingerprint, fingerprint_table
    >>> a = pd.DataFrame({"x": [1, 2], "y": ["u", "v"]})
    >>> b = a.assign(y=["u", "w"])
    >>> fa, fb = fingerprint_table(a), fingerprint_table(b)
    >>> fa.fingerprint == fingerprint(a)
    True
    >>> fb.changed_columns(fa)
    {'changed': ['y'], 'added': [], 'removed': []}
    """
    from mlgates.fingerprints._objects import table_digest

    _check_order("row_order", row_order)
    _check_order("column_order", column_order)
    result = table_digest(obj, row_order=row_order, column_order=column_order)
    if result is None:
        raise TypeError(
            "fingerprint_table() expects a table (pandas, numpy, pyarrow or polars), "
            f"got {type(obj).__name__}"
        )
    columns: dict[str, str] = {}
    families: dict[str, str] = {}
    for col in result.columns:
        key = str(col.name)
        if key in columns:  # duplicate names: disambiguate by position
            key = f"{key}#{len(columns)}"
        columns[key] = _format(col.digest)
        families[key] = col.family
    return TableFingerprint(_format(result.digest), result.n_rows, columns, families, row_order, column_order)


def fingerprint(obj: Any, *, row_order: Order = "sensitive", column_order: Order = "sensitive") -> str:
    """Canonical, versioned 128-bit content fingerprint of ``obj``.

    Parameters
    ----------
    obj : object
        - pandas DataFrame / Series / Index, numpy array, pyarrow Table / Array, polars
          DataFrame / Series: all rows, all columns, column names and a canonical dtype
          family (the index is not hashed).
        - scikit-learn style estimators (anything with ``get_params``): the class, the
          constructor parameters (recursively) and every fitted attribute (arrays hashed by
          value, never pickle bytes).
        - configs: dicts (key order irrelevant), lists/tuples (alike), sets, str, int, float,
          bool, None, dates; ``1``, ``1.0``, ``True`` and ``"1"`` differ.
        - ``pathlib.Path`` (any ``os.PathLike``): the content of the file, or of every file
          in the directory with its relative path. Parquet/Feather files are hashed by
          their table content, so they match the DataFrame they hold. A plain ``str`` is a
          string, never a path.
    row_order : {"sensitive", "insensitive"}, default "sensitive"
        For tables: whether reordering rows changes the fingerprint. "insensitive" sums
        per-row 128-bit hashes (two independent 64-bit lanes, modulo 2**64): duplicate rows
        count, and the sum is mergeable across chunks.
    column_order : {"sensitive", "insensitive"}, default "sensitive"
        For tables: whether reordering columns changes the fingerprint ("insensitive" sorts
        columns by canonical name).

    Returns
    -------
    str
        ``"mlg1-xxh3_128:"`` followed by 32 hex digits.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import fingerprint
    >>> df = pd.DataFrame({"x": [0.0, np.nan], "s": ["a", None]})
    >>> fp = fingerprint(df)
    >>> fp.startswith("mlg1-xxh3_128:"), len(fp.split(":")[1])
    (True, 32)
    >>> fingerprint(pd.DataFrame({"x": [-0.0, np.nan], "s": pd.array(["a", None], dtype="string")})) == fp
    True
    >>> fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    True
    >>> fingerprint(df.iloc[::-1], row_order="insensitive") == fingerprint(df, row_order="insensitive")
    True
    """
    _check_order("row_order", row_order)
    _check_order("column_order", column_order)
    if isinstance(obj, os.PathLike):
        from mlgates.fingerprints._objects import digest_path

        return _format(digest_path(obj))  # type: ignore[arg-type]
    if type(obj).__module__.split(".")[0] in ("pandas", "numpy", "pyarrow", "polars"):
        from mlgates.fingerprints._objects import table_digest

        table = table_digest(obj, row_order=row_order, column_order=column_order)
        if table is not None:
            return _format(table.digest)
    return _format(digest_of(b"value" + canonical_bytes(obj)))


def __getattr__(name: str) -> Any:
    if name == "capture_environment":
        from mlgates.fingerprints.environment import capture_environment

        return capture_environment
    if name == "Manifest":
        from mlgates.fingerprints.manifest import Manifest

        return Manifest
    raise AttributeError(f"module 'mlgates.fingerprints' has no attribute {name!r}")
