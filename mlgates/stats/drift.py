"""Two-sample drift kernels: reference vs current, one column (or a matrix for MMD).

Every kernel is a plain function returning :class:`DriftResult` ``(statistic, pvalue)`` with
``pvalue=None`` for distances. Kernel names are a stable public contract (the gates' ``method``
names are the same strings):

=====================  =========================  ==========  =====================================
kernel                 input                      p-value     statistic
=====================  =========================  ==========  =====================================
``ks``                 numeric samples            yes         two-sample Kolmogorov-Smirnov D
``wasserstein``        numeric samples            no          W1 / max(std_ref, 0.001) (normed)
``energy``             numeric samples            no          energy distance (scipy's definition)
``anderson``           numeric samples            yes         k-sample Anderson-Darling (midrank)
``cramer_von_mises``   numeric samples            yes         two-sample Cramer-von Mises T
``mannwhitneyu``       numeric samples            yes         Mann-Whitney U of the reference
``t_test``             numeric samples            yes         Welch's t (``equal_var=False``)
``empirical_mmd``      numeric samples / matrices yes         unbiased MMD^2, RBF kernel
``chisquare``          counts per bin/category    yes         chi-square on the 2 x k table
``g_test``             counts per bin/category    yes         G (log-likelihood ratio) on 2 x k
``z``                  counts of 2 categories     yes         two-proportion z (pooled)
``fisher_exact``       counts of 2 categories     yes         odds ratio of the 2 x 2 table
``psi``                counts per bin/category    no          population stability index
``kl_div``             counts per bin/category    no          KL(reference || current)
``jensenshannon``      counts per bin/category    no          Jensen-Shannon distance (base e)
``hellinger``          counts per bin/category    no          Hellinger distance
``tvd``                counts per bin/category    no          total variation distance
=====================  =========================  ==========  =====================================

Sample kernels take 1-d float arrays without NaN; pass ``presorted=True`` when both are
already sorted ascending (the gate sorts each column once and shares the sorted arrays).
Count kernels take the reference's and current's counts on the same bins (see
:mod:`mlgates.stats.binning`), so they are exact on counts merged from chunks.

p-values: ``ks`` is exact when both samples have at most 10,000 values (computed by
``scipy.stats.ks_2samp``, as scipy's ``method="auto"`` does) and uses Smirnov's asymptotic
distribution (``kstwo``) otherwise; ``mannwhitneyu`` is the normal approximation with tie and
continuity correction; ``cramer_von_mises`` the asymptotic distribution (Csorgo and Faraway 1996);
``anderson`` is interpolated in Scholz and Stephens' (1987) table and therefore capped to
[0.001, 0.25]; ``empirical_mmd`` a seeded permutation test.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from mlgates.stats._edf_drift import (  # noqa: F401  (re-exported: the public import path)
    MMD_TIE_TOLERANCE,
    TIE_SHARE,
    anderson,
    cramer_von_mises,
    empirical_mmd,
)
from mlgates.stats._result import DriftResult
from mlgates.stats._two_sample import _cdf_steps, _merge, _midranks, _pair, _quantile_distance, _tie_sizes
from mlgates.stats.contingency import (
    chisquare,
    fisher_exact,
    g_test,
    hellinger,
    jensenshannon,
    kl_div,
    psi,
    tvd,
    z,
)

__all__ = [
    "COUNT_KERNELS",
    "DISTANCE_METHODS",
    "KERNELS",
    "PVALUE_METHODS",
    "SAMPLE_KERNELS",
    "DriftResult",
    "Kernel",
    "anderson",
    "chisquare",
    "cramer_von_mises",
    "empirical_mmd",
    "energy",
    "fisher_exact",
    "g_test",
    "hellinger",
    "jensenshannon",
    "kl_div",
    "ks",
    "mannwhitneyu",
    "psi",
    "t_test",
    "tvd",
    "wasserstein",
    "z",
]


# -- numeric sample kernels -------------------------------------------------------------------
def ks(reference: np.ndarray, current: np.ndarray, *, presorted: bool = False) -> DriftResult:
    """Two-sample Kolmogorov-Smirnov test (two-sided).

    Examples
    --------
    >>> r = ks(np.arange(100.0), np.arange(50.0, 150.0))
    >>> round(r.statistic, 3), r.pvalue < 0.001
    (0.5, True)
    """
    from scipy import stats

    a, b = _pair(reference, current, presorted)
    pooled, scaled = _cdf_steps(a, b)
    ends = np.flatnonzero(pooled[1:] != pooled[:-1])  # last position of each tie group but the final
    d = max(float(np.max(np.abs(scaled[ends]))) if ends.size else 0.0, float(abs(scaled[-1])))
    d /= float(a.size) * float(b.size)
    if max(a.size, b.size) <= 10_000:
        with warnings.catch_warnings():  # scipy falls back to asymp itself when exact fails
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(stats.ks_2samp(a, b, method="auto").pvalue)
    else:
        m, n = sorted((float(a.size), float(b.size)), reverse=True)
        p = float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))
    return DriftResult(d, p)


def wasserstein(
    reference: np.ndarray, current: np.ndarray, *, normed: bool = True, presorted: bool = False
) -> DriftResult:
    """First Wasserstein distance, divided by ``max(std(reference), 0.001)`` when ``normed``.

    The population standard deviation (``ddof=0``) of the reference is the unit, as in
    Evidently's ``wasserstein`` test, so a value of 0.1 means "moved a tenth of a standard
    deviation".

    Examples
    --------
    >>> round(wasserstein(np.array([0.0, 2.0]), np.array([1.0, 3.0])).statistic, 6)
    1.0
    """
    a, b = _pair(reference, current, presorted)
    w = _quantile_distance(a, b)
    if normed:
        w /= max(float(np.std(a)), 0.001)
    return DriftResult(w, None)


def energy(reference: np.ndarray, current: np.ndarray, *, presorted: bool = False) -> DriftResult:
    """Energy distance ``sqrt(2 * integral (F - G)^2)`` (scipy's ``energy_distance``), unnormed.

    Examples
    --------
    >>> round(energy(np.array([0.0]), np.array([1.0])).statistic, 6)
    1.414214
    """
    a, b = _pair(reference, current, presorted)
    pooled, scaled = _cdf_steps(a, b)
    gaps = np.diff(pooled)
    del pooled
    diff = scaled[:-1] / (float(a.size) * float(b.size))
    del scaled
    np.multiply(diff, diff, out=diff)
    np.multiply(gaps, diff, out=gaps)
    e = math.sqrt(2.0) * math.sqrt(float(np.sum(gaps)))
    return DriftResult(e, None)


def mannwhitneyu(reference: np.ndarray, current: np.ndarray, *, presorted: bool = False) -> DriftResult:
    """Mann-Whitney U test, two-sided, normal approximation with tie and continuity correction.

    The statistic is U of the reference sample (scipy's ``mannwhitneyu(...).statistic``).

    Examples
    --------
    >>> r = mannwhitneyu(np.arange(30.0), np.arange(30.0) + 0.5)
    >>> r.statistic, round(r.pvalue, 4)
    (435.0, 0.8303)
    """
    from scipy import special

    a, b = _pair(reference, current, presorted)
    n1, n2 = a.size, b.size
    n = n1 + n2
    pooled = _merge(a, b)
    r1 = float(np.sum(_midranks(pooled, a)))
    u1 = r1 - n1 * (n1 + 1) / 2.0
    u = max(u1, n1 * n2 - u1)
    t = _tie_sizes(pooled).astype(float)
    tie_term = float(np.sum(t**3 - t))
    s = math.sqrt(n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))) if n > 1 else 0.0
    if s == 0.0:
        return DriftResult(u1, 1.0)
    zval = (u - n1 * n2 / 2.0 - 0.5) / s
    p = float(np.clip(2.0 * special.ndtr(-zval), 0.0, 1.0))
    return DriftResult(u1, p)


def t_test(reference: np.ndarray, current: np.ndarray, *, equal_var: bool = False) -> DriftResult:
    """Two-sample t-test of equal means; Welch's (unequal variances) by default.

    Examples
    --------
    >>> r = t_test(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 3.0, 4.0, 5.0]))
    >>> round(r.statistic, 4), round(r.pvalue, 4)
    (-1.0954, 0.3153)
    """
    from mlgates.stats.binned import t_test_from_moments

    a = np.asarray(reference, dtype=float)
    b = np.asarray(current, dtype=float)
    if a.size < 2 or b.size < 2:
        raise ValueError("t_test needs at least 2 values on each side")
    return t_test_from_moments(
        a.size,
        float(np.mean(a)),
        float(np.var(a, ddof=1)),
        b.size,
        float(np.mean(b)),
        float(np.var(b, ddof=1)),
        equal_var=equal_var,
    )


# -- the kernel table -------------------------------------------------------------------------
@dataclass(frozen=True)
class Kernel:
    """One drift kernel: its function, what it compares and how it is called.

    Attributes
    ----------
    name : str
        The kernel's name, also the gates' ``method`` string.
    function : callable
        ``function(reference, current, **options) -> DriftResult``.
    input : {"samples", "counts"}
        Numeric samples (1-d float arrays without NaN) or counts on the same bins.
    pvalue : bool
        A test (its p-value decides) rather than a distance (its statistic decides).
    presorted : bool
        Takes ``presorted=True`` for samples already sorted ascending.
    seeded : bool
        Takes ``random_state`` (a permutation or resampling p-value).
    two_categories : bool
        Compares exactly two categories (``z``, ``fisher_exact``).

    Examples
    --------
    >>> k = KERNELS["ks"]
    >>> k.input, k.pvalue
    ('samples', True)
    >>> round(k(np.arange(100.0), np.arange(50.0, 150.0), presorted=True).statistic, 3)
    0.5
    """

    name: str
    function: Callable[..., DriftResult]
    input: Literal["samples", "counts"]
    pvalue: bool
    presorted: bool = False
    seeded: bool = False
    two_categories: bool = False

    def __call__(
        self, reference: np.ndarray, current: np.ndarray, *, presorted: bool = False, random_state: Any = 0
    ) -> DriftResult:
        """Run the kernel, passing ``presorted`` and ``random_state`` only where it takes them."""
        options: dict[str, Any] = {}
        if self.presorted:
            options["presorted"] = presorted
        if self.seeded:
            options["random_state"] = random_state
        return self.function(reference, current, **options)


#: Every drift kernel by name (the order of the module's table).
KERNELS: Mapping[str, Kernel] = MappingProxyType(
    {
        k.name: k
        for k in (
            Kernel("ks", ks, "samples", pvalue=True, presorted=True),
            Kernel("wasserstein", wasserstein, "samples", pvalue=False, presorted=True),
            Kernel("energy", energy, "samples", pvalue=False, presorted=True),
            Kernel("anderson", anderson, "samples", pvalue=True, presorted=True, seeded=True),
            Kernel("cramer_von_mises", cramer_von_mises, "samples", pvalue=True, presorted=True, seeded=True),
            Kernel("mannwhitneyu", mannwhitneyu, "samples", pvalue=True, presorted=True),
            Kernel("t_test", t_test, "samples", pvalue=True),
            Kernel("empirical_mmd", empirical_mmd, "samples", pvalue=True, seeded=True),
            Kernel("chisquare", chisquare, "counts", pvalue=True, seeded=True),
            Kernel("g_test", g_test, "counts", pvalue=True, seeded=True),
            Kernel("z", z, "counts", pvalue=True, two_categories=True),
            Kernel("fisher_exact", fisher_exact, "counts", pvalue=True, two_categories=True),
            Kernel("psi", psi, "counts", pvalue=False),
            Kernel("kl_div", kl_div, "counts", pvalue=False),
            Kernel("jensenshannon", jensenshannon, "counts", pvalue=False),
            Kernel("hellinger", hellinger, "counts", pvalue=False),
            Kernel("tvd", tvd, "counts", pvalue=False),
        )
    }
)
#: Views of :data:`KERNELS` by kind (kept for callers that test membership).
SAMPLE_KERNELS = tuple(n for n, k in KERNELS.items() if k.input == "samples")
COUNT_KERNELS = tuple(n for n, k in KERNELS.items() if k.input == "counts")
PVALUE_METHODS = tuple(n for n, k in KERNELS.items() if k.pvalue)
DISTANCE_METHODS = tuple(n for n, k in KERNELS.items() if not k.pvalue)
