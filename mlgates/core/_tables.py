"""Tables: objects passed to ``check()`` (:func:`as_frame`) and files (:func:`read_table`), with
one dtype policy. Part of the input layer; import these names from :mod:`mlgates.core.inputs`.
Which file names hold tables and how CSV is parsed is :mod:`mlgates.core._io`'s
(:func:`~mlgates.core._io.table_format`, :func:`~mlgates.core._io.csv_read_policy`).

:func:`read_table` is the seam for table sources: :func:`table_source` turns what it is given
into a :class:`TableSource` (today a :class:`FileSource` for CSV/TSV, Parquet or Feather) whose
``read()`` gives a pandas DataFrame. A new kind of source (chunked files, Dask, Spark) is a new
:class:`TableSource` that :func:`table_source` returns; what reads tables does not change.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from mlgates.core._io import csv_read_policy, table_format
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FileSource",
    "TableSource",
    "arrow_to_pandas",
    "arrow_types",
    "as_frame",
    "csv_read_policy",
    "read_table",
    "table_format",
    "table_source",
]


def as_frame(value: Any, name: str) -> pd.DataFrame:
    """A table passed to ``check()`` as a pandas DataFrame: a DataFrame as it is, a Series as a
    one-column frame, anything with ``to_pandas()`` (polars, pyarrow) converted."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, pd.Series):
        return value.to_frame()
    to_pandas = getattr(value, "to_pandas", None)
    if callable(to_pandas):
        frame = to_pandas()
        if isinstance(frame, pd.DataFrame):
            return frame
    raise InputError(
        f"{name}: expected a pandas DataFrame (or a polars/pyarrow table), got {type(value).__name__}.",
        reason="invalid_input",
        subject=name,
    )


@runtime_checkable
class TableSource(Protocol):
    """Where a table comes from. ``read()`` gives the whole table as a pandas DataFrame with
    the dtype policy of :func:`read_table`; ``name`` says what it is in messages.

    Sources that do not fit in memory (issue 15: chunked files, Dask, Spark) will add a way to
    iterate over parts of the table; every caller of :func:`read_table` keeps working."""

    @property
    def name(self) -> str: ...

    def read(self) -> pd.DataFrame: ...


@dataclasses.dataclass(frozen=True)
class FileSource:
    """A table in one file: CSV/TSV (optionally .gz/.bz2/.zip/.xz), Parquet or Feather.

    Dtype policy (the same for the CLI, the fingerprints and Python callers): CSV/TSV through
    ``pandas.read_csv`` with :func:`csv_read_policy`; Parquet/Feather through pyarrow with the
    Arrow types kept exactly (``pd.ArrowDtype``: integers with nulls stay integers, decimals
    stay decimals), dictionary columns as pandas Categoricals."""

    path: Path
    format: str

    @property
    def name(self) -> str:
        return str(self.path)

    def read(self) -> pd.DataFrame:
        import pandas as pd

        if self.format in ("csv", "tsv"):
            sep = "\t" if self.format == "tsv" else ","
            return pd.read_csv(self.path, sep=sep, **csv_read_policy())
        try:
            import pyarrow.feather as feather
            import pyarrow.parquet as pq
        except ImportError:
            raise InputError(
                f"{self.path}: reading {self.format.title()} needs pyarrow: pip install mlgates[parquet]",
                reason="invalid_input",
                subject=str(self.path),
            ) from None
        table = pq.read_table(self.path) if self.format == "parquet" else feather.read_table(self.path)
        return arrow_to_pandas(table)


def table_source(source: Any) -> TableSource:
    """The :class:`TableSource` for ``source``: a :class:`TableSource` as it is; a path
    (``str`` or ``os.PathLike``) by its suffix. The one place new kinds of sources plug in."""
    if isinstance(source, TableSource):
        return source
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        fmt = table_format(path)
        if fmt is None:
            raise InputError(
                f"{path}: unknown table file type {path.suffix!r}; use .csv or .tsv (optionally "
                ".gz/.bz2/.zip/.xz), .parquet or .feather.",
                reason="invalid_input",
                subject=str(path),
            )
        return FileSource(path, fmt)
    raise InputError(
        f"expected a table file path or a TableSource, got {type(source).__name__}; pass a "
        "DataFrame to check() directly.",
        reason="invalid_input",
    )


def read_table(source: str | os.PathLike[str] | TableSource) -> pd.DataFrame:
    """Read a table with the one dtype policy of mlgates (see :class:`FileSource`).

    ``mlgates check`` and ``mlgates init`` read their data files with it, ``mlgates lock`` and
    ``mlgates fingerprint`` fingerprint what it returns, and tests run under the pytest plugin
    can use it to see a file exactly as the CLI does.

    Raises
    ------
    InputError
        An unknown file type, or Parquet/Feather without pyarrow (the message names the fix).
    OSError, ValueError
        The file cannot be read or parsed (from pandas or pyarrow).

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> pd.DataFrame({"a": [1, 2], "b": ["x", None]}).to_csv(path, index=False)
    >>> read_table(path)["a"].tolist()
    [1, 2]
    """
    return table_source(source).read()


def arrow_types(arrow_type: Any) -> Any:
    """Keep Arrow types exactly (ints with nulls stay ints); dictionaries become Categoricals."""
    import pandas as pd
    import pyarrow as pa

    return None if pa.types.is_dictionary(arrow_type) else pd.ArrowDtype(arrow_type)


def arrow_to_pandas(table: Any) -> pd.DataFrame:
    """Arrow table or record batch -> pandas with Arrow types kept; string/binary views become
    large types (polars writes views, which pandas cannot inspect)."""
    import pyarrow as pa

    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    views = {"string_view": pa.large_string(), "binary_view": pa.large_binary()}
    if any(str(f.type) in views for f in table.schema):
        fields = [pa.field(f.name, views.get(str(f.type), f.type), f.nullable) for f in table.schema]
        table = table.cast(pa.schema(fields))
    return table.to_pandas(types_mapper=arrow_types)
