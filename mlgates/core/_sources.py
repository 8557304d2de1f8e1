"""Chunked table sources and the one engine loop that profiles them (issue 15).

Part of the input layer; import these names from :mod:`mlgates.core.inputs`.

A gate that can run beyond memory does not read rows: it names the *summaries* it needs
(:class:`Summarizer` objects, made by :mod:`mlgates.profiles`), the context collects those of
every gate of a suite, and the table's :class:`ChunkedSource` computes all of them in **one
pass**: each chunk is turned into one partial summary per summarizer
(:func:`summarize_chunk`, on a :class:`Chunk` whose per-column arrays are computed once and
shared by every summarizer), and partials are merged (:func:`merge_partials`) with an
associative, commutative ``merge``. The core knows summarizers only by this protocol; it never
imports the profile layer.

Sources (all return pandas chunks with the dtype policy of :func:`~mlgates.core.inputs.read_table`):

- :class:`FilesSource`: a path, glob, directory or list of Parquet / Feather / CSV / TSV files,
  read in batches with ``pyarrow.dataset`` (the embedded default engine: no server);
- :class:`IteratorSource`: an iterable of pandas DataFrames (read once);
- :class:`FrameSource`: an in-memory DataFrame cut into chunks (tests, and to bound the memory
  of the per-chunk work on a table that fits).

A new engine (Dask, Spark) is a :class:`ChunkedSource` subclass whose :meth:`~ChunkedSource.summarize`
runs :func:`summarize_chunk` per partition and :func:`merge_partials` to combine; it is returned
by :func:`chunked_source` for the objects it handles.
"""

from __future__ import annotations

import dataclasses
import glob as _glob
import itertools
import math
import os
import sys
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from mlgates.core._io import table_format
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "Chunk",
    "ChunkedSource",
    "Failed",
    "FilesSource",
    "FrameSource",
    "IteratorSource",
    "ScanProgress",
    "ScanResult",
    "Summarizer",
    "Summary",
    "TerminalProgress",
    "chunked_source",
    "is_chunked_input",
    "merge_partials",
    "scan",
    "summarize_chunk",
]

#: Threads that summarize the columns of a chunk in the local engine (at most the CPUs).
SUMMARY_THREADS = 4

#: Rows per chunk when none is given: bounded memory (about 8 MB per float column) with
#: per-chunk overhead well below the work on the rows.
DEFAULT_CHUNK_ROWS = 1_000_000


# -- the protocol between sources and summaries ------------------------------------------------
@runtime_checkable
class Summary(Protocol):
    """A mergeable summary of some rows. ``a.merge(b)`` is associative and commutative and
    returns a new summary (neither operand changes); ``to_state()`` gives plain data (JSON
    values and numpy arrays) that the summarizer's ``from_state`` turns back into it."""

    def merge(self, other: Any) -> Any: ...

    def to_state(self) -> dict[str, Any]: ...


@runtime_checkable
class Summarizer(Protocol):
    """What a gate needs from a table, computed per chunk and merged.

    ``key`` identifies the computation (two summarizers with the same key compute the same
    summary, so gates of one suite share it); ``columns`` are the columns it reads (``None``:
    all of them); ``summarize(chunk)`` is a pure function of one :class:`Chunk`; ``empty()``
    is the summary of no rows (the identity of ``merge``); ``from_state`` rebuilds a summary
    saved with ``to_state()``."""

    @property
    def key(self) -> str: ...

    @property
    def columns(self) -> tuple[Any, ...] | None: ...

    def summarize(self, chunk: Chunk) -> Any: ...

    def empty(self) -> Any: ...

    def from_state(self, state: Mapping[str, Any]) -> Any: ...


class Chunk:
    """One part of a table and the per-column arrays every summarizer of a pass shares.

    ``frame`` is a pandas DataFrame (dtype policy of ``read_table``); ``index`` the position of
    the chunk in its source (file order, then batch order); ``origin`` what it was read from (a
    file name), for error messages. :meth:`numeric`, :meth:`missing` and :meth:`finite_sorted`
    are computed at most once per chunk and column.

    Examples
    --------
    >>> import pandas as pd
    >>> c = Chunk(pd.DataFrame({"x": [3.0, None, 1.0, float("inf")]}))
    >>> c.n_rows, c.missing("x").tolist(), c.finite_sorted("x").tolist()
    (4, [False, True, False, False], [1.0, 3.0])
    """

    __slots__ = ("_arrow", "_cache", "_frame", "files_done", "index", "origin")

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        index: int = 0,
        origin: str = "",
        files_done: int = 0,
        *,
        arrow: Any = None,
    ) -> None:
        if frame is None and arrow is None:
            raise ValueError("a Chunk needs a pandas DataFrame or an Arrow table")
        self._frame = frame
        self._arrow = arrow  # a pyarrow Table read from files: numbers are taken from it directly
        self.index = index
        self.origin = origin
        self.files_done = files_done
        self._cache: dict[Hashable, Any] = {}

    @property
    def frame(self) -> pd.DataFrame:
        """The chunk as a pandas DataFrame (dtype policy of ``read_table``; converted from the
        Arrow table on first use)."""
        if self._frame is None:
            from mlgates.core._tables import arrow_to_pandas

            self._frame = arrow_to_pandas(self._arrow)
        return self._frame

    @property
    def n_rows(self) -> int:
        return len(self._frame) if self._frame is not None else int(self._arrow.num_rows)

    def series(self, column: Any) -> pd.Series:
        """One column as a pandas Series (from an Arrow chunk, only that column is converted)."""
        if self._frame is not None:
            return self._frame[column]

        def compute() -> pd.Series:
            from mlgates.core._tables import arrow_to_pandas

            return arrow_to_pandas(self._arrow.select([column]))[column]

        return self.cached(("series", column), compute)  # type: ignore[no-any-return]

    def cached(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per chunk for ``key`` (summarizers share per-chunk work)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def missing(self, column: Any) -> np.ndarray:
        """Boolean mask of missing values (NaN, None, NaT, pd.NA) of ``column``."""
        import numpy as np

        def compute() -> np.ndarray:
            if self._frame is None:
                arr = self._arrow.column(column)
                if _arrow_float(arr.type) or _arrow_plain(arr.type):
                    return np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            return np.asarray(self.series(column).isna(), dtype=bool)

        return self.cached(("missing", column), compute)  # type: ignore[no-any-return]

    def numeric(self, column: Any) -> np.ndarray:
        """``column`` as float64 with NaN for missing values: numbers as they are, booleans as
        0/1, datetimes (UTC) and timedeltas as int64 nanoseconds; None for other values."""

        def compute() -> np.ndarray | None:
            if self._frame is None:
                fast = _arrow_as_float(self._arrow.column(column))
                if fast is not None:
                    return fast
            return _as_float(self.series(column))

        return self.cached(("numeric", column), compute)  # type: ignore[no-any-return]

    def finite_sorted(self, column: Any) -> np.ndarray:
        """The finite values of :meth:`numeric`, sorted (one sort per chunk and column; every
        count on bins, minimum, maximum and distinct count of the chunk reads it)."""
        import numpy as np

        def compute() -> np.ndarray:
            values = self.numeric(column)
            if values is None:
                raise TypeError(f"column {column!r} does not hold numbers")
            finite = np.isfinite(values)
            out = values[finite] if not finite.all() else values.copy()
            out.sort()
            return out

        return self.cached(("finite_sorted", column), compute)  # type: ignore[no-any-return]


def _arrow_float(t: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t))


def _arrow_plain(t: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _arrow_as_float(arr: Any) -> np.ndarray | None:
    """Numbers and booleans of an Arrow column as float64 with NaN for nulls, straight from
    Arrow (the same values as the pandas path, without building the pandas column)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _arrow_float(arr.type):
        return None
    as_float = pc.cast(arr, pa.float64()) if arr.type != pa.float64() else arr
    if as_float.null_count:
        as_float = pc.fill_null(as_float, float("nan"))
    out = as_float.to_numpy()  # zero-copy (read-only) when a single chunk without nulls
    return np.asarray(out, dtype="float64")


def _as_float(series: pd.Series) -> np.ndarray | None:
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return np.asarray(series.to_numpy(), dtype="float64")
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        if isinstance(dtype, pd.CategoricalDtype):
            return None
        return np.asarray(series.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        s = series
        if getattr(getattr(s, "dt", None), "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        miss = np.asarray(s.isna(), dtype=bool)
        target = "timedelta64[ns]" if pd.api.types.is_timedelta64_dtype(s.dtype) else "datetime64[ns]"
        out = s.to_numpy(dtype=target).view("int64").astype("float64")
        out[miss] = np.nan
        return out  # type: ignore[no-any-return]
    return None


@dataclasses.dataclass(frozen=True)
class Failed:
    """A summary that could not be computed on some chunk (the values of a column defeat it:
    unhashable objects, mixed types...). Merging keeps the failure of the earliest chunk, so the
    gates that need it report an error naming the column and the chunk; the other summaries of
    the pass are unaffected."""

    key: str
    message: str
    origin: str = ""
    index: int = 0

    def merge(self, other: Any) -> Failed:
        if isinstance(other, Failed) and (other.index, other.message) < (self.index, self.message):
            return other
        return self

    def to_state(self) -> dict[str, Any]:
        return {"$failed": self.message, "origin": self.origin, "index": self.index}


def summarize_chunk(chunk: Chunk, summarizers: Iterable[Summarizer], *, pool: Any = None) -> dict[str, Any]:
    """One partial summary per summarizer for one chunk: the per-partition function of every
    engine (the local loop, Dask's ``map_partitions``, Spark's ``mapInPandas``). A summarizer
    that raises gives a :class:`Failed` summary instead of stopping the pass.

    With ``pool`` (a ``concurrent.futures`` executor) the summarizers of different columns run
    in its threads (numpy and pyarrow release the GIL while they sort and count); those of one
    column stay together, so each column's arrays are still computed once."""
    summarizers = list(summarizers)
    if pool is None:
        return _summarize_group(chunk, summarizers)
    groups: dict[Any, list[Summarizer]] = {}
    for s in summarizers:
        cols = s.columns
        groups.setdefault(cols[0] if cols and len(cols) == 1 else None, []).append(s)
    out: dict[str, Any] = {}
    for part in pool.map(lambda group: _summarize_group(chunk, group), groups.values()):
        out.update(part)
    return {s.key: out[s.key] for s in summarizers}


def _summarize_group(chunk: Chunk, summarizers: Iterable[Summarizer]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for s in summarizers:
        try:
            out[s.key] = s.summarize(chunk)
        except Exception as exc:  # noqa: BLE001 - one column's values must not stop every gate
            text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            out[s.key] = Failed(s.key, text, chunk.origin, chunk.index)
    return out


def merge_partials(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Merge two ``{key: summary}`` mappings key by key (associative and commutative when each
    summary's ``merge`` is); a key on one side only is kept as it is; a :class:`Failed` summary
    absorbs the other side."""
    out = dict(a)
    for key, summary in b.items():
        if key not in out or (isinstance(summary, Failed) and not isinstance(out[key], Failed)):
            out[key] = summary
        else:
            out[key] = out[key].merge(summary)
    return out


# -- progress ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ScanProgress:
    """Where a pass is: rows and chunks done, files done of ``files_total`` (0 when the source
    has no files), seconds since the pass began."""

    source: str
    rows: int
    chunks: int
    files_done: int
    files_total: int
    seconds: float

    @property
    def rate(self) -> float:
        """Rows per second so far."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclasses.dataclass(frozen=True)
class ScanResult:
    """What one pass computed, and how: the summaries by key, rows and chunks read, files,
    the engine, the chunk size and the seconds it took."""

    summaries: dict[str, Any]
    rows: int
    chunks: int
    files: int
    engine: str
    chunk_rows: int | None
    seconds: float


class TerminalProgress:
    """A one-line progress bar on stderr (rows, files, rate), redrawn at most every 0.2 s;
    used by :meth:`CheckContext.summaries` when stderr is a terminal."""

    def __init__(self, stream: Any = None, interval: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._last = 0.0
        self._shown = False

    def __call__(self, p: ScanProgress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        files = f", {p.files_done}/{p.files_total} files" if p.files_total else ""
        line = f"\r{p.source}: {p.rows:,} rows{files}, {p.rate:,.0f} rows/s"
        self.stream.write(line[:120].ljust(80))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()


# -- sources -----------------------------------------------------------------------------------
class ChunkedSource:
    """A table read in parts. Subclasses give :meth:`schema` and :meth:`chunks` (local
    engines) or override :meth:`summarize` (distributed engines).

    Also a :class:`~mlgates.core.inputs.TableSource`: :meth:`read` gives the whole table (for
    callers that need all rows at once; bounded memory is lost there)."""

    #: Engine name recorded on verdicts.
    engine: ClassVar[str] = "chunks"
    #: Whether the source can be read more than once (an iterator cannot).
    rereadable: ClassVar[bool] = True
    chunk_rows: int | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def schema(self) -> pd.DataFrame:
        """A zero-row DataFrame with the table's columns and dtypes."""
        raise NotImplementedError

    def chunks(self, columns: Sequence[Any] | None = None) -> Iterator[Chunk]:
        """The chunks, in order, with only ``columns`` read (all when None)."""
        raise NotImplementedError

    @property
    def n_files(self) -> int:
        return 0

    def describe(self) -> dict[str, Any]:
        """Provenance of the source (type, engine, files), recorded on verdicts."""
        return {"type": type(self).__name__, "engine": self.engine, "source": self.name}

    def summarize(
        self, summarizers: Sequence[Summarizer], *, progress: Callable[[ScanProgress], None] | None = None
    ) -> ScanResult:
        """One pass computing every summarizer: the local engine loop."""
        from concurrent.futures import ThreadPoolExecutor

        start = time.perf_counter()
        columns = _needed_columns(summarizers, self.schema())
        total: dict[str, Any] = {s.key: s.empty() for s in summarizers}
        rows = n_chunks = 0
        threads = min(SUMMARY_THREADS, os.cpu_count() or 1)
        pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
        try:
            for chunk in self.chunks(columns):
                total = merge_partials(total, summarize_chunk(chunk, summarizers, pool=pool))
                rows += chunk.n_rows
                n_chunks += 1
                if progress is not None:
                    elapsed = time.perf_counter() - start
                    progress(ScanProgress(self.name, rows, n_chunks, chunk.files_done, self.n_files, elapsed))
        finally:
            if pool is not None:
                pool.shutdown()
        return ScanResult(
            total, rows, n_chunks, self.n_files, self.engine, self.chunk_rows, time.perf_counter() - start
        )

    def read(self) -> pd.DataFrame:
        import pandas as pd

        parts = [c.frame for c in self.chunks()]
        return pd.concat(parts, ignore_index=True) if parts else self.schema()


def _needed_columns(summarizers: Sequence[Summarizer], schema: pd.DataFrame) -> list[Any] | None:
    wanted: list[Any] = []
    for s in summarizers:
        cols = s.columns
        if cols is None:
            return None
        wanted.extend(c for c in cols if c not in wanted)
    picked = [c for c in schema.columns if c in wanted]
    # counting rows reads one column: a table with no column has no rows in some readers
    return picked or list(schema.columns[:1])


class FrameSource(ChunkedSource):
    """An in-memory DataFrame read in chunks of ``chunk_rows`` rows (or at the row positions
    ``splits``). The chunked path on data that fits: the same verdict as the exact in-memory
    path within each statistic's recorded bound.

    Examples
    --------
    >>> import pandas as pd
    >>> src = FrameSource(pd.DataFrame({"a": range(5)}), chunk_rows=2)
    >>> [c.n_rows for c in src.chunks()]
    [2, 2, 1]
    """

    engine = "pandas"

    def __init__(
        self, frame: pd.DataFrame, chunk_rows: int | None = None, *, splits: Sequence[int] | None = None
    ) -> None:
        from mlgates.core._tables import as_frame

        self.frame = as_frame(frame, "current")
        self.chunk_rows = chunk_rows or DEFAULT_CHUNK_ROWS
        self.splits = None if splits is None else sorted({int(s) for s in splits})

    @property
    def name(self) -> str:
        return f"DataFrame ({len(self.frame):,} rows)"

    def schema(self) -> pd.DataFrame:
        return self.frame.iloc[:0]

    def chunks(self, columns: Sequence[Any] | None = None) -> Iterator[Chunk]:
        frame = self.frame if columns is None else self.frame[list(columns)]
        n = len(frame)
        if self.splits is not None:
            cuts = [0, *(s for s in self.splits if 0 < s < n), n]
        else:
            step = max(int(self.chunk_rows or n or 1), 1)
            cuts = [*range(0, n, step), n] if n else [0, 0]
        for i, (lo, hi) in enumerate(itertools.pairwise(cuts)):
            yield Chunk(frame.iloc[lo:hi], i, self.name)


class IteratorSource(ChunkedSource):
    """An iterable of pandas DataFrames (or tables with ``to_pandas()``), read once, in order.
    Every chunk must have the first chunk's columns; a second pass is an error naming the fix
    (an iterator cannot be rewound: pass a list, files or a function returning a new iterator)."""

    engine = "iterator"
    rereadable = False

    def __init__(self, chunks: Iterable[Any], name: str = "iterator") -> None:
        self._iterable = chunks
        self._iterator: Iterator[Any] | None = None
        self._first: pd.DataFrame | None = None
        self._schema: pd.DataFrame | None = None
        self._label = name
        self._used = False

    @property
    def name(self) -> str:
        return self._label

    def _peek(self) -> pd.DataFrame:
        from mlgates.core._tables import as_frame

        if self._first is None:
            if self._used:
                raise _reread_error(self._label)
            self._iterator = iter(self._iterable)
            try:
                first = next(self._iterator)
            except StopIteration:
                raise InputError(
                    f"{self._label}: the iterator yielded no table; pass at least one DataFrame.",
                    reason="empty_input",
                    subject=self._label,
                ) from None
            self._first = as_frame(first, f"{self._label} chunk 0")
            self._schema = self._first.iloc[:0]
        return self._first

    def schema(self) -> pd.DataFrame:
        if self._schema is None:
            self._peek()
        assert self._schema is not None
        return self._schema

    def chunks(self, columns: Sequence[Any] | None = None) -> Iterator[Chunk]:
        from mlgates.core._tables import as_frame

        if self._used:
            raise _reread_error(self._label)
        first = self._peek()
        self._used = True
        names = list(first.columns)
        pick = names if columns is None else list(columns)
        yield Chunk(first[pick], 0, f"{self._label} chunk 0")
        assert self._iterator is not None
        for i, item in enumerate(self._iterator, start=1):
            frame = as_frame(item, f"{self._label} chunk {i}")
            if list(frame.columns) != names:
                raise InputError(
                    f"{self._label} chunk {i}: columns {list(frame.columns)[:10]} differ from the first "
                    f"chunk's {names[:10]}; every chunk must have the same columns in the same order.",
                    reason="schema_mismatch",
                    subject=f"{self._label} chunk {i}",
                )
            yield Chunk(frame[pick], i, f"{self._label} chunk {i}")
        self._first = None


def _reread_error(label: str) -> InputError:
    return InputError(
        f"{label}: an iterator of DataFrames can be read only once, and this check needs a second "
        "pass over it; pass a list of DataFrames, files, or profile the reference first "
        "(mlgates.profile_reference) so that one pass over current suffices.",
        reason="invalid_input",
        subject=label,
    )


class FilesSource(ChunkedSource):
    """Parquet / Feather / CSV / TSV files read in batches of ``chunk_rows`` rows with
    ``pyarrow.dataset`` (one file after another, in sorted path order).

    Every file's schema is read before the pass (Parquet and Feather footers; the header and
    inferred types of CSV) and compared with the first file's: a file with other columns or
    types is an InputError ``schema_mismatch`` naming it; a file that cannot be read is
    ``invalid_file`` naming it. Either happens before any verdict is decided, so nothing is
    half-decided.
    """

    engine = "pyarrow.dataset"

    def __init__(
        self, paths: Sequence[Path], fmt: str, chunk_rows: int | None = None, name: str = ""
    ) -> None:
        self.paths = list(paths)
        self.format = fmt
        self.chunk_rows = chunk_rows or DEFAULT_CHUNK_ROWS
        self._label = name or (str(self.paths[0]) if len(self.paths) == 1 else f"{len(self.paths)} files")
        self._schema: Any = None

    @property
    def name(self) -> str:
        return self._label

    @property
    def n_files(self) -> int:
        return len(self.paths)

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(format=self.format, files=len(self.paths), chunk_rows=self.chunk_rows)
        out["paths"] = [str(p) for p in self.paths[:20]] + (["..."] if len(self.paths) > 20 else [])
        return out

    def _format(self) -> Any:
        import pyarrow.dataset as ds

        if self.format in ("csv", "tsv"):
            import pyarrow.csv as pcsv

            return ds.CsvFileFormat(
                parse_options=pcsv.ParseOptions(delimiter="\t" if self.format == "tsv" else ","),
                read_options=pcsv.ReadOptions(block_size=1 << 24),
            )
        return "parquet" if self.format == "parquet" else "ipc"

    def _dataset(self, path: Path, schema: Any = None) -> Any:
        try:
            import pyarrow.dataset as ds
        except ImportError:
            raise InputError(
                f"{path}: reading files in chunks needs pyarrow: pip install mlgates[parquet]",
                reason="missing_dependency",
                subject=str(path),
            ) from None
        try:
            return ds.dataset(str(path), format=self._format(), schema=schema)
        except Exception as exc:  # noqa: BLE001 - any reader error names the file
            raise _file_error(path, exc) from None

    def arrow_schema(self) -> Any:
        """The first file's Arrow schema, after checking every other file against it."""
        if self._schema is None:
            first = self._dataset(self.paths[0]).schema
            for path in self.paths[1:]:
                other = self._dataset(path).schema
                if not _same_schema(first, other):
                    raise InputError(
                        f"{path}: its columns/types differ from {self.paths[0]}'s: "
                        f"{_schema_difference(first, other)}. Every file of one table must have the same "
                        "columns and types; fix or exclude that file.",
                        reason="schema_mismatch",
                        subject=str(path),
                    )
            self._schema = first
        return self._schema

    def schema(self) -> pd.DataFrame:
        from mlgates.core._tables import arrow_to_pandas

        return arrow_to_pandas(self.arrow_schema().empty_table())

    def chunks(self, columns: Sequence[Any] | None = None) -> Iterator[Chunk]:

        schema = self.arrow_schema()
        cols = None if columns is None else [str(c) for c in columns]
        index = 0
        for i, path in enumerate(self.paths):
            dataset = self._dataset(path, schema)
            try:
                batches = dataset.to_batches(
                    columns=cols, batch_size=self.chunk_rows, batch_readahead=2, fragment_readahead=1
                )
                pending: list[Any] = []
                n_pending = 0
                ready: list[Any] | None = None  # a full chunk, held until we know if it ends the file
                for batch in batches:  # small batches (row groups) are gathered to chunk_rows
                    if batch.num_rows == 0:
                        continue
                    if ready is not None:
                        yield Chunk(None, index, str(path), i, arrow=_table(ready))
                        index += 1
                        ready = None
                    pending.append(batch)
                    n_pending += batch.num_rows
                    if n_pending >= self.chunk_rows:  # exactly chunk_rows rows; the rest waits
                        whole = _table(pending)
                        ready = [whole.slice(0, self.chunk_rows)]
                        rest = whole.slice(self.chunk_rows)
                        pending, n_pending = ([rest] if rest.num_rows else []), rest.num_rows
                last = ready if ready is not None else pending
                if last:
                    yield Chunk(None, index, str(path), i + 1, arrow=_table(last))
                    index += 1
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001 - a file that fails mid-read names itself
                raise _file_error(path, exc) from None


def _table(parts: list[Any]) -> Any:
    import pyarrow as pa

    if len(parts) == 1 and isinstance(parts[0], pa.Table):
        return parts[0]
    tables = [p if isinstance(p, pa.Table) else pa.Table.from_batches([p]) for p in parts]
    return pa.concat_tables(tables)


def _same_schema(a: Any, b: Any) -> bool:
    if a.names != b.names:
        return False
    return all(fa.type == fb.type for fa, fb in zip(a, b))


def _schema_difference(a: Any, b: Any) -> str:
    only_a = [n for n in a.names if n not in b.names]
    only_b = [n for n in b.names if n not in a.names]
    parts = []
    if only_a:
        parts.append(f"lacks {only_a[:5]}")
    if only_b:
        parts.append(f"has extra {only_b[:5]}")
    changed = [
        f"{f.name}: {a.field(f.name).type} -> {f.type}"
        for f in b
        if f.name in a.names and a.field(f.name).type != f.type
    ]
    if changed:
        parts.append("types " + ", ".join(changed[:5]))
    if not parts:
        parts.append(f"column order {a.names[:8]} vs {b.names[:8]}")
    return "; ".join(parts)


def _file_error(path: Path, exc: Exception) -> InputError:
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    if "CSV" in type(exc).__name__ or "conversion" in text.lower() or "In CSV column" in text:
        fix = (
            "a value does not fit the type inferred from the first rows of the first file; convert "
            "the files to Parquet (types stored) or make every file's values consistent"
        )
        return InputError(
            f"{path}: cannot be read ({type(exc).__name__}: {text}); {fix}.",
            reason="schema_mismatch",
            subject=str(path),
        )
    return InputError(
        f"{path}: cannot be read as a table ({type(exc).__name__}: {text}); check that the file is "
        "complete and in the format its name says, or exclude it.",
        reason="invalid_file",
        subject=str(path),
    )


# -- what is a chunked input --------------------------------------------------------------------
_GLOB_CHARS = frozenset("*?[")


def is_chunked_input(value: Any) -> bool:
    """Whether ``check()`` reads ``value`` in chunks: a :class:`ChunkedSource`, a path (file,
    glob or directory), a list of paths, an iterator/generator of tables, or a Dask or PySpark
    DataFrame (profiled where it lives: :mod:`mlgates.core._engines`). DataFrames
    (pandas, polars, pyarrow) are read in memory, as before."""
    if isinstance(value, ChunkedSource):
        return True
    if isinstance(value, (str, os.PathLike)):
        return True
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (str, os.PathLike)) for v in value):
        return True
    from mlgates.core._engines import is_engine_frame  # Dask / Spark, recognised without importing them

    return isinstance(value, Iterator) or is_engine_frame(value)


def chunked_source(value: Any, *, chunk_rows: int | None = None, name: str = "current") -> ChunkedSource:
    """The :class:`ChunkedSource` for ``value`` (see :func:`is_chunked_input`).

    A path is a file, a glob (``data/*.parquet``, ``**`` for sub-folders) or a directory (every
    table file below it, recursively); all files must have one format. No file found is an
    InputError ``missing_file`` naming the pattern.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> for i in range(2):
    ...     pd.DataFrame({"a": [i, i]}).to_parquet(os.path.join(folder, f"part-{i}.parquet"))
    >>> src = chunked_source(folder)
    >>> src.n_files, [c.frame["a"].tolist() for c in src.chunks()]
    (2, [[0, 0], [1, 1]])
    """
    if isinstance(value, ChunkedSource):
        if chunk_rows is not None:
            value.chunk_rows = chunk_rows
        return value
    if isinstance(value, Iterator):
        return IteratorSource(value, name=name)
    from mlgates.core._engines import engine_source, is_engine_frame

    if is_engine_frame(value):  # a Dask or PySpark DataFrame: profiled where it lives
        return engine_source(value, chunk_rows=chunk_rows, name=name)
    if isinstance(value, (str, os.PathLike)):
        paths, label = _expand(value, name), str(value)
    elif isinstance(value, (list, tuple)) and value:
        paths, label = [], f"{len(value)} paths"
        for v in value:
            paths.extend(p for p in _expand(v, name) if p not in paths)
    else:
        raise InputError(
            f"{name}: expected a DataFrame, a file path, glob, directory, a list of paths or an "
            f"iterator of DataFrames; got {type(value).__name__}.",
            reason="invalid_input",
            subject=name,
        )
    formats = {table_format(p) for p in paths}
    if len(formats) > 1:
        raise InputError(
            f"{name}: {label} holds files of several formats ({sorted(str(f) for f in formats)}); "
            "one table must be in one format.",
            reason="invalid_input",
            subject=name,
        )
    fmt = formats.pop()
    assert fmt is not None
    return FilesSource(paths, fmt, chunk_rows, name=label)


def _expand(value: str | os.PathLike[str], name: str) -> list[Path]:
    text = os.fspath(value)
    path = Path(text)
    if any(ch in text for ch in _GLOB_CHARS):
        found = sorted(
            Path(p) for p in _glob.glob(text, recursive=True) if table_format(p) and Path(p).is_file()
        )
        what = f"the pattern {text!r} matches no table file"
    elif path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and table_format(p) and not _hidden(p, path))
        what = f"the directory {text!r} holds no table file (.parquet, .feather, .csv, .tsv)"
    elif path.is_file():
        if table_format(path) is None:
            raise InputError(
                f"{path}: unknown table file type {path.suffix!r}; use .csv or .tsv (optionally "
                ".gz/.bz2/.zip/.xz), .parquet or .feather.",
                reason="invalid_input",
                subject=str(path),
            )
        return [path]
    else:
        found, what = [], f"{text!r} does not exist"
    if not found:
        raise InputError(f"{name}: {what}.", reason="missing_file", subject=text)
    return found


def _hidden(path: Path, root: Path) -> bool:
    """Files under a hidden or underscore folder (``_temporary``, ``.spark``) or named so
    (``_SUCCESS``) are not data: writers leave them next to the parts."""
    return any(part.startswith((".", "_")) for part in path.relative_to(root).parts)


def finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None


def scan(source: Any, *, chunk_rows: int | None = None) -> ChunkedSource:
    """A table to read in chunks of ``chunk_rows`` rows, for ``check(current=...)`` or
    ``reference=``: files (a path, glob, directory or list of paths; Parquet, Feather, CSV,
    TSV), an iterator of DataFrames, or a DataFrame (read in chunks: the profiled path on data
    that fits). Paths and iterators passed to ``check()`` directly are read the same way with
    the default chunk size.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import MissingValuesGate, scan
    >>> df = pd.DataFrame({"age": [30.0, None, 41.0, 52.0]})
    >>> v = MissingValuesGate(max_share=0.3).check(current=scan(df, chunk_rows=2))
    >>> v.status, v.findings[0].message
    (<Status.PASS: 'pass'>, 'age: 25.0% missing <= 30.0% allowed')
    >>> v.provenance["profile"]["current"]["chunks"]
    2
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame) or callable(getattr(source, "to_pandas", None)):
        return FrameSource(source, chunk_rows)
    return chunked_source(source, chunk_rows=chunk_rows, name="table")
