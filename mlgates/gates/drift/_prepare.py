"""Turn one column of each side into what the kernels take: sorted finite numbers, or counts
per category; infer the value kind; choose the method (Evidently's default rule) and bins."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.finding import histogram_details
from mlgates.gates._columns import is_text_like, missing_mask, value_kind
from mlgates.gates.drift._new_categories import counts_on_keys
from mlgates.stats import binning
from mlgates.stats import drift as kernels
from mlgates.stats.power import detectable_ks_distance as detectable  # noqa: F401 - used as prep.detectable
from mlgates.stats.power import detectable_share_difference as detectable_share  # noqa: F401

#: Evidently's rule switches methods above this many reference values.
AUTO_SIZE_LIMIT = 1000
#: Numeric columns with at most this many distinct reference values are binned per value.
DISCRETE_MAX_VALUES = 20
#: New categories listed in a finding (the count is always given).
MAX_LISTED = 20


class NotApplicable(Exception):
    """A method that cannot be computed on this column (reason ``method_not_applicable``)."""


class KindMismatch(Exception):
    """Numbers on one side and other values on the other (reason ``kind_mismatch``)."""


@dataclass
class Side:
    """One column of one side: rows, missing count, and the prepared values."""

    rows: int
    n_missing: int
    n_nonfinite: int = 0
    values: Any = None  # np.ndarray or None: sorted finite floats (numeric / datetime kinds)
    counts: Any = None  # pd.Series or None: counts per category (categorical kinds)
    #: What was computed from this side alone (bins, counts on them, distinct values): a
    #: reference side shared by every window of a run (see ``prepare(memo=...)``) keeps them.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return self.rows - self.n_missing - self.n_nonfinite


@dataclass
class Column:
    """Both sides of one column, prepared once and shared by every method."""

    name: str
    base_kind: str
    kind: str
    ref: Side
    cur: Side
    n_unique: int = 0
    n_unique_ref: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def base_value_kind(self) -> str:
        """``numeric`` when the values are numbers (or datetimes), else ``categorical``."""
        return "numeric" if self.ref.values is not None else "categorical"


def _numeric(series: pd.Series, kind: str) -> Side:
    if kind != "datetime" and isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        values = np.sort(series.to_numpy())  # the one copy, sorted: -inf first, then inf, NaN last
        n = values.size
        if n and not (math.isfinite(values[0]) and math.isfinite(values[-1])):
            n_missing = int(np.count_nonzero(np.isnan(values)))
            values = values[np.isfinite(values)]
        else:
            n_missing = 0
        return Side(len(series), n_missing, int(n - n_missing - values.size), values=values)
    miss = missing_mask(series)
    if kind == "datetime":
        s = series
        if getattr(getattr(s, "dt", None), "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        target = "timedelta64[ns]" if pd.api.types.is_timedelta64_dtype(s.dtype) else "datetime64[ns]"
        raw = s.to_numpy(dtype=target)
        arr = raw.view("int64").astype(float)
        arr[miss] = np.nan
    else:
        arr = series.to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(arr)
    # sort in place only an array this function allocated (int -> float conversions always copy;
    # a nullable float column may hand out a view of its data)
    owned = kind == "datetime" or (isinstance(series.dtype, np.dtype) and series.dtype.kind in "iub")
    values = arr if owned and finite.all() else arr[finite]
    values.sort()
    n_missing = int(miss.sum())
    return Side(len(series), n_missing, int(len(series) - n_missing - values.size), values=values)


def _categorical(series: pd.Series) -> Side:
    counts = series.value_counts(dropna=True, sort=False)
    counts = counts[counts > 0]
    return Side(len(series), int(missing_mask(series).sum()), counts=counts)


def _n_distinct_sorted(x: np.ndarray) -> int:
    return int(np.count_nonzero(x[1:] != x[:-1])) + 1 if x.size else 0


def _distinct_sorted(x: np.ndarray) -> np.ndarray:
    if x.size == 0:
        return x
    return x[np.concatenate(([True], x[1:] != x[:-1]))]


def _memo(memo: dict[Any, Any] | None, key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in ``memo`` under ``key`` (computed every time without a memo)."""
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def prepare(
    name: str, ref: pd.Series, cur: pd.Series, kind_override: str | None, memo: dict[Any, Any] | None = None
) -> Column:
    """Prepare both sides of a column (one sort per side for numbers, one hash count per side
    for categories).

    ``memo``, a dict kept for this column and this reference across the windows of a run
    (:class:`mlgates.Windowed`), holds the prepared reference side: it is sorted or counted
    once, and the bins and counts computed on it later are kept on it too.
    """
    base = dtype_name(ref.dtype)
    vkind, ckind = _memo(memo, "value_kind", lambda: value_kind(ref)), value_kind(cur)
    if vkind != ckind:
        if not _memo(memo, "any_value", lambda: bool(ref.notna().any())):
            vkind = ckind
        elif cur.notna().any():
            raise KindMismatch(
                f"{name}: reference holds {vkind} values ({ref.dtype}) but current holds {ckind} values "
                f"({cur.dtype}); align the dtypes (or check the schema) before comparing distributions"
            )
    if kind_override in ("numeric", "datetime") or (
        kind_override is None and vkind in ("numeric", "datetime")
    ):
        use = kind_override or vkind
        if use == "numeric" and vkind == "datetime":
            use = "datetime"
        if vkind == "categorical":
            raise NotApplicable(
                f"{name}: kind {kind_override!r} needs numbers but the column holds {base} values"
            )
        reused = memo is not None and ("numeric", use) in memo
        r, c = _memo(memo, ("numeric", use), lambda: _numeric(ref, use)), _numeric(cur, use)
        if reused:  # a reference side shared by several comparisons (windows): worth preparing more
            r.memo["shared"] = True
        n_ref_u = side_memo(r, "n_distinct", lambda: _n_distinct_sorted(r.values))
        n_cur_u = _n_distinct_sorted(c.values)
        if max(n_ref_u, n_cur_u) > DISCRETE_MAX_VALUES:
            n_unique = max(n_ref_u, n_cur_u)  # a lower bound, enough for every rule (> 20)
        else:
            ref_distinct = side_memo(r, "distinct", lambda: _distinct_sorted(r.values))
            n_unique = int(np.union1d(ref_distinct, _distinct_sorted(c.values)).size)
        col = Column(name, base, use, r, c, n_unique=n_unique, n_unique_ref=n_ref_u)
    else:
        r, c = _memo(memo, "categorical", lambda: _categorical(ref)), _categorical(cur)
        n_unique = len(r.counts.index.union(c.counts.index))
        col = Column(
            name, base, kind_override or "categorical", r, c, n_unique=n_unique, n_unique_ref=len(r.counts)
        )
        textual = not (isinstance(ref.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(ref.dtype))
        if kind_override is None and textual and is_text_like("string", len(r.counts), r.n):
            col.kind = "text"
    if kind_override is None and col.kind != "text" and col.n_unique <= 2:
        col.kind = "binary"
    return col


@functools.lru_cache(maxsize=512)
def _dtype_name(dtype: Any) -> str:
    return str(dtype)


def dtype_name(dtype: Any) -> str:
    """``str(dtype)``, remembered per dtype (numpy builds the name anew each time, a cost
    every column of every check paid twice).

    >>> dtype_name(np.dtype("float64")), dtype_name(pd.CategoricalDtype(["a"]))
    ('float64', 'category')
    """
    try:
        return _dtype_name(dtype)
    except TypeError:  # an unhashable extension dtype
        return str(dtype)


def side_memo(side: Side, key: Any, compute: Callable[[], Any]) -> Any:
    return _memo(side.memo, key, compute)


def auto_method(col: Column) -> tuple[str, str]:
    """Evidently 0.7's default rule (``get_default_stattest``); returns (method, reason)."""
    n, u = col.ref.n, col.n_unique
    numeric = col.kind in ("numeric", "datetime") or (col.kind == "binary" and col.ref.values is not None)
    size = f"reference has {n:,} values ({'<=' if n <= AUTO_SIZE_LIMIT else '>'} {AUTO_SIZE_LIMIT})"
    uniq = (
        f"{u} distinct values" if u <= DISCRETE_MAX_VALUES else f"over {DISCRETE_MAX_VALUES} distinct values"
    )
    if n <= AUTO_SIZE_LIMIT:
        if numeric and u > 5:
            return "ks", f"{size}, numeric with {uniq} (> 5): ks"
        if u > 2:
            return (
                "chisquare",
                f"{size}, {'numeric' if numeric else 'categorical'} with {uniq} (> 2): chisquare",
            )
        return "z", f"{size}, {uniq} (<= 2): z"
    if numeric and u > 5:
        return "wasserstein", f"{size}, numeric with {uniq} (> 5): wasserstein (normed)"
    what = f"numeric with {uniq} (<= 5)" if numeric else "categorical"
    return "jensenshannon", f"{size}, {what}: jensenshannon"


def _discrete_counts(col: Column) -> tuple[list[Any], np.ndarray, np.ndarray, list[Any]]:
    a, b = col.ref.values, col.cur.values
    ua, ub = side_memo(col.ref, "distinct", lambda: _distinct_sorted(a)), _distinct_sorted(b)
    new = ub[~np.isin(ub, ua)]
    keys = np.concatenate((ua, new))

    def count(x: np.ndarray) -> np.ndarray:
        return np.searchsorted(x, keys, side="right") - np.searchsorted(x, keys, side="left")

    return keys.tolist(), count(a), count(b), new.tolist()


def counts(
    col: Column, strategy: str | list[float], n_bins: int
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Counts on bins frozen from the reference, with the bins described for the verdict."""
    if col.ref.counts is not None:
        rc, cc = col.ref.counts, col.cur.counts
        ref_keys = side_memo(col.ref, "keys", lambda: sorted(rc.index.tolist(), key=str))
        known = set(ref_keys)
        new = sorted((k for k in cc.index.tolist() if k not in known), key=str)
        keys = ref_keys + new
        r = np.zeros(len(keys), dtype=np.int64)  # the reference's counts, then 0 per new category
        r[: len(ref_keys)] = side_memo(col.ref, "counts_on_keys", lambda: counts_on_keys(rc, ref_keys))
        c = counts_on_keys(cc, keys)
        return (
            r,
            c,
            {
                "bins": {"type": "categories", "categories": keys},
                "new_categories": new[:MAX_LISTED],
                "n_new_categories": len(new),
            },
        )
    if strategy == "evidently" and col.n_unique_ref > DISCRETE_MAX_VALUES:
        return _evidently_counts(col, distinct=False)
    if not isinstance(strategy, str) or col.n_unique_ref > DISCRETE_MAX_VALUES:
        if isinstance(strategy, str):
            key: Any = (strategy, n_bins)
            edges = side_memo(
                col.ref, ("edges", key), lambda: binning.numeric_edges(col.ref.values, strategy, n_bins)
            )
            label = strategy
        else:
            key = tuple(strategy)
            edges, label = np.asarray(strategy, dtype=float), "fixed"
        r = side_memo(col.ref, ("counts", key), lambda: binning.counts_on_edges(col.ref.values, edges))
        c = binning.counts_on_edges(col.cur.values, edges)
        return r, c, {"bins": {"type": label, "edges": edges.tolist(), "closed": "right", "open_ends": True}}
    keys, r, c, new = _discrete_counts(col)
    return (
        r,
        c,
        {
            "bins": {"type": "values", "values": keys},
            "new_values": new[:MAX_LISTED],
            "n_new_values": len(new),
        },
    )


def _evidently_counts(col: Column, *, distinct: bool) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Evidently 0.7's numeric histogram: sturges bins on the pooled values (see binning)."""
    edges = binning.evidently_edges(col.ref.values, col.cur.values, distinct=distinct)
    r = binning.counts_on_histogram(col.ref.values, edges)
    c = binning.counts_on_histogram(col.cur.values, edges)
    bins = {
        "type": "evidently",
        "edges": edges.tolist(),
        "closed": "left, last bin closed",
        "pooled": True,
        "distinct": distinct,
    }
    return r, c, {"bins": bins}


def evaluate(
    col: Column, method: str, bins: str | list[float], n_bins: int, random_state: int
) -> tuple[kernels.DriftResult, dict[str, Any]]:
    """Run one kernel on a prepared column; NotApplicable when the method does not fit."""
    kernel = kernels.KERNELS[method]
    if kernel.input == "samples":
        if col.ref.values is None:
            raise NotApplicable(
                f"{col.name}: {method} compares numbers; the column is {col.kind} "
                f"({col.base_kind}). Use a count method (chisquare, jensenshannon, ...)"
            )
        a, b = col.ref.values, col.cur.values
        if method == "anderson" and col.n_unique < 2:
            return kernels.DriftResult(math.nan, math.nan), {}
        if method == "wasserstein" and a.size and b.size and col.ref.memo.get("shared"):
            # a reference shared by the windows of a run: its standard deviation (the unit) once
            unit = side_memo(col.ref, "std", lambda: max(float(np.std(a)), 0.001))
            raw = kernels.wasserstein(a, b, normed=False, presorted=True).statistic
            return kernels.DriftResult(raw / unit, None), {}
        info = {"max_samples": 1000} if method == "empirical_mmd" else {}
        return kernel(a, b, presorted=True, random_state=random_state), info
    if bins == "evidently" and method == "hellinger" and col.ref.values is not None:
        # Evidently's numeric Hellinger bins the pooled *distinct* values, whatever their number
        r, c, info = _evidently_counts(col, distinct=True)
    else:
        r, c, info = counts(col, bins, n_bins)
    return evaluate_counts(col.name, method, r, c, info, random_state=random_state)


def evaluate_counts(
    name: str, method: str, r: np.ndarray, c: np.ndarray, info: dict[str, Any], *, random_state: Any = None
) -> tuple[kernels.DriftResult, dict[str, Any]]:
    """Run a count kernel on the reference's and current's counts on the same bins (in memory
    or merged from chunks: the same numbers)."""
    kernel = kernels.KERNELS[method]
    if kernel.two_categories:
        keep = (r + c) > 0
        r, c = r[keep], c[keep]
        if r.size > 2:
            raise NotApplicable(
                f"{name}: {method} compares two categories; the column has {r.size}. Use chisquare or g_test"
            )
        if r.size < 2:
            r, c = np.append(r, 0), np.append(c, 0)
    info["counts_reference"] = r.tolist()
    info["counts_current"] = c.tolist()
    return kernel(r, c, random_state=random_state), info


#: Bars drawn per categorical histogram; the rest is pooled into one "(other)" bar.
MAX_HISTOGRAM_BARS = 30


def _quantile_histogram(col: Column, n_bins: int) -> dict[str, Any]:
    """The chart of a method without bins: ``n_bins`` reference-quantile bins, closed at the
    smaller and larger of both sides' ends. What depends on the reference alone (inner edges,
    its counts, its ends) is kept on the reference side; current costs one ``searchsorted``."""
    a, b = col.ref.values, col.cur.values

    def reference_part() -> tuple[np.ndarray, list[float], list[float], float, float]:
        inner = side_memo(
            col.ref, ("edges", ("quantile", n_bins)), lambda: binning.numeric_edges(a, "quantile", n_bins)
        )
        counts = binning.counts_on_edges(a, inner).tolist()
        # checked once here; each window's part below keeps its shape (counts >= 0, one more
        # edge than counts, edges increasing)
        checked = histogram_details(counts, counts, edges=[float(a[0]), *inner.tolist(), float(a[-1])])
        return inner, inner.tolist(), checked["reference"], float(a[0]), float(a[-1])

    inner, edges, r, ref_lo, ref_hi = side_memo(col.ref, ("histogram", n_bins), reference_part)
    c, prev = [], 0
    for cut in (*b.searchsorted(inner, side="right").tolist(), b.size):
        c.append(float(cut - prev))
        prev = cut
    lo = min(ref_lo, float(b[0]), *edges[:1])
    hi = max(ref_hi, float(b[-1]), *edges[-1:])
    return {"edges": [lo, *edges, hi], "reference": list(r), "current": c}


def histogram(col: Column, info: dict[str, Any], n_bins: int) -> dict[str, Any] | None:
    """``details["histogram"]`` for the report's reference-vs-current chart (see
    :func:`mlgates.core.finding.histogram_details`): the method's own bins when it has them, else
    ``n_bins`` reference-quantile bins (one ``searchsorted`` per side on the sorted values)."""
    bins = info.get("bins")
    if bins is None and col.ref.values is not None:
        return _quantile_histogram(col, n_bins)
    if bins is not None:
        r = np.asarray(info["counts_reference"])
        c = np.asarray(info["counts_current"])
    else:
        return None
    if "edges" in bins:
        edges = [float(e) for e in bins["edges"]]
        if bins.get("open_ends", True) and len(edges) == len(r) - 1:  # inner edges: close the ends
            a, b = col.ref.values, col.cur.values
            lo = min(float(a[0]), float(b[0]), *edges[:1])
            hi = max(float(a[-1]), float(b[-1]), *edges[-1:])
            edges = [lo, *edges, hi]
        if len(edges) != len(r) + 1:
            return None
        return histogram_details(r.tolist(), c.tolist(), edges=edges)
    labels = list(bins.get("categories", bins.get("values", [])))
    if len(labels) != len(r):  # z / fisher_exact padded or dropped empty bins
        return None
    if len(labels) > MAX_HISTOGRAM_BARS:
        order = np.argsort(-(r + c), kind="stable")
        keep, rest = order[: MAX_HISTOGRAM_BARS - 1], order[MAX_HISTOGRAM_BARS - 1 :]
        labels = [labels[i] for i in keep] + ["(other)"]
        r = np.append(r[keep], r[rest].sum())
        c = np.append(c[keep], c[rest].sum())
    return histogram_details(r.tolist(), c.tolist(), categories=labels)
