"""Where the reference cannot vouch for an estimate: current rows outside its support.

A label-free estimate transfers what the reference taught (a calibration map, a loss model) to
current rows. For a row whose features lie where the reference had none, nothing was learned:
the estimate there is an extrapolation. This module counts such rows per column: a numeric
value beyond the reference's range, a category the reference never had, a score beyond the
reference's scores. Datetime and identifier-like text columns are left out (they move out of
range by design), and so are columns of an unsupported kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.errors import InputError
from mlgates.gates._columns import (
    UNSUPPORTED_KINDS,
    column_kind,
    is_text_like,
    missing_column_hint,
    missing_mask,
    value_kind,
)
from mlgates.stats.label_free import outside_share_bound

__all__ = ["Support", "outside_support"]

#: The null bound on the share outside is this quantile (see ``outside_share_bound``).
SUPPORT_LEVEL = 0.999


@dataclass(frozen=True)
class Support:
    """Rows of current outside the reference's support: how many, which columns put them there,
    and the share that a sample of the reference's own distribution could reach."""

    n_outside: int
    n: int
    by_column: dict[str, int]
    columns: list[str]
    skipped: dict[str, str] = field(default_factory=dict)
    bound: float = 0.0

    @property
    def share(self) -> float:
        return self.n_outside / self.n if self.n else 0.0


def _numeric(series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(values), values, np.nan)  # type: ignore[no-any-return]


def outside_support(
    ref: pd.DataFrame,
    cur: pd.DataFrame,
    columns: Sequence[Any],
    ref_scores: np.ndarray | None,
    cur_scores: np.ndarray | None,
    *,
    explicit: bool,
) -> Support:
    """Count the current rows outside the reference's support (see the module docstring).

    ``explicit``: the columns were named by the user, so a column absent from either table is
    an InputError ``missing_column`` (otherwise only columns present in both are used)."""
    n = len(cur)
    outside = np.zeros(n, dtype=bool)
    by_column: dict[str, int] = {}
    used: list[str] = []
    skipped: dict[str, str] = {}
    n_sides = 0
    unseen_mass = 0.0
    n_ref = len(ref)
    for col in columns:
        if col not in ref.columns or col not in cur.columns:
            if explicit:
                side = "reference" if col not in ref.columns else "current"
                frame = ref if side == "reference" else cur
                raise InputError(
                    f"{side}: column {col!r} not found.{missing_column_hint(col, frame.columns)}",
                    reason="missing_column",
                    subject=str(col),
                )
            continue
        r, c = ref[col], cur[col]
        if not hasattr(r, "dtype") or not hasattr(c, "dtype"):
            skipped[str(col)] = "duplicate_columns"
            continue
        kinds = (column_kind(r), column_kind(c))
        if any(k in UNSUPPORTED_KINDS for k in kinds):
            skipped[str(col)] = "unsupported_dtype"
            continue
        vk = value_kind(r)
        if vk != value_kind(c):
            skipped[str(col)] = "kind_mismatch"
            continue
        if vk == "datetime":
            skipped[str(col)] = "datetime"
            continue
        if vk == "numeric":
            rv = _numeric(r)
            finite = rv[~np.isnan(rv)]
            if finite.size == 0:
                skipped[str(col)] = "all_missing"
                continue
            cv = _numeric(c)
            with np.errstate(invalid="ignore"):
                out = (cv < finite.min()) | (cv > finite.max())
            n_sides += 2
        else:
            r_ok = ~missing_mask(r)
            try:
                seen, ref_counts = np.unique(r[r_ok].astype(str).to_numpy(), return_counts=True)
                n_distinct = int(seen.size)
                if is_text_like(kinds[0], n_distinct, int(r_ok.sum())):
                    skipped[str(col)] = "text_like"
                    continue
                c_ok = ~missing_mask(c)
                out = np.zeros(n, dtype=bool)
                out[c_ok] = ~np.isin(c[c_ok].astype(str).to_numpy(), seen)
            except (TypeError, ValueError):
                skipped[str(col)] = "unsupported_dtype"
                continue
            n_sides += 1
            unseen_mass += float((ref_counts == 1).sum() + 1) / max(n_ref, 1)  # Good-Turing
        hits = int(out.sum())
        used.append(str(col))
        if hits:
            by_column[str(col)] = hits
            outside |= out
    if ref_scores is not None and cur_scores is not None and ref_scores.size and cur_scores.size == n:
        out = (cur_scores < ref_scores.min()) | (cur_scores > ref_scores.max())
        n_sides += 2
        used.append("score")
        if out.any():
            by_column["score"] = int(out.sum())
            outside |= out
    bound = outside_share_bound(n_ref, n_sides, n, level=SUPPORT_LEVEL) + unseen_mass if n_sides else 0.0
    ordered = dict(sorted(by_column.items(), key=lambda kv: -kv[1]))
    return Support(int(outside.sum()), n, ordered, used, skipped, min(1.0, bound))
