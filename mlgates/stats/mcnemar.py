"""McNemar's test for two classifiers scored on the same rows.

Only the discordant pairs carry information: ``b`` rows the baseline got right and the
candidate got wrong, and ``c`` rows the candidate got right and the baseline got wrong.
Under the null hypothesis of equal error rates ``b ~ Binomial(b + c, 1/2)``.

References
----------
McNemar, Q. (1947). Note on the sampling error of the difference between correlated
proportions or percentages. Psychometrika 12(2), 153-157.
Fagerland, M. W., Lydersen, S. and Laake, P. (2013). The McNemar test for binary matched-pairs
data: mid-p and asymptotic are better than exact conditional. BMC Medical Research Methodology 13:91.
Agresti, A. and Min, Y. (2005). Simple improved confidence intervals for comparing matched
proportions. Statistics in Medicine 24(5), 729-740.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["EXACT_BELOW", "McNemarResult", "mcnemar_counts", "mcnemar_test", "paired_accuracy_ci"]

#: ``method="auto"`` uses the exact binomial test when there are fewer discordant pairs than this.
EXACT_BELOW = 25


@dataclass(frozen=True)
class McNemarResult:
    """Result of :func:`mcnemar_test`.

    ``statistic`` is the chi-square statistic for the chi-square methods and ``min(b, c)`` for
    the binomial ones; ``method`` is the method actually used (``"auto"`` resolved).
    """

    statistic: float
    pvalue: float
    method: str
    b: int
    c: int


def mcnemar_counts(correct_baseline: np.ndarray, correct_candidate: np.ndarray) -> tuple[int, int]:
    """Discordant counts ``(b, c)``: baseline-only correct rows and candidate-only correct rows.

    Examples
    --------
    >>> import numpy as np
    >>> mcnemar_counts(np.array([1, 1, 0, 0]), np.array([1, 0, 1, 1]))
    (1, 2)
    """
    base = np.asarray(correct_baseline, dtype=bool)
    cand = np.asarray(correct_candidate, dtype=bool)
    return int(np.count_nonzero(base & ~cand)), int(np.count_nonzero(~base & cand))


def mcnemar_test(b: int, c: int, *, method: str = "auto") -> McNemarResult:
    """McNemar's test of equal error rates from the discordant counts.

    Parameters
    ----------
    b, c : int
        Discordant counts (baseline-only correct, candidate-only correct).
    method : {"auto", "exact", "midp", "chi2", "chi2_cc"}
        ``"exact"``: two-sided binomial test, ``p = min(1, 2 P(X <= min(b, c)))`` with
        ``X ~ Bin(b + c, 1/2)``. ``"midp"``: the exact p-value minus ``P(X = min(b, c))``
        (Fagerland et al. 2013). ``"chi2"``: ``(b - c)^2 / (b + c)`` on one degree of freedom;
        ``"chi2_cc"`` with Edwards' continuity correction ``(max(|b - c| - 1, 0))^2 / (b + c)``.
        ``"auto"``: exact when ``b + c < 25``, mid-p otherwise.

    Returns
    -------
    McNemarResult
        With no discordant pair (identical error sets) the p-value is 1.

    Examples
    --------
    >>> r = mcnemar_test(3, 12)
    >>> r.method, round(r.pvalue, 4)
    ('exact', 0.0352)
    >>> mcnemar_test(0, 0).pvalue
    1.0
    """
    from scipy import stats

    b, c = int(b), int(c)
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be non-negative, got b={b}, c={c}")
    n = b + c
    if method == "auto":
        method = "exact" if n < EXACT_BELOW else "midp"
    if method not in ("exact", "midp", "chi2", "chi2_cc"):
        raise ValueError(f"unknown McNemar method {method!r}")
    if n == 0:
        return McNemarResult(0.0, 1.0, method, b, c)
    k = min(b, c)
    if method in ("exact", "midp"):
        p = 2.0 * float(stats.binom.cdf(k, n, 0.5))
        if method == "midp":
            p -= float(stats.binom.pmf(k, n, 0.5))
        return McNemarResult(float(k), min(1.0, p), method, b, c)
    diff = abs(b - c)
    if method == "chi2_cc":
        diff = max(diff - 1, 0)
    stat = diff * diff / n
    return McNemarResult(float(stat), float(stats.chi2.sf(stat, 1)), method, b, c)


def paired_accuracy_ci(b: int, c: int, n: int, *, alpha: float = 0.05) -> tuple[float, float, float]:
    """Agresti-Min (2005) interval for the accuracy difference candidate - baseline.

    Adds 1/2 to each cell of the 2 x 2 agreement table, then uses the Wald interval:
    ``d = (c' - b') / n'``, ``se = sqrt(b' + c' - (c' - b')^2 / n') / n'`` with ``b' = b + 1/2``,
    ``c' = c + 1/2``, ``n' = n + 2``.

    Returns
    -------
    (low, high, se) : tuple of float
        The two-sided ``1 - alpha`` interval, clipped to [-1, 1], and the standard error.

    Examples
    --------
    >>> lo, hi, se = paired_accuracy_ci(10, 30, 200)
    >>> round(lo, 3), round(hi, 3)
    (0.038, 0.16)
    """
    from scipy import stats

    bb, cc, nn = b + 0.5, c + 0.5, n + 2.0
    d = (cc - bb) / nn
    se = math.sqrt(max(bb + cc - (cc - bb) ** 2 / nn, 0.0)) / nn
    z = float(stats.norm.ppf(1 - alpha / 2))
    return max(-1.0, d - z * se), min(1.0, d + z * se), se
