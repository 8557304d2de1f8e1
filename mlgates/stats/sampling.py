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

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "collision_bound",
    "collision_pvalue",
    "constant_pvalue",
    "exceedance_bound",
    "exceedance_pvalue",
    "new_category_pvalue",
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
    a, b = k + ends, n - k - ends + 1
    guess = 0
    if b > 0:  # start at the normal approximation of the beta-binomial quantile
        from statistics import NormalDist

        mean = m * a / (a + b)
        sd = math.sqrt(m * a * b * (a + b + m) / ((a + b) ** 2 * (a + b + 1)))
        guess = int(min(m, max(0.0, mean + NormalDist().inv_cdf(1.0 - alpha) * sd)))
    # a tail equal to alpha in exact arithmetic may round just above it (0.05000000000000004)
    limit = alpha * (1.0 + 1e-12)
    return _smallest(m, lambda q: exceedance_pvalue(n, k, m, q + 1, ends=ends) <= limit, guess)


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


def _smallest(m: int, ok: Callable[[int], bool], guess: int = 0) -> int:
    """Smallest q in [0, m] with ok(q); ok is monotone (False ... False True ... True) and
    ok(m) holds (no batch has more than m breaks). Gallops from ``guess``, then bisects."""
    guess = min(max(guess, 0), m)
    step = 1
    if ok(guess):
        hi = guess
        lo = guess - 1
        while lo >= 0 and ok(lo):
            hi = lo
            lo = hi - step
            step *= 2
        lo = max(lo, -1)
    else:
        lo = guess
        hi = guess + 1
        while hi < m and not ok(hi):
            lo = hi
            hi = lo + step
            step *= 2
        hi = min(hi, m)
    # invariant: ok(hi), and lo == -1 or not ok(lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def new_category_pvalue(
    reference_counts: np.ndarray,
    current_counts: np.ndarray,
    *,
    alpha: float = 0.001,
    random_state: int = 0,
    max_draws: int = 200_000,
) -> float:
    """The chance that a batch drawn like the reference holds at least as many rows in
    categories the reference lacks as ``current_counts`` does (a permutation test).

    ``reference_counts`` and ``current_counts`` are counts per category on the same
    categories (the union of both sides). Conditionally on the pooled counts ``t_c``, a
    random split of the pooled rows into the reference's ``n`` and the batch's ``m`` gives
    the batch ``K = sum_c t_c I_c`` new rows, ``I_c`` saying that every copy of category
    ``c`` fell into the batch. Two valid p-values are combined by Bonferroni, ``p = min(1,
    2 min(p_bound, p_draws))``:

    - ``p_bound``: ``P(K >= K_obs)`` computed exactly for independent ``I_c ~ Bernoulli(r **
      t_c)``, ``r = m / (n + m)``; these marginals bound the split's from above and its
      indicators are negatively associated, so this is conservative (categories with
      ``r ** t_c < 1e-12`` are left out and their probabilities added);
    - ``p_draws``: seeded draws of the split (multivariate hypergeometric), stopped after 20
      draws at least as extreme as the data (Besag and Clifford's sequential p-value) or
      after ``ceil(40 / alpha)`` draws (at most ``max_draws``); skipped when ``p_bound``
      already decides at ``alpha``.

    Examples
    --------
    >>> ref = np.array([50, 30, 20, 0])  # one category seen only in the batch
    >>> round(new_category_pvalue(ref, np.array([10, 6, 4, 1])), 2)  # 1 new row: common
    0.23
    >>> new_category_pvalue(ref, np.array([0, 0, 0, 20])) < 1e-5  # all 20 rows new
    True
    """
    ref = np.asarray(reference_counts, dtype=np.int64)
    cur = np.asarray(current_counts, dtype=np.int64)
    n, m = int(ref.sum()), int(cur.sum())
    k_obs = int(cur[ref == 0].sum())
    if k_obs == 0 or n == 0:
        return 1.0
    pooled = ref + cur
    pooled = pooled[pooled > 0]
    p_bound = _poisson_binomial_tail(pooled, m / (n + m), k_obs)
    if 2 * p_bound < alpha:
        return float(2 * p_bound)
    p_draws = _split_draws(pooled, m, k_obs, alpha, random_state, max_draws)
    return float(min(1.0, 2 * min(p_bound, p_draws)))


def _poisson_binomial_tail(t: np.ndarray, r: float, k_obs: int) -> float:
    """``P(sum_c t_c I_c >= k_obs)`` for independent ``I_c ~ Bernoulli(r ** t_c)``."""
    log_pi = t * math.log(r)
    keep = log_pi >= math.log(1e-12)
    dropped = float(np.exp(log_pi[~keep]).sum()) if (~keep).any() else 0.0
    t, pi = t[keep], np.exp(log_pi[keep])
    if t.size * k_obs > 20_000_000:
        return min(1.0, _chernoff(t, pi, k_obs) + dropped)
    dist = np.zeros(k_obs + 1)  # the last cell holds P(K >= k_obs)
    dist[0] = 1.0
    for tc, pc in zip(t.tolist(), pi.tolist(), strict=True):
        moved = dist * pc
        dist *= 1.0 - pc
        if tc >= k_obs:
            dist[k_obs] += moved.sum()
        else:
            dist[tc:k_obs] += moved[: k_obs - tc]
            dist[k_obs] += moved[k_obs - tc :].sum()
    return float(min(1.0, max(0.0, dist[k_obs] + dropped)))


def _split_draws(t: np.ndarray, m: int, k_obs: int, alpha: float, seed: int, max_draws: int) -> float:
    """Sequential Monte Carlo p-value of the split (Besag and Clifford, 1991)."""
    n_total = int(t.sum())
    # categories that cannot all fall into the batch by chance (< 1e-12) are pooled into one
    log_pi = t * math.log(m / n_total)
    small = log_pi >= math.log(1e-12)
    colors = t[small]
    rest = int(t[~small].sum())
    colors_all = np.append(colors, rest) if rest else colors
    rng = np.random.default_rng(seed)
    limit = int(min(max_draws, max(1000, math.ceil(40 / alpha))))
    hits, done, batch = 0, 0, 100
    while done < limit:
        size = min(batch, limit - done)
        x = rng.multivariate_hypergeometric(colors_all, m, size=size, method="marginals")
        x = x[:, : colors.size]
        k = ((x == colors) * colors).sum(axis=1)
        over = np.flatnonzero(k >= k_obs)
        if hits + over.size >= 20:
            stop = int(over[20 - hits - 1]) + 1
            return (20) / (done + stop)
        hits += over.size
        done += size
        batch = min(batch * 2, 20_000)
    return (hits + 1) / (done + 1)


def _chernoff(t: np.ndarray, pi: np.ndarray, k_obs: int) -> float:
    """``min_theta exp(-theta k + sum log(1 - p + p e^(theta t)))``: an upper bound of
    ``P(K >= k)`` for the independent sum (used when the exact convolution is too large)."""
    best = 1.0
    for theta in np.geomspace(1e-4, 5.0, 80):
        with np.errstate(over="ignore"):
            log_mgf = np.log1p(pi * np.expm1(np.minimum(theta * t, 700.0))).sum()
        best = min(best, float(np.exp(min(0.0, log_mgf - theta * k_obs))))
    return best
