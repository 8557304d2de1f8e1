"""mlgates fairness gates vs fairlearn on 1M rows: same data, same process.

Cases: 8 groups (one sensitive column) and ~100 intersectional groups (two columns).
Tasks: demographic parity difference, equalized odds difference, and a 4-metric per-group
table (selection rate, TPR, FPR, accuracy). mlgates times are full ``check()`` calls of the
gates with their defaults (group codes, counts, Wilson intervals, a 1000-resample bootstrap of
the aggregate, findings); the table is a suite of four gates sharing one pass of counts.

Run: ``python benchmarks/fairness_vs_fairlearn.py [n_rows]``
"""

from __future__ import annotations

import sys
import time

import numpy as np


def _time(fn, repeat: int = 1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(n: int = 1_000_000) -> None:
    import fairlearn.metrics as flm
    import sklearn.metrics as skm

    from mlgates import FairnessGate, Suite

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    g8 = rng.integers(0, 8, n)
    pred = (rng.random(n) < 0.3 + 0.03 * g8 + 0.3 * y).astype(np.int64)
    g_a = np.array([f"a{i}" for i in range(10)])[rng.integers(0, 10, n)]
    g_b = np.array([f"b{i}" for i in range(10)])[rng.integers(0, 10, n)]
    cases = {
        "8 groups": {"sf": np.array([f"g{i}" for i in range(8)])[g8]},
        "100 intersectional groups": {"sf": np.column_stack([g_a, g_b]), "fl_sf": {"a": g_a, "b": g_b}},
    }
    table_metrics = {
        "selection_rate": flm.selection_rate,
        "true_positive_rate": flm.true_positive_rate,
        "false_positive_rate": flm.false_positive_rate,
        "accuracy_score": skm.accuracy_score,
    }
    print(f"rows: {n:,}; numpy {np.__version__}; fairlearn {__import__('fairlearn').__version__}")
    print(
        f"{'case':28s} {'task':32s} {'mlgates s':>10s} {'fairlearn s':>12s} {'ratio':>8s} {'max |diff|':>11s}"
    )
    ratios = []
    for case, spec in cases.items():
        sf = spec["sf"]
        fl_sf = spec.get("fl_sf", sf)
        inputs = {"target": y, "prediction": pred, "sensitive_features": sf}

        def ours_dp(inputs=inputs):
            return FairnessGate("demographic_parity_difference", min_group_size=1).check(**inputs)

        def ours_eo(inputs=inputs):
            return FairnessGate("equalized_odds_difference", min_group_size=1).check(**inputs)

        suite = Suite([FairnessGate(m, min_group_size=1, max_value=1.0) for m in table_metrics])

        def ours_table(inputs=inputs, suite=suite):
            return suite.check(**inputs)

        def theirs_dp(fl_sf=fl_sf):
            return flm.demographic_parity_difference(y, pred, sensitive_features=fl_sf)

        def theirs_eo(fl_sf=fl_sf):
            return flm.equalized_odds_difference(y, pred, sensitive_features=fl_sf)

        def theirs_table(fl_sf=fl_sf):
            return flm.MetricFrame(metrics=table_metrics, y_true=y, y_pred=pred, sensitive_features=fl_sf)

        for task, ours, theirs in (
            ("demographic_parity_difference", ours_dp, theirs_dp),
            ("equalized_odds_difference", ours_eo, theirs_eo),
            ("4-metric per-group table", ours_table, theirs_table),
        ):
            ours()  # warm-up (imports)
            t_ours, v = _time(ours, repeat=3)
            t_theirs, ref = _time(theirs, repeat=1)
            if task == "4-metric per-group table":
                diff = 0.0
                by_group = ref.by_group
                for child in v.children:
                    metric = child.findings[1].method
                    ours_vals = {f.subject: f.statistic for f in child.findings[1:]}
                    for key, row in by_group.iterrows():
                        key = key if isinstance(key, tuple) else (key,)
                        names = [f"sensitive_feature_{j}" for j in range(len(key))]
                        subject = ", ".join(f"{nm}={k}" for nm, k in zip(names, key))
                        diff = max(diff, abs(ours_vals[subject] - row[metric]))
            else:
                diff = abs(v.metrics[task] - ref)
            ratio = t_theirs / t_ours
            ratios.append(ratio)
            print(f"{case:28s} {task:32s} {t_ours:10.4f} {t_theirs:12.3f} {ratio:7.0f}x {diff:11.1e}")
    print(f"smallest ratio: {min(ratios):.0f}x; geometric mean: {np.exp(np.mean(np.log(ratios))):.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
