"""Chunks and the protocol between chunked sources and summaries (:mod:`mlgates.core._sources`):
a summarizer turns a :class:`Chunk` into a summary, summaries of chunks merge."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Chunk", "Failed", "Summarizer", "Summary", "merge_partials", "summarize_chunk"]


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
