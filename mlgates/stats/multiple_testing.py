"""Multiple-testing corrections of p-values across columns.

Definitions (as in ``statsmodels.stats.multitest.multipletests``, which the tests use as oracle):

- ``bonferroni``: ``min(1, m * p)``.
- ``holm`` (Holm 1979, step-down): sort ascending, ``p_(i) * (m - i + 1)``, running maximum,
  capped at 1.
- ``fdr_bh`` (Benjamini-Hochberg 1995, step-up): sort ascending, ``p_(i) * m / i``, running
  minimum from the largest, capped at 1.

A hypothesis is rejected at level ``alpha`` when its adjusted p-value is ``<= alpha`` (statsmodels'
convention); NaN p-values are left out of ``m`` and stay NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["CORRECTIONS", "adjust_pvalues"]

CORRECTIONS = ("bonferroni", "holm", "fdr_bh")


def adjust_pvalues(pvalues: Sequence[float] | np.ndarray, method: str) -> np.ndarray:
    """Adjusted p-values for a family of tests.

    Parameters
    ----------
    pvalues : array-like of float
        Raw p-values in [0, 1]; NaN entries are ignored (and returned as NaN).
    method : {"bonferroni", "holm", "fdr_bh"}
        The correction.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same order as the input.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(4).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues([0.01, 0.04, 0.03], "fdr_bh").round(4).tolist()
    [0.03, 0.04, 0.04]
    """
    if method not in CORRECTIONS:
        raise ValueError(f"method must be one of {CORRECTIONS}; got {method!r}")
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    if method == "bonferroni":
        adj = np.minimum(q * m, 1.0)
    else:
        order = np.argsort(q, kind="stable")
        s = q[order]
        if method == "holm":
            adj_s = np.minimum(np.maximum.accumulate(s * (m - np.arange(m))), 1.0)
        else:
            adj_s = np.minimum.accumulate((s * m / np.arange(1, m + 1))[::-1])[::-1]
            adj_s = np.minimum(adj_s, 1.0)
        adj = np.empty(m)
        adj[order] = adj_s
    out[ok] = adj
    return out
