"""Permutation p-values of two-sample statistics computed from counts per value or category.

When both samples are summarised as counts on the same ``k`` values (the distinct values of a
tied numeric column, or the categories of a contingency table), a random split of the pooled
sample into the reference's ``n`` and the current's ``m`` values is a multivariate
hypergeometric draw of the current's counts. Drawing it ``B`` times costs ``B * k`` operations
whatever the number of rows, and gives the test's exact null distribution conditionally on the
pooled sample: the remedy where an asymptotic distribution fails (sparse contingency tables,
heavily tied columns).

The p-value is Besag and Clifford's (1991) sequential one: draws stop once 20 of them are at
least as extreme as the data (``p = 20 / draws``), else ``p = (1 + hits) / (1 + draws)`` after
all of them. Both are valid p-values; draws are seeded, so results are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["count_permutation_pvalue", "draws_for"]

#: Stop after this many draws at least as extreme as the data.
HITS = 20
#: Largest number of (draws x values) per p-value.
BUDGET = 50_000_000


def draws_for(k: int, max_draws: int = 2000) -> int:
    """Draws affordable for ``k`` values within the budget (at least 99, at most ``max_draws``)."""
    return int(max(99, min(max_draws, BUDGET // max(k, 1))))


def count_permutation_pvalue(
    reference_counts: np.ndarray,
    current_counts: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    random_state: int = 0,
    max_draws: int = 2000,
) -> float:
    """``P(S >= S_obs)`` over random splits of the pooled counts.

    Parameters
    ----------
    reference_counts, current_counts : arrays of int, shape (k,)
        Counts of each side on the same values, in the order ``statistic`` expects.
    statistic : callable
        ``statistic(ref, cur)`` with ``ref`` and ``cur`` of shape (B, k) returns the B
        statistics (larger = more different).

    Examples
    --------
    >>> import numpy as np
    >>> def gap(ref, cur):  # |share of the first value, reference vs current|
    ...     return np.abs(ref[:, 0] / ref.sum(axis=1) - cur[:, 0] / cur.sum(axis=1))
    >>> p = count_permutation_pvalue(np.array([30, 70]), np.array([31, 69]), gap)
    >>> p > 0.5
    True
    >>> count_permutation_pvalue(np.array([90, 10]), np.array([10, 90]), gap) < 0.01
    True
    """
    ref = np.asarray(reference_counts, dtype=np.int64)
    cur = np.asarray(current_counts, dtype=np.int64)
    pooled = ref + cur
    m = int(cur.sum())
    observed = float(statistic(ref[None, :], cur[None, :])[0])
    tol = 1e-9 * max(1.0, abs(observed))
    limit = draws_for(pooled.size, max_draws)
    rng = np.random.default_rng(random_state)
    hits, done, batch = 0, 0, 100
    while done < limit:
        size = min(batch, limit - done)
        drawn = rng.multivariate_hypergeometric(pooled, m, size=size, method="marginals")
        values = statistic(pooled[None, :] - drawn, drawn)
        over = np.flatnonzero(values >= observed - tol)
        if hits + over.size >= HITS:
            return HITS / (done + int(over[HITS - hits - 1]) + 1)
        hits += over.size
        done += size
        batch = min(2 * batch, 2000)
    return (hits + 1) / (done + 1)
