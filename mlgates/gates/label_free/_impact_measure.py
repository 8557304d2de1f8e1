"""What undoing one column's drift does to a model's outputs: the column's current values moved
back onto resamples of the reference (and, for the noise, onto resamples of current itself), the
model asked again on those copies, and the flipped decisions and the shift of the mean score with
their intervals (see the Notes of :class:`~mlgates.DriftImpactGate`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlgates.gates.label_free._impact_columns import Prepared, restore
from mlgates.gates.label_free._model_calls import CHUNK_CELLS, Outputs, call_model, interpret, method_of
from mlgates.stats.transport import coupling_transport, noise_size, quantile_transport, randomized_ranks

__all__ = ["Impact", "measure_impact", "moved_columns", "t_quantile"]


@dataclass(frozen=True)
class Impact:
    """What moving one column back to the reference did to the model's outputs."""

    n_rows: int
    flip_share: float | None  # share of decisions flipped beyond resampling noise
    flip_ci: tuple[float, float] | None
    raw_flip_share: float | None
    noise_flip_share: float | None
    score_shift: float | None  # mean score now minus mean score without the drift
    score_ci: tuple[float, float] | None
    positive_rate_shift: float | None


def measure_impact(
    model: Any,
    features: pd.DataFrame,
    rows: np.ndarray | None,
    col: Any,
    prep: Prepared,
    base: Outputs,
    rng: np.random.Generator,
    *,
    n_resamples: int,
    confidence: float,
    decision_threshold: float | None,
) -> Impact:
    """What moving column ``col`` back onto the reference does to the model's outputs on
    ``rows`` of ``features`` (all rows when None), against ``base`` (the outputs on current as
    it is): the model is asked ``2 * n_resamples`` times, in calls of at most
    ``CHUNK_CELLS`` cells; flips by sampling noise alone are subtracted."""
    frame = features if rows is None else features.iloc[rows]
    base_dec = None if base.decision is None else (base.decision if rows is None else base.decision[rows])
    base_score = None if base.score is None else (base.score if rows is None else base.score[rows])
    series = frame[col]
    variants = moved_columns(series, prep, n_resamples, rng)
    method = method_of(model)
    n = len(frame)
    per_call = max(1, CHUNK_CELLS // max(1, n * frame.shape[1]))
    decisions: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    for start in range(0, len(variants), per_call):
        chunk = variants[start : start + per_call]
        big = pd.concat([frame] * len(chunk), ignore_index=True)
        big[col] = restore(np.concatenate(chunk), series)
        out = interpret(call_model(model, big, method), method, decision_threshold)
        if out.decision is not None:
            decisions.extend(np.split(out.decision, len(chunk)))
        if out.score is not None:
            scores.extend(np.split(out.score, len(chunk)))
    z = t_quantile(confidence, n_resamples)
    flip = flip_ci = raw = noise = pos = None
    if base_dec is not None and decisions:
        moved = np.stack(decisions[0::2]) != base_dec  # (R, n): flipped by the drift's undoing
        by_noise = np.stack(decisions[1::2]) != base_dec  # flipped by sampling noise alone
        excess_b = moved.mean(axis=1) - by_noise.mean(axis=1)
        per_row = moved.mean(axis=0) - by_noise.mean(axis=0)
        flip = float(excess_b.mean())
        se = (
            math.sqrt(float(np.var(excess_b, ddof=1)) + float(np.var(per_row, ddof=1)) / n)
            if n > 1
            else math.nan
        )
        flip_ci = (max(-1.0, flip - z * se), min(1.0, flip + z * se))
        raw, noise = float(moved.mean()), float(by_noise.mean())
        if base.kind in ("binary", "regression"):
            undone = np.stack(decisions[0::2]).astype(np.float64)
            pos = float(np.mean(base_dec) - undone.mean())
    shift = shift_ci = None
    if base_score is not None and scores:
        undone_s = np.stack(scores[0::2])
        shift_b = float(np.mean(base_score)) - undone_s.mean(axis=1)
        shift = float(shift_b.mean())
        rows_term = float(np.var(base_score - undone_s.mean(axis=0), ddof=1)) / n if n > 1 else math.nan
        se_s = math.sqrt(float(np.var(shift_b, ddof=1)) + rows_term)
        shift_ci = (shift - z * se_s, shift + z * se_s)
    return Impact(n, flip, flip_ci, raw, noise, shift, shift_ci, pos)


def moved_columns(
    series: pd.Series, prep: Prepared, n_resamples: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """``2 * n_resamples`` copies of the column's values on the given rows: even entries moved
    onto a bootstrap resample of the reference, odd entries onto a resample of current itself
    (the noise copy). Missing values stay missing."""
    missing = np.asarray(series.isna(), dtype=bool)
    present = ~missing
    out: list[np.ndarray] = []
    if prep.kind == "numeric":
        x = np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
        xv = x[present]
        ref = prep.reference
        m = noise_size(max(1, xv.shape[0]), ref.shape[0])
        for _ in range(n_resamples):
            u = randomized_ranks(xv, rng)
            for target in (rng.choice(ref, ref.shape[0]), rng.choice(xv, m) if xv.size else xv):
                col = x.copy()
                if xv.size:
                    col[present] = quantile_transport(u, target)
                out.append(col)
        return out
    assert prep.categories is not None
    cats = prep.categories
    index = {v: i for i, v in enumerate(cats.tolist())}
    values = series.astype(object).to_numpy()
    try:
        codes = np.asarray([index[v] for v in values[present]], dtype=np.int64)
    except (KeyError, TypeError):
        codes = np.asarray([index.get(str(v), 0) for v in values[present]], dtype=np.int64)
    k = cats.shape[0]
    ref = prep.reference
    m = noise_size(max(1, codes.shape[0]), ref.shape[0])
    for _ in range(n_resamples):
        for target in (rng.choice(ref, ref.shape[0]), rng.choice(codes, m) if codes.size else codes):
            shares = np.bincount(target, minlength=k) / max(1, target.shape[0])
            col = values.copy()
            if codes.size:
                col[present] = cats[coupling_transport(codes, shares, rng)]
            out.append(col)
    return out


def t_quantile(confidence: float, n_resamples: int) -> float:
    """Student's t quantile with ``n_resamples - 1`` degrees of freedom: the spread over
    resamples is estimated from few of them."""
    from scipy import stats

    return float(stats.t.ppf(0.5 + confidence / 2.0, n_resamples - 1))
