"""How many rows of a new batch may break a rule learned from a reference, by chance alone.

A tolerance inferred from a reference of ``n`` values must hold for a batch of ``m`` values
drawn the same way, at the sizes at hand. These kernels give the null distribution of the
batch's count of rule breaks, ``K``, and the largest count that chance allows at a
false-alarm level ``alpha``: the smallest ``q`` with ``P(K > q) <= alpha``.

Order statistics (``exceedance_*``). Let ``k`` of the ``n`` reference values break the rule
and let the rule have ``ends`` ends placed at reference values (two for a range
``[min, max]``, one for a one-sided bound or a fixed event such as "missing"). For
exchangeable values the probability mass beyond ``ends`` reference order statistics is
``Beta(k + ends, n - k - ends + 1)``, so ``K`` follows the beta-binomial distribution
``BetaBinomial(m, k + ends, n - k - ends + 1)``. With ``k = 0`` and ``ends = 1`` a new value
exceeds the maximum of ``n`` reference values with probability ``1 / (n + 1)``. The tail
equals a hypergeometric one, ``P(K >= c) = P(Hyp(n + m, k + ends - 1 + c, m) >= c)``, so
with ``ends = 1`` the rule is the one-sided Fisher exact test of the batch's count against
the reference's, valid at level ``alpha`` for every event probability and every ``n`` and
``m``. Ties and bounds placed outside the reference's values (widened ranges) only make
breaks rarer, so the bound is conservative there.

Pair collisions (``collision_*``). Duplicates arise per pair of rows: ``n`` reference rows
hold ``C(n, 2)`` pairs, ``m`` batch rows ``C(m, 2)`` (and ``n * m`` pairs across the two).
Given ``k`` repeated rows in the reference and ``c`` in the batch, each of the ``k + c``
repeats falls on a batch pair with probability ``w = C(m, 2) / (C(n, 2) + C(m, 2))`` under
the null (``w = n m / (C(n, 2) + n m)`` for batch rows repeating a reference row), so the
p-value is ``P(Binomial(k + c, w) >= c)`` (a conditional test of a Poisson rate).

Constancy (:func:`constant_pvalue`): a batch is constant only if none of the ``k``
reference values off the most frequent value would have been drawn into it:
``P = C(n, k) / C(n + m, k)``.

Arrays in, plain numbers out; the gates in :mod:`mlgates.gates.quality` decide.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "collision_bound",
    "collision_pvalue",
    "constant_pvalue",
    "exceedance_bound",
    "exceedance_pvalue",
]


def _check(n: int, k: int, m: int) -> None:
    if n < 0 or m < 0 or not 0 <= k <= max(n, 0):
        raise ValueError(f"need 0 <= k <= n and m >= 0; got n={n}, k={k}, m={m}")


def exceedance_pvalue(n: int, k: int, m: int, count: int, *, ends: int = 1) -> float:
    """``P(K >= count)`` for ``K ~ BetaBinomial(m, k + ends, n - k - ends + 1)``: the chance
    that at least ``count`` of ``m`` new values break a rule that ``k`` of ``n`` reference
    values broke, with ``ends`` rule ends placed at reference values (see the module notes).

    Returns 1.0 when the reference carries no information (``k + ends > n``).

    Examples
    --------
    >>> round(exceedance_pvalue(99, 0, 1, 1), 6)  # one new value above the max of 99
    0.01
    >>> round(exceedance_pvalue(99, 0, 1, 1, ends=2), 6)  # ... outside [min, max]
    0.02
    """
    _check(n, k, m)
    if count <= 0:
        return 1.0
    if count > m:
        return 0.0
    kk = k + ends - 1
    if kk >= n:
        return 1.0
    from scipy.stats import hypergeom

    return float(min(1.0, max(0.0, hypergeom.sf(count - 1, n + m, kk + count, m))))


def exceedance_bound(n: int, k: int, m: int, alpha: float, *, ends: int = 1) -> int:
    """The largest count of ``m`` new values that may break the rule by chance: the smallest
    ``q`` with ``P(K > q) <= alpha`` under :func:`exceedance_pvalue`'s null.

    Examples
    --------
    >>> exceedance_bound(341, 0, 228, 0.001, ends=2)
    9
    >>> exceedance_bound(1_000_000, 0, 10, 0.001, ends=2)
    0
    """
    _check(n, k, m)
    return _smallest(m, lambda q: exceedance_pvalue(n, k, m, q + 1, ends=ends) <= alpha)


def _pair_weight(n: int, m: int, cross: bool) -> float:
    ref_pairs = n * (n - 1) / 2.0
    cur_pairs = n * m if cross else m * (m - 1) / 2.0
    total = ref_pairs + cur_pairs
    return 1.0 if total == 0 else cur_pairs / total


def collision_pvalue(n: int, k: int, m: int, count: int, *, cross: bool = False) -> float:
    """``P(Binomial(k + count, w) >= count)``: the chance that ``count`` or more of the
    repeats seen fall on the batch's pairs, given ``k`` repeated rows in ``n`` reference rows
    (``cross=True``: batch rows that repeat a reference row).

    Examples
    --------
    >>> round(collision_pvalue(100, 0, 100, 2), 4)  # w = 0.5: both repeats on the batch
    0.25
    """
    _check(n, k, m)
    if count <= 0:
        return 1.0
    if count > m:
        return 0.0
    w = _pair_weight(n, m, cross)
    if w >= 1.0:
        return 1.0
    from scipy.stats import binom

    return float(min(1.0, max(0.0, binom.sf(count - 1, k + count, w))))


def collision_bound(n: int, k: int, m: int, alpha: float, *, cross: bool = False) -> int:
    """The largest repeat count of a batch of ``m`` rows that chance allows at ``alpha``
    (see :func:`collision_pvalue`).

    Examples
    --------
    >>> collision_bound(100, 0, 100, 0.01)
    6
    """
    _check(n, k, m)
    return _smallest(m, lambda q: collision_pvalue(n, k, m, q + 1, cross=cross) <= alpha)


def constant_pvalue(n: int, k: int, m: int) -> float:
    """The chance that a batch of ``m`` values is constant although ``k`` of ``n`` reference
    values differ from the reference's most frequent value: ``C(n, k) / C(n + m, k)``
    (hypergeometric; a batch constant at another value is rarer still).

    Examples
    --------
    >>> round(constant_pvalue(10, 1, 10), 3)  # the one odd value stayed in the reference
    0.5
    """
    _check(n, k, m)
    if k == 0 or m == 0:
        return 1.0
    from scipy.stats import hypergeom

    return float(min(1.0, max(0.0, hypergeom.pmf(0, n + m, k, m))))


def _smallest(m: int, ok: Callable[[int], bool]) -> int:
    """Smallest q in [0, m] with ok(q); ok is monotone (False ... False True ... True) and
    ok(m) holds (no batch has more than m breaks)."""
    if ok(0):
        return 0
    lo, hi = 0, m
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi
