"""Mergeable cell counts keyed by values: the summary behind the fairness and label-metric
profiles.

A :class:`KeyedCounts` holds, for every observed key (a tuple of plain values: a group of the
sensitive features, or a ``(true class, predicted class)`` pair), a row of ``n_cells`` counts
(a fairness confusion table ``[tn, fp, fn, tp]`` has 4 cells; a plain group-by count has 1).
Counting a chunk of rows is one ``np.bincount``; two summaries of disjoint chunks merge by
adding the counts of equal keys (:meth:`KeyedCounts.merge`), which is associative and
commutative, so any chunking, any order and any tree of merges gives the same counts as one
pass over all rows. Row counts are integers and exact; sums of weights are exact up to
floating-point rounding (their order of summation differs).

Keys are kept in one canonical order (:func:`key_order`: numbers, then strings, then other
values, each ascending; a missing value, ``None``, last), the order
:func:`mlgates.stats.fairness.group_codes` gives to the groups of one column of one type, so a
summary merged from chunks lists its groups as the in-memory computation does.

Examples
--------
>>> import numpy as np
>>> a = keyed_counts([np.array(["F", "M", "F"])], np.array([1, 0, 3]), 4)
>>> b = keyed_counts([np.array(["M", "X"])], np.array([3, 0]), 4)
>>> merged = a.merge(b)
>>> merged.keys
(('F',), ('M',), ('X',))
>>> merged.rows.tolist()
[[0, 1, 0, 1], [1, 0, 0, 1], [1, 0, 0, 0]]
>>> merged.rows.tolist() == b.merge(a).rows.tolist()
True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "KeyedCounts",
    "confusion_matrix_from_pairs",
    "key_order",
    "keyed_counts",
    "keyed_counts_from_codes",
    "merge_all",
    "plain_value",
    "sorted_keys",
]


def key_order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Sort key of a key tuple: per value numbers < strings < other values (by type name, then
    value), ``None`` and NaN last; values of one type ascending."""
    out: list[tuple[Any, ...]] = []
    for v in key:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append((3, "", 0))
        elif isinstance(v, (bool, int, float, np.number)):
            out.append((0, "", v))
        elif isinstance(v, str):
            out.append((1, "", v))
        else:
            out.append((2, type(v).__name__, v))
    return tuple(out)


def sorted_keys(keys: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``keys`` in :func:`key_order`."""
    keys = list(keys)
    try:
        return sorted(keys, key=key_order)
    except TypeError:  # values of one type that do not order (rare): a stable textual order
        return sorted(keys, key=lambda k: tuple(repr(x) for x in key_order(k)))


def plain_value(v: Any) -> Any:
    """A key value as plain Python: numpy scalars unwrapped, NaN / NA / NaT as None."""
    if v is None:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return v


@dataclasses.dataclass(frozen=True, eq=False)
class KeyedCounts:
    """Counts in ``n_cells`` cells for each key, mergeable by addition.

    Attributes
    ----------
    keys : tuple of tuple
        The observed keys in :func:`key_order`; each a tuple of plain Python values (``None``
        for a missing value).
    rows : ndarray of int64, shape (n_keys, n_cells)
        Row counts.
    weighted : ndarray of float, shape (n_keys, n_cells), optional
        Sums of sample weights (None without weights: then they equal ``rows``).
    weighted_sq : ndarray of float, shape (n_keys, n_cells), optional
        Sums of squared sample weights (None without weights).
    """

    keys: tuple[tuple[Any, ...], ...]
    rows: np.ndarray
    weighted: np.ndarray | None = None
    weighted_sq: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.rows.ndim != 2 or self.rows.shape[0] != len(self.keys):
            raise ValueError(f"rows must have shape (n_keys, n_cells); got {self.rows.shape}")
        if (self.weighted is None) != (self.weighted_sq is None):
            raise ValueError("weighted and weighted_sq are given together or not at all")

    @property
    def n_cells(self) -> int:
        return int(self.rows.shape[1])

    @property
    def weights(self) -> np.ndarray:
        """Sums of weights per cell (the row counts as floats without weights)."""
        return self.rows.astype(float) if self.weighted is None else self.weighted

    @classmethod
    def empty(cls, n_cells: int, *, weighted: bool = False) -> KeyedCounts:
        """No rows: the identity of :meth:`merge`."""
        z = np.zeros((0, n_cells))
        return cls(
            (), np.zeros((0, n_cells), dtype=np.int64), z if weighted else None, z if weighted else None
        )

    def align(self, keys: Sequence[tuple[Any, ...]]) -> KeyedCounts:
        """The counts on ``keys`` (in that order); keys not observed here count 0. Raises
        ValueError when a key observed here is not in ``keys``."""
        index = {k: i for i, k in enumerate(keys)}
        missing = [k for k in self.keys if k not in index]
        if missing:
            raise ValueError(f"keys {missing} are not among the keys to align on")
        pos = np.array([index[k] for k in self.keys], dtype=np.int64)

        def place(a: np.ndarray | None, dtype: Any) -> np.ndarray | None:
            if a is None:
                return None
            out = np.zeros((len(keys), self.n_cells), dtype=dtype)
            out[pos] = a
            return out

        rows = place(self.rows, np.int64)
        assert rows is not None
        return KeyedCounts(tuple(keys), rows, place(self.weighted, float), place(self.weighted_sq, float))

    def merge(self, other: KeyedCounts) -> KeyedCounts:
        """The counts of both (disjoint) sets of rows: equal keys add up.

        Associative and commutative; :meth:`empty` is its identity. With weights on one side
        only, the other side's rows count with weight 1.
        """
        if other.n_cells != self.n_cells:
            raise ValueError(f"cannot merge counts of {self.n_cells} and {other.n_cells} cells")
        keys = tuple(sorted_keys(set(self.keys) | set(other.keys)))
        a, b = self.align(keys), other.align(keys)
        weighted = weighted_sq = None
        if self.weighted is not None or other.weighted is not None:
            weighted = a.weights + b.weights
            sq_a = a.weighted_sq if a.weighted_sq is not None else a.rows.astype(float)
            sq_b = b.weighted_sq if b.weighted_sq is not None else b.rows.astype(float)
            weighted_sq = sq_a + sq_b
        return KeyedCounts(keys, a.rows + b.rows, weighted, weighted_sq)

    def total(self) -> KeyedCounts:
        """All keys summed into one key ``()``."""
        w = None if self.weighted is None else self.weighted.sum(axis=0, keepdims=True)
        sq = None if self.weighted_sq is None else self.weighted_sq.sum(axis=0, keepdims=True)
        return KeyedCounts(((),), self.rows.sum(axis=0, keepdims=True), w, sq)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists) for JSON; :meth:`from_dict` reads it back."""
        out: dict[str, Any] = {"keys": [list(k) for k in self.keys], "rows": self.rows.tolist()}
        if self.weighted is not None and self.weighted_sq is not None:
            out["weighted"] = self.weighted.tolist()
            out["weighted_sq"] = self.weighted_sq.tolist()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], n_cells: int) -> KeyedCounts:
        keys = tuple(tuple(k) for k in data["keys"])
        rows = np.asarray(data["rows"], dtype=np.int64).reshape(len(keys), n_cells)
        w = data.get("weighted")
        sq = data.get("weighted_sq")
        return cls(
            keys,
            rows,
            None if w is None else np.asarray(w, dtype=float).reshape(len(keys), n_cells),
            None if sq is None else np.asarray(sq, dtype=float).reshape(len(keys), n_cells),
        )


def keyed_counts(
    key_columns: Sequence[Any],
    cells: np.ndarray,
    n_cells: int,
    sample_weight: np.ndarray | None = None,
) -> KeyedCounts:
    """Count the rows of one chunk by key and cell.

    Parameters
    ----------
    key_columns : sequence of 1-d array-like
        The key's columns, all as long as ``cells``; a missing value is a key value of its own
        (``None``). An empty sequence counts every row under the one key ``()``.
    cells : ndarray of int
        The cell of each row, in ``[0, n_cells)``.
    n_cells : int
    sample_weight : ndarray, optional
        Non-negative weights: ``weighted`` and ``weighted_sq`` are filled.

    Examples
    --------
    >>> import numpy as np
    >>> c = keyed_counts([np.array([1, 1, 2])], np.array([0, 0, 1]), 2, np.array([0.5, 1.0, 2.0]))
    >>> c.keys, c.rows.tolist(), c.weighted.tolist()
    (((1,), (2,)), [[2, 0], [0, 1]], [[1.5, 0.0], [0.0, 2.0]])
    """
    from mlgates.stats.fairness import group_codes

    cells = np.asarray(cells, dtype=np.int64)
    if cells.size == 0:
        return KeyedCounts.empty(n_cells, weighted=sample_weight is not None)
    if len(key_columns):
        codes, labels = group_codes(list(key_columns))
    else:
        codes, labels = np.zeros(cells.size, dtype=np.int64), [()]
    return keyed_counts_from_codes(codes, labels, cells, n_cells, sample_weight)


def keyed_counts_from_codes(
    codes: np.ndarray,
    labels: Sequence[tuple[Any, ...]],
    cells: np.ndarray,
    n_cells: int,
    sample_weight: np.ndarray | None = None,
) -> KeyedCounts:
    """:func:`keyed_counts` from group codes already computed (``codes[i]`` in
    ``[0, len(labels))``, ``labels[g]`` the key of group ``g``); keys in :func:`key_order`.

    Examples
    --------
    >>> import numpy as np
    >>> c = keyed_counts_from_codes(np.array([1, 0, 1]), [("b",), ("a",)], np.array([0, 1, 1]), 2)
    >>> c.keys, c.rows.tolist()
    ((('a',), ('b',)), [[1, 1], [0, 1]])
    """
    cells = np.asarray(cells, dtype=np.int64)
    if cells.size and (cells.min() < 0 or cells.max() >= n_cells):
        raise ValueError(f"cells must lie in [0, {n_cells})")
    if cells.size == 0:
        return KeyedCounts.empty(n_cells, weighted=sample_weight is not None)
    keys = [tuple(plain_value(v) for v in label) for label in labels]
    n_keys = len(keys)
    idx = np.asarray(codes, dtype=np.int64) * n_cells + cells
    rows = np.bincount(idx, minlength=n_keys * n_cells).reshape(n_keys, n_cells)
    weighted = weighted_sq = None
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=float)
        weighted = np.bincount(idx, weights=w, minlength=n_keys * n_cells).reshape(n_keys, n_cells)
        weighted_sq = np.bincount(idx, weights=w * w, minlength=n_keys * n_cells).reshape(n_keys, n_cells)
    present = rows.sum(axis=1) > 0  # labels of groups without rows here are not keys
    out = KeyedCounts(tuple(keys), rows, weighted, weighted_sq)
    if not present.all():
        out = KeyedCounts(
            tuple(k for k, p in zip(keys, present) if p),
            rows[present],
            None if weighted is None else weighted[present],
            None if weighted_sq is None else weighted_sq[present],
        )
    order = sorted_keys(out.keys)
    return out if list(out.keys) == order else out.align(order)


def merge_all(parts: Iterable[KeyedCounts], n_cells: int, *, weighted: bool = False) -> KeyedCounts:
    """Merge any number of summaries by pairwise tree reduction (the result does not depend on
    the order or the shape of the tree)."""
    level = list(parts)
    if not level:
        return KeyedCounts.empty(n_cells, weighted=weighted)
    while len(level) > 1:
        level = [
            level[i].merge(level[i + 1]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)
        ]
    return level[0]


def confusion_matrix_from_pairs(
    counts: KeyedCounts, classes: Sequence[Any] | None = None, *, weighted: bool = True
) -> tuple[np.ndarray, list[Any]]:
    """The ``k x k`` confusion matrix (rows: true class, columns: predicted class) of counts
    keyed by ``(true class, predicted class)`` with one cell, and its classes (sorted, or
    ``classes`` as given). ``weighted=False`` gives row counts.

    Examples
    --------
    >>> import numpy as np
    >>> c = keyed_counts([np.array(["a", "b", "b"]), np.array(["a", "a", "b"])], np.zeros(3, int), 1)
    >>> cm, classes = confusion_matrix_from_pairs(c)
    >>> cm.tolist(), classes
    ([[1.0, 0.0], [1.0, 1.0]], ['a', 'b'])
    """
    if counts.n_cells != 1:
        raise ValueError("confusion_matrix_from_pairs needs counts with one cell per key")
    if classes is None:
        found = {v for key in counts.keys for v in key}
        classes = [k[0] for k in sorted_keys((v,) for v in found)]
    index = {c: i for i, c in enumerate(classes)}
    k = len(classes)
    values = counts.weights[:, 0] if weighted else counts.rows[:, 0].astype(float)
    cm = np.zeros((k, k))
    for key, value in zip(counts.keys, values):
        if len(key) != 2:
            raise ValueError(f"keys must be (true, predicted) pairs; got {key!r}")
        cm[index[key[0]], index[key[1]]] += value
    return cm, list(classes)
