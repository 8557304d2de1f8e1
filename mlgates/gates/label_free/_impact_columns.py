"""One feature column on both sides, ready for a drift test and for moving it back to the
reference distribution (:mod:`mlgates.stats.transport`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind, missing_mask, value_kind
from mlgates.stats import drift as kernels

__all__ = ["Prepared", "drift_pvalue", "prepare", "restore"]


@dataclass(frozen=True)
class Prepared:
    """``kind`` is ``"numeric"`` or ``"categorical"``. Numeric: ``current``/``reference`` are
    the non-missing values as float64. Categorical: they are integer codes into ``categories``
    (the union of both sides' non-missing values)."""

    kind: str
    current: np.ndarray
    reference: np.ndarray
    categories: np.ndarray | None = None


class Unjudged(Exception):
    """A column that cannot be compared: ``reason`` (a registered code) and a message;
    ``unsupported_dtype``: values of an unsupported kind (the shared finding describes them);
    ``skip_by_default``: SKIP unless the user listed the column (dates), else ERROR."""

    def __init__(
        self, reason: str, message: str, *, unsupported_dtype: bool = False, skip_by_default: bool = False
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.unsupported_dtype = unsupported_dtype
        self.skip_by_default = skip_by_default


def prepare(column: str, current: pd.Series, reference: pd.Series) -> Prepared:
    """Both sides' non-missing values as numbers or as category codes; raises
    :class:`Unjudged` for nested/unsupported values, dates and mixed kinds."""
    for series in (current, reference):
        kind = column_kind(series)
        if kind in UNSUPPORTED_KINDS:
            raise Unjudged("unsupported_dtype", "", unsupported_dtype=True)
    kinds = {value_kind(current), value_kind(reference)}
    if "datetime" in kinds:
        raise Unjudged(
            "unsupported_kind",
            f"{column}: dates and durations are not moved back to the reference distribution; "
            "give the model derived numeric features (age in days, hour of day) instead",
            skip_by_default=True,
        )
    if len(kinds) > 1:
        raise Unjudged(
            "kind_mismatch",
            f"{column}: numbers on one side and other values on the other "
            f"(current {current.dtype}, reference {reference.dtype}); convert both to one type",
        )
    if kinds == {"numeric"}:
        cur = _floats(current)
        ref = _floats(reference)
        return Prepared("numeric", cur[~np.isnan(cur)], ref[~np.isnan(ref)])
    cur_v = current[~missing_mask(current)].astype(object).to_numpy()
    ref_v = reference[~missing_mask(reference)].astype(object).to_numpy()
    try:
        codes, uniques = pd.factorize(np.concatenate([cur_v, ref_v]))
    except TypeError:  # unhashable values slipped through: judged by their text
        codes, uniques = pd.factorize(
            np.asarray([str(v) for v in np.concatenate([cur_v, ref_v])], dtype=object)
        )
    return Prepared(
        "categorical",
        codes[: cur_v.shape[0]].astype(np.int64),
        codes[cur_v.shape[0] :].astype(np.int64),
        np.asarray(uniques, dtype=object),
    )


def _floats(series: pd.Series) -> np.ndarray:
    return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def drift_pvalue(prep: Prepared) -> tuple[str, float]:
    """The drift test's name and p-value: two-sample Kolmogorov-Smirnov for numbers, the
    chi-square test of homogeneity for categories (DriftGate's kernels). Identical constant
    columns have p-value 1."""
    if prep.kind == "numeric":
        ref, cur = np.sort(prep.reference), np.sort(prep.current)
        if ref[0] == ref[-1] == cur[0] == cur[-1]:
            return "ks", 1.0
        p = kernels.ks(ref, cur, presorted=True).pvalue
        return "ks", math.nan if p is None else float(p)
    assert prep.categories is not None
    k = prep.categories.shape[0]
    ref_counts = np.bincount(prep.reference, minlength=k)
    cur_counts = np.bincount(prep.current, minlength=k)
    if k < 2:
        return "chisquare", 1.0
    p = kernels.chisquare(ref_counts, cur_counts).pvalue
    return "chisquare", math.nan if p is None else float(p)


def restore(values: np.ndarray, like: pd.Series) -> Any:
    """``values`` (float64 with NaN, or objects with None) in ``like``'s dtype where they fit
    it (ints stay ints, categories stay categorical), else as they are."""
    dtype = like.dtype
    if values.dtype.kind == "f":
        if isinstance(dtype, np.dtype) and dtype.kind == "f":
            return values.astype(dtype)
        if isinstance(dtype, np.dtype) and dtype.kind in "iu":
            if not np.isnan(values).any() and (values == np.round(values)).all():
                return values.astype(dtype)
            return values
        try:
            return pd.array(pd.Series(values, dtype="float64"), dtype="float64").astype(dtype)
        except (TypeError, ValueError):
            return values
    if isinstance(dtype, pd.CategoricalDtype):
        cats = list(dtype.categories)
        extra = [v for v in pd.unique(values[pd.notna(values)]) if v not in set(cats)]
        return pd.Categorical(values, categories=[*cats, *extra])
    if pd.api.types.is_bool_dtype(dtype) and isinstance(dtype, np.dtype):
        if not pd.isna(values).any():
            return values.astype(bool)
        return values
    if not isinstance(dtype, np.dtype):
        try:
            return pd.array(values, dtype=dtype)
        except (TypeError, ValueError):
            return values
    return values
