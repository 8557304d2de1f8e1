"""The reference side of the classification estimator: bins of the reference scores, the
cross-fitted choice of a calibration map, the calibration bound under perfect calibration, and
maps refitted on bootstrap resamples of the reference (the calibration uncertainty)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlgates.stats.crossfit import fold_ids
from mlgates.stats.label_free import (
    ScoreBins,
    crossfit_ece,
    ece_groups,
    ece_null_quantile,
    fit_calibration,
    grouped_ece,
    score_bins,
)

__all__ = ["ECE_BINS", "NULL_LEVEL", "CalibrationFit", "fit_reference"]

#: Quantile bins of the reference scores the ECE is taken on (each split by predicted label).
ECE_BINS = 10
#: The inferred ``max_reference_ece`` is this quantile of the ECE of perfectly calibrated scores.
NULL_LEVEL = 0.999
#: Fewest reference rows per bin of the maps: isotonic regression on single rows overfits the
#: ends of the score range (its first and last blocks are the extremes of noisy averages).
MIN_BIN_ROWS = 25
#: Calibration maps refitted on bootstrap resamples of the reference.
N_FITS = 50


@dataclass(frozen=True, eq=False)
class CalibrationFit:
    """What the reference taught: the chosen map and how well it calibrates (out of fold)."""

    method: str
    requested: str
    oof_ece: dict[str, float]
    ece: float
    bound: float
    bound_source: str
    bins: ScoreBins
    q_bins: np.ndarray  # the map at the bin centers (for "none": a sigmoid recalibration)
    q_boot: np.ndarray  # maps refitted on bootstrap resamples, (N_FITS, bins)
    ref_bin: np.ndarray
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def deviation(self) -> np.ndarray:
        """How far each bootstrap map lies from the map fitted on the whole reference."""
        return self.q_boot - self.q_bins  # type: ignore[no-any-return]

    @property
    def calibrated(self) -> bool:
        return bool(self.ece <= self.bound)


def _candidates(requested: str, probability: bool) -> list[str]:
    if requested != "auto":
        return [requested]
    return (["none"] if probability else []) + ["sigmoid", "isotonic"]


def fit_reference(
    s: np.ndarray,
    y: np.ndarray,
    *,
    calibration: str,
    decision_threshold: float,
    cv: int,
    random_state: int | None,
    max_reference_ece: float | str,
) -> CalibrationFit:
    """Choose and fit the calibration map on reference scores ``s`` and 0/1 labels ``y``.

    Each candidate map is scored by its out-of-fold ECE (``cv`` stratified folds). With
    ``calibration="auto"`` raw scores that are probabilities and pass the bound are kept as
    they are; otherwise the map (sigmoid or isotonic) with the lowest out-of-fold ECE is taken.
    Passing the bound is not enough to prefer the sigmoid: a two-parameter map that passes a
    test of limited power can still be biased by a point of accuracy, which the isotonic map
    avoids when the data show it. The bound is ``max_reference_ece``, or with ``"auto"`` the
    :data:`NULL_LEVEL` quantile of the ECE that perfectly calibrated probabilities show on the
    same cells (:func:`mlgates.stats.label_free.ece_null_quantile`).
    """
    bins = score_bins(s, min_rows=MIN_BIN_ROWS)
    ref_bin = bins.index(s)
    folds = fold_ids(s.size, cv, random_state, stratify=y)
    oof: dict[str, float] = {}
    cells: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    y_f = y.astype(float)
    k = bins.k
    count = np.bincount(ref_bin, minlength=k).astype(float)
    pos = np.bincount(ref_bin, weights=y_f, minlength=k)
    edges = np.unique(np.quantile(s, np.linspace(0, 1, ECE_BINS + 1)[1:-1]))
    bin_groups = ece_groups(bins.centers, edges, decision_threshold)
    bounds: dict[str, float] = {}

    def bound_for(method: str) -> float:
        if not isinstance(max_reference_ece, str):
            return float(max_reference_ece)
        if method not in bounds:
            q_cells, n_cells, g_cells = cells[method]
            bounds[method] = ece_null_quantile(
                q_cells, n_cells, g_cells, level=NULL_LEVEL, random_state=random_state
            )
        return bounds[method]

    candidates = _candidates(calibration, bins.probability)
    for method in candidates:
        if method == "none":
            row_groups = ece_groups(s, edges, decision_threshold)
            oof[method] = grouped_ece(row_groups, np.clip(s, 0, 1), np.ones_like(y_f), y_f)
            used = count > 0
            cells[method] = (np.clip(bins.centers, 0, 1)[used], count[used], bin_groups[used])
        else:
            ece, q_cells, n_cells, g_cells = crossfit_ece(method, bins, ref_bin, y, folds, bin_groups)
            oof[method] = ece
            cells[method] = (q_cells, n_cells, g_cells)
        if method == "none" and calibration == "auto" and oof[method] <= bound_for(method):
            break  # the raw scores calibrate as they are: no map is fitted
    # each map's ECE against its own null bound: the fitted maps' ECE is taken within folds,
    # the raw scores' on all rows, so their noise floors differ
    chosen = min(oof, key=lambda m: (oof[m] / max(bound_for(m), 1e-12), m != "none"))
    bound = bound_for(chosen)
    source = "parameter" if not isinstance(max_reference_ece, str) else f"null_quantile_{NULL_LEVEL:g}"
    neg = count - pos
    # raw scores kept: their uncertainty is how much a sigmoid recalibration moves them
    fitted = "sigmoid" if chosen == "none" else chosen
    q_bins = fit_calibration(fitted, bins, pos, neg)
    rng = np.random.default_rng(None if random_state is None else random_state + 1)
    cell_p = np.r_[pos, neg] / s.size
    draws = rng.multinomial(s.size, cell_p, size=N_FITS).astype(float)
    q_boot = np.vstack([fit_calibration(fitted, bins, d[:k], d[k:]) for d in draws])
    return CalibrationFit(
        method=chosen,
        requested=calibration,
        oof_ece=oof,
        ece=oof[chosen],
        bound=bound,
        bound_source=source,
        bins=bins,
        q_bins=q_bins,
        q_boot=q_boot,
        ref_bin=ref_bin,
        details={"n_reference_bins": k, "cv": cv, "ece_groups": int(np.unique(bin_groups).size)},
    )
