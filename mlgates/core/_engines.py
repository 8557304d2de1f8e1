"""Distributed engines for chunked sources: a Dask DataFrame and a PySpark DataFrame (issue 15).

Part of the input layer; import these names from :mod:`mlgates.core.inputs`. Both are
:class:`~mlgates.core._sources.ChunkedSource` subclasses that run the same per-chunk function
as the local engine (:func:`~mlgates.core._sources.summarize_chunk`) where the data lives and
merge the partial summaries with the same associative ``merge``:

- :class:`DaskSource`: one delayed task per partition (``to_delayed``) turns the partition into
  its partial summaries; partials are merged by a tree reduction of delayed merges (depth
  ``log2(partitions)``), and only the merged summaries come back. The scheduler is Dask's
  (the active ``distributed.Client``, or the one in ``dask.config``), or ``scheduler=``.
- :class:`SparkSource`: ``mapInArrow`` runs the per-chunk function in the Python workers over
  each partition's Arrow batches (gathered to ``chunk_rows`` rows per chunk, each column
  converted on demand with the one dtype policy of :func:`~mlgates.core.inputs.read_table`)
  and yields **one small binary row per partition** (its pickled partial summaries); the
  driver collects those rows and merges them.

A summarizer that fails on a partition gives a ``Failed`` summary there, as in the local
engine (the earliest partition's failure is kept); the other summaries are unaffected.

Neither reads a row into the driver. dask and pyspark are imported only here, when such a
source is used; a missing one fails with ``pip install mlgates[dask]`` / ``mlgates[spark]``.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mlgates.core._sources import (
    DEFAULT_CHUNK_ROWS,
    Chunk,
    ChunkedSource,
    ScanProgress,
    ScanResult,
    Summarizer,
    _needed_columns,
    merge_partials,
    summarize_chunk,
)
from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DaskSource", "SparkSource", "engine_source", "is_engine_frame"]


def _missing_extra(extra: str, what: str) -> InputError:
    return InputError(
        f"{what} needs the {extra} extra: pip install mlgates[{extra}]",
        reason="missing_dependency",
        subject=extra,
    )


def _module_of(value: Any) -> str:
    return type(value).__module__ or ""


def is_dask_frame(value: Any) -> bool:
    """A Dask DataFrame (classic or dask-expr), recognised without importing dask."""
    mod = _module_of(value)
    return mod.startswith(("dask.", "dask_expr")) and type(value).__name__ == "DataFrame"


def is_spark_frame(value: Any) -> bool:
    """A PySpark DataFrame (classic or Spark Connect), recognised without importing pyspark."""
    return _module_of(value).startswith("pyspark.sql") and type(value).__name__ == "DataFrame"


def is_engine_frame(value: Any) -> bool:
    """Whether ``value`` is a Dask or PySpark DataFrame (read by its engine, in a pass)."""
    return is_dask_frame(value) or is_spark_frame(value)


def engine_source(value: Any, *, chunk_rows: int | None = None, name: str = "current") -> ChunkedSource:
    """The :class:`DaskSource` or :class:`SparkSource` for a Dask or PySpark DataFrame."""
    if is_dask_frame(value):
        return DaskSource(value, name=name)
    if is_spark_frame(value):
        return SparkSource(value, chunk_rows=chunk_rows, name=name)
    raise InputError(
        f"{name}: expected a Dask or PySpark DataFrame, got {type(value).__name__}.",
        reason="invalid_input",
        subject=name,
    )


# -- the per-partition function (runs in the workers) ------------------------------------------
def _partition_partials(
    frame: pd.DataFrame, summarizers: Sequence[Summarizer], index: int, origin: str
) -> tuple[int, dict[str, Any]]:
    """Rows and partial summaries of one partition: the local engine's per-chunk function."""
    chunk = Chunk(frame, index, origin)
    return chunk.n_rows, summarize_chunk(chunk, summarizers)


def _merge_pair(a: tuple[int, dict[str, Any]], b: tuple[int, dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    return a[0] + b[0], merge_partials(a[1], b[1])


def _tree_reduce(items: list[Any], merge: Callable[[Any, Any], Any]) -> Any:
    """Pairwise reduction, level by level (a balanced tree of ``merge`` calls)."""
    while len(items) > 1:
        items = [
            merge(items[i], items[i + 1]) if i + 1 < len(items) else items[i] for i in range(0, len(items), 2)
        ]
    return items[0]


def _finish(
    summarizers: Sequence[Summarizer], merged: tuple[int, dict[str, Any]] | None
) -> tuple[int, dict[str, Any]]:
    """Every summarizer's merged summary (the empty summary where no partition had rows)."""
    total: dict[str, Any] = {s.key: s.empty() for s in summarizers}
    if merged is None:
        return 0, total
    return merged[0], merge_partials(total, merged[1])


# -- Dask --------------------------------------------------------------------------------------
class DaskSource(ChunkedSource):
    """A Dask DataFrame profiled partition by partition where it lives.

    Parameters
    ----------
    frame : dask.dataframe.DataFrame
        The table (its partitions are the chunks: repartition to bound a worker's memory).
    scheduler : str or object, optional
        Passed to ``dask.compute`` (``"synchronous"``, ``"threads"``, ``"processes"``, a
        ``distributed.Client``); default Dask's own choice (an active client first).
    name : str
        How the table is named in messages.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> src = DaskSource(dd.from_pandas(pd.DataFrame({"a": range(6)}), npartitions=3))
    >>> src.engine, src.n_partitions, list(src.schema().columns)
    ('dask', 3, ['a'])
    """

    engine = "dask"

    def __init__(self, frame: Any, *, scheduler: Any = None, name: str = "current") -> None:
        self.frame = frame
        self.scheduler = scheduler
        self._label = name
        self.chunk_rows = None

    @property
    def name(self) -> str:
        return f"{self._label} (Dask DataFrame, {self.n_partitions} partitions)"

    @property
    def n_partitions(self) -> int:
        return int(self.frame.npartitions)

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(partitions=self.n_partitions, scheduler=_scheduler_name(self.scheduler))
        return out

    def schema(self) -> pd.DataFrame:
        meta = getattr(self.frame, "_meta", None)
        if meta is None:  # pragma: no cover - every Dask DataFrame has its meta
            meta = self.frame.head(0)
        return meta.iloc[:0]

    def chunks(self, columns: Sequence[Any] | None = None) -> Iterator[Chunk]:
        """The partitions, computed one at a time on the driver (for :meth:`read`)."""
        frame = self.frame if columns is None else self.frame[list(columns)]
        for i, part in enumerate(frame.to_delayed()):
            yield Chunk(part.compute(scheduler=self.scheduler), i, f"{self._label} partition {i}")

    def summarize(
        self, summarizers: Sequence[Summarizer], *, progress: Callable[[ScanProgress], None] | None = None
    ) -> ScanResult:
        try:
            import dask
        except ImportError:
            raise _missing_extra("dask", "profiling a Dask DataFrame") from None
        start = time.perf_counter()
        columns = _needed_columns(summarizers, self.schema())
        frame = self.frame if columns is None else self.frame[list(columns)]
        parts = frame.to_delayed()
        # the summarizers enter the graph once (sent to each worker once, not with every task)
        needs = dask.delayed(tuple(summarizers), pure=True, traverse=False)
        summarize = dask.delayed(_partition_partials, pure=True)
        merge = dask.delayed(_merge_pair, pure=True)
        partials = [summarize(p, needs, i, f"{self._label} partition {i}") for i, p in enumerate(parts)]
        root = _tree_reduce(partials, merge) if partials else None
        merged = None if root is None else dask.compute(root, scheduler=self.scheduler)[0]
        rows, total = _finish(summarizers, merged)
        seconds = time.perf_counter() - start
        if progress is not None:
            progress(ScanProgress(self.name, rows, len(parts), 0, 0, seconds))
        return ScanResult(total, rows, len(parts), 0, self.engine, None, seconds)


def _scheduler_name(scheduler: Any) -> str:
    if scheduler is None:
        try:
            from distributed import default_client

            default_client()
            return "distributed"
        except (ImportError, ValueError):
            import dask

            return str(dask.config.get("scheduler", None) or "default")
    if isinstance(scheduler, str):
        return scheduler
    return type(scheduler).__name__


# -- Spark -------------------------------------------------------------------------------------
_SPARK_SCHEMA = "rows long, partials binary"


class SparkSource(ChunkedSource):
    """A PySpark DataFrame profiled in Spark's Python workers, one binary row per partition.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        The table.
    chunk_rows : int, optional
        Rows per chunk within a partition (Arrow batches are gathered to this size before
        the per-chunk function runs); default 1,000,000.
    name : str
        How the table is named in messages.
    """

    engine = "spark"

    def __init__(self, frame: Any, *, chunk_rows: int | None = None, name: str = "current") -> None:
        self.frame = frame
        self.chunk_rows = chunk_rows or DEFAULT_CHUNK_ROWS
        self._label = name
        self._schema: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return f"{self._label} (Spark DataFrame)"

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out.update(chunk_rows=self.chunk_rows)
        return out

    def schema(self) -> pd.DataFrame:
        if self._schema is None:
            try:
                from pyspark.sql.pandas.types import to_arrow_schema
            except ImportError:
                raise _missing_extra("spark", "profiling a Spark DataFrame") from None
            from mlgates.core._tables import arrow_to_pandas

            self._schema = arrow_to_pandas(to_arrow_schema(self.frame.schema).empty_table())
        return self._schema

    def chunks(self, columns: Sequence[Any] | None = None) -> Iterator[Chunk]:
        """Arrow batches streamed to the driver (for :meth:`read`; a pass does not use it)."""
        from mlgates.core._tables import arrow_to_pandas

        frame = self.frame if columns is None else self.frame.select(*[str(c) for c in columns])
        for i, batch in enumerate(_to_arrow_batches(frame)):
            yield Chunk(arrow_to_pandas(batch), i, f"{self._label} batch {i}")

    def summarize(
        self, summarizers: Sequence[Summarizer], *, progress: Callable[[ScanProgress], None] | None = None
    ) -> ScanResult:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise _missing_extra("spark", "profiling a Spark DataFrame") from None
        start = time.perf_counter()
        columns = _needed_columns(summarizers, self.schema())
        frame = self.frame if columns is None else self.frame.select(*[str(c) for c in columns])
        job = _SparkPartitionJob(tuple(summarizers), int(self.chunk_rows or DEFAULT_CHUNK_ROWS), self._label)
        rows_out = frame.mapInArrow(job, _SPARK_SCHEMA).collect()
        partials = [(int(r["rows"]), pickle.loads(r["partials"])) for r in rows_out]
        rows, total = _finish(summarizers, _tree_reduce(partials, _merge_pair) if partials else None)
        seconds = time.perf_counter() - start
        if progress is not None:
            progress(ScanProgress(self.name, rows, len(partials), 0, 0, seconds))
        return ScanResult(total, rows, len(partials), 0, self.engine, self.chunk_rows, seconds)


class _SparkPartitionJob:
    """The function ``mapInArrow`` runs on each partition (pickled to the workers)."""

    def __init__(self, summarizers: tuple[Summarizer, ...], chunk_rows: int, label: str) -> None:
        self.summarizers = summarizers
        self.chunk_rows = chunk_rows
        self.label = label

    def __call__(self, batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        total: dict[str, Any] = {}
        rows = 0
        index = _partition_id() << 20  # chunks numbered in partition order (which error is first)
        pending: list[Any] = []
        n_pending = 0

        def flush() -> None:
            nonlocal total, rows, index, pending, n_pending
            # an Arrow chunk: each summarizer converts only the columns it reads, with the dtype
            # policy of read_table (numbers are read from Arrow directly)
            chunk = Chunk(
                arrow=pa.Table.from_batches(pending), index=index, origin=f"{self.label} chunk {index}"
            )
            total = merge_partials(total, summarize_chunk(chunk, self.summarizers))
            rows += chunk.n_rows
            index += 1
            pending, n_pending = [], 0

        schema = pa.schema([("rows", pa.int64()), ("partials", pa.binary())])
        for batch in batches:
            if batch.num_rows == 0:
                continue
            pending.append(batch)
            n_pending += batch.num_rows
            if n_pending >= self.chunk_rows:
                flush()
        if pending:
            flush()
        if rows:
            yield pa.RecordBatch.from_pydict(
                {"rows": [rows], "partials": [pickle.dumps(total, protocol=pickle.HIGHEST_PROTOCOL)]},
                schema=schema,
            )


def _partition_id() -> int:
    try:
        from pyspark import TaskContext
    except ImportError:  # pragma: no cover - runs inside a Spark worker
        return 0
    context = TaskContext.get()
    return int(context.partitionId()) if context is not None else 0


def _to_arrow_batches(frame: Any) -> Iterator[Any]:
    to_arrow = getattr(frame, "toArrow", None)  # Spark >= 4.0
    if callable(to_arrow):
        yield from to_arrow().to_batches()
        return
    import pyarrow as pa

    pdf = frame.toPandas()
    yield from pa.Table.from_pandas(pdf, preserve_index=False).to_batches()
