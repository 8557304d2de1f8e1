"""The label-free kernels against oracles: brute-force expectations and simulations, scikit-learn's
isotonic regression, logistic regression and metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from mlgates.stats.crossfit import cross_fit_predict, fold_ids
from mlgates.stats.label_free import (
    crossfit_ece,
    ece_groups,
    ece_null_quantile,
    expected_metric,
    fit_calibration,
    group_current,
    grouped_ece,
    metric_from_counts,
    outside_share_bound,
    score_bins,
    simulate_metric,
)
from mlgates.stats.loss_estimate import loss_calibration, loss_metric, row_loss

SKLEARN = {
    "accuracy": lambda y, s: accuracy_score(y, s >= 0.5),
    "precision": lambda y, s: precision_score(y, s >= 0.5, zero_division=0),
    "recall": lambda y, s: recall_score(y, s >= 0.5, zero_division=0),
    "f1": lambda y, s: f1_score(y, s >= 0.5, zero_division=0),
    "roc_auc": roc_auc_score,
}


def _rows(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    q = 1 / (1 + np.exp(-rng.normal(0, 2, n)))
    return q, q.copy()


@pytest.mark.parametrize("metric", sorted(SKLEARN))
def test_metric_from_counts_matches_sklearn_on_realized_labels(metric):
    rng = np.random.default_rng(3)
    s = rng.random(300)
    y = (rng.random(300) < s).astype(int)
    pred = s >= 0.5
    g = group_current(np.arange(300), 300, pred, s)
    tp, fn = float((y & pred).sum()), float((y & ~pred).sum())
    ranks_sum = float(g.ranks[y == 1].sum())  # type: ignore[index]
    value = metric_from_counts(
        metric, np.array([tp]), np.array([fn]), g, np.array([ranks_sum]), np.array([tp + fn])
    )
    assert value[0] == pytest.approx(SKLEARN[metric](y, s), abs=1e-12)


@pytest.mark.parametrize("metric", ["accuracy", "precision"])
def test_linear_metrics_are_exact_expectations(metric):
    q, s = _rows(40)
    pred = s >= 0.5
    g = group_current(np.arange(40), 40, pred)
    if metric == "accuracy":
        exact = float(np.where(pred, q, 1 - q).mean())
    else:
        exact = float(q[pred].sum() / pred.sum())
    assert expected_metric(metric, q, g) == pytest.approx(exact, abs=1e-12)


def _realized(metric: str, y: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The metric on each row of the label matrix ``y`` (vectorized; the formulas are checked
    against scikit-learn in test_metric_from_counts_matches_sklearn_on_realized_labels)."""
    from scipy.stats import rankdata

    pred = s >= 0.5
    tp = (y & pred).sum(1)
    pos = y.sum(1)
    if metric == "recall":
        return tp / pos
    if metric == "f1":
        return 2 * tp / (pos + pred.sum())
    ranks = rankdata(s)
    return ((y * ranks).sum(1) - pos * (pos + 1) / 2) / (pos * (s.size - pos))


@pytest.mark.parametrize("metric", ["recall", "f1", "roc_auc"])
def test_ratio_metrics_match_the_mean_of_simulated_realized_values(metric):
    """The ratio estimators have O(1/n) bias: at 400 rows they agree with the Monte Carlo mean
    of the metric on label sets drawn from q."""
    q, s = _rows(400, seed=1)
    g = group_current(np.arange(400), 400, s >= 0.5, s)
    y = np.random.default_rng(2).random((20000, 400)) < q
    assert expected_metric(metric, q, g) == pytest.approx(_realized(metric, y, s).mean(), abs=0.001)


@pytest.mark.parametrize("metric", ["accuracy", "f1", "roc_auc"])
def test_exact_and_normal_simulations_agree(metric):
    q, s = _rows(2000, seed=4)
    g = group_current(np.arange(2000), 2000, s >= 0.5, s)
    exact = simulate_metric(metric, q, g, 4000, np.random.default_rng(0), exact=True)
    normal = simulate_metric(metric, q, g, 4000, np.random.default_rng(0), exact=False)
    for p in (0.025, 0.5, 0.975):
        assert np.quantile(exact, p) == pytest.approx(np.quantile(normal, p), abs=0.003)
    assert np.mean(exact) == pytest.approx(expected_metric(metric, q, g), abs=0.001)


def test_grouped_rows_give_the_same_estimate_as_rows():
    """Rows that share a probability can be grouped: the estimate and the moments are the same."""
    rng = np.random.default_rng(5)
    levels = np.array([0.1, 0.4, 0.7, 0.95])
    grp = rng.integers(0, 4, 500)
    s = levels[grp] + rng.uniform(-0.01, 0.01, 500)
    pred = s >= 0.5
    by_row = group_current(np.arange(500), 500, pred, s)
    by_group = group_current(grp, 4, pred, s)
    for metric in ("accuracy", "recall", "f1", "roc_auc"):
        assert expected_metric(metric, levels, by_group) == pytest.approx(
            expected_metric(metric, levels[grp], by_row), abs=1e-12
        )


def test_isotonic_map_is_sklearns_pav_interpolated_between_block_centers():
    """Centered isotonic regression: through each PAV block's (weighted mean score, rate), linear
    in between, monotone, flat beyond the end blocks."""
    rng = np.random.default_rng(6)
    s = np.round(rng.random(600), 2)
    y = (rng.random(600) < s**2).astype(int)
    bins = score_bins(s)
    idx = bins.index(s)
    pos = np.bincount(idx, weights=y, minlength=bins.k)
    neg = np.bincount(idx, minlength=bins.k) - pos
    step = IsotonicRegression(y_min=0, y_max=1).fit(s, y).predict(s)
    for level in np.unique(step):
        rows = step == level
        center = s[rows].mean()
        assert fit_calibration("isotonic", bins, pos, neg, at=np.array([center]))[0] == pytest.approx(level)
    grid = fit_calibration("isotonic", bins, pos, neg, at=np.linspace(-0.5, 1.5, 401))
    assert np.all(np.diff(grid) >= -1e-12)
    assert grid[0] == pytest.approx(step[s == s.min()][0]) and grid[-1] == pytest.approx(
        step[s == s.max()][0]
    )


def test_sigmoid_map_is_logistic_regression_on_the_logit():
    rng = np.random.default_rng(7)
    s = np.round(rng.uniform(0.02, 0.98, 3000), 3)
    logit = np.log(s / (1 - s))
    y = (rng.random(3000) < 1 / (1 + np.exp(-(0.5 * logit + 0.3)))).astype(int)
    bins = score_bins(s)
    idx = bins.index(s)
    pos = np.bincount(idx, weights=y, minlength=bins.k)
    neg = np.bincount(idx, minlength=bins.k) - pos
    ours = fit_calibration("sigmoid", bins, pos, neg, at=s)
    oracle = (
        LogisticRegression(C=1e10, max_iter=1000).fit(logit[:, None], y).predict_proba(logit[:, None])[:, 1]
    )
    np.testing.assert_allclose(ours, oracle, atol=1e-4)


def test_grouped_ece_is_the_binned_definition():
    rng = np.random.default_rng(8)
    s = rng.random(1000)
    y = (rng.random(1000) < s).astype(float)
    edges = np.quantile(s, np.linspace(0, 1, 11)[1:-1])
    groups = ece_groups(s, edges, 0.5)
    manual = sum(abs(y[groups == g].sum() - s[groups == g].sum()) for g in np.unique(groups)) / 1000
    assert grouped_ece(groups, s, np.ones(1000), y) == pytest.approx(manual)


def test_ece_null_quantile_matches_a_row_level_simulation():
    """The bound from binomial cells equals the quantile of the ECE of labels drawn row by row."""
    rng = np.random.default_rng(9)
    q = np.repeat([0.1, 0.3, 0.6, 0.9], 50)
    groups = np.repeat([0, 1, 2, 3], 50)
    sims = [grouped_ece(groups, q, np.ones(200), (rng.random(200) < q).astype(float)) for _ in range(4000)]
    bound = ece_null_quantile(q, np.ones(200), groups, level=0.95, n_sims=4000, random_state=1)
    assert bound == pytest.approx(np.quantile(sims, 0.95), abs=0.006)


def test_crossfit_ece_uses_maps_fitted_without_the_fold():
    """Out of fold, a map that memorises its training rows cannot look calibrated on noise."""
    rng = np.random.default_rng(10)
    s = rng.random(400)
    y = (rng.random(400) < 0.5).astype(int)  # the scores carry no information
    bins = score_bins(s)
    groups = ece_groups(bins.centers, np.quantile(s, np.linspace(0, 1, 11)[1:-1]), 0.5)
    folds = fold_ids(400, 5, 0, stratify=y)
    in_sample = IsotonicRegression(y_min=0, y_max=1).fit(s, y).predict(s)  # PAV on its own rows
    memorised = grouped_ece(groups[bins.index(s)], in_sample, np.ones(400), y.astype(float))
    oof, *_ = crossfit_ece("isotonic", bins, bins.index(s), y, folds, groups)
    assert oof > memorised


def test_roc_auc_estimate_matches_nannymls_expected_roc_curve():
    """Oracle: NannyML's CBPE estimates ROC AUC as the area under the expected ROC curve (at
    each threshold, expected true positives sum(q) and false positives sum(1 - q) above it;
    NannyML docs, "Confidence-based Performance Estimation"). Ours, the ratio of the exact
    expectations of the Mann-Whitney numerator and denominator, differs from it only by the
    self-pairs (order 1/n)."""
    rng = np.random.default_rng(5)
    n = 4000
    q = 1 / (1 + np.exp(-rng.normal(0, 1.5, n)))
    order = np.argsort(-q)
    tp, fp = np.cumsum(q[order]), np.cumsum(1 - q[order])
    tpr, fpr = np.r_[0, tp / tp[-1]], np.r_[0, fp / fp[-1]]
    nannyml = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    g = group_current(np.arange(n), n, q >= 0.5, scores=q)
    ours = expected_metric("roc_auc", q, g)
    assert ours == pytest.approx(nannyml, abs=2 / n)
    assert ours != nannyml  # not the same formula: the self-pairs differ
    realized = np.array([roc_auc_score(rng.random(n) < q, q) for _ in range(300)])
    mean, se = realized.mean(), realized.std() / np.sqrt(realized.size)
    assert abs(ours - mean) < abs(nannyml - mean) + 3 * se


def test_crossfit_ece_is_taken_within_folds_not_pooled_across_them():
    """Pooled over folds, the out-of-fold residuals of a map that returns each bin's rate on the
    other folds cancel (the jackknife identity) and calibrated scores look better than chance
    allows; within folds, the ECE is a draw from its own null distribution."""
    rng = np.random.default_rng(3)
    s = np.repeat([0.2, 0.4, 0.6, 0.8], 500)
    y = (rng.random(s.size) < s).astype(int)
    bins = score_bins(s)
    groups = ece_groups(bins.centers, np.array([0.3, 0.5, 0.7]), 0.5)
    folds = fold_ids(s.size, 5, 0, stratify=y)
    oof, q, count, cell_groups = crossfit_ece("isotonic", bins, bins.index(s), y, folds, groups)
    assert np.unique(cell_groups).size == 4 * 5  # one group per (ECE bin, fold)
    floor = ece_null_quantile(q, count, cell_groups, level=0.01, random_state=0)
    assert oof > floor


def _counts(bins, s, y):
    idx = bins.index(s)
    pos = np.bincount(idx, weights=y, minlength=bins.k)
    return pos, np.bincount(idx, minlength=bins.k) - pos


def test_fold_ids_are_stratified_and_seeded():
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    ids = fold_ids(100, 5, 3, stratify=y)
    assert np.bincount(ids[y == 1], minlength=5).tolist() == [2] * 5
    assert np.array_equal(ids, fold_ids(100, 5, 3, stratify=y))
    assert not np.array_equal(ids, fold_ids(100, 5, 4, stratify=y))


def test_cross_fit_predict_never_predicts_a_row_with_its_own_model():
    folds = np.array([0, 1, 2] * 4)
    seen: list[set[int]] = []

    def fit(rows):
        seen.append(set(rows.tolist()))
        return set(rows.tolist())

    oof, models = cross_fit_predict(fit, lambda m, rows: np.array([r in m for r in rows], float), folds)
    assert oof.sum() == 0 and len(models) == 3


def test_outside_share_bound_holds_under_the_null():
    """Current rows from the reference's own distribution exceed the bound rarely."""
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(300):
        ref, cur = rng.normal(size=(300, 3)), rng.normal(size=(300, 3))
        out = ((cur < ref.min(0)) | (cur > ref.max(0))).any(axis=1).mean()
        hits += out > outside_share_bound(300, 6, 300)
    assert hits <= 3


def test_loss_kernels():
    y, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 2.0])
    assert row_loss("mean_squared_error", y, p).tolist() == [1.0, 0.0, 4.0]
    assert loss_metric(
        "root_mean_squared_error", float(row_loss("mean_squared_error", y, p).mean())
    ) == pytest.approx(math.sqrt(5 / 3))
    rng = np.random.default_rng(12)
    scale = rng.uniform(0.5, 2, 4000)
    loss = np.abs(rng.normal(0, scale))
    right = loss_calibration(loss, scale * math.sqrt(2 / math.pi), scale)
    wrong = loss_calibration(loss, np.full(4000, loss.mean()), scale)
    assert right.calibrated and not wrong.calibrated
