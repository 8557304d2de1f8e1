"""Performance estimated without labels from calibrated probabilities: the kernels.

A classifier whose probabilities are calibrated says, for each row, how likely the label is
positive. Given those probabilities and the predicted labels, the confusion counts of a batch
are sums of independent Bernoulli variables, so their expectation (and the metric's) follows
without a single label (confidence-based performance estimation, CBPE; Kivimaki et al. 2023,
the method NannyML ships). The probabilities come from a calibration map fitted on labelled
``reference`` rows: isotonic (PAV) or sigmoid (Platt scaling on the logit of the score).

Everything here works on *groups of rows that share one calibrated probability*: the bins of the
reference scores on which the map is a step function (or single rows when the raw scores are used
as they are). A group carries its counts of predicted positives and negatives and the sums of the
midranks (and squared midranks) of its rows among all current rows, which is all that the
expected confusion counts, the expected ROC AUC and their normal approximations need. So one
estimate over a million rows costs one pass to build the groups, then O(groups) per calibration
bootstrap.

The interval of an estimate is a prediction interval for the metric the batch will show once its
labels arrive: labels are drawn from the calibrated probabilities (sampling error), under maps
refitted on bootstrap resamples of the reference (calibration uncertainty); its quantiles are
the interval.

References
----------
Zadrozny, B. and Elkan, C. (2002). Transforming classifier scores into accurate multiclass
probability estimates. KDD.
Oron, A. P. and Flournoy, N. (2017). Centered isotonic regression: point and interval
estimation for dose-response studies. Statistics in Biopharmaceutical Research 9(3).
Platt, J. (1999). Probabilistic outputs for support vector machines. Advances in Large Margin
Classifiers.
Naeini, M. P., Cooper, G. and Hauskrecht, M. (2015). Obtaining well calibrated probabilities
using Bayesian binning. AAAI.
Kivimaki, J., Bialek, J., Nurminen, J. K. and Kuberski, W. (2023). Confidence-based performance
estimation (the CBPE paper, NannyML).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CALIBRATION_METHODS",
    "LABEL_FREE_METRICS",
    "CurrentGroups",
    "ScoreBins",
    "crossfit_ece",
    "ece_groups",
    "ece_null_quantile",
    "expected_metric",
    "fit_calibration",
    "group_current",
    "grouped_ece",
    "metric_from_counts",
    "outside_share_bound",
    "score_bins",
    "simulate_metric",
]

#: Calibration maps: ``"none"`` (the scores are the probabilities), isotonic, sigmoid.
CALIBRATION_METHODS = ("none", "isotonic", "sigmoid")
#: Metrics the classification estimator knows.
LABEL_FREE_METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
#: Most reference bins the calibration maps are fitted on.
MAX_BINS = 2000
_EPS = 1e-15


# -- reference bins -----------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ScoreBins:
    """Bins of the reference scores: ``bin = searchsorted(edges, score, side)``; ``centers`` the
    mean reference score of each bin, ``features`` the mean of the sigmoid map's feature (the
    logit of a probability, else the score); ``probability`` whether every score lies in [0, 1]."""

    edges: np.ndarray
    centers: np.ndarray
    side: str
    probability: bool
    features: np.ndarray

    @property
    def k(self) -> int:
        return int(self.centers.size)

    def index(self, scores: np.ndarray) -> np.ndarray:
        """The bin of each score (scores beyond the reference fall into the end bins)."""
        return np.searchsorted(self.edges, scores, side=self.side)  # type: ignore[call-overload,no-any-return]


def score_bins(scores: np.ndarray, max_bins: int = MAX_BINS, min_rows: int = 1) -> ScoreBins:
    """Bins of the reference ``scores``: one per distinct value when there are at most
    ``max_bins`` of them (then the maps are exactly those fitted on the rows), else
    ``max_bins`` quantile bins.

    Examples
    --------
    >>> import numpy as np
    >>> b = score_bins(np.array([0.1, 0.1, 0.4, 0.9]))
    >>> b.centers.tolist(), b.index(np.array([0.1, 0.5, 0.95])).tolist()
    ([0.1, 0.4, 0.9], [0, 1, 2])
    """
    s = np.asarray(scores, dtype=float)
    probability = bool(s.size and s.min() >= 0 and s.max() <= 1)
    distinct = np.unique(s)
    max_bins = max(2, min(max_bins, s.size // max(min_rows, 1)))
    if distinct.size <= max_bins:
        edges = (distinct[:-1] + distinct[1:]) / 2
        return ScoreBins(edges, distinct, "left", probability, _feature(distinct, probability))
    edges = np.unique(np.quantile(s, np.linspace(0, 1, max_bins + 1)[1:-1]))
    ids = np.searchsorted(edges, s, side="right")
    k = edges.size + 1
    count = np.bincount(ids, minlength=k)
    filled = count > 0
    lo = np.r_[edges[:1], edges]  # an empty bin (ties on an edge): its edge stands in for its mean
    out = []
    for values in (s, _feature(s, probability)):
        mean = np.empty(k)
        mean[filled] = np.bincount(ids, weights=values, minlength=k)[filled] / count[filled]
        mean[~filled] = _feature(lo[~filled], probability) if values is not s else lo[~filled]
        out.append(mean)
    return ScoreBins(edges, out[0], "right", probability, out[1])


# -- calibration maps ---------------------------------------------------------------------------
def _feature(x: np.ndarray, probability: bool) -> np.ndarray:
    if probability:
        p = np.clip(x, _EPS, 1 - _EPS)
        return np.log(p / (1 - p))  # type: ignore[no-any-return]
    return x


def _sigmoid_fit(z: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> tuple[float, float]:
    """Weighted logistic regression of the label on one feature (Newton's method, a tiny ridge
    on the slope so that separable data stays finite)."""
    w = pos + neg
    keep = w > 0
    z, pos, w = z[keep], pos[keep], w[keep]
    mu, sd = (
        float(np.average(z, weights=w)),
        float(math.sqrt(np.average((z - np.average(z, weights=w)) ** 2, weights=w))),
    )
    sd = sd if sd > 0 else 1.0
    u = (z - mu) / sd
    a, b = 1.0, math.log((pos.sum() + 0.5) / (w.sum() - pos.sum() + 0.5))
    ridge = 1e-6 * w.sum()
    for _ in range(50):
        eta = np.clip(a * u + b, -35, 35)
        p = 1 / (1 + np.exp(-eta))
        r = pos - w * p
        h = w * p * (1 - p)
        g = np.array([np.dot(r, u) - ridge * a, r.sum()])
        hess = np.array([[np.dot(h, u * u) + ridge, np.dot(h, u)], [np.dot(h, u), h.sum() + 1e-12]])
        try:
            step = np.linalg.solve(hess, g)
        except np.linalg.LinAlgError:
            break
        a, b = a + float(step[0]), b + float(step[1])
        if abs(step).max() < 1e-10:
            break
    return a / sd, b - a * mu / sd


def fit_calibration(
    method: str, bins: ScoreBins, pos: np.ndarray, neg: np.ndarray, at: np.ndarray | None = None
) -> np.ndarray:
    """A calibration map fitted on the positives and negatives of each reference bin,
    evaluated at the bin centers (or at the scores ``at``).

    ``"isotonic"``: the weighted pool-adjacent-violators fit of the bins' positive rates
    (:class:`sklearn.isotonic.IsotonicRegression`), interpolated linearly between the centers
    of mass of its blocks (centered isotonic regression, Oron and Flournoy 2017: less biased at
    the ends than the step function) and flat beyond the first and last; ``"sigmoid"``:
    ``1 / (1 + exp(-(a f(s) + b)))`` with ``f`` the logit for probabilities (the score itself
    otherwise), by maximum likelihood; ``"none"``: the scores (clipped to [0, 1]).

    Examples
    --------
    >>> import numpy as np
    >>> b = score_bins(np.array([0.2, 0.4, 0.6, 0.8]))
    >>> q = fit_calibration("isotonic", b, np.array([0, 2, 1, 3.0]), np.array([2, 0, 1, 0.0]))
    >>> np.round(q, 3).tolist()  # blocks {0.2}: 0, {0.4, 0.6}: 0.75 (center 0.5), {0.8}: 1
    [0.0, 0.5, 0.833, 1.0]
    """
    x = bins.centers if at is None else np.asarray(at, dtype=float)
    if method == "none":
        return np.clip(x, 0.0, 1.0)  # type: ignore[no-any-return]
    w = pos + neg
    keep = w > 0
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        xs, ws = bins.centers[keep], w[keep]
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        fitted = iso.fit(xs, pos[keep] / ws, sample_weight=ws).predict(xs)
        # centered isotonic regression: interpolate between the blocks' centers of mass, not
        # their edges (the step function's end blocks are biased outwards)
        block = np.r_[0, np.cumsum(np.abs(np.diff(fitted)) > 1e-12)]
        bw = np.bincount(block, weights=ws)
        bx = np.bincount(block, weights=ws * xs) / bw
        by = np.bincount(block, weights=ws * fitted) / bw
        return np.interp(x, bx, by)  # type: ignore[no-any-return]
    if method == "sigmoid":
        a, b = _sigmoid_fit(bins.features, pos, neg)
        f = bins.features if at is None else _feature(x, bins.probability)
        eta = np.clip(a * f + b, -35, 35)
        return 1 / (1 + np.exp(-eta))  # type: ignore[no-any-return]
    raise ValueError(f"unknown calibration method {method!r}; use one of {CALIBRATION_METHODS}")


# -- calibration error ---------------------------------------------------------------------------
def ece_groups(scores: np.ndarray, edges: np.ndarray, decision_threshold: float) -> np.ndarray:
    """The calibration-error bin of each score: its quantile bin of the reference scores
    (``edges``, inner) crossed with its predicted label (``score >= decision_threshold``).

    A map must be calibrated across the whole score range and on both sides of the decision
    threshold: binning by the raw score (not by the calibrated probability) catches a map that
    is calibrated only on average, e.g. one that flattens a non-monotone relation into a
    constant, and the predicted label is the split every confusion count is taken on.

    >>> ece_groups(np.array([0.1, 0.45, 0.55, 0.9]), np.array([0.5]), 0.5).tolist()
    [0, 0, 3, 3]
    """
    s = np.asarray(scores, dtype=float)
    return 2 * np.searchsorted(edges, s, side="right") + (s >= decision_threshold)  # type: ignore[no-any-return]


def grouped_ece(groups: np.ndarray, q: np.ndarray, count: np.ndarray, pos: np.ndarray) -> float:
    """ECE over ``groups``: ``sum_g |positives_g - expected_g| / n``, for cells with probability
    ``q``, ``count`` rows and ``pos`` positives (Naeini, Cooper and Hauskrecht 2015, on the
    groups given).

    >>> grouped_ece(np.array([0, 1]), np.array([0.2, 0.8]), np.array([10.0, 10.0]), np.array([2.0, 6.0]))
    0.1
    """
    k = int(groups.max()) + 1 if groups.size else 0
    expected = np.bincount(groups, weights=count * q, minlength=k)
    observed = np.bincount(groups, weights=pos, minlength=k)
    total = count.sum()
    return float(np.abs(observed - expected).sum() / total) if total > 0 else math.nan


def crossfit_ece(
    method: str,
    bins: ScoreBins,
    ref_bin: np.ndarray,
    y: np.ndarray,
    folds: np.ndarray,
    bin_groups: np.ndarray,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold ECE of a calibration map: each fold's rows get the map fitted on the other
    folds; ``bin_groups`` is the ECE group of each reference bin (:func:`ece_groups` of its
    center). Returns ``(ece, q, count, group)`` for the cells (fold x reference bin) the ECE
    was computed on: their out-of-fold probability, rows and group.

    The ECE groups are taken within each fold (fold x ECE group), never pooled across folds:
    pooled, the out-of-fold residuals of a local map cancel (a map that returns each bin's
    positive rate on the other folds has a pooled residual of exactly zero in every bin, the
    jackknife identity), so a flexible map would look better calibrated than it is."""
    k = bins.k
    n_folds = int(folds.max()) + 1
    cell = folds * k + ref_bin
    count = np.bincount(cell, minlength=n_folds * k).astype(float).reshape(n_folds, k)
    pos = np.bincount(cell, weights=y.astype(float), minlength=n_folds * k).reshape(n_folds, k)
    neg = count - pos
    q = np.empty_like(count)
    for f in range(n_folds):
        q[f] = fit_calibration(method, bins, pos.sum(0) - pos[f], neg.sum(0) - neg[f])
    n_groups = int(bin_groups.max()) + 1 if bin_groups.size else 1
    groups = np.repeat(np.arange(n_folds) * n_groups, k) + np.tile(bin_groups, n_folds)
    q_flat, n_flat, pos_flat = q.ravel(), count.ravel(), pos.ravel()
    used = n_flat > 0
    ece = grouped_ece(groups[used], q_flat[used], n_flat[used], pos_flat[used])
    return ece, q_flat[used], n_flat[used], groups[used]


def ece_null_quantile(
    q: np.ndarray,
    count: np.ndarray,
    groups: np.ndarray,
    *,
    level: float = 0.999,
    n_sims: int = 2000,
    random_state: int | None = 0,
) -> float:
    """The ``level`` quantile of the ECE (:func:`grouped_ece`) that perfectly calibrated
    probabilities ``q`` show on cells of ``count`` rows: labels drawn from ``q``
    (``Binomial(count, q)`` per cell), the ECE computed ``n_sims`` times. A bound that
    calibrated scores at this sample size exceed with probability ``1 - level``. When every
    group's count of positives has a variance of at least 25, the groups' deviations are drawn
    from their normal approximation instead (the ECE is a sum of the groups' absolute
    deviations).

    >>> import numpy as np
    >>> round(ece_null_quantile(np.array([0.3, 0.7]), np.array([5000.0, 5000.0]), np.array([0, 1])), 3)
    0.014
    """
    rng = np.random.default_rng(random_state)
    k = int(groups.max()) + 1 if groups.size else 0
    total = count.sum()
    variance = np.bincount(groups, weights=count * q * (1 - q), minlength=k)
    present = np.bincount(groups, weights=count, minlength=k) > 0
    if variance[present].min(initial=np.inf) >= 25:  # every group's count is near-normal
        z = rng.standard_normal((n_sims, k))
        sims = (np.abs(z) * np.sqrt(variance)).sum(axis=1) / total
        return float(np.quantile(sims, level))
    order = np.argsort(groups, kind="stable")
    q, count, groups = q[order], count[order], groups[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    expected = np.add.reduceat(count * q, starts)
    sims = np.empty(n_sims)
    chunk = max(1, int(2_000_000 // max(q.size, 1)))
    n_int = np.round(count).astype(np.int64)
    for lo in range(0, n_sims, chunk):
        hi = min(n_sims, lo + chunk)
        pos = rng.binomial(n_int, q, size=(hi - lo, q.size)).astype(float)
        observed = np.add.reduceat(pos, starts, axis=1)
        sims[lo:hi] = np.abs(observed - expected).sum(axis=1) / total
    return float(np.quantile(sims, level))


# -- current rows, grouped by calibrated probability ----------------------------------------------
@dataclass(frozen=True, eq=False)
class CurrentGroups:
    """Current rows grouped so that rows of one group share one calibrated probability.

    ``n1``/``n0``: predicted positives/negatives per group; ``r1``/``r2``: sums of the rows'
    midranks (by score, among all current rows) and of their squares; ``group``: the group of
    each row, ``pred``/``ranks`` per row (kept for exact simulation on small batches).
    """

    n1: np.ndarray
    n0: np.ndarray
    r1: np.ndarray
    r2: np.ndarray
    n: int
    group: np.ndarray
    pred: np.ndarray
    ranks: np.ndarray | None

    @property
    def n_pos_pred(self) -> float:
        return float(self.n1.sum())

    @property
    def n_neg_pred(self) -> float:
        return float(self.n0.sum())


def group_current(
    group: np.ndarray, n_groups: int, pred: np.ndarray, scores: np.ndarray | None = None
) -> CurrentGroups:
    """Group current rows (``group`` per row, ``pred`` 0/1 per row); with ``scores``, also the
    rank sums the ROC AUC needs."""
    pred = np.asarray(pred, dtype=bool)
    n1 = np.bincount(group, weights=pred.astype(float), minlength=n_groups)
    n0 = np.bincount(group, minlength=n_groups).astype(float) - n1
    ranks = None
    r1: np.ndarray = np.zeros(n_groups)
    r2: np.ndarray = np.zeros(n_groups)
    if scores is not None:
        from scipy.stats import rankdata

        ranks = rankdata(scores)
        r1 = np.bincount(group, weights=ranks, minlength=n_groups)
        r2 = np.bincount(group, weights=ranks * ranks, minlength=n_groups)
    return CurrentGroups(n1, n0, r1, r2, int(group.size), group, pred, ranks)


def metric_from_counts(
    metric: str,
    tp: np.ndarray,
    fn: np.ndarray,
    g: CurrentGroups,
    s: np.ndarray | None = None,
    m: np.ndarray | None = None,
) -> np.ndarray:
    """A metric from true positives ``tp`` and false negatives ``fn`` (predicted positives and
    negatives are fixed by ``g``); ROC AUC from the rank sum ``s`` of the positives and their
    number ``m``. Undefined values (a zero denominator) are NaN.

    >>> import numpy as np
    >>> g = group_current(np.zeros(4, dtype=int), 1, np.array([1, 1, 0, 0]))
    >>> metric_from_counts("f1", np.array([1.0]), np.array([1.0]), g).tolist()
    [0.5]
    """
    tp, fn = np.asarray(tp, dtype=float), np.asarray(fn, dtype=float)
    n1, n0, n = g.n_pos_pred, g.n_neg_pred, g.n
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric == "accuracy":
            return (tp + n0 - fn) / n  # type: ignore[no-any-return]
        if metric == "precision":
            return tp / n1 if n1 > 0 else np.full(tp.shape, np.nan)
        if metric == "recall":
            return np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        if metric == "f1":
            return np.where(tp + n1 + fn > 0, 2 * tp / (tp + n1 + fn), np.nan)
        if metric == "roc_auc":
            assert s is not None and m is not None
            m = np.asarray(m, dtype=float)
            auc = (s - m * (m + 1) / 2) / (m * (n - m))
            return np.where((m > 0) & (m < n), np.clip(auc, 0.0, 1.0), np.nan)
    raise ValueError(f"unknown metric {metric!r}; use one of {LABEL_FREE_METRICS}")


def expected_metric(metric: str, q: np.ndarray, g: CurrentGroups) -> float:
    """The metric expected from calibrated probabilities ``q`` (one per group).

    Accuracy and precision are exact expectations; recall and F1 are ratios of expected counts
    (CBPE's estimator; their bias is of order 1/n); ROC AUC is the ratio of the expected
    Mann-Whitney numerator ``E[S] - E[m(m+1)/2]`` to ``E[m(n-m)]``, with ``S`` the rank sum of the
    positives and ``m`` their number, both exact.

    >>> import numpy as np
    >>> g = group_current(np.array([0, 1]), 2, np.array([0, 1]), scores=np.array([0.2, 0.9]))
    >>> expected_metric("accuracy", np.array([0.2, 0.9]), g)
    0.85
    """
    tp, fn = float(np.dot(g.n1, q)), float(np.dot(g.n0, q))
    if metric != "roc_auc":
        return float(metric_from_counts(metric, np.array([tp]), np.array([fn]), g)[0])
    v = q * (1 - q)
    mu = tp + fn
    var_m = float(np.dot(g.n1 + g.n0, v))
    es = float(np.dot(g.r1, q))
    e_m2 = var_m + mu * mu
    num = es - (e_m2 + mu) / 2
    den = g.n * mu - e_m2
    return float(np.clip(num / den, 0.0, 1.0)) if den > 0 else math.nan


def simulate_metric(
    metric: str,
    qs: np.ndarray,
    g: CurrentGroups,
    draws: int,
    rng: np.random.Generator,
    *,
    exact: bool,
) -> np.ndarray:
    """The metric on label sets drawn from each row of ``qs`` (maps x groups), ``draws`` per map.

    ``exact``: every row's label is drawn (Bernoulli); otherwise the counts are drawn from
    their normal approximation (the true positives and false negatives, or the positives' rank
    sum and number for ROC AUC, with the exact means, variances and covariance), which is
    accurate for the batch sizes it is used at.
    """
    out = []
    for q in np.atleast_2d(qs):
        if exact:
            qr = q[g.group]
            y = rng.random((draws, g.n)) < qr
            tp = (y & g.pred).sum(axis=1).astype(float)
            fn = (y & ~g.pred).sum(axis=1).astype(float)
            s = m = None
            if metric == "roc_auc":
                assert g.ranks is not None
                s = y.astype(float) @ g.ranks
                m = tp + fn
            out.append(metric_from_counts(metric, tp, fn, g, s, m))
            continue
        v = q * (1 - q)
        mu1, mu0 = float(np.dot(g.n1, q)), float(np.dot(g.n0, q))
        sd1, sd0 = math.sqrt(float(np.dot(g.n1, v))), math.sqrt(float(np.dot(g.n0, v)))
        if metric != "roc_auc":
            tp = np.clip(mu1 + sd1 * rng.standard_normal(draws), 0, g.n_pos_pred)
            fn = np.clip(mu0 + sd0 * rng.standard_normal(draws), 0, g.n_neg_pred)
            out.append(metric_from_counts(metric, tp, fn, g))
            continue
        mu_m, var_m = mu1 + mu0, sd1 * sd1 + sd0 * sd0
        mu_s, var_s, cov = float(np.dot(g.r1, q)), float(np.dot(g.r2, v)), float(np.dot(g.r1, v))
        z1, z2 = rng.standard_normal(draws), rng.standard_normal(draws)
        sd_m = math.sqrt(var_m)
        m = mu_m + sd_m * z1
        if sd_m > 0:
            beta = cov / var_m
            resid = math.sqrt(max(var_s - beta * cov, 0.0))
            s = mu_s + beta * (m - mu_m) + resid * z2
        else:
            s = np.full(draws, mu_s)
        m = np.clip(m, 0, g.n)
        out.append(metric_from_counts(metric, np.zeros(draws), np.zeros(draws), g, s, m))
    return np.concatenate(out) if out else np.zeros(0)


# -- support ---------------------------------------------------------------------------------------
def outside_share_bound(n_reference: int, n_sides: int, n_current: int, *, level: float = 0.999) -> float:
    """A share of current rows that samples from the reference's own distribution leave the
    reference's range by with probability at most ``1 - level``.

    For one side of one column the probability mass beyond the reference's extreme of
    ``n_reference`` values is ``Beta(1, n_reference)``, whose ``1 - a`` quantile is about
    ``-ln(a) / n_reference``; a union bound over ``n_sides`` (two per numeric column) at
    ``a = (1 - level) / n_sides`` bounds the mass outside, and a binomial margin for the
    ``n_current`` rows drawn from it is added (normal approximation, same level).

    >>> round(outside_share_bound(10_000, 2, 10_000), 4)
    0.0028
    """
    if n_sides <= 0 or n_reference <= 0:
        return 0.0
    a = (1 - level) / n_sides
    mass = min(1.0, n_sides * -math.log(a) / n_reference)
    from statistics import NormalDist

    z = NormalDist().inv_cdf(level)
    margin = z * math.sqrt(mass * (1 - mass) / max(n_current, 1)) + 1 / max(n_current, 1)
    return min(1.0, mass + margin)
