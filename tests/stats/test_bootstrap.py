"""Paired bootstrap: the confusion-count engine equals the row bootstrap in distribution,
percentile intervals cover at the nominal rate, p-values behave."""

import numpy as np
import pytest
from scipy import stats

from mlgates.stats.bootstrap import BootstrapResult, count_bootstrap, row_bootstrap
from mlgates.stats.performance import confusion_metric, confusion_tables


def models(rng, n, p_cand=0.85, p_base=0.80):
    y = rng.integers(0, 2, n)
    cand = np.where(rng.random(n) < p_cand, y, 1 - y)
    base = np.where(rng.random(n) < p_base, y, 1 - y)
    return y, cand, base


@pytest.mark.parametrize(
    ("base", "average"), [("accuracy", None), ("f1", "binary"), ("matthews_corrcoef", None)]
)
def test_count_engine_agrees_with_row_engine(base, average):
    rng = np.random.default_rng(0)
    y, cand, bl = models(rng, 3000)

    def metric(pred):
        return lambda idx: float(confusion_metric(confusion_tables(y[idx], pred[idx], 2), base, average, 1))

    counts = count_bootstrap(y, cand, bl, k=2, base=base, average=average, n_resamples=3000, rng=1)
    rows = row_bootstrap(metric(cand), y.size, baseline_metric=metric(bl), n_resamples=1500, rng=2)
    assert counts.difference == pytest.approx(rows.difference)
    assert counts.se == pytest.approx(rows.se, rel=0.08)
    # same distribution: two-sample KS does not reject
    assert stats.ks_2samp(counts.diffs, rows.diffs).pvalue > 0.001


def test_scipy_paired_bootstrap_agrees():
    rng = np.random.default_rng(4)
    y, cand, bl = models(rng, 2000)
    ours = count_bootstrap(y, cand, bl, k=2, base="accuracy", n_resamples=4000, rng=0)

    def stat(yy, c, b, axis=-1):
        return np.mean(c == yy, axis=axis) - np.mean(b == yy, axis=axis)

    ref = stats.bootstrap(
        (y, cand, bl),
        stat,
        paired=True,
        vectorized=True,
        n_resamples=4000,
        method="percentile",
        random_state=0,
    )
    lo, hi = ours.ci()
    assert lo == pytest.approx(ref.confidence_interval.low, abs=0.006)
    assert hi == pytest.approx(ref.confidence_interval.high, abs=0.006)


def test_percentile_interval_coverage_is_nominal():
    """A 95% interval covers the true accuracy difference in ~95% of seeded repetitions."""
    rng = np.random.default_rng(12345)
    true_diff = 0.85 - 0.80
    reps, covered = 400, 0
    for _ in range(reps):
        y, cand, bl = models(rng, 400)
        lo, hi = count_bootstrap(y, cand, bl, k=2, base="accuracy", n_resamples=1000, rng=rng).ci(0.05)
        covered += lo <= true_diff <= hi
    margin = 3 * np.sqrt(0.95 * 0.05 / reps)  # three binomial standard errors
    assert abs(covered / reps - 0.95) < margin, covered / reps


def test_unpaired_count_bootstrap_variance_adds_up():
    rng = np.random.default_rng(7)
    y1, c1, _ = models(rng, 4000)
    y2, c2, _ = models(rng, 3000)
    res = count_bootstrap(y1, c1, c2, k=2, base="accuracy", baseline_y=y2, n_resamples=4000, rng=0)
    a1, a2 = np.mean(c1 == y1), np.mean(c2 == y2)
    expected = np.sqrt(a1 * (1 - a1) / 4000 + a2 * (1 - a2) / 3000)
    assert res.difference == pytest.approx(a1 - a2)
    assert res.se == pytest.approx(expected, rel=0.06)


def test_identical_models_give_degenerate_interval_and_p_one():
    rng = np.random.default_rng(0)
    y, cand, _ = models(rng, 500)
    res = count_bootstrap(y, cand, cand.copy(), k=2, base="accuracy", n_resamples=500, rng=0)
    assert res.ci() == (0.0, 0.0)
    assert res.pvalue() == 1.0
    assert res.pvalue_beyond(0.0, 1.0) == 1.0


def test_pvalue_beyond_margin_is_consistent_with_interval():
    diffs = np.linspace(-0.05, -0.01, 1001)
    res = BootstrapResult(0.8, 0.83, diffs)
    _, hi = res.ci(0.05)
    assert hi < -0.005
    assert res.pvalue_beyond(0.005, 1.0) < 0.05  # whole interval beyond -0.005
    assert res.pvalue_beyond(0.03, 1.0) > 0.05  # interval straddles -0.03
    # for a loss (lower is better) the same differences are improvements
    assert res.pvalue_beyond(0.0, -1.0) == 1.0


def test_row_bootstrap_drops_undefined_resamples():
    y = np.array([0] * 3 + [1] * 3)
    res = row_bootstrap(
        lambda i: np.nan if y[i].min() == y[i].max() else float(y[i].mean()), 6, n_resamples=200, rng=0
    )
    assert 0 < res.n_valid < 200


def test_many_classes_use_only_non_empty_cells():
    rng = np.random.default_rng(8)
    k, n = 12, 3000
    y = rng.integers(0, k, n)
    cand = np.where(rng.random(n) < 0.8, y, rng.integers(0, k, n))
    base = np.where(rng.random(n) < 0.7, y, rng.integers(0, k, n))
    res = count_bootstrap(y, cand, base, k=k, base="f1", average="macro", n_resamples=500, rng=0)

    def f1(pred):
        return lambda idx: float(confusion_metric(confusion_tables(y[idx], pred[idx], k), "f1", "macro"))

    rows = row_bootstrap(f1(cand), n, baseline_metric=f1(base), n_resamples=500, rng=1)
    assert res.difference == pytest.approx(rows.difference)
    assert res.se == pytest.approx(rows.se, rel=0.15)
