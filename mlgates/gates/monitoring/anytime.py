"""AnytimeDriftGate: a check that can be re-run on every batch of a stream, for ever, and keeps
its overall false-alarm rate, with its state carried between runs in a small JSON file."""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from mlgates.core._io import atomic_write
from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options, insufficient_status, parameter_error
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.gates.monitoring._stream import row_statistic
from mlgates.stats import confseq

__all__ = ["STATE_SCHEMA", "AnytimeDriftGate"]

STATE_SCHEMA = "mlgates.anytime/1"
#: Checks kept in the state file's history (the running sums carry everything else).
MAX_HISTORY = 1000


class AnytimeDriftGate(Gate):
    """Drift of one per-row statistic, judged with an anytime-valid confidence sequence, so the
    check can be repeated on every batch without raising its false-alarm rate.

    Plain repeated testing at level ``alpha`` alarms on nothing eventually (over 100 daily checks
    of a stable stream, a 5% test alarms at least once with probability near 1). This gate keeps
    a **confidence sequence** for the mean of the stream's per-row statistic over every row seen
    so far (the predictable plug-in empirical-Bernstein sequence of Waudby-Smith & Ramdas 2024),
    carried between runs in the ``state`` file, and a fixed-sample bound on the reference's own
    mean. It FAILs when the two are apart by more than ``max_change``.

    **Guarantee**: if the stream's rows are independent draws whose mean is within
    ``max_change`` of the reference's (for ``statistic="rank"``: drawn from the reference's
    distribution, shifted by at most ``max_change`` in probability of exceeding a reference
    value), the probability that *any* check of the sequence, however many and whenever they are
    run, FAILs is at most ``alpha`` (``alpha / 2`` for the reference bound, ``alpha / 2`` for
    the sequence; Ville's inequality). An alarm is kept in the state: later checks FAIL until the
    state file is removed.

    Parameters
    ----------
    column : str (required)
        The monitored column of both tables, or ``"prediction"``, ``"proba"`` or ``"error"``
        (as in :class:`SequentialGate`).
    statistic : {"rank", "mean"}, default "rank"
        ``"rank"``: each current value's mid-rank among the reference values (in [0, 1]); its
        mean is 0.5 without drift, and ``mean - 0.5`` is the probability that a current value
        exceeds a reference value, minus one half (any shift of location, for any distribution).
        ``"mean"``: the values themselves, which must lie in ``bounds``.
    alpha : float, default 0.05
        The overall false-alarm rate over all checks of the sequence.
    max_change : float, default 0.0
        The largest change of the mean that is not drift (in the column's units for ``"mean"``,
        in probability for ``"rank"``, e.g. 0.05): the gate FAILs only when the change exceeds
        it with confidence.
    bounds : list of two floats, optional
        ``[low, high]``, the range of the values for ``statistic="mean"`` (required unless they
        lie in [0, 1]: a probability, an error indicator).
    state : path, optional
        JSON file carrying the sequence between checks (written atomically). Without it each
        check stands alone (still valid, but evidence does not accumulate).
    min_samples : int, default 30
        Fewest reference values; fewer is ``insufficient_samples``.
    on_insufficient : {"warn", "fail", "error", "skip"}, default "warn"
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    One process writes a state file at a time. The state records the setup (column, statistic,
    alpha, max_change, bounds) and the reference's fingerprint; a check with another setup or
    another reference is ERROR (``invalid_state``): start a new file. Reason codes:
    ``drift_detected``, ``invalid_state``, ``insufficient_samples``, ``all_missing``,
    ``invalid_input`` (values outside ``bounds``), ``empty_input``, ``missing_column``,
    ``missing_values``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, tempfile, pathlib
    >>> from mlgates import AnytimeDriftGate
    >>> rng = np.random.default_rng(0)
    >>> ref = pd.DataFrame({"x": rng.normal(size=5000)})
    >>> state = pathlib.Path(tempfile.mkdtemp()) / "x.state.json"
    >>> gate = AnytimeDriftGate(column="x", state=str(state))
    >>> [gate.check(reference=ref, current=pd.DataFrame({"x": rng.normal(size=500)})).status.value
    ...  for _ in range(5)]
    ['pass', 'pass', 'pass', 'pass', 'pass']
    >>> shifted = pd.DataFrame({"x": rng.normal(0.5, 1, size=1000)})
    >>> [gate.check(reference=ref, current=shifted).status.value for _ in range(3)]
    ['pass', 'fail', 'fail']
    >>> json.loads(state.read_text())["n_checks"]
    8
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "column": [str],
        "statistic": [Options("rank", "mean")],
        "alpha": [Interval("real", 0, 1, closed="neither")],
        "max_change": [Interval("real", 0, None)],
        "bounds": [list, tuple, None],
        "state": ["path", None],
        "min_samples": [Interval("int", 2, None)],
        "on_insufficient": [ON_INSUFFICIENT],
    }

    def __init__(
        self,
        *,
        column: str | None = None,
        statistic: str = "rank",
        alpha: float = 0.05,
        max_change: float = 0.0,
        bounds: list[float] | tuple[float, float] | None = None,
        state: str | os.PathLike[str] | None = None,
        min_samples: int = 30,
        on_insufficient: str = "warn",
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.column = column
        self.statistic = statistic
        self.alpha = alpha
        self.max_change = max_change
        self.bounds = bounds
        self.state = state
        self.min_samples = min_samples
        self.on_insufficient = on_insufficient

    def _validate_params(self) -> None:
        if self.bounds is not None:
            b = list(self.bounds)
            ok = len(b) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in b)
            if not ok or not (math.isfinite(b[0]) and math.isfinite(b[1]) and b[0] < b[1]):
                raise parameter_error(
                    type(self).__name__, "bounds", "[low, high] with low < high", self.bounds
                )

    def required_inputs(self) -> tuple[str, ...]:
        return ("reference", "current")

    # -- the setup recorded in the state ------------------------------------------------------
    def _setup(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "statistic": self.statistic,
            "alpha": float(self.alpha),
            "max_change": float(self.max_change),
            "bounds": None if self.bounds is None else [float(v) for v in self.bounds],
        }

    def _load(self, setup: dict[str, Any]) -> dict[str, Any] | None:
        if self.state is None or not Path(self.state).exists():
            return None
        path = Path(self.state)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("schema") != STATE_SCHEMA:
                raise ValueError(f"schema {data.get('schema')!r}, expected {STATE_SCHEMA!r}")
            confseq.EBState.from_dict(data["sequence"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"state file {str(path)!r} cannot be read ({exc}); restore it, or remove it to start a "
                "new sequence (the guarantee then starts again)",
                reason="invalid_state",
                subject="state",
            ) from None
        if data.get("setup") != setup or data.get("reference") is None:
            raise InputError(
                f"state file {str(path)!r} belongs to another setup ({data.get('setup')}); this gate is "
                f"{setup}: use another state= path for it, or remove the file to start a new sequence",
                reason="invalid_state",
                subject="state",
            )
        return dict(data)

    # -- checking -------------------------------------------------------------------------
    def _values(self, ctx: CheckContext, side: str) -> np.ndarray:
        raw, _ = row_statistic(ctx, side, str(self.column))
        values = raw[~np.isnan(raw)]
        if self.statistic == "rank":
            return values
        lo, hi = (0.0, 1.0) if self.bounds is None else (float(self.bounds[0]), float(self.bounds[1]))
        outside = (values < lo) | (values > hi)
        if outside.any():
            fix = (
                "widen bounds=" if self.bounds is not None else "pass bounds=[low, high] (the values' range)"
            )
            raise InputError(
                f"{side}: {int(outside.sum()):,} values of {self.column!r} lie outside [{lo:g}, {hi:g}] "
                f"(e.g. {values[outside][0]:g}); statistic='mean' needs bounded values: {fix}, or use "
                "statistic='rank'",
                reason="invalid_input",
                subject=str(self.column),
            )
        return (values - lo) / (hi - lo)

    def _check(self, ctx: CheckContext) -> Verdict:
        ref_frame, cur_frame = ctx.frame("reference"), ctx.frame("current")
        empty = [s for s, f in (("reference", ref_frame), ("current", cur_frame)) if len(f) == 0]
        if empty:
            return self._verdict(
                Status.ERROR, reason="empty_input", message=f"{' and '.join(empty)} has no rows"
            )
        subject = str(self.column)
        setup = self._setup()
        stored = self._load(setup)
        ref = self._values(ctx, "reference")
        cur = self._values(ctx, "current")
        if ref.size == 0 or cur.size == 0:
            sides = [s for s, a in (("reference", ref), ("current", cur)) if a.size == 0]
            return self._one(
                Finding(
                    subject,
                    Status.ERROR,
                    reason="all_missing",
                    message=f"{subject}: no values in {' and '.join(sides)}",
                )
            )
        if ref.size < self.min_samples:
            return self._one(
                Finding(
                    subject,
                    insufficient_status(self.on_insufficient),
                    reason="insufficient_samples",
                    message=f"{subject}: {ref.size} reference values (< {self.min_samples})",
                    details={"n_reference": int(ref.size)},
                )
            )
        from mlgates.fingerprints import fingerprint

        ref_sorted = np.sort(ref)
        reference = {"fingerprint": fingerprint(ref_sorted), "n": int(ref.size)}
        half = self.alpha / 2
        scale = 1.0
        if self.statistic == "rank":
            below = np.searchsorted(ref_sorted, cur, side="left")
            upto = np.searchsorted(ref_sorted, cur, side="right")
            x = (below + upto) / (2.0 * ref.size)
            centre = 0.5
            margin = math.sqrt(math.log(2.0 / half) / (2.0 * ref.size))  # Hoeffding, any distribution
        else:
            x = cur
            centre = float(ref.mean())
            margin = confseq.empirical_bernstein_margin(ref, alpha=half)
            if self.bounds is not None:
                scale = float(self.bounds[1]) - float(self.bounds[0])
        if stored is not None and stored["reference"] != reference:
            raise InputError(
                f"state file {str(self.state)!r} was started with another reference (fingerprint "
                f"{stored['reference'].get('fingerprint')}); remove it to start a new sequence, or pass "
                "the same reference",
                reason="invalid_state",
                subject="state",
            )
        before = confseq.EBState() if stored is None else confseq.EBState.from_dict(stored["sequence"])
        after = confseq.eb_update(before, x, alpha=half)
        tol = self.max_change / scale
        band = (centre - margin - tol, centre + margin + tol)
        lo, hi = confseq.eb_interval(after, alpha=half)
        # "some interval of the sequence lay beyond the band": valid for any number of looks
        apart = hi < band[0] or lo > band[1]
        latest = confseq.eb_latest(after, alpha=half)
        n_checks = (0 if stored is None else int(stored["n_checks"])) + 1
        alarm = None if stored is None else stored.get("alarm")
        if apart and alarm is None:
            alarm = {"check": n_checks, "n_rows": after.n, "time": _now()}
        estimate = (after.sum_lambda_x / after.sum_lambda) if after.sum_lambda > 0 else float(np.mean(x))
        change = (estimate - centre) * scale
        details: dict[str, Any] = {
            "statistic_kind": self.statistic,
            "interval": [latest[0] * scale, latest[1] * scale],
            "intersection": [lo * scale, hi * scale],
            "reference_band": [band[0] * scale, band[1] * scale],
            "reference_centre": centre * scale,
            "reference_margin": margin * scale,
            "n_rows_total": after.n,
            "n_rows_check": int(x.size),
            "n_checks": n_checks,
            "alpha": self.alpha,
            "guarantee": "P(any check of the sequence fails without drift) <= alpha",
            "state": None if self.state is None else os.fspath(self.state),
        }
        if self.statistic == "mean" and self.bounds is not None:
            offset = float(self.bounds[0])
            details["interval"] = [offset + latest[0] * scale, offset + latest[1] * scale]
            details["intersection"] = [offset + lo * scale, offset + hi * scale]
            details["reference_band"] = [offset + band[0] * scale, offset + band[1] * scale]
            details["reference_centre"] = offset + centre * scale
        if alarm is not None:
            details["alarm"] = alarm
        what = "P(current > reference) - 1/2" if self.statistic == "rank" else f"mean of {subject}"
        span = f"{after.n:,} rows in {n_checks} {'check' if n_checks == 1 else 'checks'}"
        if alarm is not None:
            status, reason = Status.FAIL, "drift_detected"
            when = (
                ""
                if alarm["check"] == n_checks
                else f" (alarm raised at check {alarm['check']}, kept in the state)"
            )
            message = (
                f"{subject}: drift: {what} {change:+.3g}, its confidence sequence "
                f"[{details['interval'][0]:.4g}, {details['interval'][1]:.4g}] left the reference "
                f"band [{details['reference_band'][0]:.4g}, {details['reference_band'][1]:.4g}] "
                f"after {span}{when}"
            )
        else:
            status, reason = Status.PASS, None
            message = (
                f"{subject}: no drift beyond {self.max_change:g} after {span}: {what} {change:+.3g}, "
                f"sequence [{details['interval'][0]:.4g}, {details['interval'][1]:.4g}] meets the reference "
                f"band [{details['reference_band'][0]:.4g}, {details['reference_band'][1]:.4g}] "
                f"(anytime-valid at alpha={self.alpha:g})"
            )
        if self.state is None:
            message += "; no state=: this check stands alone"
        else:
            history = list(stored.get("history", [])) if stored is not None else []
            history.append(
                {
                    "check": n_checks,
                    "time": _now(),
                    "n_rows": int(x.size),
                    "status": status.value,
                    "interval": details["interval"],
                }
            )
            document = {
                "schema": STATE_SCHEMA,
                "setup": setup,
                "reference": reference,
                "n_checks": n_checks,
                "sequence": after.to_dict(),
                "alarm": alarm,
                "history": history[-MAX_HISTORY:],
            }
            atomic_write(self.state, json.dumps(document, indent=1) + "\n")
        return self._one(
            Finding(
                subject,
                status,
                statistic=change,
                threshold=self.max_change,
                method=f"confidence_sequence_{self.statistic}",
                reason=reason,
                message=message,
                details=details,
            )
        )

    def _one(self, finding: Finding) -> Verdict:
        return self._verdict(findings=[finding], message=finding.message)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
