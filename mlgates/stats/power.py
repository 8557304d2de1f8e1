"""Power and detectable effects: what a test could have detected with the samples at hand.

Pure kernels shared by the gate families, so that "not enough data" reads the same everywhere:

- :func:`minimum_detectable_effect` and :func:`power_at`: a two-sided level-``alpha`` z-test of a
  difference with standard error ``se`` (performance: McNemar, DeLong, bootstrap);
- :func:`detectable_share_difference`: the change of a share a two-proportion z-test could
  detect between samples of two sizes (drift's ``z``/``fisher_exact`` columns; fairness: the
  rate difference two groups could resolve);
- :func:`detectable_ks_distance`: the KS distance a two-sample KS test could detect (drift).

At ``power=0.5`` the detectable effect is the critical difference itself: an observed effect
beyond it is significant. Drift and fairness report that one (``power=0.5``, their default
here); the performance gates use their ``power`` parameter (default 0.8).

Normal quantiles come from :func:`scipy.special.ndtri` (imported on use).
"""

from __future__ import annotations

import math

__all__ = [
    "detectable_ks_distance",
    "detectable_share_difference",
    "minimum_detectable_effect",
    "power_at",
    "proportion_difference_se",
]


def _z(p: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(p))


def minimum_detectable_effect(se: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest true difference a two-sided level-``alpha`` test detects with probability ``power``.

    Normal approximation: ``MDE = (z_{1 - alpha/2} + z_{power}) * se``, where ``se`` is the
    standard error of the estimated difference (McNemar's paired-proportion standard error,
    DeLong's variance, or the standard deviation of the bootstrap distribution). The chance of
    rejecting in the wrong direction is left out (at the usual levels it is below 1e-5).
    ``power=0.5`` gives the critical difference ``z_{1 - alpha/2} * se``.

    Examples
    --------
    >>> round(minimum_detectable_effect(0.01), 4)
    0.028
    >>> round(minimum_detectable_effect(0.01, power=0.5), 4)
    0.0196
    """
    return float((_z(1 - alpha / 2) + _z(power)) * se)


def power_at(effect: float, se: float, *, alpha: float = 0.05) -> float:
    """Probability that a two-sided level-``alpha`` z-test detects a true difference ``effect``.

    Both rejection regions count (as in ``statsmodels.stats.power.normal_power``); with
    ``se <= 0`` the test is certain: power 1 for a non-zero effect, ``alpha`` otherwise.

    Examples
    --------
    >>> round(power_at(0.028, 0.01), 2)
    0.8
    """
    from scipy.special import ndtr

    if se <= 0:
        return 1.0 if effect != 0 else float(alpha)
    z = _z(1 - alpha / 2)
    shift = abs(effect) / se
    return float(ndtr(-(z - shift)) + ndtr(-z - shift))


def proportion_difference_se(n_ref: float, n_cur: float, share: float = 0.5) -> float:
    """Standard error of the difference of two independent shares of sizes ``n_ref`` and
    ``n_cur`` at a common ``share``: ``sqrt(share (1 - share) (1/n_ref + 1/n_cur))``.

    ``share=0.5`` (the default) is the widest case. Sizes must be positive.

    Examples
    --------
    >>> proportion_difference_se(100, 100)
    0.07071067811865475
    """
    return math.sqrt(share * (1 - share) * (1 / n_ref + 1 / n_cur))


def detectable_share_difference(
    n_ref: float, n_cur: float, alpha: float = 0.05, *, power: float = 0.5
) -> float:
    """Smallest change of a share (at 50%, the widest case) that a two-sided two-proportion
    z-test at ``alpha`` detects with samples of ``n_ref`` and ``n_cur`` rows:
    ``z_(1-alpha/2) * sqrt(0.25 (1/n_ref + 1/n_cur))`` at the default ``power=0.5`` (the
    critical difference), ``inf`` when a sample is empty.

    Examples
    --------
    >>> round(detectable_share_difference(1000, 1000), 4)
    0.0438
    >>> detectable_share_difference(0, 10)
    inf
    """
    if n_ref <= 0 or n_cur <= 0:
        return math.inf
    return minimum_detectable_effect(proportion_difference_se(n_ref, n_cur), alpha=alpha, power=power)


def detectable_ks_distance(n_ref: float, n_cur: float, alpha: float = 0.05) -> float:
    """Smallest KS distance a two-sample KS test at ``alpha`` can detect with these sizes: the
    asymptotic critical value ``sqrt(-ln(alpha/2) / 2) * sqrt((n_ref + n_cur) / (n_ref n_cur))``
    (the leading term of the Kolmogorov distribution's tail, ``scipy.stats.kstwobign``), ``inf``
    when a sample is empty.

    Examples
    --------
    >>> round(detectable_ks_distance(100, 100), 4)
    0.1921
    >>> detectable_ks_distance(5, 0)
    inf
    """
    if n_ref <= 0 or n_cur <= 0:
        return math.inf
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n_ref + n_cur) / (n_ref * n_cur))
