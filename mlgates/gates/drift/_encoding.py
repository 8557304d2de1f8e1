"""How MultivariateDriftGate turns the two tables into one numeric matrix for its classifier
and MMD (:func:`encode`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlgates.gates._columns import UNSUPPORTED_KINDS, column_kind, missing_mask, value_kind

__all__ = ["encode"]


def encode(
    ref: pd.DataFrame, cur: pd.DataFrame, columns: list[str]
) -> tuple[np.ndarray, list[str], dict[str, str], list[bool]]:
    """Numeric matrix of both sides stacked: numbers as floats (NaN kept), datetimes as int64
    nanoseconds, categories as shared integer codes (missing -> NaN, flagged as categorical for
    the classifier). Left out, with the reason: columns with more than 255 categories
    (``too_many_categories``), columns with no finite, non-missing value on either side
    (``all_missing``) and columns of an unsupported kind (``unsupported_dtype``: lists, dicts,
    Arrow list/struct, complex, Decimal, ints beyond int64)."""
    blocks, used, is_cat = [], [], []
    skipped: dict[str, str] = {}
    for col in columns:
        if column_kind(ref[col]) in UNSUPPORTED_KINDS or column_kind(cur[col]) in UNSUPPORTED_KINDS:
            skipped[str(col)] = "unsupported_dtype"
            continue
        both = pd.concat([ref[col], cur[col]], ignore_index=True)
        kind = value_kind(both)
        if kind == "numeric":
            values = both.to_numpy(dtype="float64", na_value=np.nan)
            values = np.where(np.isfinite(values), values, np.nan)
        elif kind == "datetime":
            s = both
            if getattr(getattr(s, "dt", None), "tz", None) is not None:
                s = s.dt.tz_convert("UTC").dt.tz_localize(None)
            unit = "timedelta64[ns]" if pd.api.types.is_timedelta64_dtype(s.dtype) else "datetime64[ns]"
            values = s.to_numpy(dtype=unit).view("int64").astype(float)
            values[missing_mask(both)] = np.nan
        else:
            codes, uniques = pd.factorize(both, use_na_sentinel=True)
            if len(uniques) > 255:
                skipped[str(col)] = "too_many_categories"
                continue
            values = np.where(codes < 0, np.nan, codes).astype(float)
        if np.isnan(values).all():
            skipped[str(col)] = "all_missing"
            continue
        blocks.append(values)
        used.append(str(col))
        is_cat.append(kind == "categorical")
    matrix = np.column_stack(blocks) if blocks else np.empty((len(ref) + len(cur), 0))
    return matrix, used, skipped, is_cat
