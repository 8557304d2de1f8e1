"""DriftGate's resampled evidence for a distance: the interval on the distance, the test of no
change and the threshold calibrated on the reference (``threshold="reference_null"``), by
multinomial draws of the counts on the frozen bins (:mod:`mlgates.stats.distance_resampling`).
What is recorded here goes to the finding's ``details``; :mod:`._decide` decides on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from mlgates.gates.drift import _prepare as prep

if TYPE_CHECKING:
    from mlgates.profiles.summaries import BinCounts, ColumnStats
    from mlgates.stats.distance_resampling import Grid

__all__ = ["profile_grid", "resample"]

_HOW = "multinomial resampling of the counts on the reference's frozen bins"


def resample(
    col: prep.Column,
    method: str,
    info: dict[str, Any],
    statistic: float,
    spec: dict[str, Any],
    *,
    grid: Grid | None = None,
    bounds: Sequence[float] | None = None,
) -> dict[str, Any]:
    """``details`` entries ``interval``, ``significance`` and ``reference_null`` as ``spec``
    asks (see ``DriftGate._resamples``); NotApplicable for a distance without resampling.

    ``wasserstein`` is resampled on ``grid`` when given (a profile's, from
    :func:`profile_grid`), else on the grid of both sides' sorted values. ``bounds`` is the
    interval that holds the statistic when only a bound is known (a profile's grid): the
    resampled interval then holds the whole bound."""
    from mlgates.stats import distance_resampling as dr

    if method not in dr.INTERVAL_METHODS:
        raise prep.NotApplicable(
            f"{col.name}: {method} has no resampled interval or reference null; decision='material' "
            f"and threshold='reference_null' work with {', '.join(dr.INTERVAL_METHODS)}"
        )
    if method == "wasserstein":
        if grid is None:
            a, b = col.ref.values, col.cur.values
            assert a is not None and b is not None
            grid = dr.wasserstein_grid(a, b)
            how = f"{_HOW} ({len(grid.reference)} quantile bins for wasserstein)"
        else:
            how = (
                f"{_HOW} ({len(grid.reference)} bins for wasserstein at quantiles of both sides, "
                "snapped to the profile's reference-quantile grid)"
            )
        r, c = grid.reference, grid.current
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
            estimate=statistic if bounds is None else (float(bounds[0]), float(bounds[1])),
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


def profile_grid(reference: BinCounts, current: BinCounts, rs: ColumnStats, cs: ColumnStats) -> Grid:
    """The Wasserstein resampling grid of a profiled column: both sides' counts in the cells of
    the profile's fine reference-quantile grid, the pooled minimum and maximum from the moments,
    the in-memory grid's quantiles of both sides each snapped to a cell edge
    (:func:`mlgates.stats.distance_resampling.wasserstein_grid_on_cells`)."""
    from mlgates.stats import distance_resampling as dr

    return dr.wasserstein_grid_on_cells(
        reference.edges,
        reference.counts,
        current.counts,
        low=min(rs.min, cs.min),
        high=max(rs.max, cs.max),
        scale=rs.std,
        ranges=((reference.mins, reference.maxs), (current.mins, current.maxs)),
    )
