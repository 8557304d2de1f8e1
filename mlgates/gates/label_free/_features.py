"""Feature matrices for the models the label-free gates fit on reference (the loss model):
numbers as floats, categories as integer codes learned on the reference (a category the
reference never had becomes missing), with the columns that cannot be used left out and named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind, value_kind

__all__ = ["MAX_CATEGORIES", "encode_features"]

#: Categorical columns with more categories than this are left out (histogram gradient
#: boosting takes at most 255 categories per column).
MAX_CATEGORIES = 250


def encode_features(
    ref: pd.DataFrame, cur: pd.DataFrame, columns: Sequence[Any]
) -> tuple[np.ndarray, np.ndarray, list[bool], list[str], dict[str, str]]:
    """``(X_ref, X_cur, is_categorical, used, skipped)`` for ``columns`` present in both tables.

    Numeric columns become float64 (infinite values missing); datetime columns their int64
    nanoseconds; other columns codes of the reference's categories (missing and unseen values
    NaN). ``skipped`` names each column left out with why (``missing_column``,
    ``unsupported_dtype``, ``too_many_categories``, ``all_missing``).
    """
    blocks_ref, blocks_cur, is_cat, used = [], [], [], []
    skipped: dict[str, str] = {}
    for col in columns:
        if col not in ref.columns or col not in cur.columns:
            skipped[str(col)] = "missing_column"
            continue
        r, c = ref[col], cur[col]
        if not hasattr(r, "dtype") or not hasattr(c, "dtype"):
            skipped[str(col)] = "duplicate_columns"
            continue
        if column_kind(r) in UNSUPPORTED_KINDS or column_kind(c) in UNSUPPORTED_KINDS:
            skipped[str(col)] = "unsupported_dtype"
            continue
        kind = value_kind(r)
        if kind == "numeric" and value_kind(c) == "numeric":
            rv = r.to_numpy(dtype="float64", na_value=np.nan)
            cv = c.to_numpy(dtype="float64", na_value=np.nan)
            rv, cv = np.where(np.isfinite(rv), rv, np.nan), np.where(np.isfinite(cv), cv, np.nan)
            cat = False
        elif kind == "datetime" and value_kind(c) == "datetime":
            rv, cv = (_datetime(x) for x in (r, c))
            cat = False
        else:
            try:
                rs, cs = r.astype(str).where(r.notna()), c.astype(str).where(c.notna())
                categories = pd.unique(rs.dropna())
            except (TypeError, ValueError):
                skipped[str(col)] = "unsupported_dtype"
                continue
            if len(categories) > MAX_CATEGORIES:
                skipped[str(col)] = "too_many_categories"
                continue
            lookup = {v: i for i, v in enumerate(categories)}
            rv = rs.map(lookup).to_numpy(dtype="float64", na_value=np.nan)
            cv = cs.map(lookup).to_numpy(dtype="float64", na_value=np.nan)
            cat = True
        if np.isnan(rv).all():
            skipped[str(col)] = "all_missing"
            continue
        blocks_ref.append(rv)
        blocks_cur.append(cv)
        is_cat.append(cat)
        used.append(str(col))
    x_ref = np.column_stack(blocks_ref) if blocks_ref else np.empty((len(ref), 0))
    x_cur = np.column_stack(blocks_cur) if blocks_cur else np.empty((len(cur), 0))
    return x_ref, x_cur, is_cat, used, skipped


def _datetime(series: pd.Series) -> np.ndarray:
    s = series
    if getattr(getattr(s, "dt", None), "tz", None) is not None:
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
    unit = "timedelta64[ns]" if pd.api.types.is_timedelta64_dtype(s.dtype) else "datetime64[ns]"
    values = s.to_numpy(dtype=unit).view("int64").astype(float)
    values[np.asarray(series.isna(), dtype=bool)] = np.nan
    return values  # type: ignore[no-any-return]
