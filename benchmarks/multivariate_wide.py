"""MultivariateDriftGate on wide tables: the importance step before and after its cap.

The domain classifier is fitted once (as the gate fits its first fold) on ``--rows`` rows per
side and ``--columns`` numeric columns (one shifted); then the importance step is timed two
ways on the same model and held-out rows:

- before: ``sklearn.inspection.permutation_importance`` over every column (3 repeats), as the
  gate did until it was capped (linear in the number of columns);
- after: :func:`mlgates.gates.drift._importance.top_features` with the gate's default cap of
  50 permuted columns, chosen by their separation alone.

Printed: the fit time, both importance times, their ratio, and whether both put the shifted
column first. Usage::

    python benchmarks/multivariate_wide.py --columns 1000 10000 --rows 200
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def run(n_columns: int, n_rows: int, skip_before: bool) -> dict[str, float | str]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.inspection import permutation_importance
    from threadpoolctl import threadpool_limits

    from mlgates.gates.drift._importance import top_features

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2 * n_rows, n_columns))
    y = np.r_[np.zeros(n_rows), np.ones(n_rows)]
    x[y == 1, 7] += 1.0
    test = rng.random(2 * n_rows) < 0.2
    used = [f"c{i}" for i in range(n_columns)]
    out: dict[str, float | str] = {"columns": n_columns, "rows per side": n_rows}
    with threadpool_limits(limits=1):
        start = time.process_time()
        model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
        model.fit(x[~test], y[~test])
        out["fit (1 fold), CPU s"] = time.process_time() - start
        start = time.process_time()
        top, _ = top_features(model, x[test], y[test], used, n_top=5, max_columns=50, random_state=0)
        out["importance after, CPU s"] = time.process_time() - start
        out["after: first"] = top[0]["feature"]
        if not skip_before:
            start = time.process_time()
            imp = permutation_importance(
                model, x[test], y[test], scoring="roc_auc", n_repeats=3, random_state=0
            )
            out["importance before, CPU s"] = time.process_time() - start
            out["before: first"] = used[int(np.argmax(imp.importances_mean))]
            out["before / after"] = float(out["importance before, CPU s"]) / float(
                out["importance after, CPU s"]
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--columns", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--skip-before", action="store_true", help="time only the capped step")
    args = parser.parse_args(argv)
    for n in args.columns:
        result = run(n, args.rows, args.skip_before)
        print("  ".join(f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
