"""The new-category rule of DriftGate: the share of current rows in categories the reference
lacks decides on its own, so a column whose categories were all replaced never passes on a
test without power (a chi-square over many sparse categories)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mlgates.core.finding import Finding
from mlgates.core.status import Status
from mlgates.gates._columns import share_text

__all__ = ["NEW_CATEGORY_ALPHA", "aligned_counts", "new_category_finding"]

#: False-alarm level of the rule over a whole gate: split evenly (Bonferroni) over the
#: categorical columns compared, so a batch drawn like the reference FAILs it at most this often.
NEW_CATEGORY_ALPHA = 0.01


#: Up to this many categories, counts are aligned through a dict (microseconds); beyond, through
#: pandas' hashed reindex (a fixed cost of about a millisecond per call on Arrow strings).
DICT_ALIGN_MAX = 4096


def counts_on_keys(counts: pd.Series, keys: list[Any]) -> np.ndarray:
    """``counts.reindex(keys, fill_value=0)`` as int64 (a category's count, 0 when absent).

    Examples
    --------
    >>> counts_on_keys(pd.Series([3, 1], index=["a", "b"]), ["b", "c", "a"]).tolist()
    [1, 0, 3]
    """
    if len(counts) <= DICT_ALIGN_MAX and len(keys) <= DICT_ALIGN_MAX:
        table = dict(zip(counts.index.tolist(), counts.to_numpy(dtype=np.int64).tolist(), strict=True))
        return np.fromiter((table.get(k, 0) for k in keys), dtype=np.int64, count=len(keys))
    return counts.reindex(keys, fill_value=0).to_numpy(dtype=np.int64)


def aligned_counts(reference: pd.Series, current: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Counts per category of both sides on the union of categories (reference's first)."""
    known = set(reference.index.tolist())
    keys = reference.index.tolist()
    keys += [k for k in current.index.tolist() if k not in known]
    ref = np.zeros(len(keys), dtype=np.int64)
    ref[: len(reference)] = reference.to_numpy(dtype=np.int64)
    return ref, counts_on_keys(current, keys)


def new_category_finding(
    subject: str,
    reference_counts: np.ndarray,
    current_counts: np.ndarray,
    *,
    alpha: float,
    max_share: float,
    n_tests: int,
    random_state: int,
) -> Finding | None:
    """FAIL (``new_category_share_exceeded``) when the share of current rows in categories the
    reference lacks is beyond what sampling allows at ``alpha`` (a permutation test of the
    split, :func:`mlgates.stats.sampling.new_category_pvalue`) and above ``max_share``; WARN
    (``new_categories``) when it is beyond sampling but within ``max_share``; PASS when chance
    explains it. None when no current row is in a new category."""
    from mlgates.stats.sampling import new_category_pvalue

    new = reference_counts == 0
    n_new_rows = int(current_counts[new].sum())
    if n_new_rows == 0:
        return None
    m = int(current_counts.sum())
    n_values = int((current_counts[new] > 0).sum())
    share = n_new_rows / m
    p = new_category_pvalue(reference_counts, current_counts, alpha=alpha, random_state=random_state)
    what = (
        f"{subject}: {share_text(share)} of current rows ({n_new_rows:,} of {m:,}) in {n_values:,} "
        f"categor{'y' if n_values == 1 else 'ies'} unseen in reference"
    )
    chance = f"chance p={p:.2g} {'<' if p < alpha else '>='} {alpha:.2g}"
    if p < alpha and share > max_share:
        status, reason = Status.FAIL, "new_category_share_exceeded"
        message = f"{what} > {share_text(max_share)} allowed ({chance}, permutation test)"
    elif p < alpha:
        status, reason = Status.WARN, "new_categories"
        message = f"{what}: beyond sampling ({chance}) but <= {share_text(max_share)} allowed"
    else:
        status, reason = Status.PASS, None
        message = f"{what}: within sampling ({chance})"
    details: dict[str, Any] = {
        "n_new_rows": n_new_rows,
        "n_new_categories": n_values,
        "n_rows": m,
        "n_reference": int(reference_counts.sum()),
        "alpha": alpha,
        "n_tests": n_tests,
        "gate_alpha": NEW_CATEGORY_ALPHA,
        "max_share": max_share,
        "pvalue_method": "permutation of the pooled counts (Poisson-binomial bound and seeded draws)",
    }
    return Finding(
        subject,
        status,
        statistic=share,
        pvalue=p,
        threshold=max_share,
        method="new_categories",
        reason=reason,
        message=message,
        details=details,
    )
