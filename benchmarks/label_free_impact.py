"""Timings of DriftImpactGate, FeatureRelevanceGate and ConceptDriftGate, with ratios to the
model calls they cannot avoid, and the accuracy of the drift-impact estimate where the truth
is known.

Data: ``--rows`` rows x ``--cols`` numeric columns (standard normal), a binary target from the
first three; current shifts three columns (``x0`` +0.5, ``x1`` scaled by 1.5, ``x5`` +0.5, the
last unused by the target). Models: scikit-learn's HistGradientBoostingClassifier (100 trees)
and LogisticRegression, fitted on 20,000 reference rows.

Printed per model:

- ``predict``: one ``predict_proba`` on all current rows (the unit of cost);
- ``DriftImpactGate``: the gate with defaults (it asks the model ``2 * n_resamples`` times per
  drifted column on ``subsample`` rows), its ratio to ``predict``, and the rows it predicted;
- ``truth``: for ``x0`` (a pure shift, so moving it back is ``x0 - 0.5``) the share of decisions
  that really flip, against the gate's estimate and interval;
- ``FeatureRelevanceGate`` on 10,000 labelled rows (10 resamples, current and a held-out
  reference: importances measured on the training rows would make noise look important);
- ``ConceptDriftGate`` on all rows against statsmodels' pooled interaction Logit (the same
  likelihood-ratio test), and its ratio.

Usage::

    python benchmarks/label_free_impact.py --rows 100000 --cols 20 --repeat 3

The machine's load moves every number; the ratios are steadier than the times. OpenMP is
limited to one thread (``OMP_NUM_THREADS=1`` unless set), see the comment below.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# HistGradientBoosting predicts with OpenMP threads; on a busy machine their spin-waiting makes
# each call tens of times slower than one thread (measured 1.1 s vs 0.016 s for 2,000 rows on
# 2 loaded cores). The gates call the model many times on small batches: one thread is fair.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd


def _timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def _data(rows: int, cols: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    names = [f"x{i}" for i in range(cols)]
    ref = pd.DataFrame(rng.normal(size=(rows, cols)), columns=names)
    cur = pd.DataFrame(rng.normal(size=(rows, cols)), columns=names)
    cur["x0"] += 0.5
    cur["x1"] *= 1.5
    cur["x5"] += 0.5

    def target(frame: pd.DataFrame) -> np.ndarray:
        logit = frame["x0"] + 0.5 * frame["x1"] - 0.3 * frame["x2"]
        return (rng.random(len(frame)) < 1 / (1 + np.exp(-logit))).astype(int)

    return ref, cur, target(ref), target(cur)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import statsmodels.api as sm
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    from mlgates import ConceptDriftGate, DriftImpactGate, FeatureRelevanceGate
    from mlgates.stats.recalibration import score_logit

    ref, cur, y_ref, y_cur = _data(args.rows, args.cols)
    fit_rows = min(20_000, args.rows)
    models = {
        "HistGradientBoosting": HistGradientBoostingClassifier(max_iter=100, random_state=0),
        "LogisticRegression": LogisticRegression(max_iter=1000),
    }
    print(f"{args.rows:,} rows x {args.cols} columns, median of {args.repeat}")
    for label, model in models.items():
        model.fit(ref.iloc[:fit_rows], y_ref[:fit_rows])
        t_pred, _ = _timed(lambda m=model: m.predict_proba(cur), args.repeat)
        gate = DriftImpactGate()
        t_gate, verdict = _timed(
            lambda g=gate, m=model: g.check(reference=ref, current=cur, model=m), args.repeat
        )
        assessed = int(verdict.metrics["columns_assessed"])
        predicted = args.rows + assessed * 2 * gate.n_resamples * min(gate.subsample, args.rows)
        print(f"\n{label}")
        print(f"  predict_proba on current        {t_pred:8.3f} s")
        print(
            f"  DriftImpactGate                 {t_gate:8.3f} s  = {t_gate / t_pred:5.1f} x predict  "
            f"({assessed} drifted columns, {predicted:,} rows predicted = {predicted / args.rows:.0f} x current)"
        )
        f = next(f for f in verdict.findings if f.subject == "x0")
        truth = float(np.mean(model.predict(cur) != model.predict(cur.assign(x0=cur["x0"] - 0.5))))
        lo, hi = f.details["flip_share_ci"]
        print(
            f"  x0 flip share: estimate {f.details['raw_flip_share']:.4f} (beyond noise {f.statistic:.4f}, "
            f"CI {lo:.4f} to {hi:.4f}), truth {truth:.4f}, verdict {verdict.status.value}"
        )
        n_lab = min(10_000, args.rows)
        held_out = slice(fit_rows, fit_rows + n_lab) if args.rows >= fit_rows + n_lab else slice(0, n_lab)
        labelled_ref = ref.iloc[held_out].assign(y=y_ref[held_out])
        labelled_cur = cur.iloc[:n_lab].assign(y=y_cur[:n_lab])
        relevance = FeatureRelevanceGate(n_resamples=10)
        t_rel, rel = _timed(
            lambda r=relevance, m=model, lr=labelled_ref, lc=labelled_cur: r.check(
                reference=lr, current=lc, target="y", model=m
            ),
            1,
        )
        calls = 2 * 10 * (args.cols + 1)
        print(
            f"  FeatureRelevanceGate ({n_lab:,} rows, 10 resamples, both sides)  {t_rel:8.3f} s  "
            f"({calls} model calls; irrelevant {int(rel.metrics['irrelevant_features'])}, "
            f"changed {int(rel.metrics['changed_features'])})"
        )

    model = models["LogisticRegression"]
    ref_s = ref.assign(y=y_ref, score=model.predict_proba(ref)[:, 1])
    cur_s = cur.assign(y=y_cur, score=model.predict_proba(cur)[:, 1])
    concept = ConceptDriftGate()
    t_concept, cv = _timed(
        lambda: concept.check(reference=ref_s, current=cur_s, target="y", proba="score"), args.repeat
    )

    def oracle() -> float:
        lp = score_logit(np.r_[ref_s["score"], cur_s["score"]])
        d = np.r_[np.zeros(len(ref_s)), np.ones(len(cur_s))]
        y = np.r_[y_ref, y_cur]
        full = sm.Logit(y, np.c_[np.ones_like(lp), lp, d, d * lp]).fit(disp=0)
        null = sm.Logit(y, np.c_[np.ones_like(lp), lp]).fit(disp=0)
        return 2 * (full.llf - null.llf)

    t_oracle, lr = _timed(oracle, args.repeat)
    print(f"\nConceptDriftGate on {args.rows:,} + {args.rows:,} rows")
    print(
        f"  ConceptDriftGate                {t_concept:8.3f} s  (LR {cv.findings[0].details['lr_statistic']:.3f})"
    )
    print(f"  statsmodels Logit x2            {t_oracle:8.3f} s  (LR {lr:.3f})")
    print(f"  ratio mlgates / statsmodels     {t_concept / t_oracle:8.2f}")


if __name__ == "__main__":
    main()
