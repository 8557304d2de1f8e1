"""Anytime-valid confidence sequences for the mean of a bounded stream, and the fixed-sample
bounds that pair them with a reference.

:func:`eb_update` carries the **predictable plug-in empirical-Bernstein confidence sequence**
of Waudby-Smith & Ramdas (2024, "Estimating means of bounded random variables by betting",
JRSS-B 86(1), Theorem 2) over a stream of values in ``[0, 1]`` with a common conditional mean
``mu``: with probability at least ``1 - alpha``, ``mu`` lies in *every* interval ``C_t`` at
once (``P(exists t: mu not in C_t) <= alpha``), so the stream can be looked at after every row
or every batch, for ever, without inflating the false-alarm rate. The running intersection of
the intervals is valid too. The state is a handful of running sums (:class:`EBState`), so the
sequence continues across processes from a small file.

With ``lambda_t = min(sqrt(2 log(2/alpha) / (sigma2_{t-1} t log(1 + t))), c)``,
``v_t = 4 (x_t - mu_{t-1})^2`` and ``psi(l) = (-log(1 - l) - l) / 4``::

    C_t = sum(lambda_i x_i) / sum(lambda_i)  +-  (log(2/alpha) + sum(v_i psi(lambda_i))) / sum(lambda_i)

where ``mu_t = (1/2 + sum x_i) / (t + 1)`` and ``sigma2_t = (1/4 + sum (x_i - mu_i)^2) / (t + 1)``.

:func:`bernstein_margin` and :func:`empirical_bernstein_margin` bound a fixed sample's mean
(the reference's), for the other half of a two-sample comparison.

Examples
--------
>>> import numpy as np
>>> x = np.random.default_rng(0).uniform(size=2000)
>>> state = eb_update(EBState(), x, alpha=0.05)
>>> lo, hi = eb_interval(state, alpha=0.05)
>>> bool(lo < 0.5 < hi), round(hi - lo, 3)
(True, 0.045)
>>> later = eb_update(eb_update(EBState(), x[:700], alpha=0.05), x[700:], alpha=0.05)
>>> np.allclose(later.sums(), state.sums())  # batches continue the same sequence
True
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = [
    "EBState",
    "bernstein_margin",
    "eb_interval",
    "eb_latest",
    "eb_update",
    "empirical_bernstein_margin",
]

#: Largest bet (Waudby-Smith & Ramdas suggest 1/2 or 3/4).
MAX_BET = 0.5


@dataclass(frozen=True)
class EBState:
    """Running sums of the empirical-Bernstein confidence sequence after ``n`` values.

    ``sum_x`` and ``sum_sq`` feed the predictable mean and variance estimates; ``sum_lambda``,
    ``sum_lambda_x`` and ``sum_penalty`` (``sum v_i psi(lambda_i)``) the interval; ``lower``
    and ``upper`` are the running intersection of the intervals so far.
    """

    n: int = 0
    sum_x: float = 0.0
    sum_sq: float = 0.0
    sum_lambda: float = 0.0
    sum_lambda_x: float = 0.0
    sum_penalty: float = 0.0
    lower: float = 0.0
    upper: float = 1.0

    def sums(self) -> tuple[float, ...]:
        """Every field as a tuple (for comparisons)."""
        return tuple(float(v) for v in asdict(self).values())

    def to_dict(self) -> dict[str, float]:
        """Plain data (JSON)."""
        return {k: (int(v) if k == "n" else float(v)) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> EBState:
        """Inverse of :meth:`to_dict`; raises ValueError on a malformed mapping."""
        try:
            values = {k: float(data[k]) for k in asdict(cls()) if k != "n"}
            state = cls(n=int(data["n"]), **values)  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a confidence-sequence state: {exc}") from None
        # lower > upper is a valid state: the running intersection is empty after the mean moved
        if state.n < 0 or not (0.0 <= state.lower <= 1.0 and 0.0 <= state.upper <= 1.0):
            raise ValueError("not a confidence-sequence state: counts or bounds out of range")
        return state


def _psi(lam: np.ndarray) -> np.ndarray:
    return (-np.log1p(-lam) - lam) / 4.0


def eb_update(state: EBState, x: np.ndarray, *, alpha: float) -> EBState:
    """Continue the sequence with the values ``x`` (in ``[0, 1]``, in stream order).

    Vectorized: the predictable estimates of row ``t`` use rows ``< t`` only, exactly as a
    row-by-row loop would.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-d, got shape {x.shape}")
    if x.size and (not np.all(np.isfinite(x)) or x.min() < 0.0 or x.max() > 1.0):
        raise ValueError("values must be finite and lie in [0, 1]")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if x.size == 0:
        return state
    n0 = state.n
    t = n0 + np.arange(1, x.size + 1, dtype=float)  # 1-based index of each row
    csum = state.sum_x + np.cumsum(x)
    mu_t = (0.5 + csum) / (t + 1.0)  # mu-hat after row t
    mu_prev = np.r_[(0.5 + state.sum_x) / (n0 + 1.0), mu_t[:-1]]  # mu-hat after row t-1
    sq = state.sum_sq + np.cumsum((x - mu_t) ** 2)
    sig_prev = np.r_[(0.25 + state.sum_sq) / (n0 + 1.0), ((0.25 + sq) / (t + 1.0))[:-1]]
    log_term = math.log(2.0 / alpha)
    lam = np.minimum(np.sqrt(2.0 * log_term / (sig_prev * t * np.log1p(t))), MAX_BET)
    v = 4.0 * (x - mu_prev) ** 2
    s_lam = state.sum_lambda + np.cumsum(lam)
    s_lx = state.sum_lambda_x + np.cumsum(lam * x)
    s_pen = state.sum_penalty + np.cumsum(v * _psi(lam))
    centre = s_lx / s_lam
    margin = (log_term + s_pen) / s_lam
    lower = max(state.lower, float(np.max(centre - margin)))
    upper = min(state.upper, float(np.min(centre + margin)))
    return EBState(
        n=n0 + int(x.size),
        sum_x=float(csum[-1]),
        sum_sq=float(sq[-1]),
        sum_lambda=float(s_lam[-1]),
        sum_lambda_x=float(s_lx[-1]),
        sum_penalty=float(s_pen[-1]),
        lower=min(max(lower, 0.0), 1.0),
        upper=max(min(upper, 1.0), 0.0),
    )


def eb_interval(state: EBState, *, alpha: float) -> tuple[float, float]:
    """The running intersection of the intervals so far (``(0, 1)`` before any value): ``lower``
    is the largest lower end of any ``C_t``, ``upper`` the smallest upper end, so "the
    intersection lies above ``b``" means "some ``C_t`` lay above ``b``".

    An empty intersection (lower > upper, possible only when the mean moved or the
    guarantee's ``alpha`` chance came true) is returned as it is: it excludes every mean.
    """
    return state.lower, state.upper


def eb_latest(state: EBState, *, alpha: float) -> tuple[float, float]:
    """The latest interval ``C_n`` alone (clipped to [0, 1]); ``(0, 1)`` before any value.

    The running intersection (:func:`eb_interval`) is narrower; a mean that moved can leave it
    empty, while ``C_n`` always reads as an interval around the recent weighted mean.
    """
    if state.n == 0 or state.sum_lambda <= 0:
        return 0.0, 1.0
    centre = state.sum_lambda_x / state.sum_lambda
    margin = (math.log(2.0 / alpha) + state.sum_penalty) / state.sum_lambda
    return max(centre - margin, 0.0), min(centre + margin, 1.0)


def bernstein_margin(n: int, *, alpha: float, variance: float, bound: float) -> float:
    """Half-width of a two-sided Bernstein bound on the mean of ``n`` i.i.d. values with known
    ``variance`` and ``|x - mean| <= bound``: ``P(|mean_n - mean| >= margin) <= alpha``.

    Solves ``alpha = 2 exp(-n e^2 / (2 variance + 2 bound e / 3))`` for ``e``.

    Examples
    --------
    >>> round(bernstein_margin(1000, alpha=0.05, variance=1 / 12, bound=0.5), 4)
    0.0253
    """
    if n <= 0:
        return math.inf
    ell = math.log(2.0 / alpha)
    a = bound * ell / (3.0 * n)
    return a + math.sqrt(a * a + 2.0 * variance * ell / n)


def empirical_bernstein_margin(x: np.ndarray, *, alpha: float) -> float:
    """Half-width of the two-sided empirical-Bernstein bound of Maurer & Pontil (2009, Theorem 4)
    on the mean of i.i.d. values in ``[0, 1]``: each side at level ``alpha / 2``,
    ``sqrt(2 V log(4/alpha) / n) + 7 log(4/alpha) / (3 (n - 1))`` with ``V`` the sample variance.

    Examples
    --------
    >>> x = np.r_[np.zeros(900), np.ones(100)]
    >>> round(empirical_bernstein_margin(x, alpha=0.05), 4)
    0.0383
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 2:
        return math.inf
    ell = math.log(4.0 / alpha)
    var = float(x.var(ddof=1))
    return math.sqrt(2.0 * var * ell / n) + 7.0 * ell / (3.0 * (n - 1))
