"""Has the relation between a classifier's scores and its outcomes changed? Logistic
recalibration of reference and current, compared by a likelihood-ratio test.

Each sample's outcomes are modelled as ``logit P(y = 1) = a + b * logit(p)`` (Cox 1958's
recalibration: ``a`` is calibration-in-the-large, ``b`` the calibration slope; a calibrated
model has ``a = 0, b = 1``). The null hypothesis is that both samples share ``(a, b)``: the
score means the same thing in both, whatever the distribution of the features (covariate shift
moves the scores, not their meaning). The alternative gives each sample its own ``(a, b)``. The
likelihood-ratio statistic ``2 (ll_reference + ll_current - ll_pooled)`` is referred to a
chi-square with 2 degrees of freedom (Wilks 1938); it equals the test of the period and
period-by-score terms in one pooled logistic regression, which is how the tests check it against
``statsmodels``.

The effect size is the mean absolute change of the recalibrated probability over the current
scores, ``mean |expit(a_c + b_c l) - expit(a_r + b_r l)|``: how far, in probability, the outcome
rate for the same score has moved (0 when nothing changed). Its noise scale ``shift_se`` is the
mean, over the current scores, of the delta-method standard error of that change (the two fits'
covariances, the inverse Fisher information, at the pooled curve's slope): a mean absolute
difference of two noisy curves is above zero even without a change, and ``shift_se`` says how
far above zero noise alone takes it, and how small a change the samples can confirm.

numpy and scipy only; the fits are Newton-Raphson with step halving.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["ConceptChange", "Recalibration", "logistic_recalibration", "recalibration_change", "score_logit"]

#: Probabilities are clipped to [EPS, 1 - EPS] before the logit (a score of exactly 0 or 1
#: would otherwise have an infinite logit).
EPS = 1e-6


@dataclass(frozen=True)
class Recalibration:
    """``logit P(y = 1) = intercept + slope * logit(p)`` fitted on one sample."""

    intercept: float
    slope: float
    loglik: float
    n: int
    converged: bool
    covariance: tuple[tuple[float, float], tuple[float, float]]  # of (intercept, slope): inverse information


@dataclass(frozen=True)
class ConceptChange:
    """The likelihood-ratio test of one shared recalibration against one per sample."""

    statistic: float
    pvalue: float
    df: int
    reference: Recalibration
    current: Recalibration
    pooled: Recalibration
    shift: float  # mean |change of the recalibrated probability| over the current scores
    shift_se: float  # mean standard error of that change (delta method), its noise scale
    observed_minus_expected_reference: float
    observed_minus_expected_current: float


def score_logit(p: np.ndarray) -> np.ndarray:
    """``log(p / (1 - p))`` of probabilities clipped to ``[EPS, 1 - EPS]``.

    >>> score_logit(np.array([0.5, 0.0])).round(3).tolist()
    [0.0, -13.816]
    """
    q = np.clip(np.asarray(p, dtype=np.float64), EPS, 1.0 - EPS)
    return np.log(q) - np.log1p(-q)


def _loglik(eta: np.ndarray, y: np.ndarray) -> float:
    # y * eta - log(1 + exp(eta)), stably
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _fit(
    x: np.ndarray, y: np.ndarray, max_iter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, float, bool, np.ndarray]:
    """Maximum likelihood logistic regression of ``y`` on the design ``x`` (with its own
    intercept column). Converged when the log-likelihood stops improving (relative change
    below ``tol``): under separation the coefficients grow without bound but the likelihood
    settles, and the likelihood is all the test needs."""
    from scipy.special import expit

    beta = np.zeros(x.shape[1])
    ll = _loglik(x @ beta, y)
    converged = False
    for _ in range(max_iter):
        eta = x @ beta
        mu = expit(eta)
        w = mu * (1.0 - mu)
        grad = x.T @ (y - mu)
        hess = (x * w[:, None]).T @ x
        step = np.linalg.lstsq(hess + 1e-12 * np.eye(x.shape[1]), grad, rcond=None)[0]
        t = 1.0
        while True:
            cand = beta + t * step
            ll_new = _loglik(x @ cand, y)
            if ll_new >= ll - 1e-12 or t < 1e-8:
                break
            t /= 2.0
        improvement = ll_new - ll
        beta, ll = cand, ll_new
        if abs(improvement) <= tol * (1.0 + abs(ll)):
            converged = True
            break
    mu = expit(x @ beta)
    info = (x * (mu * (1.0 - mu))[:, None]).T @ x
    return beta, ll, converged, np.linalg.pinv(info)


def logistic_recalibration(p: np.ndarray, y: np.ndarray) -> Recalibration:
    """Fit ``logit P(y = 1) = a + b * logit(p)`` on one sample.

    Parameters
    ----------
    p : ndarray of float
        Predicted probabilities of the positive class, in [0, 1].
    y : ndarray
        Outcomes, 0/1.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 20_000)
    >>> y = (rng.random(20_000) < p).astype(int)
    >>> fit = logistic_recalibration(p, y)
    >>> abs(fit.intercept) < 0.05, abs(fit.slope - 1) < 0.05
    (True, True)
    """
    yy = np.asarray(y, dtype=np.float64)
    lp = score_logit(p)
    if yy.shape != lp.shape or yy.ndim != 1 or yy.size == 0:
        raise ValueError("p and y must be non-empty 1-d arrays of the same length")
    if np.unique(lp).size < 2:
        raise ValueError("the scores take a single value: the calibration slope is undefined")
    x = np.column_stack([np.ones_like(lp), lp])
    beta, ll, ok, cov = _fit(x, yy)
    covariance = ((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1])))
    return Recalibration(float(beta[0]), float(beta[1]), ll, int(yy.size), ok, covariance)


def recalibration_change(
    p_reference: np.ndarray, y_reference: np.ndarray, p_current: np.ndarray, y_current: np.ndarray
) -> ConceptChange:
    """Likelihood-ratio test that reference and current share one logistic recalibration.

    Parameters
    ----------
    p_reference, p_current : ndarray of float
        Predicted probabilities of the positive class, in [0, 1].
    y_reference, y_current : ndarray
        Outcomes, 0/1.

    Returns
    -------
    ConceptChange
        ``statistic`` (chi-square, 2 df), ``pvalue``, the three fits, ``shift`` and each
        sample's observed minus expected positive rate.

    Raises
    ------
    ValueError
        Empty samples, or scores that take a single value on a side.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> p_ref, p_cur = rng.uniform(0.05, 0.95, 4000), rng.uniform(0.3, 0.95, 4000)
    >>> same = recalibration_change(p_ref, rng.random(4000) < p_ref, p_cur, rng.random(4000) < p_cur)
    >>> bool(same.pvalue > 0.01), round(same.shift, 2) <= 0.02
    (True, True)
    >>> flipped = recalibration_change(p_ref, rng.random(4000) < p_ref, p_cur, rng.random(4000) < 1 - p_cur)
    >>> bool(flipped.pvalue < 1e-6), bool(flipped.shift > 0.2)
    (True, True)
    """
    from scipy import stats
    from scipy.special import expit

    ref = logistic_recalibration(p_reference, y_reference)
    cur = logistic_recalibration(p_current, y_current)
    p_all = np.concatenate(
        [np.asarray(p_reference, dtype=np.float64), np.asarray(p_current, dtype=np.float64)]
    )
    y_all = np.concatenate(
        [np.asarray(y_reference, dtype=np.float64), np.asarray(y_current, dtype=np.float64)]
    )
    pooled = logistic_recalibration(p_all, y_all)
    lr = max(0.0, 2.0 * (ref.loglik + cur.loglik - pooled.loglik))
    pvalue = float(stats.chi2.sf(lr, 2))
    lc = score_logit(p_current)
    shift = float(
        np.mean(np.abs(expit(cur.intercept + cur.slope * lc) - expit(ref.intercept + ref.slope * lc)))
    )
    # delta method: var of the difference of the two fitted logits at each current score,
    # times the slope of the logistic curve there (at the pooled fit)
    cov = np.asarray(ref.covariance) + np.asarray(cur.covariance)
    var_eta = cov[0, 0] + 2.0 * cov[0, 1] * lc + cov[1, 1] * lc * lc
    p_pool = expit(pooled.intercept + pooled.slope * lc)
    shift_se = float(np.mean(p_pool * (1.0 - p_pool) * np.sqrt(np.maximum(var_eta, 0.0))))
    oe_ref = float(np.mean(y_reference) - np.mean(p_reference))
    oe_cur = float(np.mean(y_current) - np.mean(p_current))
    return ConceptChange(
        statistic=float(lr),
        pvalue=pvalue if math.isfinite(pvalue) else float("nan"),
        df=2,
        reference=ref,
        current=cur,
        pooled=pooled,
        shift=shift,
        shift_se=shift_se,
        observed_minus_expected_reference=oe_ref,
        observed_minus_expected_current=oe_cur,
    )
