"""DriftGate's resampled evidence for a distance: the interval on the distance, the test of no
change and the threshold calibrated on the reference (``threshold="reference_null"``), by
multinomial draws of the counts on the frozen bins (:mod:`mlgates.stats.distance_resampling`).
What is recorded here goes to the finding's ``details``; :mod:`._decide` decides on it."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlgates.gates.drift import _prepare as prep

__all__ = ["resample"]

_HOW = "multinomial resampling of the counts on the reference's frozen bins"


def resample(
    col: prep.Column, method: str, info: dict[str, Any], statistic: float, spec: dict[str, Any]
) -> dict[str, Any]:
    """``details`` entries ``interval``, ``significance`` and ``reference_null`` as ``spec``
    asks (see ``DriftGate._resamples``); NotApplicable for a distance without resampling."""
    from mlgates.stats import distance_resampling as dr

    if method not in dr.INTERVAL_METHODS:
        raise prep.NotApplicable(
            f"{col.name}: {method} has no resampled interval or reference null; decision='material' "
            f"and threshold='reference_null' work with {', '.join(dr.INTERVAL_METHODS)}"
        )
    grid = None
    if method == "wasserstein":
        a, b = col.ref.values, col.cur.values
        assert a is not None and b is not None
        grid = dr.wasserstein_grid(a, b)
        r, c = grid.reference, grid.current
        how = f"{_HOW} ({len(r)} quantile bins for wasserstein)"
    else:
        r, c = np.asarray(info["counts_reference"]), np.asarray(info["counts_current"])
        how = _HOW
    n, seed = int(spec["n_resamples"]), int(spec["random_state"])
    out: dict[str, Any] = {}
    if spec["interval"]:
        low, high = dr.interval(
            method,
            r,
            c,
            confidence=spec["confidence"],
            n_resamples=n,
            random_state=seed,
            grid=grid,
            estimate=statistic,
        )
        out["interval"] = {
            "low": low,
            "high": high,
            "confidence": spec["confidence"],
            "n_resamples": n,
            "random_state": seed,
            "method": f"basic bootstrap; {how}",
        }
    if spec["significance"]:
        p = dr.pvalue(method, r, c, n_resamples=n, random_state=seed + 1, grid=grid)
        out["significance"] = {
            "pvalue": p,
            "alpha": spec["alpha"],
            "n_resamples": n,
            "random_state": seed + 1,
            "method": f"both sides drawn from the pooled shares; {how}",
        }
    if spec["reference_null"]:
        value = dr.reference_null(
            method,
            r,
            int(c.sum()),
            quantile=spec["null_quantile"],
            n_resamples=n,
            random_state=seed + 2,
            grid=grid,
            unseen=info.get("bins", {}).get("type") in ("categories", "values"),
        )
        out["reference_null"] = {
            "value": value,
            "quantile": spec["null_quantile"],
            "n_draws": n,
            "random_state": seed + 2,
            "n_reference": int(r.sum()),
            "n_current": int(c.sum()),
            "method": "current-sized samples of the reference's posterior shares (Dirichlet(counts + "
            f"1/2), plus Good-Turing mass for unseen categories) against the reference; {how}",
        }
    return out
