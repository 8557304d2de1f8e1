"""Label-free performance estimation: its cost at 1M rows, and its accuracy on real data split by
time.

1. Time: ``LabelFreePerformanceGate.check`` on 1M current rows (reference: 100k labelled rows;
   calibration fitted, checked and bootstrapped; 2,000 simulated label sets; the support check
   on one feature) against one ``sklearn.metrics.roc_auc_score`` call on the same 1M rows (what
   measuring the metric would cost once the labels are there). Target: within 3x. Best of 3.
2. Accuracy: NYC flights 2013 (bundled, ``mlgates.datasets.load_flights``), in time order. A
   gradient-boosting model is trained on January-February to predict an arrival more than 15
   minutes late from the scheduled hour, carrier, origin, distance and departure delay; March
   is the labelled reference; April to December are nine monthly batches whose labels the gate
   does not see. For each metric: the estimate and its 95% interval per month against the
   realized value, then :class:`EstimateCheckGate`'s coverage and bias over the nine months;
   once with March as the fixed reference, once with the previous month as reference (labels
   arriving a month late).
3. Control: March split at random into reference and current (no time gap, so no concept
   drift): the intervals' coverage over 50 splits.

Run: ``python benchmarks/label_free.py`` (``--quick`` skips the 1M-row timing).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from mlgates import EstimateCheckGate, LabelFreePerformanceGate
from mlgates.datasets import load_flights

N_CURRENT = 1_000_000
N_REFERENCE = 100_000
FEATURES = ["hour", "carrier", "origin", "distance", "dep_delay"]
REALIZED = {
    "accuracy": lambda y, s: accuracy_score(y, s >= 0.5),
    "precision": lambda y, s: precision_score(y, s >= 0.5, zero_division=0),
    "recall": lambda y, s: recall_score(y, s >= 0.5, zero_division=0),
    "f1": lambda y, s: f1_score(y, s >= 0.5, zero_division=0),
    "roc_auc": roc_auc_score,
}


def timed(fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def synthetic(n: int, seed: int, over: float = 2.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.2, 1.0, n)
    logit = 2 * x - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return pd.DataFrame({"x": x, "s": 1 / (1 + np.exp(-over * logit)), "y": y})


def timing() -> None:
    ref = synthetic(N_REFERENCE, 0)
    cur = synthetic(N_CURRENT, 1)
    y, s = cur["y"].to_numpy(), cur["s"].to_numpy()
    cur_x = cur.drop(columns="y")
    _, t_auc = timed(lambda: roc_auc_score(y, s))
    print(
        f"1. time at {N_CURRENT:,} current rows (reference {N_REFERENCE:,}); sklearn roc_auc_score: {t_auc:.3f} s"
    )
    print(
        f"   {'metric':<10} {'calibration':<12} {'check (s)':>10} {'x roc_auc_score':>16}  estimate [95% interval] vs realized"
    )
    for metric, cal in (("accuracy", "auto"), ("roc_auc", "auto"), ("f1", "isotonic"), ("accuracy", "none")):
        ref_used, cur_used = (
            (ref, cur_x) if cal != "none" else (synthetic(N_REFERENCE, 0, 1.0), synthetic(N_CURRENT, 1, 1.0))
        )
        if cal == "none":
            y_used, s_used = cur_used["y"].to_numpy(), cur_used["s"].to_numpy()
            cur_used = cur_used.drop(columns="y")
        else:
            y_used, s_used = y, s
        gate = LabelFreePerformanceGate(metric, calibration=cal)
        v, t = timed(
            lambda g=gate, r=ref_used, c=cur_used: g.check(reference=r, current=c, target="y", proba="s")
        )
        truth = REALIZED[metric](y_used, s_used)
        m = v.metrics
        print(
            f"   {metric:<10} {v.params['calibration_method']:<12} {t:>10.3f} {t / t_auc:>16.2f}  "
            f"{m[metric]:.4f} [{m[metric + '_ci_low']:.4f}, {m[metric + '_ci_high']:.4f}] vs {truth:.4f}"
        )


def flights() -> tuple[pd.DataFrame, list[str]]:
    df = load_flights()
    df["hour"] = df["sched_dep_time"] // 100
    for col in ("carrier", "origin"):
        df[col] = df[col].astype("category")
    train = df["month"] <= 2
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=0)
    model.fit(df.loc[train, FEATURES], df.loc[train, "delayed"])
    df["score"] = model.predict_proba(df[FEATURES])[:, 1]
    return df, FEATURES


def backtest(df: pd.DataFrame, metric: str, rolling: bool = False) -> tuple[list, list[float]]:
    """Monthly estimates for April-December: against March (``rolling=False``) or against the
    previous month, whose labels have arrived by then (``rolling=True``)."""
    gate = LabelFreePerformanceGate(metric, columns=FEATURES, random_state=0)
    estimates, realized = [], []
    for month in range(4, 13):
        ref = df[df["month"] == (month - 1 if rolling else 3)]
        cur = df[df["month"] == month]
        v = gate.check(
            reference=ref[[*FEATURES, "score", "delayed"]],
            current=cur[[*FEATURES, "score"]],
            target="delayed",
            proba="score",
        )
        estimates.append(v)
        realized.append(float(REALIZED[metric](cur["delayed"].to_numpy(), cur["score"].to_numpy())))
    return estimates, realized


def accuracy_on_flights() -> None:
    df, _ = flights()
    print("\n2. NYC flights 2013: model trained on Jan-Feb; monthly estimates Apr-Dec (labels unseen)")
    for rolling in (False, True):
        which = "reference: the previous month" if rolling else "reference: March"
        for metric in ("accuracy", "f1", "roc_auc"):
            estimates, realized = backtest(df, metric, rolling=rolling)
            print(
                f"   [{which}] {metric}: month  estimate [95% interval]      realized  covered  outside  calibration"
            )
            for month, v, r in zip(range(4, 13), estimates, realized):
                m = v.metrics
                if metric not in m:
                    print(f"   {month:>12}  no estimate: {v.reason}")
                    continue
                inside = m[metric + "_ci_low"] <= r <= m[metric + "_ci_high"]
                print(
                    f"   {month:>12}  {m[metric]:.4f} [{m[metric + '_ci_low']:.4f}, {m[metric + '_ci_high']:.4f}]  "
                    f"{r:.4f}    {'yes' if inside else 'NO ':<7}  {m['outside_share']:.3f}    "
                    f"{v.params['calibration_method']}"
                )
            kept = [(e, r) for e, r in zip(estimates, realized) if metric in e.metrics]
            check = EstimateCheckGate().check(estimates=[e for e, _ in kept], realized=[r for _, r in kept])
            c = check.metrics
            print(
                f"   => coverage {c['covered']}/{c['n']} (nominal 95%, p = {c['coverage_pvalue']:.3g}), "
                f"bias {c['bias']:+.4f} [{c['bias_ci_low']:+.4f}, {c['bias_ci_high']:+.4f}], "
                f"mean |error| {c['mean_absolute_error']:.4f}, mean width {c['mean_width']:.4f}: "
                f"EstimateCheckGate {check.status.value.upper()}"
            )


def same_month_control() -> None:
    """No time gap: March split at random into reference and current, 50 times. Here P(y | x) is
    the same on both sides, so the intervals must cover (the method itself is sound)."""
    df, _ = flights()
    march = df[df["month"] == 3]
    covered = dict.fromkeys(("accuracy", "f1", "roc_auc"), 0)
    runs = 50
    for seed in range(runs):
        rows = np.random.default_rng(seed).permutation(len(march))
        ref, cur = march.iloc[rows[: len(rows) // 2]], march.iloc[rows[len(rows) // 2 :]]
        for metric in covered:
            v = LabelFreePerformanceGate(metric, columns=FEATURES, random_state=seed).check(
                reference=ref[[*FEATURES, "score", "delayed"]],
                current=cur[[*FEATURES, "score"]],
                target="delayed",
                proba="score",
            )
            r = REALIZED[metric](cur["delayed"].to_numpy(), cur["score"].to_numpy())
            covered[metric] += (
                metric in v.metrics and v.metrics[metric + "_ci_low"] <= r <= v.metrics[metric + "_ci_high"]
            )
    shown = ", ".join(f"{m} {k}/{runs}" for m, k in covered.items())
    print(f"\n3. control, March split at random into reference and current ({runs} splits): coverage {shown}")


if __name__ == "__main__":
    if "--quick" not in sys.argv:
        timing()
    accuracy_on_flights()
    same_month_control()
