"""Canonical per-column encodings of tables and arrays, hashed with xxh3_128.

Every column is reduced to one of two canonical forms (the byte layout is specified in
docs/reproducibility.md):

- fixed-width little-endian words (float64, int64, uint64, uint8 booleans, complex as two
  float64) streamed straight into xxh3_128 in cache-sized blocks, after normalizing floats
  (``-0.0 -> +0.0``, every NaN -> ``0x7FF8000000000000``); or
- one 128-bit cell hash per row (strings, categoricals, generic objects), from hashing each
  distinct value once.

Row-order-insensitive fingerprints combine per-row 128-bit hashes by summation modulo 2**64
in each of two independent 64-bit lanes (order independent, multiplicity preserving and
mergeable across chunks).
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xxhash

from mlgates.fingerprints._canon import NULL_CELL, canonical_bytes, value_cell

__all__ = [
    "ColumnDigest",
    "TableDigest",
    "array_columns",
    "canonical_column",
    "digest_array",
    "digest_frame",
    "hash_columns",
    "table_columns",
]

#: Rows per block: 32768 float64 = 256 KiB, which stays in L2 while it is normalized and hashed.
BLOCK = 32768
CANONICAL_NAN = np.uint64(0x7FF8000000000000)
_LANE_SEEDS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)


@dataclasses.dataclass
class _Column:
    """A column in canonical form: ``words`` (fixed width) or ``cells`` ((n, 2) uint64)."""

    name: Any
    family: str
    meta: tuple[Any, ...] = ()
    words: np.ndarray | None = None
    is_float: bool = False
    valid: np.ndarray | None = None  # bool, only when the column has nulls
    cells: np.ndarray | None = None
    offsets: np.ndarray | None = None  # strings: byte offsets (int64, n + 1) into ``data``
    data: np.ndarray | None = None  # strings: UTF-8 bytes
    codes: np.ndarray | None = None  # categoricals: category codes (-1 missing)
    table: np.ndarray | None = None  # categoricals: (k + 1, 2) cell hashes, the null cell last

    def header(self, n: int) -> bytes:
        return canonical_bytes(("column", self.name, self.family, list(self.meta), n))


@dataclasses.dataclass(frozen=True)
class ColumnDigest:
    """The 128-bit digest of one column and its canonical dtype family."""

    name: Any
    family: str
    digest: bytes


@dataclasses.dataclass(frozen=True)
class TableDigest:
    """Digest of a whole table plus its per-column digests (for diffs)."""

    digest: bytes
    n_rows: int
    columns: tuple[ColumnDigest, ...]


# -- canonical columns ---------------------------------------------------------------------
def _is_string_like(series: pd.Series) -> bool:
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return bool(pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(dtype.pyarrow_dtype))
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")
    return False


def _utf8(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Byte offsets (int64, n + 1), UTF-8 bytes (uint8) and validity of a string column.

    Missing values (None, NaN, pd.NA) are empty and invalid. Arrow does the encoding when
    installed (no per-cell Python); otherwise, or for strings Arrow refuses (lone
    surrogates), each value is encoded with ``surrogatepass``: the bytes are the same.
    """
    null = np.asarray(series.isna().to_numpy(), dtype=bool)
    valid = None if not null.any() else ~null
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        pa = None
    if pa is not None:
        try:
            source = series.to_numpy(dtype=object) if isinstance(series.dtype, np.dtype) else series.array
            arr = pa.array(source, type=pa.large_string(), from_pandas=True)
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
            if arr.null_count:
                arr = pc.fill_null(arr, "")
            offsets = np.frombuffer(arr.buffers()[1], dtype="<i8")[arr.offset : arr.offset + len(arr) + 1]
            raw = arr.buffers()[2]
            data = np.frombuffer(raw, dtype=np.uint8) if raw is not None else np.empty(0, np.uint8)
            data = data[offsets[0] : offsets[-1]]
            return offsets - offsets[0], data, valid
        except (pa.ArrowException, UnicodeError):
            pass
    values = series.to_numpy(dtype=object)
    encoded = [b"" if n else v.encode("utf-8", "surrogatepass") for v, n in zip(values, null)]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return offsets, np.frombuffer(b"".join(encoded), dtype=np.uint8), valid


def _string_lanes(offsets: np.ndarray, data: np.ndarray, start: int, stop: int) -> tuple[np.ndarray, ...]:
    """Two 64-bit lanes of the hash of each string in rows [start, stop), vectorized.

    Each byte ``b`` at position ``p`` of its string maps to ``fmix64((b | p << 8) ^ seed)``;
    a string's lane is ``fmix64(sum of its bytes' values ^ fmix64(length ^ seed'))``,
    the sum taken modulo 2**64 (a cumulative sum over the block's bytes).
    """
    lo, hi = int(offsets[start]), int(offsets[stop])
    lengths = np.diff(offsets[start : stop + 1]).astype(np.uint64)
    rel = (offsets[start : stop + 1] - lo).astype(np.intp)
    block = data[lo:hi]
    pos = np.arange(hi - lo, dtype=np.uint64) - np.repeat(rel[:-1].astype(np.uint64), lengths.astype(np.intp))
    key = block.astype(np.uint64) | (pos << np.uint64(8))
    lanes = []
    for seed, other in (_LANE_SEEDS, _LANE_SEEDS[::-1]):
        cs = np.zeros(hi - lo + 1, dtype=np.uint64)
        np.cumsum(_fmix64(key ^ seed), out=cs[1:])
        total = cs[rel[1:]] - cs[rel[:-1]]  # wraps modulo 2**64
        total ^= _fmix64(lengths ^ other)
        lanes.append(_fmix64(total))
    return tuple(lanes)


def _string_table(values: pd.Series) -> np.ndarray:
    """(k + 1, 2) lanes of k distinct strings, the null cell last (for categoricals)."""
    offsets, data, _ = _utf8(values)
    a, b = _string_lanes(offsets, data, 0, len(values)) if len(values) else (np.empty(0, np.uint64),) * 2
    table = np.empty((len(values) + 1, 2), dtype=np.uint64)
    table[:-1, 0], table[:-1, 1] = a, b
    table[-1] = np.frombuffer(NULL_CELL, dtype="<u8")
    return table


def _generic_cells(values: Sequence[Any]) -> np.ndarray:
    """Per-value canonical encoding; the slow path for mixed-type object columns."""
    out = [NULL_CELL if _is_null(v) else value_cell(v) for v in values]
    return np.frombuffer(b"".join(out), dtype="<u8").reshape(-1, 2)


def _is_null(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _category_column(series: pd.Series, name: Any) -> _Column:
    """Cell hashes of the categories (null cell last) and the codes; see ``_stream`` for the
    order-free stream (used categories sorted by cell hash, then each row's rank)."""
    dtype = series.dtype
    cats = pd.Series(dtype.categories)
    if _is_string_like(cats):
        table = _string_table(cats)
    else:
        table = _generic_cells([*list(cats), None]).copy()
        table[-1] = np.frombuffer(NULL_CELL, dtype="<u8")
    codes = series.cat.codes.to_numpy()
    meta: tuple[Any, ...] = ()
    if dtype.ordered:  # the order of an ordered categorical is part of its meaning
        meta = ("ordered", table[:-1].tobytes())
    return _Column(name, "category", meta, codes=codes, table=table)


def canonical_column(series: pd.Series, name: Any) -> _Column:
    """Reduce one pandas column (any dtype backend) to its canonical form."""
    dtype = series.dtype
    api = pd.api.types
    numpy_backed = isinstance(dtype, np.dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        return _category_column(series, name)
    if isinstance(dtype, pd.SparseDtype):
        return canonical_column(series.sparse.to_dense(), name)
    if api.is_bool_dtype(dtype):
        if numpy_backed:
            return _Column(name, "bool", words=series.to_numpy().view(np.uint8))
        valid = ~series.isna().to_numpy()
        words = series.to_numpy(dtype=bool, na_value=False).view(np.uint8)
        return _Column(name, "bool", words=words, valid=None if valid.all() else valid)
    if api.is_integer_dtype(dtype):
        return _int_column(series, name, numpy_backed)
    if api.is_float_dtype(dtype):
        if numpy_backed:
            arr = series.to_numpy()
            arr = arr if arr.dtype == np.float64 else arr.astype(np.float64)
        else:  # NA and NaN are both "missing" in the float family
            arr = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return _Column(name, "float", words=arr, is_float=True)
    if api.is_complex_dtype(dtype):
        arr = np.ascontiguousarray(series.to_numpy(), dtype=np.complex128).view(np.float64).reshape(-1, 2)
        return _Column(name, "complex", words=arr, is_float=True)
    if api.is_datetime64_any_dtype(dtype):
        family = "datetime"
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
            family = "datetime_utc"
        return _time_column(series, name, family, "datetime64[ns]")
    if api.is_timedelta64_dtype(dtype):
        return _time_column(series, name, "timedelta", "timedelta64[ns]")
    if _is_string_like(series):
        offsets, data, valid = _utf8(series)
        return _Column(name, "string", offsets=offsets, data=data, valid=valid)
    return _Column(name, "object", cells=_generic_cells(series.to_numpy(dtype=object)))


def _int_column(series: pd.Series, name: Any, numpy_backed: bool) -> _Column:
    valid = None
    if numpy_backed:
        arr = series.to_numpy()
    else:
        null = series.isna().to_numpy()
        valid = None if not null.any() else ~null
        kind = np.dtype(getattr(series.dtype, "numpy_dtype", np.int64)).kind
        arr = series.to_numpy(dtype=np.uint64 if kind == "u" else np.int64, na_value=0)
    if arr.dtype.kind == "u" and arr.dtype.itemsize == 8 and arr.size and arr.max() >= 2**63:
        return _Column(name, "uint64", words=arr.astype("<u8", copy=False), valid=valid)
    return _Column(name, "int", words=arr.astype("<i8", copy=False), valid=valid)


def _time_column(series: pd.Series, name: Any, family: str, unit: str) -> _Column:
    try:  # as_unit checks bounds (to_numpy(dtype=...) would overflow silently)
        arr = series.dt.as_unit("ns").to_numpy(dtype=unit)
    except (OverflowError, ValueError) as exc:  # pandas' OutOfBoundsDatetime is a ValueError
        raise ValueError(
            f"column {name!r}: {family} values outside the nanosecond range (years 1677-2262) "
            f"cannot be fingerprinted canonically ({exc})"
        ) from exc
    null = np.isnat(arr)
    ints = arr.view(np.int64)
    valid = None
    if null.any():
        ints = np.where(null, 0, ints)
        valid = ~null
    return _Column(name, family, words=ints.astype("<i8", copy=False), valid=valid)


def table_columns(frame: pd.DataFrame) -> list[_Column]:
    """Canonical columns of a DataFrame (the index is not part of the data)."""
    return [canonical_column(frame.iloc[:, j], name) for j, name in enumerate(frame.columns)]


def array_columns(arr: np.ndarray) -> list[_Column]:
    """Canonical columns of a numpy array: 1-d is one column, n-d is reshaped to (n, -1)."""
    if arr.dtype.names:  # structured: each field is a column (no padding bytes are hashed)
        out: list[_Column] = []
        for field in arr.dtype.names:
            for col in array_columns(arr[field].reshape(arr.shape[0] if arr.ndim else 1, -1)):
                col.name = [field, col.name]
                out.append(col)
        return out
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim > 2:
        arr = arr.reshape(arr.shape[0], -1)
    return [_array_column(arr[:, j], j) for j in range(arr.shape[1])]


def _array_column(col: np.ndarray, name: int) -> _Column:
    kind = col.dtype.kind
    if kind == "b":
        return _Column(
            name, "bool", words=col.view(np.uint8) if col.flags.c_contiguous else col.astype(np.uint8)
        )
    if kind == "f":
        return _Column(
            name, "float", words=col if col.dtype == np.float64 else col.astype(np.float64), is_float=True
        )
    if kind in "iu" and not (kind == "u" and col.dtype.itemsize == 8 and col.size and col.max() >= 2**63):
        return _Column(name, "int", words=col.astype("<i8", copy=False))
    if kind == "u":
        return _Column(name, "uint64", words=col.astype("<u8", copy=False))
    return canonical_column(pd.Series(col, copy=False), name)


# -- hashing ------------------------------------------------------------------------------
def _fmix64(k: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, in place: a bijection on uint64 with full avalanche."""
    k ^= k >> _S33
    k *= _M1
    k ^= k >> _S33
    k *= _M2
    k ^= k >> _S33
    return k


def _canon_floats(block: np.ndarray, buf: np.ndarray) -> np.ndarray:
    """Copy ``block`` into ``buf`` with -0.0 -> +0.0 and every NaN -> the canonical quiet NaN."""
    out = buf[: block.shape[0]]
    with np.errstate(invalid="ignore"):  # signalling NaNs are quieted, then canonicalized
        np.add(block, 0.0, out=out)  # -0.0 + 0.0 == +0.0; NaN stays NaN
        if np.isnan(out.min()):  # min propagates NaN: one cheap in-cache pass
            out.view(np.uint64)[np.isnan(out)] = CANONICAL_NAN
    return out


def _stream(h: Any, col: _Column, n: int) -> None:
    if col.codes is not None:  # categories: used ones sorted by cell hash, then row ranks
        assert col.table is not None
        k = col.table.shape[0] - 1
        counts = np.bincount(col.codes.astype(np.intp) + 1, minlength=k + 1)[1:]
        used = np.flatnonzero(counts)
        cells = col.table[used]
        order = np.lexsort((cells[:, 1], cells[:, 0]))
        rank = np.full(k + 1, -1, dtype="<i4")
        rank[used[order]] = np.arange(used.size, dtype="<i4")
        h.update(b"\x00categories" + struct.pack("<Q", used.size))
        h.update(np.ascontiguousarray(cells[order], dtype="<u8"))
        h.update(rank[col.codes])  # code -1 (missing) picks the last entry: -1
        return
    if col.cells is not None:
        h.update(np.ascontiguousarray(col.cells, dtype="<u8"))
        return
    words = col.words
    if col.offsets is not None:  # strings: byte lengths, then the UTF-8 bytes
        assert col.data is not None
        h.update(np.diff(col.offsets).astype("<i8"))
        h.update(np.ascontiguousarray(col.data))
    elif col.is_float:
        assert words is not None
        flat = words.reshape(-1) if words.flags.c_contiguous else np.ascontiguousarray(words).reshape(-1)
        buf = np.empty(min(BLOCK, max(flat.shape[0], 1)), dtype=np.float64)
        for start in range(0, flat.shape[0], BLOCK):
            h.update(_canon_floats(flat[start : start + BLOCK], buf))
    elif words is not None and words.flags.c_contiguous:
        h.update(words)
    elif words is not None:
        for start in range(0, words.shape[0], BLOCK):
            h.update(np.ascontiguousarray(words[start : start + BLOCK]))
    if col.valid is not None:
        h.update(b"\x00validity")
        h.update(np.packbits(col.valid, bitorder="little"))


def _block_cells(col: _Column, start: int, stop: int, buf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit lanes of the cell hashes of rows [start, stop)."""
    if col.codes is not None:
        assert col.table is not None
        cells = col.table[col.codes[start:stop]]
        return cells[:, 0].copy(), cells[:, 1].copy()
    if col.cells is not None:
        cells = col.cells[start:stop]
        return cells[:, 0].copy(), cells[:, 1].copy()
    if col.offsets is not None:
        assert col.data is not None
        a, b = _string_lanes(col.offsets, col.data, start, stop)
        return _null_lanes(a, b, col.valid, start, stop)
    words = col.words
    assert words is not None
    block = words[start:stop]
    if col.is_float:
        if block.ndim == 2:  # complex: real and imaginary words
            re = _canon_floats(block[:, 0], buf).view(np.uint64).copy()
            im = _canon_floats(block[:, 1], buf).view(np.uint64).copy()
            lanes = []
            for seed in _LANE_SEEDS:
                lane = _fmix64(re ^ seed)
                lane ^= im
                lanes.append(_fmix64(lane))
            return lanes[0], lanes[1]
        w = _canon_floats(block, buf).view(np.uint64)
    else:
        w = block.view(np.uint64) if block.dtype.itemsize == 8 else block.astype(np.uint64)
    return _null_lanes(_fmix64(w ^ _LANE_SEEDS[0]), _fmix64(w ^ _LANE_SEEDS[1]), col.valid, start, stop)


def _null_lanes(
    a: np.ndarray, b: np.ndarray, valid: np.ndarray | None, start: int, stop: int
) -> tuple[np.ndarray, np.ndarray]:
    """Put the null cell in the lanes of missing values."""
    if valid is not None:
        null = ~valid[start:stop]
        nc = np.frombuffer(NULL_CELL, dtype="<u8")
        a[null] = nc[0]
        b[null] = nc[1]
    return a, b


def _sum_rows(keyed: list[_Column], n: int, buf: np.ndarray, sums: np.ndarray, row_sum: np.ndarray) -> None:
    """Per-column sums of cell hashes and the sum of row hashes, block by block (in cache).

    A row hash chains its cells in column order: ``r <- fmix64(r ^ cell)`` in each lane.
    """
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        ra = np.full(stop - start, _LANE_SEEDS[1], dtype=np.uint64)
        rb = np.full(stop - start, _LANE_SEEDS[0], dtype=np.uint64)
        for j, col in enumerate(keyed):
            a, b = _block_cells(col, start, stop, buf)
            sums[j] += np.array([a.sum(dtype=np.uint64), b.sum(dtype=np.uint64)], dtype=np.uint64)
            ra ^= a
            rb ^= b
            _fmix64(ra)
            _fmix64(rb)
        row_sum += np.array([ra.sum(dtype=np.uint64), rb.sum(dtype=np.uint64)], dtype=np.uint64)


def hash_columns(
    columns: list[_Column], n: int, *, kind: str, row_order: str, column_order: str
) -> TableDigest:
    """Digest a list of canonical columns of ``n`` rows each."""
    if column_order == "insensitive":
        keyed = sorted(columns, key=lambda c: canonical_bytes(c.name))
    else:
        keyed = list(columns)
    col_digests: list[ColumnDigest] = []
    if row_order == "sensitive":
        for col in keyed:
            h = xxhash.xxh3_128(col.header(n))
            _stream(h, col, n)
            col_digests.append(ColumnDigest(col.name, col.family, h.digest()))
        rows_part = b""
    else:
        sums = np.zeros((len(keyed), 2), dtype=np.uint64)
        row_sum = np.zeros(2, dtype=np.uint64)
        buf = np.empty(BLOCK, dtype=np.float64)
        with np.errstate(over="ignore"):  # the lane sums wrap modulo 2**64 by design
            _sum_rows(keyed, n, buf, sums, row_sum)
        for j, col in enumerate(keyed):
            h = xxhash.xxh3_128(col.header(n))
            h.update(b"\x00multiset")
            h.update(sums[j].astype("<u8"))
            col_digests.append(ColumnDigest(col.name, col.family, h.digest()))
        rows_part = b"\x00rows" + row_sum.astype("<u8").tobytes()
    top = xxhash.xxh3_128(canonical_bytes((kind, n, len(keyed), row_order, column_order)))
    for cd in col_digests:
        top.update(cd.digest)
    top.update(rows_part)
    return TableDigest(top.digest(), n, tuple(col_digests))


def digest_frame(
    frame: pd.DataFrame, *, kind: str = "table", row_order: str, column_order: str
) -> TableDigest:
    return hash_columns(
        table_columns(frame), len(frame), kind=kind, row_order=row_order, column_order=column_order
    )


def digest_array(
    arr: np.ndarray, *, row_order: str = "sensitive", column_order: str = "sensitive"
) -> TableDigest:
    n = arr.shape[0] if arr.ndim else 1
    shape_kind = f"ndarray{list(arr.shape)}"
    return hash_columns(
        array_columns(arr), n, kind=shape_kind, row_order=row_order, column_order=column_order
    )
