"""Performance-gate kernels vs their peers, in one process on the same data.

1. Paired bootstrap of an accuracy difference (candidate - baseline), 1M rows, 2,000 resamples:
   mlgates' confusion-count bootstrap vs ``scipy.stats.bootstrap(paired=True,
   method="percentile")`` on the same statistic. scipy resamples rows, so at 1M rows x 2,000
   resamples it would draw 2e9 indices; it is timed on the same 1M rows with fewer resamples
   (``SCIPY_RESAMPLES_1M``) and its time scaled linearly to 2,000 (the work is linear in the
   number of resamples). Its intervals are compared with ours at 1M rows (scipy with its fewer
   resamples) and at 100k rows with 2,000 resamples each.
2. DeLong's paired test on 1M rows vs one ``sklearn.metrics.roc_auc_score`` call on the same rows;
   AUCs compared, and DeLong's interval for the AUC difference compared with a scipy paired
   bootstrap of the same difference on 20k rows.

mlgates, roc_auc_score and DeLong times are the best of 3 runs; scipy's bootstrap runs once.

Run: ``python benchmarks/perf_gates.py``.
"""

from __future__ import annotations

import time

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.metrics import roc_auc_score

from mlgates.stats.bootstrap import count_bootstrap
from mlgates.stats.delong import delong_test

N = 1_000_000
RESAMPLES = 2000
SCIPY_RESAMPLES_1M = 100
SEED = 0


def data(n: int, seed: int = SEED):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score_c = y + rng.normal(0, 1.0, n)
    score_b = 0.7 * score_c + 0.3 * y + rng.normal(0, 0.8, n)
    return y, (score_c > 0.5).astype(np.int64), (score_b > 0.5).astype(np.int64), score_c, score_b


def acc_diff(y, c, b, axis=-1):
    return np.mean(c == y, axis=axis) - np.mean(b == y, axis=axis)


def timed(fn, repeat: int = 1):
    """Result, best and first wall time of ``repeat`` runs (the machine is shared: the minimum is
    the least noisy estimate; the first run is shown too)."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, min(times), times[0]


def scipy_boot(y, c, b, n_resamples, batch):
    return stats.bootstrap(
        (y, c, b),
        acc_diff,
        paired=True,
        vectorized=True,
        n_resamples=n_resamples,
        batch=batch,
        method="percentile",
        confidence_level=0.95,
        random_state=SEED,
    )


def main() -> None:
    print(
        f"performance-gate kernels; numpy {np.__version__}, scipy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}"
    )
    y, c, b, sc, sb = data(N)

    # -- 1. paired bootstrap -------------------------------------------------------------------
    count_bootstrap(y[:1000], c[:1000], b[:1000], k=2, base="accuracy", n_resamples=10, rng=0)  # warm-up
    ours, t_ours, t_ours_first = timed(
        lambda: count_bootstrap(y, c, b, k=2, base="accuracy", n_resamples=RESAMPLES, rng=SEED), repeat=3
    )
    _, t_f1, _ = timed(
        lambda: count_bootstrap(y, c, b, k=2, base="f1", average="binary", n_resamples=RESAMPLES, rng=SEED),
        repeat=3,
    )
    ref, t_scipy, _ = timed(lambda: scipy_boot(y, c, b, SCIPY_RESAMPLES_1M, batch=10))
    t_scipy_2000 = t_scipy * RESAMPLES / SCIPY_RESAMPLES_1M
    print(f"\n1. paired bootstrap, accuracy difference, {N:,} rows, {RESAMPLES:,} resamples")
    print(
        f"   mlgates (confusion counts):  {t_ours * 1000:9.1f} ms best of 3 (first run {t_ours_first * 1000:.1f} ms; "
        f"F1: {t_f1 * 1000:.1f} ms)"
    )
    print(
        f"   scipy.stats.bootstrap:       {t_scipy:9.2f} s for {SCIPY_RESAMPLES_1M} resamples -> "
        f"{t_scipy_2000:.1f} s for {RESAMPLES:,} (extrapolated linearly)"
    )
    print(
        f"   ratio scipy / mlgates:       {t_scipy_2000 / t_ours:9.0f}x  (target >= 100x; "
        f"{t_scipy_2000 / t_ours_first:.0f}x against our first run)"
    )
    lo, hi = ours.ci()
    print(
        f"   difference {ours.difference:+.5f}; 95% CI mlgates [{lo:+.5f}, {hi:+.5f}]  "
        f"scipy ({SCIPY_RESAMPLES_1M} resamples) [{ref.confidence_interval.low:+.5f}, "
        f"{ref.confidence_interval.high:+.5f}]"
    )
    print(f"   bootstrap SE mlgates {ours.se:.6f}, scipy {ref.standard_error:.6f}")

    n_small = 100_000
    ys, cs, bs = y[:n_small], c[:n_small], b[:n_small]
    ours_s, t_ours_s, _ = timed(
        lambda: count_bootstrap(ys, cs, bs, k=2, base="accuracy", n_resamples=RESAMPLES, rng=SEED), repeat=3
    )
    ref_s, t_scipy_s, _ = timed(lambda: scipy_boot(ys, cs, bs, RESAMPLES, batch=50))
    lo_s, hi_s = ours_s.ci()
    print(
        f"   at {n_small:,} rows, {RESAMPLES:,} resamples each (measured, no extrapolation): mlgates "
        f"{t_ours_s * 1000:.1f} ms, scipy {t_scipy_s:.2f} s, ratio {t_scipy_s / t_ours_s:.0f}x"
    )
    print(
        f"   95% CI mlgates [{lo_s:+.5f}, {hi_s:+.5f}]  scipy [{ref_s.confidence_interval.low:+.5f}, "
        f"{ref_s.confidence_interval.high:+.5f}]"
    )

    # -- 2. DeLong -------------------------------------------------------------------------------
    roc_auc_score(y[:1000], sc[:1000])
    delong_test(y[:1000], sc[:1000], sb[:1000])  # warm-up
    auc_c, t_auc, _ = timed(lambda: roc_auc_score(y, sc), repeat=3)
    auc_b = roc_auc_score(y, sb)
    res, t_delong, _ = timed(lambda: delong_test(y, sc, sb), repeat=3)
    print(f"\n2. DeLong paired AUC test, {N:,} rows")
    print(f"   one roc_auc_score call:      {t_auc * 1000:9.1f} ms")
    print(
        f"   delong_test (both AUCs, covariance, test): {t_delong * 1000:.1f} ms; "
        f"ratio {t_delong / t_auc:.2f}x one roc_auc_score (target <= 5x)"
    )
    print(f"   AUCs: DeLong {res.candidate:.6f} / {res.baseline:.6f}; sklearn {auc_c:.6f} / {auc_b:.6f}")
    c_lo, c_hi = res.candidate_ci()
    print(
        f"   difference {res.difference:+.5f}, 95% CI [{res.ci_low:+.5f}, {res.ci_high:+.5f}], "
        f"candidate AUC logit CI [{c_lo:.5f}, {c_hi:.5f}]"
    )

    n_auc, r_auc = 20_000, 500
    ya, sca, sba = y[:n_auc], sc[:n_auc], sb[:n_auc]
    res_a = delong_test(ya, sca, sba)

    def auc_diff(yy, s1, s2):
        if yy.min() == yy.max():
            return np.nan
        return roc_auc_score(yy, s1) - roc_auc_score(yy, s2)

    boot_a, t_boot_a, _ = timed(
        lambda: stats.bootstrap(
            (ya, sca, sba),
            auc_diff,
            paired=True,
            vectorized=False,
            n_resamples=r_auc,
            method="percentile",
            random_state=SEED,
        )
    )
    print(
        f"   at {n_auc:,} rows: DeLong CI [{res_a.ci_low:+.5f}, {res_a.ci_high:+.5f}] (se {res_a.se:.5f}); "
        f"scipy bootstrap ({r_auc} resamples, {t_boot_a:.1f} s) [{boot_a.confidence_interval.low:+.5f}, "
        f"{boot_a.confidence_interval.high:+.5f}] (se {boot_a.standard_error:.5f})"
    )


if __name__ == "__main__":
    main()
