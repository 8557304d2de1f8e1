"""Moving one column's values onto another distribution with as little change as possible.

Used to ask "what would the model have decided had this column not drifted": each current value
is replaced by the value the reference distribution puts at the same place, so the column gets
the reference's distribution while every row keeps its rank (numbers) or, where possible, its
category. The other columns of a row are untouched, so their relation with this column changes
only as much as the column's drift forces it to.

- :func:`randomized_ranks`: each value's place in its own sample as a number in (0, 1), ties
  broken at random (the randomized probability integral transform), so discrete columns map
  onto the target's quantiles without piling up on one value.
- :func:`quantile_transport`: the target sample's empirical quantile at those places (the
  monotone, Wasserstein-optimal coupling of the two empirical distributions).
- :func:`coupling_transport`: for category codes, the maximal coupling: a row keeps its category
  with probability ``min(1, q/p)`` (current share ``p``, target share ``q``), the others are
  redrawn from the categories the target has more of. Exactly a total-variation share of rows
  changes, and the result has the target's shares in expectation.
- :func:`noise_size`: the size of a resample of current whose quantiles are as far from
  current's as a bootstrap of the reference is, so that the flips due to sampling noise alone
  can be measured and told apart from the flips due to drift.

numpy only; every function takes a ``numpy.random.Generator``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["coupling_transport", "noise_size", "quantile_transport", "randomized_ranks"]


def randomized_ranks(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Places of ``values`` in their own sample, in (0, 1): ``(rank + V) / n`` with ties
    ordered at random and ``V`` uniform on [0, 1).

    Examples
    --------
    >>> u = randomized_ranks(np.array([3.0, 1.0, 2.0]), np.random.default_rng(0))
    >>> np.argsort(u).tolist(), bool(((u > 0) & (u < 1)).all())
    ([1, 2, 0], True)
    """
    x = np.asarray(values)
    n = x.shape[0]
    order = np.lexsort(np.vstack([rng.random(n), x.astype(np.float64, copy=False)]))
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = np.arange(n, dtype=np.float64)
    return (ranks + rng.random(n)) / max(n, 1)


def quantile_transport(u: np.ndarray, target: np.ndarray, *, presorted: bool = False) -> np.ndarray:
    """The empirical quantiles of ``target`` at the places ``u`` (in [0, 1)): the value of
    rank ``floor(u * m)`` among the ``m`` target values.

    Examples
    --------
    >>> quantile_transport(np.array([0.1, 0.5, 0.99]), np.array([10.0, 20.0, 30.0, 40.0])).tolist()
    [10.0, 30.0, 40.0]
    """
    t = np.asarray(target) if presorted else np.sort(np.asarray(target))
    m = t.shape[0]
    if m == 0:
        raise ValueError("target must hold at least one value")
    idx = np.minimum((np.asarray(u, dtype=np.float64) * m).astype(np.int64), m - 1)
    return t[np.maximum(idx, 0)]


def coupling_transport(codes: np.ndarray, target_shares: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Category codes ``0..k-1`` moved onto ``target_shares`` by the maximal coupling.

    Parameters
    ----------
    codes : ndarray of int
        Each row's category code.
    target_shares : ndarray of float, shape (k,)
        The target distribution over the ``k`` categories (sums to 1).
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int
        New codes: a row of category ``c`` keeps it with probability ``min(1, q_c / p_c)``; the
        others get a category drawn from ``(q - p)+`` normalized.

    Examples
    --------
    >>> codes = np.array([0] * 80 + [1] * 20)
    >>> new = coupling_transport(codes, np.array([0.5, 0.5]), np.random.default_rng(0))
    >>> bool((new[80:] == 1).all()), 40 <= int((new[:80] == 0).sum()) <= 60
    (True, True)
    """
    c = np.asarray(codes, dtype=np.int64)
    q = np.asarray(target_shares, dtype=np.float64)
    k = q.shape[0]
    n = c.shape[0]
    if n == 0:
        return c.copy()
    p = np.bincount(c, minlength=k)[:k] / n
    deficit = np.maximum(q - p, 0.0)
    total = deficit.sum()
    if total <= 0:
        return c.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep_prob = np.where(p > 0, np.minimum(1.0, q / np.where(p > 0, p, 1.0)), 0.0)
    moved = rng.random(n) >= keep_prob[c]
    out = c.copy()
    n_moved = int(moved.sum())
    if n_moved:
        out[moved] = rng.choice(k, size=n_moved, p=deficit / total)
    return out


def noise_size(n_current: int, n_reference: int) -> int:
    """Size ``m`` of a resample of current whose quantiles are as noisy, around current's own,
    as a bootstrap resample of the reference is around the current's distribution under no
    drift: ``1/m = 1/n_current + 2/n_reference`` (the current sample's own error, the
    reference's, and the bootstrap's).

    >>> noise_size(1000, 1000)
    333
    """
    if n_current <= 0 or n_reference <= 0:
        raise ValueError("both samples need at least one value")
    return max(1, int(1.0 / (1.0 / n_current + 2.0 / n_reference)))
