"""SequentialGate: CUSUM or Page-Hinkley over a time-ordered ``current``, with the control
limit set from the reference by simulation for a stated in-control average run length."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mlgates.core.context import CheckContext
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.monitoring._stream import row_statistic, time_ordered
from mlgates.stats import sequential as kernels

__all__ = ["SequentialGate"]


class SequentialGate(Gate):
    """Sequential change detection on one per-row statistic of a time-ordered ``current``.

    The statistic (a feature, the model's prediction or score, or the per-row error) is
    standardized with the reference's mean and standard deviation and watched by CUSUM or
    Page-Hinkley. The **control limit is set from the reference by simulation**: in-control
    streams are bootstrapped from the reference's rows and the limit is the smallest whose
    average run length without a change reaches ``arl0`` rows (never a textbook constant, which
    on skewed or discrete data gives run lengths far from the nominal one). An alarm FAILs with
    the estimated change point (the first row of the changed regime) and the run length (rows
    read until the alarm).

    Parameters
    ----------
    column : str (required)
        The monitored column of both tables, or ``"prediction"`` / ``"proba"`` (the model's
        predictions or scores on both sides) or ``"error"`` (per row: squared error of the score
        with binary labels and ``proba``; absolute error for a regression; 1 for a wrong label
        otherwise) when no column has that name.
    method : {"cusum", "page_hinkley"}, default "cusum"
        The detector. CUSUM compares with the reference's mean; Page-Hinkley with the stream's
        own running mean.
    arl0 : int, default 10000
        The in-control average run length, in rows: without a change, an alarm comes on average
        once per ``arl0`` rows; over ``n`` rows the chance of a false alarm is about
        ``1 - exp(-n / arl0)`` (recorded on the finding). Simulation cost grows with it (about a
        second at 10,000).
    shift : float, default 1.0
        The shift, in reference standard deviations, the detector is tuned for (CUSUM's reference
        value and Page-Hinkley's tolerance are half of it); smaller shifts are found later.
    direction : {"both", "up", "down"}, default "both"
        Which changes raise an alarm.
    on : str, optional
        Time column ordering the rows of ``current`` (stably); by default the row order.
    format : str, optional
        ``strptime`` layout of ``on`` when it holds text (day/month order is never guessed).
    n_resamples : int, default 1000
        Simulated in-control streams (the limit's Monte Carlo error on the run length is about
        ``1 / sqrt(n_resamples)``).
    min_samples : int, default 100
        Fewest reference values to simulate from; fewer is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    random_state : int, default 0
        Seed of the simulation.
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Rows are assumed independent given the regime (the bootstrap draws rows independently):
    positively autocorrelated data alarm sooner than ``arl0`` says; monitor batch means instead.
    Missing feature values are dropped (counted in ``details``). Reason codes:
    ``change_detected`` (FAIL), ``insufficient_samples``, ``undefined_statistic`` (a reference
    without spread), ``all_missing``, ``empty_input``, ``missing_column``, ``missing_values``,
    ``invalid_input``, ``invalid_timestamps``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mlgates import SequentialGate
    >>> rng = np.random.default_rng(3)
    >>> ref = pd.DataFrame({"x": rng.exponential(size=3000)})
    >>> # the mean grows by 80% from row 400 on
    >>> cur = pd.DataFrame({"x": np.r_[rng.exponential(size=400), 1.8 * rng.exponential(size=300)]})
    >>> v = SequentialGate(column="x", arl0=2000).check(reference=ref, current=cur)
    >>> f = v.findings[0]
    >>> v.status, f.reason, f.details["change_point"], f.details["run_length"]
    (<Status.FAIL: 'fail'>, 'change_detected', 400, 412)
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "column": [str],
        "method": [Options(*kernels.METHODS)],
        "arl0": [Interval("int", 10, 100_000)],
        "shift": [Interval("real", 0, 10, closed="right")],
        "direction": [Options(*kernels.DIRECTIONS)],
        "on": [str, None],
        "format": [str, None],
        "n_resamples": [Interval("int", 100, 100_000)],
        "min_samples": [Interval("int", 2, None)],
        "on_insufficient": [ON_INSUFFICIENT],
        "random_state": [Interval("int", 0, None)],
    }

    def __init__(
        self,
        *,
        column: str | None = None,
        method: str = "cusum",
        arl0: int = 10_000,
        shift: float = 1.0,
        direction: str = "both",
        on: str | None = None,
        format: str | None = None,
        n_resamples: int = 1000,
        min_samples: int = 100,
        on_insufficient: str = "warn",
        random_state: int = 0,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.column = column
        self.method = method
        self.arl0 = arl0
        self.shift = shift
        self.direction = direction
        self.on = on
        self.format = format
        self.n_resamples = n_resamples
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient
        self.random_state = random_state

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    def _check(self, ctx: CheckContext) -> Verdict:
        ref_frame, cur_frame = ctx.frame("reference"), ctx.frame("current")
        empty = [s for s, f in (("reference", ref_frame), ("current", cur_frame)) if len(f) == 0]
        if empty:
            return self._verdict(
                Status.ERROR,
                reason="empty_input",
                message=f"{' and '.join(empty)} has no rows: no stream to watch",
            )
        subject = str(self.column)
        ref_values, how = row_statistic(ctx, "reference", subject)
        cur_values, _ = row_statistic(ctx, "current", subject)
        order = time_ordered(ctx, "current", self.on, self.format)
        if order is not None:
            cur_values = cur_values[order]
        ref_ok = ref_values[~np.isnan(ref_values)]
        keep = ~np.isnan(cur_values)
        positions = np.flatnonzero(keep)
        stream = cur_values[keep]
        details: dict[str, Any] = {
            **how,
            "method": self.method,
            "arl0": self.arl0,
            "shift": self.shift,
            "direction": self.direction,
            "n_reference": int(ref_ok.size),
            "n_current": int(stream.size),
            "n_missing_reference": int(ref_values.size - ref_ok.size),
            "n_missing_current": int(cur_values.size - stream.size),
            "ordered_by": self.on or "row order",
        }
        if stream.size == 0 or ref_ok.size == 0:
            sides = [s for s, a in (("reference", ref_ok), ("current", stream)) if a.size == 0]
            return self._single(
                Finding(
                    subject,
                    Status.ERROR,
                    method=self.method,
                    reason="all_missing",
                    message=f"{subject}: no values in {' and '.join(sides)}",
                    details=details,
                )
            )
        if ref_ok.size < self.min_samples:
            return self._single(
                Finding(
                    subject,
                    insufficient_status(self.on_insufficient),
                    method=self.method,
                    reason="insufficient_samples",
                    message=(
                        f"{subject}: {ref_ok.size} reference values (< {self.min_samples}) are too few to "
                        "simulate in-control streams from"
                    ),
                    details=details,
                )
            )
        mean, sd = float(ref_ok.mean()), float(ref_ok.std())
        if not sd > 0:
            return self._single(
                Finding(
                    subject,
                    Status.ERROR,
                    method=self.method,
                    reason="undefined_statistic",
                    message=(
                        f"{subject}: every reference value is {mean:g}; a change has no scale to be "
                        "measured in"
                    ),
                    details=details,
                )
            )
        limit = ctx.cached(
            (
                "control_limit",
                subject,
                self.method,
                self.arl0,
                self.shift,
                self.direction,
                self.n_resamples,
                self.random_state,
            ),
            lambda: kernels.control_limit(
                ref_ok,
                method=self.method,
                arl0=self.arl0,
                shift=self.shift,
                direction=self.direction,
                n_streams=self.n_resamples,
                random_state=self.random_state,
            ),
            depends_on=("reference", "target", "prediction", "proba", "model"),
        )
        result = kernels.detect(
            (stream - mean) / sd, method=self.method, h=limit.h, shift=self.shift, direction=self.direction
        )
        details.update(
            reference_mean=mean,
            reference_sd=sd,
            control_limit=limit.h,
            simulated_arl=limit.arl,
            simulated_arl_se=limit.arl_se,
            n_resamples=limit.n_streams,
            simulated_length=limit.length,
            random_state=self.random_state,
            false_alarm_probability=-math.expm1(-stream.size / self.arl0),
        )
        name = "CUSUM" if self.method == "cusum" else "Page-Hinkley"
        if not result.alarm:
            return self._single(
                Finding(
                    subject,
                    Status.PASS,
                    statistic=result.statistic,
                    threshold=limit.h,
                    method=self.method,
                    message=(
                        f"{subject}: no change in {stream.size:,} rows ({name} max {result.statistic:.3g} <= "
                        f"limit {limit.h:.3g}, set for an in-control run length of {self.arl0:,} rows)"
                    ),
                    details=details,
                )
            )
        assert result.run_length is not None and result.change_point is not None
        alarm_row = int(positions[result.run_length - 1])
        change_row = int(positions[result.change_point])
        after = stream[result.change_point : result.run_length]
        details.update(
            run_length=result.run_length,
            change_point=change_row,
            alarm_row=alarm_row,
            change_side=result.side,
            mean_after_change=float(after.mean()) if after.size else None,
        )
        where = f"row {change_row:,}"
        if self.on is not None:
            frame_rows = order if order is not None else np.arange(len(cur_frame))
            times = ctx.column("current", self.on)
            stamp = times.iloc[int(frame_rows[change_row])]
            details["change_time"] = str(stamp)
            details["alarm_time"] = str(times.iloc[int(frame_rows[alarm_row])])
            where += f" ({stamp})" if not pd.isna(stamp) else ""
        direction = "increase" if result.side == "up" else "decrease"
        return self._single(
            Finding(
                subject,
                Status.FAIL,
                statistic=result.statistic,
                threshold=limit.h,
                method=self.method,
                reason="change_detected",
                message=(
                    f"{subject}: {direction} detected after {result.run_length:,} rows ({name} "
                    f"{result.statistic:.3g} > limit {limit.h:.3g}); estimated change at {where}"
                ),
                details=details,
            )
        )

    def _single(self, finding: Finding) -> Verdict:
        metrics: dict[str, float] = {}
        for key in ("run_length", "change_point"):
            value = finding.details.get(key)
            if value is not None:
                metrics[key] = int(value)
        return self._verdict(findings=[finding], metrics=metrics, message=finding.message)
