"""ROC AUC from score histograms on fixed bins: mergeable, with a stated approximation bound.

Scores are counted, per class, in bins fixed before any data is seen (``edges``): bin ``0`` is
``(-inf, edges[0])``, bin ``i`` is ``[edges[i-1], edges[i])``, the last ``[edges[-1], inf)``.
Each bin also keeps the smallest and largest score it has seen. Counting a chunk is two
``np.bincount`` calls; two histograms merge by adding counts and taking the min / max, so any
chunking gives the same histogram as one pass.

The AUC is the probability that a random positive scores above a random negative (ties count
half). Pairs in different bins are ordered by their bins exactly; only pairs of a positive and
a negative in the same bin are unknown, and :func:`histogram_auc` counts them half. So with
``P``, ``N`` the (weighted) numbers of positives and negatives and ``p_b``, ``n_b`` those of
bin ``b``, the exact AUC lies within

    bound = sum over bins b whose scores are not all equal of p_b n_b / (2 P N)

of the returned value (a bin whose smallest and largest score are equal holds ties only, which
count half exactly). The bound is 0, and the AUC exact, when no bin holds two distinct scores
(scores with few distinct values, or bins finer than the gaps between them). The
:func:`sklearn.metrics.roc_auc_score` of the rows lies within the bound (checked in the tests).

Examples
--------
>>> import numpy as np
>>> y = np.array([0, 0, 1, 1, 0, 1])
>>> s = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
>>> h = score_histogram(y, s, np.linspace(0, 1, 11))
>>> auc, bound = histogram_auc(h)
>>> round(auc, 4), bound
(0.8889, 0.0)
>>> h2 = score_histogram(y, s, np.array([0.0, 0.5, 1.0]))  # two bins: the true AUC is within
>>> auc2, bound2 = histogram_auc(h2)
>>> round(auc2, 4), round(bound2, 4), abs(auc2 - 0.8889) <= bound2
(0.8333, 0.1667, True)
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["ScoreHistogram", "histogram_auc", "score_histogram", "uniform_edges"]


def uniform_edges(n_bins: int, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """``n_bins`` equal-width bins over ``[low, high]`` (for probabilities: ``[0, 1]``)."""
    if n_bins < 1 or not low < high:
        raise ValueError(f"uniform_edges needs n_bins >= 1 and low < high; got {n_bins}, {low}, {high}")
    return np.linspace(low, high, n_bins + 1)


@dataclasses.dataclass(frozen=True, eq=False)
class ScoreHistogram:
    """Per-bin counts of negatives and positives (rows and weights) with the bins' score range.

    Arrays have ``len(edges) + 1`` entries (the two outer bins included); ``low``/``high`` are
    ``inf``/``-inf`` for an empty bin.
    """

    edges: np.ndarray
    negative_rows: np.ndarray
    positive_rows: np.ndarray
    negatives: np.ndarray
    positives: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def n_rows(self) -> int:
        return int(self.negative_rows.sum() + self.positive_rows.sum())

    def merge(self, other: ScoreHistogram) -> ScoreHistogram:
        """The histogram of both (disjoint) sets of rows; associative and commutative.
        Raises ValueError on different edges."""
        if self.edges.shape != other.edges.shape or not np.array_equal(self.edges, other.edges):
            raise ValueError("cannot merge score histograms on different edges")
        return ScoreHistogram(
            self.edges,
            self.negative_rows + other.negative_rows,
            self.positive_rows + other.positive_rows,
            self.negatives + other.negatives,
            self.positives + other.positives,
            np.minimum(self.low, other.low),
            np.maximum(self.high, other.high),
        )

    @classmethod
    def empty(cls, edges: np.ndarray) -> ScoreHistogram:
        edges = np.asarray(edges, dtype=float)
        m = len(edges) + 1
        zi, zf = np.zeros(m, dtype=np.int64), np.zeros(m)
        return cls(edges, zi, zi.copy(), zf, zf.copy(), np.full(m, np.inf), np.full(m, -np.inf))


def score_histogram(
    y: np.ndarray, score: np.ndarray, edges: np.ndarray, sample_weight: np.ndarray | None = None
) -> ScoreHistogram:
    """Count one chunk's scores per class on fixed ``edges`` (strictly increasing).

    Parameters
    ----------
    y : ndarray of {0, 1}
        Binary labels (1 = positive).
    score : ndarray of float
        Finite scores (higher = more positive).
    edges : ndarray
        Bin edges, fixed in advance (the same for every chunk).
    sample_weight : ndarray, optional
        Non-negative row weights (``negatives`` / ``positives`` are then sums of weights).
    """
    edges = np.asarray(edges, dtype=float)
    if edges.ndim != 1 or len(edges) < 1 or np.any(np.diff(edges) <= 0):
        raise ValueError("edges must be a strictly increasing 1-d array")
    y = np.asarray(y).astype(bool, copy=False)
    s = np.asarray(score, dtype=float)
    m = len(edges) + 1
    bins = np.searchsorted(edges, s, side="right")
    neg_rows = np.bincount(bins[~y], minlength=m)
    pos_rows = np.bincount(bins[y], minlength=m)
    if sample_weight is None:
        neg, pos = neg_rows.astype(float), pos_rows.astype(float)
    else:
        w = np.asarray(sample_weight, dtype=float)
        neg = np.bincount(bins[~y], weights=w[~y], minlength=m)
        pos = np.bincount(bins[y], weights=w[y], minlength=m)
    low = np.full(m, np.inf)
    high = np.full(m, -np.inf)
    np.minimum.at(low, bins, s)
    np.maximum.at(high, bins, s)
    return ScoreHistogram(edges, neg_rows, pos_rows, neg, pos, low, high)


def histogram_auc(hist: ScoreHistogram) -> tuple[float, float]:
    """ROC AUC from a score histogram and the bound on its error (see the module).

    Returns ``(auc, bound)``: the exact AUC of the rows lies in ``[auc - bound, auc + bound]``.
    Both are NaN without positives or without negatives.
    """
    neg, pos = hist.negatives, hist.positives
    total_pos, total_neg = float(pos.sum()), float(neg.sum())
    if total_pos <= 0 or total_neg <= 0:
        return math.nan, math.nan
    below = np.cumsum(neg) - neg  # negatives in lower bins
    same = pos * neg
    pairs = total_pos * total_neg
    auc = float((np.sum(pos * below) + 0.5 * np.sum(same)) / pairs)
    mixed = hist.high > hist.low  # bins with at least two distinct scores
    bound = float(0.5 * np.sum(same[mixed]) / pairs)
    return min(1.0, max(0.0, auc)), bound
